"""``penholder dispose``, ``dispositions``, ``matrix import``, ``revise`` and ``letters``.

State-changing commands run a flow of ``flows/decide.py``; ``dispositions`` reads the domain
only and never imports Prefect.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from flows.cli.common import AsOpt, JsonOpt, WorkspaceOpt, open_workspace, print_json, run_flow

if TYPE_CHECKING:
    from drafts.workspace import Workspace

ChapterArg = Annotated[str, typer.Argument(help="Chapter id, e.g. 03.")]
RoundOpt = Annotated[str, typer.Option("--round", help="The review round, e.g. R1.")]
matrix_app = typer.Typer(help="The comment-resolution matrix.", no_args_is_help=True)


def _chapter_of(ws: Workspace, ids: list[str], round_id: str | None) -> tuple[str, str]:
    """Find the chapter and round of remark or row ids (``R1-03-004``: round R1, chapter 03)."""
    from drafts.core.errors import NotFound

    found = set()
    for rid in ids:
        head, _, number = rid.rpartition("-")
        rnd, _, chapter = head.partition("-")
        if not (rnd and chapter and number.isdigit()):
            raise NotFound(
                f"{rid} is not a row or remark id (they read like R1-03-004: round, chapter, "
                "number); list them with `penholder dispositions CH --round Rk`"
            )
        found.add((chapter, round_id or rnd))
    if len(found) > 1:
        raise NotFound(
            f"the ids name several chapters or rounds ({', '.join(sorted(ids))}); answer one "
            "chapter and round at a time"
        )
    chapter, rnd = found.pop()
    ws.require_chapter(chapter)
    return chapter, rnd


def dispose(
    ids: Annotated[list[str], typer.Argument(help="Row or remark ids, then the answer.")],
    response: Annotated[
        str, typer.Option("--response", help="The response the expert will read.")
    ] = "",
    text: Annotated[
        str | None, typer.Option("--text", help="The text adopted (for modified).")
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Withdraw the rows' answers.")] = False,
    workspace: WorkspaceOpt = None,
    who: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Answer rows: `penholder dispose ID... accepted|modified|noted|rejected` (or --clear)."""
    from drafts.core.errors import PenholderError
    from reviewers.decide.models import WORDS, Answer, parse

    names = list(ids)
    word = None
    if not clear:
        if len(names) < 2 or parse(names[-1]) is None:
            raise PenholderError(
                "name the rows, then the answer: `penholder dispose R1-03-004 accepted` (one "
                f"of {', '.join(WORDS)}, or the matrix's words), or --clear"
            )
        word = parse(names.pop())
    ws = open_workspace(workspace)
    chapter, round_id = _chapter_of(ws, names, None)
    answers = [Answer(row=i, disposition=word, response=response, adopted=text) for i in names]
    done = run_flow(
        "decide:dispose",
        workspace=str(ws.root),
        chapter=chapter,
        round_id=round_id,
        answers=answers,
        who=who,
    )
    if as_json:
        print_json(done)
        return
    for line in done.changes or [f"chapter {chapter}, round {round_id}: nothing changed"]:
        typer.echo(line)


def dispositions(
    chapter: ChapterArg,
    round_id: RoundOpt,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Every row of the round with its answer (or none yet)."""
    from reviewers.decide.store import load_log, load_matrix

    ws = open_workspace(workspace)
    matrix = load_matrix(ws, chapter, round_id)
    current = load_log(ws, chapter, round_id).current()
    rows = []
    for row in matrix.rows:
        d = current.get(row.id)
        rows.append(
            {
                "id": row.id,
                "remarks": row.remarks,
                "kind": row.kind,
                "flags": row.flags,
                "disposition": d.disposition if d else None,
                "response": d.response if d else "",
                "adopted": d.adopted if d else None,
                "by": d.by if d else None,
                "at": d.at.isoformat() if d else None,
                "source": d.source if d else None,
            }
        )
    if as_json:
        print_json({"chapter": chapter, "round": round_id, "rows": rows})
        return
    answered = sum(1 for r in rows if r["disposition"])
    typer.echo(f"chapter {chapter}, round {round_id}: {answered} of {len(rows)} rows answered")
    for r in rows:
        flags = f" [{', '.join(r['flags'])}]" if r["flags"] else ""
        answer = r["disposition"] or "open"
        typer.echo(
            f"{r['id']:<12} {r['kind']:<8} {answer:<9}{flags} {r['response'] or ''}".rstrip()
        )


@matrix_app.command("import")
def matrix_import(
    chapter: ChapterArg,
    round_id: RoundOpt,
    file: Annotated[
        Path,
        typer.Argument(
            help="The filled-in matrix (.xlsx or .docx), or the consolidated .docx decided in Word."
        ),
    ],
    workspace: WorkspaceOpt = None,
    who: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record answers from a filled-in matrix or a consolidated file decided in Word (by id)."""
    from drafts.core.errors import NotFound

    if not file.is_file():
        raise NotFound(f"{file} does not exist or is not a file; name the filled-in matrix")
    ws = open_workspace(workspace)
    done = run_flow(
        "decide:import_matrix",
        workspace=str(ws.root),
        chapter=chapter,
        round_id=round_id,
        file=str(file.resolve()),
        who=who,
    )
    if as_json:
        print_json(done)
        return
    for line in done.recorded.changes or [f"{file.name}: no answer changed"]:
        typer.echo(line)
    if done.missing:
        typer.echo(
            f"{file.name} has no row {', '.join(done.missing)} (deleted?): their answers are "
            "unchanged"
        )
    if done.pending:
        typer.echo(f"still undecided in {file.name}: {', '.join(done.pending)}")
    for row, why in done.unread.items():
        typer.echo(f"not read from {file.name}: {row}: {why}")


def revise(
    chapter: ChapterArg,
    round_id: RoundOpt,
    workspace: WorkspaceOpt = None,
    who: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Apply every accepted and modified row as a new revision (Resolves lists the remarks)."""
    ws = open_workspace(workspace)
    ws.require_chapter(chapter)
    done = run_flow(
        "decide:revise_chapter",
        workspace=str(ws.root),
        chapter=chapter,
        round_id=round_id,
        who=who,
    )
    if as_json:
        print_json(done)
        return
    typer.echo(
        f"chapter {chapter}: revision {done.revision}, {len(done.applied)} rows applied, "
        f"{len(done.resolves)} remarks resolved ({done.commit[:10]})"
    )
    for row, why in done.skipped:
        typer.echo(f"not applied, still open: {row}: {why}")


def letters(
    chapter: ChapterArg,
    round_id: RoundOpt,
    workspace: WorkspaceOpt = None,
    who: AsOpt = None,
) -> None:
    """Write and send each expert a letter: how each of their remarks was addressed."""
    ws = open_workspace(workspace)
    ws.require_chapter(chapter)
    done = run_flow(
        "decide:letters", workspace=str(ws.root), chapter=chapter, round_id=round_id, who=who
    )
    typer.echo(f"chapter {chapter}, round {round_id}: {len(done.files)} letters written")
    for rel in done.files:
        typer.echo(str(ws.root / rel))
    if done.sent:
        typer.echo(f"{len(done.sent)} sent (the outbox holds them without SMTP)")
