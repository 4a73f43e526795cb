"""The stamp cross-check on ``Annotations`` built in memory: what each place says, which values
disagree with the packet, and the one sentence a quarantined return gets (no .docx, no git)."""

from __future__ import annotations

import pytest

from drafts.core.errors import ReturnRefused
from drafts.ooxml.read.reader import Annotations, ParagraphView
from reviewers.intake import stamps
from reviewers.intake.stamps import Stamp, check, disagreements, stamps_of
from reviewers.models import RoundItem

ITEM = RoundItem(reviewer="ana-lopez", chapter="05", revision=2, packet="R3-05-K7Q2")
HEADER = "DRAFT — Smart cities — Chapter 05 — revision 2 — round R3 — 4 March 2024"


def _para(*bookmarks: str) -> ParagraphView:
    return ParagraphView(
        part="word/document.xml", index=0, text_before="", text_after="",
        bookmarks=list(bookmarks), style=None, in_table=False, in_text_box=False,
        footnote_id=None, comment_id=None, mark=None, in_before=True, in_after=True,
    )  # fmt: skip


def _ann(
    props: dict[str, str] | None = None,
    footer: str = "",
    header: str = "",
    paragraphs: list[ParagraphView] | None = None,
) -> Annotations:
    return Annotations(
        comments=[], revisions=[], changes=[], text_before="", text_after="",
        paragraphs=paragraphs or [], custom_properties=props or {}, core_properties={},
        application=None, header_text=header, footer_text=footer,
    )  # fmt: skip


PROPS = {
    "penholder.packet": " R3-05-K7Q2 ",
    "penholder.round": "R3",
    "penholder.chapter": "05",
    "penholder.reviewer": "ana-lopez (Ana López)",
}


def test_each_place_says_what_it_holds_and_a_place_that_says_nothing_is_left_out() -> None:
    paras = [_para("ph_05_0001", "ph_05_0001", "_Toc1"), _para("ph_05_0002_Copy_3", "ph_03_0007")]
    found = stamps_of(_ann(PROPS, "Packet r3-05-k7q2 · page 1", HEADER, paras))
    assert found == [
        Stamp("properties", "R3-05-K7Q2", "R3", "05", "ana-lopez"),
        Stamp("footer", "R3-05-K7Q2", "R3", "05"),
        Stamp("header", round="R3", chapter="05"),
        Stamp("text", chapter="05", detail="2 of its 3 block anchors"),
    ]
    assert stamps_of(_ann({"other": "x", "penholder.round": "  "})) == []


def test_properties_give_what_they_have_and_the_reviewer_without_the_name() -> None:
    (only,) = stamps_of(_ann({"penholder.reviewer": " ben-ode (Ben Ode) "}))
    assert only == Stamp("properties", reviewer="ben-ode")
    (only,) = stamps_of(_ann({"penholder.reviewer": "ben-ode (Ben (Benny) Ode)"}))
    assert only.reviewer == "ben-ode"  # a name holding parentheses: the id is before the first
    (only,) = stamps_of(_ann({"penholder.chapter": "05"}))
    assert only == Stamp("properties", chapter="05")
    (only,) = stamps_of(_ann({"penholder.packet": "R3-05-K7Q2"}))
    assert only == Stamp("properties", packet="R3-05-K7Q2")


def test_every_distinct_packet_id_of_the_footer_is_a_stamp_and_words_around_do_not_count() -> None:
    footer = "Packet R3-05-K7Q2 / R3-05-K7Q2 / R1-03-ABCD xR2-03-ABCD R2-03-ABCDE"
    assert stamps_of(_ann(footer=footer)) == [
        Stamp("footer", "R3-05-K7Q2", "R3", "05"),
        Stamp("footer", "R1-03-ABCD", "R1", "03"),
    ]


@pytest.mark.parametrize(
    ("header", "want"),
    [
        ("Chapter 07 — revision 12 — other", Stamp("header", chapter="07")),
        ("x — round R12 — y", Stamp("header", round="R12")),
        ("Chapter 07 — draft — round R0 —", None),
    ],
)
def test_the_header_gives_its_chapter_and_round_each_when_there(
    header: str, want: Stamp | None
) -> None:
    assert stamps_of(_ann(header=header)) == ([want] if want else [])


def test_the_text_is_the_chapter_of_most_anchors_and_other_bookmarks_do_not_count() -> None:
    paras = [_para("ph_03_0001"), _para("ph_05_0001"), _para("ph_05_12345", "ph_05_001", "x")]
    assert stamps_of(_ann(paragraphs=paras)) == [
        Stamp("text", chapter="05", detail="2 of its 3 block anchors")
    ]
    assert stamps_of(_ann(paragraphs=[_para("_GoBack", "ph_05_12")])) == []


def test_a_stamp_disagrees_only_on_values_it_has_that_differ_whatever_their_case() -> None:
    agree = [
        Stamp("properties", "r3-05-k7q2", "r3", "05", "ana-lopez"),
        Stamp("header", chapter="05"),
        Stamp("text"),
    ]
    assert disagreements(agree, ITEM, "r3") == []
    wrong = [Stamp("footer", "R3-03-ABCD", "R3", "03"), Stamp("properties", reviewer="ben-ode")]
    assert disagreements(agree + wrong, ITEM, "R3") == wrong
    assert disagreements([Stamp("header", round="R2")], ITEM, "R3") == [Stamp("header", round="R2")]


def test_agreeing_stamps_pass_the_check() -> None:
    check("back.docx", _ann(PROPS, "Packet R3-05-K7Q2", HEADER), ITEM, "R3", "properties")


def test_the_refusal_names_each_disagreeing_place_with_only_its_differing_values() -> None:
    props = PROPS | {"penholder.chapter": "03", "penholder.reviewer": "ben-ode"}
    paras = [_para("ph_03_0001"), _para("ph_03_0002"), _para("ph_05_0003")]
    footer = "Packet R3-05-K7Q2 R2-03-ABCD"
    with pytest.raises(ReturnRefused) as e:
        check("mixed.docx", _ann(props, footer, HEADER, paras), ITEM, "R3", "footer")
    assert str(e.value) == (
        "mixed.docx was identified by its footer as packet R3-05-K7Q2 (chapter 05, round R3, "
        "reviewer ana-lopez), but its properties say chapter 03, reviewer ben-ode; its footer "
        "says packet R2-03-ABCD, chapter 03, round R2; its text is chapter 03's (2 of its 3 "
        "block anchors): its stamps disagree, so it is read against no packet; ask the reviewer "
        "to send the file again from their own packet"
    )


def test_a_header_of_another_round_is_said_alone() -> None:
    with pytest.raises(ReturnRefused, match=r"\), but its header says round R2: its stamps"):
        check("x.docx", _ann(header="— round R2 —"), ITEM, "R3", "file name")


def test_a_packet_id_names_its_round_in_capitals_and_its_chapter_as_written() -> None:
    assert stamps._from_packet(" r3-5a-k7q2 ") == ("R3", "5a")
    assert stamps._from_packet("R3-05-K7Q") == (None, None)
