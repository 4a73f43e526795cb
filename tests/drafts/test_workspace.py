"""The spine on real git repositories: creation, revisions, trailers, bad input."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from drafts import chapters, layout
from drafts.core.errors import ConfigError, DirtyWorkspace, IdentityError, NotAWorkspace, NotFound
from drafts.workspace import Workspace
from tests.conftest import DRAFTER


def git_trailers(root: Path, rev: str = "HEAD") -> list[tuple[str, str]]:
    """Parse a commit's trailers with git itself (`git interpret-trailers --parse`)."""
    message = subprocess.run(
        ["git", "log", "-1", "--format=%B", rev],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    parsed = subprocess.run(
        ["git", "interpret-trailers", "--parse"],
        input=message,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [tuple(line.split(": ", 1)) for line in parsed.splitlines()]  # type: ignore[misc]


def test_example_workspace_has_one_commit_per_chapter(example_ws: Workspace) -> None:
    history = example_ws.history()
    ids = example_ws.chapter_ids()
    assert len(ids) >= 5
    assert len(history) == 1 + len(ids)
    assert history[0].value("Event") == "init"
    for commit, ch in zip(history[1:], ids, strict=True):
        assert commit.values("Chapter") == [ch]
        assert commit.value("Revision") == "1"
        assert commit.author == "Amina Odhiambo"
    assert all(state.revision == 1 for state in example_ws.states().values())


def test_trailers_read_back_by_git(example_ws: Workspace) -> None:
    text = example_ws.chapter_path("03").read_text() + "\nA new closing paragraph.\n"
    chapters.commit_revision(
        example_ws, "03", text, example_ws.identity(DRAFTER), resolves=["R1-03-001", "R1-03-004"]
    )
    trailers = git_trailers(example_ws.root)
    assert ("Event", "new-revision") in trailers
    assert ("Chapter", "03") in trailers
    assert ("Revision", "2") in trailers
    assert ("Stage", "drafting") in trailers
    assert [v for k, v in trailers if k == "Resolves"] == ["R1-03-001", "R1-03-004"]
    assert example_ws.text("03", 2) == text
    assert example_ws.text("03", 1) != text
    assert [r.number for r in example_ws.revisions("03")] == [1, 2]


def test_hand_edit_recorded_as_revision(example_ws: Workspace) -> None:
    path = example_ws.chapter_path("02")
    path.write_text(path.read_text() + "\nAn added paragraph.\n")
    chapters.commit_revision(example_ws, "02", None, example_ws.identity(DRAFTER))
    assert example_ws.state("02").revision == 2
    assert example_ws.dirty_paths() == []


def test_unchanged_chapter_is_not_a_revision(example_ws: Workspace) -> None:
    with pytest.raises(Exception, match="unchanged since revision 1"):
        chapters.commit_revision(example_ws, "02", None, example_ws.identity(DRAFTER))


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True
    ).stdout


def test_commits_exactly_the_paths_it_wrote(example_ws: Workspace) -> None:
    root = example_ws.root
    (root / "notes.txt").write_text("my own notes")
    (root / "staged.txt").write_text("staged by the user")
    git(root, "add", "staged.txt")
    other = example_ws.chapter_path("04")
    other.write_text(other.read_text() + "\nNot ready to record.\n")
    path = example_ws.chapter_path("02")
    path.write_text(path.read_text() + "\nMore.\n")
    chapters.commit_revision(example_ws, "02", None, example_ws.identity(DRAFTER))
    shown = git(root, "show", "--name-only", "--format=", "HEAD").split()
    assert shown == ["blocks/02/r0002.json", "chapters/02.md"]
    status = git(root, "status", "--porcelain").splitlines()
    assert sorted(status) == [" M chapters/04.md", "?? notes.txt", "A  staged.txt"]


def test_refuses_to_overwrite_a_hand_edit_and_changes_nothing(example_ws: Workspace) -> None:
    path = example_ws.chapter_path("02")
    edited = path.read_text() + "\nA sentence typed by hand.\n"
    path.write_text(edited)
    head = example_ws.repo.head.commit.hexsha
    rewrite = example_ws.text("02").replace("\n\n", "\n\nRewritten. ", 1)
    with pytest.raises(DirtyWorkspace) as refused:
        chapters.commit_revision(example_ws, "02", rewrite, example_ws.identity(DRAFTER))
    assert str(refused.value) == (
        "chapters/02.md has uncommitted edits that this command would overwrite; record them "
        "with `penholder chapter commit 02` or discard them with `git checkout -- chapters/02.md`"
        ", then run the command again"
    )
    assert example_ws.repo.head.commit.hexsha == head
    assert path.read_text() == edited and example_ws.dirty_paths() == ["chapters/02.md"]


def test_refuses_to_delete_a_hand_edit(example_ws: Workspace) -> None:
    target = example_ws.root / "people.yaml"
    target.write_text(target.read_text() + "# a note\n")
    with pytest.raises(DirtyWorkspace, match="people.yaml has uncommitted edits"):
        example_ws.commit({"people.yaml": None}, "Drop people", [], example_ws.identity(DRAFTER))
    assert target.read_text().endswith("# a note\n")


def test_a_failed_commit_restores_files_and_leaves_the_index(example_ws: Workspace) -> None:
    root = example_ws.root
    (root / "staged.txt").write_text("staged by the user")
    git(root, "add", "staged.txt")
    head = example_ws.repo.head.commit.hexsha
    with pytest.raises(IdentityError):
        example_ws.commit(
            {"chapters/05.md": b"overwritten", "new.txt": b"new"},
            "Broken",
            [],
            _Broken(),  # type: ignore[arg-type]
        )
    assert example_ws.repo.head.commit.hexsha == head
    assert not (root / "new.txt").exists()
    assert example_ws.chapter_path("05").read_bytes() == example_ws.committed("chapters/05.md")
    assert git(root, "status", "--porcelain").splitlines() == ["A  staged.txt"]


class _Broken:
    """An actor whose name cannot be read: the commit fails after the files are written."""

    email = "x@example.org"

    @property
    def name(self) -> str:
        raise IdentityError("no name")


def test_inbox_and_outbox_are_ignored(example_ws: Workspace) -> None:
    for folder in ("inbox", "outbox"):
        (example_ws.root / folder).mkdir()
        (example_ws.root / folder / "x.docx").write_bytes(b"x")
    assert example_ws.dirty_paths() == []


def test_not_a_workspace(tmp_path: Path) -> None:
    with pytest.raises(NotAWorkspace, match="not a penholder workspace"):
        Workspace.open(tmp_path)


def test_unknown_chapter_and_revision(example_ws: Workspace) -> None:
    with pytest.raises(NotFound, match="no chapter '99'"):
        example_ws.state("99")
    with pytest.raises(NotFound, match="has no revision 7"):
        example_ws.revision("03", 7)


def test_unquoted_numeric_chapter_id(example_ws: Workspace) -> None:
    path = example_ws.chapter_path("03")
    path.write_text(path.read_text().replace('id: "03"', "id: 03", 1))
    with pytest.raises(ConfigError, match='must be a quoted string: id: "03"'):
        chapters.commit_revision(example_ws, "03", None, example_ws.identity(DRAFTER))
    assert example_ws.state("03").revision == 1


def test_malformed_front_matter_and_yaml(example_ws: Workspace) -> None:
    path = example_ws.chapter_path("03")
    path.write_text('---\nid: "03"\ntitle: [unclosed\n---\nText\n')
    with pytest.raises(ConfigError, match="chapters/03.md: the front matter is not valid YAML"):
        chapters.commit_revision(example_ws, "03", None, example_ws.identity(DRAFTER))
    (example_ws.root / "people.yaml").write_text("people: [ {id: x\n")
    fresh = Workspace.open(example_ws.root)
    with pytest.raises(ConfigError, match="people.yaml is not valid YAML at line"):
        fresh.identity(DRAFTER)


def test_no_identity(example_ws: Workspace) -> None:
    with pytest.raises(IdentityError, match="pass --as"):
        example_ws.identity(None)
    with pytest.raises(NotFound, match="nobody with the id 'nobody'"):
        example_ws.identity("nobody")


def test_init_refuses_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "x").write_text("x")
    with pytest.raises(DirtyWorkspace, match="not empty"):
        chapters.create_workspace(tmp_path, chapters.empty_files("T", "O", "UTC"), {}, None)


