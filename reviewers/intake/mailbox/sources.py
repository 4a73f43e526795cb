"""Where messages are fetched from: an IMAP mailbox (imaplib) or a local Maildir.

A source yields a ``Fetch`` for each message not yet marked (``ref`` names it to ``done``;
``source`` is what the workspace records; ``raw`` its bytes). A message larger than the limit
it is given (``limits: mail_mb``) is never held in memory: its ``raw`` is its header alone and
``stream`` copies it, a megabyte at a time, to a file. ``done(ref)`` marks a handled message:
moved to the processed folder when one is set, else flagged ``$PenholderTaken``; messages
left unmarked are fetched again next time and recognised by their Message-ID.

Over IMAP the round trips are batched: one FETCH gives the size and Message-ID of many messages,
one FETCH the bodies of several small ones, and the marks wait for ``flush`` (or ``MARKS`` of
them) to be made by one MOVE or STORE of a set of UIDs; a run killed with marks waiting leaves
those messages unmarked, which the next run only marks. Errors reaching
or logging in to the server are ``MailError`` with one sentence.
"""

from __future__ import annotations

import contextlib
import imaplib
import mailbox
import os
import re
import shlex
import ssl
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO, NamedTuple

from drafts.core.errors import MailError
from drafts.models import ImapSettings

FLAG = "$PenholderTaken"
CHUNK = 1 << 20
#: per IMAP command: the headers of this many messages, the bodies of at most ``BODIES``
#: messages and ``BODY_BYTES`` (the first always), the marks of ``MARKS`` messages
HEADS, BODIES, BODY_BYTES, MARKS = 500, 16, 8 * CHUNK, 64
#: ``(message-id) -> True`` when the workspace has taken that message already
Known = Callable[[str], bool]

#: a Maildir name as deliverers write it: "<seconds>.M<microseconds>P<pid>Q<count>.<host>"
#: (Python, Dovecot and Postfix write some of these parts)
DELIVERED = re.compile(r"(\d+)\.(?:M(\d+))?(?:P\d+)?(?:Q(\d+))?")


def delivery_order(key: str) -> tuple[int, int, int, str]:
    """Sort key of a Maildir message: when it was delivered, read from its name (seconds,
    microseconds, the deliverer's count), as numbers; a name in another form sorts by itself."""
    m = DELIVERED.match(key)
    if m is None:
        return (0, 0, 0, key)
    return (int(m[1]), int(m[2] or 0), int(m[3] or 0), key)


class Fetch(NamedTuple):
    """One message of a source (see the module docstring)."""

    ref: str
    source: str
    raw: bytes
    size: int
    stream: Callable[[BinaryIO], None] | None = None  # set when ``raw`` is the header alone


def _secret(imap: ImapSettings) -> tuple[str, str]:
    """("password" or "token", the secret)."""
    command = imap.oauth2_token_command or imap.password_command
    if command:
        try:
            done = subprocess.run(shlex.split(command), capture_output=True, text=True, timeout=60)
        except (OSError, ValueError, subprocess.TimeoutExpired) as e:
            raise MailError(
                f"the command `{command}` for the IMAP secret could not run ({e}); fix "
                f"mail.imap.{_secret_setting(imap)}"
            ) from e
        if done.returncode != 0 or not done.stdout.strip():
            raise MailError(
                f"the command `{command}` gave no IMAP secret (exit {done.returncode}); fix "
                f"mail.imap.{_secret_setting(imap)}"
            )
        return ("token" if imap.oauth2_token_command else "password"), done.stdout.strip()
    value = os.environ.get(imap.password_env)
    if not value:
        raise MailError(
            f"the IMAP user {imap.user} needs a password in the environment variable "
            f"{imap.password_env}, which is not set; set it and retry"
        )
    return "password", value


def _secret_setting(imap: ImapSettings) -> str:
    """Where the secret comes from, as the user wrote it."""
    if imap.oauth2_token_command:
        return "oauth2_token_command"
    if imap.password_command:
        return "password_command"
    return f"password_env ({imap.password_env})"


def _context(imap: ImapSettings) -> ssl.SSLContext:
    """Certificates checked against the system's CAs and, when named, ``ca_file``'s."""
    context = ssl.create_default_context()
    if imap.ca_file:
        try:
            context.load_verify_locations(cafile=imap.ca_file)
        except (OSError, ssl.SSLError) as e:
            reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
            raise MailError(
                f"mail.imap.ca_file {imap.ca_file} cannot be read as a CA certificate "
                f"({reason}); name a PEM file of the CA that signed the server's certificate"
            ) from e
    return context


def _xoauth2(user: str, token: str) -> Callable[[bytes], bytes]:
    """The XOAUTH2 exchange: the token first; an empty answer to the server's error challenge
    (so the server ends the exchange with its NO)."""
    first = f"user={user}\x01auth=Bearer {token}\x01\x01".encode()
    return lambda challenge: b"" if challenge else first


