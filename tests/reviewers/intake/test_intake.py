"""Returns in: verbatim storage, identification, quarantine, and nothing invented."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest

from drafts.ooxml.read.reader import read_annotations
from drafts.word.revision import render_revision
from drafts.workspace import Workspace
from reviewers.intake.identify import Claim
from reviewers.intake.ingest import ingest, sha256
from reviewers.intake.remarks import load_all
from reviewers.models import Round
from reviewers.rounds import lifecycle as rounds
from tests.conftest import DRAFTER, ROOT, soffice_or_skip

EXPERT = "nkosana-dlamini"


@pytest.fixture
def in_review(example_ws: Workspace) -> tuple[Workspace, Round]:
    who = example_ws.identity(DRAFTER)
    ewg = [p.id for p in example_ws.people if "ewg" in p.groups][:3]
    rnd = rounds.open_round(example_ws, ["03"], ewg, date(2024, 3, 22), who)
    return example_ws, rnd


def packet_for(ws: Workspace, rnd: Round, index: int, out: Path) -> tuple[Path, str]:
    item = rnd.items[index]
    path = render_revision(
        ws,
        item.chapter,
        item.revision,
        out,
        round_id=rnd.id,
        reviewer=ws.person(item.reviewer),
        packet=item.packet,
    )
    return path, item.packet


def rewrite(src: Path, out: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    """Copy a .docx, passing each part's bytes through ``edit(name, data)``."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = edit(info.filename, zin.read(info))
            if data is not None:
                zout.writestr(info, data)
    return out


