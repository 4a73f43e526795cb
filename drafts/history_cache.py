"""The history read once and kept: every commit record, the ``Summary`` (each chapter's state
and revisions) and the ``Ledger`` (what the status reads besides), per HEAD, in memory and on
disk (``layout.history_cache()`` and ``layout.history_ledger()``, under ``.git``).

A new HEAD that extends the kept one by a plain line of single-parent commits costs one ``git log``
of those commits, folded into what was kept. Anything else (no cache, a corrupt one, one another
version of penholder wrote, a reset, a merge, a pull, a commit that is gone) replays the whole
history, with the same result: the cache is a pure optimisation, and deleting it is always safe.
The summary and the ledger are two files: a state change rewrites the summary only (the ledger,
which grows with the returns, is brought up to date by the next status). It never runs git
itself: the workspace hands it ``log``.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import TypeVar

from drafts import history, layout, models
from drafts.history import Ledger, Summary
from drafts.models import CommitRecord

#: ``log(*revisions)``: the commits of ``git log --topo-order --reverse REVISIONS``, oldest
#: first, each with its parents' shas; raises LookupError when git cannot list them
Log = Callable[..., list[tuple[CommitRecord, list[str]]]]


@functools.cache
def cache_key() -> str:
    """Return what a cache file must carry to be read: a digest of the code that replays
    (``drafts/history.py``, ``drafts/models.py``), so a cache another version wrote is ignored."""
    digest = hashlib.sha256()
    for module in (history, models):
        digest.update(Path(module.__file__ or "").read_bytes())
    return digest.hexdigest()[:20]


Kept = TypeVar("Kept", Summary, Ledger)
#: what each kept fold is called in its file, and how it folds commits onto an earlier one
_FOLDS: dict[type, tuple[str, Callable[..., Summary | Ledger]]] = {
    Summary: ("summary", history.summarise),
    Ledger: ("ledger", history.ledger),
}

#: how many of the last commits ``_since`` asks git for before it asks for the whole range
TAIL = 64


def _line(
    entries: list[tuple[CommitRecord, list[str]]], known: str, head: str
) -> list[CommitRecord] | None:
    """Return the records of ``entries`` (oldest first) that lead from ``known`` (excluded) to
    ``head`` by single parents, when its last ones are such a line; None otherwise."""
    line, expected = [], head
    for record, parents in reversed(entries):
        if record.sha != expected or len(parents) != 1:
            return None
        line.append(record)
        if parents[0] == known:
            return line[::-1]
        expected = parents[0]
    return None


class HistoryCache:
    """The records and summary of one repository's history, kept per HEAD."""

    def __init__(self, log: Log, cache_file: Path) -> None:
        """``cache_file`` keeps the summary; the ledger is kept beside it (its name from
        ``layout.history_ledger()``)."""
        self._log = log
        ledger = cache_file.with_name(PurePosixPath(layout.history_ledger()).name)
        self._files: dict[type, Path] = {Summary: cache_file, Ledger: ledger}
        self._records: tuple[str, list[CommitRecord]] | None = None
        self._kept: dict[type, Summary | Ledger] = {}

    def records(self, head: str, chapter: str | None = None) -> list[CommitRecord]:
        """Return every commit up to ``head`` (those naming ``chapter``, when given), oldest
        first (do not mutate the list)."""
        if chapter is not None:
            return self.of_chapter(head, chapter)
        if self._records is not None and self._records[0] == head:
            return self._records[1]
        records: list[CommitRecord] | None = None
        if self._records is not None:
            since = self._since(self._records[0], head)
            records = None if since is None else self._records[1] + since
        if records is None:
            records = [record for record, _ in self._log(head)]
        self._records = (head, records)
        return records

    def of_chapter(self, head: str, chapter: str) -> list[CommitRecord]:
        """Return the commits up to ``head`` that name ``chapter`` in a ``Chapter`` trailer, oldest
        first: from the records when they are read, else from a ``git log --grep`` of the lines
        that may be such a trailer (git filters in C; each hit is checked on its trailers)."""
        if self._records is not None and self._records[0] == head:
            found = self._records[1]
        else:
            line = f"^chapter:[[:space:]]*{re.escape(chapter)}[[:space:]]*$"
            found = [r for r, _ in self._log("--regexp-ignore-case", f"--grep={line}", head)]
        return [c for c in found if chapter in c.values("Chapter")]

    def summary(self, head: str) -> Summary:
        """Return the summary at ``head``: kept, folded from a kept one, or replayed in full."""
        return self._fold(Summary, head)

    def ledger(self, head: str) -> Ledger:
        """Return the ledger at ``head``: kept, folded from a kept one, or replayed in full."""
        return self._fold(Ledger, head)

    def _fold(self, kind: type[Kept], head: str) -> Kept:
        kept = self._kept.get(kind)
        if isinstance(kept, kind) and kept.head == head:
            return kept
        base = kept if isinstance(kept, kind) else self.load(kind)
        fold = _FOLDS[kind][1]
        found: Summary | Ledger | None = base if base is not None and base.head == head else None
        if found is None and self._records is not None and self._records[0] == head:
            found = fold(self._records[1], head)
        if found is None and base is not None:
            since = self._since(base.head, head)
            found = None if since is None else fold(since, head, base)
        if found is None:
            found = fold(self.records(head), head)
        assert isinstance(found, kind)
        self._kept[kind] = found
        if base is None or base.head != head:
            self.store(found)
        return found

    def _since(self, known: str, head: str) -> list[CommitRecord] | None:
        """Return the commits after ``known`` up to ``head`` when they are a plain line of
        single-parent commits on top of ``known``; None otherwise.

        The last ``TAIL`` commits are asked first, without ``--topo-order``: git then reads only
        those (a range, or the topological order, makes it walk the whole history: a cost per
        commit that grows with the history). A longer line is asked as the range
        ``known..head``."""
        if known == head:
            return []
        for revisions, topo in (
            ((f"--max-count={TAIL}", head), False),
            ((f"{known}..{head}",), True),
        ):
            try:
                entries = self._log(*revisions, topo=topo)
            except (LookupError, ValueError):
                return None
            line = _line(entries, known, head)
            if line is not None:
                return line
        return None

    def load(self, kind: type[Kept] = Summary) -> Kept | None:  # type: ignore[assignment]
        """Return the summary (or ledger) kept on disk, or None when there is none that can be
        trusted."""
        name = _FOLDS[kind][0]
        try:
            data = json.loads(self._files[kind].read_bytes())
            if data.get("key") != cache_key():
                return None
            return kind.model_validate(data[name])
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None  # a cache that cannot be read is no cache

    def store(self, kept: Summary | Ledger) -> None:
        """Keep a summary or ledger on disk (replacing its file in one rename; a failure is
        ignored)."""
        file = self._files[type(kept)]
        data = {"key": cache_key(), _FOLDS[type(kept)][0]: kept.model_dump(mode="json")}
        tmp = file.with_name(f".{file.name}.{os.getpid()}.tmp")
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
            os.replace(tmp, file)
        except OSError:  # a read-only repository: the next reader replays again
            with contextlib.suppress(OSError):  # and there may be no temporary to remove
                tmp.unlink(missing_ok=True)
