"""A real consolidated file to make decisions in: round R1 on chapter 03, returns, consolidation.

``consolidated_round(ws, tmp)`` opens round R1 on chapter 03 for four experts, has them return
packets annotated with ``drafts.ooxml.simulate`` (one suggestion of each kind, a comment thread,
two competing replacements), records the returns and consolidates. It returns a ``Built``: the
workspace, the consolidated file, its matrix, the rows by what they are (``rows["insert"]``...),
and the blocks used. Every row is placed except the two in conflict.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from drafts import blockstore
from drafts.blocks import Block
from drafts.ooxml.simulate import annotate
from drafts.ooxml.simulate.records import Comment, Delete, Edit, Insert, Replace, Reply
from drafts.word.revision import render_revision
from drafts.workspace import Workspace
from reviewers.consolidate.build import consolidate
from reviewers.consolidate.models import Matrix, Row
from reviewers.intake.ingest import ingest
from reviewers.rounds import lifecycle as rounds
from tests.conftest import DRAFTER

WHEN = datetime(2024, 3, 15, 9, 30)
#: what the test suggestions insert and replace with
ADDED = " Cities should report yearly."
NEW_WORD = "RELEASE"


@dataclass
class Built:
    ws: Workspace
    docx: Path
    matrix: Matrix
    rows: dict[str, Row]
    blocks: list[Block]
    drafters: set[str]


def _plans(blocks: list[Block], names: list[str]) -> tuple[list[list[Edit]], dict[str, str]]:
    """Each expert's edits, and the quote each kind of row is made on."""
    p1, p2, p3, p4, p5 = blocks
    a, b, c, d = names
    quotes = {
        "replace": p1.text.split()[3],
        "delete": " ".join(p2.text.split()[5:7]),
        "comment": p3.text.split()[4],
        "conflict": " ".join(p4.text.split()[2:4]),
        "edited": p5.text.split()[2],
    }
    plans: list[list[Edit]] = [
        [
            Replace(
                paragraph=p1.id, quote=quotes["replace"], new_text=NEW_WORD, author=a, date=WHEN
            ),
            Comment(
                paragraph=p3.id,
                quote=quotes["comment"],
                text="Source?",
                author=a,
                date=WHEN,
                replies=[Reply(author=b, date=WHEN, text="UN-Habitat 2022.")],
            ),
            Replace(
                paragraph=p4.id, quote=quotes["conflict"], new_text="FIRST", author=a, date=WHEN
            ),
        ],
        [
            Delete(paragraph=p2.id, quote=quotes["delete"], author=b, date=WHEN),
            Replace(
                paragraph=p4.id, quote=quotes["conflict"], new_text="SECOND", author=b, date=WHEN
            ),
        ],
        [Insert(paragraph=p3.id, at_end=True, text=ADDED, author=c, date=WHEN)],
        [
            Replace(
                paragraph=p5.id,
                quote=quotes["edited"],
                new_text="smart and fair",
                author=d,
                date=WHEN,
            ),
            Insert(paragraph=p1.id, at_end=True, text=" Pending note.", author=d, date=WHEN),
        ],
    ]
    return plans, quotes


def _classify(matrix: Matrix, blocks: list[Block]) -> dict[str, Row]:
    """Name each row by what it is in the plan above."""
    p1, p2, p3, p4, p5 = blocks
    found: dict[str, Row] = {}
    for row in matrix.rows:
        if "conflict" in row.flags:
            found["conflict" if "conflict" not in found else "conflict2"] = row
        elif row.kind == "comment":
            found["comment"] = row
        elif row.block == p1.id:
            found["replace" if row.kind == "replace" else "pending"] = row
        elif row.block == p2.id:
            found["delete"] = row
        elif row.block == p3.id:
            found["insert"] = row
        elif row.block == p5.id:
            found["edited"] = row
    return found


def consolidated_round(ws: Workspace, tmp: Path) -> Built:
    """Open R1 on chapter 03, record four annotated returns, consolidate; see the module doc."""
    experts = [p for p in ws.people if "ewg" in p.groups][:4]
    rnd = rounds.open_round(
        ws, ["03"], [p.id for p in experts], date(2024, 3, 22), ws.identity(DRAFTER)
    )
    blocks = [b for b in blockstore.load(ws, "03", 1).blocks if b.kind == "paragraph"][1:6]
    plans, _ = _plans(blocks, [p.name for p in experts])
    by_reviewer = dict(zip([p.id for p in experts], plans, strict=True))
    for item in rnd.items:
        packet = render_revision(
            ws,
            "03",
            1,
            tmp / f"{item.reviewer}.docx",
            round_id="R1",
            reviewer=ws.person(item.reviewer),
            packet=item.packet,
        )
        back = annotate.apply(
            packet, by_reviewer[item.reviewer], tmp / f"back-{item.reviewer}.docx"
        )
        assert ingest(ws, back, ws.identity(DRAFTER)).status == "recorded"
    done = consolidate(ws, "03", "R1", ws.identity(DRAFTER))
    matrix = Matrix.model_validate_json((ws.root / done.folder / "matrix.json").read_text())
    rows = _classify(matrix, blocks)
    assert len(rows) == len(matrix.rows) == 8, sorted(rows)
    drafters = {p.name for p in ws.people if "drafter" in p.roles}
    return Built(ws, ws.root / done.docx, matrix, rows, blocks, drafters)
