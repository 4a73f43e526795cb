"""The edge between the CLI and the flows: a flow object in, a typed result out."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from flows.engine import open_workspace, run_flow
from flows.results import Delivered, Returns
from reviewers.intake.ingest import Outcome
from reviewers.models import MessageKind, SentMessage
from reviewers.send.mail import Delivery


class _FakeFlow:
    """Stands for a Prefect flow: callable (the engine path) with ``fn`` (the plain path)."""

    def __init__(self) -> None:
        self.called: list[str] = []

    def __call__(self, x: int) -> int:
        self.called.append("engine")
        return x + 1

    def fn(self, x: int) -> int:
        self.called.append("plain")
        return x + 2


@pytest.mark.parametrize(("engine", "path", "result"), [("off", "plain", 3), ("on", "engine", 2)])
def test_run_flow_takes_the_plain_function_only_when_the_engine_is_off(
    monkeypatch: pytest.MonkeyPatch, engine: str, path: str, result: int
) -> None:
    monkeypatch.setenv("PENHOLDER_ENGINE", engine)
    flow = _FakeFlow()
    assert run_flow(flow, x=1) == result
    assert flow.called == [path]


def test_a_flow_opens_its_workspace_with_its_run_trailer(
    example_ws, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    import flows.engine

    monkeypatch.setattr(flows.engine, "run_trailers", lambda: [("Prefect-Run", "run-42")])
    ws = open_workspace(str(example_ws.root))
    assert ws.run_trailers == [("Prefect-Run", "run-42")]


def test_delivered_summarises_what_left_and_how() -> None:
    at = datetime(2024, 3, 4, 12, tzinfo=UTC)

    def sent(key: str, via: str) -> SentMessage:
        return SentMessage(
            key=key, kind=MessageKind.PACKET, reviewer="ana", to="a@x", subject="s",
            message_id="<m>", at=at, via=via, file=f"outbox/R1/mail/{key}.eml",
        )  # fmt: skip

    delivery = Delivery(sent=[sent("packet-ana", "outbox"), sent("packet-bo", "smtp")])
    delivery.skipped.append("packet-cy")
    d = Delivered.of("R1", delivery)
    assert (d.round, d.sent, d.via, d.skipped) == (
        "R1",
        ["packet-ana", "packet-bo"],
        ["outbox", "smtp"],
        ["packet-cy"],
    )
    assert Delivered.model_validate_json(d.model_dump_json()) == d  # what --json prints


def test_returns_say_when_a_file_was_quarantined() -> None:
    ok = Outcome(file="a.docx", sha256="a", status="recorded", message="a")
    bad = Outcome(file="b.docx", sha256="b", status="quarantined", message="b")
    assert not Returns(outcomes=[ok]).quarantined
    assert Returns(outcomes=[ok, bad]).quarantined
