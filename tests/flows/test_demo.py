"""``make demo`` end to end: the README's first command tells the whole story without failing."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from drafts.workspace import Workspace
from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def test_demo_runs_the_whole_story(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PENHOLDER_ENGINE", "PENHOLDER_TODAY")}
    env |= {"PENHOLDER_DEMO_DIR": str(tmp_path), "PREFECT_HOME": str(tmp_path / "prefect")}
    done = subprocess.run(
        [sys.executable, "-m", "flows.demo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = done.stdout
    root = tmp_path / "smart-cities"
    assert f"workspace: {root}" in out
    for path in (
        "consolidated/R1/03/consolidated.docx",
        "consolidated/R1/03/matrix.xlsx",
        "consolidated/R2/03/matrix.xlsx",
    ):
        assert str(root / path) in out and (root / path).is_file()
    assert re.search(r"\(0 in conflict, [1-9]\d* no longer apply\)", out)  # old draft, rebased
    ws = Workspace.open(root)
    assert ws.dirty_paths() == []
    runs = [c.value("Prefect-Run") for c in ws.history() if c.value("Event") == "return"]
    assert runs and all(runs)  # made by flows on the real engine
    assert ws.state("03").revision == 3 and ws.state("03").stage.value == "consolidating"
    revise = next(c for c in ws.history() if c.value("Event") == "revise")
    assert revise.value("Revision") == "3" and revise.values("Resolves")  # answered, applied
    assert "rows answered" in out and ws.committed("dispositions/R1/03.json") is not None
    letters = ws.committed_files("letters/R1/03")
    assert letters and all(p.endswith(".docx") for p in letters)
    assert "R1-03-" in out and "-> accepted (matrix.xlsx)" in out
    assert ws.state("01").stage.value == "signed_off"
    assert "egm/EGM1/01" in [t.name for t in ws.repo.tags]
    # 01 was first returned with conditions, met in revision 2, then approved; each decision
    # reached the flow run that waited for it
    decisions = [c for c in ws.history() if c.value("Event") == "signoff"]
    assert [c.value("Decision") for c in decisions] == ["return", "approve"]
    for c in decisions:
        asked = next(a for a in ws.history() if a.sha == c.value("Request"))
        assert c.value("Prefect-Run") == asked.value("Prefect-Run")
    assert ws.state("01").signed_revision == 2
    assert "outcome: returned by nadia-haddad" in out
    assert "EGM1-01-002: open -> accepted" in out
    assert "final once signed off at EGM3" in done.stderr
    # a PDF dropped in inbox/ is held with its reason; a reply by e-mail is fetched and read
    assert re.search(r"site-visit-photos\.pdf is a PDF, not a \.docx", out)
    assert [h["file"] for h in _held(root)] == ["site-visit-photos.pdf"]
    fetched = [c for c in ws.history() if c.value("Event") == "mail" and c.value("Mail-Key")]
    assert len(fetched) == 1
    kept = fetched[0].value("Return-File")
    read = [c for c in ws.history() if c.value("Event") == "return"]
    assert [c.value("Chapter") for c in read if c.value("Return-File") == kept] == ["03"]


def _held(root: Path) -> list[dict[str, str]]:
    import yaml

    return [yaml.safe_load(p.read_text()) for p in sorted((root / "quarantine").glob("*.yaml"))]
