"""``make demo``: the whole story so far on the example guideline, on Prefect's embedded engine.

Creates a fresh workspace outside the engine's repository (printed first), pins penholder's clock
inside the seed's calendar (early March 2024, before the first EGM) and runs each step through the
real CLI, so what the demo shows is what a drafter types.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

DRAFTER = "amina-odhiambo"


def step(title: str, *args: str) -> None:
    """Print a step and run ``penholder ARGS`` in-process; stop the demo if it fails."""
    from flows.cli import main

    print(f"\n=== {title}\n$ penholder {' '.join(args)}", flush=True)
    code = main(list(args))
    if code != 0:
        sys.exit(f"demo: step failed: penholder {' '.join(args)}")


def story(root: Path) -> None:
    ws = str(root)
    step("Create the example guideline workspace", "init", ws, "--example", "--as", DRAFTER)
    os.environ["PENHOLDER_WORKSPACE"] = ws
    chapter = root / "chapters" / "03.md"
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(
        text.rstrip("\n")
        + "\n\nCities should publish an annual accessibility statement for every digital public"
        " service, prepared with organisations of persons with disabilities.\n",
        encoding="utf-8",
    )
    step(
        "A drafter edits chapter 03 by hand and records revision 2",
        "chapter",
        "commit",
        "03",
        "-m",
        "Add the accessibility statement",
        "--as",
        DRAFTER,
    )
    step(
        "Chapter 01 is ready for the first EGM",
        "chapter",
        "stage",
        "01",
        "--to",
        "ready_for_egm",
        "--as",
        DRAFTER,
    )
    step("History of chapter 03 (trailers)", "chapter", "log", "03")
    step("Where each chapter stands", "status")
    step(
        "Open review round R1 on chapters 02 and 03 for the EWG (packets go to outbox/)",
        *("round", "open", "--chapters", "02,03", "--reviewers", "ewg"),
        *("--due", "2024-03-22", "--as", DRAFTER),
    )
    step("Who has been sent what in round R1", "round", "status", "R1")


def main() -> None:
    os.environ.setdefault("PENHOLDER_TODAY", "2024-03-04")
    base = Path(os.environ.get("PENHOLDER_DEMO_DIR") or tempfile.mkdtemp(prefix="penholder-demo-"))
    root = base / "smart-cities"
    print(f"workspace: {root}", flush=True)
    story(root)
    print(f"\nDone. The demo workspace is {root}\n(try: penholder status -w {root})")


if __name__ == "__main__":
    main()
