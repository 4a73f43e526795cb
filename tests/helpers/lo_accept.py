"""Accept (or reject) every tracked change of a .docx in real LibreOffice (run with SYSTEM python).

Usage (Debian's python3-uno lives in the system Python, not in the venv)::

    /usr/bin/python3 tests/helpers/lo_accept.py IN.docx OUT.docx [--reject]

Loads a private copy of IN in a headless LibreOffice with its own profile (see ``lo_edit``),
dispatches ``.uno:AcceptAllTrackedChanges`` (or ``.uno:RejectAllTrackedChanges``), checks that
no tracked change is left (``XRedlinesSupplier``), and stores OUT with the "MS Word 2007 XML"
filter. soffice's process group is killed whatever happens. Exit status 0 on success, 1 with
one line on stderr on failure.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lo_edit import session


def accept_all(ctx: object, doc: object, reject: bool) -> None:
    """Accept (or reject) every tracked change of a loaded Writer document."""
    smgr = ctx.ServiceManager  # type: ignore[attr-defined]
    dispatcher = smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
    frame = doc.getCurrentController().getFrame()  # type: ignore[attr-defined]
    command = ".uno:RejectAllTrackedChanges" if reject else ".uno:AcceptAllTrackedChanges"
    dispatcher.executeDispatch(frame, command, "", 0, ())
    left = doc.getRedlines().createEnumeration()  # type: ignore[attr-defined]
    if left.hasMoreElements():
        raise RuntimeError("tracked changes are left after the dispatch")


def run(src: Path, out: Path, reject: bool, timeout: float) -> None:
    """Open ``src`` privately, accept or reject all, store ``out`` as Word 2007 XML."""
    session(src, out, "Penholder Tests", lambda ctx, doc: accept_all(ctx, doc, reject), timeout)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run; print one line to stderr and return 1 on failure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("src", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--reject", action="store_true")
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args(argv)
    try:
        run(args.src, args.out, args.reject, args.timeout)
    except Exception as exc:
        print(f"lo_accept: {args.src}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
