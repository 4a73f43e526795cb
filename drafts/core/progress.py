"""Progress of long work, as a plain callable the domain calls and the CLI may draw.

``Progress`` is ``(what, done, total) -> None``: "rendering packets", 3, 26. The domain never
knows how (or whether) it is shown: the command line installs a reporter for the length of one
command (``reporting``), and domain code reports through the ``progress`` argument it was given,
else the installed one (``current``), else nothing. No rich, no typer here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

Progress = Callable[[str, int, int], None]
T = TypeVar("T")


def silent(what: str, done: int, total: int) -> None:
    """The reporter that shows nothing."""


_installed: list[Progress] = []


def current(given: Progress | None = None) -> Progress:
    """Return ``given``, else the reporter the command installed, else ``silent``."""
    if given is not None:
        return given
    return _installed[-1] if _installed else silent


@contextmanager
def reporting(reporter: Progress | None) -> Iterator[None]:
    """Install ``reporter`` (if any) for the work done inside the block (flows included)."""
    if reporter is None:
        yield
        return
    _installed.append(reporter)
    try:
        yield
    finally:
        _installed.remove(reporter)


def each(items: Iterable[T], what: str, progress: Progress | None = None) -> Iterator[T]:
    """Yield ``items``, reporting ``what`` as n of N before each one and N of N at the end."""
    report = current(progress)
    todo = list(items)
    for n, item in enumerate(todo):
        report(what, n, len(todo))
        yield item
    report(what, len(todo), len(todo))
