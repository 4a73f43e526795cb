"""Review rounds on real example workspaces: open, change, track, close, and every refusal."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time, timedelta

import pytest

from drafts import chapters
from drafts.core.errors import NotFound, StageRefused
from drafts.models import Stage
from drafts.workspace import Workspace
from reviewers.models import (
    PACKET_ALPHABET,
    PACKET_ID,
    ItemState,
    MessageKind,
    ReturnRecord,
    Round,
    RoundItem,
    SentMessage,
    is_packet_id,
)
from reviewers.rounds import lifecycle as rounds
from reviewers.rounds import records, tracking
from tests.conftest import DRAFTER

DUE = date(2024, 3, 22)
EXPERTS = ["lucia-hernandez", "chen-meiling"]


def actor(ws: Workspace):  # type: ignore[no-untyped-def]
    return ws.identity(DRAFTER)


def open_r1(ws: Workspace, reviewers: list[str] | None = None) -> rounds.Round:
    return rounds.open_round(ws, ["03", "04"], reviewers or EXPERTS, DUE, actor(ws))


def record_return(ws: Workspace, packet: str, received: str | None = None) -> str:
    """Write what intake writes to mark an item returned: one commit with Event: return."""
    trailers = [("Event", "return"), ("Packet", packet)]
    trailers += [("Return-File", f"returns/{packet}.docx")]
    if received:
        trailers.append(("Received", received))
    return ws.commit({f"returns/{packet}.docx": b"docx"}, f"Return {packet}", trailers, actor(ws))


def test_open_records_round_moves_chapters_in_one_commit(example_ws: Workspace) -> None:
    before = len(example_ws.history())
    rnd = open_r1(example_ws)
    history = example_ws.history()
    assert len(history) == before + 1
    last = history[-1]
    assert last.value("Event") == "round-open" and last.value("Round") == "R1"
    assert last.values("Chapter") == ["03", "04"] and last.value("Stage") == "in_review"
    for ch in ("03", "04"):
        state = example_ws.state(ch)
        assert state.stage == Stage.IN_REVIEW and state.round == "R1"
    stored = records.load_round(example_ws, "R1")
    assert stored == rnd
    assert [(c.chapter, c.revision) for c in stored.chapters] == [("03", 1), ("04", 1)]
    assert len(stored.items) == 4
    assert not example_ws.dirty_paths()


def test_packet_ids_are_short_unique_and_name_round_and_chapter(example_ws: Workspace) -> None:
    rnd = open_r1(example_ws, ["ewg"])
    ids = [i.packet for i in rnd.items]
    assert len(set(ids)) == len(ids) == 2 * 26
    for item in rnd.items:
        assert re.fullmatch(PACKET_ID, item.packet) and is_packet_id(item.packet)
        assert item.packet.startswith(f"R1-{item.chapter}-")
        assert set(item.packet[-4:]) <= set(PACKET_ALPHABET)
        assert not set(item.packet[-4:]) & set("0O1I")
    assert records.find_packet(example_ws, ids[5].lower())[1] == rnd.items[5]
    with pytest.raises(NotFound, match="not a packet id"):
        records.find_packet(example_ws, "hello")


def test_a_round_book_parses_a_record_once_and_sees_it_change(example_ws: Workspace) -> None:
    rnd = open_r1(example_ws, ["ewg"])
    book = records.RoundBook()
    first = book.round(example_ws, "R1")
    assert first == rnd and book.round(example_ws, "R1") is first  # parsed once
    found, item = book.find_packet(example_ws, rnd.items[7].packet.lower())
    assert found is first and item == rnd.items[7]
    with pytest.raises(NotFound, match="no packet R1-03-ZZZZ in round R1"):
        book.find_packet(example_ws, "R1-03-ZZZZ")
    with pytest.raises(NotFound, match="no round 'R9'"):
        book.find_packet(example_ws, "R9-03-ZZZZ")
    moved = rounds.move_due(example_ws, "R1", rnd.due + timedelta(days=7), actor(example_ws))
    again = book.round(example_ws, "R1")  # the record changed: read afresh
    assert again is not first and again.due == moved.due == rnd.due + timedelta(days=7)
    assert book.rounds(example_ws) == [again] == records.load_rounds(example_ws)


def test_mint_avoids_taken_ids() -> None:
    taken = {"R1-03-2222"}
    codes = iter("2222" + "3333")
    packet = records.mint_packet_id("R1", "03", taken, choose=lambda _: next(codes))
    assert packet == "R1-03-3333" and packet in taken


def test_groups_and_ids_resolve_once_each(example_ws: Workspace) -> None:
    people = rounds.resolve_reviewers(example_ws, ["chen-meiling", "ewg", "africa"])
    ids = [p.id for p in people]
    assert ids[0] == "chen-meiling" and len(ids) == len(set(ids)) == 26


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"reviewers": ["nobody"]}, NotFound, "no person or group 'nobody' in people.yaml"),
        ({"chapters": ["99"]}, NotFound, "no chapter '99'"),
        ({"due": date(2024, 3, 1)}, StageRefused, "due date 2024-03-01 is in the past"),
    ],
)
def test_bad_input_refuses_and_commits_nothing(
    example_ws: Workspace, kwargs: dict, error: type, message: str
) -> None:
    args: dict = {"chapters": ["03"], "reviewers": EXPERTS, "due": DUE} | kwargs
    head = example_ws.repo.head.commit.hexsha
    with pytest.raises(error, match=message):
        rounds.open_round(
            example_ws, args["chapters"], args["reviewers"], args["due"], actor(example_ws)
        )
    assert example_ws.repo.head.commit.hexsha == head
    assert not (example_ws.root / "rounds").exists() and not example_ws.dirty_paths()


def test_signed_off_chapter_refuses_a_round(example_ws: Workspace) -> None:
    a = actor(example_ws)
    chapters.move_stage(example_ws, "03", Stage.READY_FOR_EGM, a)
    chapters.move_stage(example_ws, "03", Stage.SIGNED_OFF, a, via="sign-off")
    head = example_ws.repo.head.commit.hexsha
    with pytest.raises(StageRefused, match="cannot move from signed_off to in_review"):
        rounds.open_round(example_ws, ["04", "03"], EXPERTS, DUE, a)
    assert example_ws.repo.head.commit.hexsha == head
    assert example_ws.state("04").stage == Stage.DRAFTING


def test_a_chapter_already_in_review_refuses_a_second_round(example_ws: Workspace) -> None:
    open_r1(example_ws)
    with pytest.raises(StageRefused, match="chapter 03 is already in_review"):
        rounds.open_round(example_ws, ["03"], EXPERTS, DUE, actor(example_ws))


def test_status_tracks_returns_late_and_excused(example_ws: Workspace, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rnd = open_r1(example_ws)
    lucia_03 = rnd.item("lucia-hernandez", "03")
    chen_04 = rnd.item("chen-meiling", "04")
    assert lucia_03 and chen_04
    record_return(example_ws, lucia_03.packet)
    rounds.excuse(example_ws, "R1", "chen-meiling", actor(example_ws), chapter="04")
    status = tracking.round_status(example_ws, "R1")
    states = {(i.reviewer, i.chapter): i for i in status.items}
    assert states[("lucia-hernandez", "03")].state == ItemState.RETURNED
    assert states[("lucia-hernandez", "03")].return_file == f"returns/{lucia_03.packet}.docx"
    assert states[("chen-meiling", "04")].state == ItemState.EXCUSED
    assert states[("chen-meiling", "03")].state == ItemState.UNSENT
    assert status.days_left == 18
    monkeypatch.setenv("PENHOLDER_TODAY", "2024-03-25")
    status = tracking.round_status(example_ws, "R1")
    late = {(i.reviewer, i.chapter) for i in status.items if i.late}
    assert late == set()  # nothing was sent yet: unsent items are not late
    rnd2 = records.load_round(example_ws, "R1")
    item = rnd2.item("lucia-hernandez", "04")
    assert item
    record_return(example_ws, item.packet)
    status = tracking.round_status(example_ws, "R1")
    states = {(i.reviewer, i.chapter): i for i in status.items}
    assert states[("lucia-hernandez", "04")].state == ItemState.RETURNED_LATE


def test_return_received_trailer_and_timezone(example_ws: Workspace) -> None:
    rnd = open_r1(example_ws)
    item = rnd.items[0]
    # 22:30 UTC on the due date is already the 23rd in Nairobi (UTC+3): late.
    record_return(example_ws, item.packet, received="2024-03-22T22:30:00+00:00")
    status = tracking.round_status(example_ws, "R1")
    assert status.items[0].state == ItemState.RETURNED_LATE


def test_a_return_late_on_the_due_day_in_the_guidelines_timezone_is_on_time(
    example_ws: Workspace,
) -> None:
    rnd = open_r1(example_ws)
    on_time, late = rnd.items[0], rnd.items[1]
    # 20:30 UTC on the due date is 23:30 in Nairobi (UTC+3): still the due day there.
    record_return(example_ws, on_time.packet, received="2024-03-22T20:30:00+00:00")
    # 21:00 UTC is midnight in Nairobi: the day after.
    record_return(example_ws, late.packet, received="2024-03-22T21:00:00+00:00")
    states = {i.packet: i for i in tracking.round_status(example_ws, "R1").items}
    assert (states[on_time.packet].state, states[on_time.packet].late) == (
        ItemState.RETURNED,
        False,
    )
    assert (states[late.packet].state, states[late.packet].late) == (
        ItemState.RETURNED_LATE,
        True,
    )


@pytest.mark.parametrize(
    ("returned_on", "today", "state"),
    [
        (DUE - timedelta(days=1), DUE, ItemState.RETURNED),
        (DUE, DUE, ItemState.RETURNED),
        (DUE + timedelta(days=1), DUE + timedelta(days=1), ItemState.RETURNED_LATE),
        (None, DUE, ItemState.SENT),
        (None, DUE + timedelta(days=1), ItemState.LATE),
    ],
)
def test_item_state_on_each_side_of_the_due_day(
    returned_on: date | None, today: date, state: ItemState
) -> None:
    rnd = Round(
        id="R1",
        opened=datetime(2024, 3, 4, 12, tzinfo=UTC),
        opened_by="x",
        due=DUE,
        chapters=[],
        reviewers=["ana"],
        items=[RoundItem(reviewer="ana", chapter="03", revision=1, packet="R1-03-2222")],
    )
    item = rnd.items[0]
    sent = SentMessage(
        key="packet-ana",
        kind=MessageKind.PACKET,
        reviewer="ana",
        to="ana@example.org",
        subject="R1",
        message_id="<1@example.org>",
        at=datetime(2024, 3, 4, 12, tzinfo=UTC),
        via="outbox",
        file="outbox/R1/ana.eml",
        packets=[item.packet],
    )
    ret = None
    if returned_on is not None:
        at = datetime.combine(returned_on, time(23, 59), tzinfo=UTC)
        ret = ReturnRecord(round="R1", chapter="03", reviewer="ana", at=at, commit="0" * 40)
    assert tracking.item_state(rnd, item, today, sent, ret, returned_on) == state


def test_round_status_on_the_due_day_says_sent_and_the_day_after_says_late(
    example_ws: Workspace, cli, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    root = str(example_ws.root)
    ws = ["--workspace", root, "--as", DRAFTER]
    args = ["--chapters", "03", "--reviewers", "lucia-hernandez", "--due", DUE.isoformat()]
    assert cli("round", "open", *args, *ws)[0] == 0
    monkeypatch.setenv("PENHOLDER_TODAY", DUE.isoformat())
    (item,) = json.loads(cli("round", "status", "R1", "--json", "-w", root)[1])["items"]
    assert (item["state"], item["late"]) == ("sent", False)
    monkeypatch.setenv("PENHOLDER_TODAY", (DUE + timedelta(days=1)).isoformat())
    (item,) = json.loads(cli("round", "status", "R1", "--json", "-w", root)[1])["items"]
    assert (item["state"], item["late"]) == ("late", True)


def test_add_reviewer_move_due_and_excuse_each_one_commit(example_ws: Workspace) -> None:
    open_r1(example_ws)
    a = actor(example_ws)
    n = len(example_ws.history())
    rnd = rounds.add_reviewer(example_ws, "R1", "kenji-watanabe", a)
    assert len(rnd.items_of("kenji-watanabe")) == 2
    rnd = rounds.move_due(example_ws, "R1", date(2024, 3, 29), a)
    rnd = rounds.excuse(example_ws, "R1", "chen-meiling", a)
    assert all(i.excused == date(2024, 3, 4) for i in rnd.items_of("chen-meiling"))
    history = example_ws.history()
    assert len(history) == n + 3
    assert {c.value("Event") for c in history[-3:]} == {"round-change"}
    assert history[-3].value("Reviewer") == "kenji-watanabe"
    assert records.load_round(example_ws, "R1").due == date(2024, 3, 29)
    for call, message in [
        (lambda: rounds.add_reviewer(example_ws, "R1", "kenji-watanabe", a), "already"),
        (lambda: rounds.add_reviewer(example_ws, "R1", "nobody", a), "nobody with the id"),
        (lambda: rounds.move_due(example_ws, "R1", date(2024, 3, 1), a), "in the past"),
        (lambda: rounds.excuse(example_ws, "R1", "chen-meiling", a), "already excused"),
        (lambda: rounds.excuse(example_ws, "R1", "ana-nobody", a), "not a reviewer"),
        (lambda: rounds.excuse(example_ws, "R9", "chen-meiling", a), "no round 'R9'"),
    ]:
        with pytest.raises((NotFound, StageRefused), match=message):
            call()
    assert len(example_ws.history()) == n + 3


def test_close_refuses_before_due_unless_forced(example_ws: Workspace, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rnd = open_r1(example_ws)
    a = actor(example_ws)
    record_return(example_ws, rnd.items[0].packet)
    with pytest.raises(StageRefused, match="due on 2024-03-22 and 3 items are not returned"):
        rounds.close_round(example_ws, "R1", a)
    _closed, missing = rounds.close_round(example_ws, "R1", a, force=True)
    assert len(missing) == 3 and "chen-meiling: 03" in missing
    last = example_ws.history()[-1]
    assert last.value("Event") == "round-close" and last.value("Stage") == "consolidating"
    assert example_ws.state("03").stage == Stage.CONSOLIDATING
    status = tracking.round_status(example_ws, "R1")
    assert not status.open and status.count(ItemState.MISSING) == 3
    record_return(example_ws, rnd.items[1].packet)  # after closing: accepted, marked late
    status = tracking.round_status(example_ws, "R1")
    assert status.items[1].state == ItemState.RETURNED_LATE
    with pytest.raises(StageRefused, match="round R1 was closed"):
        rounds.close_round(example_ws, "R1", a)


def test_close_after_due_needs_no_force(example_ws: Workspace, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    open_r1(example_ws)
    monkeypatch.setenv("PENHOLDER_TODAY", "2024-03-23")
    rnd, missing = rounds.close_round(example_ws, "R1", actor(example_ws))
    assert rnd.closed is not None and len(missing) == 4


def test_second_round_remembers_what_each_reviewer_saw(example_ws: Workspace) -> None:
    a = actor(example_ws)
    open_r1(example_ws)
    rounds.close_round(example_ws, "R1", a, force=True)
    path = example_ws.chapter_path("03")
    path.write_text(path.read_text() + "\nA new paragraph.\n")
    chapters.commit_revision(example_ws, "03", None, a)
    rnd = rounds.open_round(example_ws, ["03"], ["lucia-hernandez", "kenji-watanabe"], DUE, a)
    assert rnd.id == "R2"
    lucia, kenji = rnd.items
    assert (lucia.revision, lucia.previous_revision) == (2, 1)
    assert (kenji.revision, kenji.previous_revision) == (2, None)
    assert records.round_ids(example_ws) == ["R1", "R2"]


def test_cli_round_commands(example_ws: Workspace, cli) -> None:  # type: ignore[no-untyped-def]
    import json

    ws = ["--workspace", str(example_ws.root), "--as", DRAFTER]
    code, out, err = cli(
        "round",
        "open",
        "--chapters",
        "03",
        "--reviewers",
        "lucia-hernandez",
        "--due",
        "2024-03-22",
        *ws,
    )
    assert code == 0, err
    assert "round R1: open, 1 items, due 2024-03-22" in out and "written to outbox/" in out
    code, out, _ = cli("round", "status", "R1", "--json", "--workspace", str(example_ws.root))
    data = json.loads(out)
    assert data["round"] == "R1" and data["due"] == "2024-03-22"
    [item] = data["items"]
    assert {"reviewer", "chapter", "packet", "state"} <= set(item)
    assert (item["reviewer"], item["chapter"], item["state"]) == ("lucia-hernandez", "03", "sent")
    code, out, _ = cli("round", "status", "R1", "--workspace", str(example_ws.root))
    assert code == 0 and item["packet"] in out
    assert cli("round", "due", "R1", "2024-03-29", *ws)[0] == 0
    code, out, err = cli("round", "close", "R1", *ws)
    assert code == 1 and err.startswith("penholder: round R1 is due on 2024-03-29")
    code, out, _ = cli("round", "close", "R1", "--force", *ws)
    assert code == 0 and "not returned (1): lucia-hernandez: 03" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--reviewers", "nobody", "--due", "2024-03-22"], "no person or group 'nobody'"),
        (["--reviewers", "ewg", "--due", "2024-03-01"], "the due date 2024-03-01 is in the past"),
    ],
)
def test_cli_open_refusals_are_one_line(example_ws: Workspace, cli, args, message) -> None:  # type: ignore[no-untyped-def]
    head = example_ws.repo.head.commit.hexsha
    code, out, err = cli(
        "round", "open", "--chapters", "03", *args, "-w", str(example_ws.root), "--as", DRAFTER
    )
    assert code == 1 and out == "" and err.count("\n") == 1 and message in err
    assert example_ws.repo.head.commit.hexsha == head


def test_every_round_command_has_help(cli) -> None:  # type: ignore[no-untyped-def]
    import typer.main

    from flows.cli.rounds import app

    group = typer.main.get_command(app)
    names = sorted(group.commands)  # type: ignore[attr-defined]
    assert names == ["add-reviewer", "close", "due", "excuse", "open", "remind", "send", "status"]
    for name in names:
        code, out, _ = cli("round", name, "--help")
        assert code == 0 and "Usage:" in out
        assert (group.commands[name].help or "").strip()  # type: ignore[attr-defined]


def test_round_status_does_not_import_prefect(example_ws: Workspace) -> None:
    import subprocess
    import sys

    open_r1(example_ws)
    code = (
        "import sys; from flows.cli import main; "
        f"rc = main(['round', 'status', 'R1', '--json', '-w', {str(example_ws.root)!r}]); "
        "sys.exit(rc or (3 if 'prefect' in sys.modules else 0))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert '"round": "R1"' in done.stdout


def test_the_day_a_packet_left_is_the_day_in_the_guidelines_timezone(
    example_ws: Workspace,
) -> None:
    from datetime import datetime

    from reviewers.models import SentLog, SentMessage
    from reviewers.rounds import reminders

    rnd = open_r1(example_ws)
    item = rnd.items[0]
    # 22:30 UTC on 4 March is already 5 March in Nairobi (UTC+3), the day it left there
    left = SentMessage(
        key=f"packet-{item.reviewer}", kind="packet", reviewer=item.reviewer,
        to="x@example.org", subject="R1", message_id="<m@x>",
        at=datetime.fromisoformat("2024-03-04T22:30:00+00:00"), via="outbox",
        file="outbox/R1/sent/x.eml", packets=[item.packet],
    )  # fmt: skip
    files = records.sent_file("R1", SentLog(messages=[left]))
    example_ws.commit(files, "Sent", [("Event", "sent"), ("Round", "R1")], actor(example_ws))
    status = tracking.round_status(example_ws, "R1")
    mine = next(i for i in status.items if i.packet == item.packet)
    assert mine.sent_at is not None and mine.sent_at.date().isoformat() == "2024-03-05"
    status = status.model_copy(update={"today": mine.sent_at.date()})
    [plan] = [
        p
        for p in reminders.plan(status, example_ws.guideline.reminders, [])
        if p.reviewer == item.reviewer
    ]
    assert not plan.remind and "sent on 2024-03-05" in plan.reason


def test_a_round_record_is_parsed_once_per_content_and_kept_beside_git(
    example_ws: Workspace,
) -> None:
    """``.git/penholder/rounds/<id>.json`` holds the last parse with a digest of its bytes: read
    back as the same Round; a record changed since, or a kept file that is corrupt or was made
    from other bytes, is parsed again from the YAML (the file is never trusted over it)."""
    from drafts import layout

    opened = open_r1(example_ws)
    kept = example_ws.git_dir / layout.round_cache("R1")
    kept.unlink(missing_ok=True)
    first = records.load_round(example_ws, "R1")
    assert first == opened and kept.is_file()
    assert records.load_round(Workspace(example_ws.root), "R1") == first  # read from the file
    key, _, body = kept.read_bytes().partition(b"\n")
    forged = json.loads(body)
    forged["reviewers"] = ["someone-else"]
    kept.write_bytes(b"0" * len(key) + b"\n" + json.dumps(forged).encode())
    assert records.load_round(example_ws, "R1") == first  # another digest: not used
    kept.write_bytes(key + b"\n{not json")
    assert records.load_round(example_ws, "R1") == first  # corrupt: parsed again
    path = example_ws.root / layout.round_record("R1")
    path.write_bytes(path.read_bytes().replace(b"2024-03-22", b"2024-03-29"))
    assert records.load_round(example_ws, "R1").due == date(2024, 3, 29)


def test_a_round_record_is_read_where_its_parse_cannot_be_kept(example_ws: Workspace) -> None:
    """Keeping the parse is an optimisation: where its folder cannot be made (here a file is in
    its way, as a read-only ``.git`` would refuse it), the record is parsed and read all the same,
    and nothing is made."""
    import shutil

    from drafts import layout

    opened = open_r1(example_ws)
    kept = example_ws.git_dir / layout.round_cache("R1")
    shutil.rmtree(kept.parent, ignore_errors=True)
    kept.parent.parent.mkdir(parents=True, exist_ok=True)
    kept.parent.write_bytes(b"in the way")
    assert records.load_round(Workspace(example_ws.root), "R1") == opened
    assert kept.parent.read_bytes() == b"in the way"
