"""Who may use moderators' commands (checked in code: default permissions only hide them), and
the commands a member may use, read from the published command tree for /help."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot.desk import COMMANDS, CommandSpec, OptionSpec


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
