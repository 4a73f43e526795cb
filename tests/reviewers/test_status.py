"""Status from the workspace alone: stage, round, returns, remarks, conflicts, days to the EGM."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from drafts.workspace import Workspace
from reviewers.consolidate.build import consolidate
from reviewers.decide.models import Answer
from reviewers.decide.store import load_matrix, record_answers
from reviewers.egm.gate import check
from reviewers.rounds import lifecycle as rounds
from reviewers.status import build_status
from tests.conftest import DRAFTER
from tests.helpers.log_spy import log_calls
from tests.helpers.returns import plain_return


def test_status_counts_returns_and_remarks(example_ws: Workspace, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    ws = example_ws
    ewg = [p.id for p in ws.people if "ewg" in p.groups][:3]
    rnd = rounds.open_round(ws, ["03"], ewg, date(2024, 3, 22), ws.identity(DRAFTER))
    plain_return(ws, tmp_path, "R1", rnd.items[0].reviewer, "03")
    code, out, _ = cli("status", "--json", "-w", ws.root)
    ch = {c["id"]: c for c in json.loads(out)["chapters"]}["03"]
    assert (ch["stage"], ch["round"], ch["returns_in"], ch["returns_expected"]) == (
        "in_review",
        "R1",
        1,
        3,
    )
    assert ch["remarks"] == 0 and ch["next_egm"] == "EGM1" and ch["days_to_egm"] == 50


def test_status_reads_the_history_a_bounded_number_of_times(
    example_ws: Workspace, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Status stays cheap on a long history: one ``git log`` when nothing is kept (the history
    replayed once, not once per round or per commit), none on a HEAD whose replay is kept."""
    import shutil

    from drafts import layout

    ws = example_ws
    rounds.open_round(ws, ["03"], ["ewg"], date(2024, 3, 22), ws.identity(DRAFTER))
    for n in range(60):
        ws.commit(
            {"notes.txt": f"{n}".encode()}, f"note {n}", [("Event", "note")], ws.identity(DRAFTER)
        )
    calls = log_calls(monkeypatch)
    shutil.rmtree((ws.git_dir / layout.history_cache()).parent)  # nothing kept: a full replay
    status = build_status(Workspace(ws.root))
    assert len(status.chapters) == 6
    assert len(calls) == 1, f"git log ran {len(calls)} times"
    assert build_status(Workspace(ws.root)) == status
    assert len(calls) == 1, "the kept replay was not used"


@pytest.fixture
def two_rounds(returned, tmp_path: Path, monkeypatch):  # type: ignore[no-untyped-def]
    """R1 on 03 (4 experts, 3 returned with remarks) closed, consolidated (2 conflicts), two rows
    answered (accepted, noted); R2 opened on 03 for two others, one of whom returned; then the
    fourth R1 expert's late return, after R2 opened."""
    ws, rnd, *_ = returned
    who = ws.identity(DRAFTER)
    rounds.close_round(ws, "R1", who, force=True)
    consolidate(ws, "03", "R1", who)
    matrix = load_matrix(ws, "03", "R1")
    plain = [r.id for r in matrix.rows if "conflict" not in r.flags]
    answers = [
        Answer(row=plain[0], disposition="accepted"),
        Answer(row=plain[1], disposition="noted"),
    ]
    record_answers(ws, "03", "R1", answers, who)
    monkeypatch.setenv("PENHOLDER_TODAY", "2024-04-02")
    late_expert = rnd.items[3].reviewer if rnd.items[3].chapter == "03" else None
    bureau = [p.id for p in ws.people if "bureau" in p.groups][:2]
    rounds.open_round(ws, ["03"], bureau, date(2024, 4, 12), who, force_reason="test")
    plain_return(ws, tmp_path, "R2", bureau[0], "03")
    assert late_expert is not None
    plain_return(ws, tmp_path, "R1", late_expert, "03")
    monkeypatch.setenv("PENHOLDER_TODAY", "2024-04-15")
    return ws, matrix, bureau, late_expert


