"""Named fault-injection points for crash-safety tests.

``point("intake:after-verbatim")`` kills the process on the spot (``os._exit``, no cleanup, as a
power cut or ``kill -9`` would) when ``PENHOLDER_FAULT`` names that point; otherwise it does
nothing. Points: ``intake:after-verbatim``, ``intake:after-read``, ``commit:before-git`` (files
written, commit not made; ``commit:before-git:<event>`` only for commits of that event, e.g.
``commit:before-git:return``).
"""

from __future__ import annotations

import os

ENV = "PENHOLDER_FAULT"
EXIT_CODE = 86


def point(name: str) -> None:
    """Die here if PENHOLDER_FAULT names this point."""
    if os.environ.get(ENV) == name:
        os._exit(EXIT_CODE)
