"""How the CLI runs a flow: through Prefect's engine (the default), or its plain function.

``PENHOLDER_ENGINE=off`` calls ``flow.fn`` directly (tests, and anyone who wants no Prefect run
recorded); anything else runs the flow on Prefect: the embedded temporary server when no
``PREFECT_API_URL`` is set, or the team's server when it is.
"""

from __future__ import annotations

import logging
import os
from typing import Any

DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
}


def prepare() -> None:
    """Set quiet, offline-friendly Prefect defaults the user has not set."""
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)


def run(flow: Any, **kwargs: Any) -> Any:
    """Run ``flow`` with ``kwargs`` on the engine, or as a plain function when it is off."""
    if os.environ.get("PENHOLDER_ENGINE", "").lower() in {"off", "0", "false", "no"}:
        return flow.fn(**kwargs)
    quiet_refusals()
    return flow(**kwargs)


class _NoRefusals(logging.Filter):
    """Drop log records that carry a refusal (a ``PenholderError``) as their exception."""

    def filter(self, record: logging.LogRecord) -> bool:
        from drafts.errors import PenholderError

        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, PenholderError)


def quiet_refusals() -> None:
    """Keep Prefect's console handlers from printing a refusal with its traceback.

    A refusal fails the flow run as any error does, and the run's log on the Prefect server
    keeps it whole; on the terminal the CLI prints it as one sentence (``penholder: ...``).
    """
    from prefect.logging.handlers import PrefectConsoleHandler

    for handler in logging.getLogger().handlers:
        if isinstance(handler, PrefectConsoleHandler) and not any(
            isinstance(f, _NoRefusals) for f in handler.filters
        ):
            handler.addFilter(_NoRefusals())


def run_trailers() -> list[tuple[str, str]]:
    """Return the ``Prefect-Run`` trailer of the flow run we are in, if any."""
    try:
        from prefect.runtime import flow_run

        run_id = flow_run.get_id()
    except Exception:
        return []
    return [("Prefect-Run", str(run_id))] if run_id else []
