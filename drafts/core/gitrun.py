"""git as a program, for ``drafts.workspace`` and ``drafts.remote`` (no other module runs git).

- ``run``: one git command in the workspace; a failure is a ``WorkspaceError`` with git's words.
- ``Objects``: the repository's objects read through one ``git cat-file --batch`` started at the
  first read and kept for the workspace's life (one process for every blob a status reads).
- ``Listing``: a commit's files, listed with one ``git ls-tree`` kept per commit, and a
  folder's files found by bisection of their sorted paths.
- ``write_tree``: a commit's tree made from its parent's without an index: only the trees along
  the changed paths are read (through ``Objects``) and written (one ``git mktree --batch``), so a
  commit costs the same whatever the number of files in the tree.

Plain subprocesses, not GitPython: importing it costs a read command about 35 ms and it asks
``git version`` twice per process (docs/performance.md, "History").
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import threading
import weakref
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from pathlib import Path

from drafts.core.errors import NotAWorkspace, WorkspaceError

TREE = "40000"
FILE = "100644"


def git_dir(root: Path) -> Path:
    """Return the git folder of the repository at ``root`` (``.git``, or where a ``.git`` file
    points, as in a linked worktree), or raise NotAWorkspace."""
    dot = root / ".git"
    if dot.is_dir():
        return dot
    if dot.is_file():
        text = dot.read_text(encoding="utf-8", errors="replace").strip()
        if text.startswith("gitdir:"):
            return (root / text[len("gitdir:") :].strip()).resolve()
    raise NotAWorkspace(f"{root} is not a git repository; create a workspace with `penholder init`")


def run(
    root: Path | None,
    *args: str,
    env: Mapping[str, str] | None = None,
    input: bytes | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess[bytes]:
    """Run ``git ARGS`` in ``root`` (``env`` added to the environment); when ``check``, a failure
    raises WorkspaceError naming the command and git's first line on stderr."""
    done = subprocess.run(
        ["git", *args],
        cwd=root,
        input=input,
        capture_output=True,
        env=None if env is None else {**os.environ, **env},
    )
    if check and done.returncode:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        name = next((a for a in args if not a.startswith("-") and "=" not in a), "")
        raise WorkspaceError(
            f"git {name} failed in {root or '.'}: {said[0] if said else done.returncode}; "
            "see what git says with `git status` there, then run the command again"
        )
    return done


def out(
    root: Path | None, *args: str, input: str | None = None, env: Mapping[str, str] | None = None
) -> str:
    """The output of ``git ARGS`` (see ``run``; ``input`` on its stdin), decoded, without its
    last newline."""
    given = None if input is None else input.encode("utf-8", "surrogateescape")
    return (
        run(root, *args, env=env, input=given).stdout.decode("utf-8", "replace").removesuffix("\n")
    )


def config(cwd: Path | None, key: str) -> str:
    """git's setting ``key`` as seen from ``cwd`` ("" when unset)."""
    found = run(cwd, "config", "--get", key, check=False)
    return found.stdout.decode("utf-8", "replace").strip() if found.returncode == 0 else ""


