"""How big a returned file may be, checked before anything stores or parses it.

``Limits``: the file's size, its number of parts, the bytes its XML parts unpack to and the XML
nodes they hold, and the size of a fetched e-mail message. Defaults a real return never reaches
(a chapter's return is a few hundred KB, a few dozen parts, a few MB of XML and some 100,000
nodes). A workspace sets its own under ``limits:`` in guideline.yaml (``file_mb``, ``parts``,
``xml_mb``, ``xml_nodes``, ``mail_mb``); the environment (``PENHOLDER_MAX_FILE_MB``,
``PENHOLDER_MAX_PARTS``, ``PENHOLDER_MAX_XML_MB``, ``PENHOLDER_MAX_XML_NODES``,
``PENHOLDER_MAX_MAIL_MB``) overrides both.

``read_bounded(path, limit, label)`` reads a file refusing, before opening it, anything that is
not a regular file (a FIFO, a device, a socket, a folder, a file of ``/proc`` or ``/sys``), and
never holds more than ``limit`` bytes of it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from drafts.core.errors import NotAWordDocument, UnsafeDocument

MB = 1024 * 1024
ENV = {
    "file_mb": "PENHOLDER_MAX_FILE_MB",
    "parts": "PENHOLDER_MAX_PARTS",
    "xml_mb": "PENHOLDER_MAX_XML_MB",
    "xml_nodes": "PENHOLDER_MAX_XML_NODES",
    "mail_mb": "PENHOLDER_MAX_MAIL_MB",
}
KERNEL = ("/proc", "/sys")


class TooLarge(UnsafeDocument):
    """A returned file beyond the workspace's limits (kept aside in ``quarantine/oversize/``)."""


class Limits(BaseModel):
    model_config = ConfigDict(extra="forbid")

    file_mb: float = 50.0
    parts: int = 1000
    #: the XML a file may unpack to and the nodes it may hold bound the reader's memory (a tree
    #: of N nodes takes some 650 bytes a node): 50 MB and 1,000,000 nodes are ten times a
    #: chapter's return and 25 times the largest file of the corpus (38,000 nodes, 1 MB)
    xml_mb: float = 50.0
    xml_nodes: int = 1_000_000
    #: a fetched message: a file at ``file_mb``, base64-encoded (4/3), with room for its text
    mail_mb: float = 75.0

    @property
    def mail_bytes(self) -> int:
        return int(self.mail_mb * MB)

    @property
    def file_bytes(self) -> int:
        return int(self.file_mb * MB)

    @property
    def xml_bytes(self) -> int:
        return int(self.xml_mb * MB)

    def with_env(self) -> Limits:
        """These limits with the environment's overrides applied."""
        values = self.model_dump()
        for key, name in ENV.items():
            raw = os.environ.get(name, "").strip()
            if raw:
                kind = int if Limits.model_fields[key].annotation is int else float
                try:
                    values[key] = kind(float(raw))
                except ValueError:
                    continue
        return Limits(**values)


def special_kind(path: Path) -> str | None:
    """What ``path`` is when it is not a regular file one may read (None: it is one)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None  # opening it will say why
    kinds = [
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ]
    for test, name in kinds:
        if test(mode):
            return name
    real = os.path.realpath(path)
    if any(real == k or real.startswith(k + "/") for k in KERNEL):
        return f"a file of the kernel's {real.split('/')[1]} filesystem"
    return None if stat.S_ISREG(mode) else "not a regular file"


def refuse_special(path: Path, label: str | None = None) -> None:
    """Raise NotAWordDocument when ``path`` is a FIFO, device, socket, folder or /proc file."""
    kind = special_kind(path)
    if kind is not None:
        raise NotAWordDocument(
            f"{label or path} is {kind}, not a saved document; name a .docx file instead"
        )


def read_bounded(path: Path, limit: int, label: str | None = None) -> bytes:
    """Read ``path`` whole, refusing special files (``refuse_special``) and anything over
    ``limit`` bytes (TooLarge) without ever holding more than ``limit`` + 1 MB of it."""
    label = label or str(path)
    refuse_special(path, label)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO swapped in cannot block us
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise NotAWordDocument(f"{label} is not a saved document; name a .docx file instead")
        size = os.fstat(fh.fileno()).st_size
        if size > limit:
            raise too_large(label, f"is {size / MB:.1f} MB", f"{limit / MB:g} MB", "file_mb")
        chunks, total = [], 0
        while chunk := fh.read(MB):
            total += len(chunk)
            if total > limit:
                raise too_large(label, "grew while read", f"{limit / MB:g} MB", "file_mb")
            chunks.append(chunk)
    return b"".join(chunks)


def too_large(
    label: str, what: str, limit: str, key: str, thing: str = "a returned file"
) -> TooLarge:
    """The one sentence for a file beyond a limit: what, the limit, and the way to raise it."""
    return TooLarge(
        f"{label} {what}, over the limit of {limit} for {thing}; check it is the "
        f"right file, or raise `limits: {key}` in guideline.yaml ({ENV[key]} for one run)"
    )
