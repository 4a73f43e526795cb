"""The status page as HTML, from ``build_status`` and the Jinja2 templates in ``templates/web/``.

``index(ws, st)`` is the overview (header, chapters, returns grid, blockers, charts) linking to
``chapter(ws, st, id)`` pages; ``standalone(ws, st)`` is the same overview with every chapter's
page as a section of one self-contained file (CSS and SVG inline, links within the file).
Nothing here writes or changes the workspace.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from pydantic import BaseModel

from drafts.core.resources import template
from drafts.workspace import Workspace
from flows.web import charts
from reviewers.status import Status
from reviewers.status.history import chapter_history, open_rows_over_time, rows_by_disposition
from reviewers.status.models import ReturnCell

LABELS = {
    "returned": "returned",
    "remarks": "returned with remarks",
    "awaited": "awaited",
    "missing": "missing",
    "excused": "excused",
    "not sent": "not sent",
}
WEB = "web"


class GridRow(BaseModel):
    reviewer: str
    name: str
    cells: list[ReturnCell | None]
    returned: int
    owed: int


class Grid(BaseModel):
    chapters: list[tuple[str, str]]  # (chapter, its current round)
    reviewers: list[GridRow]


@cache
def _env() -> Any:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    return Environment(
        loader=FileSystemLoader(str(template(WEB))),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=False,
    )


@cache
def _css() -> str:
    return template(WEB + "/style.css").read_text(encoding="utf-8")


def grid(st: Status) -> Grid:
    """The reviewer x chapter grid of every chapter's current round, owing reviewers first."""
    chapters = [c for c in st.chapters if c.round and c.returns]
    by: dict[str, dict[str, ReturnCell]] = {}
    for c in chapters:
        for cell in c.returns:
            by.setdefault(cell.reviewer, {})[c.id] = cell
    rows = []
    for reviewer, cells in by.items():
        row = [cells.get(c.id) for c in chapters]
        rows.append(
            GridRow(
                reviewer=reviewer,
                name=next(iter(cells.values())).name,
                cells=row,
                returned=sum(1 for x in row if x and x.state in ("returned", "remarks")),
                owed=sum(1 for x in row if x and x.state in ("awaited", "missing", "not sent")),
            )
        )
    rows.sort(key=lambda r: (-r.owed, r.name))
    return Grid(chapters=[(c.id, c.round or "") for c in chapters], reviewers=rows)


def _context(ws: Workspace, st: Status, link: Callable[[str], str], standalone: bool) -> dict:
    return {
        "st": st,
        "css": _css(),
        "labels": LABELS,
        "link": link,
        "home": "/",
        "standalone": standalone,
    }


def page_charts(ws: Workspace, st: Status) -> list[charts.Chart]:
    """The three charts of the overview."""
    egms = sorted(ws.egms, key=lambda e: e.start)
    return [
        charts.burndown(open_rows_over_time(ws), st.today, st.next_egm),
        charts.dispositions(rows_by_disposition(ws)),
        charts.timeline(st.rounds, egms, st.today),
    ]


def index(ws: Workspace, st: Status, *, standalone: bool = False) -> str:
    """The overview page (links to ``/chapter/<id>``, or to sections when ``standalone``)."""
    link = (lambda ch: f"#chapter-{ch}") if standalone else (lambda ch: f"/chapter/{ch}")
    sections = [_chapter_body(ws, st, c.id, link) for c in st.chapters] if standalone else []
    return str(
        _env()
        .get_template("index.html.j2")
        .render(
            **_context(ws, st, link, standalone),
            page_title=f"Status: {st.guideline}",
            grid=grid(st),
            charts=page_charts(ws, st),
            sections=sections,
        )
    )


def _chapter_body(ws: Workspace, st: Status, chapter: str, link: Callable[[str], str]) -> str:
    found = next(c for c in st.chapters if c.id == chapter)
    return str(
        _env()
        .get_template("chapter_body.html.j2")
        .render(chapter=found, history=chapter_history(ws, chapter), labels=LABELS, link=link)
    )


def chapter(ws: Workspace, st: Status, chapter: str) -> str | None:
    """A chapter's page, or None when ``st`` has no such chapter."""
    found = next((c for c in st.chapters if c.id == chapter), None)
    if found is None:
        return None
    return str(
        _env()
        .get_template("chapter.html.j2")
        .render(
            **_context(ws, st, lambda ch: f"/chapter/{ch}", False),
            page_title=f"Chapter {chapter}: {found.title}",
            chapter=found,
            history=chapter_history(ws, chapter),
        )
    )


def standalone(ws: Workspace, st: Status) -> str:
    """The overview and every chapter in one self-contained HTML file."""
    return index(ws, st, standalone=True)
