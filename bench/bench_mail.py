"""Benchmark: ``inbox fetch`` of N messages from a real IMAP server on loopback, beside intake
alone of the same files.

Run ``python bench/bench_mail.py [N]`` (N messages, default 300; needs Dovecot and root, as the
IMAP tests do). Builds the example workspace with round R1 on chapter 03 sent to its experts,
writes N returns (each expert's packet with a comment of its own, so every file differs) and
puts each, as a reply to its packet message, into a private Dovecot (IMAP APPEND, not timed).
Then, on two copies of the workspace:

- intake alone: ``ingest_all`` of the N files;
- fetch: ``reviewers.intake.mailbox.fetch`` over STARTTLS (store the message, intake, outcome,
  the acknowledgement written to outbox/ and recorded, the message moved to the processed folder).

Aim: the mail adds under 50% to intake alone (wall time: fetch at most 1.5x intake alone).
Prints MET or MISSED, with the load average, and the CPU time of each side (the process and the
git it ran; Dovecot's own is not counted): on a machine shared with other jobs, wall time also
measures the run queue. The row is stored for ``docs/performance.md`` (``bench/aims.py``, key
``mail``).
"""

from __future__ import annotations

import gc
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("PENHOLDER_TODAY", "2024-03-04")

from aims import AIMS, aim  # noqa: E402

from drafts import chapters  # noqa: E402
from drafts.models import ImapSettings  # noqa: E402
from drafts.workspace import Workspace  # noqa: E402
from reviewers.intake.ingest import ingest_all  # noqa: E402
from reviewers.intake.mailbox.fetch import fetch  # noqa: E402
from reviewers.intake.mailbox.sources import ImapSource  # noqa: E402
from tests.helpers import dovecot  # noqa: E402
from tests.helpers.mail import DOCX, reply, returned_file, round_sent  # noqa: E402

AIM = (AIMS["mail"] or 1.5) - 1  # what the mail may add to intake alone
DRAFTER = "amina-odhiambo"


def setup(tmp: Path, n: int) -> tuple[Path, list[Path], list[bytes]]:
    files, chapter_files = chapters.example_files()
    ws = chapters.create_workspace(tmp / "ws", files, chapter_files, DRAFTER)
    rnd = round_sent(ws, reviewers=len([p for p in ws.people if "ewg" in p.groups]))
    paths, messages = [], []
    for i in range(n):
        k = i % len(rnd.items)
        path = tmp / f"return-{i:04d}.docx"
        path.write_bytes(returned_file(ws, rnd, k, tmp / f"r{i}.docx", comment=f"Remark {i}."))
        paths.append(path)
        messages.append(
            reply(ws, rnd, rnd.items[k].reviewer, [(path.name, path.read_bytes(), DOCX)])
        )
    return ws.root, paths, messages


def cpu() -> float:
    """CPU seconds of this process and of its children that have ended (git)."""
    own, children = (
        resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    if not dovecot.available():
        print("bench_mail: needs dovecot-imapd, openssl and root; skipped")
        return
    with tempfile.TemporaryDirectory() as folder, dovecot.running() as imap:
        tmp = Path(folder)
        t = time.perf_counter()
        root, paths, messages = setup(tmp, n)
        imap.append(messages)
        print(f"setup: {n} returns written and delivered in {time.perf_counter() - t:.1f} s")
        alone, mailed = tmp / "alone", tmp / "mailed"
        shutil.copytree(root, alone, symlinks=True)
        shutil.copytree(root, mailed, symlinks=True)
        ws = Workspace.open(alone)
        t, c = time.perf_counter(), cpu()
        outcomes = ingest_all(ws, paths, ws.identity(DRAFTER))
        intake, intake_cpu = time.perf_counter() - t, cpu() - c
        assert all(o.status == "recorded" for o in outcomes), [o.message for o in outcomes][:3]
        del ws, outcomes
        gc.collect()  # its git helpers (cat-file) reaped now: their CPU is intake's, not mail's
        ws = Workspace.open(mailed)
        os.environ["PENHOLDER_IMAP_PASSWORD"] = dovecot.PASSWORD
        settings = ImapSettings(
            host="127.0.0.1", port=imap.port, security="starttls",
            ca_file=str(imap.ca_file), user=dovecot.USER,
        )  # fmt: skip
        t, c = time.perf_counter(), cpu()
        source = ImapSource(settings)
        try:
            fetched = fetch(ws, source, ws.identity(DRAFTER))
        finally:
            source.close()
        mail, mail_cpu = time.perf_counter() - t, cpu() - c
        taken = sum(a.status == "recorded" for f in fetched for a in f.outcome.attachments)
        assert taken == n, taken
        extra = mail / intake - 1
        print(
            f"intake alone : {intake:7.2f} s  ({n / intake:6.1f} returns/s), CPU {intake_cpu:.2f} s"
        )
        print(f"fetch+intake : {mail:7.2f} s  ({n / mail:6.1f} returns/s), CPU {mail_cpu:.2f} s")
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(
            f"mail adds {extra:.0%} to intake alone (aim: under {AIM:.0%}); "
            f"CPU {mail_cpu / intake_cpu - 1:.0%}; load average {load}"
        )
        aim(
            "mail",
            f"inbox fetch, {n} messages over IMAP (Dovecot on loopback, STARTTLS)",
            "intake alone of the same files",
            mail / intake,
            f"{mail:.2f} s against {intake:.2f} s wall; CPU {mail_cpu:.2f} s against "
            f"{intake_cpu:.2f} s ({mail_cpu / intake_cpu:.2f}x); load average {load}",
        )


if __name__ == "__main__":
    main()
