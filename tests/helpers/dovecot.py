"""A real IMAP server for the tests: Dovecot 2.3 on free 127.0.0.1 ports with a private config
(``../shared/NOTES.md``), a passwd-file user, a Maildir in a temporary folder and a test CA
made with ``openssl`` for IMAPS and STARTTLS. Started and stopped by the ``dovecot`` fixture;
skipped where Dovecot is absent or the tests do not run as root (CI installs it as root)."""

from __future__ import annotations

import imaplib
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs

import pytest

USER, PASSWORD = "returns", "s3cret-imap"
DOVECOT = shutil.which("dovecot") or (
    "/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None
)


@dataclass
class Imap:
    root: Path
    port: int  # plain, STARTTLS
    tls_port: int  # IMAPS
    ca_file: Path

    def client(self) -> imaplib.IMAP4_SSL:
        ctx = ssl.create_default_context(cafile=str(self.ca_file))
        conn = imaplib.IMAP4_SSL("127.0.0.1", self.tls_port, ssl_context=ctx)
        conn.login(USER, PASSWORD)
        return conn

    def append(self, messages: list[bytes], folder: str = "INBOX") -> None:
        conn = self.client()
        for raw in messages:
            conn.append(folder, None, None, raw)
        conn.logout()

    def count(self, folder: str = "INBOX") -> int:
        conn = self.client()
        status, data = conn.select(f'"{folder.replace("/", ".")}"', readonly=True)
        conn.logout()
        return int(data[0]) if status == "OK" and data[0] else 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _openssl(folder: Path, *args: str) -> None:
    subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)


def make_ca(folder: Path, name: str = "Test CA") -> Path:
    """A self-signed CA: ``ca.pem`` (and its key ``ca.key``) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    _openssl(folder, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", f"/CN={name}", "-keyout", "ca.key", "-out", "ca.pem")  # fmt: skip
    return folder / "ca.pem"


def _certificates(folder: Path) -> Path:
    def run(*args: str) -> None:
        _openssl(folder, *args)

    make_ca(folder)
    run("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
        "-keyout", "server.key", "-out", "server.csr")  # fmt: skip
    (folder / "san.ext").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-days", "2", "-extfile", "san.ext", "-out", "server.crt")  # fmt: skip
    return folder / "ca.pem"


CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
listen = 127.0.0.1
protocols = imap
ssl = yes
ssl_cert = <{root}/server.crt
ssl_key = <{root}/server.key
auth_mechanisms = plain login{mechanisms}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
{oauth2}userdb {{
  driver = static
  args = uid=dovecot gid=dovecot home={root}/home/%u
}}
mail_location = maildir:{root}/home/%u/Maildir
default_login_user = dovenull
default_internal_user = dovecot
first_valid_uid = 1
first_valid_gid = 1
service imap-login {{
  inet_listener imap {{
    port = {port}
  }}
  inet_listener imaps {{
    port = {tls_port}
    ssl = yes
  }}
}}
"""


#: XOAUTH2: Dovecot asks the test's introspection server (RFC 7662, POST token=...) whether a
#: token is active and whose it is
OAUTH2_PASSDB = """\
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {root}/oauth2.conf.ext
}}
"""
OAUTH2_CONF = """\
introspection_mode = post
introspection_url = {url}
force_introspection = yes
username_attribute = username
active_attribute = active
active_value = true
"""


def available() -> bool:
    return DOVECOT is not None and shutil.which("openssl") is not None and os.geteuid() == 0


@contextmanager
def running(introspection_url: str | None = None) -> Iterator[Imap]:
    """Start a private Dovecot; stop it (by its master.pid) and remove its folder after. With
    ``introspection_url`` it also takes XOAUTH2, checking tokens at that URL."""
    assert DOVECOT is not None
    root = Path(tempfile.mkdtemp(prefix="penholder-dovecot-"))
    root.chmod(0o755)  # imap runs as dovecot: it must reach the Maildir
    try:
        ca = _certificates(root)
        (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
        (root / "home" / USER / "Maildir").mkdir(parents=True)
        for sub in ("home", f"home/{USER}", f"home/{USER}/Maildir"):
            shutil.chown(root / sub, "dovecot", "dovecot")
        imap = Imap(root, free_port(), free_port(), ca)
        conf = root / "dovecot.conf"
        oauth2 = ""
        if introspection_url:
            (root / "oauth2.conf.ext").write_text(OAUTH2_CONF.format(url=introspection_url))
            oauth2 = OAUTH2_PASSDB.format(root=root)
        conf.write_text(
            CONFIG.format(
                root=root, port=imap.port, tls_port=imap.tls_port, oauth2=oauth2,
                mechanisms=" xoauth2 oauthbearer" if oauth2 else "",
            )
        )  # fmt: skip
        subprocess.run([DOVECOT, "-c", str(conf)], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=30)  # fmt: skip
        for _ in range(100):
            try:
                imap.client().logout()
                break
            except (OSError, imaplib.IMAP4.error):
                time.sleep(0.1)
        else:
            raise RuntimeError(
                f"dovecot did not start: {(root / 'dovecot.log').read_text()[-2000:]}"
            )
        yield imap
    finally:
        pid = root / "run" / "master.pid"
        if pid.exists():
            os.kill(int(pid.read_text().strip()), signal.SIGTERM)
            for _ in range(50):
                if not pid.exists():
                    break
                time.sleep(0.1)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def dovecot() -> Iterator[Imap]:
    if not available():
        if os.environ.get("PENHOLDER_CI"):
            pytest.fail("dovecot (dovecot-imapd) and openssl must be installed, run as root, in CI")
        pytest.skip("needs dovecot-imapd, openssl and root")
    with running() as imap:
        yield imap


#: the one access token the test's authorisation server knows (for USER)
TOKEN = "ya29.test-access-token-for-returns"


class _Introspection(BaseHTTPRequestHandler):
    """RFC 7662 token introspection: ``{"active": true, "username": USER}`` for TOKEN only."""

    seen: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode())
        token = (form.get("token") or [""])[0]
        type(self).seen.append(token)
        answer = {"active": True, "username": USER} if token == TOKEN else {"active": False}
        body = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


@contextmanager
def introspection() -> Iterator[tuple[str, list[str]]]:
    """A token introspection endpoint on loopback: its URL and the tokens it was asked about."""
    handler = type("Handler", (_Introspection,), {"seen": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/introspect", handler.seen
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def dovecot_oauth2() -> Iterator[tuple[Imap, list[str]]]:
    """Dovecot taking passwords and XOAUTH2 tokens, and the tokens it asked about."""
    if not available():
        if os.environ.get("PENHOLDER_CI"):
            pytest.fail("dovecot (dovecot-imapd) and openssl must be installed, run as root, in CI")
        pytest.skip("needs dovecot-imapd, openssl and root")
    with introspection() as (url, seen), running(url) as imap:
        yield imap, seen
