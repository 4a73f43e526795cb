"""The command line as drafters use it daily: common options anywhere, --version, round status
filters, owes, the remarks table, remind --dry-run, progress on a terminal only."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys

import pytest

from flows import demo_reviewers
from reviewers.models import ItemState
from reviewers.rounds import records
from reviewers.rounds.tracking import round_status
from tests.conftest import DRAFTER, ROOT

REVIEWERS = "kagiso-molefe,brian-otieno,chen-meiling"


@pytest.fixture
def chased(example_ws, cli, monkeypatch):  # type: ignore[no-untyped-def]
    """Round R1 on 02 and 03 for three experts; one returned 03 on time, one late."""
    ws = example_ws
    monkeypatch.setenv("PENHOLDER_AS", DRAFTER)
    monkeypatch.setenv("PENHOLDER_WORKSPACE", str(ws.root))
    args = ("round", "open", "--chapters", "02,03", "--reviewers", REVIEWERS)
    assert cli(*args, "--due", "2024-03-22")[0] == 0
    back = demo_reviewers.write_return(
        ws, "R1", "kagiso-molefe", "03", "thorough", ws.root / "a.docx"
    )
    assert cli("return", "add", str(back))[0] == 0
    monkeypatch.setenv("PENHOLDER_TODAY", "2024-03-25")
    late = demo_reviewers.write_return(ws, "R1", "brian-otieno", "03", "brief", ws.root / "b.docx")
    assert cli("return", "add", str(late))[0] == 0
    return ws


def test_version_names_the_tools(cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli("--version")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == [
        "penholder",
        "pandoc",
        "Prefect",
        "LibreOffice",
    ]


def test_common_options_before_or_after_the_command(chased, cli) -> None:  # type: ignore[no-untyped-def]
    root = str(chased.root)
    before = cli("-w", root, "--json", "round", "status", "R1")
    after = cli("round", "status", "R1", "--json", "-w", root)
    assert before[0] == after[0] == 0 and json.loads(before[1]) == json.loads(after[1])
    assert cli("--as", DRAFTER, "status")[0] == 0
    assert cli("status", "--as", DRAFTER, "--quiet", "--debug")[0] == 0
    assert "PENHOLDER_JSON" not in os.environ  # options last one command only


def test_round_status_filters_match_the_round_records(chased, cli) -> None:  # type: ignore[no-untyped-def]
    st = round_status(chased, "R1")

    def rows(*flags: str) -> list[dict]:  # type: ignore[type-arg]
        code, out, err = cli("round", "status", "R1", "--json", *flags)
        assert code == 0, err
        return json.loads(out)["items"]

    owed = [i for i in st.items if i.state in (ItemState.SENT, ItemState.LATE, ItemState.UNSENT)]
    assert len(rows("--missing")) == len(owed) == 4
    assert {r["state"] for r in rows("--late")} == {"late", "returned_late"}
    assert len(rows("--late")) == sum(1 for i in st.items if i.late)
    assert {r["reviewer"] for r in rows("--reviewer", "chen-meiling")} == {"chen-meiling"}
    assert {r["chapter"] for r in rows("--chapter", "02", "--missing")} == {"02"}
    code, out, err = cli("round", "status", "R1", "--reviewer", "nobody")
    assert code == 1 and err.startswith("penholder: no reviewer 'nobody' in round R1")
    assert "Traceback" not in err


def test_a_closed_round_says_when_it_closed_not_overdue(chased, cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("round", "close", "R1")[0] == 0
    code, out, _ = cli("round", "status", "R1")
    assert "closed on 2024-03-25, 1 returned late" in out and "overdue" not in out


def test_owes_totals_match_the_round_records(chased, cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli("owes", "--json")
    data = json.loads(out)
    rnd = records.load_round(chased, "R1")
    assert data["items"] == len(rnd.items) - 2  # two returns recorded
    by = {p["reviewer"]: p for p in data["owes"]}
    assert set(by) == {"brian-otieno", "chen-meiling", "kagiso-molefe"}
    assert (
        len(by["chen-meiling"]["items"]) == 2
        and by["chen-meiling"]["items"][0]["due"] == "2024-03-22"
    )
    assert by["chen-meiling"]["next_reminder"] == "2024-03-25"
    code, out, _ = cli("owes")
    assert "3 people owe 4 returns" in out


def test_remind_dry_run_says_who_and_why_and_sends_nothing(chased, cli) -> None:  # type: ignore[no-untyped-def]
    sent = records.load_sent(chased, "R1")
    code, out, _ = cli("round", "remind", "R1", "--dry-run")
    assert code == 0 and "3 days overdue" in out and "3 of 3 owing" in out
    assert records.load_sent(chased, "R1") == sent


def test_no_reminder_on_the_day_a_round_opens(example_ws, cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PENHOLDER_AS", DRAFTER)
    ws = str(example_ws.root)
    args = ("round", "open", "--chapters", "03", "--reviewers", "chen-meiling", "-w", ws)
    assert cli(*args, "--due", "2024-03-08")[0] == 0
    code, out, _ = cli("round", "remind", "R1", "-w", ws)
    assert code == 0 and "nothing to send" in out


def test_remarks_table_nests_replies_and_flags_without_python_quotes(chased, cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli("remarks", "03", "--round", "R1")
    assert code == 0
    assert "↳" in out and "late" in out
    assert "'' ->" not in out and "-> '" not in out
    code, out, _ = cli("remarks", "03", "--json")
    assert all("return" in r for r in json.loads(out)["remarks"])


def _on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run penholder with stderr on a pseudo-terminal; return what the terminal showed."""
    main, child = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", *args],
        stdout=subprocess.DEVNULL,
        stderr=child,
        env=env,
        cwd=ROOT,
    )
    os.close(child)
    chunks = []
    while True:
        try:
            data = os.read(main, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=300)
    os.close(main)
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_on_a_terminal_never_piped_nor_with_json(example_ws) -> None:  # type: ignore[no-untyped-def]
    env = dict(os.environ, PENHOLDER_AS=DRAFTER, PENHOLDER_WORKSPACE=str(example_ws.root))

    def open_on(chapter: str) -> list[str]:  # a long command: it builds one packet a reviewer
        return ["round", "open", "--chapters", chapter, "--reviewers", REVIEWERS,
                "--due", "2024-03-22"]  # fmt: skip

    shown = _on_a_terminal(open_on("03"), env)
    assert "building packets" in shown and "3/3" in shown
    piped = subprocess.run(
        [sys.executable, "-m", "flows.cli", *open_on("04")],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert piped.returncode == 0 and "building packets" not in piped.stderr
    quiet = _on_a_terminal([*open_on("05"), "--quiet"], env)
    assert "building packets" not in quiet and "━" not in quiet
    as_json = _on_a_terminal(["--json", *open_on("01")], env)
    assert "building packets" not in as_json and "━" not in as_json
    rounds = [c.value("Round") for c in example_ws.history() if c.value("Event") == "round-open"]
    assert len(rounds) == 4  # each of the four really ran


def test_the_daily_schedule_reminds_every_open_round_of_the_workers_workspace(chased) -> None:  # type: ignore[no-untyped-def]
    from flows.rounds import remind_open_rounds

    sent = records.load_sent(chased, "R1")
    done = remind_open_rounds.fn()  # the deployment's run: PENHOLDER_WORKSPACE, PENHOLDER_AS
    assert [d.round for d in done] == ["R1"]
    assert len(records.load_sent(chased, "R1").messages) > len(sent.messages)
    assert remind_open_rounds.fn()[0].sent == []  # never twice the same day
