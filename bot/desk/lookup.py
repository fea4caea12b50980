"""Finding what a reader named: an article by id or title, a speaker by name; and the
autocomplete choices for them, built once per snapshot."""

from __future__ import annotations

from bot.desk.answers import UserError
from bot.desk.spec import OPTION_LENGTH
from bot.fuzzy import NAMES, TITLES, Choice, Completer, NoMatch, Picker
from bot.store import ArticleRow, Snapshot
from bot.text import clip

NO_ARTICLES = (
    "No articles are loaded yet. A moderator can add files to the seeds folder and /reload."
)
CHOICE_LENGTH = 100  # Discord shows autocomplete choices of at most 100 characters


def resolve_article(snapshot: Snapshot, text: str | None) -> ArticleRow | UserError:
    """An article from an id or a (fuzzy) title; the newest when nothing is given."""
    if not snapshot.articles:
        return UserError(NO_ARTICLES)
    text = (text or "").strip()[:OPTION_LENGTH]
    if not text:
        return snapshot.articles[0]
    number = text.lstrip("#")
    if number.isascii() and number.isdigit():  # "²" is a digit to str.isdigit, not to int()
        found = snapshot.article(int(number)) if len(number) <= 18 else None
        if found is None:
            return UserError(f"There is no article #{clip(number, 20)}. /articles lists them.")
        return found
    chosen = picker(snapshot, "article").pick(text)
    if isinstance(chosen, NoMatch):
        return UserError(f"No article matches “{clip(text, 150)}”.", chosen.close)
    return snapshot.articles[chosen]


def resolve_speaker(snapshot: Snapshot, text: str) -> str | UserError:
    """A speaker's name from what was typed, matched as titles are."""
    chosen = picker(snapshot, "speaker").pick(text[:OPTION_LENGTH])
    if isinstance(chosen, NoMatch):
        if not snapshot.speakers:
            return UserError("There is no speaker to choose from yet.")
        return UserError(f"No speaker matches “{clip(text, 150)}”.", chosen.close)
    return snapshot.speakers[chosen]


def picker(snapshot: Snapshot, what: str) -> Picker:
    """The snapshot's titles (newest first) or speakers (most quoted first), folded once."""
    found = snapshot.memo.get(f"pick:{what}")
    if not isinstance(found, Picker):
        texts = [a.title for a in snapshot.articles] if what == "article" else snapshot.speakers
        found = snapshot.memo[f"pick:{what}"] = Picker(texts)
    return found


def completer(snapshot: Snapshot, option: str) -> Completer:
    """Autocomplete over the snapshot's articles (by title, newest first), speakers or topics
    (most frequent first), built on first use and kept with the snapshot."""
    found = snapshot.memo.get(option)
    if isinstance(found, Completer):
        return found
    if option == "article":
        choices = [
            Choice(
                clip(f"{a.title} · {a.published:%-d %b %Y}" if a.published else a.title, 100),
                str(a.id),
            )
            for a in snapshot.articles
        ]
        made = Completer(choices, TITLES)
    else:
        pools = {"speaker": snapshot.speakers, "name": snapshot.people}
        pool = pools.get(option, snapshot.topics)
        shown = [clip(name, CHOICE_LENGTH) for name in pool]
        made = Completer([Choice(name, name) for name in shown], NAMES)
    snapshot.memo[option] = made
    return made
