"""How each expert's comments were addressed, without git or mail: a stand-in workspace holds the
committed matrix and answers and records the commit, the round is given in memory and a stand-in
for ``deliver`` keeps the messages, so writing and sending every letter takes well under a second
(the letters are really written, as house-style .docx, from the real template).

What an expert sees is the letter (its reference, greeting, each remark with where it is, what
was decided and why) and the e-mail carrying it; what a pen-holder sees is the commit and what was
sent or skipped. Each test states them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import docx
import pytest

from drafts import layout
from drafts.core import progress
from drafts.core.errors import NotFound
from drafts.models import Guideline, HouseStyle, MailSettings, Person
from drafts.writing import Actor
from reviewers.consolidate.models import Matrix, Row, Supporter
from reviewers.decide import letters
from reviewers.decide.letters import (
    LetterRow,
    Letters,
    letter_reference,
    letter_rows,
    send_letters,
    write_letter,
)
from reviewers.decide.models import Disposition, DispositionLog
from reviewers.models import MessageKind, Round, RoundChapter, RoundItem
from reviewers.send.mail import Delivery, Outgoing

AT = datetime(2024, 4, 2, 9, 0, tzinfo=UTC)
WHO = Actor("Dana Drafter", "dana@example.org")
ANA = Person(id="ana", name="Ana Lima", email="ana@example.org")
BEN = Person(id="ben", name="Ben Okafor", email="ben@example.org")
GUIDELINE = Guideline(
    title="Guidelines on Open Urban Data", short_title="Open Data", organisation="UN-Habitat",
    house=HouseStyle(reference_prefix="UNH"), mail=MailSettings(from_address="pen@example.org"),
)  # fmt: skip
ROUND = Round(
    id="R1", opened=AT, opened_by="dana", due=date(2024, 3, 22),
    chapters=[RoundChapter(chapter="03", revision=1)], reviewers=["ana", "ben", "cy"],
    items=[RoundItem(reviewer="ana", chapter="03", revision=1, packet="R1-03-K7Q2")],
)  # fmt: skip


def _row(n: int, *who: str | None, **kw: Any) -> Row:
    rid = f"R1-03-00{n}"
    supporters = [Supporter(reviewer=w, name=str(w), remark=f"{rid}{w}") for w in who]
    return Row(id=rid, remarks=[rid], chapter="03", round="R1", kind="comment",
               supporters=supporters, **kw)  # fmt: skip


ROWS = [
    _row(1, "ana", section="2 Scope", paragraph=4, page=3, line=12, comment="Which cities?",
         proposed="  Towns  "),
    _row(2, "ben", "ana", comment="Add a source."),
    _row(3, "ben", comment="Too long."),
    _row(4, None, "cy", comment="Anonymous and unknown."),
]  # fmt: skip
MATRIX = Matrix(guideline="G", chapter="03", chapter_title="Scope", round="R1", revision=1,
                rows=ROWS)  # fmt: skip


def _answer(
    row: str, word: str | None, response: str = "", adopted: str | None = None
) -> Disposition:
    return Disposition(row=row, disposition=word, response=response, adopted=adopted, by="A",  # type: ignore[arg-type]
                       at=AT, source="cli")  # fmt: skip


LOG = DispositionLog(round="R1", chapter="03", records=[
    _answer(ROWS[0].id, "modified", "Narrowed.", "Towns and cities"),
    _answer(ROWS[1].id, "noted"),
    _answer(ROWS[1].id, None),  # cleared: not yet decided again
    _answer(ROWS[2].id, "rejected", "Kept as is."),
])  # fmt: skip


class _Ws:
    """What the letters ask of a workspace, in memory (``root``: an empty folder)."""

    def __init__(self, root: Path) -> None:
        self.root, self.guideline = root, GUIDELINE
        self.people = [ANA, BEN]
        self.files = {
            layout.matrix_json("R1", "03"): MATRIX.model_dump_json().encode(),
            layout.dispositions("R1", "03"): LOG.model_dump_json().encode(),
        }
        self.commits: list[tuple[Any, ...]] = []

    def require_chapter(self, chapter: str) -> None:
        if chapter != "03":
            raise NotFound(chapter)

    def committed(self, path: str) -> bytes | None:
        return self.files.get(path)

    def now(self) -> datetime:
        return AT

    def commit(
        self, files: dict[str, bytes], subject: str, trailers: list[tuple[str, str]], actor: Actor
    ) -> str:
        for rel, data in files.items():  # the work tree holds what was committed
            (self.root / rel).parent.mkdir(parents=True, exist_ok=True)
            (self.root / rel).write_bytes(data)
        self.commits.append((sorted(files), subject, trailers, actor))
        return "c1"


@pytest.fixture
def delivered(monkeypatch: pytest.MonkeyPatch) -> list[Outgoing]:
    """The messages handed to ``deliver`` (the round's, by the actor); the first is skipped as
    sent before, the others leave."""
    given: list[Outgoing] = []

    def deliver(ws: _Ws, round_id: str, outgoing: list[Outgoing], actor: Actor) -> Delivery:
        assert isinstance(ws, _Ws) and round_id == "R1" and actor is WHO
        given.extend(outgoing)
        sent = [type("Sent", (), {"key": m.key})() for m in outgoing[1:]]
        return Delivery(sent=sent, skipped=[outgoing[0].key])  # type: ignore[arg-type]

    def load_round(ws: _Ws, round_id: str) -> Round:
        assert isinstance(ws, _Ws) and round_id == "R1"
        return ROUND

    monkeypatch.setattr(letters, "deliver", deliver)
    monkeypatch.setattr(letters, "load_round", load_round)
    return given


def _paragraphs(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs if p.text.strip()]


def test_an_expert_gets_the_rows_they_support_with_the_current_answer() -> None:
    got = letter_rows(MATRIX, LOG, "ana")
    assert [(r.row.id, r.answer.disposition if r.answer else None) for r in got] == [
        (ROWS[0].id, "modified"), (ROWS[1].id, None),
    ]  # fmt: skip
    assert got[0].answer == LOG.records[0]
    assert [r.row.id for r in letter_rows(MATRIX, LOG, "ben")] == [ROWS[1].id, ROWS[2].id]
    assert letter_rows(MATRIX, LOG, "dan") == []


def test_the_reference_names_the_round_and_the_experts_packet_else_the_chapter(tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws = _Ws(tmp_path)
    assert letter_reference(ws, ROUND, "03", "ana") == "UNH/R1/R1-03-K7Q2"  # type: ignore[arg-type]
    assert letter_reference(ws, ROUND, "03", "ben") == "UNH/R1/03"  # type: ignore[arg-type]


def test_the_letter_tells_each_remark_where_it_is_and_what_was_decided(tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws = _Ws(tmp_path)
    rows = [*letter_rows(MATRIX, LOG, "ana"), LetterRow(row=ROWS[2], answer=LOG.records[3])]
    out, text = write_letter(ws, tmp_path / "ana.docx", ANA, ROUND, MATRIX, rows)  # type: ignore[arg-type]
    assert out == tmp_path / "ana.docx"
    body = _paragraphs(out)
    letter = docx.Document(str(out))
    assert letter.core_properties.title == "How your comments on chapter 03 were addressed"
    running = [p.text for part in (letter.sections[0].header, letter.sections[0].footer)
               for p in part.paragraphs]  # fmt: skip
    assert "Reference UNH/R1/R1-03-K7Q2" in "\n".join(running)
    expected = [
        "Reference: UNH/R1/R1-03-K7Q2",
        "Dear Ana Lima,",
        "Thank you for your review of chapter 03 (Scope) of the Guidelines on Open Urban Data in "
        "round R1. Below is each of your 3 remarks and what the drafting team decided.",
        f"{ROWS[0].id}: 2 Scope, paragraph 4, p. 3, l. 12",
        "Your remark: Which cities?",
        "You proposed: Towns",
        "Disposition: accepted with modification",
        "Response: Narrowed.",
        "Text adopted: Towns and cities",
        f"{ROWS[1].id}: the chapter as a whole",
        "Your remark: Add a source.",
        "Disposition: not yet decided",
        f"{ROWS[2].id}: the chapter as a whole",
        "Your remark: Too long.",
        "Disposition: not accepted",
        "Response: Kept as is.",
    ]
    for line in expected:
        assert line in text, line
        assert any(line in p for p in body), line
    assert text.index(expected[3]) < text.index(expected[9]) < text.index(expected[12])
    second = text[text.index(expected[9]) : text.index(expected[12])]  # no answer, no proposal
    assert "You proposed" not in second and "Response" not in second and "adopted" not in second
    assert "Text adopted:" not in text[text.index(expected[9]) :]


def test_every_expert_with_a_remark_gets_a_letter_committed_and_mailed(tmp_path, delivered) -> None:  # type: ignore[no-untyped-def]
    ws = _Ws(tmp_path)
    done = send_letters(ws, "03", "R1", WHO)  # type: ignore[arg-type]
    ana, ben = layout.letter("R1", "03", "ana"), layout.letter("R1", "03", "ben")
    assert done == Letters(files=[ana, ben], commit="c1", sent=["letter-03-ben"],
                           skipped=["letter-03-ana"])  # fmt: skip
    [(files, subject, trailers, actor)] = ws.commits
    assert files == sorted([ana, ben]) and actor is WHO
    assert subject == "Chapter 03, round R1: 2 letters to experts"
    assert trailers == [("Event", "letters"), ("Round", "R1"), ("Chapter", "03")]
    assert [(m.key, m.kind, m.reviewer, m.attachments) for m in delivered] == [
        ("letter-03-ana", MessageKind.LETTER, ANA, [tmp_path / ana]),
        ("letter-03-ben", MessageKind.LETTER, BEN, [tmp_path / ben]),
    ]
    for m in delivered:
        assert m.subject == "Open Data: how your comments on chapter 03 were addressed"
    assert "Dear Ana Lima," in delivered[0].text and "Dear Ben Okafor," in delivered[1].text
    assert "Below is each of your 2 remarks" in delivered[1].text
    assert any("Dear Ben Okafor," in p for p in _paragraphs(tmp_path / ben))


def test_one_expert_gets_one_letter_and_no_expert_is_refused(tmp_path, delivered) -> None:  # type: ignore[no-untyped-def]
    ws = _Ws(tmp_path)
    ws.people = [BEN]  # ana is not in people.yaml
    matrix = MATRIX.model_copy(update={"rows": [ROWS[3], ROWS[2]]})  # unknown ones first
    ws.files[layout.matrix_json("R1", "03")] = matrix.model_dump_json().encode()
    done = send_letters(ws, "03", "R1", WHO)  # type: ignore[arg-type]
    assert done.files == [layout.letter("R1", "03", "ben")]
    assert ws.commits[0][1] == "Chapter 03, round R1: 1 letter to experts"
    assert "Below is each of your 1 remark and" in delivered[0].text
    ws.people = []
    with pytest.raises(NotFound) as refused:
        send_letters(ws, "03", "R1", WHO)  # type: ignore[arg-type]
    assert str(refused.value) == ("no expert of people.yaml has a remark on chapter 03 in round R1")
    assert len(ws.commits) == 1 and len(delivered) == 1


def test_a_workspace_template_words_the_letter_and_progress_is_drawn(tmp_path, delivered) -> None:  # type: ignore[no-untyped-def]
    ws = _Ws(tmp_path)
    own = tmp_path / layout.letter_template("addressed")
    own.parent.mkdir(parents=True)
    own.write_text("Dear {{ name }}, {{ remarks | length }} remarks on {{ chapter }}.\n")
    seen: list[tuple[str, int, int]] = []
    with progress.reporting(lambda what, n, total: seen.append((what, n, total))):
        send_letters(ws, "03", "R1", WHO)  # type: ignore[arg-type]
    assert [m.text for m in delivered] == [
        "Dear Ana Lima, 2 remarks on 03.\n", "Dear Ben Okafor, 2 remarks on 03.\n",
    ]  # fmt: skip
    reviewers = 4  # ana, ben, an unnamed supporter and cy (not in people.yaml): both skipped
    assert seen == [("chapter 03: writing letters", n, reviewers) for n in range(reviewers + 1)]
