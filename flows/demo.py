"""``make demo``: the whole story so far on the example guideline, on Prefect's embedded engine.

Creates a fresh workspace outside the engine's repository (printed first), pins penholder's clock
inside the seed's calendar (early March 2024, before the first EGM) and runs each step through the
real CLI, so what the demo shows is what a drafter types.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from drafts import layout

DRAFTER = "amina-odhiambo"


def step(title: str, *args: str, expect: int = 0) -> None:
    """Print a step and run ``penholder ARGS`` in-process; stop the demo if it does not exit
    with ``expect`` (a refusal or a failed check the story shows on purpose exits 1)."""
    from flows.cli import main

    print(f"\n=== {title}\n$ penholder {' '.join(args)}", flush=True)
    code = main(list(args))
    if code != expect:
        sys.exit(f"demo: step failed: penholder {' '.join(args)} exited {code}, not {expect}")


def story(root: Path) -> None:
    ws = str(root)
    step("Create the example guideline workspace", "init", ws, "--example", "--as", DRAFTER)
    os.environ["PENHOLDER_WORKSPACE"] = ws
    chapter = root / layout.chapter("03")
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
    returns(root)


def at(day: str) -> None:
    """Move penholder's clock to ``day`` (the story spans March to April 2024)."""
    os.environ["PENHOLDER_TODAY"] = day
    print(f"\n--- {day}", flush=True)


def returns(root: Path) -> None:
    from datetime import datetime

    from drafts.workspace import Workspace
    from flows import demo_reviewers as experts

    ws = Workspace.open(root)
    ewg = [p for p in ws.people if "ewg" in p.groups and "signoff" not in p.roles]
    a, b, c, d, e = ewg[:5]
    at("2024-03-15")
    when = datetime(2024, 3, 15, 10, 0)
    experts.annotate_return(
        ws, "R1", a.id, "03", 2, "thorough", when, "comments-ch3.docx", replier=b.name
    )
    experts.annotate_return(ws, "R1", b.id, "03", 2, "quiet", when, "Chapter 3 edited.docx")
    brief = experts.annotate_return(ws, "R1", c.id, "02", 1, "brief", when, "ch02.docx")
    if experts.libreoffice_resave(brief):
        print(f"({c.name}'s return was re-saved by LibreOffice)")
    (ws.root / layout.INBOX / "site-visit-photos.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    step(
        "Experts' returns arrive in inbox/ and are read (exits 1: one file is not a return)",
        *("inbox", "scan", "--as", DRAFTER),
        expect=1,
    )
    step("What inbox/ held that is not a return, and why", "quarantine", "list")
    mailed = experts.annotate_return(ws, "R1", e.id, "03", 2, "brief", when, "mailed.docx")
    attachment = mailed.replace(root.parent / f"{e.id}-chapter-3.docx")
    maildir = experts.write_mail(ws, "R1", e.id, attachment, root.parent / "mailbox")
    print(f"({e.name} replied by e-mail; the message waits in {maildir})")
    step(
        "Returns by e-mail: the guideline's mailbox is fetched",
        *("inbox", "fetch", "--maildir", str(maildir), "--as", DRAFTER),
    )
    step("What became of every message", "inbox", "list")
    step("What was read from chapter 03", "remarks", "03", "--round", "R1")
    at("2024-03-25")
    late = experts.annotate_return(
        ws, "R1", d.id, "03", 2, "brief", datetime(2024, 3, 24), "late-return.docx"
    )
    step("A late return, added by hand", "return", "add", str(late), "--as", DRAFTER)
    step("Round R1 after the due date", "round", "status", "R1")
    step("Close round R1", "round", "close", "R1", "--as", DRAFTER)
    step(
        "Consolidate chapter 03: tracked .docx and comment-resolution matrix",
        "consolidate",
        "03",
        "--round",
        "R1",
        "--as",
        DRAFTER,
    )
    answer(root)
    at("2024-04-02")
    step(
        "Round R2 on chapter 03 for the bureau",
        "round",
        "open",
        "--chapters",
        "03",
        "--reviewers",
        "bureau",
        "--due",
        "2024-04-12",
        "--as",
        DRAFTER,
    )
    old = experts.annotate_return(
        ws, "R1", e.id, "03", 2, "quiet", datetime(2024, 4, 2), "old-draft-comments.docx"
    )
    step(
        "An expert sends comments on the old draft (revision 2) after R2 opened",
        "return",
        "add",
        str(old),
        "--as",
        DRAFTER,
    )
    at("2024-04-15")
    step("Close round R2", "round", "close", "R2", "--as", DRAFTER)
    step(
        "Consolidate R2: the late return on revision 2 is rebased onto the newest revision",
        "consolidate",
        "03",
        "--round",
        "R2",
        "--as",
        DRAFTER,
    )
    step(
        "Is EGM1 (Nairobi, 23 April) ready? The gate says what blocks each chapter (exits 1)",
        *("egm", "check", "EGM1"),
        expect=1,
    )
    if shutil.which("soffice"):
        step(
            "The EGM1 pack: contents, version table, chapters, redlines and matrices (.docx, .pdf)",
            *("egm", "pack", "EGM1", "--as", DRAFTER),
        )
    else:
        print("\n(LibreOffice is not installed: the EGM1 pack is left out)")
    step(
        "Chapter 01 is ready: its sign-off is requested at EGM1 (a flow run waits for the decision)",
        *("signoff", "request", "01", "--egm", "EGM1", "--as", DRAFTER),
    )
    step("What waits for a decision, and who may give it", "signoff", "status")
    step(
        "The chair (sign-off role) returns it with conditions: rows EGM1-01-001 and -002",
        *("signoff", "decide", "01", "--return", "--as", "nadia-haddad", "--conditions"),
        "Add a paragraph on data protection; State who reviews the principles",
    )
    step("EGM1 and its outcome per chapter", "egm", "show", "EGM1")
    chapter = root / layout.chapter("01")
    chapter.write_text(
        chapter.read_text(encoding="utf-8").rstrip("\n")
        + "\n\nPersonal data collected by smart city services is protected by law, minimised and"
        " never sold. The Expert Working Group reviews these principles every two years.\n",
        encoding="utf-8",
    )
    step(
        "The drafter meets the conditions in revision 2 of chapter 01",
        *("chapter", "commit", "01", "-m", "Meet the EGM1 conditions", "--as", DRAFTER),
    )
    step(
        "... and answers them like any other row",
        *("dispose", "EGM1-01-001", "EGM1-01-002", "accepted", "--as", DRAFTER),
        *("--response", "Added at the end of the chapter in revision 2."),
    )
    step(
        "Chapter 01 is ready again",
        *("chapter", "stage", "01", "--to", "ready_for_egm", "--as", DRAFTER),
    )
    step(
        "... and its sign-off is requested once more",
        *("signoff", "request", "01", "--egm", "EGM1", "--as", DRAFTER),
    )
    step(
        "The chair approves revision 2: tagged egm/EGM1/01 and frozen",
        *("signoff", "decide", "01", "--approve", "--as", "nadia-haddad"),
    )
    step(
        "Chapter 01 is not final yet: that needs a sign-off at the last EGM (exits 1)",
        *("chapter", "stage", "01", "--to", "final", "--as", DRAFTER),
        expect=1,
    )
    step("Where each chapter stands", "status")
    step(
        "The same as one web page to e-mail (`penholder web` serves it live)",
        *("status", "--html", str(root / layout.OUT / "status.html")),
    )


