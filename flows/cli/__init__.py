"""The ``penholder`` command line: a thin shell over flows (to change) and the domain (to read).

Every ``PenholderError`` becomes one line ``penholder: <message>`` on stderr and exit code 1.
"""

from __future__ import annotations

import os
import sys
import traceback

import typer

from flows.cli.shell import options

HELP = "Draft intergovernmental guidelines: chapters in git, Word out, every remark back in."

#: every command of ``penholder``, in the order help lists them: its name, where it is defined
#: (``module:attribute``) and whether it is a group of commands (a typer app of its own)
COMMANDS: dict[str, tuple[str, bool]] = {
    "init": ("flows.cli.workspace_cmds:init", False),
    "status": ("flows.cli.status:status", False),
    "web": ("flows.cli.status:web", False),
    "chapter": ("flows.cli.chapter:app", True),
    "round": ("flows.cli.rounds:app", True),
    "owes": ("flows.cli.views.owes:owes", False),
    "render": ("flows.cli.word:render", False),
    "redline": ("flows.cli.word:redline", False),
    "import": ("flows.cli.word:import_docx", False),
    "read": ("flows.cli.read:read", False),
    "return": ("flows.cli.returns:returns_app", True),
    "inbox": ("flows.cli.returns:inbox_app", True),
    "quarantine": ("flows.cli.returns:quarantine_app", True),
    "remarks": ("flows.cli.returns:remarks", False),
    "consolidate": ("flows.cli.returns:consolidate", False),
    "dispose": ("flows.cli.decide:dispose", False),
    "dispositions": ("flows.cli.decide:dispositions", False),
    "matrix": ("flows.cli.decide:matrix_app", True),
    "revise": ("flows.cli.decide:revise", False),
    "letters": ("flows.cli.decide:letters", False),
    "egm": ("flows.cli.egm:app", True),
    "signoff": ("flows.cli.signoff:app", True),
    "server": ("flows.server.cli:app", True),
}


def build(names: list[str] | None = None) -> typer.Typer:
    """Return the ``penholder`` app with the commands ``names`` (None: every command), each
    module imported only when its command is: a command run from the shell builds itself alone
    (``_run``), so it never pays for the imports and parameters of the others."""
    import importlib

    built = typer.Typer(
        name="penholder",
        help=HELP,
        no_args_is_help=True,
        add_completion=True,
        pretty_exceptions_enable=False,
    )
    built.callback()(options.root)
    for name, (where, group) in COMMANDS.items():
        if names is not None and name not in names:
            continue
        module, _, attribute = where.partition(":")
        found = getattr(importlib.import_module(module), attribute)
        if group:
            built.add_typer(found, name=name)
        else:
            built.command(name)(found)
    return built


def __getattr__(name: str) -> typer.Typer:
    """``flows.cli.app``: the whole app (every command), built when first asked for."""
    if name == "app":
        globals()["app"] = found = build()
        return found
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def invoked(argv: list[str]) -> str | None:
    """Return the command ``argv`` names (its first word that is neither a common option nor
    the value of one), or None when there is none or it is not a command of ``COMMANDS``."""
    i = 0
    while i < len(argv):
        token = argv[i]
        name, eq, _ = token.partition("=")
        if name in options.COMMON:
            i += 1 if (eq or not options.COMMON[name][1]) else 2
            continue
        return token if token in COMMANDS else None
    return None


#: the cyclic garbage collector's first threshold while a command runs (Python's is 700): a read
#: command makes tens of thousands of objects that live to its end (the models it imports, the
#: ledger's commits), and each full collection walks them all again, for some 10-20 ms of a status
#: at 2,000 commits; a long command (``web``, ``server``) still collects, less often
GC_THRESHOLD = 50_000


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code (the console script calls ``sys.exit`` on it)."""
    import gc

    kept = gc.get_threshold()
    gc.set_threshold(GC_THRESHOLD, *kept[1:])
    try:
        with options.kept_environment():
            return _run(sys.argv[1:] if argv is None else list(argv))
    finally:
        gc.set_threshold(*kept)


def _run(argv: list[str]) -> int:
    from drafts.core.errors import PenholderError

    try:
        if "--json" in (argv[: argv.index("--")] if "--" in argv else argv):
            os.environ["PENHOLDER_JSON"] = "1"  # progress is never mixed with JSON
        named = invoked(argv)  # that command alone; help, a typo and the rest: the whole app
        command = typer.main.get_command(build([named]) if named else build())
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
