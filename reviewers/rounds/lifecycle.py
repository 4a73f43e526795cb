"""Review rounds: open, add a reviewer, move the due date, excuse, close (pure functions).

Each function validates everything first (unknown person or group, chapter in the wrong stage,
due date in the past, closed round ...), raising one ``PenholderError`` sentence with nothing
written; then it makes exactly ONE commit through ``ws.commit`` with the trailers

    Event: round-open | round-change | round-close
    Round: R2
    Chapter: 03            (one per chapter concerned)
    Stage: in_review       (open) / consolidating (close); absent on round-change
    Reviewer: ana-silva    (round-change concerning one reviewer)

and returns the updated ``Round``. Sending packets and reminders is ``reviewers.send.mail`` /
``reviewers.reminders``; status is ``reviewers.rounds.tracking``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from drafts import stages
from drafts.chapters import GUARDS
from drafts.core.errors import NotFound, StageRefused
from drafts.models import Event, Person, Stage
from drafts.workspace import Actor, Workspace
from reviewers.models import ItemState, Round, RoundChapter, RoundItem
from reviewers.rounds import records, tracking


def resolve_reviewers(ws: Workspace, names: Iterable[str]) -> list[Person]:
    """Return the people named by ids or group names (in order, once each), or raise NotFound."""
    found: dict[str, Person] = {}
    groups = sorted({g for p in ws.people for g in p.groups})
    for name in (n.strip() for n in names):
        if not name:
            continue
        members = [p for p in ws.people if p.id == name] or [
            p for p in ws.people if name in p.groups
        ]
        if not members:
            raise NotFound(
                f"no person or group {name!r} in people.yaml (groups: {', '.join(groups) or 'none'}); "
                "name reviewers by person id or group"
            )
        for p in members:
            found.setdefault(p.id, p)
    if not found:
        raise NotFound("no reviewers named; pass --reviewers with a group or person ids")
    return list(found.values())


def check_due(ws: Workspace, due: date) -> None:
    """Refuse a due date before today (penholder's clock, in the guideline's timezone)."""
    today = ws.now().date()
    if due < today:
        raise StageRefused(
            f"the due date {due} is in the past (today is {today} in {ws.guideline.timezone}); "
            "choose today or a later date",
            rule="due-in-past",
        )


def previous_revision(rounds: Sequence[Round], reviewer: str, chapter: str) -> int | None:
    """Return the revision of ``chapter`` last sent to ``reviewer`` (not excused), or None."""
    last = None
    for rnd in rounds:
        item = rnd.item(reviewer, chapter)
        if item is not None and item.excused is None:
            last = item.revision
    return last


def _items(
    ws: Workspace, rnd: Round, people: Sequence[Person], earlier: Sequence[Round]
) -> list[RoundItem]:
    taken = records.all_packet_ids(ws) | {i.packet for i in rnd.items}
    items = []
    for person in people:
        for ch in rnd.chapters:
            items.append(
                RoundItem(
                    reviewer=person.id,
                    chapter=ch.chapter,
                    revision=ch.revision,
                    packet=records.mint_packet_id(rnd.id, ch.chapter, taken),
                    previous_revision=previous_revision(earlier, person.id, ch.chapter),
                )
            )
    return items


def open_round(
    ws: Workspace,
    chapters: Sequence[str],
    reviewers: Sequence[str],
    due: date,
    actor: Actor,
    *,
    note: str = "",
    force_reason: str | None = None,
) -> Round:
    """Open the next round on ``chapters`` for ``reviewers`` (ids or groups); one commit.

    The guards (previous round answered, a new revision since) are overridden by
    ``force_reason``, which the commit records (``Forced`` trailer); the stage rules are not.
    """
    if force_reason is not None and not force_reason.strip():
        raise StageRefused(
            "--force needs a --reason, recorded with the round (e.g. --reason 'EGM asked for a "
            "second look')",
            rule="force-without-reason",
        )
    wanted = list(dict.fromkeys(c.strip() for c in chapters if c.strip()))
    if not wanted:
        raise NotFound("no chapters named; pass --chapters, e.g. --chapters 03,04")
    people = resolve_reviewers(ws, reviewers)
    check_due(ws, due)
    base = []
    for ch in wanted:
        state = ws.state(ch)
        blockers = [b for guard in GUARDS for b in guard(ws, ch, Stage.IN_REVIEW)]
        stages.check(state, Stage.IN_REVIEW, "round-open", [] if force_reason else blockers)
        base.append(RoundChapter(chapter=ch, revision=ws.revision(ch).number))
    earlier = records.load_rounds(ws)
    rnd = Round(
        id=records.next_round_id(ws),
        opened=ws.now(),
        opened_by=actor.name,
        due=due,
        note=note,
        chapters=base,
        reviewers=[p.id for p in people],
    )
    rnd.items = _items(ws, rnd, people, earlier)
    subject = f"Open round {rnd.id} on chapters {', '.join(wanted)} (due {due})"
    body = f"{len(people)} reviewers: {', '.join(rnd.reviewers)}"
    trailers = [("Event", Event.ROUND_OPEN.value), ("Round", rnd.id)]
    trailers += [("Chapter", ch) for ch in wanted] + [("Stage", Stage.IN_REVIEW.value)]
    if force_reason:
        trailers.append(("Forced", " ".join(force_reason.split())))
    ws.commit(records.round_file(rnd), subject, trailers, actor, body=body)
    return rnd


def _change(ws: Workspace, rnd: Round, subject: str, actor: Actor, reviewer: str = "") -> Round:
    trailers = [("Event", Event.ROUND_CHANGE.value), ("Round", rnd.id)]
    trailers += [("Chapter", ch) for ch in rnd.chapter_ids()]
    trailers += [("Reviewer", reviewer)] if reviewer else []
    ws.commit(records.round_file(rnd), subject, trailers, actor)
    return rnd


def add_reviewer(ws: Workspace, round_id: str, person_id: str, actor: Actor) -> Round:
    """Add one person to an open round (a packet per chapter at the round's revisions)."""
    rnd = records.require_open(ws, round_id, f"add a reviewer to round {round_id}")
    person = ws.person(person_id)
    if person.id in rnd.reviewers:
        raise StageRefused(f"{person.id} is already a reviewer in round {round_id}", rule="dup")
    earlier = [r for r in records.load_rounds(ws) if int(r.id[1:]) < int(rnd.id[1:])]
    rnd.items += _items(ws, rnd, [person], earlier)
    rnd.reviewers.append(person.id)
    subject = f"Round {rnd.id}: add reviewer {person.name}"
    return _change(ws, rnd, subject, actor, person.id)


def move_due(ws: Workspace, round_id: str, due: date, actor: Actor) -> Round:
    """Move the due date of an open round (not into the past)."""
    rnd = records.require_open(ws, round_id, f"move the due date of round {round_id}")
    check_due(ws, due)
    if due == rnd.due:
        raise StageRefused(f"round {round_id} is already due on {due}", rule="same-due")
    old, rnd.due = rnd.due, due
    return _change(ws, rnd, f"Round {rnd.id}: due {old} -> {due}", actor)


def excuse(
    ws: Workspace,
    round_id: str,
    person_id: str,
    actor: Actor,
    *,
    chapter: str | None = None,
) -> Round:
    """Excuse a reviewer from the round (or from one chapter of it); they get no reminders."""
    rnd = records.require_open(ws, round_id, f"excuse a reviewer in round {round_id}")
    if person_id not in rnd.reviewers:
        raise NotFound(f"{person_id} is not a reviewer in round {round_id}")
    if chapter is not None and chapter not in rnd.chapter_ids():
        chs = ", ".join(rnd.chapter_ids())
        raise NotFound(f"chapter {chapter} is not in round {round_id} (chapters: {chs})")
    chosen = [i for i in rnd.items_of(person_id) if chapter in (None, i.chapter)]
    todo = [i for i in chosen if i.excused is None]
    if not todo:
        raise StageRefused(f"{person_id} is already excused there in round {round_id}", rule="dup")
    for item in todo:
        item.excused = ws.now().date()
    what = f"chapter {chapter}" if chapter else "the round"
    subject = f"Round {rnd.id}: excuse {person_id} from {what}"
    return _change(ws, rnd, subject, actor, person_id)


def close_round(
    ws: Workspace, round_id: str, actor: Actor, *, force: bool = False
) -> tuple[Round, list[str]]:
    """Close a round, moving its chapters to consolidating; return it and who had not returned.

    Before the due date it refuses unless ``force``; the commit body then lists the missing
    items ("reviewer: chapter"). Returns that arrive after closing are still accepted (late).
    """
    rnd = records.require_open(ws, round_id, f"close round {round_id}")
    status = tracking.round_status(ws, round_id)
    missing = [
        f"{i.reviewer}: {i.chapter}"
        for i in status.items
        if i.state not in (ItemState.RETURNED, ItemState.RETURNED_LATE, ItemState.EXCUSED)
    ]
    today = ws.now().date()
    if today < rnd.due and not force:
        raise StageRefused(
            f"round {round_id} is due on {rnd.due} and {len(missing)} items are not returned; "
            "wait for the due date or close it now with --force",
            rule="before-due",
        )
    for ch in rnd.chapter_ids():
        blockers = [b for guard in GUARDS for b in guard(ws, ch, Stage.CONSOLIDATING)]
        stages.check(ws.state(ch), Stage.CONSOLIDATING, "round-close", blockers)
    rnd.closed, rnd.closed_by = ws.now(), actor.name
    subject = f"Close round {rnd.id}" + (" before its due date" if today < rnd.due else "")
    body = "Not returned: " + ", ".join(missing) if missing else "Every item returned or excused."
    trailers = [("Event", Event.ROUND_CLOSE.value), ("Round", rnd.id)]
    trailers += [("Chapter", ch) for ch in rnd.chapter_ids()]
    trailers += [("Stage", Stage.CONSOLIDATING.value)]
    ws.commit(records.round_file(rnd), subject, trailers, actor, body=body)
    return rnd, missing