def test_state_rebuilt_from_repository_alone(example_ws: Workspace, tmp_path: Path) -> None:
    chapters.move_stage(
        example_ws, "01", chapters.Stage.READY_FOR_EGM, example_ws.identity(DRAFTER)
    )
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(example_ws.root), str(clone)], check=True)
    assert Workspace.open(clone).states() == example_ws.states()


def test_each_revision_commits_its_block_map(example_ws: Workspace) -> None:
    from drafts import blockstore

    first = blockstore.load(example_ws, "03", 1)
    assert example_ws.read_at(example_ws.revision("03", 1).commit, "blocks/03/r0001.json")
    text = example_ws.text("03", 1)
    paragraphs = [b for b in first.blocks if b.kind == "paragraph"]
    edited = text.replace(paragraphs[1].text[:40], paragraphs[1].text[:40] + " (revised)", 1)
    edited += "\nA closing paragraph.\n"
    chapters.commit_revision(example_ws, "03", edited, example_ws.identity(DRAFTER))
    second = blockstore.load(example_ws, "03", 2)
    assert second.revision == 2
    old_ids = [b.id for b in first.blocks]
    (closing,) = [b for b in second.blocks if b.text == "A closing paragraph."]
    assert [b.id for b in second.blocks if b is not closing] == old_ids  # entries come after it
    assert closing.id not in old_ids


