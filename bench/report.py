"""Write ``docs/performance.md`` from what the benchmarks stored in ``build/bench/`` (a helper,
run last by ``make bench``; not a benchmark).

The rows of issue 18's table come from ``bench/aims.py`` (each benchmark stores its rows), the
cost curve from ``bench/bench_scale.py`` (``scale.json``, and the chart it drew). A row no
benchmark stored in this run's ``build/bench/`` is listed as "not measured". The prose around the
tables is this file's ``INTRO`` and ``NOTES``: what each figure means and where the time goes.
"""

from __future__ import annotations

import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from aims import AIMS, ROOT, STORE

OUT = ROOT / "docs" / "performance.md"

INTRO = """\
# Performance

Written by `make bench` (`bench/report.py`, from the figures the benchmarks of this run stored in
`build/bench/`); do not edit by hand. Every figure is a ratio against a baseline timed in the same
run on the same machine, so it means something on a machine shared with other jobs; seconds are
given for scale only. Speed is never a timed unit test: the aims are checked here, each printed
MET or MISSED by the benchmark that measures it (`bench/aims.py` holds them).
"""

NOTES = """\
## What was done, and where the time goes

- **Consolidation** no longer runs LibreOffice: page and line depend only on the round's render
  of the base revision, so they are laid out once, when the packets are sent (the send flows call
  `reviewers.consolidate.pagelines.prepare`), and kept beside that render in the git-ignored
  `outbox/<round>/renders/<render>.pagelines.json`, keyed by a hash of the render's bytes, the
  round and the LibreOffice installation (a new render or a new LibreOffice lays out again).
  Consolidation reads it; when it is missing (a clone on another machine, a deleted outbox) it
  lays out once, in parallel with the merge, and keeps the result. Not committed, like the renders
  themselves: derived, deterministic, and one layout to lose. Consolidation also restamps the
  round's one render instead of rendering again, and checks a placed change for overlap only
  against the changes of its own block. What remains (cProfile of the benchmark's
  consolidation): the .xlsx matrix (openpyxl, about 40%, most of it setting a style per cell and
  saving), writing the tracked changes into the round's render (`drafts.ooxml.write.tracked`,
  about 40%, most of it finding run boundaries again for each change), the .docx matrix (about
  10%), then the merge and the commit.
- **Intake** reads each remark file of the round once per run (it used to read every earlier
  return's remarks again for each new return: quadratic in the reviewers), keeps the block map,
  and compares a sent paragraph with its block once per run instead of once per return; silent
  edits are diffed paragraph by paragraph, skipping identical paragraphs before any
  normalisation; anchor gaps with nothing on one side are not aligned. What remains beside the
  reader: the alignment of paragraphs (one pass over the chapter per return), two commits per
  return (the verbatim file first, then the remarks: a crash between them loses nothing), and
  identification.
- **Mail** (`bench/bench_mail.py`: `inbox fetch` of N messages from Dovecot on loopback, against
  intake alone of the same files; cProfile of `reviewers.intake.mailbox.fetch`, git processes
  counted). The fetch runs the same git processes per message as intake per return (two
  commits: the message with its Word files, then the return with the message's outcome; one
  more per run for the replies' records). What it added: the IMAP round trips (a FETCH of the
  Message-ID, a FETCH of the body and a MOVE per message), parsing each message twice, writing
  each attachment to a temporary file to read and measure it again, reading each reply back to
  record it, records dumped by pure-Python YAML, and a cost that grew with the run: each
  message is a folder (`mail/<key>/`) and every commit read HEAD's whole tree into a private
  index (`read-tree`) and listed it again (`ls-tree -r`), both reading every tree object
  (50 ms and 26 ms of git CPU per commit at 1,900 folders). Now: one FETCH of sizes and
  Message-IDs for up to 500 messages, bodies 16 at a time, the marks made by one MOVE per 64
  messages after their replies left (a run killed before only leaves them to be marked by the
  next); each message parsed once; attachments read from memory; the reply recorded from the
  message composed; libyaml; and a commit starts from a copy of the private index kept for
  HEAD (`drafts.core.commit_index`), entering its paths without stat data, HEAD's file list
  updated from the commit (intake gains from this too). Interleaved with the previous code,
  N = 100, load average 11-15 on 2 cores: CPU +31% to +34% before, +18% and +38% after;
  fetch CPU 8.3-8.9 s before, 6.4-6.9 s after; intake alone 6.3-6.8 s before, 5.0-5.4 s
  after. N = 300 at load 13-14: CPU +50% and +73% before, +51% and +56% with the mail changes
  alone (before the index change); with both, at load 6.5: wall +29%, CPU +38% (fetch 21.2 s
  of CPU against intake's 15.3 s; before, 29.9-31.2 s against 18.1-20.3 s). Wall time at load
  11-15 measured the run queue (+1% to +206%). The quietest pair, N = 300, load 3.4-4.0:
  before wall +88% (fetch 60.1 s against 32.0 s), CPU +67% (28.5 s against 17.0 s); after wall
  +44% (34.5 s against 24.0 s), CPU +43% (19.8 s against 13.8 s): MET, with little to spare. `message.eml` keeps the message as it came, its Word attachment included beside
  `returns/<sha256>.docx` (docs/returns.md): what an auditor checks intake against. What
  remains per message: the e-mail parser (about 2.3 ms, most of it the standard library's
  header objects), composing the reply (about 2 ms) and the larger tree (four files per
  message beside intake's two).
- **The reader** lost its per-record overhead (records built without re-validating what the
  reader typed itself, tag constants and look-ups made once, a part's revisions and
  paragraphs found in one pass in C), then its per-run dispatch (consecutive plain runs
  gathered and emitted as one piece; properties read only when they hold a revision), and it
  no longer leaves its parsed trees in reference cycles for the garbage collector
  (`docs/reader.md`). Its rows are now means, with what the reads left to the collector
  counted: the medians used before dropped the samples where the collector freed those trees
  (about 10 ms per read of the Word-style chapter). Three runs of `bench/bench_reader.py`,
  interleaved with the previous code, load average 10-11 on 2 cores: corpus 1.84-1.93x
  before, 1.60-1.69x after; the synthetic chapter 6.75-7.15x before, 5.67-6.03x after; the
  Word-style chapter 2.24-2.36x before, 2.20-2.29x after (all MISSED at that load). Rows are
  measured in CPU time, the render's in CPU time of penholder and pandoc together (on a
  machine shared with other jobs wall time measured the run queue: 33x one run, 7x the
  next). On the synthetic chapter the bare parse takes about 1.5 ms, so the ratio counts the
  reader's fixed cost per paragraph, run and record: opening and parsing the package, building
  the 1,200 typed records and freeing them already come to about 2x the bare parse, before
  any walk; reaching 2x there would take cheaper records, not a faster walk. The Word-style
  twin, whose parse is heavier, is the fairer ratio for real returns.
"""


