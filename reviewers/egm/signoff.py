"""Sign-off at an EGM: a request, then a typed human decision, recorded exactly once.

``request(ws, chapter, egm_id, actor)`` runs the chapter's readiness gate (``reviewers.egm.gate``)
and commits the request (``Event: signoff-request`` with ``EGM`` and ``Revision``); refused: a
chapter not on the EGM's agenda, one that is not ready (its blockers named), a second request
while one waits. A request waits until decided; an edit, import, revise or stage move of the
chapter cancels it (``waiting``).

``decide(ws, chapter, decision, actor)`` takes a ``SignoffDecision`` (approver id, role,
``approve`` or ``return``, conditions, date); only a person whose roles include ``signoff``
decides, anyone else is refused by name. ``approve`` moves the chapter to ``signed_off``
(``Event: signoff``, ``Signed-Revision``) and tags its revision in git (``egm/<EGM>/<chapter>``,
annotated with the approver and the decision): the stage rules then freeze its text until
``chapter stage CH --to drafting --next-cycle``. ``return`` sends it back to ``revising`` with
each condition recorded as a row of its own (``EGM1-03-001``: ``consolidated/<EGM>/<chapter>/
matrix.json``), answered with ``penholder dispose`` like any other row and counted by the
``ready_for_egm`` guard. A decision with no request waiting is refused, so it happens once.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from drafts import chapters, layout
from drafts.core.errors import NotFound, StageRefused
from drafts.models import Event, Role, Stage
from drafts.workspace import Actor, Workspace
from reviewers.consolidate.models import Matrix, Row, Supporter
from reviewers.egm.calendar import find
from reviewers.egm.gate import ChapterReadiness, chapter_readiness

#: events on a chapter after which a waiting request no longer stands
CANCELS = {"new-revision", "import", "revise", "stage", "next-cycle", "signoff"}


class SignoffDecision(BaseModel):
    """A sign-off decision, as a person gives it (the input a waiting request expects)."""

    approver: str = Field(description="person id from people.yaml")
    role: Literal["signoff"] = "signoff"
    decision: Literal["approve", "return"]
    conditions: list[str] = Field(default_factory=list)
    date: date


class Request(BaseModel):
    """A sign-off request waiting for a decision."""

    chapter: str
    egm: str
    revision: int
    requested_by: str
    at: datetime
    commit: str
    run: str | None = None  # the Prefect flow run waiting for the decision, if any


def waiting(ws: Workspace) -> list[Request]:
    """Return every request still waiting, oldest first (see module docstring)."""
    open_: dict[str, Request] = {}
    for c in ws.history():
        event = c.value("Event")
        for chapter in c.values("Chapter"):
            if event == Event.SIGNOFF_REQUEST.value:
                open_[chapter] = Request(
                    chapter=chapter,
                    egm=c.value("EGM") or "",
                    revision=int(c.value("Revision") or 0),
                    requested_by=c.author,
                    at=c.date,
                    commit=c.sha,
                    run=c.value("Prefect-Run"),
                )
            elif event in CANCELS:
                open_.pop(chapter, None)
    return sorted(open_.values(), key=lambda r: r.at)


def pending(ws: Workspace, chapter: str) -> Request | None:
    """Return the request waiting for ``chapter``'s sign-off, if any."""
    return next((r for r in waiting(ws) if r.chapter == chapter), None)