def test_head_and_committed_follow_every_kind_of_ref(example_ws: Workspace) -> None:
    repo = example_ws.repo

    def rev_parse() -> str:
        return str(repo.git.rev_parse("HEAD"))

    assert example_ws.head() == rev_parse()  # a loose branch ref
    before = example_ws.committed(layout.chapter("05"))
    assert before is not None and example_ws.committed("no/such/file.md") is None
    path = example_ws.chapter_path("05")
    path.write_text(path.read_text() + "\nOne more paragraph.\n")
    chapters.commit_revision(example_ws, "05", path.read_text(), example_ws.identity(DRAFTER))
    assert example_ws.head() == rev_parse()
    after = example_ws.committed(layout.chapter("05"))
    assert after is not None and after.endswith(b"One more paragraph.\n") and after != before
    repo.git.pack_refs("--all")  # the branch ref now lives in packed-refs only
    assert example_ws.head() == rev_parse()
    repo.git.checkout("-q", "--detach", "HEAD~1")  # a detached HEAD names its commit
    assert example_ws.head() == rev_parse()
    assert example_ws.committed(layout.chapter("05")) == before


def test_a_folders_committed_files_are_those_git_lists_under_it(example_ws: Workspace) -> None:
    """HEAD's files under a folder are found by bisection of its sorted paths: the same paths,
    in the same order, as ``git ls-tree`` lists under that folder, for names that sort next to
    the folder's own (``a-b``, ``a.txt``, ``a0``, ``ab``, non-ASCII)."""
    ws = example_ws
    names = ["a/b", "a/c/d", "a-b/x", "a.txt", "a0/y", "ab/z", "a/é/1", "a/~", "b/a/x", "a/0"]
    ws.commit(
        {f"extra/{n}": n.encode() for n in names},
        "Add extras",
        [("Event", "note")],
        ws.identity(DRAFTER),
    )
    for folder in (
        "extra/a",
        "extra/a/",
        "extra/a/c",
        "extra/a-b",
        "extra",
        "extra/b/a",
        "extra/q",
    ):
        prefix = folder.rstrip("/") + "/"
        listed = subprocess.run(
            ["git", "ls-tree", "-r", "-z", "--name-only", "HEAD", "--", prefix],
            cwd=ws.root, capture_output=True, check=True,
        ).stdout.decode().split("\0")  # fmt: skip
        assert ws.committed_files(folder) == [p for p in listed if p], folder
    assert ws.committed_files("extra/a") == [f"extra/a/{n}" for n in ("0", "b", "c/d", "~", "é/1")]


def test_own_commits_update_what_head_holds_without_listing_it_again(
    example_ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a commit this workspace made on the HEAD it had listed, ``committed`` and
    ``committed_files`` read the new tree without another ``ls-tree``, and agree with a fresh
    listing: files added, changed, deleted, in git's order."""
    from drafts.core import gitrun

    ws, who = example_ws, example_ws.identity(DRAFTER)
    ws.commit({"notes/b.txt": b"b", "notes/a-z.txt": b"az", "notes/a/c.txt": b"c"}, "Add", [], who)
    assert ws.committed("notes/b.txt") == b"b"  # HEAD listed once here
    listed: list[tuple[str, ...]] = []
    real = gitrun.out
    monkeypatch.setattr(
        gitrun, "out", lambda root, *a, **k: listed.append(a) or real(root, *a, **k)
    )
    ws.commit({"notes/b.txt": None, "notes/a/c.txt": b"c2", "notes/a.txt": b"a"}, "Edit", [], who)
    assert [a for a in listed if a[0] == "ls-tree"] == []
    assert ws.committed("notes/b.txt") is None and ws.committed("notes/a/c.txt") == b"c2"
    assert ws.committed_files("notes") == ["notes/a-z.txt", "notes/a.txt", "notes/a/c.txt"]
    assert [a for a in listed if a[0] == "ls-tree"] == []
    fresh = Workspace.open(ws.root)
    assert fresh.committed_files("notes") == ws.committed_files("notes")
    assert fresh._head_blobs() == ws._head_blobs()
    listed.clear()
    hand = ("-c", "user.name=Hand", "-c", "user.email=hand@example.org")
    git(ws.root, *hand, "commit", "-q", "--allow-empty", "-m", "by hand")  # HEAD moved
    assert ws.committed("notes/a.txt") == b"a"
    assert [a[0] for a in listed if a[0] == "ls-tree"] == ["ls-tree"]  # listed again, once
