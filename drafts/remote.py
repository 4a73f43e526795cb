"""The workspace's ``origin``: every state change applied on the latest ``main``, then pushed.

A workspace may have a git remote named ``origin`` (a bare repository, or a Gitea, GitLab or
GitHub repository) that the team's machines share. ``shared(ws, change)`` is the one way a state
change meets it (flows call it through ``flows.engine.state_change``). Under the workspace's
writer lock (``Workspace.exclusive``) it

1. fetches ``origin`` and fast-forwards the local branch to ``origin/<branch>``;
2. when ``run`` names a flow run whose ``Prefect-Run`` trailer is already on that branch, stops
   there (``AlreadyApplied``): a retried or resumed run never commits its change twice;
3. runs ``change``, which checks, mints its ids (remark ids, row ids) and commits on that tip;
4. pushes, with the tags it made; GitPython's ``push`` does not raise on a rejection, so its
   flags are read.

A rejected push (another machine pushed first) is undone (``undo``): the branch goes back to
where it was before the change with ``git reset --keep`` (the files the change wrote go back
with it, its tags are deleted), the branch is fetched and fast-forwarded again and the change
runs again, so whatever it minted is minted anew on the new tip and no id repeats across clones. After ``ATTEMPTS`` rejections the
change is refused in one sentence. A change with effects outside git (mail sent, a mailbox's
messages marked) is not run twice: with ``rerun=False`` a rejection keeps its commits and says
how to push them.

Without an ``origin`` ``shared`` only runs ``change``: no git call, no cost. A change inside a
change (a flow that calls another) is synced once, by the outermost.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import TypeVar

import git

from drafts.core.errors import DirtyWorkspace, PenholderError
from drafts.workspace import Workspace

R = TypeVar("R")

REMOTE = "origin"
ATTEMPTS = 6  # tries of a change whose push was rejected, before it is refused
_SYNCING: ContextVar[bool] = ContextVar("penholder_remote_sync", default=False)


class RemoteError(PenholderError):
    """The workspace's origin cannot be fetched from or pushed to, or has diverged."""


class AlreadyApplied(PenholderError):
    """The flow run's change is on main already (its ``Prefect-Run`` trailer is there)."""

    def __init__(self, run: str, commit: str) -> None:
        super().__init__(
            f"flow run {run} already committed its change on main ({commit[:10]}); "
            "it is not committed again"
        )
        self.run, self.commit = run, commit


def has_origin(ws: Workspace) -> bool:
    """Whether the workspace has a remote named ``origin``."""
    return any(r.name == REMOTE for r in ws.repo.remotes)


def syncing() -> bool:
    """Whether this code runs inside a synced change."""
    return _SYNCING.get()


def shared(
    ws: Workspace,
    change: Callable[[], R],
    *,
    run: str | None = None,
    rerun: bool = True,
    attempts: int = ATTEMPTS,
) -> R:
    """Run ``change`` on the latest ``origin`` main and push what it committed (module doc)."""
    if _SYNCING.get() or not has_origin(ws):
        return change()
    token = _SYNCING.set(True)
    try:
        with ws.exclusive("sync with origin", "penholder"):
            return _apply(ws, change, run, rerun, attempts)
    finally:
        _SYNCING.reset(token)


def refresh(ws: Workspace) -> None:
    """Bring the workspace up to its origin's main, when it has one (before a command's checks,
    so they see what the other machines did)."""
    if has_origin(ws) and not _SYNCING.get():
        with ws.exclusive("sync with origin", "penholder"):
            catch_up(ws, _branch(ws))


def _apply(
    ws: Workspace, change: Callable[[], R], run: str | None, rerun: bool, attempts: int
) -> R:
    branch = _branch(ws)
    for _ in range(attempts):
        ahead = catch_up(ws, branch)
        if run is not None and (done := applied(ws, run)):
            if ahead and not push(ws, branch):
                continue  # its commit was never pushed, and main moved: fetch and see
            raise AlreadyApplied(run, done)
        before = ws.head()
        try:
            result = change()
        except BaseException:
            if ws.head() != before:
                _settle(ws, branch, before)
            raise
        if ws.head() == before and not ahead:
            return result
        if push(ws, branch):
            return result
        if not rerun:
            raise RemoteError(
                f"origin's {branch} moved while this command ran and its commits have effects "
                f"outside git, so they were not made again; run `git pull --rebase {REMOTE} "
                f"{branch}` and `git push {REMOTE} {branch}` in {ws.root}"
            )
        if before is not None:
            undo(ws, before)
    raise RemoteError(
        f"origin's {branch} moved {attempts} times while this command ran, each time before "
        "its push; nothing of it was kept, run it again"
    )


