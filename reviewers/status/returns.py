"""Returns as status shows them: the grid of a chapter's current round (returned, returned with
remarks, awaited, missing, excused, not sent), the returns on earlier rounds that arrived after
it opened, and who owes what.

Remark counts come from the ``Remarks:`` trailer intake writes on each return commit, so no
remark file is read.
"""

from __future__ import annotations

from drafts.models import CommitRecord, Event
from drafts.workspace import Workspace
from reviewers.models import ItemState, ReturnRecord, Round, RoundStatus
from reviewers.rounds.tracking import ReturnIndex, return_records, round_status
from reviewers.status.models import Cell, LateReturn, Owing, ReturnCell

_CELL: dict[ItemState, Cell] = {
    ItemState.RETURNED: "returned",
    ItemState.RETURNED_LATE: "returned",
    ItemState.EXCUSED: "excused",
    ItemState.MISSING: "missing",
    ItemState.LATE: "missing",
    ItemState.SENT: "awaited",
    ItemState.UNSENT: "not sent",
}
#: cells of a reviewer who still owes the return
OWED: tuple[Cell, ...] = ("awaited", "missing", "not sent")


class Returns:
    """Every round's status and returns, each read once."""

    def __init__(self, ws: Workspace, rounds: list[Round]) -> None:
        self.ws = ws
        self.rounds = {r.id: r for r in rounds}
        self._status: dict[str, RoundStatus] = {}
        index = self.index = ReturnIndex.of(ws)  # the ledger's commits: no full read
        self.remarks_in: dict[str, int] = {}  # return commit -> remarks it recorded
        self.by_chapter: dict[tuple[str, str], int] = {}  # (round, chapter) -> remarks
        for c in index.commits.values():
            if c.value("Event") == Event.RETURN.value:
                self._count(c)
        self._records: dict[str, list[ReturnRecord]] = {}  # round -> its returns, when asked
        self._late: dict[str, list[ReturnRecord]] = {}  # round -> earlier rounds' returns since

    def records(self, round_id: str) -> list[ReturnRecord]:
        """The returns of round ``round_id``, oldest first (read when first asked for)."""
        if round_id not in self._records:
            found = return_records(self.ws, self.rounds[round_id], self.index)
            self._records[round_id] = found
        return self._records[round_id]

    def _count(self, c: CommitRecord) -> None:
        n = int(c.value("Remarks") or 0) if (c.value("Remarks") or "0").isdigit() else 0
        self.remarks_in[c.sha] = n
        chapters = c.values("Chapter")
        if c.value("Round") and chapters:  # a return on several chapters: counted on the first
            key = (c.value("Round") or "", chapters[0])
            self.by_chapter[key] = self.by_chapter.get(key, 0) + n

    def status(self, round_id: str) -> RoundStatus:
        if round_id not in self._status:
            self._status[round_id] = round_status(self.ws, round_id, self.index)
        return self._status[round_id]

    def cells(self, round_id: str, chapter: str) -> list[ReturnCell]:
        """Return one cell per reviewer of ``chapter`` in round ``round_id``."""
        returned = {(r.reviewer, r.chapter): r for r in reversed(self.records(round_id))}
        found = []
        for item in self.status(round_id).items:
            if item.chapter != chapter:
                continue
            state = _CELL[item.state]
            ret = returned.get((item.reviewer, chapter))
            remarks = self.remarks_in.get(ret.commit, 0) if ret and state == "returned" else 0
            found.append(
                ReturnCell(
                    reviewer=item.reviewer,
                    name=item.name,
                    state="remarks" if remarks else state,
                    remarks=remarks,
                    returned_at=item.returned_at,
                )
            )
        return found

    def late(self, current: str, chapter: str) -> list[LateReturn]:
        """Returns on earlier rounds of ``chapter`` recorded after round ``current`` opened."""
        if current not in self._late:  # the other rounds' returns received since, read once
            opened = self.rounds[current].opened
            self._late[current] = [
                r
                for rid, rnd in self.rounds.items()
                if rid != current
                for r in return_records(self.ws, rnd, self.index, since=opened)
            ]
        found = [
            LateReturn(
                round=r.round,
                reviewer=r.reviewer,
                at=r.at,
                remarks=self.remarks_in.get(r.commit, 0),
            )
            for r in self._late[current]
            if r.chapter == chapter
        ]
        return sorted(found, key=lambda r: r.at)


def owing(ws: Workspace, cells: dict[str, list[ReturnCell]]) -> list[Owing]:
    """Return each reviewer who owes a return, with the chapters (from ``{chapter: cells}``)."""
    owed: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for chapter, row in cells.items():
        for cell in row:
            if cell.state in OWED:
                owed.setdefault(cell.reviewer, []).append(chapter)
                names[cell.reviewer] = cell.name
    emails = {p.id: p.email for p in ws.people}
    return [
        Owing(reviewer=r, name=names[r], email=emails.get(r, ""), chapters=chs)
        for r, chs in sorted(owed.items(), key=lambda kv: (-len(kv[1]), names[kv[0]]))
    ]
