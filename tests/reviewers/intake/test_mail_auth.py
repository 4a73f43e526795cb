"""Logging in to the mailbox (`penholder inbox fetch`) against a real Dovecot on loopback: a
password from an environment variable or from a command, an OAuth2 access token from a command
(XOAUTH2, Dovecot checking it with the test's introspection endpoint), and certificates checked
against a CA file; each failure one sentence, nothing changed."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from drafts.workspace import Workspace
from tests.conftest import DRAFTER
from tests.helpers.dovecot import (  # noqa: F401
    PASSWORD,
    TOKEN,
    USER,
    Imap,
    dovecot,
    dovecot_oauth2,
    make_ca,
)
from tests.helpers.mail import plain

pytestmark = pytest.mark.slow


def printing(secret: str) -> str:
    """A command that prints ``secret`` (as `pass show imap` would)."""
    return shlex.join([sys.executable, "-c", f"print({secret!r})"])


def configure(ws: Workspace, imap: Imap, **settings: Any) -> Workspace:
    path = ws.root / "guideline.yaml"
    data = yaml.safe_load(path.read_text())
    data["mail"]["imap"] = {
        "host": "127.0.0.1", "port": imap.port, "security": "starttls",
        "ca_file": str(imap.ca_file), "user": USER, "timeout": 5.0,
    } | settings  # fmt: skip
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode()
    ws.commit(
        {"guideline.yaml": text}, "Configure mail", [("Event", "config")], ws.identity(DRAFTER)
    )
    return Workspace.open(ws.root)


def fetched_once(ws: Workspace, imap: Imap, cli) -> None:  # type: ignore[no-untyped-def]
    """A message in the mailbox is fetched: logged in, read, listed."""
    sender = ws.people[0].email
    imap.append([plain(sender, "Logged in?")])
    code, out, err = cli("inbox", "fetch", "-w", ws.root, "--as", DRAFTER)
    assert code == 0, err
    assert f"{sender}: Logged in?" in out and out.startswith("ignored")


def refused(ws: Workspace, cli, said: str) -> None:  # type: ignore[no-untyped-def]
    head = ws.head()
    code, out, err = cli("inbox", "fetch", "-w", ws.root, "--as", DRAFTER)
    assert code == 1 and err.startswith("penholder: ") and said in err, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert ws.head() == head and ws.dirty_paths() == []


def test_password_from_a_named_environment_variable(  # type: ignore[no-untyped-def]
    example_ws,
    dovecot,  # noqa: F811
    cli,
    monkeypatch,
) -> None:
    monkeypatch.delenv("PENHOLDER_IMAP_PASSWORD", raising=False)
    ws = configure(example_ws, dovecot, password_env="RETURNS_MAILBOX_SECRET")
    refused(ws, cli, "environment variable RETURNS_MAILBOX_SECRET, which is not set")
    monkeypatch.setenv("RETURNS_MAILBOX_SECRET", PASSWORD)
    fetched_once(ws, dovecot, cli)


def test_password_from_a_command(example_ws, dovecot, cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    monkeypatch.setenv("PENHOLDER_IMAP_PASSWORD", "not this one")  # the command wins
    ws = configure(example_ws, dovecot, password_command=printing(PASSWORD))
    fetched_once(ws, dovecot, cli)
    ws = configure(ws, dovecot, password_command=printing("wrong"))
    dovecot.append([plain(ws.people[0].email, "Not read")])
    refused(ws, cli, f"refused {USER} (")
    ws = configure(ws, dovecot, password_command=f"{shlex.quote(sys.executable)} -c 'exit(3)'")
    refused(ws, cli, "gave no IMAP secret (exit 3); fix mail.imap.password_command")


def test_xoauth2_with_an_access_token_command(example_ws, dovecot_oauth2, cli) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    imap, asked = dovecot_oauth2
    ws = configure(example_ws, imap, oauth2_token_command=printing(TOKEN), security="tls",
                   port=imap.tls_port)  # fmt: skip
    fetched_once(ws, imap, cli)
    assert asked == [TOKEN]  # Dovecot asked the authorisation server about our token
    ws = configure(ws, imap, oauth2_token_command=printing("expired-token"))
    imap.append([plain(ws.people[0].email, "Not read")])
    refused(ws, cli, "check the user, mail.imap.oauth2_token_command")
    assert asked[-1] == "expired-token"


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_a_certificate_from_another_ca_is_refused(  # type: ignore[no-untyped-def]
    example_ws,
    dovecot,  # noqa: F811
    cli,
    monkeypatch,
    tmp_path: Path,
    security: str,
) -> None:
    monkeypatch.setenv("PENHOLDER_IMAP_PASSWORD", PASSWORD)
    port = dovecot.port if security == "starttls" else dovecot.tls_port
    other = make_ca(tmp_path / "other-ca", "Some Other CA")
    ws = configure(example_ws, dovecot, security=security, port=port, ca_file=str(other))
    dovecot.append([plain(ws.people[0].email, "Not read")])
    refused(ws, cli, f"the certificate of the IMAP server 127.0.0.1:{port} does not verify")
    ws = configure(ws, dovecot, security=security, port=port, ca_file=str(tmp_path / "none.pem"))
    refused(ws, cli, f"mail.imap.ca_file {tmp_path / 'none.pem'} cannot be read")
    ws = configure(ws, dovecot, security=security, port=port, ca_file=str(dovecot.ca_file))
    code, out, err = cli("inbox", "fetch", "-w", ws.root, "--as", DRAFTER)
    assert code == 0 and "Not read" in out, err
