"""``penholder consolidate CH --round Rk``: one chapter's round merged into the files drafters
live in before an EGM, committed to the workspace.

    consolidated/<round>/<chapter>/consolidated.docx   base revision + every suggestion tracked
    consolidated/<round>/<chapter>/matrix.xlsx         the comment-resolution matrix
    consolidated/<round>/<chapter>/matrix.docx         the same matrix as a Word table
    consolidated/<round>/<chapter>/matrix.json         its rows (ids, remark ids, flags)

Late returns on the chapter from earlier rounds, received after this round opened, are merged
too: made on an older revision, they are rebased onto this round's base (``reviewers.consolidate.rebase``).

What to write and commit is decided by ``reviewers.consolidate.plan`` (pure); this module renders,
writes and commits. The base is the round's one render (restamped, ``RenderCache``); page and
line come from LibreOffice's layout of it, made once when the packets were sent and kept beside
the render (``reviewers.consolidate.pagelines.KeptLayout``), laid out here only when missing;
when LibreOffice cannot lay it out (missing, failed, timed out) the matrix gives the paragraph
number only and says, in its title block, that page and line are missing and why; the result's
``pages_missing`` says it to the command.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from drafts import blockstore, layout
from drafts.blocks import BlockMap
from drafts.core.errors import NotFound, StageRefused
from drafts.core.progress import current
from drafts.workspace import Actor, Workspace
from reviewers.consolidate.matrix_docx import write_docx
from reviewers.consolidate.matrix_xlsx import write_xlsx
from reviewers.consolidate.models import Matrix
from reviewers.consolidate.pagelines import KeptLayout, LayoutError, page_lines
from reviewers.consolidate.plan import locate, plan_consolidation
from reviewers.consolidate.tracked_docx import write_consolidated
from reviewers.intake.remarks import ReturnRemarks, load_all
from reviewers.models import Round
from reviewers.rounds import records


class Consolidated(BaseModel):
    """What a consolidation wrote (paths relative to the workspace) and counted."""

    model_config = ConfigDict(frozen=True)

    folder: str
    docx: str
    xlsx: str
    matrix_docx: str
    rows: int
    remarks: int
    conflicts: int
    stale: int
    commit: str
    #: why the matrix has no page and line numbers ("" when it has them)
    pages_missing: str = ""


def _base_revision(ws: Workspace, chapter: str, round_id: str) -> tuple[Round, int]:
    rnd = records.load_round(ws, round_id)
    base_rev = next((c.revision for c in rnd.chapters if c.chapter == chapter), None)
    if base_rev is None:
        raise NotFound(
            f"chapter {chapter} is not in round {round_id} (chapters: "
            f"{', '.join(rnd.chapter_ids())})"
        )
    return rnd, base_rev


def _number(round_id: str | None) -> int:
    return int(round_id[1:]) if round_id and round_id[1:].isdigit() else 0


def returns_of(ws: Workspace, chapter: str, rnd: Round) -> list[ReturnRemarks]:
    """The round's returns on ``chapter``, and late returns on it from earlier rounds received
    after this round opened (rebased onto this round's base revision rather than lost)."""
    found = []
    for s in load_all(ws, chapter):
        earlier = 0 < _number(s.round) < _number(rnd.id)  # rounds are numbered as they open
        late = earlier and s.received is not None and s.received >= rnd.opened
        if s.round == rnd.id or late:
            found.append(s)
    return found


def older_maps(
    ws: Workspace, chapter: str, sets: list[ReturnRemarks], base: int
) -> dict[int, BlockMap]:
    """The block maps of the older revisions late remarks were made on."""
    revisions = {r.revision for s in sets for r in s.remarks} - {base}
    return {n: blockstore.load(ws, chapter, n) for n in revisions}


def _unimported(ws: Workspace, chapter: str, round_id: str, discard: bool) -> None:
    """Refuse when a matrix file in the workspace was edited and not imported (or drop the
    edits when ``discard``): consolidating again rewrites it."""
    paths = [layout.matrix_file(round_id, chapter, suffix) for suffix in (".xlsx", ".docx")]
    edited = ws.unsaved_edits(dict.fromkeys(paths))
    if not edited:
        return
    if not discard:
        raise StageRefused(
            f"{edited[0]} was edited and its answers are not imported yet; import them with "
            f"`penholder matrix import {chapter} --round {round_id} {edited[0]}` first, or "
            "consolidate with --discard-edits to drop the edits",
            rule="unimported-matrix",
        )
    for path in edited:
        (ws.root / path).write_bytes(ws.committed(path) or b"")


def consolidate(
    ws: Workspace,
    chapter: str,
    round_id: str,
    actor: Actor,
    *,
    answers: Callable[[Matrix], Matrix] | None = None,
    discard_edits: bool = False,
) -> Consolidated:
    """Merge the round's remarks on ``chapter``; write and commit the consolidated files.

    ``answers`` fills the recorded dispositions into the matrix before its files are written
    (the decide stage supplies it), so consolidating again never loses an answer.
    """
    _unimported(ws, chapter, round_id, discard_edits)
    rnd, base_rev = _base_revision(ws, chapter, round_id)
    sets = returns_of(ws, chapter, rnd)
    if not sets:
        raise StageRefused(
            f"no returns yet for chapter {chapter} in round {round_id}; nothing to consolidate "
            f"(see `penholder round status {round_id}`)",
            rule="nothing-to-consolidate",
        )
    base = blockstore.load(ws, chapter, base_rev)
    folder = layout.consolidated(round_id, chapter)
    with tempfile.TemporaryDirectory(prefix="penholder-consolidate-") as tmp:
        work = Path(tmp)
        step = current()
        what = f"chapter {chapter}: consolidating"
        step(what, 0, 4)
        kept = KeptLayout(ws, round_id, chapter, base_rev)  # the round's one render
        rendered = kept.render(work / "base.docx")
        stored = kept.load()  # laid out when the packets were sent
        step(what, 1, 4)
        with ThreadPoolExecutor(max_workers=1) as pool:  # else LibreOffice lays out meanwhile
            pages = None if stored is not None else pool.submit(page_lines, rendered, base.blocks)
            plan = plan_consolidation(
                sets,
                base,
                older_maps(ws, chapter, sets, base_rev),
                {p.id: p for p in ws.people},
                guideline=ws.guideline.title,
                chapter_title=ws.front(chapter, ws.text(chapter, base_rev)).title,
                round_id=round_id,
                organisation=ws.guideline.organisation,
            )
            write_consolidated(rendered, plan.result, base, work / "consolidated.docx", ws.now())
            step(what, 2, 4)
            try:
                if pages is not None:
                    stored = pages.result()
                    kept.keep(stored)
                locate(plan, dict(stored or {}))
            except LayoutError as e:  # said in the matrix and by the command, never silently
                locate(plan, {})
                plan.matrix.pages_missing = (
                    f"{e} (the matrix gives paragraph numbers; consolidate again to add them)"
                )
        step(what, 3, 4)
        shown = answers(plan.matrix) if answers is not None else plan.matrix
        write_xlsx(shown, work / "matrix.xlsx")
        write_docx(shown, work / "matrix.docx", ws.guideline)
        files: dict[str, bytes | None] = {
            f"{folder}/{name}": (work / name).read_bytes()
            for name in ("consolidated.docx", "matrix.xlsx", "matrix.docx")
        }
    matrix_json = plan.matrix.model_dump_json(indent=1).encode("utf-8")
    files[layout.matrix_json(round_id, chapter)] = matrix_json
    sha = ws.commit(files, plan.subject, plan.trailers, actor)
    step(what, 4, 4)
    return Consolidated(
        folder=folder,
        docx=f"{folder}/consolidated.docx",
        xlsx=f"{folder}/matrix.xlsx",
        matrix_docx=f"{folder}/matrix.docx",
        rows=len(plan.matrix.rows),
        remarks=plan.remarks,
        conflicts=plan.conflicts,
        stale=plan.stale,
        commit=sha,
        pages_missing=plan.matrix.pages_missing,
    )
