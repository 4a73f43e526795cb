"""Every stage guard of the later capabilities, registered in ``drafts.chapters.GUARDS``.

The stage rules (``drafts.stages``) say which moves exist; these guards say when a move is
allowed on the state of the reviews: answered rows (``reviewers.decide.guards``) and a sign-off
at the last EGM before a chapter is final (``reviewers.egm.signoff.final_guard``).
``flows.engine.open_workspace`` installs them for every flow.
"""

from __future__ import annotations

from drafts import chapters
from reviewers.decide.guards import guard as dispositions_guard
from reviewers.egm.signoff import final_guard

ALL = (dispositions_guard, final_guard)


def install() -> None:
    """Register every guard in ``drafts.chapters.GUARDS`` (once)."""
    for g in ALL:
        if g not in chapters.GUARDS:
            chapters.GUARDS.append(g)
