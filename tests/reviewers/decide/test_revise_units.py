"""``revise`` of one chapter without git: the matrix and the answers are committed files of a
stand-in workspace, the revisions' texts and block maps are held in memory, and the new revision
is recorded by a stand-in for ``chapters.commit_revision``, so each test runs in milliseconds.

What a pen-holder sees is the new revision (its text, its subject, the remark ids it resolves),
the commit that records answers needing no text change, what ``revise`` reports (applied,
resolved, skipped), the progress it draws, and the refusal's sentence; each test states them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from drafts import blockstore, chapters, layout
from drafts.blocks import BlockMap, blocks_of, build_block_map
from drafts.core import progress
from drafts.core.errors import DocumentError, NotFound, StageRefused
from drafts.models import ChapterState, CommitRecord, Event, Stage
from drafts.writing import Actor
from reviewers.consolidate.models import Matrix, Row, Supporter
from reviewers.decide.models import Disposition, DispositionLog
from reviewers.decide.revise import Revised, resolved, revise

AT = datetime(2024, 4, 2, tzinfo=UTC)
ONE = "Cities publish open data every year."
TWO = "Residents use the services daily."
WHO = Actor("Dana Drafter", "dana@example.org")


def _md(*paragraphs: str) -> str:
    return '---\nid: "03"\ntitle: "Scope"\n---\n\n# Scope\n\n' + "\n\n".join(paragraphs) + "\n"


BASE_MD = _md(ONE, TWO)
BASE = build_block_map("03", 1, BASE_MD, None)
P1, P2 = (b.id for b in BASE.blocks if b.kind == "paragraph")


def row(n: int, kind: str, start: int | None, end: int | None, **kw: Any) -> Row:
    rid = f"R1-03-{n:03d}"
    kw.setdefault("block", P1)
    return Row(
        id=rid, remarks=[rid, f"{rid}b"], chapter="03", round="R1", kind=kind, start=start,
        end=end, supporters=[Supporter(reviewer="a", name="A", remark=rid)], **kw,
    )  # fmt: skip


def at(text: str, part: str) -> tuple[int, int]:
    i = text.index(part)
    return i, i + len(part)


def _commit(sha: str, chapter: str, *trailers: tuple[str, str]) -> CommitRecord:
    return CommitRecord(
        sha=sha, author="x", email="x@example.org", date=AT, subject="s",
        trailers=(("Chapter", chapter), *trailers),
    )  # fmt: skip


class _Ws:
    """What ``revise`` asks of a workspace, held in memory: revision number -> Markdown."""

    def __init__(
        self,
        rows: list[Row],
        answers: dict[str, str],
        texts: dict[int, str] | None = None,
        history: tuple[CommitRecord, ...] = (),
        maps: dict[int, BlockMap] | None = None,
    ) -> None:
        self.texts = dict(texts or {1: BASE_MD})
        self.maps = dict(maps or {})
        for n, md in sorted(self.texts.items()):
            self.maps.setdefault(n, build_block_map("03", n, md, self.maps.get(n - 1)))
        matrix = Matrix(guideline="G", chapter="03", chapter_title="Scope", round="R1",
                        revision=1, rows=rows)  # fmt: skip
        log = DispositionLog(round="R1", chapter="03", records=[
            Disposition(row=r, disposition=w, by="A", at=AT, source="cli")  # type: ignore[arg-type]
            for r, w in answers.items()
        ])  # fmt: skip
        self.files = {
            layout.matrix_json("R1", "03"): matrix.model_dump_json().encode(),
            layout.dispositions("R1", "03"): log.model_dump_json().encode(),
        }
        self.commits = list(history)
        self.made: list[tuple[Any, ...]] = []  # commits without a new revision

    def require_chapter(self, chapter: str) -> None:
        if chapter != "03":
            raise NotFound(f"no chapter {chapter!r} in this workspace (chapters: 03)")

    def committed(self, path: str) -> bytes | None:
        return self.files.get(path)

    def history(self) -> list[CommitRecord]:
        return list(self.commits)

    def revision(self, chapter: str) -> SimpleNamespace:
        assert chapter == "03"
        return SimpleNamespace(number=max(self.texts))

    def text(self, chapter: str, number: int) -> str:
        assert chapter == "03"
        return self.texts[number]

    def state(self, chapter: str) -> ChapterState:
        return ChapterState(id=chapter, stage=Stage.CONSOLIDATING, revision=max(self.texts))

    def commit(
        self, files: dict[str, bytes], subject: str, trailers: list[tuple[str, str]], actor: Actor
    ) -> str:
        self.made.append((files, subject, trailers, actor))
        self.commits.append(_commit(f"c{len(self.commits)}", "03", *trailers[2:]))
        return f"c{len(self.commits) - 1}"


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The revisions ``revise`` committed (``chapters.commit_revision``, stood in for)."""
    calls: list[dict[str, Any]] = []

    def load(ws: _Ws, chapter: str, number: int) -> BlockMap:
        assert isinstance(ws, _Ws) and chapter == "03"
        return ws.maps[number]

    def commit_revision(
        ws: _Ws, chapter: str, text: str, actor: Actor, *, event: Event, message: str,
        resolves: list[str],
    ) -> str:  # fmt: skip
        assert isinstance(ws, _Ws) and chapter == "03"
        calls.append({"text": text, "actor": actor, "event": event, "message": message,
                      "resolves": list(resolves)})  # fmt: skip
        ws.texts[max(ws.texts) + 1] = text
        ws.commits.append(
            _commit(f"c{len(ws.commits)}", "03", *[("Resolves", r) for r in resolves])
        )
        return f"c{len(ws.commits) - 1}"

    monkeypatch.setattr(blockstore, "load", load)
    monkeypatch.setattr(chapters, "commit_revision", commit_revision)
    return calls


