"""Parts found by relationship and content type, and every URI Word wrote for w15 (issue 19.6).

Word names parts as it likes (word/comments1.xml, word/footer3.xml); Word 2013's pre-release
builds wrote ``commentsExtended`` under ``http://schemas.microsoft.com/office/word/2010/11/wordml``.
Each real corpus file is read again with every part but the main one renamed (its relationships
and content types following), and the comment threads of the threaded files again with the
pre-release namespace: the reader must see the same thing.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path

import pytest

from drafts.core.errors import DocumentError
from drafts.ooxml.namespaces import W15, W15_PRERELEASE
from drafts.ooxml.read.reader import Annotations, read_annotations
from tests.helpers.reader_helpers import CORPUS

pytestmark = pytest.mark.skipif(not CORPUS.exists(), reason=f"shared corpus absent: {CORPUS}")

FILES = sorted(CORPUS.rglob("*.docx")) if CORPUS.exists() else []
THREADED = [
    "pandoc/comments.docx",
    "docx2python/comments.docx",
    "docx2python/test_file_with_comments.docx",
]


def _main_part(zf: zipfile.ZipFile) -> str:
    rels = zf.read("_rels/.rels").decode()
    m = re.search(r'Target="/?([^"]+)"[^>]*Type="[^"]*/officeDocument"', rels) or re.search(
        r'Type="[^"]*/officeDocument"[^>]*Target="/?([^"]+)"', rels
    )
    assert m is not None
    return m.group(1)


def renamed(src: Path, out: Path) -> tuple[Path, dict[str, str]]:
    """Copy ``src`` with every XML part under the main part's folder (but the main part) renamed
    ``part<NNN>.xml``, relationships and content-type overrides following. Return the copy and the
    map new name -> old name."""
    with zipfile.ZipFile(src) as zf:
        main = _main_part(zf)
        folder = posixpath.dirname(main)
        names = [
            i.filename
            for i in zf.infolist()
            if i.filename.endswith(".xml")
            and i.filename != main
            and posixpath.dirname(i.filename) == folder
        ]
        names.sort(key=lambda n: [int(s) if s.isdigit() else s for s in re.split(r"(\d+)", n)])
        # names that sort as the old ones did, so parts of one kind are read in the same order
        new = {old: posixpath.join(folder, f"part{n:03d}.xml") for n, old in enumerate(names, 1)}
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zf.infolist():
                data = zf.read(info)
                if info.filename.endswith(".rels") or info.filename == "[Content_Types].xml":
                    text = data.decode("utf-8")
                    for old, to in new.items():
                        base, to_base = posixpath.basename(old), posixpath.basename(to)
                        text = re.sub(
                            rf'(Target="(?:\./)?){re.escape(base)}"', rf'\g<1>{to_base}"', text
                        )
                        text = text.replace(f'Target="/{old}"', f'Target="/{to}"')
                        text = text.replace(f'PartName="/{old}"', f'PartName="/{to}"')
                    data = text.encode("utf-8")
                name = new.get(info.filename, info.filename)
                if info.filename.startswith(f"{folder}/_rels/"):
                    base = posixpath.basename(info.filename)[: -len(".rels")]
                    old = posixpath.join(folder, base)
                    if old in new:
                        name = f"{folder}/_rels/{posixpath.basename(new[old])}.rels"
                zout.writestr(name, data)
    return out, {to: old for old, to in new.items()}


def _view(ann: Annotations, names: dict[str, str]) -> dict:  # type: ignore[type-arg]
    """The annotations with part names mapped back to the original ones."""
    dump = ann.model_dump()

    def back(value):  # type: ignore[no-untyped-def]
        if isinstance(value, dict):
            return {names.get(k, k): back(v) for k, v in value.items()}
        if isinstance(value, list):
            return [back(v) for v in value]
        return names.get(value, value) if isinstance(value, str) else value

    return back(dump)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_renamed_parts_read_the_same(path: Path, tmp_path: Path) -> None:
    try:
        original = read_annotations(path)
    except DocumentError:
        pytest.skip("refused as a whole; nothing to compare")
    copy, names = renamed(path, tmp_path / "renamed.docx")
    assert names, "the copy must rename something"
    again = read_annotations(copy)
    assert _view(again, names) == original.model_dump()


def test_a_renamed_comments_part_keeps_threads_and_footers(tmp_path: Path) -> None:
    path = CORPUS / "docx2python" / "test_file_with_comments.docx"
    copy, names = renamed(path, tmp_path / "renamed.docx")
    assert (
        "word/comments.xml" in names.values()
        and "word/comments.xml" not in zipfile.ZipFile(copy).namelist()
    )
    again = read_annotations(copy)
    assert {c.id: (c.parent, c.resolved) for c in again.comments if c.parent or c.resolved} == {
        "5": ("4", False),
        "8": ("7", False),
        "9": (None, True),
    }
    kinds = {names[p]: k for p, k in again.stories.items() if p in names}
    assert kinds["word/comments.xml"] == "comments"


def _prerelease(src: Path, out: Path) -> Path:
    with zipfile.ZipFile(src) as zf, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zf.infolist():
            data = zf.read(info)
            if b"commentsEx" in data and info.filename.endswith(".xml"):
                data = data.replace(W15.encode(), W15_PRERELEASE.encode())
            zout.writestr(info, data)
    return out


@pytest.mark.parametrize("name", THREADED)
def test_comment_threads_under_the_word_2013_prerelease_namespace(
    name: str, tmp_path: Path
) -> None:
    path = CORPUS / name
    original = read_annotations(path)
    threads = {c.id: (c.parent, c.resolved) for c in original.comments}
    assert any(p for p, _ in threads.values()), "the file must have a reply"
    old = _prerelease(path, tmp_path / "prerelease.docx")
    assert W15_PRERELEASE.encode() in b"".join(
        zipfile.ZipFile(old).read(n) for n in zipfile.ZipFile(old).namelist()
    )
    assert {c.id: (c.parent, c.resolved) for c in read_annotations(old).comments} == threads
