"""Named fault-injection points for crash-safety tests.

``point("intake:after-verbatim")`` kills the process on the spot (``os._exit``, no cleanup, as a
power cut or ``kill -9`` would) when ``PENHOLDER_FAULT`` names that point; otherwise it does
nothing. Points: ``intake:after-verbatim``, ``intake:after-read``, ``commit:before-git`` (files
written, commit not made; ``commit:before-git:<event>`` only for commits of that event, e.g.
``commit:before-git:return``), ``commit:before-reset`` (the commit made, the index not yet
told), and in ``inbox fetch``: ``mail:after-fetch``,
``mail:after-store``, ``mail:after-outcome``, ``mail:after-ack-send``, ``mail:after-ack``,
``mail:after-flag``. ``PENHOLDER_FAULT=any:N`` dies at the N-th point reached, whatever its
name: a test picks N at random to kill a run anywhere.
"""

from __future__ import annotations

import os

ENV = "PENHOLDER_FAULT"
EXIT_CODE = 86
_reached = 0


def point(name: str) -> None:
    """Die here if PENHOLDER_FAULT names this point (or this is the N-th point of ``any:N``)."""
    global _reached
    wanted = os.environ.get(ENV)
    if not wanted:
        return
    if wanted == name:
        os._exit(EXIT_CODE)
    if wanted.startswith("any:"):
        _reached += 1
        if str(_reached) == wanted[4:]:
            os._exit(EXIT_CODE)
