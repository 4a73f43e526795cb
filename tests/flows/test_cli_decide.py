"""The decide commands as a drafter types them: one line per refusal, JSON as documented."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drafts.workspace import Workspace
from reviewers.consolidate.build import consolidate
from reviewers.rounds import lifecycle as rounds
from tests.conftest import DRAFTER
from tests.reviewers.conftest import returned  # noqa: F401  (the fixture)


@pytest.fixture
def answered(request, cli, monkeypatch):  # type: ignore[no-untyped-def]
    ws: Workspace = request.getfixturevalue("returned")[0]
    rounds.close_round(ws, "R1", ws.identity(DRAFTER), force=True)
    consolidate(ws, "03", "R1", ws.identity(DRAFTER))
    monkeypatch.chdir(ws.root)
    monkeypatch.setenv("PENHOLDER_AS", DRAFTER)
    return ws


def test_dispositions_json_lists_every_row_with_its_answer(answered, cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli("dispositions", "03", "--round", "R1", "--json")
    rows = json.loads(out)["rows"]
    assert code == 0 and rows and all(r["disposition"] is None for r in rows)
    first = rows[0]["id"]
    code, out, err = cli("dispose", first, "accepted with modification", "--text", "new words")
    assert (code, err) == (0, "") and out == f"{first}: open -> modified (cli)\n"
    rows = json.loads(cli("dispositions", "03", "--round", "R1", "--json")[1])["rows"]
    mine = next(r for r in rows if r["id"] == first)
    assert {k: mine[k] for k in ("disposition", "adopted", "by", "source")} == {
        "disposition": "modified",
        "adopted": "new words",
        "by": "Amina Odhiambo",
        "source": "cli",
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["R1-03-001", "approved"], "name the rows, then the answer"),
        (["R1-03-999", "noted"], "R1-03-999 is not a row or remark of chapter 03, round R1"),
        (["nonsense", "noted"], "nonsense is not a row or remark id"),
    ],
)
def test_bad_answers_are_one_line_and_change_nothing(answered, cli, args, message) -> None:  # type: ignore[no-untyped-def]
    head = answered.repo.head.commit.hexsha
    code, out, err = cli("dispose", *args)
    assert code == 1 and out == "" and err.startswith("penholder: ") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert answered.repo.head.commit.hexsha == head


def test_import_refuses_a_consolidated_file_naming_matrix_import(answered, cli) -> None:  # type: ignore[no-untyped-def]
    path = Path(answered.root) / "consolidated/R1/03/consolidated.docx"
    code, _, err = cli("import", "03", str(path))
    assert code == 1 and "penholder matrix import 03 --round R1 consolidated.docx" in err