def _close(proc: subprocess.Popen[bytes]) -> None:
    try:
        if proc.stdin is not None:
            proc.stdin.close()
        proc.wait(timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        proc.kill()
    finally:
        if proc.stdout is not None:
            proc.stdout.close()


class Objects:
    """Objects of the repository at ``root`` read through one ``git cat-file --batch``, started
    at the first read (again in a forked child), shared by threads one read at a time."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._proc: subprocess.Popen[bytes] | None = None
        self._pid = 0
        self._lock = threading.Lock()

    def _process(self) -> subprocess.Popen[bytes]:
        if self._proc is None or self._pid != os.getpid() or self._proc.poll() is not None:
            self._proc = subprocess.Popen(
                ["git", "cat-file", "--batch"],
                cwd=self.root,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
            self._pid = os.getpid()
            weakref.finalize(self, _close, self._proc)
        return self._proc

    def read(self, spec: str) -> tuple[str, bytes] | None:
        """Return (type, bytes) of the object ``spec`` names (a sha, ``REV:PATH``), or None when
        there is none."""
        if "\n" in spec:
            return None
        with self._lock:
            proc = self._process()
            assert proc.stdin is not None and proc.stdout is not None
            proc.stdin.write(spec.encode("utf-8") + b"\n")
            proc.stdin.flush()
            head = proc.stdout.readline().split()
            if len(head) != 3:  # "<spec> missing" (or ambiguous)
                return None
            size = int(head[2])
            data = proc.stdout.read(size + 1)[:size]
            return head[1].decode(), data

    def blob(self, spec: str) -> bytes | None:
        """The bytes of the blob ``spec`` names, or None (nothing there, or not a file)."""
        found = self.read(spec)
        return found[1] if found is not None and found[0] == "blob" else None


Entry = tuple[str, str]  # (mode, sha) of one name in a tree


class Listing:
    """The files of one commit at a time (the workspace's HEAD), listed with one ``git ls-tree``
    and kept until another commit is asked for (or made from it: ``advance``): path -> blob
    sha, and the paths sorted, so a folder's files are found by bisection instead of by reading
    every path (the tree of a workspace holds a file per return: thousands after a few rounds)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._kept: tuple[str, dict[str, str], list[str]] | None = None

    def _at(self, commit: str) -> tuple[str, dict[str, str], list[str]]:
        if self._kept is None or self._kept[0] != commit:
            listed = out(self.root, "ls-tree", "-r", "-z", "--full-tree", commit)
            entries = (line.split("\t", 1) for line in listed.split("\0") if line)
            blobs = {name: meta.split()[2] for meta, name in entries}
            self._kept = (commit, blobs, sorted(blobs))
        return self._kept

    def blobs(self, commit: str) -> dict[str, str]:
        """Return path -> blob sha of every file of ``commit``."""
        return self._at(commit)[1]

    def advance(self, parent: str | None, commit: str, changes: Mapping[str, str | None]) -> None:
        """``commit`` was made from ``parent`` with ``changes`` (path -> blob sha; None:
        removed): when ``parent``'s files are kept, keep ``commit``'s from them, unlisted (a
        workspace's own commit then costs no ``ls-tree`` of the whole tree after it)."""
        if self._kept is None or self._kept[0] != parent:
            return
        _, blobs, paths = self._kept
        for path, blob in changes.items():
            at = bisect_left(paths, path)
            known = at < len(paths) and paths[at] == path
            if blob is None and known:
                del paths[at]
                del blobs[path]
            elif blob is not None:
                if not known:
                    paths.insert(at, path)
                blobs[path] = blob
        self._kept = (commit, blobs, paths)

    def under(self, commit: str, prefix: str) -> list[str]:
        """Return the paths of ``commit``'s files that start with ``prefix`` (a folder and its
        slash), in git's order (that of their bytes, which their sorted text keeps)."""
        paths = self._at(commit)[2]
        return paths[bisect_left(paths, prefix) : bisect_left(paths, prefix[:-1] + "0")]


def _entries(objects: Objects, sha: str | None) -> dict[str, Entry]:
    """The entries of the tree ``sha`` (none for None), by name."""
    found = objects.read(sha) if sha else None
    if found is None or found[0] != "tree":
        return {}
    data, entries, i = found[1], {}, 0
    while i < len(data):
        space, nul = data.index(b" ", i), data.index(b"\0", i)
        name = data[space + 1 : nul].decode("utf-8", "surrogateescape")
        entries[name] = (data[i:space].decode(), data[nul + 1 : nul + 21].hex())
        i = nul + 21
    return entries


def _tree_bytes(entries: Mapping[str, Entry]) -> bytes:
    """The tree object of ``entries`` as git writes it (sorted as git sorts: a tree by name/)."""
    key = {n: n + "/" if m == TREE else n for n, (m, _) in entries.items()}
    return b"".join(
        f"{entries[n][0]} ".encode() + n.encode("utf-8", "surrogateescape") + b"\0"
        + bytes.fromhex(entries[n][1])
        for n in sorted(entries, key=lambda n: key[n].encode("utf-8", "surrogateescape"))
    )  # fmt: skip


def commit_tree(objects: Objects, commit: str) -> str | None:
    """The tree sha of ``commit``."""
    found = objects.read(commit)
    if found is None or found[0] != "commit" or not found[1].startswith(b"tree "):
        return None
    return found[1][5:45].decode()


def write_tree(objects: Objects, base: str | None, changes: Mapping[str, str | None]) -> str | None:
    """Write the tree ``base`` (a tree sha; None: empty) with ``changes`` (path -> blob sha of a
    plain file, None: removed) and return its sha (None: nothing left in it). Reads the trees
    along the changed paths only; writes the new ones with one ``git mktree --batch``."""
    made: list[tuple[str, dict[str, Entry]]] = []  # (sha, entries), children before parents
    top = _rewrite(objects, base, changes, made)
    if made:
        text = b"\0".join(
            b"".join(
                f"{m} {'tree' if m == TREE else 'blob'} {s}\t".encode()
                + n.encode("utf-8", "surrogateescape")
                + b"\0"
                for n, (m, s) in entries.items()
            )
            for _, entries in made
        )
        got = run(
            objects.root, "mktree", "-z", "--missing", "--batch", input=text + b"\0"
        ).stdout.split()
        if [g.decode() for g in got] != [sha for sha, _ in made]:
            raise WorkspaceError(f"git mktree wrote other trees than expected in {objects.root}")
    return top


def _rewrite(
    objects: Objects,
    base: str | None,
    changes: Mapping[str, str | None],
    made: list[tuple[str, dict[str, Entry]]],
) -> str | None:
    entries = _entries(objects, base)
    below: dict[str, dict[str, str | None]] = {}
    for path, sha in changes.items():
        name, _, rest = path.partition("/")
        if rest:
            below.setdefault(name, {})[rest] = sha
        elif sha is None:
            entries.pop(name, None)
        elif entries.get(name, ("",))[0] == TREE:
            raise WorkspaceError(f"cannot commit the file {path}: a folder of that name exists")
        else:
            entries[name] = (FILE, sha)
    for name, sub in below.items():
        old = entries.get(name)
        if old is not None and old[0] != TREE:
            raise WorkspaceError(f"cannot commit under {name}/: a file of that name exists")
        new = _rewrite(objects, old[1] if old else None, sub, made)
        if new is None:
            entries.pop(name, None)
        else:
            entries[name] = (TREE, new)
    if not entries:
        return None
    data = _tree_bytes(entries)
    sha = hashlib.sha1(b"tree %d\0" % len(data) + data).hexdigest()
    if sha != base:
        made.append((sha, entries))
    return sha


def hash_files(root: Path, paths: Sequence[str]) -> list[str]:
    """Store the working files ``paths`` as blobs (git's filters applied, as ``git add`` does);
    return their shas, in order (one ``git hash-object``)."""
    if not paths:
        return []
    given = "".join(p + "\n" for p in paths).encode("utf-8")
    return run(root, "hash-object", "-w", "--stdin-paths", input=given).stdout.decode().split()
