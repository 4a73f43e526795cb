"""The macro ``lo_decide.py`` runs inside soffice: decisions on tracked changes by row mark.

Copied into a private profile's ``user/Scripts/python/`` and run as
``vnd.sun.star.script:lo_decide_macro.py$main?language=Python&location=user``; it reads its job
(JSON) from the file named by ``$PENHOLDER_LO_JOB``: ``{"src", "out", "ops"}``, and writes
``"ok"`` or the error to ``<job>.result``. LibreOffice 7.4 aborts when a document with comments
is loaded over a UNO socket, but not from a macro inside soffice (NOTES.md).

Ops, applied in order, each on the range of a bookmark (a row mark, ``rm_R1_03_004``):

- ``{"op": "accept", "mark": NAME}`` / ``{"op": "reject", "mark": NAME}``: select the
  bookmark's range and dispatch ``.uno:AcceptTrackedChange`` / ``.uno:RejectTrackedChange``;
- ``{"op": "edit", "mark": NAME, "quote": OLD, "text": NEW}``: with changes recorded, replace
  the first ``OLD`` inside the bookmark's range by ``NEW`` (typed inside the range).
"""

from __future__ import annotations

import contextlib
import json
import os
import traceback
from pathlib import Path
from typing import Any

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]


def _script_context() -> Any:
    """The ``XSCRIPTCONTEXT`` the script provider puts in the macro module's globals."""
    return globals()["XSCRIPTCONTEXT"]


def _prop(name: str, value: object) -> Any:
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def _range(doc: Any, mark: str) -> Any:
    marks = doc.getBookmarks()
    if not marks.hasByName(mark):
        raise ValueError(f"no bookmark {mark!r}")
    return marks.getByName(mark).getAnchor()


def _overlaps(text: Any, a: Any, b: Any) -> bool:
    """Whether ranges ``a`` and ``b`` of ``text`` share a character or are the same point."""
    try:
        a_before_b_ends = text.compareRegionStarts(a.getStart(), b.getEnd()) >= 0
        b_before_a_ends = text.compareRegionStarts(b.getStart(), a.getEnd()) >= 0
    except Exception:  # not in the same text (a note, a header)
        return False
    return a_before_b_ends and b_before_a_ends


def _widened(doc: Any, anchor: Any) -> Any:
    """Return a cursor over ``anchor`` widened to hold every tracked change it touches.

    LibreOffice 7.4 can read a bookmark that ends at a paragraph's end one character short;
    a drafter accepts or rejects the whole change, so the selection takes whole changes.
    """
    text = anchor.getText()
    cursor = text.createTextCursorByRange(anchor)
    redlines = doc.getRedlines().createEnumeration()
    while redlines.hasMoreElements():
        redline = redlines.nextElement()
        start, end = (
            redline.getPropertyValue("RedlineStart"),
            redline.getPropertyValue("RedlineEnd"),
        )
        if start is None or end is None or start.getText() != text:
            continue
        span = text.createTextCursorByRange(start)
        span.gotoRange(end, True)
        if not _overlaps(text, cursor, span):
            continue
        if text.compareRegionStarts(span.getStart(), cursor.getStart()) > 0:
            cursor.gotoRange(span.getStart(), True)
            cursor.gotoRange(anchor.getEnd(), True)
        if text.compareRegionEnds(span.getEnd(), cursor.getEnd()) < 0:
            cursor.gotoRange(span.getEnd(), True)
    return cursor


def _decide(ctx: Any, doc: Any, mark: str, command: str) -> None:
    controller = doc.getCurrentController()
    controller.select(_widened(doc, _range(doc, mark)))
    smgr = ctx.getServiceManager()
    dispatcher = smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
    dispatcher.executeDispatch(controller.getFrame(), command, "", 0, ())


def _edit(doc: Any, mark: str, quote: str, text: str) -> None:
    anchor = _range(doc, mark)
    found = anchor.getString().find(quote)
    if found < 0:
        raise ValueError(f"{quote!r} is not in bookmark {mark!r}: {anchor.getString()!r}")
    doc.setPropertyValue("RecordChanges", True)
    body = anchor.getText()
    cursor = body.createTextCursorByRange(anchor.getStart())
    cursor.goRight(found + len(quote), False)  # after the quote: type the new text
    body.insertString(cursor, text, False)
    cursor = body.createTextCursorByRange(anchor.getStart())
    cursor.goRight(found, False)
    cursor.goRight(len(quote), True)
    cursor.setString("")


def _run(job: dict[str, Any]) -> None:
    ctx = _script_context().getComponentContext()
    desktop = _script_context().getDesktop()
    src = Path(job["src"])
    doc = desktop.loadComponentFromURL(src.as_uri(), "_blank", 0, (_prop("Hidden", True),))
    if doc is None:
        raise RuntimeError(f"LibreOffice could not load {src}")
    for op in job["ops"]:
        kind = op["op"]
        if kind in ("accept", "reject"):
            command = ".uno:AcceptTrackedChange" if kind == "accept" else ".uno:RejectTrackedChange"
            _decide(ctx, doc, op["mark"], command)
        elif kind == "edit":
            _edit(doc, op["mark"], op["quote"], op["text"])
        else:
            raise ValueError(f"unknown op {kind!r}; use accept, reject, edit")
    doc.storeToURL(Path(job["out"]).as_uri(), (_prop("FilterName", "MS Word 2007 XML"),))


def main(*_args: Any) -> None:
    """Run the job named by ``$PENHOLDER_LO_JOB``; write ``ok`` or the error beside it."""
    path = Path(os.environ["PENHOLDER_LO_JOB"])
    try:
        _run(json.loads(path.read_text("utf-8")))
        result = "ok"
    except Exception:
        result = traceback.format_exc()
    Path(str(path) + ".result").write_text(result, "utf-8")
    with contextlib.suppress(Exception):  # the desktop may go away while terminating
        _script_context().getDesktop().terminate()


g_exportedScripts = (main,)
_ = uno