HISTORY = """\
## History

A guideline lives 18 months or more and its workspace gathers thousands of commits. What a
command costs should not grow with that number.

**State changes.** A chapter's state and revisions are a fold over the commits
(`drafts/history.py`). The fold is kept per HEAD in memory and in
`.git/penholder/history/summary.json` (`drafts/history_cache.py`); a new HEAD that extends it
by plain commits costs one `git log --max-count=64 HEAD` (no `--topo-order`: git reads those
commits only; `git log <cached>..HEAD` for a longer line), so a state change reads one or a few
commits, not the whole history. Anything the cache cannot vouch for (missing,
corrupt, another version's, a reset, a merge, a pull) is replayed in full with the same result
(docs/workspace.md, "The history cache"). Its size grows with the number of revisions (each
chapter's list), not with the number of commits: 67 KB at 10,000 commits in the benchmark,
read and written in about 1 ms each.

**Reads.** `status` reads the history once (one `git log -z`, parsed once per HEAD) and each
round finds its returns through one index by packet (`ReturnIndex`), instead of reading every
commit once per round; folders are listed from the one `git ls-tree` kept per HEAD instead of
one `git ls-tree` per folder (288 git calls at 10,000 commits before). `chapter log` asks git
only for the commits that may name the chapter (`git log --grep`, each hit checked on its
trailers).

**Start-up.** A read command's fixed cost is starting Python and importing. Measured with
`python -X importtime` and CPU time on this machine: Python itself 20 ms, `typer` 70 ms (it
imports pydantic), GitPython 106 ms, `drafts.workspace` 228 ms in all (GitPython, pydantic and
the models), the CLI with the workspace and the status builder 352 ms. Neither read command
imports Prefect; `chapter log` no longer imports YAML or the configuration models (the
workspace reads its configuration only when asked), nor `secrets`. GitPython stays on the read
path (the workspace opens its repository with it, and `status` reads blobs through it): making
it lazy is the next step (about 85 ms of `chapter log`'s CPU).

`python bench/bench_history.py [SIZES...]` (default 500 2000 10000) grows one workspace with
`git fast-import` (rounds on eleven chapters for 31 reviewers, about 376 commits a round, the
last one open; chapter 01 made and revised through penholder itself) and prints at each size
`git log --format=%H`, a state change in-process (`chapters.commit_revision` through a new
`Workspace`, median of 5), `penholder status --json` and `penholder chapter log 03` (a fresh
interpreter, best of 3), in wall time and in CPU time (this process and the programs it ran);
the machine it was measured on is shared (load average about 9 on 2 cores), so wall times are
noisy and the CPU figures are the steadier ones.
"""

HISTORY_NOTES = """\
Where the time went in the run of 2026-11-30 (load average about 9 on 2 cores): a state change at 10,000 commits within 1.2x of 500 **MET** in wall time
(1.13x), **MISSED** in CPU time (1.42x): Python's own part is flat (1.15x), the growth is in the
git programs a commit runs (`ls-tree`, `read-tree`, `add`, `status`), whose cost follows the
number of files in the tree (34 at 505 commits, 343 at 10,005), not the history. `status`
under 10x `git log` and under 0.5 s at 2,000 commits: **MISSED** (46x and 0.68 s in CPU time):
most of it is the fixed start-up above (about 350 ms), then YAML round records (one per round,
each listing every reviewer's packets) and parsing the history once. Before this work, on the
same kind of workspace, a state change replayed the whole history (412 ms at 2,007 commits
against 204 ms fresh, issue 23) and status read the history once per round.
"""


