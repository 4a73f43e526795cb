"""The guideline workspace: a git repository holding one guideline; the only module that runs git.

Every state change is one commit made by ``Workspace.commit``: it writes the files it was given
and commits exactly those paths, authored by the person acting, with trailers (see
``drafts.history``); it restores the files if anything fails before the commit exists. Whatever
else a user keeps in the workspace (renders, notes, office lock files, even paths they staged)
is never staged, committed or in the way; the one refusal is a path it must write or delete
whose uncommitted edits would be lost. Reads (``history``, ``states``, ``text``) come from git.

git runs as a program (``drafts.core.gitrun``); GitPython (``repo``) is imported only when asked
for (``drafts.remote``), so a read command never pays for it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import weakref
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from drafts import history, layout, writing
from drafts.core import clock, faults, gitrun, rehearsal, safe
from drafts.core.errors import DirtyWorkspace, IdentityError, NotFound, WorkspaceError
from drafts.core.files import Holder, locked, restore
from drafts.history import Ledger, Summary
from drafts.history_cache import HistoryCache
from drafts.layout import check_new_root, find_root
from drafts.models import EGM, ChapterFront, ChapterState, CommitRecord, Guideline, Person, Revision
from drafts.writing import Actor

if TYPE_CHECKING:
    import git

GUIDELINE_FILE = layout.GUIDELINE
GITIGNORE = layout.gitignore()

Trailers = Sequence[tuple[str, str]]
CACHED = ((GUIDELINE_FILE, "guideline"), (layout.PEOPLE, "people"), (layout.EGMS, "egms"))


def _config() -> ModuleType:
    from drafts import config  # YAML and the config models: off the read paths that need neither

    return config


def git_identity(cwd: Path | None = None) -> Actor:
    """Return git's configured user (as seen from ``cwd``), or raise IdentityError."""
    name, email = gitrun.config(cwd, "user.name"), gitrun.config(cwd, "user.email")
    if name and email:
        return Actor(name, email)
    raise IdentityError(
        "no identity to commit as: pass --as PERSON-ID (from people.yaml) or set git's "
        "user.name and user.email"
    )


