"""``penholder read FILE.docx [--json]``: every comment and tracked change of one Word file.

Needs no workspace. Heavy imports (pydantic models, lxml) happen inside the command.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer


def read(
    file: Annotated[
        Path, typer.Argument(help="The .docx to read (any Word, LibreOffice or Google Docs file).")
    ],
    json: Annotated[
        bool,
        typer.Option(
            "--json", envvar="PENHOLDER_JSON", help="Print every annotation as one JSON object."
        ),
    ] = False,
) -> None:
    """Read the comments and tracked changes of a .docx (no workspace needed)."""
    from drafts.core.errors import PenholderError
    from drafts.core.limits import Limits, read_bounded
    from drafts.ooxml.read.package import measure
    from drafts.ooxml.read.reader import read_annotations

    try:  # the limits' defaults (and the environment's) bound what reading may take
        limits = Limits().with_env()
        data = read_bounded(file, limits.file_bytes, str(file))
        measure(data, str(file), limits)
        annotations = read_annotations(data, str(file))
    except PenholderError as exc:
        typer.echo(f"penholder: {exc}", err=True)
        raise typer.Exit(1) from None
    except OSError as exc:
        typer.echo(
            f"penholder: {file} cannot be read ({exc.strerror}); name a .docx file", err=True
        )
        raise typer.Exit(1) from None
    if json:
        typer.echo(annotations.model_dump_json(indent=2))
        return
    typer.echo(summary(annotations, file.name))


def summary(annotations: object, label: str) -> str:
    """A short human summary: counts of comments and revisions, by kind and by author."""
    comments = getattr(annotations, "comments", [])
    revisions = getattr(annotations, "revisions", [])
    changes = getattr(annotations, "changes", [])
    lines = [
        f"{label}: {len(comments)} comments, {len(revisions)} revisions ({len(changes)} changes)"
    ]
    replies = sum(1 for c in comments if c.parent is not None)
    resolved = sum(1 for c in comments if c.resolved)
    if comments:
        lines.append(f"  comments: {replies} replies, {resolved} resolved")
        for author, n in Counter(c.author or "(no author)" for c in comments).most_common():
            lines.append(f"    {author}: {n}")
    if revisions:
        lines.append("  revisions by kind:")
        for kind, n in Counter(r.kind for r in revisions).most_common():
            lines.append(f"    {kind}: {n}")
        lines.append("  revisions by author:")
        for author, n in Counter(r.author or "(no author)" for r in revisions).most_common():
            lines.append(f"    {author}: {n}")
    return "\n".join(lines)
