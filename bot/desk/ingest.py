"""/ingest: one article added at once, from a link or an uploaded file (.txt, .md, .html), and
the answer of what was understood of it: headline, date, sources, and what it holds."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, ClassVar

from bot.desk.answers import Answer, ArticleRef, UserError
from bot.desk.spec import Call, CommandSpec, OptionSpec
from bot.pages import COLOUR, Page, Reply, escape, heading
from bot.store import (
    Document,
    LoadInProgress,
    LoadReport,
    LoadStopped,
    Origin,
    Requester,
    StoreBusy,
    StoreError,
)
from bot.text import date_text, plural
from bot.web import PAGE_TYPES, FetchError

if TYPE_CHECKING:
    from bot.desk.service import Desk

UPLOAD_TYPES = {
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".html": "text/html",
    ".htm": "text/html",
}
URL_LENGTH = 2000
INGEST_USAGE = "/ingest takes a link (url:) or a file (file:), one of them."


@dataclass(frozen=True, slots=True)
class Understood:
    """What the store holds of an article just loaded."""

    article: ArticleRef
    sources: tuple[str, ...]
    sections: tuple[str, ...]  # labelled sections, in order
    facts: int
    quotes: int
    figures: int

    def lines(self) -> list[str]:
        sections = f" in {plural(len(self.sections), 'section')}" if self.sections else ""
        named = f" ({', '.join(self.sections)})" if self.sections else ""
        return [
            f"Published: {date_text(self.article.published)}",
            f"Sources: {', '.join(self.sources) if self.sources else 'none named'}",
            f"{plural(self.facts, 'fact')}{sections}{named}, {plural(self.quotes, 'quote')}, "
            f"{plural(self.figures, 'figure')}",
        ]


@dataclass(frozen=True, slots=True)
class IngestAnswer(Answer):
    kind: ClassVar[str] = "ingest"
    outcome: str  # added, updated, unchanged
    address: str
    understood: Understood

    def text(self) -> str:
        article = self.understood.article
        head = {
            "added": "Added",
            "updated": "Updated",
            "unchanged": "Already in the archive, unchanged:",
        }[self.outcome]
        lines = [f"{head} {article.citation()}", f"From: {self.address}"]
        if article.url and article.url != self.address:
            lines.append(f"Address: {article.url}")
        return "\n".join(lines + self.understood.lines())

    def reply(self) -> Reply:
        article = self.understood.article
        verb = {"added": "Added", "updated": "Updated", "unchanged": "Unchanged"}[self.outcome]
        lines = [escape(line) for line in self.understood.lines()]
        page = Page(
            heading(f"{verb}: {article.title}"),
            "\n".join([f"From {escape(self.address)}", *lines]),
            footer=article.footer(),
            url=article.url,
            colour=COLOUR,
        )
        return Reply((page,), ephemeral=True)


async def understood(desk: Desk, article_id: int) -> Understood | None:
    with desk.reading() as snapshot:
        row = snapshot.article(article_id)
        if row is None:
            return None
        read = snapshot.read
        facts = await read.article_facts(article_id)
        sources = await read.sources(article_id)
        quotes = await read.quotes(article_id=article_id)
        figures = await read.figures(article_id=article_id)
    labels: list[str] = []
    for fact in facts:
        label = fact.section_label
        if label and label not in labels:
            labels.append(label)
    return Understood(
        ArticleRef.of(row),
        tuple(s.name for s in sources),
        tuple(labels),
        len(facts),
        len(quotes),
        len(figures),
    )


def upload_document(name: str, data: bytes, origin: Origin = "upload") -> Document | UserError:
    """An uploaded file as the store keeps it: named by its file name, so that uploading a
    corrected copy of the same file updates the article it gave."""
    shown = PurePath(name).name or "the file"
    content_type = UPLOAD_TYPES.get(PurePath(shown).suffix.lower())
    if content_type is None:
        kinds = ", ".join(UPLOAD_TYPES)
        return UserError(f"{shown} is not an article file: upload one of {kinds}.")
    return Document(f"upload:{shown}", data, origin, shown, content_type)


async def ingest_url(desk: Desk, url: str, *, by: Requester) -> Answer:
    """Fetch a page and load its article."""
    url = url.strip()
    try:
        page = await desk.web.fetcher.fetch(url, PAGE_TYPES)
    except FetchError as error:
        return UserError(f"Could not fetch {url}: {error}.")
    document = Document(url, page.body, "link", page.url, page.content_type, url=page.url)
    return await load_one(desk, document, by=by)


async def ingest_upload(desk: Desk, name: str, data: bytes, *, by: Requester) -> Answer:
    """Load an uploaded file's article, within the size a seeds file may have."""
    document = upload_document(name, data)
    if isinstance(document, UserError):
        return document
    if len(data) > desk.seeds.max_bytes:
        return UserError(
            f"{document.address} is too large: {len(data):,} bytes, the limit is "
            f"{desk.seeds.max_bytes:,} bytes."
        )
    return await load_one(desk, document, by=by)


async def load_one(desk: Desk, document: Document, *, by: Requester) -> Answer:
    report = await load_documents(desk, [document], label=document.address, by=by)
    if isinstance(report, UserError):
        return report
    [file] = report.files
    if file.outcome == "failed" or file.article_id is None:
        return UserError(f"Could not read {document.address} as an article: {file.reason}.")
    found = await understood(desk, file.article_id)
    if found is None:
        return UserError(f"{document.address} was loaded, but the article is not there now.")
    return IngestAnswer(file.outcome, document.address, found)


async def load_documents(
    desk: Desk, documents: list[Document], *, label: str, by: Requester
) -> LoadReport | UserError:
    """Load documents into the store, the moderator's way: a load already running, or a
    store that cannot take it, is an answer, not an exception."""
    try:
        report = await desk.store.load_documents(
            documents, label=label, timezone=desk.seeds.timezone, by=by, wait=False
        )
    except LoadInProgress:
        return UserError("A load of the articles is running; try again in a moment.")
    except StoreBusy:
        return UserError("Another process is writing the articles; try again in a moment.")
    except LoadStopped:
        return UserError("The bot is shutting down, so nothing was loaded; try again later.")
    except StoreError as error:
        return UserError(f"Cannot load the article: {error}.")
    if report.changed:
        desk.prepare()
    return report


async def _ingest(desk: Desk, call: Call) -> Answer:
    url = call.options.get("url", "").strip()
    path = call.options.get("file", "").strip()
    if bool(url) == bool(path):
        return UserError(INGEST_USAGE)
    if url:
        return await ingest_url(desk, url, by=call.by)
    # At the console a file is a path on this machine; on Discord, an uploaded attachment.
    try:
        data = await asyncio.to_thread(read_start, Path(path), desk.seeds.max_bytes + 1)
    except OSError as error:
        return UserError(f"Cannot read {path}: {error.strerror or error}.")
    return await ingest_upload(desk, path, data, by=call.by)


def read_start(path: Path, limit: int) -> bytes:
    """At most `limit` bytes of a file: enough to tell it is too large, never all of a huge one."""
    with path.open("rb") as handle:
        return handle.read(limit)


COMMANDS = (
    CommandSpec(
        "ingest",
        "Add one article now: from a link, or an uploaded .txt, .md or .html file",
        (
            OptionSpec("url", "The article's web address (http or https)", max_length=URL_LENGTH),
            OptionSpec("file", "An article file: .txt, .md or .html"),
        ),
        moderators=True,
        run=_ingest,
    ),
)
