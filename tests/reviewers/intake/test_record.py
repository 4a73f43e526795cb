"""What recording a return decides, without a workspace: lateness, ids, replies, supersession."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from drafts import layout
from drafts.blocks import Block
from reviewers.intake.extract import Draft
from reviewers.intake.identify import Identified
from reviewers.intake.record import is_late, plan_return
from reviewers.intake.remarks import Remark, ReturnRemarks
from reviewers.models import Round, RoundChapter, RoundItem

OPENED = datetime(2024, 3, 4, 9, tzinfo=UTC)
PACKET = "R1-03-K7Q2"
BLOCK = Block(id="ph_03_0001", kind="paragraph", text="Cities publish open data.", lines=(1, 1))


def found(*, closed: datetime | None = None) -> Identified:
    item = RoundItem(reviewer="ana", chapter="03", revision=2, packet=PACKET)
    rnd = Round(
        id="R1",
        opened=OPENED,
        opened_by="drafter",
        due=date(2024, 3, 22),
        chapters=[RoundChapter(chapter="03", revision=2)],
        reviewers=["ana"],
        items=[item],
        closed=closed,
    )
    return Identified(round=rnd, item=item, how="properties", confidence=1.0)


def comment(cid: str, parent: str | None = None, text: str = "Say which data.") -> Draft:
    return Draft(
        kind="comment",
        author="Ana Lima",
        date=None,
        block=BLOCK,
        start=7,
        end=14,
        anchor_text="publish",
        text=text,
        comment_id=cid,
        parent_comment=parent,
    )


def earlier(sha: str, ids: list[str], packet: str = PACKET) -> ReturnRemarks:
    remarks = [
        Remark.model_validate(
            {"id": i, "round": "R1", "chapter": "03", "revision": 2, "reviewer": "ana",
             "author": "Ana", "date": None, "kind": "comment", "return": sha}
        )
        for i in ids
    ]  # fmt: skip
    return ReturnRemarks(
        round="R1", chapter="03", reviewer="ana", revision=2, packet=packet, sha256=sha,
        file="old.docx", remarks=remarks,
    )  # fmt: skip


def plan(received: datetime, drafts: list[Draft], **kw: object):  # type: ignore[no-untyped-def]
    args: dict[str, object] = {
        "data": b"docx bytes",
        "name": "ana.docx",
        "digest": "f" * 64,
        "received": received,
        "reviewer_name": "Ana Lima",
        "existing": [],
        "was_quarantined": False,
    } | kw
    return plan_return(kw.pop("identified", found()), drafts, **args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("received", "closed", "late"),
    [
        (datetime(2024, 3, 22, 23, 59, tzinfo=UTC), None, False),  # on the due day
        (datetime(2024, 3, 23, 0, 1, tzinfo=UTC), None, True),  # the day after
        (datetime(2024, 3, 10, tzinfo=UTC), datetime(2024, 3, 9, tzinfo=UTC), True),  # closed
    ],
)
def test_a_return_is_late_after_the_due_day_or_once_the_round_closed(
    received: datetime, closed: datetime | None, late: bool
) -> None:
    assert is_late(found(closed=closed), received) is late


def test_ids_follow_the_highest_taken_and_replies_point_to_their_comment() -> None:
    drafts = [comment("0"), comment("1", parent="0", text="Agreed.")]
    p = plan(
        datetime(2024, 3, 10, tzinfo=UTC),
        drafts,
        existing=[earlier("a" * 64, ["R1-03-007"], "R1-03-XXXX")],
    )
    ids = [r.id for r in p.record.remarks]
    assert ids == ["R1-03-008", "R1-03-009"]
    assert p.record.remarks[1].parent == "R1-03-008"
    assert p.record.remarks[0].parent is None
    assert not p.late and "(late)" not in p.message


def test_the_plan_writes_the_remarks_and_the_verbatim_file_with_tracking_trailers() -> None:
    received = datetime(2024, 3, 25, tzinfo=UTC)
    p = plan(received, [comment("0")])
    path = layout.remarks("R1", "03", "f" * 64)
    assert json.loads(p.files[path] or b"")["remarks"][0]["late"] is True
    assert p.files[layout.returned("f" * 64)] == b"docx bytes"
    trailers = dict(p.trailers)
    assert trailers["Event"] == "return" and trailers["Packet"] == PACKET
    assert trailers["Received"] == received.isoformat() and trailers["Remarks"] == "1"
    assert p.late and p.message.endswith("1 remarks (late)")


def test_a_second_return_of_the_packet_replaces_the_first() -> None:
    old = earlier("a" * 64, ["R1-03-001", "R1-03-002"])
    other = earlier("b" * 64, ["R1-03-003"], packet="R1-03-ZZZZ")
    p = plan(datetime(2024, 3, 10, tzinfo=UTC), [comment("0")], existing=[old, other])
    assert p.files[layout.remarks("R1", "03", "a" * 64)] is None  # withdrawn
    assert layout.remarks("R1", "03", "b" * 64) not in p.files  # another packet's stays
    assert ("Supersedes", layout.returned("a" * 64)) in p.trailers
    assert "replaces the earlier return of this packet (2 remarks withdrawn)" in p.message
    assert p.record.remarks[0].id == "R1-03-004"


def test_a_file_named_at_last_leaves_quarantine_in_the_same_commit() -> None:
    p = plan(datetime(2024, 3, 10, tzinfo=UTC), [], was_quarantined=True)
    assert p.files[layout.quarantined("f" * 64)] is None
    assert p.files[layout.quarantine_note("f" * 64)] is None
    assert p.record.remarks == [] and dict(p.trailers)["Remarks"] == "0"


def test_each_remark_carries_where_it_is_who_made_it_and_which_return_it_came_from() -> None:
    moved = Block(
        id="ph_03_0002", kind="paragraph", text="Second.", lines=(3, 3), paragraph=2,
        heading_path=["Scope", "Data"],
    )  # fmt: skip
    block = moved.model_copy(update={"id": "ph_03_0001", "paragraph": 1})
    drafts = [
        Draft(
            kind="move", author=None, date=None, block=block, start=0, end=6,
            anchor_text="Second", text="Move it.", target_block=moved, target_offset=4,
        ),
        Draft(kind="comment", author="Ana L.", date="2024-03-09T10:00:00+00:00", block=None,
              start=None, end=None, anchor_text=None, text="General remark."),
    ]  # fmt: skip
    received = datetime(2024, 3, 10, 8, tzinfo=UTC)
    first, second = plan(received, drafts).record.remarks
    assert (first.round, first.chapter, first.revision, first.reviewer, first.packet) == (
        "R1", "03", 2, "ana", PACKET,
    )  # fmt: skip
    assert (first.author, first.date) == ("Ana Lima", received.isoformat())
    assert (first.section, first.block, first.paragraph) == ("Scope > Data", "ph_03_0001", 1)
    assert (first.start, first.end, first.anchor_text, first.text) == (0, 6, "Second", "Move it.")
    assert (first.target_block, first.target_offset) == ("ph_03_0002", 4)
    assert (second.author, second.date) == ("Ana L.", "2024-03-09T10:00:00+00:00")
    assert (second.section, second.block, second.paragraph, second.start, second.end) == (
        None, None, None, None, None,
    )  # fmt: skip
    assert second.target_block is None and second.return_ == "f" * 64


def test_the_record_file_is_the_record_in_its_stable_readable_form() -> None:
    received = datetime(2024, 3, 10, 8, tzinfo=UTC)
    p = plan(received, [comment("0", text="Précisez « données ».")])
    assert (p.record.round, p.record.reviewer, p.record.packet, p.record.received) == (
        "R1", "ana", PACKET, received,
    )  # fmt: skip
    written = p.files[layout.remarks("R1", "03", "f" * 64)] or b""
    expected = json.dumps(
        p.record.model_dump(mode="json", by_alias=True), indent=1, ensure_ascii=False
    )
    assert written == expected.encode("utf-8")
    assert "« données »" in written.decode("utf-8") and '\n "round": "R1",' in written.decode()
    assert ReturnRemarks.model_validate_json(written) == p.record


def test_the_trailers_name_everything_tracking_reads_back() -> None:
    old = earlier("a" * 64, ["R1-03-001"])
    received = datetime(2024, 3, 25, tzinfo=UTC)
    p = plan(received, [comment("0")], existing=[old], was_quarantined=True)
    assert p.trailers == [
        ("Event", "return"),
        ("Round", "R1"),
        ("Chapter", "03"),
        ("Reviewer", "ana"),
        ("Packet", PACKET),
        ("Return-File", layout.returned("f" * 64)),
        ("Received", received.isoformat()),
        ("Remarks", "1"),
        ("Supersedes", layout.returned("a" * 64)),
    ]
    assert set(p.files) == {
        layout.remarks("R1", "03", "f" * 64),
        layout.returned("f" * 64),
        layout.quarantined("f" * 64),
        layout.quarantine_note("f" * 64),
        layout.remarks("R1", "03", "a" * 64),
    }
    assert p.message == (
        f"ana.docx: packet {PACKET} from ana, 1 remarks (late); "
        "replaces the earlier return of this packet (1 remarks withdrawn)"
    )
    on_time = plan(datetime(2024, 3, 10, tzinfo=UTC), [comment("0")])
    assert on_time.message == f"ana.docx: packet {PACKET} from ana, 1 remarks"
