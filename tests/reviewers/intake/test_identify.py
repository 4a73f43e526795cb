"""Which packet a returned file answers (``reviewers.intake.identify``), on annotations built in
memory and rounds written as ``rounds/<R>/round.yaml``: the order packet ids are trusted in,
claims that contradict the file, redlines, and the text match on its threshold. Fast: no git,
no Word file (the workspace tests in ``test_intake.py`` read real returns)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
import yaml

from drafts.core.errors import ReturnRefused
from drafts.ooxml.read.reader import Annotations
from drafts.workspace import Workspace
from reviewers.intake import identify as ident
from reviewers.intake.identify import MATCH_THRESHOLD, Claim, identify
from reviewers.models import Round, RoundChapter, RoundItem


def stand_in(root: Path) -> Workspace:
    """A workspace of round records only: its root, and its ``.git`` for their parses."""
    return cast(Workspace, SimpleNamespace(root=root, git_dir=root / ".git"))


def _long_chapter() -> list[str]:
    """300 words, a third of them "the": a chapter long enough (over 200 words) for difflib's
    autojunk to drop its commonest words, were it on."""
    words = [f"w{(i * 37) % 400}" for i in range(300)]
    return [" ".join("the" if i % 3 == 0 else w for i, w in enumerate(words))]


#: the paragraphs of each (chapter, revision) sent
SENT = {
    ("03", 1): ["alpha beta gamma delta epsilon"],
    ("03", 2): ["alpha beta gamma delta epsilon"],
    ("05", 1): ["one two three", "four five"],
    ("07", 1): _long_chapter(),
}


def _round(rid: str, revision: int, items: list[tuple[str, str, str, int | None]]) -> Round:
    return Round(
        id=rid, opened=datetime(2024, 3, 1, 9), opened_by="amina", due=date(2024, 3, 22),
        chapters=[RoundChapter(chapter=c, revision=revision) for c in sorted({i[1] for i in items})],
        reviewers=sorted({i[0] for i in items}),
        items=[
            RoundItem(reviewer=r, chapter=c, revision=revision, packet=p, previous_revision=prev)
            for r, c, p, prev in items
        ],
    )  # fmt: skip


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    rounds = [
        _round("R1", 1, [
            ("ana-lopez", "03", "R1-03-AB23", None), ("ben-ode", "03", "R1-03-CD45", None),
            ("ana-lopez", "05", "R1-05-EF67", None),
        ]),
        _round("R2", 2, [("ana-lopez", "03", "R2-03-GH89", 1), ("ben-ode", "03", "R2-03-JK23", None)]),
        _round("R3", 1, [("ana-lopez", "07", "R3-07-LM45", None)]),
    ]  # fmt: skip
    for rnd in rounds:
        folder = tmp_path / "rounds" / rnd.id
        folder.mkdir(parents=True)
        (folder / "round.yaml").write_text(yaml.safe_dump(rnd.model_dump(mode="json")))

    workspace = stand_in(tmp_path)

    def load(where: object, chapter: str, revision: int) -> SimpleNamespace:
        assert where is workspace  # the chapter as this workspace holds it
        return SimpleNamespace(blocks=[SimpleNamespace(text=t) for t in SENT[(chapter, revision)]])

    monkeypatch.setattr(ident.blockstore, "load", load)
    return workspace


def ann(text: str = "", footer: str = "", **properties: str) -> Annotations:
    return Annotations(
        comments=[], revisions=[], changes=[], text_before=text, text_after=text, paragraphs=[],
        custom_properties={k.replace("_", "."): v for k, v in properties.items()},
        core_properties={}, application=None, header_text="", footer_text=footer,
    )  # fmt: skip


def found(result: Any) -> tuple[str, str, str, float, str]:
    return (result.round.id, result.item.packet, result.how, result.confidence, result.kind)


def refused(ws: Workspace, a: Annotations, name: str = "back.docx", **claim: str) -> str:
    with pytest.raises(ReturnRefused) as e:
        identify(ws, a, name, Claim(**claim))
    return str(e.value)


def test_the_packet_id_is_trusted_in_properties_then_footer_then_file_name(ws: Workspace) -> None:
    props = {"penholder_packet": "  R1-03-AB23 "}
    both = ann(footer="Packet R1-03-AB23", **props)
    assert found(identify(ws, both, "R1-05-EF67.docx", Claim())) == (
        "R1", "R1-03-AB23", "properties", 1.0, "chapter"
    )  # fmt: skip
    # properties and footer naming two packets: read against neither (reviewers.intake.stamps)
    assert "stamps disagree" in refused(ws, ann(footer="Packet R1-03-CD45", **props))
    footer = ann(footer="Smart cities - Packet r1-03-cd45 - page 2")
    assert found(identify(ws, footer, "R1-05-EF67.docx", Claim())) == (
        "R1", "R1-03-CD45", "footer", 1.0, "chapter"
    )  # fmt: skip
    assert found(identify(ws, ann(), "Comments R1-05-EF67 (Ana).docx", Claim())) == (
        "R1", "R1-05-EF67", "file name", 1.0, "chapter"
    )  # fmt: skip
    # an empty property is no packet id: the footer decides
    blank = ann(footer="Packet R1-03-CD45", penholder_packet="   ")
    assert identify(ws, blank, "x.docx", Claim()).how == "footer"


def test_a_packet_id_must_stand_alone_in_the_text(ws: Workspace) -> None:
    for glued in ("xR1-03-CD45", "R1-03-CD45x", "R1-03-CD4", "R0-03-CD45", "R1-03-CD4O"):
        text = refused(ws, ann(footer=f"Packet {glued}", text="nothing alike"))
        assert "carries no packet id" in text, glued


def test_a_redline_is_known_by_its_properties_or_its_footer(ws: Workspace) -> None:
    props = ann(penholder_packet="R2-03-GH89", penholder_kind=" Redline ")
    assert found(identify(ws, props, "x.docx", Claim())) == ("R2", "R2-03-GH89", "properties", 1.0, "redline")  # fmt: skip
    other = ann(penholder_packet="R2-03-GH89", penholder_kind="notes")
    assert identify(ws, other, "x.docx", Claim()).kind == "chapter"
    footer = ann(footer="Packet R2-03-GH89 — redline: changes since revision 1")
    assert found(identify(ws, footer, "x.docx", Claim())) == ("R2", "R2-03-GH89", "footer", 1.0, "redline")  # fmt: skip
    plain = ann(footer="Packet R2-03-GH89 — changes since revision 1; no redline here")
    assert identify(ws, plain, "x.docx", Claim()).kind == "chapter"
    never = ann(footer="Packet R2-03-JK23 redline")
    assert refused(ws, never, "b.docx") == (
        "b.docx says it is the redline of packet R2-03-JK23 in its footer, but that packet had "
        "no redline (its reviewer saw no earlier revision)"
    )


def test_an_unknown_packet_id_is_refused_unless_it_is_only_in_the_file_name(ws: Workspace) -> None:
    said = refused(ws, ann(footer="Packet R1-03-ZZZZ"))
    assert said.startswith("back.docx names packet R1-03-ZZZZ in its footer, but no packet")
    said = refused(ws, ann(penholder_packet="R9-03-ZZZZ"))
    assert said.startswith("back.docx names packet R9-03-ZZZZ in its properties, but no round")
    # a file name that looks like a packet id is only a hint: the text decides
    got = identify(
        ws, ann(text=" ".join(SENT[("05", 1)])), "R1-03-ZZZZ.docx", Claim(reviewer="ana-lopez")
    )
    assert found(got) == ("R1", "R1-05-EF67", "content", 1.0, "chapter")


def test_a_claim_that_contradicts_the_file_is_refused(ws: Workspace) -> None:
    a = ann(footer="Packet R1-03-CD45")
    assert refused(ws, a, round="R2") == (
        "back.docx is packet R1-03-CD45 (from its footer) of round R1, not of round R2 as claimed"
    )
    assert refused(ws, a, chapter="05") == (
        "back.docx is packet R1-03-CD45 (from its footer) for chapter 03, not chapter 05 as claimed"
    )
    assert refused(ws, a, reviewer="ana-lopez") == (
        "back.docx is packet R1-03-CD45 (from its footer) sent to ben-ode, not to ana-lopez as "
        "claimed"
    )
    agreed = identify(ws, a, "back.docx", Claim(round="R1", chapter="03", reviewer="ben-ode"))
    assert agreed.item.packet == "R1-03-CD45"


def test_the_text_match_is_taken_from_the_threshold_up(ws: Workspace) -> None:
    assert MATCH_THRESHOLD == 0.6
    # five words sent, five read, three in common in order: 2 * 3 / 10 = 0.6, on the threshold
    on = ann(text="Alpha, BETA; gamma x y")
    got = identify(ws, on, "mine.docx", Claim(reviewer="ben-ode", round="R1"))
    assert found(got) == ("R1", "R1-03-CD45", "content", 0.6, "chapter")
    below = ann(text="alpha beta x y z")  # 2 * 2 / 10 = 0.4
    assert refused(ws, below, "mine.docx", reviewer="ben-ode", round="R1") == (
        "mine.docx carries no packet id and its text is not close enough to any packet sent "
        "(best: chapter 03 of round R1 (40% of its text matches)); name it with --round, "
        "--chapter and --reviewer"
    )


def test_the_best_text_match_wins_and_the_earliest_of_equals(ws: Workspace) -> None:
    five = ann(text=" ".join(SENT[("05", 1)]))
    assert identify(ws, five, "f.docx", Claim(reviewer="ana-lopez")).item.packet == "R1-05-EF67"
    # chapter 03 reads the same in R1 (revision 1) and R2 (revision 2): R1 comes first
    three = ann(text=" ".join(SENT[("03", 1)]))
    assert identify(ws, three, "t.docx", Claim(reviewer="ana-lopez")).item.packet == "R1-03-AB23"
    assert identify(ws, three, "t.docx", Claim(reviewer="ana-lopez", round="R2")).round.id == "R2"
    # a chapter claim limits the match to it, even when another chapter matches better
    said = refused(ws, five, "f.docx", reviewer="ana-lopez", chapter="03")
    assert "(best: chapter 03 of round R1 (0% of its text matches))" in said


def test_a_text_match_needs_a_reviewer_of_that_chapter(ws: Workspace) -> None:
    three = ann(text=" ".join(SENT[("03", 1)]))
    assert refused(ws, three, "t.docx") == (
        "t.docx carries no packet id; its text matches chapter 03 of round R1 (100% of its text "
        "matches), but who returned it is unknown: pass --reviewer"
    )
    assert refused(ws, ann(text=" ".join(SENT[("05", 1)])), "f.docx", reviewer="ben-ode") == (
        "f.docx: ben-ode is not a reviewer of chapter 05 in round R1"
    )


def test_no_round_no_match(tmp_path: Path) -> None:
    empty = stand_in(tmp_path)
    assert refused(empty, ann(text="anything")) == (
        "no round has been opened, so no packet can be matched"
    )


def test_a_text_match_reads_every_paragraph_and_any_chapter_claimed(ws: Workspace) -> None:
    five = ann(text="One two three.\n\nFour five.")
    got = identify(ws, five, "f.docx", Claim(reviewer="ana-lopez", chapter="05"))
    # paragraphs joined word to word: nothing between them to miss
    assert found(got) == ("R1", "R1-05-EF67", "content", 1.0, "chapter")


def test_a_long_chapter_with_common_words_still_matches(ws: Workspace) -> None:
    """Half the other words rewritten, every "the" kept: 2/3 of the words match in order, as
    they would with a reviewer who rewrote much of a long chapter."""
    (sent,) = SENT[("07", 1)]
    back = " ".join(w if w == "the" or i % 2 else "rewritten" for i, w in enumerate(sent.split()))
    got = identify(ws, ann(text=back), "long.docx", Claim(reviewer="ana-lopez"))
    assert got.item.packet == "R3-07-LM45" and got.confidence == pytest.approx(2 / 3)


def test_the_file_name_may_name_a_wrong_packet_before_the_right_one(ws: Workspace) -> None:
    got = identify(ws, ann(), "R1-03-ZZZZ corrected as R1-05-EF67.docx", Claim())
    assert found(got) == ("R1", "R1-05-EF67", "file name", 1.0, "chapter")


def test_a_text_far_longer_than_any_chapter_is_refused_without_a_word_by_word_match(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file within the limits may hold millions of words (tests/helpers/bigdocx.py): its
    length alone keeps it below the threshold, so it is refused without ``ratio()``, which
    would take minutes a chapter."""
    import difflib

    long = ann(text=" ".join(SENT[("03", 1)] * 40))

    def never(self: object) -> float:
        raise AssertionError("compared word by word")

    monkeypatch.setattr(difflib.SequenceMatcher, "ratio", never)
    said = refused(ws, long, "huge.docx", reviewer="ben-ode", round="R1")
    assert said.startswith("huge.docx carries no packet id and its text is not close enough")
    assert "(at most 5% of its text matches)" in said, said
