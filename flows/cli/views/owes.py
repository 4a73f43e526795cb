"""``penholder owes``: per person, what they still owe across every open round."""

from __future__ import annotations

from typing import Annotated

import typer

from flows.cli.common import JsonOpt, WorkspaceOpt, open_workspace, print_json
from flows.cli.shell import complete


def owes(
    reviewer: Annotated[
        str | None,
        typer.Option("--reviewer", help="Only this person.", autocompletion=complete.people),
    ] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Who still owes what across all open rounds: items, due dates, last and next reminder."""
    from reviewers.status.owes import owes as owed

    people = owed(open_workspace(workspace))
    if reviewer is not None:
        people = [p for p in people if p.reviewer == reviewer]
    if as_json:
        print_json({"owes": people, "items": sum(len(p.items) for p in people)})
        return
    from rich.console import Console
    from rich.table import Table

    total = sum(len(p.items) for p in people)
    table = Table(title=f"{len(people)} people owe {total} returns in open rounds")
    for col in ("person", "owes", "due", "last reminder", "next reminder"):
        table.add_column(col, no_wrap=col != "owes")
    for p in people:
        owed_items = ", ".join(
            f"{i.round} ch. {i.chapter}"
            + (f" ({i.days_overdue} days late)" if i.days_overdue else "")
            for i in p.items
        )
        dues = ", ".join(sorted({i.due.isoformat() for i in p.items}))
        table.add_row(
            f"{p.name} ({p.reviewer})",
            owed_items,
            dues,
            p.last_reminder.isoformat() if p.last_reminder else "",
            p.next_reminder.isoformat() if p.next_reminder else "",
        )
    Console(width=160).print(table)
