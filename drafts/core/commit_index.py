"""The private index a commit starts from, kept per commit, and HEAD's file list after a commit.

``Workspace.commit`` builds each commit in a private index. Reading HEAD's tree into a fresh one
(``read-tree``) reads every tree object, a cost that grows with the folders of the workspace
(one per fetched message); so the index of each new commit is kept as ``<folder>/<sha>``
(``.git/penholder/index/``: ``layout.INDEX``; only the latest) and the next commit
starts from a copy of it. Its entries carry no stat data (they are entered by
``update-index --index-info`` with blobs ``hash-object`` wrote), so a kept index never vouches
for a file by its size and time. Deleting it, or a copy whose checksum fails, costs one
``read-tree``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path


def start(folder: Path, parent: str) -> Path:
    """A new private index (a fresh name in ``folder``): a copy of the one kept for commit
    ``parent`` when there is one, else not yet there (the caller reads the tree)."""
    folder.mkdir(parents=True, exist_ok=True)
    index = folder / f".next-{os.getpid()}-{os.urandom(4).hex()}"
    try:
        data = (folder / (parent or "none")).read_bytes()
        if len(data) > 32 and hashlib.sha1(data[:-20]).digest() == data[-20:]:
            index.write_bytes(data)  # git's own checksum holds: whole, as git wrote it
    except OSError:
        index.unlink(missing_ok=True)
    return index


def entries(root: Path, written: dict[str, str], gone: list[str]) -> bytes:
    """``update-index -z --index-info`` input: ``written`` (path -> blob) entered as regular
    files (executable when the working file is), ``gone`` removed."""
    lines = [
        f"{'100755' if (root / p).stat().st_mode & 0o100 else '100644'} {blob}\t{p}"
        for p, blob in written.items()
    ] + [f"0 {'0' * 40}\t{p}" for p in gone]
    return "".join(f"{line}\0" for line in lines).encode()


def keep(folder: Path, index: Path, sha: str) -> None:
    """Keep ``index`` (commit ``sha``'s tree) for the next commit, and only it (a private
    index a failed commit left is removed too); a failure only costs the next a ``read-tree``."""
    target = folder / sha
    try:
        os.replace(index, target)  # whole or absent: its name is the commit whose tree it holds
        for old in target.parent.iterdir():
            if old != target:
                old.unlink(missing_ok=True)
    except OSError:
        shutil.rmtree(target.parent, ignore_errors=True)


Blobs = tuple[str, dict[str, str]]


def blobs_after(
    before: Blobs | None, parent: str, sha: str, written: dict[str, str], gone: list[str]
) -> Blobs | None:
    """HEAD's file list (path -> blob) at commit ``sha``, from ``before`` (the list at its
    ``parent``) and what the commit changed, in git's order (by the bytes of the path); None
    when ``before`` is not the parent's (then ``ls-tree`` reads it)."""
    if before is None or not parent or before[0] != parent:
        return None
    blobs = {p: b for p, b in before[1].items() if p not in gone} | written
    return sha, dict(sorted(blobs.items(), key=lambda kv: kv[0].encode()))
