"""The aims of issue 18, and what a benchmark measured against them (a helper, not a benchmark).

A benchmark calls ``aim(key, what, baseline, ratio)`` for each row it measures: the row is printed
with its aim and MET or MISSED, and stored in ``build/bench/<key>.json`` (git-ignored), with
``note`` for the figures behind the ratio. ``bench/report.py`` (run last by ``make bench``) turns
the stored rows into the table of ``docs/performance.md``. A row with no aim (``AIMS[key]`` is
None) is printed for comparison only. A ratio is a time against a baseline's time, the aim an
upper bound, except the rows of ``AT_LEAST`` (a rate against a baseline's rate).

Ratios are against a baseline timed in the same run, on the same machine, so they hold on a
machine shared with other jobs better than seconds do; each ratio is a median or a best of
repeats, as the benchmark says.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STORE = ROOT / "build" / "bench"

#: key -> (the aim as a ratio bound, or None for no aim); the order is the table's
AIMS: dict[str, float | None] = {
    "reader-corpus": 1.5,
    "reader-chapter": 2.0,
    "reader-word": 2.0,
    "reader-pandoc": None,
    "intake": 3.0,
    "mail": 1.5,
    "consolidate": 3.0,
    "render": 1.5,
    "server": 1.3,
    "workers": 1.2,
}

#: rows whose ratio must reach the aim rather than stay under it (a rate, not a time)
AT_LEAST = {"workers"}


def verdict(key: str, ratio: float) -> str:
    """``MET``, ``MISSED`` or ``(no aim)`` for ``ratio`` against the aim of ``key``."""
    bound = AIMS[key]
    if bound is None:
        return "(no aim)"
    met = ratio >= bound if key in AT_LEAST else ratio <= bound
    return "MET" if met else "MISSED"


def aim(key: str, what: str, baseline: str, ratio: float, note: str = "") -> str:
    """Print and store one row of the table; return its verdict."""
    bound = AIMS[key]
    said = verdict(key, ratio)
    sign = ">=" if key in AT_LEAST else "<="
    target = f"{sign} {bound:g}x" if bound is not None else "-"
    print(f"AIM {what}: {ratio:.2f}x {baseline} (aim {target}) {said}")
    STORE.mkdir(parents=True, exist_ok=True)
    row = {
        "key": key,
        "what": what,
        "baseline": baseline,
        "ratio": round(ratio, 2),
        "aim": target,
        "verdict": said,
        "note": note,
    }
    (STORE / f"{key}.json").write_text(json.dumps(row, indent=1), encoding="utf-8")
    return said
