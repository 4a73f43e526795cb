"""Replaying commits into chapter states and revision lists (pure: CommitRecords, no git)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from drafts.history import replay, revisions
from drafts.models import CommitRecord, Stage

T0 = datetime(2024, 3, 4, 9, tzinfo=UTC)


def commit(n: int, *trailers: tuple[str, str], author: str = "Amina") -> CommitRecord:
    return CommitRecord(
        sha=f"{n:040x}",
        author=author,
        email=f"{author.lower()}@example.org",
        date=T0 + timedelta(hours=n),
        subject=f"commit {n}",
        trailers=trailers,
    )


def test_each_named_chapter_gets_the_commit_and_the_last_one_wins() -> None:
    log = [
        commit(1, ("Event", "chapter-new"), ("Chapter", "01"), ("Revision", "1")),
        commit(2, ("Event", "init"), ("Chapter", "01"), ("Chapter", "02"), author="Ben"),
    ]
    states = replay(log)
    assert sorted(states) == ["01", "02"]
    one = states["01"]
    assert (one.revision, one.last_change, one.last_author, one.last_event) == (
        1,
        T0 + timedelta(hours=2),
        "Ben",
        "init",
    )
    assert states["02"].revision == 0


def test_a_revision_trailer_that_is_not_a_number_and_an_unknown_stage_are_ignored() -> None:
    log = [
        commit(1, ("Chapter", "01"), ("Revision", "3"), ("Stage", "revising")),
        commit(2, ("Chapter", "01"), ("Revision", "next"), ("Stage", "archived")),
    ]
    st = replay(log)["01"]
    assert (st.revision, st.stage) == (3, Stage.REVISING)


def test_a_sign_off_freezes_the_named_revision_or_else_the_current_one() -> None:
    base = commit(1, ("Chapter", "01"), ("Revision", "4"))
    named = commit(2, ("Chapter", "01"), ("Stage", "signed_off"), ("Signed-Revision", "3"))
    assert replay([base, named])["01"].signed_revision == 3
    bare = commit(2, ("Chapter", "01"), ("Stage", "signed_off"))
    assert replay([base, bare])["01"].signed_revision == 4
    other = commit(2, ("Chapter", "01"), ("Stage", "final"), ("Signed-Revision", "3"))
    assert replay([base, other])["01"].signed_revision is None


def test_a_round_opens_on_its_event_only_and_a_next_cycle_closes_it() -> None:
    opened = commit(1, ("Event", "round-open"), ("Chapter", "01"), ("Round", "R1"))
    other = commit(2, ("Event", "sent"), ("Chapter", "01"), ("Round", "R9"))
    st = replay([opened, other])["01"]
    assert (st.round, st.cycle) == ("R1", 1)
    cycle = commit(3, ("Event", "next-cycle"), ("Chapter", "01"))
    st = replay([opened, other, cycle, cycle])["01"]
    assert (st.round, st.cycle) == (None, 3)


def test_revisions_list_the_numbered_commits_of_the_chapter_in_order() -> None:
    log = [
        commit(1, ("Event", "chapter-new"), ("Chapter", "01"), ("Revision", "1")),
        commit(2, ("Event", "new-revision"), ("Chapter", "02"), ("Revision", "1")),
        commit(3, ("Event", "stage"), ("Chapter", "01")),
        commit(4, ("Chapter", "01"), ("Revision", "two")),
        commit(5, ("Event", "import"), ("Chapter", "01"), ("Revision", "2"), author="Ben"),
    ]
    found = revisions(log, "01")
    assert [(r.number, r.commit, r.event) for r in found] == [
        (1, log[0].sha, "chapter-new"),
        (2, log[4].sha, "import"),
    ]
    last = found[-1]
    assert (last.chapter, last.date, last.author, last.email, last.subject) == (
        "01",
        T0 + timedelta(hours=5),
        "Ben",
        "ben@example.org",
        "commit 5",
    )
    assert revisions([commit(1, ("Chapter", "01"), ("Revision", "1"))], "01")[0].event == ""
    assert revisions(log, "09") == []  # a chapter with no numbered commit: an empty list
