"""Count the history reads: every ``git log`` a workspace runs goes through ``Workspace._log``."""

from __future__ import annotations

import pytest

from drafts.workspace import Workspace


def log_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """Return a list that records the revisions of each ``git log`` any workspace runs from now
    on (the log still runs and answers as before)."""
    asked: list[tuple[str, ...]] = []
    real = Workspace._log

    def spy(self: Workspace, *revisions: str, topo: bool = True) -> list:  # type: ignore[type-arg]
        asked.append(revisions)
        return real(self, *revisions, topo=topo)

    monkeypatch.setattr(Workspace, "_log", spy)
    return asked