def _rows() -> list[dict[str, str]]:
    rows = []
    for key in AIMS:
        path = STORE / f"{key}.json"
        if path.is_file():
            rows.append(json.loads(path.read_text(encoding="utf-8")))
        else:
            rows.append({"what": key, "baseline": "", "ratio": "", "aim": "", "verdict": "not "
                         "measured in this run", "note": ""})  # fmt: skip
    return rows


def _table(rows: list[dict[str, str]]) -> str:
    out = [
        "| what | baseline (same run) | now | aim | verdict | figures |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        ratio = f"{r['ratio']}x" if r["ratio"] != "" else ""
        out.append(
            f"| {r['what']} | {r['baseline']} | {ratio} | {r['aim']} | **{r['verdict']}** | "
            f"{r['note']} |"
        )
    return "\n".join(out)


def _scale() -> str:
    path = STORE / "scale.json"
    if not path.is_file():
        return "## Cost curve\n\nNot measured in this run (`python bench/bench_scale.py`).\n"
    data = json.loads(path.read_text(encoding="utf-8"))
    sizes = data["sizes"]
    head = "| step | " + " | ".join(f"{n} reviewers" for n in sizes) + " | growth (31 to "
    head += f"{sizes[-1]}) |"
    lines = [head, "|---" * (len(sizes) + 2) + "|"]
    for step, rows in data["steps"].items():
        cells = [f"{r['seconds']:.1f} s ({r['wall']:.0f} s), {r['rss']:.0f} MiB" for r in rows]
        fit = data["fits"][step]
        lines.append(f"| {step} | " + " | ".join(cells) + f" | n^{fit['exponent']}: "
                     f"{fit['growth']} |")  # fmt: skip
    return (
        "## Cost curve: one round, 10 to 300 reviewers\n\n"
        f"`bench/bench_scale.py`: one chapter of {data['words']:,} words, every reviewer sends "
        "one return (4 comments, 6 tracked changes, a silent edit). Each step runs in a fresh "
        "process: CPU time of the step's process and of the children it waited for (git, pandoc; "
        "LibreOffice's own process may escape the count), "
        "then wall time in brackets (on a shared machine it measures the queue too), and the "
        "peak RSS of that process (imports included, about 60 MiB). "
        "Growth is the exponent k of time ~ n^k fitted between 31 reviewers and the largest "
        "round.\n\n" + "\n".join(lines) + "\n\n![time per step against reviewers, log-log]"
        "(performance-scale.svg)\n\n"
        "Packets and consolidation grow at most linearly: a fixed cost per round (one render "
        "and one LibreOffice layout at sending; the round's render restamped and the matrices' "
        "headers at consolidation) plus a fixed amount of work per reviewer (a restamp, a letter, "
        "a zip and a message; their remarks merged and written). Status reads the round's "
        "records once.\n\n"
        "Intake does a fixed amount of work per return (the reader, the alignment, two "
        "commits), and nothing it looks up grows with the round any more: identification finds "
        "a packet in a round record parsed once per run (`reviewers.rounds.records.RoundBook`), "
        "an earlier copy of the file is looked up in an index of the returns built from the "
        "history once and extended by the commits since (`reviewers.intake.store.ReturnIndex`), "
        "and those commits are read as the last few of the line (`git log --max-count`, without "
        "`--topo-order`, which made git walk the whole history at every extension: "
        "`drafts.history_cache`). Measured before these changes: n^1.19, about 106 ms of CPU per "
        "return at 300 reviewers against 74 ms at 100. What still grows is inside git and small: "
        "each commit copies the private index kept for HEAD (`drafts.core.commit_index`; it read "
        "HEAD's whole tree before) and writes the changed trees back; the tree holds two files "
        "per return.\n"
    )


def _history() -> str:
    path = STORE / "history.md"
    table = (
        path.read_text(encoding="utf-8")
        if path.is_file()
        else "Not measured in this run (`python bench/bench_history.py`).\n"
    )
    return HISTORY + "\n" + table + "\n" + HISTORY_NOTES


def main() -> None:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    machine = (
        f"Measured {when} on {platform.machine()} with {os.cpu_count()} cores (load average "
        f"{load} when the report was written), Python {platform.python_version()}."
    )
    text = "\n".join(
        [
            INTRO,
            "## Issue 18's table",
            "",
            machine,
            "",
            _table(_rows()),
            "",
            _scale(),
            NOTES,
            _history(),
        ]
    )
    OUT.write_text(text, encoding="utf-8")
    for r in _rows():
        ratio = f"{r['ratio']}x" if r["ratio"] != "" else "-"
        print(f"{r['what'][:58]:58} {ratio:>7} against {r['baseline'] or '-'}, aim "
              f"{r['aim'] or '-'}: {r['verdict']}")  # fmt: skip
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
