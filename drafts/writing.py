"""One writer at a time, and what a killed writer left behind.

The writer lock (``Workspace.exclusive``, a ``flock`` on ``.git/penholder/lock``,
``drafts.core.files.locked``) is held by every state change from the state it reads to its
commit. A second writer waits, saying once on stderr whom for (``say_waiting``), for
``PENHOLDER_LOCK_TIMEOUT`` seconds (default 300), then gives up with one sentence (``busy``).

The journal: before ``Workspace.commit`` writes a file it notes in ``.git/penholder/pending.json``
the hash of every file it is about to write (``note``), and drops the note once the commit and
the index agree (``done``). A writer killed in between leaves the note; the next writer, as it
takes the lock (no other penholder writer can be running then), puts back every file the note
names that still holds what the killed writer wrote (the user's later edits are kept), and
removes git's lock files (``index.lock``, ``HEAD.lock``, the branch's ref lock) that the killed
writer's git left (``recover``). The work is then redone from its start: a return's file is
still where it came from (the command line, inbox/, the mailbox) until its commit exists.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from drafts import layout
from drafts.core.errors import DirtyWorkspace, IdentityError, WorkspaceBusy
from drafts.core.files import Holder, held, read_holder


class Actor:
    """Who a commit is authored by."""

    def __init__(self, name: str, email: str) -> None:
        self.name, self.email = name, email

    def __repr__(self) -> str:
        return f"{self.name} <{self.email}>"


LOCK_TIMEOUT_ENV = "PENHOLDER_LOCK_TIMEOUT"
LOCK_TIMEOUT = 300.0  # seconds a writer waits for another by default
GIT_LOCKS = ("index.lock", "HEAD.lock")


def lock_timeout() -> float:
    """Seconds a writer waits for the workspace: ``PENHOLDER_LOCK_TIMEOUT``, else 300."""
    raw = os.environ.get(LOCK_TIMEOUT_ENV, "").strip()
    try:
        return max(0.0, float(raw)) if raw else LOCK_TIMEOUT
    except ValueError:
        return LOCK_TIMEOUT


def say_waiting(holder: Holder | None) -> None:
    """One line on stderr: "waiting for the workspace: return add by amina-odhiambo since 10:02"."""
    what = holder.describe() if holder is not None else "another penholder command"
    sys.stderr.write(f"waiting for the workspace: {what}\n")
    sys.stderr.flush()


def busy(holder: Holder | None, timeout: float) -> WorkspaceBusy:
    """The sentence a writer gives up with."""
    what = holder.describe() if holder is not None else "another penholder command"
    return WorkspaceBusy(
        f"the workspace is busy ({what}) and was not free after {timeout:g} s; run the command "
        f"again once it has finished, or wait longer with {LOCK_TIMEOUT_ENV}=SECONDS"
    )


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _journal(git_dir: Path) -> Path:
    return git_dir / layout.pending_file()


def note(git_dir: Path, files: Mapping[str, bytes | None]) -> None:
    """Record what is about to be written (a hash per path; None: deleted), durably."""
    path = _journal(git_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    entries = {rel: None if data is None else _digest(data) for rel, data in files.items()}
    with tmp.open("w") as fh:
        json.dump(entries, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def done(git_dir: Path) -> None:
    """The commit and the index agree: nothing is pending any more."""
    _journal(git_dir).unlink(missing_ok=True)


def pending(git_dir: Path) -> dict[str, str | None]:
    """What a killed writer noted and may have written (empty: nothing pending)."""
    try:
        data = json.loads(_journal(git_dir).read_text())
    except (OSError, ValueError):
        return {}
    return (
        {str(k): (None if v is None else str(v)) for k, v in data.items()}
        if isinstance(data, dict)
        else {}
    )


def written_by_penholder(git_dir: Path, root: Path, rel: str) -> bool:
    """Whether the working file ``rel`` holds what a killed writer noted it would write."""
    noted = pending(git_dir)
    if rel not in noted or noted[rel] is None:
        return False
    try:
        return _digest((root / rel).read_bytes()) == noted[rel]
    except OSError:
        return False


def recover(
    git_dir: Path,
    root: Path,
    committed: Callable[[str], bytes | None],
    reset: Callable[[list[str]], None],
) -> list[str]:
    """Undo what a killed writer left (see the module docstring); return the paths put back.
    ``reset(paths)`` makes the index agree with HEAD on the noted paths.

    Call only while holding the writer lock: no penholder writer can be at work then."""
    noted = pending(git_dir)
    if not noted and not _journal(git_dir).exists():
        return []
    restored = []
    for rel, digest in noted.items():
        target = root / rel
        try:
            here = _digest(target.read_bytes()) if target.is_file() else None
        except OSError:
            continue
        if here != digest:
            continue  # never written, or edited since: the user's, kept
        before = committed(rel)
        if before is None:
            target.unlink(missing_ok=True)
        else:
            target.write_bytes(before)
        restored.append(rel)
    for name in GIT_LOCKS:
        (git_dir / name).unlink(missing_ok=True)
    for ref_lock in (git_dir / "refs" / "heads").rglob("*.lock"):
        ref_lock.unlink(missing_ok=True)
    if noted:
        reset(sorted(noted))
    done(git_dir)
    return sorted(restored)


def holder(lock: Path) -> Holder | None:
    """Who holds the writer lock ``lock`` now (None: nobody, or a process that has ended)."""
    if not held(lock):
        return None
    found = read_holder(lock)
    return found if found is not None and found.alive() else None


ACT_AS_ENV = "PENHOLDER_AS"


def acting(given: str | None) -> str | None:
    """The person id a command or a worker's flow run acts as: ``given`` (``--as``) when given,
    else ``PENHOLDER_AS`` (a team's worker sets it), else None (git's user). The one place this is
    decided: the identity a commit is authored by and the person the writer lock records both
    come from here. An empty id is returned as it is, and refused by ``person_id``."""
    if given is not None:
        return given
    return os.environ.get(ACT_AS_ENV)


def who(identity: Callable[[], str], given: str | None = None) -> str:
    """The name a lock records: the person id ``acting(given)``, else git's user, else
    "someone"."""
    person = (acting(given) or "").strip()
    if person:
        return person
    try:
        return identity()
    except IdentityError:
        return "someone"


def person_id(given: str) -> str:
    """``given`` stripped; an empty ``--as`` is refused, never read as "git's user"."""
    if not given.strip():
        raise IdentityError(
            "--as (or PENHOLDER_AS) is empty; name a person id from people.yaml, or leave it "
            "out to act as git's user"
        )
    return given.strip()


def refuse_git_locks(git_dir: Path) -> None:
    """Refuse, before anything is written, while git's own lock files are held: a git command
    runs in this workspace (penholder's own leftovers were cleared by ``recover``)."""
    for name in GIT_LOCKS:
        if (git_dir / name).exists():
            raise DirtyWorkspace(
                f".git/{name} exists: a git command is at work in this workspace; run the "
                f"command again when it has finished (if none is, delete .git/{name})"
            )


def way_out(paths: Sequence[str]) -> str:
    """Return how to keep or drop the edits of ``paths``: ``chapter commit`` or ``git checkout``."""
    chapters = [c for c in map(layout.chapter_of, paths) if c is not None]
    matrices = [(p, m) for p in paths if (m := layout.matrix_of(p)) is not None]
    discard = f"discard them with `git checkout -- {' '.join(shlex.quote(p) for p in paths)}`"
    record = [f"`penholder chapter commit {c}`" for c in chapters]
    record += [f"`penholder matrix import {ch} --round {r} {p}`" for p, (r, ch) in matrices]
    if not record:
        return discard
    return f"record them with {' and '.join(record)} or {discard}"
