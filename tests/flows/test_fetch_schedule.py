"""The team setup fetches the mailbox on a schedule: ``prefect.yaml``'s ``fetch-inbox``
deployment names the real flow and a schedule Prefect accepts, and the flow, started with no
parameters as a schedule starts it, finds its workspace and actor in the worker's
environment."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from prefect.client.schemas.schedules import IntervalSchedule
from prefect.flows import load_flow_from_entrypoint

from drafts.workspace import Workspace
from flows.returns import fetch_inbox
from tests.conftest import DRAFTER, ROOT
from tests.helpers.mail import DOCX, deliver_maildir, reply, returned_file, round_sent


def test_prefect_yaml_schedules_inbox_fetch() -> None:
    config = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    (deployment,) = [d for d in config["deployments"] if d["name"] == "fetch-inbox"]
    path, name = deployment["entrypoint"].split(":")
    loaded = load_flow_from_entrypoint(f"{ROOT / path}:{name}")
    assert loaded.name == fetch_inbox.name == "fetch-inbox"
    (schedule,) = deployment["schedules"]
    every = IntervalSchedule(interval=timedelta(seconds=schedule["interval"]))
    assert timedelta(minutes=1) <= every.interval <= timedelta(hours=1)
    assert deployment["work_pool"]["name"] == "penholder"


@pytest.mark.slow
def test_a_scheduled_run_takes_its_workspace_from_the_environment(
    example_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = example_ws
    rnd = round_sent(ws)
    first = returned_file(ws, rnd, 0, tmp_path / "a.docx", comment="Source?")
    folder = tmp_path / "Maildir"
    deliver_maildir(folder, [reply(ws, rnd, rnd.items[0].reviewer, [("a.docx", first, DOCX)])])
    monkeypatch.chdir(tmp_path)  # not the workspace
    monkeypatch.setenv("PENHOLDER_WORKSPACE", str(ws.root))
    monkeypatch.setenv("PENHOLDER_AS", DRAFTER)
    fetched = fetch_inbox.fn(maildir=str(folder))
    assert [a.status for f in fetched for a in f.outcome.attachments] == ["recorded"]
    taken = [c for c in ws.history() if c.value("Event") == "return"]
    assert [c.value("Packet") for c in taken] == [rnd.items[0].packet]
    assert taken[0].email == ws.identity(DRAFTER).email
