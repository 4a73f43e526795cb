"""Letters and the house style: wording from templates a workspace may override, and every
document laid out by LibreOffice in the guideline's paper (PNG of each first page kept in
``test-artefacts/`` for a reviewer to look at)."""

from __future__ import annotations

import re
import subprocess
from datetime import date, datetime
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml

from drafts import layout
from drafts.core import resources
from drafts.core.errors import ConfigError
from drafts.word import house, office
from drafts.workspace import Workspace
from reviewers.consolidate.models import Matrix, Row, Supporter
from reviewers.decide.letters import LetterRow, write_letter
from reviewers.decide.models import Disposition
from reviewers.rounds import lifecycle as rounds
from reviewers.send import letters, sending, wording
from reviewers.send.packets import Renderer, build_packet
from tests.conftest import DRAFTER, ROOT, soffice_or_skip

DUE = date(2024, 3, 22)
ARTEFACTS = ROOT / "test-artefacts"
EXPERT = "lucia-hernandez"


def set_house(ws: Workspace, **house: Any) -> Workspace:
    """Commit ``house:`` settings into guideline.yaml and return the reopened workspace."""
    data = yaml.safe_load((ws.root / "guideline.yaml").read_text())
    data["house"] = data.get("house", {}) | house
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode()
    ws.commit({"guideline.yaml": text}, "House style", [("Event", "config")], ws.identity(DRAFTER))
    return Workspace.open(ws.root)