class Workspace:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.git_dir = gitrun.git_dir(root)
        self.objects = gitrun.Objects(root)  # one ``git cat-file --batch``, started when read
        ref = weakref.ref(self)  # no cycle: the workspace, and its cat-file, go with their last use

        def log(*revs: str, topo: bool = True) -> list[tuple[CommitRecord, list[str]]]:
            return ref()._log(*revs, topo=topo)  # type: ignore[union-attr]

        self._histories = HistoryCache(log, self.git_dir / layout.history_cache())
        self.listing = gitrun.Listing(root)  # HEAD's files, one ``git ls-tree`` per HEAD
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
            gitrun.run(root, "init", "-q", "--initial-branch=main")
            ws = cls(root)
            all_files = {".gitignore": GITIGNORE.encode(), **files}
            ws.commit(all_files, subject, [("Event", "init")], actor)
        except Exception:
            shutil.rmtree(root, ignore_errors=True)
            raise
        return ws

    @cached_property
    def repo(self) -> git.Repo:
        """The repository as GitPython sees it (imported here: no read path needs it)."""
        import git

        return git.Repo(self.root)

    # -- configuration ---------------------------------------------------------------------
    @cached_property
    def guideline(self) -> Guideline:
        return _config().load_guideline(self.root / GUIDELINE_FILE)

    @cached_property
    def people(self) -> list[Person]:
        return _config().load_people(self.root / layout.PEOPLE)

    @cached_property
    def egms(self) -> list[EGM]:
        return _config().load_egms(self.root / layout.EGMS)

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
        return _config().parse_front(body, name, expected_id=chapter)

    def private_path(self, rel: str) -> Path:
        """Return ``rel`` (a ``layout`` path under ``.git``) as a path, its folder created."""
        path = self.git_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def exclusive(
        self,
        action: str = "a change",
        person: str | None = None,
        *,
        timeout: float | None = None,
        on_wait: Callable[[Holder | None], None] | None = None,
    ) -> AbstractContextManager[None]:
        """Hold the workspace's writer lock (``.git/penholder/lock``) inside a ``with`` block,
        as ``action`` by ``person`` (default: git's user); see ``drafts.writing``. A second
        writer waits (``on_wait(holder)``, default a line on stderr) up to ``timeout`` seconds
        (default ``PENHOLDER_LOCK_TIMEOUT``), then raises WorkspaceBusy; taking it again inside
        the block is free; whoever takes it first after a killed writer runs ``recover``."""
        person = writing.who(lambda: git_identity(self.root).name, person)
        return locked(
            self.lock_path(),
            action=action,
            person=person,
            timeout=writing.lock_timeout() if timeout is None else timeout,
            on_wait=on_wait or writing.say_waiting,
            busy=writing.busy,
            acquired=self.recover,
        )

    def recover(self) -> list[str]:
        """Undo what a penholder writer killed mid-commit left (``drafts.writing``): its files,
        git's lock files; return the paths put back. Runs as the writer lock is taken."""

        def reset(paths: list[str]) -> None:  # the index agrees with HEAD on them again
            if self.head() is not None:
                gitrun.run(self.root, "reset", "-q", "HEAD", "--", *paths)

        return writing.recover(self.git_dir, self.root, self.committed, reset)

    def lock_path(self) -> Path:
        """The writer lock's file (``.git/penholder/lock``)."""
        return self.private_path(layout.lock_file())

    def writer(self) -> Holder | None:
        """Who holds the writer lock now (None: nobody; this process counts)."""
        return writing.holder(self.lock_path())

    def out_path(self, name: str) -> Path:
        """Return ``out/<name>`` (git-ignored since init), creating ``out/``."""
        folder = self.root / layout.OUT
        folder.mkdir(exist_ok=True)
        return folder / name

    # -- history ---------------------------------------------------------------------------
    def head(self) -> str | None:
        """Return the sha of HEAD (None before the first commit), from the ref files when it can
        (a loose branch ref, or a detached HEAD); git's own resolution otherwise (packed refs)."""
        try:
            ref = (self.git_dir / "HEAD").read_text().strip()
            sha = (self.git_dir / ref[5:]).read_text().strip() if ref.startswith("ref: ") else ref
        except OSError:
            sha = ""
        if len(sha) == 40:
            return sha
        found = gitrun.run(self.root, "rev-parse", "-q", "--verify", "HEAD^{commit}", check=False)
        return found.stdout.decode().strip() or None if found.returncode == 0 else None

    def history(self, chapter: str | None = None) -> list[CommitRecord]:
        """Return HEAD's commits (those naming ``chapter``, when given), oldest first; keep as is."""
        return [] if (head := self.head()) is None else self._histories.records(head, chapter)

    def summary(self) -> Summary | None:
        """Return each chapter's state and revisions at HEAD (``drafts.history_cache``)."""
        return None if (head := self.head()) is None else self._histories.summary(head)

    def ledger(self) -> Ledger | None:
        """Return what status reads of the history at HEAD besides (``drafts.history.Ledger``)."""
        return None if (head := self.head()) is None else self._histories.ledger(head)

    def _log(self, *revisions: str, topo: bool = True) -> list[tuple[CommitRecord, list[str]]]:
        """The commits of ``git log [--topo-order] --reverse REVISIONS``, with parents."""
        nonce = os.urandom(12).hex()  # a token no commit can hold; os: secrets costs an import
        run = subprocess.run(
            history.log_command(nonce, *revisions, topo=topo), cwd=self.root, capture_output=True
        )
        if run.returncode:  # a commit that is not there (gone since a reset): LookupError
            raise LookupError(run.stderr.decode(errors="replace"))
        return history.parse_log_parents(run.stdout.decode("utf-8", "replace"), nonce)

    def states(self) -> dict[str, ChapterState]:
        """Return every chapter's state (a copy: callers may change it)."""
        return dict(summary.states) if (summary := self.summary()) is not None else {}

    def state(self, chapter: str) -> ChapterState:
        self.require_chapter(chapter)
        return self.states().get(chapter) or ChapterState(id=chapter)

    def revisions(self, chapter: str) -> list[Revision]:
        self.require_chapter(chapter)
        summary = self.summary()
        return list(summary.revisions.get(chapter, [])) if summary is not None else []

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
        data = self.objects.blob(f"{commit}:{path}")
        if data is None:
            raise NotFound(f"{path} does not exist in commit {commit[:10]}")
        return data

    def committed_files(self, folder: str, commit: str = "HEAD") -> list[str]:
        """Return the paths of every file committed under ``folder`` (none before any commit)."""
        prefix, head = folder.rstrip("/") + "/", self.head()
        if commit == "HEAD" or head is None:
            return [] if head is None else self.listing.under(head, prefix)
        out = gitrun.out(self.root, "ls-tree", "-r", "-z", "--name-only", commit, "--", prefix)
        return [line for line in out.split("\0") if line]

    def _head_blobs(self) -> dict[str, str]:
        """Return HEAD's path -> blob sha, from one ``ls-tree`` kept per HEAD (in git's order)."""
        return {} if (head := self.head()) is None else self.listing.blobs(head)

    def committed(self, path: str, commit: str = "HEAD") -> bytes | None:
        """Return the bytes of ``path`` as committed in ``commit``, or None when it is not (at
        "HEAD" through ``_head_blobs``, listed once per HEAD; a commit's sha reads one path)."""
        if self.head() is None:
            return None
        if commit == "HEAD":
            sha = self._head_blobs().get(path)
            return None if sha is None else self.objects.blob(sha)
        return self.objects.blob(f"{commit}:{path}")

    def text(self, chapter: str, number: int | None = None) -> str:
        rev = self.revision(chapter, number)
        return self.read_at(rev.commit, layout.chapter(chapter)).decode("utf-8")

    # -- writing ---------------------------------------------------------------------------
    def identity(self, person_id: str | None = None) -> Actor:
        """Return who acts: the person ``person_id`` (None: ``PENHOLDER_AS``, ``writing.acting``)
        of people.yaml, else git's user, else raise (an empty id is refused, never git's user)."""
        person_id = writing.acting(person_id)
        if person_id is not None:
            p = self.person(writing.person_id(person_id))
            return Actor(p.name, p.email)
        return git_identity(self.root)

    def dirty_paths(self) -> list[str]:
        """Return the paths that differ from HEAD or are untracked (ignored files excluded)."""
        out = gitrun.out(  # takes no index.lock
            self.root, "-c", "core.optionalLocks=false", "status", "--porcelain",
            "--untracked-files=all", "-z",
        )  # fmt: skip
        return sorted({entry[3:] for entry in out.split("\0") if len(entry) > 3})

    def unsaved_edits(self, files: Mapping[str, bytes | None]) -> list[str]:
        """Return the paths of ``files`` whose uncommitted edits writing ``files`` would lose.

        An edit is lost when HEAD holds the path and its working file differs from HEAD, from
        what would be written (None: deleted) and from what a killed penholder writer noted it
        wrote (``drafts.writing``). A path HEAD does not hold can only be penholder's own
        leftover of an interrupted run: it is written over.
        """
        lost, git_dir, head = [], self.git_dir, self.head() or "HEAD"
        for rel, data in files.items():
            target = self.root / rel
            if not target.is_file():
                continue
            work = target.read_bytes()
            if work == data or writing.written_by_penholder(git_dir, self.root, rel):
                continue
            committed = self.committed(rel, head)  # by its sha: one read, HEAD not listed
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
            f"{writing.way_out(lost)}, then run the command again"
        )

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
        with self.exclusive("commit", actor.name):  # free inside a flow: it holds it already
            return self._commit_locked(files, subject, trailers, actor, body)

    def _commit_locked(
        self, files: Mapping[str, bytes | None], subject: str, trailers: Trailers, actor: Actor,
        body: str,
    ) -> str:  # fmt: skip
        self.check_unsaved(files)  # again: the lock may have waited for another writer
        git_dir = self.git_dir
        writing.refuse_git_locks(git_dir)
        saved = {
            p: (self.root / p).read_bytes() if (self.root / p).exists() else None for p in files
        }
        writing.note(git_dir, files)
        try:
            restore(self.root, files)  # written as given: None deletes
            faults.point("commit:before-git")
            faults.point(f"commit:before-git:{dict(trailers).get('Event', '')}")
            sha = self._commit_paths(list(files), subject, trailers, actor, body)
        except BaseException:
            try:
                restore(self.root, saved)
                writing.done(git_dir)
            except Exception:
                pass  # the journal stays: the next writer puts the files back
            raise
        faults.point("commit:before-reset")
        if files:  # the index now agrees with the new commit on these paths, and only these
            gitrun.run(self.root, "update-index", "--add", "--remove", "--", *files)
        writing.done(git_dir)
        for path, cached in CACHED:
            if path in files:  # the configuration just written is the one to read from now on
                self.__dict__.pop(cached, None)
        return sha

    def tag(self, name: str, message: str, commit: str, actor: Actor) -> None:
        """Make the annotated tag ``name`` on ``commit``, by ``actor`` at penholder's "now";
        refuse (NotFound) a tag that exists, and a name git cannot take; the message (one line)
        and the tagger are made safe as a commit's subject and author are (``drafts.core.safe``)."""
        if not safe.is_tag_name(name):
            raise WorkspaceError(f"{safe.line(name)!r} cannot name a git tag; name it without "
                                 "spaces, control characters or ..")  # fmt: skip
        tagged = gitrun.run(
            self.root, "rev-parse", "-q", "--verify", f"refs/tags/{name}", check=False
        )
        if tagged.returncode == 0:
            raise NotFound(f"the tag {name} already exists; a signed revision is tagged once")
        now = self.now()
        when = f"{int(now.timestamp())} {now.strftime('%z')}"
        env = {"GIT_COMMITTER_NAME": safe.ident(actor.name), "GIT_COMMITTER_DATE": when}
        env["GIT_COMMITTER_EMAIL"] = safe.ident(actor.email)
        gitrun.run(self.root, "tag", "-a", "-m", safe.line(message), "--", name, commit, env=env)

    def _commit_paths(
        self, paths: Sequence[str], subject: str, trailers: Trailers, actor: Actor, body: str
    ) -> str:
        """Commit HEAD's tree with ``paths`` as in the working tree, without an index: the files
        stored as blobs, the trees along their paths written (``gitrun.write_tree``), the commit
        object, then HEAD moved from the parent it was made on (``update-ref``)."""
        parent = self.head()
        present = [p for p in paths if (self.root / p).exists()]
        changes: dict[str, str | None] = dict.fromkeys(paths)
        changes.update(zip(present, gitrun.hash_files(self.root, present), strict=True))
        base = gitrun.commit_tree(self.objects, parent) if parent else None
        tree = gitrun.write_tree(self.objects, base, changes) or gitrun.out(
            self.root, "hash-object", "-w", "-t", "tree", "/dev/null"
        )
        trailers = [*trailers, *(t for t in self.run_trailers if t not in trailers)]
        now = self.now()  # git's own date format: "<unix seconds> +HHMM"
        when = f"{int(now.timestamp())} {now.strftime('%z')}"
        ident = {"NAME": safe.ident(actor.name), "EMAIL": safe.ident(actor.email), "DATE": when}
        env = {f"GIT_{role}_{k}": v for role in ("AUTHOR", "COMMITTER") for k, v in ident.items()}
        sha = gitrun.out(  # git checks what it writes; a commit.gpgSign would ask for a key
            self.root, "-c", "commit.gpgSign=false", "commit-tree", tree,
            *(["-p", parent] if parent else []), env=env,
            input=history.commit_message(subject, body, trailers),
        )  # fmt: skip
        reflog = f"commit{'' if parent else ' (initial)'}: {safe.line(subject.strip())}"
        gitrun.run(self.root, "update-ref", "-m", reflog, "HEAD", sha, parent or "")
        self.listing.advance(parent, sha, changes)  # the parent's files with ``changes``
        return sha