def answer(root: Path) -> None:
    """The drafter answers every row of R1 on chapter 03: comments and a few suggestions from
    the command line, the rest in the matrix (.xlsx, as in Excel), then revises and writes to
    the experts."""
    from drafts.workspace import Workspace
    from reviewers.decide.store import load_matrix

    at("2024-03-27")
    matrix = load_matrix(Workspace.open(root), "03", "R1")
    comments = [r.id for r in matrix.rows if r.kind == "comment"]
    conflicts = [r for r in matrix.rows if "conflict" in r.flags]
    if comments:
        step(
            "The drafter answers the comments from the command line",
            *("dispose", *comments, "noted", "--response", "Thank you; addressed in the text."),
            *("--as", DRAFTER),
        )
    if conflicts:
        chosen, *rest = conflicts
        step(
            f"A conflict is answered by choosing one of its texts ({chosen.id})",
            *("dispose", chosen.id, "accepted", "--response", "The clearer wording."),
            *("--as", DRAFTER),
        )
        for row in rest:
            step(
                f"... and declining the competing one ({row.id})",
                *("dispose", row.id, "rejected", "--response", "We kept the other wording."),
                *("--as", DRAFTER),
            )
    from flows import demo_reviewers as drafter

    path = drafter.fill_matrix(Workspace.open(root), "03", "R1")
    print("\n(the drafter fills in the rest of consolidated/R1/03/matrix.xlsx, as in Excel)")
    step(
        "The answers in the matrix are imported (rows matched by id)",
        *("matrix", "import", "03", "--round", "R1", str(path), "--as", DRAFTER),
    )
    step("Every row of R1 and its answer", "dispositions", "03", "--round", "R1")
    step(
        "Revise chapter 03 from the accepted rows (revision 3, Resolves trailers)",
        *("revise", "03", "--round", "R1", "--as", DRAFTER),
    )
    step(
        "Tell each expert how their comments were addressed",
        *("letters", "03", "--round", "R1", "--as", DRAFTER),
    )


def main() -> None:
    os.environ.setdefault("PENHOLDER_TODAY", "2024-03-04")
    base = Path(os.environ.get("PENHOLDER_DEMO_DIR") or tempfile.mkdtemp(prefix="penholder-demo-"))
    root = base / "smart-cities"
    print(f"workspace: {root}", flush=True)
    story(root)
    print(f"\nDone. The demo workspace is {root}\n(try: penholder status -w {root})")


if __name__ == "__main__":
    main()
