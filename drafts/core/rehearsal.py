"""A rehearsal: run a state change up to its first commit, to meet its refusals without change.

Every check a state change makes (who acts, ids, dates, stage rules, guards, unsaved edits) comes
before its first ``Workspace.commit``. Inside ``rehearsing()``, ``Workspace.commit`` stops at
``stop_here()`` (after its own check of unsaved edits, before writing anything) by raising
``Rehearsed``; ``rehearse(fn)`` runs ``fn`` so and returns once the commit is reached, or lets
the refusal it met propagate. The CLI rehearses a command's domain call before it starts a flow
run, so a refusal costs no engine and leaves no failed run (``flows.cli.shell.checks``).

Only state changes whose work before the commit writes nothing (or only caches) are rehearsed;
the others check what they can explicitly.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

_ACTIVE: ContextVar[bool] = ContextVar("penholder_rehearsal", default=False)


class Rehearsed(BaseException):
    """The rehearsal reached a commit: every check before it passed (not an error)."""


def stop_here() -> None:
    """Raise ``Rehearsed`` when a rehearsal is running (called by ``Workspace.commit``)."""
    if _ACTIVE.get():
        raise Rehearsed


def rehearse(fn: Callable[[], object]) -> bool:
    """Run ``fn`` until its first commit; True if it got there, False if it returned first.

    A refusal (any exception) propagates as itself.
    """
    token = _ACTIVE.set(True)
    try:
        fn()
    except Rehearsed:
        return True
    finally:
        _ACTIVE.reset(token)
    return False
