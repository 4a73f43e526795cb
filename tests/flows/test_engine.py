"""The flows end to end on Prefect's engine (one temporary server for the module)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from drafts.workspace import Workspace
from tests.conftest import DRAFTER

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def engine() -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    saved = os.environ.pop("PENHOLDER_ENGINE", None)
    with prefect_test_harness(server_startup_timeout=60):
        yield
    if saved is not None:
        os.environ["PENHOLDER_ENGINE"] = saved


def test_flows_run_on_the_engine_and_stamp_their_run(engine: None, tmp_path: Path) -> None:
    from prefect.client.orchestration import get_client

    from flows import chapters as chapter_flows

    root = tmp_path / "ws"
    chapter_flows.init_workspace(root=str(root), example=True, who=DRAFTER)
    ws = Workspace.open(root)
    path = ws.chapter_path("05")
    path.write_text(path.read_text() + "\nA paragraph added on the engine.\n")
    chapter_flows.commit_revision(workspace=str(root), chapter="05", who=DRAFTER, message="Edit")
    chapter_flows.move_stage(workspace=str(root), chapter="01", target="ready_for_egm", who=DRAFTER)

    history = ws.history()
    run_ids = [c.value("Prefect-Run") for c in history[-2:]]
    assert all(run_ids)
    with get_client(sync_client=True) as client:
        runs = [client.read_flow_run(rid) for rid in run_ids]  # type: ignore[arg-type]
    assert [r.state.type.value for r in runs] == ["COMPLETED", "COMPLETED"]  # type: ignore[union-attr]
    assert ws.state("05").revision == 2
    assert ws.state("01").stage.value == "ready_for_egm"


def test_a_refusal_fails_the_flow_run_and_commits_nothing(engine: None, tmp_path: Path) -> None:
    from drafts.core.errors import StageRefused
    from flows import chapters as chapter_flows

    root = tmp_path / "ws"
    chapter_flows.init_workspace(root=str(root), example=True, who=DRAFTER)
    ws = Workspace.open(root)
    head = ws.repo.head.commit.hexsha
    with pytest.raises(StageRefused, match="cannot move from drafting to signed_off"):
        chapter_flows.move_stage(
            workspace=str(root), chapter="02", target="signed_off", who=DRAFTER
        )
    assert ws.repo.head.commit.hexsha == head


def test_round_returns_and_consolidation_run_on_the_engine(engine: None, tmp_path: Path) -> None:
    from flows import chapters as chapter_flows
    from flows import consolidate as consolidate_flows
    from flows import returns as return_flows
    from flows import rounds as round_flows

    root = tmp_path / "ws"
    chapter_flows.init_workspace(root=str(root), example=True, who=DRAFTER)
    ws = Workspace.open(root)
    bureau = [p.id for p in ws.people if "bureau" in p.groups]
    round_flows.open_round(
        workspace=str(root), chapters=["03"], reviewers=bureau, due="2024-03-22", who=DRAFTER
    )
    packet = next((root / "outbox" / "R1" / "packets" / bureau[0]).glob("Chapter 03 (*.docx"))
    outcomes = return_flows.add_returns(workspace=str(root), files=[str(packet)], who=DRAFTER)
    assert outcomes.outcomes[0].status == "recorded"
    done = consolidate_flows.consolidate_chapter(
        workspace=str(root), chapter="03", round_id="R1", who=DRAFTER
    )
    assert (root / done.xlsx).is_file()
    last = ws.history()[-3:]
    assert [c.value("Event") for c in last] == ["received", "return", "consolidate"]
    assert all(c.value("Prefect-Run") for c in last)  # every commit names the run that made it


def test_a_refusal_on_the_engine_is_one_sentence_without_traceback(
    engine: None, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    from flows import chapters as chapter_flows
    from flows.cli import main

    root = tmp_path / "ws"
    chapter_flows.init_workspace(root=str(root), example=True, who=DRAFTER)
    capfd.readouterr()
    code = main(["chapter", "stage", "02", "--to", "signed_off", "-w", str(root), "--as", DRAFTER])
    err = capfd.readouterr().err
    assert code == 1
    assert err.startswith("penholder: chapter 02 cannot move from drafting to signed_off")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_debug_shows_the_traceback_a_refusal_hides(
    engine: None, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    from flows import chapters as chapter_flows
    from flows.cli import main

    root = tmp_path / "ws"
    chapter_flows.init_workspace(root=str(root), example=True, who=DRAFTER)
    capfd.readouterr()
    os.environ["PENHOLDER_DEBUG"] = "1"
    try:  # --debug: the traceback of the refusal, then its one sentence
        code = main(["chapter", "commit", "05", "-w", str(root), "--as", DRAFTER, "--debug"])
    finally:
        os.environ.pop("PENHOLDER_DEBUG")
    err = capfd.readouterr().err
    assert code == 1
    assert "Traceback" in err and err.splitlines()[-1].startswith("penholder: nothing to record")


def test_a_run_the_cli_carries_sends_no_heartbeats_unless_asked(
    engine: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect import flow
    from prefect.settings import get_current_settings

    from flows.engine import run_flow

    @flow(name="heartbeat-frequency")
    def frequency() -> int | None:
        return get_current_settings().flows.heartbeat_frequency

    monkeypatch.delenv("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", raising=False)
    monkeypatch.delenv("PREFECT_RUNNER_HEARTBEAT_FREQUENCY", raising=False)
    assert frequency() is not None  # Prefect's default, as a worker's run has it
    assert run_flow(frequency) is None
    monkeypatch.setenv("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", "60")  # the user's wins
    assert run_flow(frequency) is not None
