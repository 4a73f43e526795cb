"""What ``drafts.core.safe`` leaves of a user's string: the control characters beyond ASCII, the
length bound on its boundary, a commit body's line ends and an author's angle brackets."""

from __future__ import annotations

import pytest

from drafts.core import safe


@pytest.mark.parametrize(
    ("ch", "shown"),
    [
        ("\x80", "\\x80"),
        ("\x85", "\\x85"),
        ("\x9f", "\\x9f"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ],
)
def test_c1_controls_and_unicode_line_separators_are_escaped_in_lines_and_texts(
    ch: str, shown: str
) -> None:
    assert safe.line(f"a{ch}b") == f"a{shown}b"
    assert safe.text(f"a{ch}b\nc") == f"a{shown}b\nc"
    assert not safe.is_safe_line(f"a{ch}b") and safe.is_safe_line(f"a{shown}b")


def test_printable_characters_beside_the_control_ranges_stay_as_they_are() -> None:
    kept = " ~\xa0é€\u2027\u202a—‹›"
    assert safe.line(kept) == kept == safe.text(kept) and safe.is_safe_line(kept)


def test_a_body_keeps_its_lines_turns_crlf_into_newlines_and_escapes_lone_returns() -> None:
    assert safe.text("one\r\ntwo\rthree\n\tfour") == "one\ntwo\\x0dthree\n\\x09four"
    assert safe.line("one\ntwo") == "one\\x0atwo"


@pytest.mark.parametrize("fn, limit", [(safe.line, safe.LINE_LIMIT), (safe.text, safe.TEXT_LIMIT)])
def test_a_string_is_kept_whole_up_to_its_limit_and_cut_with_an_ellipsis_past_it(fn, limit) -> None:  # type: ignore[no-untyped-def]
    assert fn("x" * limit) == "x" * limit
    cut = fn("x" * (limit + 1))
    assert cut == "x" * (limit - 1) + safe.ELLIPSIS and len(cut) == limit
    assert safe.line("abcdef", limit=4) == "abc…" and safe.text("ab\ncd", limit=4) == "ab\n…"
    assert safe.line("abcd", limit=4) == "abcd"


def test_escapes_count_towards_the_limit() -> None:
    assert safe.line("\x00" * 3, limit=8) == "\\x00\\x0…"


def test_an_author_loses_angle_brackets_and_outer_spaces_and_is_bounded() -> None:
    assert safe.ident("  Ana <ana@x.org>\n ") == "Ana ‹ana@x.org›\\x0a"
    assert safe.ident(" Ana ") == "Ana"
    assert safe.ident("a" * 200) == "a" * 200
    assert safe.ident("a" * 201) == "a" * 199 + safe.ELLIPSIS
    assert safe.ident("ab", limit=1) == safe.ELLIPSIS
