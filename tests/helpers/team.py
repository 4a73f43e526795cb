"""A team's workspace in tests: returns to record, a bare origin and two clones of it (two
machines), and what the origin holds."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import git

from drafts import blockstore
from drafts.ooxml.simulate import annotate
from drafts.ooxml.simulate.records import Comment
from drafts.word.revision import render_revision
from drafts.workspace import Workspace
from reviewers.intake.remarks import load_all
from reviewers.rounds import lifecycle as rounds
from tests.conftest import DRAFTER

WHEN = datetime(2024, 3, 15, 9, 30)


def commented_returns(
    ws: Workspace, folder: Path, experts: int, chapters: tuple[str, ...] = ("03", "04")
) -> list[Path]:
    """Open R1 on ``chapters`` for ``experts`` experts; one commented return for each item."""
    people = [p for p in ws.people if "ewg" in p.groups][:experts]
    rnd = rounds.open_round(
        ws, list(chapters), [p.id for p in people], date(2024, 3, 22), ws.identity(DRAFTER)
    )
    backs = []
    for n, item in enumerate(rnd.items):
        para = [b for b in blockstore.load(ws, item.chapter, item.revision).blocks
                if b.kind == "paragraph"][1 + n % 3]  # fmt: skip
        person = ws.person(item.reviewer)
        packet = render_revision(
            ws, item.chapter, item.revision, folder / f"{n}.docx", round_id="R1",
            reviewer=person, packet=item.packet,
        )  # fmt: skip
        note = Comment(paragraph=para.id, quote=para.text.split()[2], text=f"Remark {n}.",
                       author=person.name, date=WHEN)  # fmt: skip
        backs.append(annotate.apply(packet, [note], folder / f"back-{n}.docx"))
    return backs


def two_clones(ws: Workspace, tmp: Path) -> tuple[Path, Path, Path]:
    """A bare ``origin`` of ``ws`` and two clones of it (two machines)."""
    bare = tmp / "origin.git"
    git.Repo.clone_from(ws.root, bare, bare=True)
    a, b = tmp / "machine-a", tmp / "machine-b"
    for clone in (a, b):
        git.Repo.clone_from(bare, clone)
    return bare, a, b


def on_remote(bare: Path) -> Workspace:
    """The remote's main, as a fresh clone sees it."""
    root = bare.parent / f"check-{len(list(bare.parent.glob('check-*')))}"
    git.Repo.clone_from(bare, root)
    return Workspace(root)


def remark_ids(ws: Workspace) -> list[str]:
    return [r.id for s in load_all(ws) for r in s.remarks]