class ImapSource:
    def __init__(self, imap: ImapSettings) -> None:
        self.imap = imap
        where = f"{imap.host}:{imap.port}"
        kind, secret = _secret(imap)
        context = _context(imap)
        try:
            if imap.security == "tls":
                self.conn: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                    imap.host, imap.port, ssl_context=context, timeout=imap.timeout
                )
            else:
                self.conn = imaplib.IMAP4(imap.host, imap.port, timeout=imap.timeout)
                self.conn.starttls(ssl_context=context)
        except ssl.SSLCertVerificationError as e:
            raise MailError(
                f"the certificate of the IMAP server {where} does not verify "
                f"({e.verify_message}); name its CA in mail.imap.ca_file"
            ) from e
        except (OSError, imaplib.IMAP4.error) as e:
            reason = (
                e.strerror if isinstance(e, OSError) and e.strerror else str(e) or type(e).__name__
            )
            raise MailError(f"cannot reach the IMAP server {where} ({reason})") from e
        try:
            if kind == "token":
                self.conn.authenticate("XOAUTH2", _xoauth2(imap.user, secret))
            else:
                self.conn.login(imap.user, secret)
            status, data = self.conn.select(_quote(imap.folder))
            if status != "OK":
                raise imaplib.IMAP4.error(f"no folder {imap.folder}")
        except (OSError, imaplib.IMAP4.error) as e:
            self.close()
            text = (
                e.args[0].decode(errors="replace")
                if e.args and isinstance(e.args[0], bytes)
                else str(e)
            )
            raise MailError(
                f"the IMAP server {where} refused {imap.user} ({text}); check the user, "
                f"mail.imap.{_secret_setting(imap)} and mail.imap.folder"
            ) from e
        self.uidvalidity = self._uidvalidity()
        self.created, self.target = False, ""
        self.marks: list[str] = []

    def _uidvalidity(self) -> str:
        _, data = self.conn.response("UIDVALIDITY")
        return (data[0].decode() if data and data[0] else "") or "?"

    def messages(self, known: Known, limit: int) -> Iterator[Fetch]:
        _, data = self.conn.uid("SEARCH", "UNKEYWORD", FLAG)
        uids = data[0].decode().split() if data and data[0] else []
        where = f"imap://{self.imap.host}:{self.imap.port}/{self.imap.folder}"
        for start in range(0, len(uids), HEADS):
            group = uids[start : start + HEADS]
            found = _by_uid(self.conn.uid(
                "FETCH", ",".join(group), "(RFC822.SIZE BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])"
            )[1])  # fmt: skip
            heads = {uid: found.get(uid, (b"", None)) for uid in group}
            bodies: dict[str, bytes] = {}
            for n, uid in enumerate(group):
                meta, head = heads[uid]
                mid = _message_id(head or b"")
                if mid and known(mid):
                    yield Fetch(uid, "", b"", 0)  # taken before: only the mark is missing
                    continue
                size, source = _size(meta), f"{where};UIDVALIDITY={self.uidvalidity};UID={uid}"
                if size > limit:
                    _, header = self.conn.uid("FETCH", uid, "(BODY.PEEK[HEADER])")
                    raw = next((p[1] for p in header if isinstance(p, tuple)), b"")
                    yield Fetch(uid, source, raw, size, self._streamer(uid))
                    continue
                if uid not in bodies:
                    bodies = self._bodies(uid, group[n + 1 :], heads, known, limit)
                raw = bodies.pop(uid, b"")
                yield Fetch(uid, source, raw, len(raw))

    def _bodies(
        self,
        uid: str,
        after: list[str],
        heads: dict[str, tuple[bytes, bytes | None]],
        known: Known,
        limit: int,
    ) -> dict[str, bytes]:
        """Message ``uid`` and the next ones of ``after`` that will be wanted whole, in one
        FETCH of at most ``BODIES`` messages and ``BODY_BYTES`` (a message missing from the
        answer is asked alone, as before)."""
        wanted, total = [uid], _size(heads[uid][0])
        for other in after:
            meta, head = heads[other]
            size, mid = _size(meta), _message_id(head or b"")
            if len(wanted) >= BODIES or total + size > BODY_BYTES:
                break
            if size > limit or (mid and known(mid)):
                continue
            wanted.append(other)
            total += size
        found = _by_uid(self.conn.uid("FETCH", ",".join(wanted), "(BODY.PEEK[])")[1])
        bodies = {u: found[u][1] or b"" for u in wanted if u in found}
        if uid not in bodies:
            _, body = self.conn.uid("FETCH", uid, "(BODY.PEEK[])")
            bodies[uid] = next((p[1] for p in body if isinstance(p, tuple)), b"")
        return bodies

    def _streamer(self, uid: str) -> Callable[[BinaryIO], None]:
        """Copy message ``uid`` to a file by partial fetches of a megabyte each."""

        def stream(out: BinaryIO) -> None:
            offset = 0
            while True:
                _, data = self.conn.uid("FETCH", uid, f"(BODY.PEEK[]<{offset}.{CHUNK}>)")
                chunk = next((p[1] for p in data if isinstance(p, tuple)), b"")
                out.write(chunk)
                offset += len(chunk)
                if len(chunk) < CHUNK:
                    return

        return stream

    def done(self, ref: str) -> None:
        """Mark ``ref`` handled: kept until ``MARKS`` are waiting or ``flush``, then all marked
        by one command (a run killed before leaves them unmarked: the next only marks them)."""
        self.marks.append(ref)
        if len(self.marks) >= MARKS:
            self.flush()

    def flush(self) -> None:
        """Mark every message ``done`` named since the last flush: one MOVE, else one STORE."""
        refs, self.marks = ",".join(self.marks), []
        if not refs:
            return
        target = self.imap.processed_folder
        if target:
            if not self.created:  # once a run: the server's delimiter, and the folder
                self.target = target.replace("/", self._delimiter())
                self.conn.create(_quote(self.target))  # "already exists" is fine
                self.created = True
            target = self.target
            status, _ = self.conn.uid("MOVE", refs, _quote(target))
            if status == "OK":
                return
        self.conn.uid("STORE", refs, "+FLAGS", f"({FLAG})")

    def _delimiter(self) -> str:
        """The server's hierarchy delimiter ("/" in a folder setting means it)."""
        _, data = self.conn.list('""', '""')
        first = data[0] if data else None
        m = re.search(rb'\) "(.)"', first) if isinstance(first, bytes) else None
        return m.group(1).decode() if m else "/"

    def close(self) -> None:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            self.conn.logout()


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _by_uid(data: list[object]) -> dict[str, tuple[bytes, bytes | None]]:
    """The messages of a FETCH answer by UID: what the server said of each outside its literal
    (``UID``, ``RFC822.SIZE``, wherever it put them), and the literal (None when none)."""
    found: dict[str, tuple[bytes, bytes | None]] = {}
    meta, literal = b"", None

    def keep() -> None:
        m = re.search(rb"\bUID (\d+)", meta)
        if m:
            found.setdefault(m.group(1).decode(), (meta, literal))

    for part in data:
        if isinstance(part, tuple) or (isinstance(part, bytes) and _START.match(part)):
            keep()
            meta, literal = (part[0], part[1]) if isinstance(part, tuple) else (part, None)
        elif isinstance(part, bytes):
            meta += part  # what follows a literal: ")" or the items the server put after it
    keep()
    return found


