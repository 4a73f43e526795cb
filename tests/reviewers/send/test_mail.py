"""Mail through a real SMTP server on 127.0.0.1 (aiosmtpd): packets, refusals, timeouts, retries,
and reminders that are never sent twice on the same day."""

from __future__ import annotations

import socket
import zipfile
from collections.abc import Iterator
from datetime import date
from email import message_from_bytes, policy
from io import BytesIO
from typing import Any

import pytest
import yaml
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from drafts.core.errors import MailError, StageRefused
from drafts.workspace import Workspace
from reviewers.rounds import lifecycle as rounds
from reviewers.rounds import records
from reviewers.send import sending
from reviewers.send.packets import Renderer
from tests.conftest import DRAFTER

DUE = date(2024, 3, 22)
REVIEWERS = ["lucia-hernandez", "chen-meiling"]


class Inbox:
    """An aiosmtpd handler that keeps what it receives, or refuses every message."""

    def __init__(self, refuse: bool = False) -> None:
        self.refuse = refuse
        self.received: list[Any] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]
        if self.refuse:
            return "554 5.7.1 Message rejected by policy"
        self.received.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:  # type: ignore[no-untyped-def]
    ok = auth_data.login == b"penholder" and auth_data.password == b"s3cret"
    return AuthResult(success=ok)


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticate,
        auth_require_tls=False,
    )
    controller.start()
    yield inbox, port
    controller.stop()


def configure(ws: Workspace, **smtp: Any) -> Workspace:
    """Commit SMTP settings into guideline.yaml and return the reopened workspace."""
    path = ws.root / "guideline.yaml"
    data = yaml.safe_load(path.read_text())
    data["mail"]["smtp"] = {"host": "127.0.0.1", "starttls": False, "timeout": 1.0} | smtp
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode()
    ws.commit(
        {"guideline.yaml": text}, "Configure SMTP", [("Event", "config")], ws.identity(DRAFTER)
    )
    return Workspace.open(ws.root)


def tiny_renderer() -> Renderer:
    def render(ws, chapter, revision, out, **_: Any):  # type: ignore[no-untyped-def]
        out.write_bytes(f"chapter {chapter} revision {revision}".encode())
        return out

    return Renderer(render)


def open_and_send(ws: Workspace) -> Any:
    a = ws.identity(DRAFTER)
    rounds.open_round(ws, ["03", "04"], REVIEWERS, DUE, a)
    return sending.send_packets(ws, "R1", a, renderer=tiny_renderer())