def paragraphs(markdown: str) -> list[str]:
    return [b.text for b in blocks_of(markdown) if b.kind == "paragraph"]


def test_the_accepted_rows_make_a_new_revision_of_the_latest_text_resolving_their_remarks(
    recorded,
) -> None:  # type: ignore[no-untyped-def]
    edited = _md(ONE, "Residents use the public services daily.")  # revision 2: a hand edit
    applied = row(1, "replace", *at(ONE, "open data"), proposed="datasets")
    rejected = row(2, "insert", 0, 0, proposed="Most ")
    comment = row(3, "comment", 0, 6, comment="Which cities?")
    unanswered = row(4, "replace", *at(ONE, "every year"), proposed="yearly")
    ws = _Ws([applied, rejected, comment, unanswered],
             {applied.id: "accepted", rejected.id: "rejected", comment.id: "noted"},
             texts={1: BASE_MD, 2: edited})  # fmt: skip
    done = revise(ws, "03", "R1", WHO)  # type: ignore[arg-type]
    [call] = recorded
    assert paragraphs(call["text"]) == [
        "Cities publish datasets every year.",
        "Residents use the public services daily.",
    ]
    assert call["text"] == _md(
        "Cities publish datasets every year.", "Residents use the public services daily."
    )
    assert call["message"] == "Chapter 03: revise from round R1 (1 row applied)"
    assert call["event"] is Event.REVISE and call["actor"] is WHO
    resolves = [comment.id, f"{comment.id}b", applied.id, f"{applied.id}b"]
    assert call["resolves"] == resolves
    assert ws.made == []  # the revision is the only commit
    assert done == Revised(chapter="03", round="R1", revision=3, commit="c0",
                           applied=[applied.id], resolves=resolves, skipped=[])  # fmt: skip


def test_the_subject_counts_the_rows_applied(recorded) -> None:  # type: ignore[no-untyped-def]
    a = row(1, "replace", *at(ONE, "Cities"), proposed="Towns")
    b = row(2, "replace", *at(ONE, "every year"), proposed="yearly")
    ws = _Ws([a, b], {a.id: "accepted", b.id: "modified"})
    done = revise(ws, "03", "R1", WHO)  # type: ignore[arg-type]
    assert recorded[0]["message"] == "Chapter 03: revise from round R1 (2 rows applied)"
    assert paragraphs(recorded[0]["text"]) == ["Towns publish open data yearly.", TWO]
    assert (done.revision, done.applied) == (2, [a.id, b.id])


