"""The log the workspace reads its history from: the message penholder writes, the ``git log``
it runs and the parser of its output. Pure where it can be (the output built by hand, as git
writes it with ``-z``), and once through a real ``git log`` of a two-commit repository."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from drafts.core import safe
from drafts.history import commit_message, log_command, log_format, parse_log, parse_log_parents

NONCE = "5eed"
A, B, C = "a" * 40, "b" * 40, "c" * 40


def _commit(sha: str, parents: str, trailers: str, subject: str) -> str:
    """One commit as ``git log -z --format=log_format(NONCE)`` writes it (without the NUL that
    ends every commit but the last)."""
    fields = [sha, parents, "Amina Odhiambo", "amina@example.org", "2024-03-04T09:30:00+03:00"]
    return "".join(f"\0{NONCE}{f}" for f in [*fields, trailers, subject])


def test_the_format_asks_for_each_field_behind_nul_and_the_token_subject_last() -> None:
    assert log_format("T") == (
        "%x00T%H%x00T%P%x00T%an%x00T%ae%x00T%aI%x00T%(trailers:only,unfold)%x00T%s"
    )
    assert log_command("T", "HEAD~2..HEAD") == [
        "git", "log", "-z", "--topo-order", "--reverse", "--no-color",
        f"--format={log_format('T')}", "HEAD~2..HEAD", "--",
    ]  # fmt: skip


def test_records_keep_their_fields_parents_and_trailers_in_order() -> None:
    out = (
        _commit(A, "", "Event: init\nChapter: 01\n", "Start")
        + "\0"
        + _commit(B, f"{A} {C}", "Event: x\n  Chapter :  02 \nno colon here\nKey:a:b\n", "Merge")
    )
    (first, no_parent), (second, parents) = parse_log_parents(out, NONCE)
    assert no_parent == [] and parents == [A, C]
    assert (first.sha, first.author, first.email, first.subject) == (
        A,
        "Amina Odhiambo",
        "amina@example.org",
        "Start",
    )
    assert first.date == datetime(2024, 3, 4, 6, 30, tzinfo=UTC)
    assert first.date.utcoffset() == timezone(timedelta(hours=3)).utcoffset(None)
    assert first.trailers == (("Event", "init"), ("Chapter", "01"))
    assert second.subject == "Merge"  # the NUL ending the first commit is no part of a subject
    assert second.trailers == (("Event", "x"), ("Chapter", "02"), ("Key", "a:b"))
    assert parse_log(out, NONCE) == [first, second]


def test_a_line_that_only_another_separator_ends_is_one_trailer() -> None:
    # splitlines() would also end a line at 0x1C-0x1E and 0x85 and let a value forge "Stage"
    out = _commit(A, "", "Reason: late\x1eStage: final\x85Stage: final\n", "S")
    (record,) = parse_log(out, NONCE)
    assert record.values("Reason") == ["late\x1eStage: final\x85Stage: final"]
    assert record.values("Stage") == []


@pytest.mark.parametrize(
    "out",
    [
        "garbage" + _commit(A, "", "", "S"),  # something before the first field
        "XX" + _commit(A, "", "", "S"),
        _commit(A, "", "", "S") + f"\0{NONCE}extra",  # a field too many
        _commit(A, "", "", "S").rsplit(f"\0{NONCE}", 1)[0],  # a field too few
    ],
)
def test_output_not_in_the_format_asked_for_is_refused(out: str) -> None:
    with pytest.raises(ValueError, match=r"^git log output is not in the format asked for$"):
        parse_log_parents(out, NONCE)


def test_no_commit_and_a_trailing_nul_or_newline_are_nothing() -> None:
    assert parse_log_parents("", NONCE) == []
    assert parse_log_parents("\0\n", NONCE) == []
    assert len(parse_log_parents(_commit(A, "", "", "S") + "\0", NONCE)) == 1


def test_a_commit_message_is_subject_body_and_one_line_per_trailer_each_made_safe() -> None:
    message = commit_message(
        "  Receive re\x1eturn.docx \n",
        "\n first line\r\nsecond\x00 \n",
        [("Event", " return "), ("Chapter", 3), ("Ba d:Key\n", "v\nStage: final"), ("ä:", "x")],
    )
    assert message == (
        "Receive re\\x1eturn.docx\n\n"
        "first line\nsecond\\x00\n\n"
        "Event: return\n"
        "Chapter: 3\n"
        "BadKey: v\\x0aStage: final\n"
        "X: x\n"
    )
    assert commit_message("S", " \n ", [("Event", "e")]) == "S\n\nEvent: e\n"
    long = commit_message("s" * 1000, "", [])
    assert long == "s" * (safe.LINE_LIMIT - 1) + safe.ELLIPSIS + "\n\n"


def test_a_real_git_log_reads_back_what_was_committed(tmp_path: Path) -> None:
    env = {"GIT_AUTHOR_NAME": "Ana", "GIT_AUTHOR_EMAIL": "ana@example.org", "PATH": "/usr/bin:/bin"}
    env |= {"GIT_COMMITTER_NAME": "Ana", "GIT_COMMITTER_EMAIL": "ana@example.org", "HOME": "/x"}

    def git(*args: str) -> str:
        run = subprocess.run(["git", *args], cwd=tmp_path, env=env, capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        return run.stdout

    git("init", "-q", "-b", "main")
    for n in (1, 2):
        msg = commit_message(f"commit {n}", "body", [("Chapter", "01"), ("Revision", str(n))])
        git("commit", "-q", "--allow-empty", "-m", msg)
    run = subprocess.run(log_command("t0k3n"), cwd=tmp_path, env=env, capture_output=True)
    got = parse_log_parents(run.stdout.decode(), "t0k3n")
    assert [(r.subject, r.values("Revision")) for r, _ in got] == [
        ("commit 1", ["1"]),
        ("commit 2", ["2"]),
    ]  # oldest first
    assert got[0][1] == [] and got[1][1] == [got[0][0].sha]
    assert got[0][0].author == "Ana" and got[0][0].email == "ana@example.org"
