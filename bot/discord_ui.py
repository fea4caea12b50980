"""The Discord side of answers: embeds from pages, page buttons, replies and the error handler."""

from __future__ import annotations

import contextlib
import logging
from typing import Any

import discord
from discord import app_commands

from bot.commands import COMMANDS, CommandSpec, OptionSpec
from bot.render import CONTENT_LIMIT, AnyAnswer, Page, Reply, to_reply
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


async def send_answer(interaction: discord.Interaction, answer: AnyAnswer) -> None:
    await send_reply(interaction, to_reply(answer))


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


# --- Who may use moderator commands -------------------------------------------------------------


class NotModerator(app_commands.CheckFailure):
    """The member may not use a moderator command; the message says what they would need."""


def is_moderator(interaction: discord.Interaction, role: str) -> bool:
    """Manage Server, or the moderator role: by id when `role` is a number, else by its exact
    name (a role that only looks alike, "moderator" for "Moderator", is not it)."""
    member = interaction.user
    if not isinstance(member, discord.Member):
        return False
    if member.guild_permissions.manage_guild:
        return True
    if role.isascii() and role.isdigit():
        return any(r.id == int(role) for r in member.roles)
    return any(r.name == role for r in member.roles)


def moderator_role(interaction: discord.Interaction) -> str:
    settings = getattr(interaction.client, "settings", None)
    return str(getattr(settings, "moderator_role", "Moderator"))


async def _moderator_check(interaction: discord.Interaction) -> bool:
    role = moderator_role(interaction)
    if is_moderator(interaction, role):
        return True
    named = f"the role with id {role}" if role.isdigit() else f"the “{role}” role"
    raise NotModerator(f"You need the Manage Server permission or {named} to do this.")


# Enforced in code: default permissions only hide a command, and server admins can show it to
# anyone.
moderators_only = app_commands.check(_moderator_check)


def commands_of(tree: app_commands.CommandTree[Any], *, moderator: bool) -> tuple[CommandSpec, ...]:
    """The commands as the tree publishes them, for /help: those a member may use, readers'
    first in the catalogue's order; a command hidden by default permissions is a moderator's."""
    order = {spec.name: number for number, spec in enumerate(COMMANDS)}
    found = []
    for command in tree.walk_commands():
        if not isinstance(command, app_commands.Command):
            continue
        guarded = command.default_permissions is not None or (
            command.parent is not None and command.parent.default_permissions is not None
        )
        if guarded and not moderator:
            continue
        options = tuple(OptionSpec(p.name, p.description, p.required) for p in command.parameters)
        name = command.qualified_name
        found.append(CommandSpec(name, command.description, options, moderators=guarded))
    found.sort(key=lambda spec: (spec.moderators, order.get(spec.name, len(order)), spec.name))
    return tuple(found)
