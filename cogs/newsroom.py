"""Reader commands on Discord: /facts, /source, /summary, /article, /articles, /quote, /figures,
/timeline, /who and /help. Each turns the interaction into a desk call and its answer into a
reply; the catalogue words the descriptions."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.chat.checks import commands_of, is_moderator, moderator_role
from bot.chat.embeds import send_answer
from bot.desk import OPTION_LENGTH, Desk, spec
from bot.desk.articles import article_view, articles, source, summary
from bot.desk.facts import facts
from bot.desk.figures import figures
from bot.desk.help import help_for
from bot.desk.quotes import quote
from bot.desk.timeline import timeline
from bot.desk.who import who
from bot.store import StoreError

if TYPE_CHECKING:
    from bot.chat.client import NewsBot

log = logging.getLogger(__name__)

READS, PER_SECONDS = 5, 30.0  # each reader may ask five questions in thirty seconds

Choices = list[app_commands.Choice[str]]
# Discord checks the length before the bot is asked: no title or name is longer.
Text = app_commands.Range[str, 1, OPTION_LENGTH]


def per_user(interaction: discord.Interaction) -> int:
    return interaction.user.id


reader_cooldown = app_commands.checks.cooldown(READS, PER_SECONDS, key=per_user)


class Newsroom(commands.Cog):
    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    async def cog_load(self) -> None:
        self.refresh.start()

    async def cog_unload(self) -> None:
        self.refresh.cancel()

    @tasks.loop(minutes=1)
    async def refresh(self) -> None:
        """Readers move to the database as it is now: loads by another process (`newsdesk
        ingest`) show within a minute, and the old read transaction ends, so SQLite can
        checkpoint its log."""
        try:
            await self.desk.refresh()
        except StoreError as error:
            log.warning("could not refresh the articles: %s", error)

    def _choices(self, option: str, current: str) -> Choices:
        return [
            app_commands.Choice(name=choice.name, value=choice.value)
            for choice in self.desk.complete(option, current)
        ]

    @app_commands.command(description=spec("facts").summary)
    @app_commands.describe(**spec("facts").describe())
    @reader_cooldown
    async def facts(
        self, interaction: discord.Interaction, topic: Text, article: Text | None = None
    ) -> None:
        await send_answer(interaction, await facts(self.desk, topic, article))

    @app_commands.command(description=spec("source").summary)
    @app_commands.describe(**spec("source").describe())
    @reader_cooldown
    async def source(self, interaction: discord.Interaction, article: Text | None = None) -> None:
        await send_answer(interaction, await source(self.desk, article))

    @app_commands.command(description=spec("summary").summary)
    @app_commands.describe(**spec("summary").describe())
    @reader_cooldown
    async def summary(self, interaction: discord.Interaction, article: Text | None = None) -> None:
        await send_answer(interaction, await summary(self.desk, article))

    @app_commands.command(name="article", description=spec("article").summary)
    @app_commands.describe(**spec("article").describe())
    @reader_cooldown
    async def article_(self, interaction: discord.Interaction, article: Text | None = None) -> None:
        await send_answer(interaction, await article_view(self.desk, article))

    @app_commands.command(description=spec("articles").summary)
    @reader_cooldown
    async def articles(self, interaction: discord.Interaction) -> None:
        await send_answer(interaction, articles(self.desk))

    @app_commands.command(description=spec("quote").summary)
    @app_commands.describe(**spec("quote").describe())
    @reader_cooldown
    async def quote(self, interaction: discord.Interaction, speaker: Text | None = None) -> None:
        await send_answer(interaction, await quote(self.desk, speaker))

    @app_commands.command(description=spec("figures").summary)
    @app_commands.describe(**spec("figures").describe())
    @reader_cooldown
    async def figures(
        self,
        interaction: discord.Interaction,
        topic: Text | None = None,
        article: Text | None = None,
    ) -> None:
        await send_answer(interaction, await figures(self.desk, topic, article))

    @app_commands.command(description=spec("timeline").summary)
    @app_commands.describe(**spec("timeline").describe())
    @reader_cooldown
    async def timeline(self, interaction: discord.Interaction, topic: Text) -> None:
        await send_answer(interaction, await timeline(self.desk, topic))

    @app_commands.command(description=spec("who").summary)
    @app_commands.describe(**spec("who").describe())
    @reader_cooldown
    async def who(self, interaction: discord.Interaction, name: Text) -> None:
        await send_answer(interaction, await who(self.desk, name))

    @app_commands.command(name="help", description=spec("help").summary)
    async def help_(self, interaction: discord.Interaction) -> None:
        moderator = is_moderator(interaction, moderator_role(interaction))
        tree = interaction.client.tree  # type: ignore[attr-defined]
        await send_answer(interaction, help_for(self.desk, commands_of(tree, moderator=moderator)))

    @facts.autocomplete("topic")
    @figures.autocomplete("topic")
    @timeline.autocomplete("topic")
    async def topic_choices(self, interaction: discord.Interaction, current: str) -> Choices:
        return self._choices("topic", current)

    @facts.autocomplete("article")
    @source.autocomplete("article")
    @summary.autocomplete("article")
    @article_.autocomplete("article")
    @figures.autocomplete("article")
    async def article_choices(self, interaction: discord.Interaction, current: str) -> Choices:
        return self._choices("article", current)

    @quote.autocomplete("speaker")
    async def speaker_choices(self, interaction: discord.Interaction, current: str) -> Choices:
        return self._choices("speaker", current)

    @who.autocomplete("name")
    async def name_choices(self, interaction: discord.Interaction, current: str) -> Choices:
        return self._choices("name", current)


async def setup(bot: NewsBot) -> None:
    await bot.add_cog(Newsroom(bot.desk))
