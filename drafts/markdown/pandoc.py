"""The one door to pandoc (the binary bundled with pypandoc-binary).

``markdown_ast(markdown, bibliography)`` parses a chapter into pandoc's JSON AST (a ``dict``),
running citeproc when a bibliography is given, so citations appear as citeproc prints them.
``run_pandoc(args, stdin)`` runs pandoc and returns its stdout. Any failure (non-zero exit,
missing binary, unreadable bibliography) is a ``RenderError`` carrying pandoc's own message.
"""

from __future__ import annotations

import json
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

from drafts.core.errors import RenderError

#: the Markdown dialect of chapters: pandoc Markdown with its default extensions
MARKDOWN = "markdown"


@cache
def pandoc_path() -> str:
    """Return the path of the pandoc binary bundled with pypandoc."""
    import pypandoc

    return str(pypandoc.get_pandoc_path())


def run_pandoc(args: list[str], stdin: bytes) -> bytes:
    """Run pandoc with ``args`` on ``stdin``; return stdout or raise ``RenderError``."""
    try:
        done = subprocess.run([pandoc_path(), *args], input=stdin, capture_output=True, check=False)
    except OSError as exc:
        raise RenderError(f"cannot run pandoc: {exc}") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip() or f"exit {done.returncode}"
        raise RenderError(f"pandoc failed: {message}")
    return done.stdout


def citeproc_args(bibliography: Path | None) -> list[str]:
    """Return the pandoc options that run citeproc against ``bibliography`` (none if None)."""
    if bibliography is None:
        return []
    if not bibliography.is_file():
        raise RenderError(f"bibliography {bibliography} does not exist")
    return ["--citeproc", f"--bibliography={bibliography}"]


def markdown_ast(markdown: str, bibliography: Path | None = None) -> dict[str, Any]:
    """Parse pandoc Markdown into pandoc's JSON AST (after citeproc, if a bibliography)."""
    out = run_pandoc(
        ["-f", MARKDOWN, "-t", "json", *citeproc_args(bibliography)], markdown.encode("utf-8")
    )
    ast: dict[str, Any] = json.loads(out)
    return ast