def test_answers_without_a_text_change_are_recorded_without_a_new_revision(
    recorded,
) -> None:  # type: ignore[no-untyped-def]
    comment = row(1, "comment", 0, 6, comment="Which cities?")
    formatting = row(2, "format", 0, 6)
    ws = _Ws([comment, formatting], {comment.id: "accepted", formatting.id: "noted"})
    done = revise(ws, "03", "R1", WHO)  # type: ignore[arg-type]
    assert recorded == []
    [(files, subject, trailers, actor)] = ws.made
    assert files == {} and actor is WHO
    assert subject == "Chapter 03: revise from round R1 (0 rows applied)"
    assert trailers == [
        ("Event", "revise"), ("Chapter", "03"), ("Round", "R1"),
        ("Resolves", comment.id), ("Resolves", f"{comment.id}b"),
        ("Resolves", formatting.id), ("Resolves", f"{formatting.id}b"),
    ]  # fmt: skip
    assert done == Revised(chapter="03", round="R1", revision=1, commit="c0", applied=[],
                           resolves=[r for x in (comment, formatting) for r in x.remarks],
                           skipped=[])  # fmt: skip


def test_a_row_an_earlier_revision_resolved_is_not_applied_again(recorded) -> None:  # type: ignore[no-untyped-def]
    done_before = row(1, "replace", *at(ONE, "Cities"), proposed="Towns")
    elsewhere = row(2, "replace", *at(ONE, "every year"), proposed="yearly")
    history = (
        _commit("a", "03", ("Resolves", f"{done_before.id}b")),  # one of the row's remarks
        _commit("b", "05", ("Resolves", elsewhere.id)),  # another chapter's: not this row
    )
    ws = _Ws([done_before, elsewhere], {done_before.id: "accepted", elsewhere.id: "accepted"},
             history=history)  # fmt: skip
    assert resolved(ws, "03") == {f"{done_before.id}b"}  # type: ignore[arg-type]
    assert resolved(ws, "05") == {elsewhere.id}  # type: ignore[arg-type]
    done = revise(ws, "03", "R1", WHO)  # type: ignore[arg-type]
    assert done.applied == [elsewhere.id]
    assert paragraphs(recorded[0]["text"]) == ["Cities publish open data yearly.", TWO]
    assert resolved(ws, "03") == {f"{done_before.id}b", *elsewhere.remarks}  # type: ignore[arg-type]


def test_nothing_waiting_is_refused_counting_the_rows_unanswered(recorded) -> None:  # type: ignore[no-untyped-def]
    a = row(1, "replace", *at(ONE, "Cities"), proposed="Towns")
    b = row(2, "replace", *at(ONE, "every year"), proposed="yearly")
    way_out = (
        "); answer rows with `penholder dispose` or `penholder matrix import 03 --round R1 FILE`"
    )
    for answers, waiting in (({}, "2 rows"), ({a.id: "rejected"}, "1 row"),
                             ({a.id: "rejected", b.id: "noted"}, "0 rows")):  # fmt: skip
        ws = _Ws([a, b], answers)
        with pytest.raises(StageRefused) as refused:
            revise(ws, "03", "R1", WHO)  # type: ignore[arg-type]
        assert str(refused.value) == (
            "nothing to revise in chapter 03 from round R1: no accepted or modified row is "
            f"waiting ({waiting} unanswered" + way_out
        )
        assert refused.value.rule == "nothing-to-revise"
        assert recorded == [] and ws.made == []


