"""Names cannot hurt (issue 19, point 2): every control character in a returned file's name, a
person's name or a reason reaches the history escaped, and a workspace that already holds a
commit with the old parser's separators (bytes 0x1E and 0x1F) keeps working."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from drafts.core import safe
from drafts.workspace import Actor, Workspace
from reviewers.intake.ingest import ingest
from reviewers.intake.store import quarantine, receive
from tests.conftest import DRAFTER

CONTROLS = [chr(c) for c in range(0x20)] + ["\x7f"]


def no_control(text: str) -> bool:
    return all(ch == "\n" or not (ord(ch) < 0x20 or ord(ch) == 0x7F) for ch in text)


@pytest.mark.parametrize("ch", CONTROLS, ids=lambda c: f"{ord(c):02x}")
def test_safe_escapes_each_control_character_and_bounds_length(ch: str) -> None:
    said = safe.line(f"re{ch}turn.docx")
    assert said == f"re\\x{ord(ch):02x}turn.docx"
    assert safe.is_safe_line(said) and not safe.is_safe_line(f"a{ch}b")
    body = safe.text(f"first{ch}\nsecond")
    assert body.endswith("\nsecond") and no_control(body)
    assert len(safe.line(ch * 1000)) == safe.LINE_LIMIT


def test_every_control_character_in_a_name_a_person_and_a_reason_reaches_history_escaped(
    example_ws: Workspace,
) -> None:
    ws = example_ws
    states = ws.states()
    for ch in CONTROLS:
        actor = Actor(f"Amina{ch}Odhiambo", f"amina{ch}@example.org")
        ws.commit(
            {},
            f"Receive re{ch}turn.docx",
            [("Event", "received"), ("Reason", f"late{ch}Stage: final"), ("Chapter", "03")],
            actor,
            body=f"File: re{ch}turn.docx{ch}\nChapter: 05\nStage: final",
        )
    fresh = Workspace(ws.root)
    made = fresh.history()[-len(CONTROLS) :]
    for ch, c in zip(CONTROLS, made, strict=True):
        code = f"\\x{ord(ch):02x}"
        assert c.subject == f"Receive re{code}turn.docx"
        assert c.author == f"Amina{code}Odhiambo"
        assert c.values("Reason") == [f"late{code}Stage: final"]
        assert c.values("Chapter") == ["03"] and c.values("Stage") == []  # nothing forged
    after = fresh.states()
    assert after["03"].stage == states["03"].stage and after.keys() == states.keys()
    assert fresh.summary() == Workspace(ws.root).summary()


def test_returned_files_named_with_every_control_character_are_taken_in_and_commands_work(
    example_ws: Workspace, tmp_path: Path, cli
) -> None:  # type: ignore[no-untyped-def]
    ws = example_ws
    actor = ws.identity(DRAFTER)
    inbox = tmp_path / "in"
    inbox.mkdir()
    for ch in CONTROLS:
        data = f"not a word file {ord(ch)}".encode()
        if ch == "\0":  # no file system allows NUL in a name: the name as a string, the same path
            name = "re\0turn.docx"
            quarantine(ws, data, safe.line(name), "unreadable", actor)
            receive(ws, data + b"!", name, actor)
            continue
        path = inbox / f"re{ch}turn.docx"
        path.write_bytes(data)
        outcome = ingest(ws, path, actor)
        assert outcome.status == "quarantined"
        assert no_control(outcome.message) and no_control(outcome.file)
    history = Workspace(ws.root).history()
    assert all(no_control(c.subject) for c in history)
    named = [c.subject for c in history if "re\\x1eturn.docx" in c.subject]
    assert named == ["Receive re\\x1eturn.docx", "Quarantine re\\x1eturn.docx"]
    assert_commands_work(ws, cli)


def assert_commands_work(ws: Workspace, cli) -> None:  # type: ignore[no-untyped-def]
    """Every read command answers, and a state change is recorded."""
    root = str(ws.root)
    for args in (
        ("status", "--json"),
        ("status",),
        ("chapter", "log", "03"),
        ("chapter", "log", "03", "--json"),
        ("chapter", "show", "03"),
        ("owes", "--json"),
        ("remarks", "03", "--json"),
    ):
        code, out, err = cli(*args, "--workspace", root)
        assert code == 0, (args, err)
    assert json.loads(cli("status", "--json", "--workspace", root)[1])["chapters"]
    path = ws.chapter_path("03")
    path.write_text(path.read_text() + "\nA paragraph added by hand.\n")
    code, _, err = cli(
        "chapter",
        "commit",
        "03",
        "-m",
        "after\x1ethe\x1fnames",
        "--as",
        DRAFTER,
        "--workspace",
        root,
    )
    assert code == 0, err
    last = Workspace(ws.root).history()[-1]
    assert last.subject == "after\\x1ethe\\x1fnames" and last.value("Event") == "new-revision"


def test_a_workspace_holding_commits_the_old_parser_split_on_keeps_working(
    example_ws: Workspace, cli
) -> None:  # type: ignore[no-untyped-def]
    """What today's main committed for a return named with 0x1E and 0x1F (a raw subject, the
    name in a trailer value and the body), made here with raw git."""
    root = example_ws.root
    env = {
        "GIT_AUTHOR_NAME": "Amina\x1fOdhiambo",
        "GIT_AUTHOR_EMAIL": "amina@example.org",
        "GIT_COMMITTER_NAME": "Amina Odhiambo",
        "GIT_COMMITTER_EMAIL": "amina@example.org",
        "PATH": "/usr/bin:/bin",
        "HOME": "/nonexistent",
    }
    (root / "returns").mkdir(exist_ok=True)
    for n, name in enumerate(("bad\x1ename.docx", "bad\x1fname.docx", "bad\x1e\x1f\x1e.docx")):
        rel = f"returns/{n:064x}.docx"
        (root / rel).write_bytes(b"junk %d" % n)
        message = (
            f"Receive {name}\n\nFile: {name}\x1e\x1f\n\n"
            f"Event: received\nReturn-File: {rel}\nNote: {name}\n"
        )
        subprocess.run(["git", "add", rel], cwd=root, env=env, check=True)
        subprocess.run(["git", "commit", "-q", "-m", message], cwd=root, env=env, check=True)
    stage = Workspace(root).state("03").stage
    forged = "Note: late\x1eStage: final\x85Stage: final\nChapter: 03\nEvent: received\n"
    subprocess.run(
        ["git", "commit", "-q", "--allow-empty", "-m", f"Note\n\n{forged}"],
        cwd=root,
        env=env,
        check=True,
    )
    ws = Workspace(root)
    assert ws.state("03").stage == stage  # no Stage trailer forged from inside a value
    last = ws.history()[-2]
    assert last.subject == "Receive bad\x1e\x1f\x1e.docx"  # read back as it is, not split
    assert last.value("Return-File") == "returns/" + f"{2:064x}.docx"
    assert last.value("Note") == "bad\x1e\x1f\x1e.docx"  # a value is not cut at 0x1E
    assert ws.history()[-4].author == "Amina\x1fOdhiambo"
    assert_commands_work(ws, cli)


@pytest.mark.parametrize(
    "name",
    ["egm/EGM1/01", "egm/E 1/01", "egm/../x", "a..b", "x.lock", ".x", "x/", "/x", "a@{b",
     "ok-name_1", "x~1", "a//b", "a:b", "a\\b", "e\x1e", "e\u2028", "@", "a/.b", "x."],
)  # fmt: skip
def test_a_tag_name_is_judged_as_git_judges_it(name: str, tmp_path: Path) -> None:
    """``safe.is_tag_name`` agrees with ``git check-ref-format`` (penholder refuses before git),
    and is stricter only about the Unicode line separators git lets through."""
    done = subprocess.run(
        ["git", "check-ref-format", f"refs/tags/{name}"], capture_output=True, check=False
    )
    assert safe.is_tag_name(name) == (done.returncode == 0 and safe.is_safe_line(name))
