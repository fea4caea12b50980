"""The fact desk: the command catalogue, typed answers that lay themselves out, and the service
behind every command. A command's group module (facts, articles, quotes, figures, help,
moderation) holds its declaration, its answer and its work together."""

from bot.desk.answers import Answer, ArticleRef, UserError
from bot.desk.catalogue import COMMANDS, Invocation, parse_invocation, spec
from bot.desk.service import CONSOLE, Desk, SeedsFolder
from bot.desk.spec import OPTION_LENGTH, Call, CommandSpec, OptionSpec

__all__ = [
    "COMMANDS",
    "CONSOLE",
    "OPTION_LENGTH",
    "Answer",
    "ArticleRef",
    "Call",
    "CommandSpec",
    "Desk",
    "Invocation",
    "OptionSpec",
    "SeedsFolder",
    "UserError",
    "parse_invocation",
    "spec",
]