def check_request(ws: Workspace, chapter: str, egm_id: str) -> ChapterReadiness:
    """Refuse a request that may not be made (see module docstring); return the gate's answer."""
    egm = find(ws, egm_id)
    ws.require_chapter(chapter)
    if chapter not in egm.agenda:
        raise StageRefused(
            f"chapter {chapter} is not on the agenda of {egm.id} ({', '.join(egm.agenda)}); add "
            f"it with `penholder egm agenda {egm.id} --add {chapter}`",
            rule="not-on-agenda",
        )
    if pending(ws, chapter) is not None:
        raise StageRefused(
            f"a sign-off request for chapter {chapter} is already waiting; decide it with "
            f"`penholder signoff decide {chapter} --approve|--return`",
            rule="request-waiting",
        )
    ready = chapter_readiness(ws, chapter)
    if not ready.ready or ready.stage != Stage.READY_FOR_EGM:
        why = "; ".join(ready.blockers) or f"it is {ready.stage.value}"
        raise StageRefused(
            f"chapter {chapter} cannot be signed off at {egm.id}: {why}", rule="not-ready"
        )
    return ready


def request(ws: Workspace, chapter: str, egm_id: str, actor: Actor, run: str | None = None) -> str:
    """Commit a sign-off request for ``chapter`` at ``egm_id``; return the commit.

    ``run`` is the flow run that will wait for the decision: when a request of that run already
    waits (the run started again after it was suspended), that request is returned, not a new
    one, so the code before the waiting point is idempotent.
    """
    mine = pending(ws, chapter)
    if run is not None and mine is not None and mine.run == run:
        return mine.commit
    ready = check_request(ws, chapter, egm_id)
    egm = find(ws, egm_id)
    trailers = [
        ("Event", Event.SIGNOFF_REQUEST.value),
        ("Chapter", chapter),
        ("EGM", egm.id),
        ("Revision", str(ready.revision)),
    ]
    subject = f"Chapter {chapter}: sign-off requested at {egm.id} (revision {ready.revision})"
    return ws.commit({}, subject, trailers, actor)


def _approver(ws: Workspace, decision: SignoffDecision) -> str:
    person = ws.person(decision.approver)
    if Role.SIGNOFF not in person.roles:
        roles = ", ".join(r.value for r in person.roles) or "none"
        raise StageRefused(
            f"{person.name} ({person.id}) may not sign off: their roles in people.yaml are "
            f"{roles}; a person with the signoff role decides",
            rule="not-a-signatory",
        )
    return person.name


def split_conditions(text: str) -> list[str]:
    """Return the conditions of ``text``: one per line or per ``;``, blanks dropped."""
    return [c.strip() for c in re.split(r"[;\n]", text) if c.strip()]


def _condition_rows(
    ws: Workspace, chapter: str, egm: str, req: Request, d: SignoffDecision
) -> Matrix:
    name = ws.person(d.approver).name
    rows = [
        Row(
            id=f"{egm}-{chapter}-{n:03d}",
            remarks=[f"{egm}-{chapter}-{n:03d}"],
            supporters=[
                Supporter(reviewer=d.approver, name=name, remark=f"{egm}-{chapter}-{n:03d}")
            ],
            chapter=chapter,
            round=egm,
            kind="comment",
            type="general",
            comment=text,
        )
        for n, text in enumerate(d.conditions, start=1)
    ]
    return Matrix(
        guideline=ws.guideline.title,
        chapter=chapter,
        chapter_title=ws.front(chapter).title,
        round=egm,
        revision=req.revision,
        rows=rows,
    )


def check_decision(ws: Workspace, chapter: str, d: SignoffDecision) -> Request:
    """Refuse a decision that may not be given (see module docstring); return its request."""
    req = pending(ws, chapter)
    if req is None:
        raise NotFound(
            f"no sign-off request waits for chapter {chapter}; request one with `penholder "
            f"signoff request {chapter} --egm EGM1`"
        )
    _approver(ws, d)
    if d.decision == "return" and not d.conditions:
        raise StageRefused(
            "a returned chapter needs its conditions (--conditions 'Add a section on ...; ...')",
            rule="return-without-conditions",
        )
    return req


def decided(ws: Workspace, request_commit: str) -> str | None:
    """Return the commit of the decision on the request ``request_commit``, if it was given."""
    for c in reversed(ws.history()):
        if c.value("Event") == Event.SIGNOFF.value and c.value("Request") == request_commit:
            return c.sha
    return None


