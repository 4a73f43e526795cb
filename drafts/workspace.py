"""The guideline workspace: a git repository holding one guideline; the only module that runs git.

Every state change is one commit made by ``Workspace.commit``: it writes the files it was given
and commits exactly those paths, authored by the person acting, with trailers (see
``drafts.history``); it restores the files if anything fails before the commit exists. Whatever
else a user keeps in the workspace (renders, notes, office lock files, even paths they staged)
is never staged, committed or in the way; the one refusal is a path it must write or delete
whose uncommitted edits would be lost. Reads (``history``, ``states``, ``text``) come from git
alone.
"""

from __future__ import annotations

import shlex
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from functools import cached_property
from pathlib import Path

import git

from drafts import config, history, layout
from drafts.core import clock, faults, rehearsal
from drafts.core.errors import DirtyWorkspace, IdentityError, NotAWorkspace, NotFound
from drafts.core.files import reentrant, restore
from drafts.models import (
    EGM,
    ChapterFront,
    ChapterState,
    CommitRecord,
    Guideline,
    Person,
    Revision,
)

GUIDELINE_FILE = layout.GUIDELINE
GITIGNORE = "# Files that arrive, are generated for sending or for you, and office lock files.\n"
GITIGNORE += "".join(f"/{p}\n" for p in layout.IGNORED) + "".join(
    f"{p}\n" for p in layout.LOCK_FILES
)

Trailers = Sequence[tuple[str, str]]


class Actor:
    """Who a commit is authored by."""

    def __init__(self, name: str, email: str) -> None:
        self.name, self.email = name, email

    def __repr__(self) -> str:
        return f"{self.name} <{self.email}>"


def git_identity(cwd: Path | None = None) -> Actor:
    """Return git's configured user (as seen from ``cwd``), or raise IdentityError."""
    runner = git.Git(cwd)

    def get(key: str) -> str:
        try:
            return str(runner.config("--get", key)).strip()
        except git.GitCommandError:
            return ""

    name, email = get("user.name"), get("user.email")
    if name and email:
        return Actor(name, email)
    raise IdentityError(
        "no identity to commit as: pass --as PERSON-ID (from people.yaml) or set git's "
        "user.name and user.email"
    )


def check_new_root(root: Path) -> None:
    """Raise DirtyWorkspace unless ``root`` is a new or empty folder."""
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise DirtyWorkspace(f"{root} is not empty; penholder init needs a new or empty folder")


