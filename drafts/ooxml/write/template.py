"""The reference template's contract: the styles every penholder render relies on.

``check_template(path)`` raises ``TemplateError`` naming the first missing style and the file
(or saying the file is missing or unreadable), so a broken template fails before pandoc runs.
"""

from __future__ import annotations

from pathlib import Path

from drafts.core.errors import DocumentError, TemplateError
from drafts.ooxml.write.numbering import NUMBERED_PARAGRAPH, missing_styles
from drafts.ooxml.write.parts import DocxParts

#: style names (as Word shows them) that renders use; compared case-insensitively
REQUIRED_STYLES: tuple[str, ...] = (
    "Normal",
    "Title",
    "Heading 1",
    "Heading 2",
    "Heading 3",
    "Body Text",
    "First Paragraph",
    "Compact",
    "Footnote Text",
    "Footnote Reference",
    "Table",
    NUMBERED_PARAGRAPH,
    "Header",
    "Footer",
)


def check_template(path: Path) -> None:
    """Return quietly if ``path`` is a .docx holding every style in ``REQUIRED_STYLES``."""
    if not path.is_file():
        raise TemplateError(
            f"reference template {path} does not exist; build it with "
            "`python templates/build_reference.py`"
        )
    try:
        styles = DocxParts(path).xml("word/styles.xml")
    except DocumentError as exc:
        raise TemplateError(f"reference template {path} cannot be read: {exc}") from exc
    missing = missing_styles(styles, REQUIRED_STYLES)
    if missing:
        raise TemplateError(
            f"reference template {path} lacks the style {missing[0]!r}"
            + (f" (and {len(missing) - 1} more: {', '.join(missing[1:])})" if missing[1:] else "")
            + "; rebuild it with `python templates/build_reference.py`"
        )
