"""The reader's records: paragraphs, revisions, comments and changes of a .docx, typed.

``Annotations`` is what ``drafts.ooxml.read.reader.read_annotations`` returns. Records are
frozen pydantic models; the reader builds them with ``build`` (no validation: their values are
valid by construction, and the golden and corpus tests compare the output).
"""

from __future__ import annotations

from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

from drafts.ooxml.read.revisions import RevisionKind


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


_M = TypeVar("_M", bound=_Model)
_new = object.__new__
_set_dict = object.__setattr__
# the slots every pydantic model instance has, set through their descriptors (no name look-up)
_set_fields = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__
_FIELDS: dict[type, set[str]] = {}


def build(cls: type[_M], values: dict[str, Any]) -> _M:
    """Build a record from values that are valid by construction, without validating them.

    This is what ``cls.model_construct(**values)`` does, less its per-field loop (which, in
    pydantic 2, costs twice a validation). ``values`` must give every field, in field order, a
    value of the declared type: the callers below take them from the walker's records, whose
    types are fixed where they are made. The golden and corpus tests compare the output. All
    records of one class share one set of set fields (every field): the records are frozen,
    and pydantic copies the set before changing it (``model_copy``).
    """
    record = _new(cls)
    _set_dict(record, "__dict__", values)
    fields = _FIELDS.get(cls)
    if fields is None:
        fields = _FIELDS[cls] = set(cls.model_fields)
    _set_fields(record, fields)
    _set_extra(record, None)
    _set_private(record, None)
    return record


class ParagraphView(_Model):
    """One paragraph of one story part, in reading order.

    ``text_before``/``text_after``: the paragraph's own text with every tracked change rejected /
    accepted (the paragraph mark itself is not included; merging of paragraphs whose mark is
    removed happens only in the document-level texts). ``mark``: "ins" or "del" when the
    paragraph mark is tracked (moveTo counts as "ins", moveFrom as "del"), "ins-del" when it was
    inserted and then deleted. ``in_before``/``in_after``: False when the whole paragraph does not
    exist in that view (inside an inserted or deleted table row or cell).
    """

    part: str
    index: int
    text_before: str
    text_after: str
    bookmarks: list[str]
    style: str | None
    in_table: bool
    in_text_box: bool
    footnote_id: str | None
    comment_id: str | None
    mark: Literal["ins", "del", "ins-del"] | None
    in_before: bool
    in_after: bool


class Revision(_Model):
    """One revision element of the file; ``kind`` is the element's own name.

    ``paragraph`` is the index (within ``part``) of the paragraph holding it, or of the first
    paragraph of a tracked row or cell; None for revisions outside paragraphs (sections, table
    properties before any paragraph, styles, numbering). Offsets are code points into that
    paragraph's ``text_before`` and ``text_after``: for deleted content the span is empty in
    ``text_after`` (the point where it was), for inserted content it is empty in
    ``text_before``; a paragraph-mark revision sits at the end of the paragraph; None for row,
    cell and non-paragraph revisions. ``parent`` is the index in ``revisions`` of the revision
    that encloses this one (a deletion inside a move or an insertion).
    """

    kind: RevisionKind
    id: str | None
    author: str | None
    date: str | None
    text: str
    part: str
    paragraph: int | None
    start_before: int | None
    end_before: int | None
    start_after: int | None
    end_after: int | None
    on_paragraph_mark: bool
    on_table_row: bool
    on_table_cell: bool
    on_numbering: bool
    in_table: bool
    in_field: bool
    in_content_control: bool
    in_text_box: bool
    definition: str | None
    move: str | None
    parent: int | None


class Comment(_Model):
    """One ``w:comment``, where its range sits, its thread and resolved state.

    ``anchor_text``: all text between the range start and end as Word shows it with markup
    (inserted and deleted text both), paragraphs separated by "\\n"; None when the comment marks
    no text. ``anchor_text_before``/``anchor_text_after``: the same range with changes rejected /
    accepted. Positions: paragraph indices within ``part`` and offsets into those paragraphs'
    ``text_before``/``text_after``.
    """

    id: str
    author: str | None
    initials: str | None
    date: str | None
    text: str
    anchor_text: str | None
    anchor_text_before: str | None
    anchor_text_after: str | None
    parent: str | None
    resolved: bool
    part: str | None
    start_paragraph: int | None
    end_paragraph: int | None
    start_before: int | None
    end_before: int | None
    start_after: int | None
    end_after: int | None


class Change(_Model):
    """Revisions grouped as a reader thinks of them (see ``drafts.ooxml.read.revisions``)."""

    kind: Literal["insert", "delete", "replace", "move", "format", "table"]
    author: str | None
    date: str | None
    part: str
    paragraph: int | None
    text_before: str
    text_after: str
    revisions: list[int]


class Annotations(_Model):
    """Everything a reviewer left in one .docx, and the two texts of the document."""

    comments: list[Comment]
    revisions: list[Revision]
    changes: list[Change]
    text_before: str
    text_after: str
    paragraphs: list[ParagraphView]
    custom_properties: dict[str, str]
    core_properties: dict[str, str]
    application: str | None
    header_text: str
    footer_text: str
    #: part name -> its kind ("document", "footnotes", "endnotes", "header", "footer",
    #: "comments", "styles", "numbering"), found by relationship and content type, never by name
    stories: dict[str, str] = {}
