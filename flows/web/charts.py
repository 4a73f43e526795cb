"""The status page's charts as inline SVG (matplotlib, Agg): the same data give the same bytes.

Deterministic: ``svg.hashsalt`` fixed per chart (so ids are stable and differ between charts on
one page), no date or creator in the metadata, text kept as text (``svg.fonttype: none``). Each
SVG gets ``role="img"``, a ``<title>`` and a ``<desc>`` (the alt text) so screen readers say what
it shows; the figure's caption repeats the title for everyone.
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from html import escape

from pydantic import BaseModel

from drafts.models import EGM
from reviewers.status.models import RoundSummary

COLOURS = {
    "open": "#b3261e",
    "accepted": "#1b6e3a",
    "modified": "#4f8f2f",
    "noted": "#5c6bc0",
    "rejected": "#7a5c00",
}


class Chart(BaseModel):
    name: str
    title: str
    alt: str
    svg: str


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _svg(fig, name: str, title: str, alt: str) -> Chart:
    import matplotlib

    plt = _pyplot()
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": f"penholder-{name}", "svg.fonttype": "none"}):
        fig.savefig(
            buf, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight"
        )
    plt.close(fig)
    text = buf.getvalue()
    text = text[text.index("<svg") :]
    # matplotlib names its elements figure_1, axes_1, ... in every SVG: prefix them per chart
    text = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{name}-{m.group(1)}"', text)
    text = re.sub(r'(url\(#|href="#)([^)"]+)', lambda m: f"{m.group(1)}{name}-{m.group(2)}", text)
    label = f'role="img" aria-labelledby="{name}-title {name}-desc"'
    text = re.sub(r"<svg ", f'<svg {label} id="{name}" ', text, count=1)
    head = f'<title id="{name}-title">{escape(title)}</title><desc id="{name}-desc">{escape(alt)}</desc>'
    text = re.sub(r"(<svg[^>]*>)", lambda m: m.group(1) + head, text, count=1)
    return Chart(name=name, title=title, alt=alt, svg=text)


def _figure(height: float = 3.0):
    plt = _pyplot()
    with plt.rc_context({"font.size": 9, "font.family": "DejaVu Sans"}):
        fig, ax = plt.subplots(figsize=(7.5, height), dpi=96)
    return fig, ax


def burndown(series: list[tuple[date, int]], today: date, egm: EGM | None) -> Chart:
    """Rows open over time, to today, against the EGM date."""
    title = "Open rows over time" + (f" before {egm.id} ({egm.start})" if egm else "")
    now = series[-1][1] if series else 0
    alt = (
        f"Step chart of unanswered matrix rows from {series[0][0]} to {today}: {now} open today"
        + (f", {(egm.start - today).days} days before {egm.id}." if egm else ".")
        if series
        else "No matrix rows yet: nothing has been consolidated."
    )
    fig, ax = _figure()
    if series:
        days = [d for d, _ in series] + [today]
        counts = [n for _, n in series] + [now]
        ax.step(days, counts, where="post", color=COLOURS["open"], label="open rows")
        ax.fill_between(days, counts, step="post", color=COLOURS["open"], alpha=0.15)
    if egm is not None:
        ax.axvline(egm.start, color="#222222", linestyle="--", label=f"{egm.id} {egm.start}")
        if now and egm.start > today:
            ax.plot([today, egm.start], [now, 0], color="#555555", linestyle="-.", label="to zero")
        ax.set_xlim(right=egm.start + timedelta(days=1))
    ax.axvline(today, color="#555555", linestyle=":", label=f"today {today}")
    ax.set_ylabel("rows open")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.set_title(title)
    fig.autofmt_xdate()
    return _svg(fig, "burndown", title, alt)


def dispositions(counts: dict[str, dict[str, int]]) -> Chart:
    """Rows per chapter, stacked by answer (open first)."""
    title = "Rows by disposition per chapter"
    chapters = sorted(counts)
    parts = [
        f"chapter {ch}: "
        + ", ".join(f"{n} {word}" for word, n in counts[ch].items() if n)
        + ("" if any(counts[ch].values()) else "no rows")
        for ch in chapters
    ]
    alt = "Stacked bars. " + ("; ".join(parts) + "." if parts else "No rows yet.")
    fig, ax = _figure(max(1.6, 0.45 * len(chapters) + 1.0))
    left = [0] * len(chapters)
    for word, colour in COLOURS.items():
        values = [counts[ch].get(word, 0) for ch in chapters]
        ax.barh(chapters, values, left=left, color=colour, label=word)
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.invert_yaxis()
    ax.set_xlabel("rows")
    ax.set_ylabel("chapter")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.set_title(title)
    return _svg(fig, "dispositions", title, alt)


def timeline(rounds: list[RoundSummary], egms: list[EGM], today: date) -> Chart:
    """Each round from opening to its due date (closed ones grey, a tick where they closed),
    up to the next EGM."""
    title = "Round deadlines and EGMs"
    ahead = [e for e in egms if e.start >= today][:1]
    parts = [
        f"{r.id} on {', '.join(r.chapters)} opened {r.opened}, due {r.due}, "
        + (f"closed {r.closed}" if r.closed else "open")
        for r in rounds
    ]
    parts += [f"{e.id} starts {e.start}" for e in ahead]
    alt = "Timeline. " + ("; ".join(parts) + "." if parts else "No rounds and no EGM ahead.")
    fig, ax = _figure(max(1.6, 0.45 * len(rounds) + 1.2))
    for i, r in enumerate(rounds):
        width = max((r.due - r.opened).days, 1)
        colour = "#8a8a8a" if r.closed else "#1f5fa8"
        ax.barh(i, width, left=r.opened, color=colour, height=0.5)
        ax.annotate(f"due {r.due:%d %b}", (r.due, i), xytext=(4, -3), textcoords="offset points")
        if r.closed:
            ax.plot([r.closed], [i], marker="|", markersize=14, color="#222222")
    ax.set_yticks(range(len(rounds)), [r.id for r in rounds])
    ax.invert_yaxis()
    for e in ahead:
        ax.axvline(e.start, color="#222222", linestyle="--")
        ax.annotate(e.id, (e.start, 0), xytext=(3, 0), textcoords="offset points")
    ax.axvline(today, color="#555555", linestyle=":")
    start = min([r.opened for r in rounds] + [today]) - timedelta(days=2)
    end = max([r.due for r in rounds] + [e.start for e in ahead] + [today]) + timedelta(days=2)
    ax.set_xlim(start, end)
    ax.set_title(title)
    fig.autofmt_xdate()
    return _svg(fig, "timeline", title, alt)
