"""Fixtures shared by the reviewers' tests: a round whose experts returned annotated packets."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from drafts import blockstore
from drafts.ooxml.simulate import annotate
from drafts.ooxml.simulate.records import Comment, Delete, Insert, Replace, Reply, SilentEdit
from drafts.word.revision import render_revision
from drafts.workspace import Workspace
from reviewers.intake.ingest import ingest
from reviewers.rounds import lifecycle as rounds
from tests.conftest import DRAFTER

WHEN = datetime(2024, 3, 15, 9, 30)


@pytest.fixture
def returned(example_ws: Workspace, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Round R1 on chapter 03 for three experts, each returning an annotated packet."""
    ws = example_ws
    experts = [p for p in ws.people if "ewg" in p.groups][:4]
    rnd = rounds.open_round(
        ws, ["03"], [p.id for p in experts], date(2024, 3, 22), ws.identity(DRAFTER)
    )
    paras = [b for b in blockstore.load(ws, "03", 1).blocks if b.kind == "paragraph"]
    p1, p2, p3 = paras[1], paras[2], paras[3]
    w1, w2, w3 = p1.text.split()[3], " ".join(p2.text.split()[5:7]), p3.text.split()[4]
    a, b, c, _ = experts
    plans = {
        a.id: [
            Replace(paragraph=p1.id, quote=w1, new_text="RELEASE", author=a.name, date=WHEN),
            Comment(
                paragraph=p3.id,
                quote=w3,
                text="Source?",
                author=a.name,
                date=WHEN,
                replies=[Reply(author=b.name, date=WHEN, text="UN-Habitat 2022.")],
            ),
        ],
        b.id: [
            SilentEdit(paragraph=p1.id, quote=w1, new_text="RELEASE"),
            Delete(paragraph=p2.id, quote=w2, author=b.name, date=WHEN),
        ],
        c.id: [
            Replace(paragraph=p2.id, quote=w2, new_text="OTHER WORDS", author=c.name, date=WHEN),
            Insert(
                paragraph=p3.id,
                at_end=True,
                text=" Cities should report yearly.",
                author=c.name,
                date=WHEN,
            ),
        ],
    }
    for item in rnd.items:
        if item.reviewer in plans:
            packet = render_revision(
                ws,
                "03",
                1,
                tmp_path / f"{item.reviewer}.docx",
                round_id="R1",
                reviewer=ws.person(item.reviewer),
                packet=item.packet,
            )
            back = annotate.apply(
                packet, plans[item.reviewer], tmp_path / f"back-{item.reviewer}.docx"
            )
            assert ingest(ws, back, ws.identity(DRAFTER)).status == "recorded"
    return ws, rnd, (p1, p2, p3), (w1, w2, w3), experts