def test_packets_reach_the_smtp_server_with_their_zip(
    example_ws: Workspace, smtp_server, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    inbox, port = smtp_server
    monkeypatch.setenv("PENHOLDER_SMTP_PASSWORD", "s3cret")
    ws = configure(example_ws, port=port, user="penholder")
    delivery = open_and_send(ws)
    assert len(inbox.received) == 2 and {m.via for m in delivery.sent} == {"smtp"}
    by_rcpt = {e.rcpt_tos[0]: e for e in inbox.received}
    envelope = by_rcpt["lucia.hernandez@queretaro.example.org"]
    assert envelope.mail_from == "guidelines@unhabitat.example.org"
    msg = message_from_bytes(envelope.content, policy=policy.default)
    assert "please review chapters 03 and 04 by 2024-03-22" in msg["Subject"]
    assert "Dear Lucía Hernández Vega" in msg.get_body().get_content()
    [attachment] = list(msg.iter_attachments())
    assert attachment.get_filename() == "R1-lucia-hernandez.zip"
    rnd = records.load_round(ws, "R1")
    with zipfile.ZipFile(BytesIO(attachment.get_content())) as zf:
        names = zf.namelist()
    for item in rnd.items_of("lucia-hernandez"):
        assert f"Chapter {item.chapter} ({item.packet}).docx" in names
    assert {"Cover letter.docx", "Cover letter.txt"} <= set(names)
    assert not list((ws.root / "outbox/R1/unsent").glob("*.eml"))
    assert len(list((ws.root / "outbox/R1/sent").glob("*.eml"))) == 2
    log = records.load_sent(ws, "R1")
    assert [m.via for m in log.messages] == ["smtp", "smtp"]
    assert b"s3cret" not in (ws.root / "guideline.yaml").read_bytes()


def test_missing_password_sends_nothing(example_ws: Workspace, smtp_server, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    inbox, port = smtp_server
    monkeypatch.delenv("PENHOLDER_SMTP_PASSWORD", raising=False)
    ws = configure(example_ws, port=port, user="penholder")
    with pytest.raises(MailError, match="needs a password in the environment variable"):
        open_and_send(ws)
    assert not inbox.received and not records.load_sent(ws, "R1").messages
    assert len(list((ws.root / "outbox/R1/unsent").glob("*.eml"))) == 2


def test_refusal_keeps_messages_unsent_and_a_retry_sends_each_once(
    example_ws: Workspace, smtp_server
) -> None:  # type: ignore[no-untyped-def]
    inbox, port = smtp_server
    inbox.refuse = True
    ws = configure(example_ws, port=port)
    head_before = None
    with pytest.raises(
        MailError, match=r"2 of 2 messages could not be sent .*554 5\.7\.1 Message rejected"
    ):
        open_and_send(ws)
    head_before = ws.repo.head.commit.hexsha
    assert ws.history()[-1].value("Event") == "round-open"  # nothing recorded as sent
    unsent = sorted(p.name for p in (ws.root / "outbox/R1/unsent").glob("*.eml"))
    assert unsent == ["packet-chen-meiling.eml", "packet-lucia-hernandez.eml"]
    inbox.refuse = False
    a = ws.identity(DRAFTER)
    delivery = sending.send_packets(ws, "R1", a, renderer=tiny_renderer())
    assert len(delivery.sent) == 2 and len(inbox.received) == 2
    assert ws.repo.head.commit.hexsha != head_before
    again = sending.send_packets(ws, "R1", a, renderer=tiny_renderer())
    assert not again.sent and len(inbox.received) == 2  # nothing sent twice


def test_timeout_keeps_messages_unsent(example_ws: Workspace, smtp_server) -> None:  # type: ignore[no-untyped-def]
    inbox, port = smtp_server
    with socket.socket() as silent:  # accepts connections, never greets
        silent.bind(("127.0.0.1", 0))
        silent.listen(5)
        ws = configure(example_ws, port=silent.getsockname()[1], timeout=0.5)
        with pytest.raises(MailError, match="timed out.*retry with `penholder round send R1`"):
            open_and_send(ws)
    assert len(list((ws.root / "outbox/R1/unsent").glob("*.eml"))) == 2
    ws = configure(ws, port=port)
    delivery = sending.send_packets(ws, "R1", ws.identity(DRAFTER), renderer=tiny_renderer())
    assert len(delivery.sent) == 2 and len(inbox.received) == 2


def test_connection_refused_is_one_sentence(example_ws: Workspace) -> None:
    ws = configure(example_ws, port=free_port())
    with pytest.raises(MailError) as info:
        open_and_send(ws)
    message = str(info.value)
    assert message.count("\n") == 0 and "wait unsent in outbox/R1/unsent/" in message


def test_reminders_go_to_who_owes_never_twice_a_day(
    example_ws: Workspace, smtp_server, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    inbox, port = smtp_server
    ws = configure(example_ws, port=port)
    open_and_send(ws)
    a = ws.identity(DRAFTER)
    rnd = records.load_round(ws, "R1")
    for item in rnd.items_of("chen-meiling"):  # chen returned everything
        ws.commit({}, "Return", [("Event", "return"), ("Packet", item.packet)], a)
    monkeypatch.setenv("PENHOLDER_TODAY", "2024-03-25")
    delivery = sending.remind(ws, "R1", a)
    assert [m.key for m in delivery.sent] == ["reminder-lucia-hernandez-2024-03-25"]
    assert ws.history()[-1].value("Event") == "reminder"
    reminder = message_from_bytes(inbox.received[-1].content, policy=policy.default)
    assert "was due on Friday 22 March 2024." in reminder.get_body().get_content()
    assert sending.remind(ws, "R1", a).sent == []  # the policy: reminded today already
    assert sending.remind(ws, "R1", a, force=True).skipped == [
        "reminder-lucia-hernandez-2024-03-25"
    ]
    assert len(inbox.received) == 3
    monkeypatch.setenv("PENHOLDER_TODAY", "2024-03-26")
    rounds.excuse(ws, "R1", "lucia-hernandez", a, chapter="04")
    assert sending.remind(ws, "R1", a).sent == []  # the policy: every 7 days while late
    delivery = sending.remind(ws, "R1", a, force=True)
    assert len(delivery.sent) == 1 and len(inbox.received) == 4
    assert delivery.sent[0].packets == [rnd.item("lucia-hernandez", "03").packet]  # type: ignore[union-attr]
    rounds.close_round(ws, "R1", a)
    with pytest.raises(StageRefused, match="round R1 was closed on 2024-03-26"):
        sending.remind(ws, "R1", a)


def test_starttls_with_login_against_a_server_with_its_own_certificate(
    example_ws: Workspace, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """A real STARTTLS session: the certificate is checked against ``ca_file``, then login."""
    import shutil
    import ssl
    import subprocess

    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    seen_tls: list[bool] = []

    class TlsInbox(Inbox):
        async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]
            seen_tls.append(session.ssl is not None)
            return await super().handle_DATA(server, session, envelope)

    inbox, port = TlsInbox(), free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticate,
        tls_context=context,
        require_starttls=True,
        auth_require_tls=True,
    )
    controller.start()
    try:
        monkeypatch.setenv("PENHOLDER_SMTP_PASSWORD", "s3cret")
        ws = configure(
            example_ws, port=port, user="penholder", starttls=True, ca_file=str(cert), timeout=5.0
        )
        delivery = open_and_send(ws)
    finally:
        controller.stop()
    assert len(inbox.received) == 2 and seen_tls == [True, True]
    assert {m.via for m in delivery.sent} == {"smtp"}
