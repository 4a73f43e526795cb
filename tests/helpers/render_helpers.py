"""Helpers for render tests: a stamp, a chapter rendered with its block map, LibreOffice runs."""

from __future__ import annotations

import re
import shutil
import subprocess
import uuid
from datetime import date
from pathlib import Path

import pytest

import examples
from drafts.blocks import BlockMap, build_block_map
from drafts.markdown.pandoc import run_pandoc
from drafts.word.render import Stamp, render_chapter

EXAMPLE = examples.path()
BIB = EXAMPLE / "references.bib"
CHAPTERS = sorted((EXAMPLE / "chapters").glob("*.md"))

needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
)


def stamp(chapter: str = "03", packet: str | None = "R1-03-K7Q2", rnd: str | None = "R1") -> Stamp:
    """Return a stamp for a reviewer's packet (or for the drafter when ``packet`` is None)."""
    return Stamp(
        guideline_title="Guidelines on people-centred smart cities",
        short_title="Smart cities",
        chapter=chapter,
        chapter_title="A chapter",
        revision=2,
        commit="0123456789abcdef0123456789abcdef01234567",
        round=rnd,
        reviewer_id="K7" if packet else None,
        reviewer_name="Ana Lima" if packet else None,
        packet=packet,
        date=date(2026, 3, 1),
    )


def render(markdown: str, out: Path, chapter: str = "03", **kw: object) -> tuple[Path, BlockMap]:
    """Build the block map of ``markdown`` (with the example bibliography) and render it."""
    block_map = build_block_map(chapter, 2, markdown, None, bibliography=BIB)
    path = render_chapter(markdown, block_map, stamp(chapter, **kw), out, bibliography=BIB)  # type: ignore[arg-type]
    return path, block_map


def soffice_convert(src: Path, fmt: str, outdir: Path) -> Path:
    """Convert ``src`` with headless LibreOffice (own profile) to ``fmt``; return the result."""
    outdir.mkdir(parents=True, exist_ok=True)
    profile = f"file:///tmp/penholder-lo-{uuid.uuid4().hex}"
    args = ["--headless", "--convert-to", fmt, "--outdir", str(outdir), str(src)]
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", *args],
        check=True,
        capture_output=True,
        timeout=180,
    )
    shutil.rmtree(profile.removeprefix("file://"), ignore_errors=True)
    result = outdir / (src.stem + "." + fmt.split(":")[0])
    assert result.is_file(), f"LibreOffice wrote no {result}"
    return result


def pdf_text(pdf: Path) -> str:
    """Return ``pdftotext -layout`` of a PDF."""
    done = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def normalised(docx: Path, how: str = "accept") -> list[str]:
    """Return pandoc's plain text of ``docx`` as non-empty paragraphs, list markers dropped."""
    args = ["-f", "docx", f"--track-changes={how}", "-t", "plain", "--wrap=none", str(docx)]
    text = run_pandoc(args, b"").decode("utf-8")
    paras = [re.sub(r"^(\d+\.|-)(\s+|$)", "", p.strip()) for p in re.split(r"\n\s*\n", text)]
    return [" ".join(p.split()) for p in paras if p.strip()]