def test_a_refusal_names_each_accepted_row_that_cannot_be_applied_and_why(recorded) -> None:  # type: ignore[no-untyped-def]
    stale = row(1, "replace", 0, 6, proposed="Towns", flags=["no longer applies"])
    loose = row(2, "replace", 0, 6, proposed="Towns", block=None)
    open_row = row(3, "replace", 0, 6, proposed="Towns")
    ws = _Ws([stale, loose, open_row], {stale.id: "accepted", loose.id: "modified"})
    with pytest.raises(StageRefused) as refused:
        revise(ws, "03", "R1", WHO)  # type: ignore[arg-type]
    assert str(refused.value) == (
        "nothing to revise in chapter 03 from round R1: no accepted or modified row is waiting "
        f"(1 row unanswered; not applicable: {stale.id}: it no longer applies to the base "
        f"revision; {loose.id}: it is not anchored to a paragraph of the base revision); answer "
        "rows with `penholder dispose` or `penholder matrix import 03 --round R1 FILE`"
    )
    assert recorded == [] and ws.made == []


def test_rows_skipped_beside_rows_applied_are_reported(recorded) -> None:  # type: ignore[no-untyped-def]
    fine = row(1, "replace", *at(ONE, "Cities"), proposed="Towns")
    clash = row(2, "replace", *at(ONE, "Cities publish"), proposed="Towns share")
    ws = _Ws([fine, clash], {fine.id: "accepted", clash.id: "accepted"})
    done = revise(ws, "03", "R1", WHO)  # type: ignore[arg-type]
    assert done.applied == [fine.id]
    assert done.skipped == [(clash.id, f"it overlaps row {fine.id}, applied in the same paragraph")]
    assert recorded[0]["message"] == "Chapter 03: revise from round R1 (1 row applied)"


def test_progress_is_drawn_in_two_steps_and_stops_at_a_refusal(recorded) -> None:  # type: ignore[no-untyped-def]
    seen: list[tuple[str, int, int]] = []
    a = row(1, "replace", *at(ONE, "Cities"), proposed="Towns")
    with progress.reporting(lambda what, n, total: seen.append((what, n, total))):
        revise(_Ws([a], {a.id: "accepted"}), "03", "R1", WHO)  # type: ignore[arg-type]
        assert seen == [("chapter 03: revising", n, 2) for n in (0, 1, 2)]
        seen.clear()
        with pytest.raises(StageRefused):
            revise(_Ws([a], {}), "03", "R1", WHO)  # type: ignore[arg-type]
    assert seen == [("chapter 03: revising", 0, 2)]


def test_a_round_never_consolidated_and_an_unknown_chapter_are_refused(recorded) -> None:  # type: ignore[no-untyped-def]
    ws = _Ws([], {})
    with pytest.raises(NotFound) as refused:
        revise(ws, "03", "R2", WHO)  # type: ignore[arg-type]
    assert str(refused.value) == (
        "chapter 03 has no consolidation in round R2; run `penholder consolidate 03 --round R2` "
        "first"
    )
    with pytest.raises(NotFound, match="no chapter '04' in this workspace"):
        revise(ws, "04", "R1", WHO)  # type: ignore[arg-type]
    assert recorded == [] and ws.made == []


def test_a_change_the_markdown_does_not_hold_is_refused_naming_the_chapter_and_rows(
    recorded,
) -> None:  # type: ignore[no-untyped-def]
    # the latest block map says ONE, the latest Markdown holds something else in its place
    elsewhere = _md("Nothing in common here at all, not a single word.", TWO)
    latest = build_block_map("03", 2, BASE_MD, BASE)
    a = row(1, "replace", *at(ONE, "Cities"), proposed="Towns")
    ws = _Ws([a], {a.id: "accepted"}, texts={1: BASE_MD, 2: elsewhere}, maps={2: latest})
    with pytest.raises(DocumentError) as refused:
        revise(ws, "03", "R1", WHO)  # type: ignore[arg-type]
    assert str(refused.value) == (
        f"chapter 03: the change to block {P1} ('Cities publish open data every year.') cannot "
        "be patched into the Markdown; make that edit in the Markdown by hand "
        f"(rows: {a.id})"
    )
    assert recorded == [] and ws.made == []
