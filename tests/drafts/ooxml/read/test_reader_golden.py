"""Hand-written expectations: anchored text and reply threads of three real commented files.

The expectations were written by reading each file's document.xml, comments.xml and
commentsExtended.xml (unzip -p FILE word/comments.xml), not by running the reader. To re-check
one by hand: find ``w:commentRangeStart w:id="N"`` in document.xml and read the ``w:t`` text up
to ``w:commentRangeEnd w:id="N"``; a reply is the ``w15:commentEx`` whose ``w15:paraIdParent`` is
the ``w14:paraId`` of the last paragraph of its parent comment.
"""

from __future__ import annotations

import pytest

from drafts.ooxml.read.reader import read_annotations
from tests.helpers.reader_helpers import CORPUS

pytestmark = pytest.mark.skipif(not CORPUS.exists(), reason=f"shared corpus absent: {CORPUS}")

LOREM = (
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt "
    "ut labore et dolore magna aliqua."
)
TEMPOR = "tempor incididunt ut labore et dolore magna aliqua."

# id: (author, anchor text, parent id, resolved, first line of the comment text)
DOCX2PYTHON_COMMENTS = {
    "1": ("Randy Bartels", LOREM, None, False, "COMMENT"),
    "2": ("Randy Bartels", LOREM, "1", False, "RESPONSE"),
    "3": ("Shay Hill", LOREM, "1", False, "Response from Shay Hill"),
    "4": ("Shay Hill", TEMPOR, None, False, "Comment on subset starting with tempor"),
    "5": ("Randy Bartels", LOREM, None, False, "COMMENT on par 5"),
    "6": ("Randy Bartels", LOREM, "5", False, "RESPONSE to comment on par 5"),
    "7": ("Shay Hill", LOREM, "5", False, "Response from Shay Hill on par 5"),
    "8": ("Shay Hill", TEMPOR, None, False, "Comment on subset starting with tempor on par 5"),
}

TEST_FILE_WITH_COMMENTS = {
    "0": ("magna ", None, False, "Comment 1"),
    "1": ("quis ", None, False, "Comment 2"),
    "2": ("Bibendum", None, False, "Comment 3"),
    "3": ("dolor ", None, False, "Comment 4 with hyperlink"),
    "4": ("suspendisse ", None, False, "Comment 5"),
    "5": ("suspendisse ", "4", False, "With a response"),
    "6": ("Amet ", None, False, "Comment 6 with a long comment."),
    "7": ("suspendisse ", None, False, "Comment 7 with a long response"),
    "8": ("suspendisse ", "7", False, "Long response: magna fringilla urna porttitor"),
    "9": ("Magnis ", None, True, "Comment 8 - marked Resolved"),
    "10": ("R1C1", None, False, "Comment in a table"),
    "11": (None, None, False, "Comment on a picture"),  # the range holds only a picture
}

PANDOC_COMMENTS = {
    "0": ("some text to have a comment ", None, "I left a comment."),
    "1": ("a new paragraph.\nAnd so", None, "A comment across paragraphs."),
    "2": ("more", None, "This one has multiple paragraphs.\n\nSee?"),
    "3": ("comment in a comment", None, "Do something."),
    "4": ("comment in a comment", "3", "Do something else."),
}


def test_docx2python_comments_threads_and_overlapping_ranges():
    a = read_annotations(CORPUS / "docx2python" / "comments.docx")
    got = {
        c.id: (c.author, c.anchor_text, c.parent, c.resolved, c.text.split("\n")[0])
        for c in a.comments
    }
    assert got == DOCX2PYTHON_COMMENTS
    by_id = {c.id: c for c in a.comments}
    # comment 4 is nested inside comment 1's range: it starts at "tempor", 72 code points in
    assert (by_id["4"].start_paragraph, by_id["4"].start_after) == (0, LOREM.index("tempor"))
    assert (by_id["1"].start_after, by_id["1"].end_after) == (0, len(LOREM))
    # paragraph 5 starts "Par5 " before the commented sentence
    para5 = a.paragraphs[by_id["5"].start_paragraph]
    assert para5.text_after[by_id["5"].start_after : by_id["5"].end_after] == LOREM


def test_docx2python_test_file_with_comments_resolved_and_replies():
    a = read_annotations(CORPUS / "docx2python" / "test_file_with_comments.docx")
    got = {c.id: (c.anchor_text, c.parent, c.resolved) for c in a.comments}
    assert got == {k: v[:3] for k, v in TEST_FILE_WITH_COMMENTS.items()}
    for c in a.comments:
        assert c.text.startswith(TEST_FILE_WITH_COMMENTS[c.id][3])
        assert c.author == "Randy Bartels" and c.initials == "RB"
    # two paragraphs, the first with two w:br line breaks: three "\n" in all
    long = next(c for c in a.comments if c.id == "6").text
    assert long.count("\n") == 3 and long.split("\n")[3].startswith("sit amet massa")
    table_comment = next(c for c in a.comments if c.id == "10")
    assert a.paragraphs[table_comment.start_paragraph].in_table


def test_pandoc_comments_range_across_paragraphs_and_reply():
    a = read_annotations(CORPUS / "pandoc" / "comments.docx")
    got = {c.id: (c.anchor_text, c.parent, c.text) for c in a.comments}
    assert got == PANDOC_COMMENTS
    across = next(c for c in a.comments if c.id == "1")
    assert (across.start_paragraph, across.end_paragraph) == (1, 2)
    assert all(c.author == "Jesse Rosenthal" and c.initials == "jkr" for c in a.comments)
    assert a.comments[0].date == "2016-05-09T16:13:00Z"
