"""Answers on Discord: embeds copied from their pages, page buttons only the asker may turn,
replies with mentions disabled, and the one error handler of every command."""

from __future__ import annotations

import contextlib
import logging
from typing import Any

import discord
from discord import app_commands

from bot.desk import Answer
from bot.pages import CONTENT_LIMIT, Page, Reply, fitted
from bot.text import clip

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
PAGE_TIMEOUT = 300.0  # seconds a reader has to turn pages before the buttons go grey


def embed(page: Page) -> discord.Embed:
    made = discord.Embed(
        title=page.title, description=page.description or None, url=page.url, colour=page.colour
    )
    for field in page.fields:
        made.add_field(name=field.name, value=field.value, inline=field.inline)
    if page.footer:
        made.set_footer(text=page.footer)
    return made


class Pager(discord.ui.View):
    """Previous / Next over the pages of one answer; only the person who asked turns them."""

    def __init__(self, pages: list[discord.Embed], owner_id: int) -> None:
        super().__init__(timeout=PAGE_TIMEOUT)
        self.pages = pages
        self.owner_id = owner_id
        self.index = 0
        self.message: discord.InteractionMessage | discord.WebhookMessage | None = None
        self._sync_buttons()

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(
            "Only the person who asked can turn these pages; ask the bot yourself to get your own.",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )
        return False

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, _: discord.ui.Button[Pager]) -> None:
        await self._show(interaction, self.index - 1)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.primary)
    async def next(self, interaction: discord.Interaction, _: discord.ui.Button[Pager]) -> None:
        await self._show(interaction, self.index + 1)

    async def _show(self, interaction: discord.Interaction, index: int) -> None:
        self.index = max(0, min(index, len(self.pages) - 1))
        self._sync_buttons()
        await interaction.response.edit_message(
            embed=self.pages[self.index], view=self, allowed_mentions=NO_MENTIONS
        )

    def _sync_buttons(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index == len(self.pages) - 1

    async def on_timeout(self) -> None:
        self.previous.disabled = self.next.disabled = True
        if self.message is not None:
            # The message may be deleted, or the token expired: then there is nothing to tidy.
            with contextlib.suppress(discord.HTTPException):
                await self.message.edit(view=self)


async def send_answer(interaction: discord.Interaction, answer: Answer) -> None:
    await send_reply(interaction, fitted(answer.reply()))


async def send_reply(interaction: discord.Interaction, reply: Reply) -> None:
    """Send a reply as the first response, or as a followup when the interaction was deferred."""
    embeds = [embed(page) for page in reply.pages]
    kwargs: dict[str, Any] = {"ephemeral": reply.ephemeral, "allowed_mentions": NO_MENTIONS}
    if reply.text:
        kwargs["content"] = clip(reply.text, CONTENT_LIMIT)
    pager = Pager(embeds, interaction.user.id) if len(embeds) > 1 else None
    if embeds:
        kwargs["embed"] = embeds[0]
    if pager is not None:
        kwargs["view"] = pager
    if interaction.response.is_done():  # deferred: the answer is a followup
        message = await interaction.followup.send(wait=True, **kwargs)
        if pager is not None:
            pager.message = message
        return
    await interaction.response.send_message(**kwargs)
    if pager is not None:
        pager.message = await interaction.original_response()


class NewsTree(app_commands.CommandTree[Any]):
    """One error handler for every command: friendly for what users can fix, logged for the rest."""

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError, /
    ) -> None:
        message = user_message(error)
        if message is None:
            command = interaction.command.qualified_name if interaction.command else "?"
            options = dict(iter(interaction.namespace))  # a Namespace is no mapping
            log.error("/%s %s failed", command, options, exc_info=error)
            message = "Something went wrong while answering. It has been logged; please try again."
        try:
            if interaction.response.is_done():
                await interaction.followup.send(
                    message, ephemeral=True, allowed_mentions=NO_MENTIONS
                )
            else:
                await interaction.response.send_message(
                    message, ephemeral=True, allowed_mentions=NO_MENTIONS
                )
        except discord.HTTPException:
            log.warning("could not tell the user about an error in /%s", interaction.command)


def user_message(error: app_commands.AppCommandError) -> str | None:
    """What to tell the user about an error they can do something about; None for bugs."""
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Easy there: you can ask again in {error.retry_after:.0f} seconds."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command works in a server, not in direct messages."
    if isinstance(error, app_commands.CheckFailure) and str(error):
        return str(error)
    if isinstance(error, app_commands.TransformerError):
        return f"“{error.value}” is not a valid {error.type.name.lower()}."
    return None
