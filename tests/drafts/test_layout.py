"""One module owns the workspace layout: its paths, and no other module spelling them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from drafts import layout
from tests.conftest import ROOT


def test_paths_under_a_workspace() -> None:
    assert layout.chapter("03") == "chapters/03.md"
    assert layout.block_map("03", 12) == "blocks/03/r0012.json"
    assert layout.round_record("R2") == "rounds/R2/round.yaml"
    assert layout.sent_log("R2") == "rounds/R2/sent.yaml"
    assert layout.returned("ab" * 32) == f"returns/{'ab' * 32}.docx"
    assert layout.quarantined("cd") == "quarantine/cd.docx"
    assert layout.quarantine_note("cd") == "quarantine/cd.yaml"
    assert layout.remarks("R1", "03", "0123456789abcdef") == "remarks/R1/03/0123456789ab.json"
    assert layout.remarks(None, "03", "0123456789abcdef") == "remarks/none/03/0123456789ab.json"
    assert layout.matrix_json("R1", "03") == "consolidated/R1/03/matrix.json"
    assert layout.renders("R1") == "outbox/R1/renders"
    assert layout.packet_folder("R1", "ana") == "outbox/R1/packets/ana"
    assert layout.mail_folder("R1", "unsent") == "outbox/R1/unsent"
    assert set(layout.IGNORED) == {"inbox/", "outbox/", "out/", "quarantine/oversize/"}
    assert layout.chapter_of("chapters/03.md") == "03"
    assert layout.chapter_of("chapters/notes/03.md") is None
    assert layout.chapter_of("blocks/03/r0001.json") is None


FOLDERS = ("chapters", "blocks", "rounds", "returns", "quarantine", "remarks", "consolidated")
_NAMES = "|".join(FOLDERS)
SPELLED = re.compile(
    rf"""["'](?:{_NAMES})/|/ ["'](?:{_NAMES}|inbox|outbox)["']|["'](?:people|egms|guideline)\.yaml["']"""
)


@pytest.mark.parametrize("package", ["drafts", "reviewers", "flows"])
def test_no_other_module_spells_a_workspace_path(package: str) -> None:
    offenders = []
    for path in sorted((ROOT / package).rglob("*.py")):
        if path == ROOT / "drafts" / "layout.py":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            code = line.split("#", 1)[0]
            if SPELLED.search(code) and '"""' not in code and "``" not in code:
                offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not offenders, "ask drafts.layout instead:\n" + "\n".join(offenders)


def test_the_guard_catches_a_path_spelled_by_hand(tmp_path: Path) -> None:
    assert SPELLED.search('stored = f"returns/{digest}.docx"')
    assert SPELLED.search('inbox = ws.root / "inbox"')
    assert not SPELLED.search("stored = layout.returned(digest)")
