"""The answers of a batched IMAP FETCH, read by UID whatever order the server puts the items in
(``reviewers.intake.mailbox.sources._by_uid``); the server itself is tested in test_mail_imap."""

from __future__ import annotations

from reviewers.intake.mailbox.sources import _by_uid, _message_id, _size


def test_items_before_or_after_the_literal_and_unsolicited_answers() -> None:
    data: list[object] = [
        (b"1 (UID 7 RFC822.SIZE 120 BODY[HEADER.FIELDS (MESSAGE-ID)] {22}", b"Message-ID: <a@x>\r\n\r\n"),
        b")",
        (b"2 (BODY[HEADER.FIELDS (MESSAGE-ID)] {2}", b"\r\n"),
        b" UID 9 RFC822.SIZE 4500)",
        b"3 (FLAGS (\\Seen) UID 12)",  # a flag change the server told of unasked
        (b"4 (UID 15 RFC822.SIZE 77 BODY[HEADER.FIELDS (MESSAGE-ID)] {22}", b"message-id: <b@y>\r\n\r\n"),
        b")",
    ]  # fmt: skip
    found = _by_uid(data)
    assert sorted(found, key=int) == ["7", "9", "12", "15"]
    assert [_size(found[u][0]) for u in ("7", "9", "15")] == [120, 4500, 77]
    assert [_message_id(found[u][1] or b"") for u in ("7", "9", "15")] == ["<a@x>", "", "<b@y>"]
    assert found["12"][1] is None  # no literal: never taken for a message's bytes
    assert _by_uid([]) == {} and _by_uid([None]) == {}
