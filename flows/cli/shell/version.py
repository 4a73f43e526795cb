"""``penholder --version``: penholder's version and the tools it found (pandoc, Prefect,
LibreOffice), each ``not found`` when missing; never imports Prefect (its package metadata says)."""

from __future__ import annotations

import re
import shutil
import subprocess
from importlib import metadata


def _package(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not found"


def _tool(path: str | None, args: list[str]) -> str:
    if path is None:
        return "not found"
    try:
        done = subprocess.run(
            [path, *args], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"not usable ({e.__class__.__name__})"
    found = re.search(r"\d+(\.\d+)+", done.stdout)
    return found.group(0) if found else "unknown version"


def _pandoc() -> str | None:
    try:
        from drafts.markdown.pandoc import pandoc_path

        return pandoc_path()
    except Exception:  # pypandoc without a pandoc binary: look on PATH
        return shutil.which("pandoc")


def versions() -> str:
    """Return the lines ``penholder --version`` prints."""
    lines = [
        f"penholder {_package('penholder')}",
        f"pandoc {_tool(_pandoc(), ['--version'])}",
        f"Prefect {_package('prefect')}",
        f"LibreOffice {_tool(shutil.which('soffice'), ['--version'])}",
    ]
    return "\n".join(lines)
