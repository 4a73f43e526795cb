"""The status of a guideline before its next EGM, built from the workspace alone (no Prefect).

``build_status(ws, egm_id=None)`` (``build.py``) is the one builder shared by ``penholder
status`` (table and ``--json``), ``penholder web`` and ``status --html``; ``models.py`` is what
it returns, ``returns.py`` and ``rows.py`` what it counts, ``history.py`` what a chapter's page
and the charts add (revisions, rounds, sign-offs, rows raised and answered over time).
"""

from reviewers.status.build import build_status, next_egm
from reviewers.status.models import ChapterStatus, Status

__all__ = ["ChapterStatus", "Status", "build_status", "next_egm"]
