"""Edit a .docx through a real headless LibreOffice, as a reviewer would (run with SYSTEM python).

Usage (Debian's python3-uno lives in the system Python, not in the venv)::

    /usr/bin/python3 tests/helpers/lo_edit.py IN.docx OUT.docx --author "Ana Lima" --ops OPS
    /usr/bin/python3 tests/helpers/lo_edit.py IN.docx OUT.docx --resave

``OPS`` is a JSON list (or ``@file.json``) of operations, applied in order, each locating its
quote with ``createSearchDescriptor``/``findFirst`` (first occurrence, case-sensitive):

- ``{"op": "insert", "after": QUOTE, "text": TEXT}``: tracked insertion after QUOTE;
- ``{"op": "delete", "quote": QUOTE}``: tracked deletion;
- ``{"op": "replace", "quote": QUOTE, "text": TEXT}``: tracked insertion after QUOTE, then its
  tracked deletion;
- ``{"op": "silent_replace", "quote": QUOTE, "text": TEXT}``: an untracked change.

The author of tracked changes is the profile's user name, written into a private profile's
``registrymodifications.xcu`` before soffice starts (givenname = first word, sn = the rest).
The input is copied to a private directory first (lock files beside a document break loads);
the result is stored with the "MS Word 2007 XML" filter. soffice is terminated and its process
group killed whatever happens; the profile is removed. Exit status 0 on success, 1 with one
line on stderr on failure (a quote not found names the quote). Comments are not supported:
inserting an annotation through UNO aborts LibreOffice 7.4 headless.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

_ITEM = (
    '<item oor:path="/org.openoffice.UserProfile/Data"><prop oor:name="{name}" oor:op="fuse">'
    "<value>{value}</value></prop></item>\n"
)


def _prop(name: str, value: object) -> PropertyValue:
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def make_profile(root: Path, author: str) -> str:
    """Create a LibreOffice profile under ``root`` whose user name is ``author``; return its URL."""
    url = root.as_uri()
    subprocess.run(
        ["soffice", "--headless", "--terminate_after_init", f"-env:UserInstallation={url}"],
        check=True,
        capture_output=True,
        timeout=180,
    )
    given, _, surname = author.partition(" ")
    xcu = root / "user" / "registrymodifications.xcu"
    text = xcu.read_text(encoding="utf-8")
    items = _ITEM.format(name="givenname", value=escape(given))
    items += _ITEM.format(name="sn", value=escape(surname))
    xcu.write_text(text.replace("</oor:items>", items + "</oor:items>"), encoding="utf-8")
    return url


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _connect(port: int, proc: subprocess.Popen[bytes], deadline: float) -> object:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    url = f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext"
    while True:
        try:
            return resolver.resolve(url)
        except Exception:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("LibreOffice did not accept a connection") from None
            time.sleep(0.3)


def _find(doc: object, quote: str) -> object:
    desc = doc.createSearchDescriptor()  # type: ignore[attr-defined]
    desc.SearchString = quote
    desc.SearchCaseSensitive = True
    found = doc.findFirst(desc)  # type: ignore[attr-defined]
    if found is None:
        raise ValueError(f"quote not found in the document: {quote!r}")
    return found


def _insert_after(doc: object, quote: str, text: str) -> object:
    found = _find(doc, quote)
    body = found.getText()  # type: ignore[attr-defined]
    cursor = body.createTextCursorByRange(found.getEnd())  # type: ignore[attr-defined]
    body.insertString(cursor, text, False)
    return found


def perform(doc: object, ops: list[dict[str, str]]) -> None:
    """Apply ``ops`` (see the module docstring) to a loaded Writer document."""
    for op in ops:
        kind = op["op"]
        doc.setPropertyValue("RecordChanges", kind != "silent_replace")  # type: ignore[attr-defined]
        if kind == "insert":
            _insert_after(doc, op["after"], op["text"])
        elif kind == "delete":
            _find(doc, op["quote"]).setString("")  # type: ignore[attr-defined]
        elif kind == "replace":
            found = _find(doc, op["quote"])
            body = found.getText()  # type: ignore[attr-defined]
            cursor = body.createTextCursorByRange(found.getEnd())  # type: ignore[attr-defined]
            body.insertString(cursor, op["text"], False)
            start = body.createTextCursorByRange(found.getStart())  # type: ignore[attr-defined]
            start.goRight(len(op["quote"]), True)
            start.setString("")
        elif kind == "silent_replace":
            _find(doc, op["quote"]).setString(op["text"])  # type: ignore[attr-defined]
        else:
            raise ValueError(f"unknown op {kind!r}; use insert, delete, replace, silent_replace")
    doc.setPropertyValue("RecordChanges", False)  # type: ignore[attr-defined]


def session(
    src: Path,
    out: Path,
    author: str,
    act: Callable[[Any, Any], None],
    timeout: float,
    filter_name: str = "MS Word 2007 XML",
) -> None:
    """Open a private copy of ``src`` in a private headless LibreOffice whose user is
    ``author``, call ``act(ctx, doc)``, store the result as ``out`` with ``filter_name`` (Word
    2007 XML unless told; "Calc MS Excel 2007 XML" for a spreadsheet).

    soffice's whole process group is killed and the scratch folder removed whatever happens.
    """
    work = Path(tempfile.mkdtemp(prefix="penholder-lo-"))
    proc: subprocess.Popen[bytes] | None = None
    try:
        profile = make_profile(work / "profile", author)
        copy = work / "doc" / src.name
        copy.parent.mkdir()
        shutil.copyfile(src, copy)
        port = _free_port()
        args = ["soffice", "--headless", "--invisible", "--nologo", "--norestore", "--nodefault"]
        args += [
            f"-env:UserInstallation={profile}",
            f"--accept=socket,host=127.0.0.1,port={port};urp;",
        ]
        proc = subprocess.Popen(
            args, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        ctx = _connect(port, proc, time.monotonic() + timeout)
        smgr = ctx.ServiceManager  # type: ignore[attr-defined]
        desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = desktop.loadComponentFromURL(copy.as_uri(), "_blank", 0, (_prop("Hidden", True),))
        if doc is None:
            raise RuntimeError(f"LibreOffice could not load {src}")
        try:
            act(ctx, doc)
            target = work / "doc" / ("out-" + out.name)
            doc.storeToURL(target.as_uri(), (_prop("FilterName", filter_name),))
        finally:
            # LibreOffice 7.4 raises "illegal object given" closing a document with comments
            # through UNO; soffice is terminated below either way
            with contextlib.suppress(Exception):
                doc.close(True)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(target), out)
        with contextlib.suppress(Exception):  # the bridge goes away while terminating
            desktop.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=30)
    finally:
        if proc is not None:  # soffice.bin may outlive oosplash: end the whole group
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        shutil.rmtree(work, ignore_errors=True)


def run(src: Path, out: Path, author: str, ops: list[dict[str, str]], timeout: float) -> None:
    """Open ``src`` in a private LibreOffice, apply ``ops``, store ``out`` as Word 2007 XML."""
    session(src, out, author, lambda ctx, doc: perform(doc, ops), timeout)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run; print one line to stderr and return 1 on failure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("src", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--author", default="LibreOffice Reviewer")
    parser.add_argument("--ops", default="[]", help="JSON list of operations, or @FILE")
    parser.add_argument("--resave", action="store_true", help="no edits: load and store only")
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args(argv)
    raw = Path(args.ops[1:]).read_text("utf-8") if args.ops.startswith("@") else args.ops
    ops = [] if args.resave else json.loads(raw)
    try:
        run(args.src, args.out, args.author, ops, args.timeout)
    except Exception as exc:
        print(f"lo_edit: {args.src}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
