"""What consolidating a chapter's round decides, without the workspace, pandoc or LibreOffice.

``plan_consolidation(...)`` merges the remarks (``reviewers.consolidate.merge``; late returns
made on older revisions are rebased onto the base there), builds the ``Matrix`` and counts what
the commit says: remarks, rows, conflicts, rows that no longer apply. ``locate(plan, pages)``
gives each row the page and line LibreOffice found for its block (rows stay without them when
LibreOffice could not lay the chapter out). ``reviewers.consolidate.build`` does the rest:
render, write, commit.
"""

from __future__ import annotations

from dataclasses import dataclass

from drafts.blocks import BlockMap
from drafts.core.errors import WorkspaceError
from drafts.models import Event, Person
from reviewers.consolidate.merge import SECRETARIAT, Consolidation, merge
from reviewers.consolidate.models import Matrix
from reviewers.intake.remarks import ReturnRemarks


@dataclass
class ConsolidationPlan:
    """A chapter's round merged: what to write (tracked edits, matrix) and what to commit."""

    result: Consolidation
    matrix: Matrix
    remarks: int
    conflicts: int
    stale: int
    subject: str
    trailers: list[tuple[str, str]]


def plan_consolidation(
    sets: list[ReturnRemarks],
    base: BlockMap,
    older: dict[int, BlockMap],
    people: dict[str, Person],
    *,
    guideline: str,
    chapter_title: str,
    round_id: str,
    organisation: str = SECRETARIAT,
) -> ConsolidationPlan:
    """Merge ``sets`` onto ``base`` (``older`` holds the block maps of older revisions);
    ``organisation`` (the drafters') authors the comments that link conflicts and name the
    supporters of duplicates."""
    refuse_duplicate_ids(sets, round_id)
    remarks = [r for s in sets for r in s.remarks]
    result = merge(remarks, base, older, people, organisation=organisation)
    chapter = base.chapter
    matrix = Matrix(
        guideline=guideline,
        chapter=chapter,
        chapter_title=chapter_title,
        round=round_id,
        revision=base.revision,
        rows=result.rows,
    )
    conflicts = sum("conflict" in r.flags for r in result.rows)
    stale = sum("no longer applies" in r.flags for r in result.rows)
    subject = (
        f"Consolidate chapter {chapter}, round {round_id}: {len(remarks)} remarks in "
        f"{len(result.rows)} rows ({conflicts} in conflict, {stale} no longer apply)"
    )
    trailers = [("Event", Event.CONSOLIDATE.value), ("Round", round_id), ("Chapter", chapter)]
    return ConsolidationPlan(result, matrix, len(remarks), conflicts, stale, subject, trailers)


def refuse_duplicate_ids(sets: list[ReturnRemarks], round_id: str) -> None:
    """Raise WorkspaceError when two remarks share an id: a row is one remark's, and its mark
    (``rm_<id>``) must name one row; such ids came from intakes that ran at once, unlocked."""
    holders: dict[str, list[ReturnRemarks]] = {}
    for s in sets:
        for r in s.remarks:
            holders.setdefault(r.id, []).append(s)
    twice = sorted(rid for rid, held in holders.items() if len(held) > 1)
    if not twice:
        return
    first = holders[twice[0]]
    files = " and ".join(sorted({f"{s.file} ({s.sha256[:12]})" for s in first}))
    more = f" (and {len(twice) - 1} more ids)" if len(twice) > 1 else ""
    raise WorkspaceError(
        f"remark id {twice[0]}{more} of round {round_id} is held by more than one remark, "
        f"from {files}: intakes ran at once before penholder let one writer in at a time; "
        "revert the commit that recorded the later return (`git revert COMMIT`) and take its "
        "file again with `penholder return add`, then consolidate"
    )


def locate(plan: ConsolidationPlan, pages: dict[str, tuple[int | None, int | None]]) -> None:
    """Give each row the (page, line) of its block in ``pages``; None where unknown."""
    for row in plan.matrix.rows:
        row.page, row.line = pages.get(row.block or "", (None, None))
