"""The command line: help everywhere, JSON on read commands, one-sentence errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
import typer.main

from drafts.workspace import Workspace
from flows.cli import app
from tests.conftest import DRAFTER, ROOT


def all_commands() -> list[list[str]]:
    found = []

    def walk(cmd: click.Command, path: list[str]) -> None:
        found.append(path)
        for name, sub in getattr(cmd, "commands", {}).items():
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return found


@pytest.mark.parametrize("path", all_commands(), ids=lambda p: " ".join(p) or "penholder")
def test_every_command_has_help(path: list[str], cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli(*path, "--help")
    assert code == 0
    assert "Usage:" in out
    cmd = typer.main.get_command(app)
    for name in path:
        cmd = cmd.commands[name]  # type: ignore[attr-defined]
    assert (cmd.help or "").strip(), f"{' '.join(path)} has no help text"


def test_status_json(example_ws: Workspace, cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli("status", "--json", "--workspace", example_ws.root)
    assert code == 0
    data = json.loads(out)
    assert [c["id"] for c in data["chapters"]] == example_ws.chapter_ids()
    first = data["chapters"][0]
    assert {"id", "title", "stage", "revision"} <= set(first)
    assert first["stage"] == "drafting" and first["revision"] == 1
    assert data["next_egm"]["id"] == "EGM1"


def test_chapter_commands(example_ws: Workspace, cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(example_ws.root / "chapters")  # any folder inside the workspace
    path = example_ws.chapter_path("04")
    path.write_text(path.read_text() + "\nA paragraph added by hand.\n")
    assert (
        cli("chapter", "commit", "04", "-m", "Tighten the equity section", "--as", DRAFTER)[0] == 0
    )
    code, out, _ = cli("chapter", "log", "04", "--json")
    commits = json.loads(out)["commits"]
    assert [c["subject"] for c in commits][-1] == "Tighten the equity section"
    code, out, _ = cli("chapter", "show", "04", "--rev", "1")
    assert "A paragraph added by hand." not in out
    code, out, _ = cli("chapter", "show", "04", "--json")
    assert json.loads(out)["revision"]["number"] == 2
    assert cli("chapter", "stage", "04", "--to", "ready_for_egm", "--as", DRAFTER)[0] == 0
    code, out, err = cli("chapter", "stage", "04", "--to", "in_review", "--as", DRAFTER)
    assert code == 1 and out == ""
    assert err.startswith("penholder: chapter 04 cannot move from ready_for_egm to in_review")
    assert err.count("\n") == 1


def test_new_chapter(example_ws: Workspace, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    body = tmp_path / "body.md"
    body.write_text("# Annex\n\nText of the annex.\n")
    ws = str(example_ws.root)
    code, _, err = cli(
        "chapter", "new", "A1", "--title", "Annex", "--from", body, "-w", ws, "--as", DRAFTER
    )
    assert code == 0, err
    assert Workspace.open(example_ws.root).front("A1").title == "Annex"
    code, _, err = cli("chapter", "new", "A1", "--title", "Again", "-w", ws, "--as", DRAFTER)
    assert (code, err) == (1, "penholder: chapter A1 already exists\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["status"], "is not a penholder workspace"),
        (["chapter", "show", "99", "-w", "{ws}"], "no chapter '99' in this workspace"),
        (["chapter", "show", "03", "--rev", "9", "-w", "{ws}"], "chapter 03 has no revision 9"),
        (["chapter", "commit", "03", "-w", "{ws}"], "no identity to commit as"),
        (["chapter", "stage", "03", "--to", "done", "-w", "{ws}"], "unknown stage 'done'"),
    ],
)
def test_bad_input_is_one_sentence(args, message, example_ws, cli, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    head = example_ws.repo.head.commit.hexsha
    code, _out, err = cli(*[a.replace("{ws}", str(example_ws.root)) for a in args])
    assert code == 1
    assert message in err and err.startswith("penholder: ") and err.count("\n") == 1
    assert example_ws.repo.head.commit.hexsha == head


def test_read_commands_import_neither_prefect_nor_gitpython(example_ws: Workspace) -> None:
    code = (
        "import sys; from flows.cli import main; "
        f"rc = main(['status', '--json', '-w', {str(example_ws.root)!r}]); "
        "main(['chapter', 'log', '03', '-w', " + repr(str(example_ws.root)) + "]); "
        "assert 'prefect' not in sys.modules, 'prefect imported'; "
        "assert 'git' not in sys.modules, 'GitPython imported'; sys.exit(rc)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_console_script_installed() -> None:
    exe = Path(sys.executable).parent / "penholder"
    done = subprocess.run([str(exe), "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "chapter" in done.stdout


@pytest.mark.slow
def test_an_installed_wheel_ships_templates_and_examples(tmp_path: Path) -> None:
    import zipfile

    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    names = set(zipfile.ZipFile(next(tmp_path.glob("penholder-*.whl"))).namelist())
    for needed in (
        "templates/reference.docx",
        "templates/letters/cover.txt.j2",
        "templates/letters/_signature.txt.j2",
        "examples/smart-cities/guideline.yaml",
        "examples/smart-cities/references.bib",
        "examples/smart-cities/chapters/03.md",
    ):
        assert needed in names


def test_render_for_a_reviewer_carries_their_packet(
    example_ws: Workspace, cli, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from drafts.ooxml.write.stamp import read_footer, read_stamp
    from reviewers.rounds import lifecycle as rounds

    ws = example_ws
    ewg = [p.id for p in ws.people if "ewg" in p.groups][:2]
    rnd = rounds.open_round(ws, ["03"], ewg, date(2024, 3, 22), ws.identity(DRAFTER))
    item = rnd.items[0]
    out = tmp_path / "packet.docx"
    code, _, err = cli(
        "render", "03", "--for", item.reviewer, "--round", "R1", "-o", out, "-w", ws.root
    )
    assert code == 0, err
    stamp = read_stamp(out)
    assert stamp["penholder.packet"] == item.packet and stamp["penholder.round"] == "R1"
    assert item.packet in read_footer(out)
    stranger = next(p.id for p in ws.people if p.id not in ewg)
    code, _, err = cli("render", "03", "--for", stranger, "--round", "R1", "-o", out, "-w", ws.root)
    assert code == 1 and f"{stranger} is not a reviewer of chapter 03 in round R1" in err


def test_render_and_redline_without_o_go_to_the_ignored_out_folder(
    example_ws: Workspace, cli, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from drafts.ooxml.write.stamp import read_stamp

    ws = example_ws
    monkeypatch.chdir(ws.root / "chapters")  # out/ is the workspace's, wherever you are
    path = ws.chapter_path("04")
    path.write_text(path.read_text() + "\nA paragraph added by hand.\n")
    assert cli("chapter", "commit", "04", "--as", DRAFTER)[0] == 0
    code, out, err = cli("render", "04", "--rev", "1")
    assert (code, out) == (0, f"{ws.root / 'out' / '04-r1.docx'}\n"), err
    assert read_stamp(ws.root / "out" / "04-r1.docx")["penholder.revision"] == "1"
    code, out, err = cli("redline", "04", "--from", "1", "--to", "2")
    assert (code, out) == (0, f"{ws.root / 'out' / '04-r1-to-r2.docx'}\n"), err
    code, out, err = cli("render", "04", "-o", "mine.docx")  # -o: where you said
    assert (code, out) == (0, "mine.docx\n") and (ws.root / "chapters" / "mine.docx").is_file()
    assert ws.dirty_paths() == ["chapters/mine.docx"]  # out/ is git-ignored; mine.docx is yours


def test_signoff_then_final_on_the_command_line(example_ws: Workspace, cli) -> None:  # type: ignore[no-untyped-def]
    w = ("--workspace", str(example_ws.root))
    assert cli("chapter", "stage", "01", "--to", "ready_for_egm", "--as", DRAFTER, *w)[0] == 0
    assert cli("signoff", "request", "01", "--egm", "EGM1", "--as", DRAFTER, *w)[0] == 0
    code, out, _ = cli("signoff", "status", "--json", *w)
    assert code == 0 and [r["chapter"] for r in json.loads(out)["waiting"]] == ["01"]
    assert cli("signoff", "decide", "01", "--approve", "--as", "nadia-haddad", *w)[0] == 0
    code, out, _ = cli("egm", "show", "EGM1", "--json", *w)
    [outcome] = json.loads(out)["outcomes"]
    assert (outcome["chapter"], outcome["decision"], outcome["approver"]) == (
        "01",
        "approve",
        "nadia-haddad",
    )
    head = example_ws.repo.head.commit.hexsha
    code, _, err = cli("chapter", "stage", "01", "--to", "final", "--as", DRAFTER, *w)
    assert code == 1 and "the last EGM on the calendar, and it was last signed off at EGM1" in err
    code, _, err = cli("chapter", "stage", "01", "--to", "final", "--force", "--as", DRAFTER, *w)
    assert code == 1 and "--force needs --reason" in err
    assert example_ws.repo.head.commit.hexsha == head
    reason = "The bureau closed the guideline after EGM1"
    args = ("chapter", "stage", "01", "--to", "final", "--force", "--reason", reason)
    assert cli(*args, "--as", DRAFTER, *w)[0] == 0
    last = Workspace.open(example_ws.root).history()[-1]
    assert (last.value("Stage"), last.value("Forced")) == ("final", reason)