def _settle(ws: Workspace, branch: str, before: str | None) -> None:
    """A change failed after it committed: share what it committed, or undo it if the remote
    moved (its next run makes it again on the new tip); never hide the change's own error."""
    try:
        if not push(ws, branch) and before is not None:
            undo(ws, before)
    except PenholderError:
        return  # unreachable remote: the commits stay here and go with the next change


def undo(ws: Workspace, before: str) -> None:
    """Take the branch back to ``before``: the files the undone commits wrote go back with it
    (``reset --keep``: edits to other files stay), and their tags (a sign-off's) go."""
    undone = set(ws.repo.git.rev_list(f"{before}..HEAD").split())
    for tag in ws.repo.tags:
        if tag.commit.hexsha in undone:
            ws.repo.delete_tag(tag)
    _git(ws, "reset", "--keep", "--quiet", before)


def _branch(ws: Workspace) -> str:
    try:
        return str(ws.repo.active_branch.name)
    except TypeError as e:  # a detached HEAD
        raise RemoteError(
            f"{ws.root} is not on a branch (detached HEAD); `git switch main` and run it again"
        ) from e


def catch_up(ws: Workspace, branch: str) -> bool:
    """Fetch ``origin`` and fast-forward ``branch`` to it; True when ``branch`` is ahead of it
    (commits not pushed yet). Refuses a branch that has diverged from origin's."""
    _git(ws, "fetch", "--quiet", REMOTE)
    theirs = f"refs/remotes/{REMOTE}/{branch}"
    if not _exists(ws, theirs):
        return ws.head() is not None  # a new, empty origin: the first push creates its branch
    if _ancestor(ws, theirs, "HEAD"):
        return ws.repo.git.rev_parse("HEAD") != ws.repo.git.rev_parse(theirs)
    if not _ancestor(ws, "HEAD", theirs):
        raise RemoteError(
            f"{ws.root} and {REMOTE} hold different commits on {branch}; run `git pull --rebase "
            f"{REMOTE} {branch}` there, then the command again"
        )
    try:
        ws.repo.git.merge("--ff-only", "--quiet", theirs)
    except git.GitCommandError as e:
        raise DirtyWorkspace(
            f"files in {ws.root} have uncommitted edits that {REMOTE}'s {branch} changes; "
            "commit them (`penholder chapter commit`) or discard them, then run it again"
        ) from e
    return False


def applied(ws: Workspace, run: str) -> str | None:
    """Return the commit on HEAD whose ``Prefect-Run`` trailer is ``run``, if there is one."""
    if ws.head() is None:
        return None
    found = ws.repo.git.log(
        "-1", "--format=%H", "--fixed-strings", f"--grep=Prefect-Run: {run}", "HEAD"
    )
    return str(found).strip() or None


def push(ws: Workspace, branch: str) -> bool:
    """Push HEAD to ``origin``'s ``branch``; False when the remote rejected it (not a fast
    forward: someone pushed first). Refuses when the remote cannot be reached."""
    infos = ws.repo.remote(REMOTE).push(f"HEAD:refs/heads/{branch}", follow_tags=True)
    if not infos:
        raise RemoteError(
            f"could not push to {REMOTE} ({ws.repo.remote(REMOTE).url}): {infos.error}; "
            "check the remote and run the command again"
        )
    bad = git.PushInfo.REJECTED | git.PushInfo.REMOTE_REJECTED | git.PushInfo.REMOTE_FAILURE
    if any(info.flags & bad for info in infos):
        return False
    if any(info.flags & git.PushInfo.ERROR for info in infos):
        raise RemoteError(
            f"pushing to {REMOTE} failed: {infos[0].summary.strip()}; run the command again"
        )
    return True


def _exists(ws: Workspace, ref: str) -> bool:
    try:
        ws.repo.git.rev_parse("--verify", "--quiet", ref)
    except git.GitCommandError:
        return False
    return True


def _ancestor(ws: Workspace, older: str, newer: str) -> bool:
    try:
        ws.repo.git.merge_base("--is-ancestor", older, newer)
    except git.GitCommandError:
        return False
    return True


def _git(ws: Workspace, *args: str) -> None:
    try:
        ws.repo.git.execute(["git", *args])
    except git.GitCommandError as e:
        said = (e.stderr or "").strip().splitlines()
        why = said[-1].removeprefix("fatal: ").strip() if said else f"exit {e.status}"
        raise RemoteError(
            f"`git {' '.join(args[:2])}` failed in {ws.root}: {why}; check {REMOTE} and run "
            "the command again"
        ) from e