def decide(
    ws: Workspace,
    chapter: str,
    d: SignoffDecision,
    actor: Actor,
    request_commit: str | None = None,
) -> str:
    """Apply a sign-off decision to the waiting request of ``chapter``; return the commit.

    Exactly once: the check and the commit happen under the workspace's writer lock, and when
    ``request_commit`` names a request already decided (the other of the two processes that may
    carry a decision got there first) its decision's commit is returned and nothing changes.
    """
    with ws.exclusive():
        done = decided(ws, request_commit) if request_commit else None
        return done or _apply(ws, chapter, d, actor)


def _apply(ws: Workspace, chapter: str, d: SignoffDecision, actor: Actor) -> str:
    req = check_decision(ws, chapter, d)
    name = ws.person(d.approver).name
    more = [("EGM", req.egm), ("Decision", d.decision), ("Approver", d.approver)]
    more += [("Condition", c) for c in d.conditions] + [("Request", req.commit)]
    if d.decision == "approve":
        sha = chapters.move_stage(
            ws, chapter, Stage.SIGNED_OFF, actor, via="sign-off", event=Event.SIGNOFF,
            more=more, guarded=False,
        )  # fmt: skip
        message = (
            f"{req.egm}: chapter {chapter} revision {req.revision} approved by {name} on {d.date}"
        )
        ws.tag(f"egm/{req.egm}/{chapter}", message, sha, actor)
        return sha
    matrix = _condition_rows(ws, chapter, req.egm, req, d)
    data = matrix.model_dump_json(indent=1).encode("utf-8")
    return chapters.move_stage(
        ws, chapter, Stage.REVISING, actor, via="sign-off", event=Event.SIGNOFF, more=more,
        guarded=False, files={layout.matrix_json(req.egm, chapter): data},
    )  # fmt: skip


class Outcome(BaseModel):
    """What an EGM decided on one chapter."""

    chapter: str
    egm: str
    decision: Literal["approve", "return"]
    approver: str
    revision: int
    conditions: list[str]
    at: datetime
    commit: str


def outcomes(ws: Workspace, egm_id: str | None = None) -> list[Outcome]:
    """Return every sign-off decision (at ``egm_id`` only, when given), oldest first."""
    revision_of: dict[str, int] = {}
    out: list[Outcome] = []
    for c in ws.history():
        event = c.value("Event")
        if event == Event.SIGNOFF_REQUEST.value:
            revision_of[c.sha] = int(c.value("Revision") or 0)
        elif event == Event.SIGNOFF.value and c.value("Decision") in ("approve", "return"):
            egm = c.value("EGM") or ""
            if egm_id is not None and egm != egm_id:
                continue
            out.append(
                Outcome(
                    chapter=c.value("Chapter") or "",
                    egm=egm,
                    decision="approve" if c.value("Decision") == "approve" else "return",
                    approver=c.value("Approver") or "",
                    revision=revision_of.get(c.value("Request") or "", 0),
                    conditions=c.values("Condition"),
                    at=c.date,
                    commit=c.sha,
                )
            )
    return out


def final_guard(ws: Workspace, chapter: str, target: Stage) -> list[str]:
    """A chapter becomes final only when signed off at the last EGM on the calendar."""
    if target != Stage.FINAL or not ws.egms:
        return []
    last = max(ws.egms, key=lambda e: e.start)
    mine = [o for o in outcomes(ws) if o.chapter == chapter]
    if mine and mine[-1].decision == "approve" and mine[-1].egm == last.id:
        return []
    at = f"it was last signed off at {mine[-1].egm}" if mine else "it has no sign-off"
    return [
        f"a chapter is final once signed off at {last.id}, the last EGM on the calendar, and {at}; "
        f"request it there (`penholder signoff request {chapter} --egm {last.id}`) or pass "
        f"--force --reason TEXT"
    ]
