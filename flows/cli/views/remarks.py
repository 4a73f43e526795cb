"""``penholder remarks`` as a table: replies indented under their comment, flags in words."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reviewers.consolidate.listing import RemarkLine


def where(line: RemarkLine) -> str:
    """``§2.1 ¶4, p. 3 l. 12``: section and paragraph, page and line when known."""
    parts = [
        p
        for p in (line.section and f"§{line.section}", line.paragraph and f"¶{line.paragraph}")
        if p
    ]
    place = " ".join(str(p) for p in parts)
    if line.page:
        place += f", p. {line.page}" + (f" l. {line.line}" if line.line else "")
    return place


def remarks_table(chapter: str, lines: list[RemarkLine]) -> None:
    from rich.console import Console
    from rich.table import Table

    comments = sum(1 for line in lines if not line.parent)
    table = Table(
        title=f"Chapter {chapter}: {comments} remarks, {len(lines) - comments} replies",
        show_lines=False,
    )
    for col, kw in (
        ("id", {"no_wrap": True}),
        ("reviewer", {"max_width": 22}),
        ("where", {"max_width": 24}),
        ("kind", {"no_wrap": True}),
        ("remark", {"ratio": 1}),
        ("flags", {"max_width": 20}),
    ):
        table.add_column(col, **kw)
    for line in lines:
        indent = "  " * line.depth + ("↳ " if line.parent else "")
        table.add_row(
            indent + line.id,
            line.reviewer,
            "" if line.parent else where(line),
            line.kind,
            indent + line.text,
            ", ".join(line.flags),
        )
    Console(width=160).print(table)
