"""The ``penholder`` command line: a thin shell over flows (to change) and the domain (to read).

Every ``PenholderError`` becomes one line ``penholder: <message>`` on stderr and exit code 1.
"""

from __future__ import annotations

import os
import sys
import traceback

import typer

from flows.cli import (
    chapter,
    decide,
    egm,
    read,
    returns,
    rounds,
    signoff,
    status,
    word,
    workspace_cmds,
)
from flows.cli.shell import options
from flows.cli.views import owes
from flows.server import cli as server_cli

app = typer.Typer(
    name="penholder",
    help="Draft intergovernmental guidelines: chapters in git, Word out, every remark back in.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)
app.callback()(options.root)
app.command("init")(workspace_cmds.init)
app.command("status")(status.status)
app.command("web")(status.web)
app.add_typer(chapter.app, name="chapter")
app.add_typer(rounds.app, name="round")
app.command("owes")(owes.owes)
app.command("render")(word.render)
app.command("redline")(word.redline)
app.command("import")(word.import_docx)
app.command("read")(read.read)
app.add_typer(returns.returns_app, name="return")
app.add_typer(returns.inbox_app, name="inbox")
app.add_typer(returns.quarantine_app, name="quarantine")
app.command("remarks")(returns.remarks)
app.command("consolidate")(returns.consolidate)
app.command("dispose")(decide.dispose)
app.command("dispositions")(decide.dispositions)
app.add_typer(decide.matrix_app, name="matrix")
app.command("revise")(decide.revise)
app.command("letters")(decide.letters)
app.add_typer(egm.app, name="egm")
app.add_typer(signoff.app, name="signoff")
app.add_typer(server_cli.app, name="server")


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code (the console script calls ``sys.exit`` on it)."""
    with options.kept_environment():
        return _run(sys.argv[1:] if argv is None else list(argv))


def _run(argv: list[str]) -> int:
    from drafts.core.errors import PenholderError

    try:
        if "--json" in (argv[: argv.index("--")] if "--" in argv else argv):
            os.environ["PENHOLDER_JSON"] = "1"  # progress is never mixed with JSON
        command = typer.main.get_command(app)
        result = command.main(
            args=options.hoist(command, argv), prog_name="penholder", standalone_mode=False
        )
    except PenholderError as e:
        if options.debug():
            traceback.print_exc()
        sys.stderr.write(f"penholder: {e}\n")
        return 1
    except typer.Abort:
        sys.stderr.write("penholder: aborted\n")
        return 1
    except typer.Exit as e:
        return int(e.exit_code)
    except Exception as e:
        # usage errors: typer bundles its own click in newer releases, so match by interface
        show, code = getattr(e, "show", None), getattr(e, "exit_code", None)
        if callable(show) and isinstance(code, int):
            show()
            return code
        raise
    return result if isinstance(result, int) else 0


def entry() -> None:
    sys.exit(main())
