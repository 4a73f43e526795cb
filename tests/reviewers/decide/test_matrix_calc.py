"""The .xlsx matrix filled in, re-sorted and cut by real LibreOffice Calc, then imported.

Calc runs headless with a private profile (``tests/helpers/lo_calc.py``, UNO over a socket,
with the system Python that has ``uno``): it types the answers into the cells (so its own input
recognition applies: a number, a date), sorts the data rows, deletes a row and saves .xlsx. The
import must read every answer back exactly, match rows by id and report the deleted row.
"""

from __future__ import annotations

import json
import subprocess
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from drafts.core.errors import DocumentError
from drafts.workspace import Workspace
from reviewers.consolidate.build import consolidate
from reviewers.consolidate.models import Matrix
from reviewers.decide.answers import fill
from reviewers.decide.store import import_file, load_log, load_matrix
from reviewers.rounds import lifecycle as rounds
from tests.conftest import DRAFTER, soffice_or_skip
from tests.helpers.lo_helpers import uno_python_or_skip

CALC_SCRIPT = Path(__file__).parents[2] / "helpers" / "lo_calc.py"
MATRIX = "consolidated/R1/03/matrix.xlsx"


@pytest.fixture
def consolidated(returned) -> tuple[Workspace, Matrix]:  # type: ignore[no-untyped-def]
    """Round R1 of chapter 03 closed and consolidated, no row answered yet."""
    ws = returned[0]
    rounds.close_round(ws, "R1", ws.identity(DRAFTER), force=True)
    log = load_log(ws, "03", "R1")
    consolidate(ws, "03", "R1", ws.identity(DRAFTER), answers=lambda m: fill(m, log))
    return ws, load_matrix(ws, "03", "R1")


def _calc(src: Path, out: Path, ops: list[dict[str, object]]) -> None:
    """Run ``ops`` on ``src`` in real LibreOffice Calc (``tests/helpers/lo_calc.py``), store ``out``."""
    soffice_or_skip()
    python = uno_python_or_skip()
    args = [python, str(CALC_SCRIPT), str(src), str(out), "--ops", json.dumps(ops)]
    run = subprocess.run(args, capture_output=True, timeout=300)
    assert run.returncode == 0, run.stderr.decode()


def _typed(row: str, column: str, value: str) -> dict[str, object]:
    return {"op": "set", "id": row, "column": column, "value": value}


@pytest.mark.slow
@pytest.mark.libreoffice
def test_a_matrix_answered_sorted_and_cut_in_calc_is_read_back_exactly(
    consolidated, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    ws, matrix = consolidated
    ids = [r.id for r in matrix.rows]
    modified, rejected, dropped, short, noted = ids  # five rows; one deleted from the middle
    note = "We keep “RELEASE”, shorter.\nSee § 2 — Größe, naïve."
    ops = [
        _typed(modified, "disposition", "accepted with modification"),
        _typed(modified, "adopted text", "the RELEASE of open data"),
        _typed(modified, "response", note),
        _typed(rejected, "disposition", "not accepted"),
        _typed(rejected, "response", "12"),  # Calc stores a number
        _typed(noted, "disposition", "noted"),
        _typed(noted, "response", "2024-03-15"),  # Calc stores a date, shown as typed
        _typed(short, "disposition", "rejected"),  # the short word
        _typed(short, "response", "Out of scope."),
        {"op": "sort", "column": "reviewer(s)", "descending": True},
        {"op": "delete", "id": dropped},
    ]
    out = tmp_path / "answered-in-calc.xlsx"
    _calc(ws.root / MATRIX, out, ops)

    sheet = openpyxl.load_workbook(out, data_only=True).active
    header = [c.value for c in sheet[7]]
    table = {r[0]: r for r in sheet.iter_rows(min_row=8, values_only=True) if r[0]}
    order = list(table)
    assert sorted(order) == sorted(set(ids) - {dropped})
    assert order != [i for i in ids if i != dropped]  # Calc re-sorted the rows
    response = header.index("response")
    assert isinstance(table[rejected][response], int)  # what Calc made of the typing
    assert isinstance(table[noted][response], datetime)
    # after the deletion Calc writes an empty row 1,048,576 (A1:P1048576): read it cheaply
    far = openpyxl.load_workbook(out, read_only=True)
    assert far.active.max_row == 1_048_576
    far.close()

    head = ws.repo.head.commit.hexsha
    done = import_file(ws, "03", "R1", out, ws.identity(DRAFTER))
    assert (done.kind, done.missing) == ("matrix (.xlsx)", [dropped])
    assert done.recorded.commit is not None and ws.repo.head.commit.hexsha != head
    current = load_log(ws, "03", "R1").current()
    source = out.name
    assert {r: (d.disposition, d.response, d.adopted, d.source) for r, d in current.items()} == {
        modified: ("modified", note, "the RELEASE of open data", source),
        rejected: ("rejected", "12", None, source),
        noted: ("noted", "2024-03-15", None, source),
        short: ("rejected", "Out of scope.", None, source),
    }


@pytest.mark.slow
@pytest.mark.libreoffice
def test_a_value_typed_in_calc_outside_the_list_is_refused_naming_the_cell(
    consolidated, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    ws, matrix = consolidated
    first, second, *_ = [r.id for r in matrix.rows]
    ops = [
        _typed(first, "disposition", "noted"),
        {"op": "sort", "column": "id", "descending": True},
        _typed(second, "disposition", "approved"),
    ]
    out = tmp_path / "typed-in-calc.xlsx"
    _calc(ws.root / MATRIX, out, ops)
    sheet = openpyxl.load_workbook(out).active
    column = [c.value for c in sheet[7]].index("disposition") + 1
    row = next(c.row for c in sheet["A"] if c.value == second)
    cell = f"{openpyxl.utils.get_column_letter(column)}{row}"
    assert row != 8 + [r.id for r in matrix.rows].index(second)  # the sort moved it
    head = ws.repo.head.commit.hexsha
    with pytest.raises(DocumentError) as refused:
        import_file(ws, "03", "R1", out, ws.identity(DRAFTER))
    assert f"cell {cell} ({second}) has disposition 'approved'" in str(refused.value)
    assert ws.repo.head.commit.hexsha == head
    assert load_log(ws, "03", "R1").records == []
