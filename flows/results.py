"""What each flow returns: typed results the CLI and the web page read, never dicts.

Flows return these (or a domain result model such as ``reviewers.intake.ingest.Outcome`` and
``reviewers.consolidate.build.Consolidated``); they are pydantic models, so Prefect can persist
them and ``--json`` prints them as they are.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

from reviewers.intake.ingest import Outcome
from reviewers.send.mail import Delivery


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True)


class Committed(_Result):
    """A state change recorded as one commit."""

    commit: str


class WorkspaceCreated(_Result):
    """A new workspace, at ``root``."""

    root: str


class Delivered(_Result):
    """Messages of a round: the keys sent, how, and the keys skipped (already sent)."""

    round: str
    sent: list[str] = []
    via: list[str] = []
    skipped: list[str] = []

    @classmethod
    def of(cls, round_id: str, delivery: Delivery) -> Delivered:
        """Summarise what ``deliver`` did for ``round_id``."""
        return cls(
            round=round_id,
            sent=[m.key for m in delivery.sent],
            via=sorted({m.via for m in delivery.sent}),
            skipped=list(delivery.skipped),
        )


class RoundOpened(Delivered):
    """A round opened with ``items`` packet items, and its packets sent."""

    items: int


class RoundClosed(_Result):
    """A round closed; ``missing`` lists who had not returned."""

    round: str
    missing: list[str]


class DueMoved(_Result):
    """A round's new due date."""

    round: str
    due: date


class Excused(_Result):
    """A reviewer excused from ``items`` items of a round."""

    round: str
    person: str
    items: int


class Returns(_Result):
    """What intake did with each file taken in, in order."""

    outcomes: list[Outcome]

    @property
    def quarantined(self) -> bool:
        """True when at least one file was refused."""
        return any(o.status == "quarantined" for o in self.outcomes)


class EgmPack(_Result):
    """An EGM pack made and committed: its files, pages, chapters and matrices."""

    egm: str
    commit: str
    docx: str
    pdf: str
    pages: int
    chapters: list[str]
    matrices: int
