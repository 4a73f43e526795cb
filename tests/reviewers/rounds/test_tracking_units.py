"""Round tracking (``reviewers.rounds.tracking``) on commits and records built in memory: which
commits are returns of which item, when a return arrived, and each state on its boundary (the
due day, the close, the guideline's midnight). Fast: no git; ``test_rounds.py`` runs the same
through a real workspace."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import pytest
import yaml

from drafts import history
from drafts.core.errors import NotFound
from drafts.models import CommitRecord, Person
from drafts.workspace import Workspace
from reviewers.models import (
    ItemState,
    MessageKind,
    ReturnRecord,
    Round,
    RoundChapter,
    RoundItem,
    SentLog,
    SentMessage,
)
from reviewers.rounds import tracking

NAIROBI = timezone(timedelta(hours=3))
DUE = date(2024, 3, 22)


def _round(closed: datetime | None = None) -> Round:
    items = [
        RoundItem(reviewer="ana", chapter="03", revision=1, packet="R1-03-AB23"),
        RoundItem(reviewer="ana", chapter="05", revision=2, packet="R1-05-CD45"),
        RoundItem(reviewer="ben", chapter="03", revision=1, packet="R1-03-EF67"),
        RoundItem(reviewer="cy", chapter="03", revision=1, packet="R1-03-GH89",
                  excused=date(2024, 3, 10)),
    ]  # fmt: skip
    return Round(
        id="R1", opened=datetime(2024, 3, 1, 9, tzinfo=UTC), opened_by="amina", due=DUE,
        chapters=[RoundChapter(chapter="03", revision=1), RoundChapter(chapter="05", revision=2)],
        reviewers=["ana", "ben", "cy"], items=items, closed=closed,
    )  # fmt: skip


def commit(sha: str, *trailers: tuple[str, str], at: datetime | None = None) -> CommitRecord:
    when = at or datetime(2024, 3, 20, 10, tzinfo=NAIROBI)
    return CommitRecord(
        sha=sha, author="x", email="x@example.org", date=when, subject=sha, trailers=trailers
    )


def test_returns_are_the_return_commits_naming_an_item_of_the_round() -> None:
    rnd = _round()
    commits = [
        commit(
            "a", ("Event", "return"), ("Packet", "r1-03-ab23"), ("Return-File", "returns/1.docx")
        ),
        commit("b", ("Event", "received"), ("Packet", "R1-03-EF67")),  # not a return
        commit("c", ("Event", "return"), ("Packet", "R1-03-ZZZZ")),  # not of this round
        commit("d", ("Event", "return"), ("Packet", "R1-05-CD45"), ("Packet", "R1-03-EF67")),
        commit(
            "e",
            ("Event", "return"),
            ("Round", "R1"),
            ("Reviewer", "ben"),
            ("Chapter", "03"),
            ("Chapter", "05"),
        ),
        commit("f", ("Event", "return"), ("Round", "R2"), ("Reviewer", "ben"), ("Chapter", "03")),
        commit("g", ("Event", "return"), ("Round", "R1"), ("Chapter", "03")),  # nobody
        # a packet named: the Round/Reviewer/Chapter trailers beside it add nothing
        commit(
            "h",
            ("Event", "return"),
            ("Packet", "R1-03-AB23"),
            ("Round", "R1"),
            ("Reviewer", "cy"),
            ("Chapter", "05"),
        ),
    ]
    found = [(r.commit, r.chapter, r.reviewer, r.packet, r.file)
             for r in tracking.return_records(cast(Workspace, None), rnd, commits)]  # fmt: skip
    assert found == [
        ("a", "03", "ana", "R1-03-AB23", "returns/1.docx"),
        ("d", "05", "ana", "R1-05-CD45", None),
        ("d", "03", "ben", "R1-03-EF67", None),
        ("e", "03", "ben", None, None),
        ("e", "05", "ben", None, None),
        ("h", "03", "ana", "R1-03-AB23", None),
    ]
    assert all(r.round == "R1" and not r.after_close for r in
               tracking.return_records(cast(Workspace, None), rnd, commits))  # fmt: skip


def test_a_return_after_the_round_closed_says_so() -> None:
    rnd = _round()
    ret = ("Event", "return"), ("Packet", "R1-03-AB23")
    commits = [
        commit("before", *ret),
        commit("other", ("Event", "round-close"), ("Round", "R2")),
        commit("between", *ret),
        commit("close", ("Event", "round-close"), ("Round", "R1")),
        commit("after", *ret),
        commit("later", *ret),
    ]
    got = {
        r.commit: r.after_close
        for r in tracking.return_records(cast(Workspace, None), rnd, commits)
    }
    assert got == {"before": False, "between": False, "after": True, "later": True}


@pytest.mark.parametrize(
    ("received", "at"),
    [
        (
            "2024-03-19T08:00:00+01:00",
            datetime(2024, 3, 19, 8, tzinfo=timezone(timedelta(hours=1))),
        ),
        ("2024-03-19T08:00:00", datetime(2024, 3, 19, 8, tzinfo=NAIROBI)),  # the commit's zone
        ("yesterday morning", datetime(2024, 3, 20, 10, tzinfo=NAIROBI)),  # the commit's date
        ("", datetime(2024, 3, 20, 10, tzinfo=NAIROBI)),
    ],
)
def test_when_a_return_arrived(received: str, at: datetime) -> None:
    trailers = [("Event", "return"), ("Packet", "R1-03-AB23")]
    if received:
        trailers.append(("Received", received))
    (ret,) = tracking.return_records(cast(Workspace, None), _round(), [commit("a", *trailers)])
    assert ret.at == at and ret.at.utcoffset() == at.utcoffset()


def _ret(after_close: bool = False) -> ReturnRecord:
    return ReturnRecord(round="R1", chapter="03", reviewer="ana", at=datetime(2024, 3, 22, 12,
                        tzinfo=UTC), commit="a", after_close=after_close)  # fmt: skip


def _sent() -> SentMessage:
    return SentMessage(
        key="packet-ana", kind=MessageKind.PACKET, reviewer="ana", to="ana@example.org",
        subject="R1", message_id="<1@x>", at=datetime(2024, 3, 1, 9, tzinfo=UTC), via="outbox",
        file="outbox/1.eml", packets=["R1-03-AB23"],
    )  # fmt: skip


@pytest.mark.parametrize(
    ("closed", "excused", "sent", "ret", "day", "today", "state"),
    [
        (False, False, True, _ret(), DUE, DUE, ItemState.RETURNED),  # on the due day
        (False, False, True, _ret(), DUE + timedelta(days=1), DUE, ItemState.RETURNED_LATE),
        (True, False, True, _ret(after_close=True), DUE, DUE, ItemState.RETURNED_LATE),
        (True, True, True, _ret(), DUE, DUE, ItemState.RETURNED),  # returned beats excused
        (False, False, True, _ret(), None, DUE, ItemState.SENT),  # no day: not counted
        (True, True, True, None, None, DUE, ItemState.EXCUSED),
        (True, False, True, None, None, DUE, ItemState.MISSING),
        (False, False, False, None, None, DUE + timedelta(days=9), ItemState.UNSENT),
        (False, False, True, None, None, DUE, ItemState.SENT),
        (False, False, True, None, None, DUE + timedelta(days=1), ItemState.LATE),
    ],
)
def test_item_state(  # type: ignore[no-untyped-def]
    closed, excused, sent, ret, day, today, state
) -> None:
    rnd = _round(closed=datetime(2024, 3, 30, tzinfo=UTC) if closed else None)
    item = rnd.items[0].model_copy(update={"excused": date(2024, 3, 2) if excused else None})
    got = tracking.item_state(rnd, item, today, _sent() if sent else None, ret, day)
    assert got == state


def _status(tmp_path: Path, now: datetime, commits: list[CommitRecord], closed=None):  # type: ignore[no-untyped-def]
    rnd = _round(closed)
    folder = tmp_path / "rounds" / "R1"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "round.yaml").write_text(yaml.safe_dump(rnd.model_dump(mode="json")))
    reminder = _sent().model_copy(update={
        "key": "reminder-ana", "kind": MessageKind.REMINDER,
        "at": datetime(2024, 3, 20, 22, 30, tzinfo=UTC),  # 21 March in Nairobi
    })  # fmt: skip
    other = _sent().model_copy(update={"key": "packet-ana-05", "packets": ["R1-05-CD45"],
                                       "at": datetime(2024, 3, 1, 21, 30, tzinfo=UTC)})  # fmt: skip
    log = SentLog(messages=[_sent(), other, reminder])
    (folder / "sent.yaml").write_text(yaml.safe_dump(log.model_dump(mode="json")))
    people = [Person(id="ana", name="Ana Silva", email="ana@example.org")]

    ledger = history.ledger(commits, "head")  # what round_status reads of the history
    ws = SimpleNamespace(root=tmp_path, now=lambda: now, ledger=lambda: ledger, people=people,
                         git_dir=tmp_path / ".git")  # fmt: skip
    return tracking.round_status(cast(Workspace, ws), "R1")


def test_round_status_on_the_guidelines_clock(tmp_path: Path) -> None:
    now = datetime(2024, 3, 22, 23, 30, tzinfo=NAIROBI)  # the due day, late at night
    late_utc = datetime(2024, 3, 22, 21, 30, tzinfo=UTC)  # 00:30 on 23 March in Nairobi
    commits = [
        commit("first", ("Event", "return"), ("Packet", "R1-03-AB23"),
               ("Received", "2024-03-22T20:30:00+00:00"), ("Return-File", "returns/a.docx")),
        commit("again", ("Event", "return"), ("Packet", "R1-03-AB23"),
               ("Return-File", "returns/b.docx"), at=late_utc),
        commit("ben", ("Event", "return"), ("Packet", "R1-03-EF67"), at=late_utc),
    ]  # fmt: skip
    status = _status(tmp_path, now, commits)
    assert (status.round, status.due, status.today, status.open, status.days_left) == (
        "R1", DUE, DUE, True, 0
    )  # fmt: skip
    assert status.closed is None and [c.chapter for c in status.chapters] == ["03", "05"]
    by = {i.packet: i for i in status.items}
    ana = by["R1-03-AB23"]
    # the first return counts: 23:30 in Nairobi on the due day, on time
    assert (ana.state, ana.late, ana.return_file) == (ItemState.RETURNED, False, "returns/a.docx")
    assert ana.returned_at == datetime(2024, 3, 22, 20, 30, tzinfo=UTC)
    assert (ana.name, ana.revision, ana.reminders) == ("Ana Silva", 1, [date(2024, 3, 21)])
    assert ana.sent_at == datetime(2024, 3, 1, 12, tzinfo=NAIROBI) and ana.sent_via == "outbox"
    assert ana.sent_at.utcoffset() == timedelta(hours=3)
    # after midnight in Nairobi: the day after the due day
    assert (by["R1-03-EF67"].state, by["R1-03-EF67"].late) == (ItemState.RETURNED_LATE, True)
    assert by["R1-03-EF67"].name == "ben"  # not in people.yaml: the id
    five = by["R1-05-CD45"]
    assert (five.state, five.late, five.reminders) == (ItemState.SENT, False, [])
    assert five.sent_at is not None and five.sent_at.date() == date(2024, 3, 2)  # local day
    assert (by["R1-03-GH89"].state, by["R1-03-GH89"].late) == (ItemState.EXCUSED, False)
    assert by["R1-03-GH89"].excused == date(2024, 3, 10)
    assert by["R1-03-GH89"].sent_at is None and by["R1-03-GH89"].sent_via is None


def test_round_status_the_day_after_and_once_closed(tmp_path: Path) -> None:
    after = datetime(2024, 3, 23, 0, 5, tzinfo=NAIROBI)
    status = _status(tmp_path, after, [])
    assert (status.today, status.days_left) == (date(2024, 3, 23), -1)
    by = {i.packet: i for i in status.items}
    assert (by["R1-05-CD45"].state, by["R1-05-CD45"].late) == (ItemState.LATE, True)
    closed = datetime(2024, 3, 25, 21, 30, tzinfo=UTC)  # 26 March in Nairobi
    status = _status(tmp_path, datetime(2024, 3, 27, 9, tzinfo=NAIROBI), [], closed=closed)
    assert (status.open, status.closed) == (False, date(2024, 3, 26))
    missing = [i for i in status.items if i.state == ItemState.MISSING]
    assert [i.packet for i in missing] == ["R1-03-AB23", "R1-05-CD45", "R1-03-EF67"]
    assert all(i.late for i in missing)
    before = _status(tmp_path, datetime(2024, 3, 21, 9, tzinfo=NAIROBI), [])
    assert before.days_left == 1


def test_select_filters_and_refuses_what_the_round_does_not_have(tmp_path: Path) -> None:
    now = datetime(2024, 3, 23, 9, tzinfo=NAIROBI)
    commits = [commit("ben", ("Event", "return"), ("Packet", "R1-03-EF67"))]
    status = _status(tmp_path, now, commits)
    packets = lambda items: [i.packet for i in items]  # noqa: E731
    assert packets(tracking.select(status)) == [i.packet for i in status.items]
    assert packets(tracking.select(status, missing=True)) == ["R1-03-AB23", "R1-05-CD45"]
    assert packets(tracking.select(status, late=True)) == ["R1-03-AB23", "R1-05-CD45"]
    assert packets(tracking.select(status, reviewer="ana")) == ["R1-03-AB23", "R1-05-CD45"]
    assert packets(tracking.select(status, chapter="05")) == ["R1-05-CD45"]
    assert packets(tracking.select(status, missing=True, chapter="03", reviewer="ana")) == [
        "R1-03-AB23"
    ]
    with pytest.raises(NotFound) as e:
        tracking.select(status, reviewer="dee")
    assert str(e.value) == "no reviewer 'dee' in round R1 (reviewers: ana, ben, cy)"
    with pytest.raises(NotFound) as e:
        tracking.select(status, chapter="07")
    assert str(e.value) == "no chapter '07' in round R1 (chapters: 03, 05)"
    empty = status.model_copy(update={"items": [], "chapters": []})
    with pytest.raises(NotFound) as e:
        tracking.select(empty, chapter="03")
    assert str(e.value) == "no chapter '03' in round R1 (chapters: none)"
