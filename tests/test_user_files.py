"""A workspace is a place people work in: their files neither block a command nor get committed.

Every state change commits exactly the paths it wrote (``Workspace.commit``); the one refusal
left protects uncommitted edits of a file a command would overwrite.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from drafts.workspace import Workspace
from flows import demo_reviewers
from tests.conftest import DRAFTER

pytestmark = pytest.mark.slow

#: what a user keeps in a workspace: untracked (a .docx, notes, office lock files) and ignored
USER_FILES = {
    "ch03-comments-from-my-boss.docx": b"PK\x03\x04 not really a docx",
    "notes/call-kagiso.md": b"Ask about the glossary.\n",
    "notes/ideas/box-3.2.txt": b"A box on sign language interpretation.\n",
    "~$matrix.xlsx": b"\x0aAmina Odhiambo",
    ".~lock.ch03.docx#": b"Amina,host,2024-03-04",
    "out/03-r1.docx": b"an earlier render",
    "inbox/~$turned.docx": b"\x0aAmina Odhiambo",
}
STAGED = "notes/staged-by-me.txt"
#: the only folders penholder writes into (outbox/ and out/ are git-ignored)
OWN = ("chapters/", "blocks/", "rounds/", "returns/", "remarks/", "consolidated/", "quarantine/")


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True
    ).stdout


def committed_since(root: Path, base: str) -> list[str]:
    """Every path any commit after ``base`` changed."""
    return sorted(set(git(root, "log", "--name-only", "--format=", f"{base}..HEAD").split()))


def test_user_files_neither_block_nor_get_committed(
    example_ws: Workspace, cli, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    ws = example_ws
    root = ws.root
    monkeypatch.chdir(root)
    monkeypatch.setenv("PENHOLDER_AS", DRAFTER)
    for rel, data in USER_FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    (root / STAGED).write_text("staged, not for penholder to commit\n")
    git(root, "add", STAGED)
    base = git(root, "rev-parse", "HEAD").strip()

    def ok(*args: str) -> str:
        code, out, err = cli(*args)
        assert code == 0, f"penholder {' '.join(args)}: {err}"
        return out

    chapter = ws.chapter_path("03")
    chapter.write_text(chapter.read_text() + "\nA sentence typed by hand.\n")
    ok("chapter", "commit", "03", "-m", "Add a sentence")
    ok("chapter", "stage", "01", "--to", "ready_for_egm")
    ok("chapter", "new", "A1", "--title", "Annex")
    ok("render", "03", "-o", "ch03.docx")
    demo_reviewers.write_edit(ws, root / "ch03.docx", root / "edited.docx", DRAFTER)
    ok("import", "03", "edited.docx")
    reviewers = "kagiso-molefe,brian-otieno,chen-meiling"
    ok("round", "open", "--chapters", "02,03", "--reviewers", reviewers, "--due", "2024-03-22")
    ok("round", "add-reviewer", "R1", "kenji-watanabe")
    ok("round", "due", "R1", "2024-03-29")
    ok("round", "excuse", "R1", "chen-meiling", "--chapter", "02")
    ok("round", "remind", "R1")
    ok("round", "send", "R1")
    demo_reviewers.write_return(ws, "R1", "kagiso-molefe", "03", "thorough", root / "back.docx")
    ok("return", "add", "back.docx")
    demo_reviewers.write_return(ws, "R1", "brian-otieno", "03", "quiet", root / "inbox" / "b.docx")
    assert "b.docx" in ok("inbox", "scan")
    assert (root / "inbox" / "~$turned.docx").read_bytes() == USER_FILES["inbox/~$turned.docx"]
    ok("round", "close", "R1", "--force")
    ok("consolidate", "03", "--round", "R1")
    (root / "consolidated/R1/03/~$matrix.xlsx").write_bytes(b"\x0aAmina Odhiambo")  # Excel's lock
    late = demo_reviewers.write_return(ws, "R1", "kenji-watanabe", "03", "brief", root / "k.docx")
    ok("return", "add", str(late))
    ok("consolidate", "03", "--round", "R1")  # again, with the matrix open in Excel

    changed = committed_since(root, base)
    assert changed and all(p.startswith(OWN) for p in changed), changed
    tracked = git(root, "ls-files").split()
    for rel, data in USER_FILES.items():
        assert (root / rel).read_bytes() == data, rel
        assert rel not in tracked, rel
    assert git(root, "diff", "--cached", "--name-only").split() == [STAGED]  # still only staged
    assert STAGED not in git(root, "ls-tree", "-r", "--name-only", "HEAD").split()
    status = {line[3:] for line in git(root, "status", "--porcelain", "-uall").splitlines()}
    assert status == {  # lock files, out/ and inbox/ are git-ignored; the rest is the user's
        "ch03-comments-from-my-boss.docx",
        "notes/call-kagiso.md",
        "notes/ideas/box-3.2.txt",
        STAGED,
        "ch03.docx",
        "edited.docx",
        "back.docx",
        "k.docx",
    }


def test_a_hand_edited_matrix_refuses_a_consolidation_that_would_overwrite_it(
    example_ws: Workspace, cli, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    ws = example_ws
    monkeypatch.chdir(ws.root)
    monkeypatch.setenv("PENHOLDER_AS", DRAFTER)
    assert (
        cli(
            "round",
            "open",
            "--chapters",
            "03",
            "--reviewers",
            "kagiso-molefe",
            "--due",
            "2024-03-22",
        )[0]
        == 0
    )
    back = demo_reviewers.write_return(ws, "R1", "kagiso-molefe", "03", "brief", ws.root / "b.docx")
    assert cli("return", "add", back)[0] == 0
    assert cli("consolidate", "03", "--round", "R1")[0] == 0
    matrix = ws.root / "consolidated/R1/03/matrix.xlsx"
    matrix.write_bytes(matrix.read_bytes() + b"dispositions typed in")
    head = git(ws.root, "rev-parse", "HEAD")
    code, out, err = cli("consolidate", "03", "--round", "R1")
    assert (code, out) == (1, "")
    assert err == (
        "penholder: consolidated/R1/03/matrix.xlsx was edited and its answers are not imported "
        "yet; import them with `penholder matrix import 03 --round R1 "
        "consolidated/R1/03/matrix.xlsx` first, or consolidate with --discard-edits to drop the "
        "edits\n"
    )
    assert git(ws.root, "rev-parse", "HEAD") == head
    assert matrix.read_bytes().endswith(b"dispositions typed in")


def test_a_hand_edited_chapter_refuses_an_import_naming_it(example_ws: Workspace) -> None:
    """Through the installed console script on Prefect's engine, as a user runs it."""
    ws = example_ws
    root = ws.root
    out = root / "ch03.docx"
    from drafts.word.revision import render_revision

    render_revision(ws, "03", None, out)
    demo_reviewers.write_edit(ws, out, root / "edited.docx", DRAFTER)
    chapter = ws.chapter_path("03")
    edited = chapter.read_text() + "\nA sentence typed by hand, not recorded yet.\n"
    chapter.write_text(edited)
    head = git(root, "rev-parse", "HEAD")
    before = git(root, "status", "--porcelain", "-uall")
    env = {k: v for k, v in os.environ.items() if k != "PENHOLDER_ENGINE"}  # the real engine
    done = subprocess.run(
        [str(Path(sys.executable).parent / "penholder"), "import", "03", "edited.docx"],
        cwd=root,
        env=env | {"PENHOLDER_AS": DRAFTER},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr == (
        "penholder: chapters/03.md has uncommitted edits that this command would overwrite; "
        "record them with `penholder chapter commit 03` or discard them with "
        "`git checkout -- chapters/03.md`, then run the command again\n"
    )
    assert git(root, "rev-parse", "HEAD") == head
    assert git(root, "status", "--porcelain", "-uall") == before
    assert chapter.read_text() == edited
