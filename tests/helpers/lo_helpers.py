"""Real LibreOffice from the venv tests: a ``--convert-to`` re-save and a UNO edit session.

``lo_resave(path, out_dir)`` re-saves a .docx as LibreOffice does with
``soffice --headless --convert-to docx`` (private profile; ``out_dir`` must not be the source's
folder, the result keeps the source's name). ``lo_edit(path, out, author, ops)`` runs
``tests/helpers/lo_edit.py`` with the system Python that has ``uno`` (see that script for ``ops``).
Both raise ``LibreOfficeMissing`` (a RuntimeError saying what to install) when soffice or
python3-uno is absent, and ``RuntimeError`` with LibreOffice's message when it fails; tests
call ``conftest.soffice_or_skip()`` and ``uno_python_or_skip()`` first.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("lo_edit.py")
#: accepts or rejects every tracked change in LibreOffice (run with the system Python)
ACCEPT_SCRIPT = Path(__file__).with_name("lo_accept.py")
_SYSTEM_PYTHONS = ("/usr/bin/python3", "/usr/local/bin/python3")


class LibreOfficeMissing(RuntimeError):
    """soffice or the system Python's ``uno`` module is not installed."""


@functools.cache
def uno_python() -> str | None:
    """Return a Python interpreter that can ``import uno``, or None."""
    for candidate in _SYSTEM_PYTHONS:
        if os.path.exists(candidate):
            done = subprocess.run([candidate, "-c", "import uno"], capture_output=True)
            if done.returncode == 0:
                return candidate
    return None


def uno_python_or_skip() -> str:
    """Return the uno-capable Python; skip when absent (fail when PENHOLDER_CI is set)."""
    found = uno_python()
    if found is None:
        message = "no system Python can import uno (Debian package python3-uno)"
        if os.environ.get("PENHOLDER_CI"):
            pytest.fail(message + " in CI; .ci/system-deps.sh should have installed it")
        pytest.skip(message)
    return found


def _soffice() -> str:
    path = shutil.which("soffice")
    if path is None:
        raise LibreOfficeMissing(
            "LibreOffice (soffice) is not installed; install libreoffice-writer"
        )
    return path


def lo_resave(path: Path, out_dir: Path, timeout: float = 180) -> Path:
    """Re-save ``path`` with ``soffice --convert-to docx`` into ``out_dir``; return the file."""
    soffice = _soffice()
    path, out_dir = Path(path).resolve(), Path(out_dir).resolve()
    if out_dir == path.parent:
        raise ValueError(f"lo_resave would overwrite {path}: give another out_dir")
    out_dir.mkdir(parents=True, exist_ok=True)
    profile = Path(tempfile.gettempdir()) / f"penholder-lo-{uuid.uuid4().hex}"
    args = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless"]
    args += ["--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out_dir), str(path)]
    try:
        done = subprocess.run(args, capture_output=True, timeout=timeout)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    result = out_dir / (path.stem + ".docx")
    if done.returncode != 0 or not result.is_file():
        raise RuntimeError(f"LibreOffice could not re-save {path}: {done.stderr.decode()[-500:]}")
    return result


def lo_edit(
    path: Path, out: Path, author: str, ops: list[dict[str, str]] | None, timeout: float = 300
) -> Path:
    """Edit ``path`` in real LibreOffice as ``author`` (``ops=None``: re-save only); return ``out``."""
    _soffice()
    python = uno_python()
    if python is None:
        raise LibreOfficeMissing("no system Python can import uno; install python3-uno")
    args = [python, str(SCRIPT), str(path), str(out), "--author", author]
    args += ["--resave"] if ops is None else ["--ops", json.dumps(ops)]
    done = subprocess.run(args, capture_output=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.decode("utf-8", "replace").strip()[-1000:])
    return Path(out)
