"""Issue 19, points 4-6: limits before storage, special files, recovery, quarantine list/release."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from drafts import layout
from drafts.workspace import Workspace
from reviewers.intake.ingest import ingest, sha256
from reviewers.intake.remarks import load_all
from tests.conftest import DRAFTER, ROOT
from tests.reviewers.intake import test_intake as base

in_review = base.in_review  # the fixture: a round of chapter 03 open for three reviewers
packet_for = base.packet_for


def padded(src: Path, out: Path, size: int) -> Path:
    """A copy of ``src`` with an incompressible media part of ``size`` bytes."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info))
        zout.writestr("word/media/padding.bin", os.urandom(size))
    return out


def git_objects_kb(ws: Workspace) -> int:
    out = subprocess.run(
        ["du", "-sk", str(ws.root / ".git" / "objects")], capture_output=True, text=True
    ).stdout
    return int(out.split()[0])


def events(ws: Workspace, event: str) -> list[str]:
    return [c.subject for c in ws.history() if c.value("Event") == event]


def test_an_oversize_file_is_held_aside_never_committed(in_review, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    ws, rnd = in_review
    sent, _ = packet_for(ws, rnd, 0, tmp_path / "sent.docx")
    big = padded(sent, tmp_path / "big.docx", 3 * 1024 * 1024)
    monkeypatch.setenv("PENHOLDER_MAX_FILE_MB", "1")
    before = git_objects_kb(ws)
    outcome = ingest(ws, big, ws.identity(DRAFTER))
    digest = sha256(big.read_bytes())
    assert outcome.status == "quarantined" and "over the limit of 1 MB" in outcome.message
    assert "file_mb" in outcome.message and outcome.sha256 == digest
    assert (ws.root / layout.oversize(digest)).read_bytes() == big.read_bytes()
    assert ws.committed(layout.returned(digest)) is None
    assert ws.committed(layout.quarantined(digest)) is None
    note = ws.committed(layout.quarantine_note(digest)) or b""
    assert digest.encode() in note and b"file_mb" in note
    assert git_objects_kb(ws) - before < 1024  # git never stored the 3 MB
    assert ws.dirty_paths() == []  # quarantine/oversize/ is git-ignored
    again = ingest(ws, big, ws.identity(DRAFTER))
    assert again.status == "quarantined"
    assert len(events(ws, "quarantine")) == 1  # once: no second, empty commit


def test_node_and_part_limits_are_checked_before_storage(in_review, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    ws, rnd = in_review
    sent, _ = packet_for(ws, rnd, 0, tmp_path / "back.docx")
    monkeypatch.setenv("PENHOLDER_MAX_XML_NODES", "200")
    outcome = ingest(ws, sent, ws.identity(DRAFTER))
    assert outcome.status == "quarantined" and "more XML nodes than allowed" in outcome.message
    monkeypatch.delenv("PENHOLDER_MAX_XML_NODES")
    monkeypatch.setenv("PENHOLDER_MAX_PARTS", "3")
    assert "parts" in ingest(ws, sent, ws.identity(DRAFTER)).message
    assert events(ws, "received") == [] and events(ws, "return") == []


def test_guideline_yaml_sets_the_limits(example_ws: Workspace) -> None:
    from drafts import config

    text = (example_ws.root / layout.GUIDELINE).read_text() + "limits:\n  file_mb: 5\n"
    path = example_ws.root / layout.GUIDELINE
    path.write_text(text)
    assert config.load_guideline(path).limits.file_bytes == 5 * 1024 * 1024


@pytest.mark.parametrize("target", ["fifo", "/dev/zero", "/proc/self/mem"])
def test_special_files_are_refused_by_type_in_read_and_add(in_review, tmp_path, target) -> None:  # type: ignore[no-untyped-def]
    ws, _ = in_review
    if target == "fifo":
        target = str(tmp_path / "pipe.docx")
        os.mkfifo(target)
    env = {**os.environ, "PENHOLDER_ENGINE": "off"}
    for args in (["read", target], ["return", "add", target, "-w", str(ws.root), "--as", DRAFTER]):
        done = subprocess.run(
            [sys.executable, "-m", "flows.cli", *args],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert done.returncode == 1, done
        assert done.stderr.startswith("penholder: ") and "Traceback" not in done.stderr
        assert "not a saved document" in done.stderr
        assert done.stderr.count("\n") == 1
    assert ws.dirty_paths() == [] and events(ws, "received") == []


def test_an_empty_as_is_refused_not_read_as_gits_user(in_review, tmp_path, cli) -> None:  # type: ignore[no-untyped-def]
    ws, rnd = in_review
    sent, _ = packet_for(ws, rnd, 0, tmp_path / "back.docx")
    head = ws.head()
    code, _, err = cli("return", "add", sent, "-w", ws.root, "--as", "")
    assert code == 1 and err.startswith("penholder: --as (or PENHOLDER_AS) is empty")
    assert Workspace.open(ws.root).head() == head


def test_a_quarantined_file_is_listed_and_released_as_a_reviewers_return(
    in_review, tmp_path, cli, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    ws, rnd = in_review
    sent, packet = packet_for(ws, rnd, 0, tmp_path / "back.docx")
    monkeypatch.setenv("PENHOLDER_MAX_XML_NODES", "200")
    assert ingest(ws, sent, ws.identity(DRAFTER)).status == "quarantined"
    monkeypatch.delenv("PENHOLDER_MAX_XML_NODES")
    code, out, _ = cli("quarantine", "list", "--json", "-w", ws.root)
    [held] = json.loads(out)["held"]
    assert held["file"] == "back.docx" and "XML nodes" in held["reason"] and held["oversize"]
    code, out, _ = cli("quarantine", "list", "-w", ws.root)
    assert held["id"] in out and "XML nodes" in out
    other = rnd.items[1].reviewer
    code, _, err = cli(
        "quarantine", "release", held["id"], "--reviewer", other, "-w", ws.root, "--as", DRAFTER
    )
    assert code == 1 and "not to" in err  # its packet names another reviewer: never re-assigned
    reviewer = rnd.items[0].reviewer
    code, out, err = cli(
        "quarantine", "release", held["id"][:8], "--reviewer", reviewer, "--packet", packet,
        "-w", ws.root, "--as", DRAFTER,
    )  # fmt: skip
    assert code == 0, err
    assert "released from quarantine" in out
    ws = Workspace.open(ws.root)
    [done] = [c for c in ws.history() if c.value("Event") == "return"]
    assert done.value("Released-By") == ws.person(DRAFTER).name
    assert done.value("Packet") == packet
    assert ws.committed(layout.quarantine_note(held["sha256"])) is None
    assert not (ws.root / layout.oversize(held["sha256"])).exists()
    code, out, _ = cli("quarantine", "list", "-w", ws.root)
    assert "holds no file" in out and ws.dirty_paths() == []


def _add(ws: Workspace, path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    code = (
        "import sys; from flows.cli import main; "
        f"sys.exit(main(['return', 'add', {str(path)!r}, '-w', {str(ws.root)!r}, "
        f"'--as', {DRAFTER!r}]))"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**os.environ, **env},
        capture_output=True, text=True,
    )  # fmt: skip


def test_a_stale_index_lock_left_by_a_killed_writer_is_cleared(in_review, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws, rnd = in_review
    path, packet = packet_for(ws, rnd, 0, tmp_path / "back.docx")
    died = _add(ws, path, PENHOLDER_FAULT="commit:before-reset")
    assert died.returncode == 86
    (ws.root / ".git" / "index.lock").write_text("")  # as git killed with it leaves it
    again = _add(ws, path)
    assert again.returncode == 0, again.stderr
    assert "Traceback" not in again.stderr
    assert not (ws.root / ".git" / "index.lock").exists()
    ws = Workspace.open(ws.root)
    assert [c.value("Packet") for c in ws.history() if c.value("Event") == "return"] == [packet]
    assert ws.dirty_paths() == []
    assert subprocess.run(["git", "fsck", "--strict"], cwd=ws.root).returncode == 0


def test_a_running_gits_index_lock_is_refused_in_one_sentence(in_review, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws, rnd = in_review
    path, _ = packet_for(ws, rnd, 0, tmp_path / "back.docx")
    (ws.root / ".git" / "index.lock").write_text("")  # nothing of penholder's pending: git's
    refused = _add(ws, path)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert refused.stderr.startswith("penholder: .git/index.lock exists")
    assert (ws.root / ".git" / "index.lock").exists()  # not ours to remove
    assert Workspace.open(ws.root).dirty_paths() == []


def test_a_half_done_change_is_put_back_then_done_once(in_review, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Killed with the files of a commit written (a round-level file HEAD holds among them):
    the next run puts them back and finishes, with no "uncommitted edits" refusal."""
    ws, rnd = in_review
    record = layout.round_record(rnd.id)
    code = (
        "from drafts.workspace import Workspace; "
        f"ws = Workspace.open(__import__('pathlib').Path({str(ws.root)!r})); "
        f"ws.commit({{{record!r}: b'half written'}}, 'x', [('Event', 'x')], "
        f"ws.identity({DRAFTER!r}))"
    )
    env = {**os.environ, "PENHOLDER_FAULT": "commit:before-git"}
    died = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True)
    assert died.returncode == 86
    assert (ws.root / record).read_bytes() == b"half written"
    path, packet = packet_for(ws, rnd, 0, tmp_path / "back.docx")
    again = _add(ws, path)
    assert again.returncode == 0, again.stderr
    ws = Workspace.open(ws.root)
    assert (ws.root / record).read_bytes() == ws.committed(record)
    assert ws.dirty_paths() == [] and len(load_all(ws)) == 1


def test_read_checks_the_limits_before_parsing(tmp_path, cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from drafts.core.limits import Limits
    from tests.helpers.bigdocx import largest_admitted

    small = Limits(xml_nodes=3000, xml_mb=1)
    largest_admitted(tmp_path / "big.docx", small)
    monkeypatch.setenv("PENHOLDER_MAX_XML_NODES", "3000")
    code, out, err = cli("read", tmp_path / "big.docx")
    assert code == 0 and "0 comments" in out, err  # the largest file the limits admit is read
    monkeypatch.setenv("PENHOLDER_MAX_XML_NODES", "2000")
    import drafts.ooxml.read.reader as reader

    monkeypatch.setattr(reader, "read_annotations", lambda *a, **k: pytest.fail("parsed"))
    code, out, err = cli("read", tmp_path / "big.docx")
    assert code == 1 and "more XML nodes than allowed" in err and "xml_nodes" in err
    code, out, err = cli("read", tmp_path / "missing.docx")
    assert code == 1 and err.startswith("penholder: ") and "No such file" in err
