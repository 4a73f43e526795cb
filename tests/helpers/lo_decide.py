"""Accept, reject and edit tracked changes by row mark in real LibreOffice (run with SYSTEM python).

Usage (Debian's python3-uno lives in the system Python, not in the venv)::

    /usr/bin/python3 tests/helpers/lo_decide.py IN.docx OUT.docx --author NAME --ops OPS

``OPS`` is a JSON list (or ``@file.json``) of operations on bookmark ranges, described in
``lo_decide_macro.py``. Unlike ``lo_edit``/``lo_accept`` (UNO over a socket), this works on
documents with comments: the operations run as a Python macro inside soffice (NOTES.md), which
needs the Debian package ``libreoffice-script-provider-python``. A private profile whose user
is ``author`` (the author of any change it records) holds the macro; the input is copied to a
private folder first. soffice's process group is killed whatever happens. Exit status 0 on
success, 1 with the error on stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from lo_edit import make_profile

MACRO = Path(__file__).with_name("lo_decide_macro.py")
_URL = "vnd.sun.star.script:lo_decide_macro.py$main?language=Python&location=user"


def run(src: Path, out: Path, author: str, ops: list[dict[str, str]], timeout: float) -> None:
    """Copy ``src`` privately, run ``ops`` on it inside soffice as ``author``, store ``out``."""
    work = Path(tempfile.mkdtemp(prefix="penholder-lo-decide-"))
    proc: subprocess.Popen[bytes] | None = None
    try:
        profile = make_profile(work / "profile", author)
        scripts = work / "profile" / "user" / "Scripts" / "python"
        scripts.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(MACRO, scripts / MACRO.name)
        copy = work / "doc" / src.name
        copy.parent.mkdir()
        shutil.copyfile(src, copy)
        result = work / "doc" / ("out-" + out.name)
        job = work / "job.json"
        job.write_text(json.dumps({"src": str(copy), "out": str(result), "ops": ops}), "utf-8")
        args = ["soffice", "--headless", "--invisible", "--nologo", "--norestore"]
        args += [f"-env:UserInstallation={profile}", _URL]
        env = dict(os.environ, PENHOLDER_LO_JOB=str(job))
        proc = subprocess.Popen(
            args,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        proc.wait(timeout=timeout)
        report = Path(str(job) + ".result")
        if not report.is_file():
            raise RuntimeError(f"the macro did not run (soffice exit status {proc.returncode})")
        if report.read_text("utf-8") != "ok":
            raise RuntimeError(report.read_text("utf-8").strip().splitlines()[-1])
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(result), out)
    finally:
        if proc is not None:  # soffice.bin may outlive oosplash: end the whole group
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run; print one line to stderr and return 1 on failure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("src", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--author", default="LibreOffice Drafter")
    parser.add_argument("--ops", default="[]", help="JSON list of operations, or @FILE")
    parser.add_argument("--timeout", type=float, default=180.0)
    args = parser.parse_args(argv)
    raw = Path(args.ops[1:]).read_text("utf-8") if args.ops.startswith("@") else args.ops
    try:
        run(args.src, args.out, args.author, json.loads(raw), args.timeout)
    except Exception as exc:
        print(f"lo_decide: {args.src}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
