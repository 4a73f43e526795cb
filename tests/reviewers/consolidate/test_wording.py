"""The matrix's comment column in words a person writes, and the type rule (pure)."""

from __future__ import annotations

import pytest

from drafts.blocks import Block
from reviewers.consolidate.wording import describe, quote, type_of
from reviewers.intake.remarks import Remark

TEXT = (
    "States have obligations that extend to the design of websites, mobile applications and "
    "kiosks. Local governments can publish open data."
)
OTHER = "The shift to digital-only services leaves some residents behind."
BLOCKS = {
    "b1": Block(id="b1", kind="paragraph", text=TEXT, paragraph=4, lines=(1, 1)),
    "b2": Block(id="b2", kind="paragraph", text=OTHER, paragraph=5, lines=(3, 3)),
    "h1": Block(id="h1", kind="heading", text="Key issues", lines=(5, 5)),
}


def remark(kind: str, quote_: str = "", proposed: str | None = None, **kw: object) -> Remark:
    block = str(kw.pop("block", "b1"))
    text = BLOCKS[block].text
    start = text.index(quote_) if quote_ else int(kw.pop("at", 0))  # type: ignore[call-overload]
    fields: dict[str, object] = {
        "id": "R1-03-001",
        "round": "R1",
        "chapter": "03",
        "revision": 1,
        "reviewer": "ana",
        "author": "Ana Lima",
        "date": None,
        "kind": kind,
        "block": block,
        "start": start,
        "end": start + len(quote_),
        "anchor_text": quote_,
        "proposed": proposed,
        "return": "0" * 64,
    }
    fields.update(kw)
    return Remark.model_validate(fields)


def test_an_insertion_names_the_words_before_it() -> None:
    at = TEXT.index(" extend")
    r = remark("insert", "", " and their representative organisations", at=at)
    assert describe(r, BLOCKS) == (
        "Insert 'and their representative organisations' after 'obligations that'"
    )
    assert type_of(r) == "technical"


def test_an_insertion_at_the_start_names_the_words_after_it() -> None:
    r = remark("insert", "", "In practice, ", at=0)
    assert describe(r, BLOCKS) == "Insert 'In practice,' before 'States have'"


def test_a_new_paragraph_says_after_which_paragraph() -> None:
    r = remark("insert", "", "\nCities should report yearly.", at=len(TEXT))
    assert describe(r, BLOCKS) == (
        "Insert a new paragraph after paragraph 4: 'Cities should report yearly.'"
    )


def test_a_deletion_quotes_what_goes() -> None:
    r = remark("delete", "of websites, mobile", "")
    assert describe(r, BLOCKS) == "Delete 'of websites, mobile'"
    assert type_of(r) == "technical"
    whole = remark("delete", OTHER, "", block="b2")
    assert describe(whole, BLOCKS).startswith("Delete paragraph 5: 'The shift to")


def test_a_replacement_of_a_modal_verb_is_technical() -> None:
    r = remark("replace", "can", "must")
    assert describe(r, BLOCKS) == "Replace 'can' by 'must'"
    assert type_of(r) == "technical"


def test_a_move_names_its_destination() -> None:
    r = remark(
        "move",
        "The shift to digital-only",
        "",
        block="b2",
        target_block="b1",
        target_offset=0,
    )
    assert describe(r, BLOCKS) == "Move 'The shift to digital-only' to paragraph 4"
    unnumbered = r.model_copy(update={"target_block": "h1"})
    assert describe(unnumbered, BLOCKS) == "Move 'The shift to digital-only' to after 'Key issues'"
    lost = r.model_copy(update={"target_block": None})
    assert describe(lost, BLOCKS).endswith("to where it is marked")


def test_a_format_change_is_editorial() -> None:
    r = remark("format", "open data", None, text="open data")
    assert describe(r, BLOCKS) == "Change the formatting of 'open data'"
    assert type_of(r) == "editorial"


def test_a_comment_is_its_own_text_and_general() -> None:
    r = remark("comment", "open data", None, text="Which open data standard?")
    assert describe(r, BLOCKS) == "Which open data standard?"
    assert type_of(r) == "general"
    reply = r.model_copy(update={"parent": "R1-03-000", "text": "DCAT."})
    assert describe(reply, BLOCKS) == "DCAT." and type_of(reply) == "general"


def test_a_silent_edit_is_worded_as_its_change_and_says_it_was_untracked() -> None:
    r = remark("silent", "can", "must")
    assert describe(r, BLOCKS) == "Replace 'can' by 'must' (edited without tracking changes)"
    assert type_of(r) == "technical"


def test_long_quotes_are_shortened_around_an_ellipsis() -> None:
    assert quote(TEXT) == "'States have obligations that extend to the design … publish open data.'"
    assert quote("  a   b ") == "'a b'"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("can", "must", "technical"),  # modal verb
        ("should", "shall", "technical"),
        ("by 2030", "by 2035", "technical"),  # number
        ("three", "four", "technical"),
        ("are", "are not", "technical"),  # negation
        ("data.", "data;", "editorial"),  # punctuation
        ("Open Data", "open data", "editorial"),  # case
        ("organisations", "organizations", "editorial"),  # spelling
        ("recieve", "receive", "editorial"),
        ("the city", "a city", "editorial"),  # article
        ("city", "municipality", "technical"),  # wording
    ],
)
def test_the_type_rule(old: str, new: str, expected: str) -> None:
    r = remark("replace", "", new, anchor_text=old)
    assert type_of(r) == expected