def override(ws: Workspace, name: str, text: str) -> None:
    path = ws.root / layout.letter_template(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def tiny_renderer() -> Renderer:
    def render(ws, chapter, revision, out, **_: Any):  # type: ignore[no-untyped-def]
        out.write_bytes(b"docx")
        return out

    return Renderer(render)


def test_long_dates_in_each_language() -> None:
    day = date(2024, 3, 22)
    assert wording.long_date(day) == "22 March 2024"
    assert wording.long_date(day, "fr") == "22 mars 2024"
    assert wording.long_date(date(2024, 3, 1), "fr") == "1er mars 2024"
    assert wording.long_date(day, "es") == "22 de marzo de 2024"
    assert wording.weekday(day) == "Friday"


def test_the_email_body_is_the_letter_with_no_hard_wrapped_paragraph(
    example_ws: Workspace,
) -> None:
    a = example_ws.identity(DRAFTER)
    rounds.open_round(example_ws, ["02", "03"], [EXPERT], DUE, a)
    sending.send_packets(example_ws, "R1", a, renderer=tiny_renderer())
    eml = example_ws.root / layout.mail_folder("R1", "mail") / f"packet-{EXPERT}.eml"
    msg = message_from_bytes(eml.read_bytes(), policy=policy.default)
    body = msg.get_body().get_content().replace("\r\n", "\n")  # type: ignore[union-attr]
    packet = example_ws.root / layout.packet_folder("R1", EXPERT)
    assert body == (packet / "Cover letter.txt").read_text(encoding="utf-8")
    (how,) = [p for p in body.split("\n\n") if p.startswith("How to comment:")]
    assert "\n" not in how and how.endswith("you may rename the file.")
    for paragraph in body.split("\n\n"):  # a line ends a paragraph, a list item or a short line
        for line in paragraph.splitlines()[:-1]:
            assert len(line) < 60 or line.startswith("- "), line
    assert "Reference: UN-Habitat/PCSC/R1/R1-02-" in body
    assert "\nAmina Odhiambo\nProgramme Lead\nPeople-Centred Smart Cities Programme\n" in body
    assert "Cover letter" not in body


def test_a_workspace_template_changes_the_wording(example_ws: Workspace) -> None:
    a = example_ws.identity(DRAFTER)
    rnd = rounds.open_round(example_ws, ["03"], [EXPERT], DUE, a)
    override(
        example_ws,
        "reminder",
        "Dear {{ name }},\n\nKind reminder: {{ chapters_phrase }} by {{ due_long }}.\n",
    )
    text = letters.reminder_text(
        example_ws, example_ws.person(EXPERT), rnd, rnd.items, date(2024, 3, 20)
    )
    assert text == "Dear Lucía Hernández Vega,\n\nKind reminder: chapter 03 by 22 March 2024.\n"
    packet = build_packet(example_ws, rnd, example_ws.person(EXPERT), tiny_renderer())
    assert "invites you to review chapter 03" in (packet.folder / "Cover letter.txt").read_text()


def test_an_unknown_placeholder_is_refused_by_name(example_ws: Workspace, cli) -> None:  # type: ignore[no-untyped-def]
    a = example_ws.identity(DRAFTER)
    rnd = rounds.open_round(example_ws, ["03"], [EXPERT], DUE, a)
    override(example_ws, "cover", "Dear {{ name }},\n\nSee {{ chapter_list }}.\n")
    with pytest.raises(ConfigError, match=r"templates/letters/cover.txt.j2 .* 'chapter_list'"):
        build_packet(example_ws, rnd, example_ws.person(EXPERT), tiny_renderer())
    code, _, err = cli("round", "send", "R1", "-w", example_ws.root, "--as", DRAFTER)
    assert code != 0 and "unknown placeholder 'chapter_list'" in err
    assert len(err.strip().splitlines()) == 1


def test_letters_follow_the_paper_and_fonts_of_the_guideline(example_ws: Workspace) -> None:
    ws = set_house(example_ws, paper="Letter", font="Liberation Serif")
    doc = house.document(ws.guideline)
    section = doc.sections[-1]
    assert (round(section.page_width.cm, 2), round(section.page_height.cm, 2)) == (21.59, 27.94)
    assert doc.styles["Normal"].font.name == "Liberation Serif"
    assert house.reference(ws.guideline) != resources.reference_docx()  # a copy in its paper
    house.apply_page(section, ws.guideline, landscape=True)
    assert section.page_width.cm > section.page_height.cm


# -- as pages: LibreOffice lays each document out -------------------------------------------


def as_pdf(path: Path, work: Path, name: str) -> tuple[str, str]:
    """Return (``pdfinfo``, ``pdftotext -layout``) of ``path``; keep its first page as a PNG."""
    pdf = office.to_pdf(path, work / name)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    ARTEFACTS.mkdir(exist_ok=True)
    png = ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile"]
    subprocess.run([*png, str(pdf), str(ARTEFACTS / name)], check=True)
    return info.stdout, "\n".join(office.pdf_pages(pdf))


def page_size(info: str) -> str:
    found = re.search(r"^Page size:.*\((\w+)\)", info, re.M)
    return found[1] if found else info


def assert_letterhead_and_signature(text: str) -> None:
    lines = [line.strip() for line in text.splitlines()]
    assert "UN-Habitat" in lines and "People-Centred Smart Cities Programme" in lines
    assert "4 March 2024" in lines
    assert "Dear Lucía Hernández Vega," in lines
    at = lines.index("Amina Odhiambo")  # the signatory block, one line each
    assert lines[at + 1 : at + 4] == [
        "Programme Lead",
        "People-Centred Smart Cities Programme",
        "UN-Habitat",
    ]
    assert "guidelines@unhabitat.example.org" in lines


@pytest.mark.slow
@pytest.mark.libreoffice
def test_cover_letter_and_chapter_are_a4_pages_with_the_letterhead(
    example_ws: Workspace, tmp_path: Path
) -> None:
    soffice_or_skip()
    a = example_ws.identity(DRAFTER)
    rnd = rounds.open_round(example_ws, ["02", "03"], [EXPERT], DUE, a)
    packet = build_packet(example_ws, rnd, example_ws.person(EXPERT))
    info, text = as_pdf(packet.folder / "Cover letter.docx", tmp_path, "cover-letter")
    assert page_size(info) == "A4"
    assert_letterhead_and_signature(text)
    assert f"Reference: UN-Habitat/PCSC/R1/{rnd.items[0].packet}" in text
    assert "by Friday 22 March 2024" in " ".join(text.split())
    assert "Cover letter" not in text
    info, _ = as_pdf(packet.folder / packet.files[0], tmp_path, "chapter-packet")
    assert page_size(info) == "A4"


@pytest.mark.slow
@pytest.mark.libreoffice
def test_how_your_comments_were_addressed_is_a_letter_too(
    example_ws: Workspace, tmp_path: Path
) -> None:
    soffice_or_skip()
    ws = example_ws
    rnd = rounds.open_round(ws, ["03"], [EXPERT], DUE, ws.identity(DRAFTER))
    lucia = ws.person(EXPERT)
    supporter = Supporter(reviewer=EXPERT, name=lucia.name, remark="r1")
    rows = [
        Row(id="R1-03-a1", remarks=["r1"], supporters=[supporter], chapter="03", round="R1",
            paragraph=4, kind="comment", comment="Cite the 2022 survey."),
        Row(id="R1-03-b2", remarks=["r2"], supporters=[supporter], chapter="03", round="R1",
            kind="replace", comment="Replace 'can' by 'must'", proposed="must"),
    ]  # fmt: skip
    matrix = Matrix(
        guideline=ws.guideline.title, chapter="03", chapter_title="Accessibility and inclusion",
        round="R1", revision=1, rows=rows,
    )  # fmt: skip
    answer = Disposition(
        row="R1-03-a1", disposition="accepted", response="Cited.", by=DRAFTER,
        at=datetime(2024, 4, 2), source="cli",
    )  # fmt: skip
    letter_rows = [LetterRow(row=rows[0], answer=answer), LetterRow(row=rows[1], answer=None)]
    out, mail = write_letter(ws, tmp_path / "letter.docx", lucia, rnd, matrix, letter_rows)
    assert "\n## " not in mail and "R1-03-a1: paragraph 4" in mail
    info, text = as_pdf(out, tmp_path, "addressed-letter")
    assert page_size(info) == "A4"
    assert_letterhead_and_signature(text)
    assert f"Reference: UN-Habitat/PCSC/R1/{rnd.items[0].packet}" in text
    assert "Disposition: accepted" in text and "Disposition: not yet decided" in text
    assert docx.Document(str(out)).core_properties.author == "UN-Habitat"


@pytest.mark.slow
@pytest.mark.libreoffice
def test_a_guideline_on_letter_paper_gets_letter_pages_everywhere(
    example_ws: Workspace, tmp_path: Path
) -> None:
    soffice_or_skip()
    ws = set_house(example_ws, paper="Letter")
    rnd = rounds.open_round(ws, ["03"], [EXPERT], DUE, ws.identity(DRAFTER))
    packet = build_packet(ws, rnd, ws.person(EXPERT))
    for name, label in ((packet.files[0], "chapter-letter-paper"), ("Cover letter.docx", "cover-letter-paper")):  # fmt: skip
        info, _ = as_pdf(packet.folder / name, tmp_path, label)
        assert page_size(info) == "letter", name
