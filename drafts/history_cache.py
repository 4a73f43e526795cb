"""The history read once and kept: every commit record, and the ``Summary`` (each chapter's state
and revisions), per HEAD, in memory and on disk (``layout.history_cache()``, under ``.git``).

A new HEAD that extends the kept one by a plain line of single-parent commits costs one ``git log``
of those commits, folded into what was kept. Anything else (no cache, a corrupt one, one another
version of penholder wrote, a reset, a merge, a pull, a commit that is gone) replays the whole
history, with the same result: the cache is a pure optimisation, and deleting it is always safe.
It never runs git itself: the workspace hands it ``log``.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
from collections.abc import Callable
from pathlib import Path

from drafts import history, models
from drafts.history import Summary
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
        self._log, self._file = log, cache_file
        self._records: tuple[str, list[CommitRecord]] | None = None
        self._summary: Summary | None = None

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
        if self._summary is not None and self._summary.head == head:
            return self._summary
        base = self._summary or self.load()
        found = base if base is not None and base.head == head else None
        if found is None and self._records is not None and self._records[0] == head:
            found = history.summarise(self._records[1], head)
        if found is None and base is not None:
            since = self._since(base.head, head)
            found = None if since is None else history.summarise(since, head, base)
        if found is None:
            found = history.summarise(self.records(head), head)
        self._summary = found
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

    def load(self) -> Summary | None:
        """Return the summary kept on disk, or None when there is none that can be trusted."""
        try:
            data = json.loads(self._file.read_bytes())
            if data.get("key") != cache_key():
                return None
            return Summary.model_validate(data["summary"])
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None  # a cache that cannot be read is no cache

    def store(self, summary: Summary) -> None:
        """Keep ``summary`` on disk (replacing the file in one rename; a failure is ignored)."""
        data = {"key": cache_key(), "summary": summary.model_dump(mode="json")}
        tmp = self._file.with_name(f".{self._file.name}.{os.getpid()}.tmp")
        try:
            self._file.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
            os.replace(tmp, self._file)
        except OSError:  # a read-only repository: the next reader replays again
            with contextlib.suppress(OSError):  # and there may be no temporary to remove
                tmp.unlink(missing_ok=True)
