"""Dispositions in the workspace: read the matrix and the answers, record new answers.

``load_matrix`` reads a consolidation's committed ``matrix.json`` (refusing, with the way out,
a chapter or round never consolidated); ``load_log`` the committed answers
(``dispositions/<round>/<chapter>.json``, empty when none yet). ``record_answers`` folds answers
in (``reviewers.decide.answers.plan_answers``), and commits the log together with the matrix
files rewritten from it (``matrix.xlsx``, ``matrix.docx``), so the files drafters open always
show every recorded answer. ``keep`` names a matrix file to commit as it is instead (the
drafter's own edited file, just imported).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from pydantic import BaseModel

from drafts import layout
from drafts.core.errors import NotFound, StageRefused
from drafts.models import Event, Guideline
from drafts.workspace import Actor, Workspace
from reviewers.consolidate.models import Matrix
from reviewers.decide.answers import fill, plan_answers
from reviewers.decide.models import Answer, DispositionLog


class Recorded(BaseModel):
    """What ``record_answers`` changed, and its commit (None when nothing changed)."""

    chapter: str
    round: str
    changes: list[str]
    commit: str | None


def load_matrix(ws: Workspace, chapter: str, round_id: str) -> Matrix:
    """Return the committed matrix of ``chapter`` in ``round_id``, or raise NotFound."""
    ws.require_chapter(chapter)
    data = ws.committed(layout.matrix_json(round_id, chapter))
    if data is None:
        raise NotFound(
            f"chapter {chapter} has no consolidation in round {round_id}; run "
            f"`penholder consolidate {chapter} --round {round_id}` first"
        )
    return Matrix.model_validate_json(data)


def load_log(ws: Workspace, chapter: str, round_id: str) -> DispositionLog:
    """Return every committed answer of ``chapter`` in ``round_id`` (empty when none)."""
    data = ws.committed(layout.dispositions(round_id, chapter))
    if data is None:
        return DispositionLog(round=round_id, chapter=chapter)
    return DispositionLog.model_validate_json(data)


def matrix_files(
    matrix: Matrix, log: DispositionLog, guideline: Guideline | None = None
) -> dict[str, bytes | None]:
    """Return the .xlsx and .docx matrix with every current answer filled in."""
    # imported here: openpyxl (and numpy under it) would cost every status read half a second
    from reviewers.consolidate.matrix_docx import write_docx
    from reviewers.consolidate.matrix_xlsx import write_xlsx

    filled = fill(matrix, log)
    round_id = matrix.round or "none"
    with tempfile.TemporaryDirectory(prefix="penholder-matrix-") as tmp:
        xlsx = write_xlsx(filled, Path(tmp) / "matrix.xlsx")
        docx = write_docx(filled, Path(tmp) / "matrix.docx", guideline)
        return {
            layout.matrix_file(round_id, matrix.chapter, ".xlsx"): xlsx.read_bytes(),
            layout.matrix_file(round_id, matrix.chapter, ".docx"): docx.read_bytes(),
        }


def record_answers(
    ws: Workspace,
    chapter: str,
    round_id: str,
    answers: list[Answer],
    actor: Actor,
    *,
    source: str = "cli",
    keep: dict[str, bytes] | None = None,
) -> Recorded:
    """Record ``answers`` (see module docstring); nothing is committed when nothing changes."""
    matrix = load_matrix(ws, chapter, round_id)
    if ws.state(chapter).stage.value in ("signed_off", "final"):
        raise StageRefused(
            f"chapter {chapter} is {ws.state(chapter).stage.value}: its answers are frozen; open "
            f"a new cycle with `penholder chapter stage {chapter} --to drafting --next-cycle`",
            rule="frozen",
        )
    log = load_log(ws, chapter, round_id)
    plan = plan_answers(matrix, log, answers, by=actor.name, at=ws.now(), source=source)
    if not plan.changes and not keep:
        return Recorded(chapter=chapter, round=round_id, changes=[], commit=None)
    files = matrix_files(matrix, plan.log, ws.guideline) | dict(keep or {})
    files[layout.dispositions(round_id, chapter)] = plan.log.model_dump_json(indent=1).encode()
    trailers = [("Event", Event.DISPOSE.value), ("Round", round_id), ("Chapter", chapter)]
    n = len(plan.changes)
    subject = f"Answer {n} row{'s' if n != 1 else ''} of chapter {chapter}, round {round_id}"
    sha = ws.commit(files, subject, trailers, actor, body="\n".join(plan.changes))
    return Recorded(chapter=chapter, round=round_id, changes=plan.changes, commit=sha)


class Imported(BaseModel):
    """What ``import_file`` read and recorded: the answers, and the rows it could not answer
    (``missing``: not in the file; ``pending``: still undecided in the consolidated file;
    ``unread``: row -> why the consolidated file gives no answer)."""

    kind: str
    recorded: Recorded
    missing: list[str]
    pending: list[str] = []
    unread: dict[str, str] = {}


def _is_matrix_docx(path: Path) -> bool:
    """True when ``path`` is a .docx holding a matrix table (a header with ``disposition``)."""
    from drafts.ooxml.read.grid import Grid, read_grid

    return any(
        isinstance(item, Grid) and item.rows and "disposition" in [c.lower() for c in item.rows[0]]
        for item in read_grid(path, str(path))
    )


def import_file(ws: Workspace, chapter: str, round_id: str, path: Path, actor: Actor) -> Imported:
    """Record the answers of a filled-in matrix (.xlsx or .docx) or of the consolidated .docx
    decided in Word or LibreOffice (told apart by content); the workspace's own matrix file is
    committed as it was edited."""
    from reviewers.decide.from_docx import decisions_from_consolidated
    from reviewers.decide.from_matrix import answers_from_matrix, is_xlsx

    matrix = load_matrix(ws, chapter, round_id)
    if not is_xlsx(path) and not _is_matrix_docx(path):
        drafters = {p.name for p in ws.people if "drafter" in [r.value for r in p.roles]}
        decided = decisions_from_consolidated(path, matrix, drafters)
        recorded = record_answers(ws, chapter, round_id, decided.answers, actor, source=path.name)
        conflicts = {
            r: "a conflict: answer it from the CLI or the matrix" for r in decided.conflicts
        }
        return Imported(
            kind="consolidated (.docx)",
            recorded=recorded,
            missing=[],
            pending=decided.pending,
            unread=dict(decided.missing) | conflicts,
        )
    found = answers_from_matrix(path, matrix)
    keep: dict[str, bytes] = {}
    suffix = ".xlsx" if is_xlsx(path) else ".docx"
    own = layout.matrix_file(round_id, chapter, suffix)
    if path.resolve() == (ws.root / own).resolve():
        keep[own] = path.read_bytes()
    recorded = record_answers(
        ws, chapter, round_id, found.answers, actor, source=path.name, keep=keep
    )
    kind = "matrix (.xlsx)" if suffix == ".xlsx" else "matrix (.docx)"
    return Imported(kind=kind, recorded=recorded, missing=found.missing)
