"""Word out, over a workspace: a revision rendered as a stamped .docx, and redlines between two.

The workspace supplies the text, the committed block map (anchors), the bibliography and the
stamp (guideline, chapter, revision and commit, round, reviewer, packet id, today's date).

Many copies of one revision (a round's packets) differ only in their stamp: ``RenderCache``
renders each revision once and restamps a copy per addressee (``drafts.ooxml.write.stamp.restamp``);
``RedlineCache`` does the same for redlines between two revisions.

``RenderFn`` and ``RedlineFn`` are the one render and redline signature (a Protocol each);
``render_for`` and ``redline_for`` are the implementations every stage uses: within a round, a
restamped copy of the round's one render in ``outbox/<round>/renders/``, else a plain render.
``sent_render`` is the round's unaddressed render of a revision: what intake compares a return
with (the packets are copies of it that differ only in their stamp).
"""

from __future__ import annotations

import hashlib
import tempfile
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Protocol

from drafts import blockstore, layout
from drafts.markdown.pandoc import pandoc_path
from drafts.models import Person
from drafts.ooxml.write.stamp import restamp
from drafts.word import house
from drafts.word.render import Stamp, render_chapter
from drafts.workspace import Workspace


def stamp_for(
    ws: Workspace,
    chapter: str,
    revision: int | None,
    *,
    round_id: str | None = None,
    reviewer: Person | None = None,
    packet: str | None = None,
) -> Stamp:
    """Return the provenance stamp of ``chapter`` at ``revision`` (latest when None)."""
    rev = ws.revision(chapter, revision)
    text = ws.text(chapter, rev.number)
    g = ws.guideline
    return Stamp(
        guideline_title=g.title,
        short_title=g.label,
        chapter=chapter,
        chapter_title=ws.front(chapter, text).title,
        revision=rev.number,
        commit=rev.commit,
        round=round_id,
        reviewer_id=reviewer.id if reviewer else None,
        reviewer_name=reviewer.name if reviewer else None,
        packet=packet,
        date=ws.now().date(),
    )


def redline_author(ws: Workspace) -> str:
    """Who the changes of a redline are attributed to: the guideline's organisation."""
    return ws.guideline.organisation or ws.guideline.mail.from_name


def render_name(
    chapter: str, revision: int, *, round_id: str | None = None, reviewer: str | None = None
) -> str:
    """Return the file name of a render made for the user: ``03-r2.docx``, ``03-r2-R1-<id>.docx``."""
    return "-".join([chapter, f"r{revision}", *(p for p in (round_id, reviewer) if p)]) + ".docx"


def redline_name(chapter: str, old: int, new: int) -> str:
    """Return the file name of a redline made for the user: ``03-r1-to-r2.docx``."""
    return f"{chapter}-r{old}-to-r{new}.docx"


def render_revision(
    ws: Workspace,
    chapter: str,
    revision: int | None,
    out: Path,
    *,
    round_id: str | None = None,
    reviewer: Person | None = None,
    packet: str | None = None,
) -> Path:
    """Render ``chapter`` at ``revision`` (latest when None) to ``out`` with anchors and stamp."""
    stamp = stamp_for(ws, chapter, revision, round_id=round_id, reviewer=reviewer, packet=packet)
    text = ws.text(chapter, stamp.revision)
    block_map = blockstore.load(ws, chapter, stamp.revision)
    return render_chapter(
        text,
        block_map,
        stamp,
        out,
        bibliography=blockstore.bibliography(ws),
        template=house.reference(ws.guideline),
    )


def redline_revisions(
    ws: Workspace, chapter: str, old: int, new: int, out: Path, author: str
) -> Path:
    """Write to ``out`` revision ``old`` with the changes up to ``new`` as tracked changes.

    The changes are attributed to ``author`` (the pen-holder) and dated now; the stamp is the
    newer revision's (accepting every change gives its text). ``NotFound`` for an unknown
    chapter or revision.
    """
    from drafts.word.redline import redline

    for number in (old, new):
        ws.revision(chapter, number)
    stamp = stamp_for(ws, chapter, new).model_copy(update={"kind": "redline", "since": old})
    return redline(
        ws.text(chapter, old),
        blockstore.load(ws, chapter, old),
        ws.text(chapter, new),
        blockstore.load(ws, chapter, new),
        stamp,
        out,
        author=author,
        date=ws.now(),
        bibliography=blockstore.bibliography(ws),
        template=house.reference(ws.guideline),
    )


