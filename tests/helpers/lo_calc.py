"""Fill in, sort and cut a comment-resolution matrix in real LibreOffice Calc (run with SYSTEM python).

Usage (Debian's python3-uno lives in the system Python, not in the venv)::

    /usr/bin/python3 tests/helpers/lo_calc.py IN.xlsx OUT.xlsx --ops OPS

``OPS`` is a JSON list (or ``@file.json``) of operations on the first sheet, applied in order.
The table is found as penholder's reader finds it: the header row is the first row with an
``id`` and a ``disposition`` cell (any case, surrounding spaces ignored), a column is named by
its header text, a row by the text of its id cell (looked up again before each operation, so
after a sort or a deletion too):

- ``{"op": "set", "id": ID, "column": HEADER, "value": TEXT}``: type TEXT into the cell, as a
  drafter does (select the cell, dispatch ``.uno:EnterString``: Calc's own input recognition
  applies, so "12" becomes a number cell, "2024-03-15" a date, "5%" a percentage);
- ``{"op": "sort", "column": HEADER, "descending": BOOL}``: sort the data rows (every row
  below the header, every used column) by that column, as Data > Sort does (``XSortable``);
- ``{"op": "delete", "id": ID}``: delete the whole row of ID (Sheet > Delete Rows).

The session (private profile, private copy of IN, soffice's process group killed whatever
happens) is ``lo_edit.session``; OUT is stored with the "Calc MS Excel 2007 XML" filter. A
spreadsheet has no comments, so UNO over a socket works (NOTES.md). Exit status 0 on success,
1 with one line on stderr on failure (an unknown id or column is named).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import uno  # type: ignore[import-not-found]
from lo_edit import _prop, session

FILTER = "Calc MS Excel 2007 XML"


class Table:
    """The matrix table of a Calc sheet: header row, columns by name, rows by id."""

    def __init__(self, sheet: Any) -> None:
        self.sheet = sheet
        cursor = sheet.createCursor()
        cursor.gotoEndOfUsedArea(False)
        end = cursor.getRangeAddress()
        self.last_col, self.last_row = end.EndColumn, end.EndRow
        values = self.values()
        for i, row in enumerate(values):
            names = [str(v).strip().lower() for v in row]
            if "id" in names and "disposition" in names:
                self.head = i
                self.cols = {name: j for j, name in enumerate(names) if name}
                return
        raise ValueError("no header row with id ... disposition on the first sheet")

    def values(self) -> list[tuple[object, ...]]:
        area = self.sheet.getCellRangeByPosition(0, 0, self.last_col, self.last_row)
        return list(area.getDataArray())

    def col(self, header: str) -> int:
        key = header.strip().lower()
        if key not in self.cols:
            raise ValueError(f"no column {header!r} in the header row")
        return self.cols[key]

    def row(self, row_id: str) -> int:
        ids = self.cols["id"]
        for i, values in enumerate(self.values()[self.head + 1 :], start=self.head + 1):
            if str(values[ids]).strip() == row_id:
                return i
        raise ValueError(f"no row with id {row_id!r}")


def _sort(table: Table, column: int, descending: bool) -> None:
    rows = table.sheet.getCellRangeByPosition(0, table.head + 1, table.last_col, table.last_row)
    field = uno.createUnoStruct("com.sun.star.table.TableSortField")
    field.Field, field.IsAscending, field.IsCaseSensitive = column, not descending, False
    desc = list(rows.createSortDescriptor())
    for prop in desc:
        if prop.Name == "SortFields":
            prop.Value = uno.Any("[]com.sun.star.table.TableSortField", (field,))
        elif prop.Name == "ContainsHeader":
            prop.Value = False
    uno.invoke(rows, "sort", (tuple(desc),))


def perform(ctx: Any, doc: Any, ops: list[dict[str, Any]]) -> None:
    """Apply ``ops`` (see the module docstring) to a loaded Calc document."""
    sheet = doc.getSheets().getByIndex(0)
    controller = doc.getCurrentController()
    smgr = ctx.ServiceManager
    dispatcher = smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
    for op in ops:
        table = Table(sheet)
        kind = op["op"]
        if kind == "set":
            row, col = table.row(op["id"]), table.col(op["column"])
            controller.select(sheet.getCellByPosition(col, row))
            typed = (_prop("StringName", op["value"]),)
            dispatcher.executeDispatch(controller.getFrame(), ".uno:EnterString", "", 0, typed)
        elif kind == "sort":
            _sort(table, table.col(op["column"]), bool(op.get("descending")))
        elif kind == "delete":
            sheet.getRows().removeByIndex(table.row(op["id"]), 1)
        else:
            raise ValueError(f"unknown op {kind!r}; use set, sort, delete")
    doc.calculateAll()


def run(src: Path, out: Path, ops: list[dict[str, Any]], timeout: float) -> None:
    """Open ``src`` privately in Calc, apply ``ops``, store ``out`` as .xlsx."""
    session(src, out, "Penholder Drafter", lambda ctx, doc: perform(ctx, doc, ops), timeout, FILTER)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run; print one line to stderr and return 1 on failure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("src", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--ops", default="[]", help="JSON list of operations, or @FILE")
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args(argv)
    raw = Path(args.ops[1:]).read_text("utf-8") if args.ops.startswith("@") else args.ops
    try:
        run(args.src, args.out, json.loads(raw), args.timeout)
    except Exception as exc:
        print(f"lo_calc: {args.src}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
