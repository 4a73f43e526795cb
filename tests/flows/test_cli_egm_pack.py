"""``penholder egm pack``: the paths and page count printed, and a refusal in one sentence."""

from __future__ import annotations

import pytest

from drafts import layout
from drafts.workspace import Workspace
from tests.conftest import DRAFTER, soffice_or_skip


def test_an_unknown_egm_is_one_sentence_and_no_commit(example_ws: Workspace, cli) -> None:  # type: ignore[no-untyped-def]
    before = len(example_ws.history())
    code, out, err = cli("egm", "pack", "EGM9", "-w", example_ws.root, "--as", DRAFTER)
    assert code == 1 and out == ""
    assert err.startswith("penholder: no EGM 'EGM9' in egms.yaml") and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert len(example_ws.history()) == before


@pytest.mark.slow
@pytest.mark.libreoffice
def test_the_pack_command_prints_its_files_and_pages(example_ws: Workspace, cli) -> None:  # type: ignore[no-untyped-def]
    soffice_or_skip()
    code, out, err = cli("egm", "pack", "EGM1", "-w", example_ws.root, "--as", DRAFTER)
    assert code == 0, err
    first, docx, pdf = out.strip().splitlines()
    assert first.startswith("EGM1 pack: ") and " pages, chapters 01, 02, 03, 0 matrices" in first
    assert (docx, pdf) == (layout.egm_pack("EGM1", ".docx"), layout.egm_pack("EGM1", ".pdf"))
    assert example_ws.committed(pdf) == (example_ws.root / pdf).read_bytes()
    assert example_ws.history()[-1].value("Event") == "egm-pack"