@cache
def _penholder_version() -> str:
    try:
        return metadata.version("penholder")
    except metadata.PackageNotFoundError:
        return "unknown"


class RenderCache:
    """Render each chapter revision once into ``folder``; give every addressee a restamped copy.

    ``render(ws, chapter, revision, out, *, round_id, reviewer, packet)`` takes the arguments of
    ``render_revision`` and writes the same document to ``out``: the revision is rendered by
    pandoc only when ``folder`` has no render of it yet (as an unaddressed copy, the "base"),
    then ``out`` is the base with this addressee's stamp (custom properties, header, footer;
    every other part byte for byte the base's). Nothing else differs between packets.

    A base is named ``<chapter>-r<revision>-<digest>.docx``; the digest covers everything a
    render depends on besides the stamp (the revision's Markdown and block map, the
    bibliography, the reference template, the pandoc binary, penholder's version), so a changed
    input renders again and a stale base is never used. Bases are plain files: one folder can
    serve several objects and processes (a reviewer added to a round next week reuses the
    round's bases); deleting the folder only costs renders. Writes are atomic.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def base(self, ws: Workspace, chapter: str, revision: int | None) -> Path:
        """Return the unaddressed render of ``chapter`` at ``revision``, rendering it if needed."""
        rev = ws.revision(chapter, revision)
        text = ws.text(chapter, rev.number)
        block_map = blockstore.load(ws, chapter, rev.number)
        bibliography = blockstore.bibliography(ws)
        reference = house.reference(ws.guideline)
        pandoc = Path(pandoc_path())
        stat = pandoc.stat()
        digest = hashlib.sha256()
        for part in (
            text.encode("utf-8"),
            block_map.model_dump_json().encode("utf-8"),
            bibliography.read_bytes() if bibliography else b"",
            reference.read_bytes(),
            f"{pandoc} {stat.st_size} {stat.st_mtime_ns} {_penholder_version()}".encode(),
        ):
            digest.update(hashlib.sha256(part).digest())
        path = self.folder / f"{chapter}-r{rev.number}-{digest.hexdigest()[:16]}.docx"
        if not path.is_file():
            stamp = stamp_for(ws, chapter, rev.number)
            render_chapter(
                text, block_map, stamp, path, bibliography=bibliography, template=reference
            )
        return path

    def render(
        self,
        ws: Workspace,
        chapter: str,
        revision: int | None,
        out: Path,
        *,
        round_id: str | None = None,
        reviewer: Person | None = None,
        packet: str | None = None,
    ) -> Path:
        """Write ``chapter`` at ``revision`` to ``out`` stamped for ``reviewer``; return ``out``."""
        stamp = stamp_for(
            ws, chapter, revision, round_id=round_id, reviewer=reviewer, packet=packet
        )
        return restamp(self.base(ws, chapter, stamp.revision), stamp, out)


class RedlineCache:
    """Write each redline between two revisions once into ``folder``; restamp a copy per addressee.

    ``render(ws, chapter, old, new, out, author, *, round_id, reviewer, packet)`` writes to
    ``out`` what ``redline_revisions(ws, chapter, old, new, out, author)`` writes, stamped for
    the addressee (``stamp_for`` of revision ``new``, kind "redline" since ``old``: custom
    properties ``penholder.packet`` and ``penholder.kind=redline``, header, footer "Packet
    R2-03-K7Q2 — redline: changes since revision 1"); the
    redline itself is made only when ``folder`` has none of it yet (the "base"), so every
    reviewer of a round who saw the same older revision gets a copy of one redline.

    A base is named ``<chapter>-r<old>-to-r<new>-<digest>.docx``; the digest covers both
    revisions' Markdown and block maps, the bibliography, the reference template, the pandoc
    binary, penholder's version and ``author``. Its tracked changes keep the date they were
    first written (the changes are the same whenever a copy is made). Writes are atomic.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def base(self, ws: Workspace, chapter: str, old: int, new: int, author: str) -> Path:
        """Return the unaddressed redline from ``old`` to ``new``, writing it if needed."""
        for number in (old, new):
            ws.revision(chapter, number)
        bibliography = blockstore.bibliography(ws)
        pandoc = Path(pandoc_path())
        stat = pandoc.stat()
        digest = hashlib.sha256()
        for part in (
            ws.text(chapter, old).encode("utf-8"),
            blockstore.load(ws, chapter, old).model_dump_json().encode("utf-8"),
            ws.text(chapter, new).encode("utf-8"),
            blockstore.load(ws, chapter, new).model_dump_json().encode("utf-8"),
            bibliography.read_bytes() if bibliography else b"",
            house.reference(ws.guideline).read_bytes(),
            f"{pandoc} {stat.st_size} {stat.st_mtime_ns} {_penholder_version()}".encode(),
            author.encode("utf-8"),
        ):
            digest.update(hashlib.sha256(part).digest())
        path = self.folder / f"{chapter}-r{old}-to-r{new}-{digest.hexdigest()[:16]}.docx"
        if not path.is_file():
            self.folder.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(dir=self.folder, prefix=".redline-") as tmp:
                made = redline_revisions(ws, chapter, old, new, Path(tmp) / path.name, author)
                made.replace(path)
        return path

    def render(
        self,
        ws: Workspace,
        chapter: str,
        old: int,
        new: int,
        out: Path,
        author: str,
        *,
        round_id: str | None = None,
        reviewer: Person | None = None,
        packet: str | None = None,
    ) -> Path:
        """Write the redline from ``old`` to ``new`` to ``out``, stamped for ``reviewer``."""
        base = self.base(ws, chapter, old, new, author)
        stamp = stamp_for(ws, chapter, new, round_id=round_id, reviewer=reviewer, packet=packet)
        return restamp(base, stamp.model_copy(update={"kind": "redline", "since": old}), out)


class RenderFn(Protocol):
    """Render ``chapter`` at ``revision`` (latest when None) to ``out``, stamped for an
    addressee (round, reviewer, packet id); return ``out``."""

    def __call__(
        self,
        ws: Workspace,
        chapter: str,
        revision: int | None,
        out: Path,
        *,
        round_id: str | None = None,
        reviewer: Person | None = None,
        packet: str | None = None,
    ) -> Path: ...


class RedlineFn(Protocol):
    """Write revision ``old`` with the changes up to ``new`` tracked (by ``author``) to ``out``,
    stamped for an addressee; return ``out``."""

    def __call__(
        self,
        ws: Workspace,
        chapter: str,
        old: int,
        new: int,
        out: Path,
        author: str,
        *,
        round_id: str | None = None,
        reviewer: Person | None = None,
        packet: str | None = None,
    ) -> Path: ...


def render_for(
    ws: Workspace,
    chapter: str,
    revision: int | None,
    out: Path,
    *,
    round_id: str | None = None,
    reviewer: Person | None = None,
    packet: str | None = None,
) -> Path:
    """``RenderFn``: within a round a restamped copy of its one render, else a plain render."""
    if round_id is None:
        return render_revision(ws, chapter, revision, out, reviewer=reviewer, packet=packet)
    cache = RenderCache(ws.root / layout.renders(round_id))
    return cache.render(
        ws, chapter, revision, out, round_id=round_id, reviewer=reviewer, packet=packet
    )


def redline_for(
    ws: Workspace,
    chapter: str,
    old: int,
    new: int,
    out: Path,
    author: str,
    *,
    round_id: str | None = None,
    reviewer: Person | None = None,
    packet: str | None = None,
) -> Path:
    """``RedlineFn``: within a round a restamped copy of its one redline, else a plain one."""
    if round_id is None:
        return redline_revisions(ws, chapter, old, new, out, author)
    cache = RedlineCache(ws.root / layout.renders(round_id))
    return cache.render(
        ws, chapter, old, new, out, author, round_id=round_id, reviewer=reviewer, packet=packet
    )


def sent_render(ws: Workspace, round_id: str, chapter: str, revision: int) -> Path:
    """Return the round's unaddressed render of ``chapter`` at ``revision`` (made if missing)."""
    return RenderCache(ws.root / layout.renders(round_id)).base(ws, chapter, revision)
