"""Reader commands: /facts, /source, /summary, /quote, /figures, /articles and /help."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.commands import OPTION_LENGTH, Desk
from bot.discord_ui import commands_of, is_moderator, moderator_role, send_answer
from bot.store import StoreError

if TYPE_CHECKING:
    from bot.client import NewsBot

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

    @app_commands.command(description="Find the facts about a topic, with where each comes from")
    @app_commands.describe(
        topic="What the facts are about, e.g. shipments",
        article="Only this article: pick one, or type part of its title",
    )
    @reader_cooldown
    async def facts(
        self,
        interaction: discord.Interaction,
        topic: Text,
        article: Text | None = None,
    ) -> None:
        await send_answer(interaction, await self.desk.facts(topic, article))

    @app_commands.command(description="Who an article cites, and who it quotes")
    @app_commands.describe(article="The article: pick one, or the newest when left out")
    @reader_cooldown
    async def source(self, interaction: discord.Interaction, article: Text | None = None) -> None:
        await send_answer(interaction, await self.desk.source(article))

    @app_commands.command(description="An article's headline, date, lead and key facts")
    @app_commands.describe(article="The article: pick one, or the newest when left out")
    @reader_cooldown
    async def summary(self, interaction: discord.Interaction, article: Text | None = None) -> None:
        await send_answer(interaction, await self.desk.summary(article))

    @app_commands.command(description="What someone was quoted as saying")
    @app_commands.describe(speaker="Who said it; the newest article's quotes when left out")
    @reader_cooldown
    async def quote(self, interaction: discord.Interaction, speaker: Text | None = None) -> None:
        await send_answer(interaction, await self.desk.quote(speaker))

    @app_commands.command(description="The numbers reported, with who claims them and when")
    @app_commands.describe(
        topic="Only figures about this, e.g. containers",
        article="Only this article; the newest when neither option is given",
    )
    @reader_cooldown
    async def figures(
        self,
        interaction: discord.Interaction,
        topic: Text | None = None,
        article: Text | None = None,
    ) -> None:
        await send_answer(interaction, await self.desk.figures(topic, article))

    @app_commands.command(description="The loaded articles, newest first")
    @reader_cooldown
    async def articles(self, interaction: discord.Interaction) -> None:
        await send_answer(interaction, self.desk.articles())

    @app_commands.command(name="help", description="What this bot can answer")
    async def help_(self, interaction: discord.Interaction) -> None:
        moderator = is_moderator(interaction, moderator_role(interaction))
        tree = interaction.client.tree  # type: ignore[attr-defined]
        await send_answer(interaction, self.desk.help(commands_of(tree, moderator=moderator)))

    @facts.autocomplete("topic")
    @figures.autocomplete("topic")
    async def topic_choices(self, interaction: discord.Interaction, current: str) -> Choices:
        return self._choices("topic", current)

    @facts.autocomplete("article")
    @source.autocomplete("article")
    @summary.autocomplete("article")
    @figures.autocomplete("article")
    async def article_choices(self, interaction: discord.Interaction, current: str) -> Choices:
        return self._choices("article", current)

    @quote.autocomplete("speaker")
    async def speaker_choices(self, interaction: discord.Interaction, current: str) -> Choices:
        return self._choices("speaker", current)


async def setup(bot: NewsBot) -> None:
    await bot.add_cog(Newsroom(bot.desk))
