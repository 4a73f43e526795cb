"""How the CLI runs a flow: through Prefect's engine (the default), or its plain function.

``PENHOLDER_ENGINE=off`` calls ``flow.fn`` directly (tests, and anyone who wants no Prefect run
recorded); anything else runs the flow on Prefect: the embedded temporary server when no
``PREFECT_API_URL`` is set, or the team's server when it is.
"""

from __future__ import annotations

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
    return flow(**kwargs)


def run_trailers() -> list[tuple[str, str]]:
    """Return the ``Prefect-Run`` trailer of the flow run we are in, if any."""
    try:
        from prefect.runtime import flow_run

        run_id = flow_run.get_id()
    except Exception:
        return []
    return [("Prefect-Run", str(run_id))] if run_id else []