_START = re.compile(rb"\d+ \(")


def _size(meta: bytes) -> int:
    """The RFC822.SIZE a FETCH answer gave of a message (0 when the server gave none)."""
    m = re.search(rb"RFC822\.SIZE (\d+)", meta)
    return int(m.group(1)) if m else 0


def _message_id(head: bytes) -> str:
    m = re.search(rb"(?im)^message-id:\s*(<[^>]*>)", head)
    return m.group(1).decode(errors="replace") if m else ""


class MaildirSource:
    """A local Maildir (``--maildir DIR``): handled messages move to its processed folder."""

    def __init__(self, folder: Path, processed: str | None) -> None:
        if not (folder / "cur").is_dir() or not (folder / "new").is_dir():
            raise MailError(f"{folder} is not a Maildir (it needs cur/ and new/ folders)")
        self.folder = folder
        self.box = mailbox.Maildir(folder, create=False)
        self.processed = processed.replace("/", ".") if processed else None

    def messages(self, known: Known, limit: int) -> Iterator[Fetch]:
        for key in sorted(self.box.keys(), key=delivery_order):
            where = f"maildir:{self.folder};{key}"
            with self.box.get_file(key) as fh:
                fh.seek(0, os.SEEK_END)
                size = fh.tell()
                if size > limit:
                    fh.seek(0)
                    head = b""
                    while (line := fh.readline(CHUNK)) and line.strip():
                        head += line
                        if len(head) > CHUNK:
                            break
                    yield Fetch(key, where, head + b"\n", size, self._streamer(key))
                    continue
            yield Fetch(key, where, self.box.get_bytes(key), size)

    def _streamer(self, key: str) -> Callable[[BinaryIO], None]:
        def stream(out: BinaryIO) -> None:
            with self.box.get_file(key) as fh:
                while chunk := fh.read(CHUNK):
                    out.write(chunk)

        return stream

    def done(self, ref: str) -> None:
        msg = self.box.get_message(ref)
        msg.add_flag("S")
        if self.processed:
            target = (
                self.box.get_folder(self.processed)
                if self.processed in self.box.list_folders()
                else self.box.add_folder(self.processed)
            )
            target.add(msg)
            self.box.remove(ref)
        else:
            self.box[ref] = msg

    def flush(self) -> None:
        """Nothing waits: ``done`` marks a Maildir message at once."""

    def close(self) -> None:
        self.box.close()