def test_untouched_packet_is_stored_verbatim_and_yields_no_remarks(in_review, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws, rnd = in_review
    path, packet = packet_for(ws, rnd, 0, tmp_path / "back.docx")
    outcome = ingest(ws, path, ws.identity(DRAFTER))
    assert (outcome.status, outcome.packet, outcome.how, outcome.remarks) == (
        "recorded",
        packet,
        "properties",
        0,
    )
    stored = ws.committed(f"returns/{sha256(path.read_bytes())}.docx")
    assert stored == path.read_bytes()
    events = [c.value("Event") for c in ws.history()[-2:]]
    assert events == ["received", "return"]
    assert ws.dirty_paths() == []


def test_duplicate_is_refused_saying_when(in_review, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws, rnd = in_review
    path, packet = packet_for(ws, rnd, 0, tmp_path / "back.docx")
    ingest(ws, path, ws.identity(DRAFTER))
    head = ws.repo.head.commit.hexsha
    again = ingest(ws, path, ws.identity(DRAFTER))
    assert again.status == "duplicate"
    assert f"already received on 2024-03-04 12:00 as packet {packet}" in again.message
    assert ws.repo.head.commit.hexsha == head


def test_identified_by_footer_when_properties_are_lost(in_review, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws, rnd = in_review
    path, packet = packet_for(ws, rnd, 1, tmp_path / "sent.docx")
    stripped = rewrite(
        path,
        tmp_path / "back.docx",
        lambda name, data: None if name == "docProps/custom.xml" else data,
    )
    assert "penholder.packet" not in read_annotations(stripped).custom_properties
    outcome = ingest(ws, stripped, ws.identity(DRAFTER))
    assert (outcome.how, outcome.packet, outcome.remarks) == ("footer", packet, 0)


def test_identified_by_content_like_a_google_docs_export(in_review, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """No properties, no footer, no bookmarks: the text alone finds the chapter."""
    import re

    ws, rnd = in_review
    path, _ = packet_for(ws, rnd, 2, tmp_path / "sent.docx")

    def strip(name: str, data: bytes) -> bytes | None:
        if name == "docProps/custom.xml" or name.startswith("word/footer"):
            return None if name == "docProps/custom.xml" else re.sub(rb"Packet [^<]*", b"", data)
        if name == "word/document.xml":
            return re.sub(rb"<w:bookmark(Start|End)[^>]*/>", b"", data)
        return data

    bare = rewrite(path, tmp_path / "exported.docx", strip)
    refused = ingest(ws, bare, ws.identity(DRAFTER))
    assert refused.status == "quarantined"
    import re as regex

    score = regex.search(r"matches chapter 03 of round R1 \((\d+)% of its text", refused.message)
    assert score is not None and int(score.group(1)) >= 90, refused.message
    assert "pass --reviewer" in refused.message
    item = rnd.items[2]
    outcome = ingest(ws, bare, ws.identity(DRAFTER), Claim(reviewer=item.reviewer))
    assert (outcome.status, outcome.how, outcome.packet, outcome.remarks) == (
        "recorded",
        "content",
        item.packet,
        0,
    )
    assert ws.committed_files("quarantine") == []


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p: b"%PDF-1.4 not a word file", "is a PDF, not a .docx"),
        (lambda p: b"PK\x03\x04 truncated", ""),
        (lambda p: p.read_bytes()[: len(p.read_bytes()) // 2], ""),
    ],
    ids=["pdf", "broken-zip", "truncated"],
)
def test_bad_files_are_quarantined_and_nothing_else_changes(
    in_review, tmp_path, make, reason
) -> None:  # type: ignore[no-untyped-def]
    ws, rnd = in_review
    path, _ = packet_for(ws, rnd, 0, tmp_path / "sent.docx")
    bad = tmp_path / "returned.docx"
    bad.write_bytes(make(path))
    outcome = ingest(ws, bad, ws.identity(DRAFTER))
    assert outcome.status == "quarantined"
    assert outcome.message.startswith("returned.docx") and reason in outcome.message
    digest = sha256(bad.read_bytes())
    assert ws.committed(f"quarantine/{digest}.docx") == bad.read_bytes()
    assert ws.committed(f"returns/{digest}.docx") is None
    assert load_all(ws) == []
    assert ws.dirty_paths() == []


def _hostile(kind: str) -> bytes:
    from tests.helpers.hostile import (
        XXE,
        deflated_zeros,
        make_docx_member,
        replace_member,
        zip_with_raw_member,
    )
    from tests.helpers.reader_helpers import make_docx, p, r

    if kind == "zip-bomb":
        others = {n: make_docx_member(n) for n in ("[Content_Types].xml", "_rels/.rels")}
        return zip_with_raw_member("word/media/zeros.bin", deflated_zeros(64), 1 << 30, others)
    if kind == "macros":
        ct = "application/vnd.ms-word.document.macroEnabled.main+xml"
        return make_docx(p(r("x")), main_ct=ct, extra_files={"word/vbaProject.bin": b"\0" * 64})
    return replace_member(make_docx(p(r("x"))), "word/document.xml", XXE)


@pytest.mark.parametrize(
    ("kind", "reason"),
    [("zip-bomb", "zip bomb"), ("macros", "macro"), ("xxe", "DOCTYPE")],
)
def test_hostile_files_are_quarantined(in_review, tmp_path, kind, reason) -> None:  # type: ignore[no-untyped-def]
    ws, _ = in_review
    bad = tmp_path / f"{kind}.docx"
    bad.write_bytes(_hostile(kind))
    outcome = ingest(ws, bad, ws.identity(DRAFTER))
    assert outcome.status == "quarantined"
    assert outcome.message.startswith(f"{kind}.docx") and reason in outcome.message
    assert ws.committed(f"quarantine/{sha256(bad.read_bytes())}.docx") == bad.read_bytes()
    assert load_all(ws) == [] and ws.dirty_paths() == []


def test_a_stranger_matched_by_content_is_refused(in_review, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import re

    ws, rnd = in_review
    path, _ = packet_for(ws, rnd, 0, tmp_path / "sent.docx")
    bare = rewrite(
        path,
        tmp_path / "forwarded.docx",
        lambda n, d: None if n == "docProps/custom.xml" else re.sub(rb"Packet [^<]*", b"", d),
    )
    stranger = next(p.id for p in ws.people if p.id not in rnd.reviewers)
    outcome = ingest(ws, bare, ws.identity(DRAFTER), Claim(reviewer=stranger))
    assert outcome.status == "quarantined"
    assert f"{stranger} is not a reviewer of chapter 03 in round R1" in outcome.message


def test_unknown_packet_and_wrong_claims_are_refused(in_review, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws, rnd = in_review
    path, packet = packet_for(ws, rnd, 0, tmp_path / "sent.docx")
    forged = rewrite(
        path, tmp_path / "forged.docx", lambda n, d: d.replace(packet.encode(), b"R1-03-ZZZZ")
    )
    assert "no packet R1-03-ZZZZ in round R1" in ingest(ws, forged, ws.identity(DRAFTER)).message
    other = rnd.items[1].reviewer
    wrong = ingest(ws, path, ws.identity(DRAFTER), Claim(reviewer=other))
    assert wrong.status == "quarantined"
    assert f"sent to {rnd.items[0].reviewer}, not to {other} as claimed" in wrong.message
    assert ingest(ws, path, ws.identity(DRAFTER), Claim(chapter="04")).status == "quarantined"


def test_return_after_close_is_accepted_and_late(in_review, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws, rnd = in_review
    rounds.close_round(ws, rnd.id, ws.identity(DRAFTER), force=True)
    path, _ = packet_for(ws, rnd, 0, tmp_path / "back.docx")
    outcome = ingest(ws, path, ws.identity(DRAFTER))
    assert (outcome.status, outcome.late) == ("recorded", True)


@pytest.mark.slow
@pytest.mark.libreoffice
def test_libreoffice_resave_yields_no_remarks(in_review, tmp_path) -> None:  # type: ignore[no-untyped-def]
    soffice = soffice_or_skip()
    ws, rnd = in_review
    path, packet = packet_for(ws, rnd, 0, tmp_path / "sent" / "packet.docx")
    out = tmp_path / "resaved"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            "docx",
            "--outdir",
            str(out),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    resaved = out / "packet.docx"
    assert resaved.read_bytes() != path.read_bytes()
    outcome = ingest(ws, resaved, ws.identity(DRAFTER))
    assert (outcome.status, outcome.packet, outcome.remarks) == ("recorded", packet, 0)


@pytest.mark.parametrize(
    "point",
    ["intake:after-verbatim", "intake:after-read", "commit:before-git", "commit:before-git:return"],
)
def test_killed_intake_loses_nothing_and_finishes_once(in_review, tmp_path, point) -> None:  # type: ignore[no-untyped-def]
    ws, rnd = in_review
    path, packet = packet_for(ws, rnd, 0, tmp_path / "back.docx")
    code = (
        "import sys; from pathlib import Path; from flows.cli import main; "
        f"sys.exit(main(['return', 'add', {str(path)!r}, '-w', {str(ws.root)!r}, "
        f"'--as', {DRAFTER!r}]))"
    )
    env = {**__import__("os").environ, "PENHOLDER_FAULT": point}
    died = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True)
    assert died.returncode == 86, died.stderr
    digest = sha256(path.read_bytes())
    stored = f"returns/{digest}.docx"  # never lost: committed, or (killed mid-commit) on disk
    assert path.read_bytes() in (ws.committed(stored), (ws.root / stored).read_bytes())
    assert load_all(ws) == []  # no half-written remark set is visible
    env.pop("PENHOLDER_FAULT")
    again = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert again.returncode == 0, again.stderr
    assert [c.value("Packet") for c in ws.history() if c.value("Event") == "return"] == [packet]
    assert ws.dirty_paths() == []
    third = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert "already received" in third.stdout


def test_remarks_json_shape(in_review, tmp_path, cli) -> None:  # type: ignore[no-untyped-def]
    ws, rnd = in_review
    path, _ = packet_for(ws, rnd, 0, tmp_path / "back.docx")
    code, out, err = cli("return", "add", path, "-w", ws.root, "--as", DRAFTER, "--json")
    assert code == 0, err
    assert json.loads(out)["returns"][0]["status"] == "recorded"
    code, out, _ = cli("remarks", "03", "--round", "R1", "--json", "-w", ws.root)
    assert json.loads(out) == {"remarks": []}


def test_a_file_the_reader_chokes_on_is_kept_not_lost(in_review, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """An unforeseen failure while reading quarantines the file with the error, never crashes."""
    import reviewers.intake.ingest as intake

    ws, rnd = in_review
    path, _ = packet_for(ws, rnd, 0, tmp_path / "odd.docx")

    def choke(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(intake, "read_annotations", choke)
    outcome = ingest(ws, path, ws.identity(DRAFTER))
    assert outcome.status == "quarantined"
    assert "odd.docx could not be read (RecursionError" in outcome.message
    assert ws.committed(f"quarantine/{sha256(path.read_bytes())}.docx") == path.read_bytes()
    monkeypatch.undo()
    again = ingest(ws, path, ws.identity(DRAFTER))  # once fixed, the same file goes through
    assert again.status == "recorded" and ws.committed_files("quarantine") == []
