"""What drafters do to chapters: create the workspace, add chapters, record revisions, move stages.

Plain functions over a ``Workspace``; each state change is one commit with trailers. Prefect flows
in ``flows/`` wrap them; nothing here knows about Prefect or the CLI.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import yaml

import examples
from drafts import blockstore, config, layout, stages
from drafts.core import rehearsal
from drafts.core.errors import ConfigError, NotFound, StageRefused
from drafts.layout import check_new_root
from drafts.models import CHAPTER_ID, Event, Stage
from drafts.workspace import Actor, Trailers, Workspace, git_identity

# Hooks later capabilities register: each returns what blocks a chapter from entering a stage.
Guard = Callable[[Workspace, str, Stage], list[str]]
GUARDS: list[Guard] = []


def empty_files(title: str, organisation: str, timezone: str) -> dict[str, bytes]:
    """Return the files of a new, empty workspace."""
    guideline: dict[str, object] = {"title": title, "short_title": "", "organisation": organisation}
    guideline |= {"timezone": timezone, "mail": {"from_name": organisation, "smtp": None}}
    return {
        layout.GUIDELINE: yaml.safe_dump(guideline, sort_keys=False, allow_unicode=True).encode(),
        layout.PEOPLE: b"people: []\n",
        layout.EGMS: b"egms: []\n",
    }


def example_files(name: str = "smart-cities") -> tuple[dict[str, bytes], dict[str, bytes]]:
    """Return (workspace files, chapter files) of the example guideline ``name``."""
    root = examples.path(name)
    if not root.is_dir():
        raise NotFound(f"no example guideline {name!r} in {root.parent}")
    files: dict[str, bytes] = {}
    chapters: dict[str, bytes] = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.name.startswith((".", "__")):
            rel = path.relative_to(root).as_posix()
            (chapters if rel.startswith(f"{layout.CHAPTERS}/") else files)[rel] = path.read_bytes()
    return files, chapters


def create_workspace(
    root: Path, files: dict[str, bytes], chapters: dict[str, bytes], who: str | None
) -> Workspace:
    """Create a workspace: one commit for its files, then one per chapter (revision 1)."""
    check_new_root(root)
    for rel, data in chapters.items():  # validate everything before touching the disk
        config.parse_front(data.decode("utf-8"), rel, expected_id=Path(rel).stem)
    actor = _init_actor(files, who)
    ws = Workspace.create(root, files, actor, "Create the guideline workspace")
    for rel, data in sorted(chapters.items()):
        ch = Path(rel).stem
        front = config.parse_front(data.decode("utf-8"), rel, expected_id=ch)
        _record(
            ws,
            ch,
            data.decode("utf-8"),
            actor,
            Event.CHAPTER_NEW,
            Stage.DRAFTING,
            1,
            f"Add chapter {ch}: {front.title}",
        )
    return ws


def _init_actor(files: dict[str, bytes], who: str | None) -> Actor:
    if who:
        data = yaml.safe_load(files.get(layout.PEOPLE, b"people: []")) or {}
        for p in data.get("people") or []:
            if p.get("id") == who:
                return Actor(p["name"], p["email"])
        raise NotFound(f"nobody with the id {who!r} in the new workspace's people.yaml")
    return git_identity()


def new_chapter(ws: Workspace, chapter: str, title: str, body: str, actor: Actor) -> str:
    """Add chapter ``chapter`` with ``body`` (Markdown without front matter) as revision 1."""
    import re

    if not re.fullmatch(CHAPTER_ID, chapter):
        raise ConfigError(
            f"{chapter!r} is not a chapter id (1-16 letters or digits, e.g. 03 or A1)"
        )
    if ws.chapter_path(chapter).exists() or chapter in ws.states():
        raise StageRefused(f"chapter {chapter} already exists", rule="exists")
    front = yaml.safe_dump({"id": chapter, "title": title}, sort_keys=False, allow_unicode=True)
    front = front.replace(f"id: '{chapter}'", f'id: "{chapter}"')
    text = f"---\n{front}---\n\n{body.strip()}\n" if body.strip() else f"---\n{front}---\n"
    return _record(
        ws,
        chapter,
        text,
        actor,
        Event.CHAPTER_NEW,
        Stage.DRAFTING,
        1,
        f"Add chapter {chapter}: {title}",
    )


def commit_revision(
    ws: Workspace,
    chapter: str,
    text: str | None,
    actor: Actor,
    *,
    event: Event = Event.NEW_REVISION,
    message: str = "",
    resolves: Sequence[str] = (),
) -> str:
    """Record a new text of ``chapter`` (the working file when ``text`` is None) as a revision."""
    state = ws.state(chapter)
    stage_after = stages.check_editable(state)
    path = ws.chapter_path(chapter)
    new = text if text is not None else path.read_text(encoding="utf-8")
    ws.front(chapter, new)
    if state.revision and new == ws.text(chapter):
        raise StageRefused(
            f"nothing to record: {layout.chapter(chapter)} is unchanged since revision {state.revision}",
            rule="unchanged",
        )
    number = state.revision + 1
    subject = message or f"Chapter {chapter}: revision {number}"
    return _record(ws, chapter, new, actor, event, stage_after, number, subject, resolves)


def _record(
    ws: Workspace,
    chapter: str,
    text: str,
    actor: Actor,
    event: Event,
    stage: Stage,
    number: int,
    subject: str,
    resolves: Sequence[str] = (),
) -> str:
    rehearsal.stop_here()  # every check is behind: a rehearsal need not map the blocks
    files: dict[str, bytes | None] = {layout.chapter(chapter): text.encode("utf-8")}
    files.update(blockstore.artifact(ws, chapter, number, text))
    trailers = [("Event", event.value), ("Chapter", chapter), ("Revision", str(number))]
    trailers += [("Stage", stage.value), *[("Resolves", r) for r in resolves]]
    return ws.commit(files, subject, trailers, actor)


def move_stage(
    ws: Workspace,
    chapter: str,
    target: Stage,
    actor: Actor,
    *,
    next_cycle: bool = False,
    via: str = "stage",
    event: Event | None = None,
    more: Trailers = (),
    guarded: bool = True,
    files: Mapping[str, bytes | None] | None = None,
) -> str:
    """Move ``chapter`` to ``target`` if the rules and every guard allow it; one commit.

    ``via`` names the command asking (the rules say which may make each move); a sign-off
    decision passes its own ``event`` and trailers (``more``) and has checked its gate itself
    (``guarded=False``: the guards that stop a plain ``chapter stage`` do not apply to it)."""
    state = ws.state(chapter)
    if next_cycle and not (state.stage == Stage.SIGNED_OFF and target == Stage.DRAFTING):
        raise StageRefused(
            f"--next-cycle opens a new cycle from signed_off to drafting; chapter {chapter} is "
            f"{state.stage.value}",
            rule="next-cycle",
        )
    via = "next-cycle" if next_cycle else via
    blockers = [b for guard in GUARDS for b in guard(ws, chapter, target)] if guarded else []
    stages.check(state, target, via, blockers)
    event = event or (Event.NEXT_CYCLE if next_cycle else Event.STAGE)
    trailers = [("Event", event.value), ("Chapter", chapter), ("Stage", target.value), *more]
    if target == Stage.SIGNED_OFF:
        trailers.append(("Signed-Revision", str(state.revision)))
    subject = f"Chapter {chapter}: {state.stage.value} -> {target.value}"
    if next_cycle:
        subject = f"Chapter {chapter}: open cycle {state.cycle + 1} (drafting)"
    return ws.commit(dict(files or {}), subject, trailers, actor)