def find_root(start: Path | None = None) -> Path:
    """Return the workspace folder holding ``start`` (default: cwd), or raise NotAWorkspace."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / GUIDELINE_FILE).is_file() and (folder / ".git").exists():
            return folder
    raise NotAWorkspace(
        f"{here} is not a penholder workspace (no {GUIDELINE_FILE} in a git repository here or "
        "above); create one with `penholder init DIR` or name one with --workspace"
    )


class Workspace:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.repo = git.Repo(root)
        self._history: tuple[str, list[CommitRecord]] | None = None
        self._states: tuple[str | None, dict[str, ChapterState]] | None = None
        self._blobs: tuple[str, dict[str, str]] | None = None  # HEAD's path -> blob sha
        #: trailers added to every commit made through this object (a flow's ``Prefect-Run``)
        self.run_trailers: list[tuple[str, str]] = []

    @classmethod
    def open(cls, path: Path | None = None) -> Workspace:
        """Open the workspace at or above ``path``."""
        return cls(find_root(path))

    @classmethod
    def create(
        cls, root: Path, files: Mapping[str, bytes], actor: Actor, subject: str
    ) -> Workspace:
        """Create a workspace in the empty (or new) folder ``root`` with ``files`` as first commit."""
        check_new_root(root)
        root.mkdir(parents=True, exist_ok=True)
        try:
            git.Repo.init(root, initial_branch="main")
            ws = cls(root)
            all_files = {".gitignore": GITIGNORE.encode(), **files}
            ws.commit(all_files, subject, [("Event", "init")], actor)
        except Exception:
            shutil.rmtree(root, ignore_errors=True)
            raise
        return ws

    # -- configuration ---------------------------------------------------------------------
    @cached_property
    def guideline(self) -> Guideline:
        return config.load_guideline(self.root / GUIDELINE_FILE)

    @cached_property
    def people(self) -> list[Person]:
        return config.load_people(self.root / layout.PEOPLE)

    @cached_property
    def egms(self) -> list[EGM]:
        return config.load_egms(self.root / layout.EGMS)

    def person(self, person_id: str) -> Person:
        for p in self.people:
            if p.id == person_id:
                return p
        raise NotFound(f"nobody with the id {person_id!r} in people.yaml")

    def now(self) -> datetime:
        return clock.now(self.guideline.timezone)

    # -- chapters --------------------------------------------------------------------------
    def chapter_path(self, chapter: str) -> Path:
        return self.root / layout.chapter(chapter)

    def chapter_ids(self) -> list[str]:
        return sorted(p.stem for p in (self.root / layout.CHAPTERS).glob("*.md"))

    def require_chapter(self, chapter: str) -> None:
        if chapter not in self.states() and not self.chapter_path(chapter).exists():
            known = ", ".join(self.chapter_ids()) or "none yet"
            raise NotFound(f"no chapter {chapter!r} in this workspace (chapters: {known})")

    def front(self, chapter: str, text: str | None = None) -> ChapterFront:
        """Return the front matter of the chapter (working tree, or ``text`` when given)."""
        self.require_chapter(chapter)
        name = layout.chapter(chapter)
        body = text if text is not None else self.chapter_path(chapter).read_text(encoding="utf-8")
        return config.parse_front(body, name, expected_id=chapter)

    def private_path(self, rel: str) -> Path:
        """Return ``rel`` (a ``layout`` path under ``.git``) as a path, its folder created."""
        path = Path(self.repo.git_dir) / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def exclusive(self) -> AbstractContextManager[None]:
        """Hold the workspace's writer lock (``.git/penholder/lock``) inside a ``with`` block:
        processes that check a state and commit on it under it do so one at a time, so a
        decision two processes may both try to apply is applied once."""
        return reentrant(self.private_path(layout.lock_file()))

    def out_path(self, name: str) -> Path:
        """Return ``out/<name>`` (git-ignored since init), creating ``out/``."""
        folder = self.root / layout.OUT
        folder.mkdir(exist_ok=True)
        return folder / name

    # -- history ---------------------------------------------------------------------------
    def head(self) -> str | None:
        """Return the sha of HEAD (None before the first commit): a key for what was read.

        Read from the ref files (a loose branch ref, or a detached HEAD) when it can be, which
        is a file read; git's own resolution otherwise (packed refs)."""
        git_dir = Path(self.repo.git_dir)
        try:
            ref = (git_dir / "HEAD").read_text().strip()
            sha = (git_dir / ref[5:]).read_text().strip() if ref.startswith("ref: ") else ref
        except OSError:
            sha = ""
        if len(sha) == 40:
            return sha
        return str(self.repo.head.commit.hexsha) if self.repo.head.is_valid() else None

    def history(self) -> list[CommitRecord]:
        """Return every commit on HEAD, oldest first, with its trailers.

        One ``git log`` call per HEAD: the result is kept until HEAD moves, so status and
        tracking may ask as often as they like. Do not mutate the returned list.
        """
        head = self.head()
        if head is None:
            return []
        if self._history is not None and self._history[0] == head:
            return self._history[1]
        out = self.repo.git.log("--topo-order", "--reverse", f"--format={history.LOG_FORMAT}")
        records = history.parse_log(out)
        self._history = (head, records)
        return records

    def states(self) -> dict[str, ChapterState]:
        """Return every chapter's state, replayed once per HEAD (a copy: callers may change it)."""
        commits = self.history()
        head = self._history[0] if self._history is not None else None
        if self._states is None or self._states[0] != head:
            self._states = (head, history.replay(commits))
        return dict(self._states[1])

    def state(self, chapter: str) -> ChapterState:
        self.require_chapter(chapter)
        return self.states().get(chapter) or ChapterState(id=chapter)

    def revisions(self, chapter: str) -> list[Revision]:
        self.require_chapter(chapter)
        return history.revisions(self.history(), chapter)

    def revision(self, chapter: str, number: int | None = None) -> Revision:
        """Return revision ``number`` of the chapter (the latest when None), or raise NotFound."""
        revs = self.revisions(chapter)
        if not revs:
            raise NotFound(f"chapter {chapter} has no revision yet")
        if number is None:
            return revs[-1]
        for rev in revs:
            if rev.number == number:
                return rev
        raise NotFound(
            f"chapter {chapter} has no revision {number} (revisions 1 to {revs[-1].number})"
        )

    def read_at(self, commit: str, path: str) -> bytes:
        """Return the bytes of ``path`` as committed in ``commit``, or raise NotFound."""
        try:
            blob = self.repo.commit(commit).tree / path
        except KeyError as e:
            raise NotFound(f"{path} does not exist in commit {commit[:10]}") from e
        data: bytes = blob.data_stream.read()
        return data

    def committed_files(self, folder: str, commit: str = "HEAD") -> list[str]:
        """Return the paths of every file committed under ``folder`` (none before any commit)."""
        if not self.repo.head.is_valid():
            return []
        out = self.repo.git.ls_tree("-r", "--name-only", commit, "--", folder.rstrip("/") + "/")
        return [line for line in out.splitlines() if line]

    def committed(self, path: str, commit: str = "HEAD") -> bytes | None:
        """Return the bytes of ``path`` as committed in ``commit``, or None when it is not.

        At HEAD, paths are looked up in one ``ls-tree`` listing kept per HEAD, so a reader
        asking for hundreds of files (status, the gate) costs one git call plus a blob read each.
        """
        if commit == "HEAD":
            head = self.head()
            if head is None:
                return None
            if self._blobs is None or self._blobs[0] != head:
                out = self.repo.git.ls_tree("-r", "-z", "--full-tree", head)
                entries = (line.split("\t", 1) for line in out.split("\0") if line)
                self._blobs = (head, {name: meta.split()[2] for meta, name in entries})
            sha = self._blobs[1].get(path)
            return None if sha is None else bytes(self.repo.odb.stream(bytes.fromhex(sha)).read())
        if not self.repo.head.is_valid():
            return None
        try:
            return self.read_at(self.repo.commit(commit).hexsha, path)
        except NotFound:
            return None

    def text(self, chapter: str, number: int | None = None) -> str:
        rev = self.revision(chapter, number)
        return self.read_at(rev.commit, layout.chapter(chapter)).decode("utf-8")

    # -- writing ---------------------------------------------------------------------------
    def identity(self, person_id: str | None = None) -> Actor:
        """Return who acts: the person ``person_id`` of people.yaml, else git's user, else raise."""
        if person_id:
            p = self.person(person_id)
            return Actor(p.name, p.email)
        return git_identity(self.root)

    def dirty_paths(self) -> list[str]:
        """Return the paths that differ from HEAD or are untracked (ignored files excluded)."""
        out = self.repo.git.status("--porcelain", "--untracked-files=all", "-z")
        paths = []
        for entry in out.split("\0"):
            if len(entry) > 3:
                paths.append(entry[3:])
        return sorted(set(paths))

    def unsaved_edits(self, files: Mapping[str, bytes | None]) -> list[str]:
        """Return the paths of ``files`` whose uncommitted edits writing ``files`` would lose.

        An edit is lost when HEAD holds the path and its working file differs both from HEAD and
        from what would be written (None: deleted). Recording a hand edit as it is (``chapter
        commit``) loses nothing; rewriting a hand-edited file does. A path HEAD does not hold can
        only be penholder's own leftover of an interrupted run: it is written over, as before.
        """
        lost = []
        for rel, data in files.items():
            target = self.root / rel
            if not target.is_file():
                continue
            work = target.read_bytes()
            if work == data:
                continue
            committed = self.committed(rel)
            if committed is not None and work != committed:
                lost.append(rel)
        return sorted(lost)

    def check_unsaved(self, files: Mapping[str, bytes | None]) -> None:
        """Raise DirtyWorkspace naming each path of ``files`` whose uncommitted edits would be lost."""
        lost = self.unsaved_edits(files)
        if not lost:
            return
        names = ", ".join(lost)
        verb = "has" if len(lost) == 1 else "have"
        raise DirtyWorkspace(
            f"{names} {verb} uncommitted edits that this command would overwrite; "
            f"{self._way_out(lost)}, then run the command again"
        )

    def _way_out(self, paths: Sequence[str]) -> str:
        """Return how to keep or drop the edits of ``paths``: ``chapter commit`` or ``git checkout``."""
        chapters = [c for c in map(layout.chapter_of, paths) if c is not None]
        matrices = [(p, m) for p in paths if (m := layout.matrix_of(p)) is not None]
        discard = f"discard them with `git checkout -- {' '.join(shlex.quote(p) for p in paths)}`"
        record = [f"`penholder chapter commit {c}`" for c in chapters]
        record += [f"`penholder matrix import {ch} --round {r} {p}`" for p, (r, ch) in matrices]
        if not record:
            return discard
        return f"record them with {' and '.join(record)} or {discard}"

    def commit(
        self,
        files: Mapping[str, bytes | None],
        subject: str,
        trailers: Trailers,
        actor: Actor,
        *,
        body: str = "",
    ) -> str:
        """Write ``files`` (None deletes) and commit exactly those paths; return the commit sha.

        Nothing else is staged or committed, and the index keeps whatever the user staged for
        other paths. Refuses (DirtyWorkspace, nothing written) when a path of ``files`` holds
        uncommitted edits it would lose (``unsaved_edits``); restores the files if anything
        fails before the commit exists.
        """
        self.check_unsaved(files)
        rehearsal.stop_here()  # a rehearsal ends here, its checks passed, nothing written
        saved = {
            p: (self.root / p).read_bytes() if (self.root / p).exists() else None for p in files
        }
        try:
            for rel, data in files.items():
                target = self.root / rel
                if data is None:
                    target.unlink(missing_ok=True)
                else:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(data)
            faults.point("commit:before-git")
            faults.point(f"commit:before-git:{dict(trailers).get('Event', '')}")
            sha = self._commit_paths(list(files), subject, trailers, actor, body)
        except BaseException:
            restore(self.root, saved)
            raise
        if files:  # the index now agrees with the new commit on these paths, and only these
            self.repo.git.reset("-q", "--", *files)
        for path, cached in (
            (GUIDELINE_FILE, "guideline"),
            (layout.PEOPLE, "people"),
            (layout.EGMS, "egms"),
        ):
            if path in files:  # the configuration just written is the one to read from now on
                self.__dict__.pop(cached, None)
        return sha

    def tag(self, name: str, message: str, commit: str, actor: Actor) -> None:
        """Make the annotated tag ``name`` on ``commit``, by ``actor`` at penholder's "now";
        refuse (NotFound) a tag that exists."""
        if name in [t.name for t in self.repo.tags]:
            raise NotFound(f"the tag {name} already exists; a signed revision is tagged once")
        now = self.now()
        env = {
            "GIT_COMMITTER_NAME": actor.name,
            "GIT_COMMITTER_EMAIL": actor.email,
            "GIT_COMMITTER_DATE": f"{int(now.timestamp())} {now.strftime('%z')}",
        }
        self.repo.git.tag("-a", "-m", message, "--", name, commit, env=env)

    def _commit_paths(
        self, paths: Sequence[str], subject: str, trailers: Trailers, actor: Actor, body: str
    ) -> str:
        """Commit HEAD's tree with ``paths`` as in the working tree, through a private index."""
        present = [p for p in paths if (self.root / p).exists()]
        gone = [p for p in paths if not (self.root / p).exists()]
        parents = [self.repo.head.commit] if self.repo.head.is_valid() else []
        with tempfile.TemporaryDirectory(prefix="penholder-index-") as tmp:
            env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
            if parents:
                self.repo.git.read_tree(parents[0].hexsha, env=env)
            if present:
                self.repo.git.add("--", *present, env=env)
            if gone:
                self.repo.git.rm("-q", "--cached", "--ignore-unmatch", "--", *gone, env=env)
            tree = self.repo.git.write_tree(env=env)
        message = subject.strip() + "\n\n" + (body.strip() + "\n\n" if body.strip() else "")
        trailers = [*trailers, *(t for t in self.run_trailers if t not in trailers)]
        message += "".join(f"{k}: {v}\n" for k, v in trailers)
        now = self.now()
        offset = now.strftime("%z")  # git's own date format: "<unix seconds> +HHMM"
        when = f"{int(now.timestamp())} {offset}"
        author = git.Actor(actor.name, actor.email)
        commit = git.Commit.create_from_tree(
            self.repo,
            tree,
            message,
            parent_commits=parents,
            author=author,
            committer=author,
            author_date=when,
            commit_date=when,
        )
        old = parents[0].hexsha if parents else ""
        reflog = f"commit{'' if parents else ' (initial)'}: {subject.strip()}"
        self.repo.git.update_ref("-m", reflog, "HEAD", commit.hexsha, old)
        return str(commit.hexsha)
