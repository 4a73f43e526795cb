"""Each reviewer's packet: a folder and a zip under ``outbox/<round>/packets/`` (git-ignored).

    outbox/R1/packets/<reviewer>/
        Chapter 03 (R1-03-K7Q2).docx                 stamped: packet id in the custom property
                                                     ``penholder.packet`` and in the footer
        Chapter 03 changes since revision 1.docx     only when the reviewer was sent an older
                                                     revision in an earlier round (a redline,
                                                     stamped with the packet id and
                                                     ``penholder.kind=redline``)
        Cover letter.docx, Cover letter.txt          the cover letter (``letters``): what to do
                                                     with each file, by when; the .txt is the
                                                     e-mail's body
    outbox/R1/packets/R1-<reviewer>.zip              the same files, attached to the e-mail

    outbox/R1/renders/03-r1-<digest>.docx            the chapter rendered once for the round;
                                                     every packet's copy is restamped from it
    outbox/R1/renders/03-r1-to-r2-<digest>.docx      the redline made once for the round;
                                                     likewise restamped for each reviewer

The packet ids themselves are minted and recorded when the round opens (``rounds/<id>/
round.yaml``); a packet folder can be rebuilt at any time from the workspace. Rendering is
``drafts.word.revision`` unless a ``Renderer`` is passed (tests, or a cheaper renderer): the default
renders each chapter revision of a round once (``RenderCache`` over
``outbox/<round>/renders/``, shared by every reviewer, process and later ``add-reviewer``) and
gives each reviewer a copy restamped with their packet id, so a round of 300 reviewers costs one
pandoc run per chapter. Redlines likewise (``RedlineCache``): one per chapter and older
revision, each reviewer's copy stamped with the round, the reviewer and the packet id, and
marked as a redline (``penholder.kind=redline``, and "redline" in the footer), so a redline
sent back marked up is identified and read as one, never taken for the chapter file.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drafts import layout
from drafts.models import Person
from drafts.workspace import Workspace
from reviewers.models import Round, RoundItem
from reviewers.send import letters

if TYPE_CHECKING:
    from drafts.word.revision import RedlineFn, RenderFn

COVER = "Cover letter"


@dataclass(frozen=True)
class Renderer:
    """How chapter files and redlines are made (``drafts.word.revision`` signatures)."""

    render: RenderFn
    redline: RedlineFn | None = None


def default_renderer() -> Renderer:
    """Return the renderer of ``drafts.word.revision``: chapter files of a round are restamped
    copies of one render per chapter revision, redlines of one redline per pair of revisions,
    both kept in ``outbox/<round>/renders/``."""
    from drafts.word import revision

    return Renderer(revision.render_for, revision.redline_for)


@dataclass(frozen=True)
class Packet:
    """A built packet: the reviewer, the items it carries, its folder, zip and file names."""

    round: str
    reviewer: Person
    items: list[RoundItem]
    folder: Path
    zip: Path
    files: list[str]
    redlines: list[RoundItem]


def round_outbox(ws: Workspace, round_id: str) -> Path:
    return ws.root / layout.round_outbox(round_id)


def packet_folder(ws: Workspace, round_id: str, reviewer: str) -> Path:
    return ws.root / layout.packet_folder(round_id, reviewer)


def chapter_file(item: RoundItem) -> str:
    return f"Chapter {item.chapter} ({item.packet}).docx"


def redline_file(item: RoundItem) -> str:
    return f"Chapter {item.chapter} changes since revision {item.previous_revision}.docx"


def needs_redline(item: RoundItem) -> bool:
    """True when the reviewer was sent an older revision of this chapter in an earlier round."""
    return item.previous_revision is not None and item.previous_revision < item.revision


def live_items(rnd: Round, reviewer: str) -> list[RoundItem]:
    """Return the reviewer's items of the round that are not excused."""
    return [i for i in rnd.items_of(reviewer) if i.excused is None]


def build_packet(
    ws: Workspace, rnd: Round, reviewer: Person, renderer: Renderer | None = None
) -> Packet:
    """Build (or rebuild) the reviewer's packet folder and zip; return what it holds.

    Files are made in a temporary folder and moved into place only when all succeeded, so a
    failed render leaves no half-built packet.
    """
    items = live_items(rnd, reviewer.id)
    if not items:
        raise ValueError(f"{reviewer.id} has no item left in round {rnd.id}")
    renderer = renderer or default_renderer()
    folder = packet_folder(ws, rnd.id, reviewer.id)
    folder.parent.mkdir(parents=True, exist_ok=True)
    from drafts.word.revision import redline_author

    author = redline_author(ws)
    with tempfile.TemporaryDirectory(dir=folder.parent, prefix=".build-") as tmp:
        build = Path(tmp)
        names: list[str] = []
        redlines: list[RoundItem] = []
        files: dict[str, tuple[str, str]] = {}
        for item in items:
            out = build / chapter_file(item)
            kwargs: dict[str, Any] = {"round_id": rnd.id, "reviewer": reviewer}
            renderer.render(ws, item.chapter, item.revision, out, packet=item.packet, **kwargs)
            names.append(out.name)
            files[item.chapter] = (out.name, "")
            old = item.previous_revision
            if needs_redline(item) and renderer.redline is not None and old is not None:
                red = build / redline_file(item)
                renderer.redline(
                    ws, item.chapter, old, item.revision, red, author, packet=item.packet, **kwargs
                )
                names.append(red.name)
                redlines.append(item)
                files[item.chapter] = (out.name, red.name)
            names += _earlier_letter(ws, rnd.id, item.chapter, reviewer.id, build)
        attached = zip_name(rnd.id, reviewer.id)
        zip_path = folder.parent / attached
        text = letters.cover_text(ws, reviewer, rnd, items, files, names, attached)
        letters.write_txt(letters.plain(text), build / f"{COVER}.txt")
        reference = letters.packet_reference(ws, rnd, items)
        title = f"{ws.guideline.label}, round {rnd.id}: {COVER.lower()}"
        letters.write_docx(ws, text, build / f"{COVER}.docx", title, reference)
        names += [f"{COVER}.docx", f"{COVER}.txt"]
        _zip(build, names, build / attached)
        shutil.rmtree(folder, ignore_errors=True)
        (build / attached).replace(zip_path)
        shutil.copytree(build, folder)
    return Packet(rnd.id, reviewer, items, folder, zip_path, names, redlines)


def _earlier_letter(
    ws: Workspace, round_id: str, chapter: str, reviewer: str, into: Path
) -> list[str]:
    """Copy the latest letter telling ``reviewer`` how their remarks on ``chapter`` were
    addressed in an earlier round into the packet; return its name (none: no letter)."""
    number = int(round_id[1:])
    for earlier in range(number - 1, 0, -1):
        data = ws.committed(layout.letter(f"R{earlier}", chapter, reviewer))
        if data is not None:
            name = f"How your comments on chapter {chapter} were addressed (R{earlier}).docx"
            (into / name).write_bytes(data)
            return [name]
    return []


def _zip(folder: Path, names: list[str], out: Path) -> None:
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in names:
            zf.write(folder / name, arcname=name)


def zip_name(round_id: str, reviewer: str) -> str:
    """The name of the packet's zip as attached to the e-mail."""
    return f"{round_id}-{reviewer}.zip"