def test_the_builder_counts_every_round_not_closed_out(two_rounds, cli) -> None:  # type: ignore[no-untyped-def]
    """The demo's bugs, on a fixture: conflicts of R1 shown although R2 is current, the late R1
    return shown beside R2's returns, rows and remarks per round, the gate's sentence."""
    ws, matrix, bureau, late_expert = two_rounds
    code, out, _ = cli("status", "--json", "-w", ws.root)
    assert code == 0
    data = json.loads(out)
    ch = {c["id"]: c for c in data["chapters"]}["03"]
    rows, conflicts = len(matrix.rows), sum("conflict" in r.flags for r in matrix.rows)
    assert conflicts == 2
    assert (ch["round"], ch["returns_in"], ch["returns_expected"]) == ("R2", 1, 2)
    assert ch["returns_missing"] == [bureau[1]]
    assert [(c["reviewer"], c["state"]) for c in ch["returns"]] == [
        (bureau[0], "returned"),
        (bureau[1], "not sent"),  # opened in the domain: no packet left
    ]
    assert [(r["round"], r["reviewer"], r["remarks"]) for r in ch["late_returns"]] == [
        ("R1", late_expert, 0)
    ]
    assert ch["conflicts"] == 2  # every round not closed out, not only the current one
    assert ch["rows_open"] == rows - 2
    r1, r2 = ch["rounds"]
    assert (r1["round"], r1["open"], r1["consolidated"], r1["rows"]) == ("R1", False, True, rows)
    assert (r1["unanswered"], r1["conflicts"]) == (rows - 2, 2)
    assert r1["answered"] == {"accepted": 1, "noted": 1}
    assert r1["remarks"] == sum(len(r.remarks) for r in matrix.rows)
    assert (r2["round"], r2["open"], r2["consolidated"], r2["rows"]) == ("R2", True, False, 0)
    assert ch["remarks"] == r1["remarks"]  # the rounds not closed out, as rows are
    blocking = ch["blocking"]
    assert len(blocking) == rows - 2 and [b["conflict"] for b in blocking[:2]] == [True, True]
    assert {b["round"] for b in blocking} == {"R1"} and all(b["earlier_round"] for b in blocking)
    assert {b["age"] for b in blocking} == {(date(2024, 4, 15) - date(2024, 3, 4)).days}
    assert (ch["next_egm"], ch["days_to_egm"], ch["on_agenda"]) == ("EGM1", 8, True)
    gate = check(ws, "EGM1")
    sentences = {c["id"]: c["sentence"] for c in data["chapters"]}
    assert [c.sentence() for c in gate.chapters] == [sentences[c] for c in data["agenda"]]
    assert (
        ch["blockers"][-1] == f"2 conflicts unresolved ({blocking[0]['id']}, {blocking[1]['id']})"
    )
    assert data["days_to_egm"] == 8 and data["agenda"] == ["01", "02", "03"]
    assert data["ready"] == 0 and [o["reviewer"] for o in data["owing"]] == [bureau[1]]


def test_status_reads_the_ledger_kept_per_head_and_agrees_with_a_full_replay(
    two_rounds, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Status on a HEAD that extends the kept one reads only the new commits (the ledger keeps
    the returns, closes and consolidations), and equals the status of a full replay, whatever
    became of the ledger's file."""
    from drafts import layout

    ws, *_ = two_rounds
    Workspace(ws.root).ledger()  # kept on disk at this HEAD
    for n in range(3):
        ws.commit(
            {"notes.txt": f"{n}".encode()}, f"note {n}", [("Event", "note")], ws.identity(DRAFTER)
        )
    asked = log_calls(monkeypatch)
    fresh = Workspace(ws.root)
    kept = build_status(fresh)
    assert all(any(a.startswith("--max-count=") for a in args) for args in asked), asked
    file = ws.root / ".git" / layout.history_ledger()
    for spoil in ("missing", "corrupt", "other head"):
        if spoil == "missing":
            file.unlink()
        elif spoil == "corrupt":
            file.write_text('{"key": "')
        else:  # a ledger of another HEAD that this one does not extend: replayed in full
            data = json.loads(file.read_text())
            data["ledger"]["head"] = "0" * 40
            file.write_text(json.dumps(data))
        assert build_status(Workspace(ws.root)) == kept
    assert [c.value("Event") for c in fresh.history() if c.value("Event") == "return"]
