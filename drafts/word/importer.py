"""Word back in: a drafter's edited .docx becomes a new revision of the chapter's Markdown.

``import_docx(ws, chapter, docx) -> str`` returns the new Markdown; ``record_import(ws,
chapter, docx, actor, ...)`` also records it (``drafts.chapters.commit_revision``, event
``import``). Steps:

1. read the file with the annotation reader, every tracked change accepted (a corrupt file or
   one that is not a Word file: ``DocumentError`` from the reader);
2. refuse a file stamped for another chapter, or one in which under half of the latest
   revision's blocks are recognised (``DocumentError``, naming the file);
3. align its paragraphs with the blocks (``drafts.word.align``: bookmarks, then text);
4. patch ONLY what changed into the Markdown, bottom-up over each block's source ``lines``: a
   changed block gets the word-level edit of its text applied to its source lines with
   diff-match-patch (``patch_make`` on the old text and the word diff, ``patch_apply`` on the
   source), so emphasis, citations and footnote markers outside the edited words survive byte
   for byte; a deleted block's lines go (its text is emptied where lines are shared: table
   cells, inline notes); a new paragraph is written after its predecessor's lines (a heading
   when its style is ``HeadingN``, indented inside a footnote);
5. check the result: the blocks of the new Markdown must have exactly the texts of the file;
   else ``DocumentError`` (nothing written) asking for the edit to be made by hand.

Bibliography entries (``reference`` blocks) are printed by citeproc from ``references.bib``: an
edited entry is refused (``DocumentError`` naming the entry's key: correct references.bib and
import a file without that edit); an entry gone from the file changes nothing (the citations
decide the bibliography); entries are left out of the check of step 5, and a paragraph added
after an entry goes after the chapter's last paragraph.

Front matter, untouched blocks and everything outside blocks keep their bytes.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

from diff_match_patch import diff_match_patch

from drafts import blockstore
from drafts.blocks import GENERATED, Block, blocks_of
from drafts.core.errors import DocumentError
from drafts.markdown.ast_walk import SCHEME
from drafts.models import Event
from drafts.ooxml.read.reader import read_annotations
from drafts.ooxml.write.records import MARK_PREFIX
from drafts.word.align import Para, accepted_paragraphs, align
from drafts.word.diff import edits
from drafts.word.revision import render_revision
from drafts.workspace import Actor, Workspace

#: least share of the revision's blocks a file must match to be taken for the chapter
RECOGNISED = 0.5
_ESCAPE = re.compile(r"([\\`*_\[\]<>@^~$#|])")
_MOVABLE = {"paragraph", "heading", "list_item", "footnote", "line_block"}


def _ignorable(ws: Workspace, chapter: str) -> list[str]:
    """Texts of paragraphs a pristine render has outside every block (code; a scheme-1 map's
    bibliography)."""
    with tempfile.TemporaryDirectory() as tmp:
        ann = read_annotations(render_revision(ws, chapter, None, Path(tmp) / "c.docx"))
    return [p.text for p in accepted_paragraphs(ann) if not p.bookmarks]


def _patch(source: str, old: str, new: str) -> str | None:
    """Apply the edit ``old`` -> ``new`` (a block's text) to ``source`` (its Markdown lines);
    None when the text cannot be found in the source.

    The block's text is aligned with its source once (diff-match-patch: the text is the source
    less its markup), and each word-level edit is spliced in at the source positions of its
    ends, so markup outside the edited words (emphasis, citations, footnote marks) keeps its
    bytes and nothing depends on fuzzy matching in repetitive text. Text added at the very end
    goes before the source's closing newlines.
    """
    body = source.rstrip("\n")
    tail = source[len(body) :]  # edits go before the block's closing newlines, never after
    if old and new.startswith(old) and old.strip():
        return body + new[len(old) :] + tail
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 2.0
    alignment = dmp.diff_main(old, body, False)
    found = sum(len(text) for op, text in alignment if op == 0)
    if old and found < 0.8 * len(old):
        return None
    out = body
    for edit in sorted(edits(old, new), key=lambda x: x.start, reverse=True):
        start = dmp.diff_xIndex(alignment, edit.start)
        end = start  # the end: right after the last replaced character, before any markup
        if edit.end > edit.start:
            end = dmp.diff_xIndex(alignment, edit.end - 1) + 1
        out = out[:start] + edit.new_text + out[end:]
    return out + tail


def _escape(text: str) -> str:
    return _ESCAPE.sub(r"\\\1", text)


def _new_lines(block: Block | None, para: Para) -> list[str]:
    level = re.fullmatch(r"Heading([1-6])", para.style or "")
    if level:
        return ["\n", "#" * int(level.group(1)) + " " + _escape(para.text) + "\n"]
    if block is not None and block.kind == "footnote":
        return ["\n", "    " + _escape(para.text) + "\n"]
    return ["\n", _escape(para.text) + "\n"]


def patch_markdown(
    markdown: str,
    blocks: list[Block],
    matched: dict[str, Para],
    new: Sequence[tuple[str | None, Para]],
    label: str,
) -> str:
    """Return ``markdown`` with changed, deleted and new blocks patched in (see module doc)."""
    lines = markdown.splitlines(keepends=True)
    generated = {b.id for b in blocks if b.kind in GENERATED}  # no Markdown holds their text
    blocks = [b for b in blocks if b.id not in generated]
    by_id = {b.id: b for b in blocks}
    closing = next((b for b in reversed(blocks) if b.kind not in ("footnote", "title")), None)
    # (line, rank, order, kind, block, paragraph); applied bottom-up, new paragraphs first
    ops: list[tuple[int, int, int, str, Block | None, Para | None]] = []
    for order, (after, para) in enumerate(new):
        block = closing if after in generated else by_id.get(after) if after else None
        line = block.lines[1] if block else _first_body_line(blocks) - 1
        ops.append((line, 1, order, "new", block, para))
    for b in blocks:
        if b.id not in matched:
            ops.append((b.lines[0], 0, 0, "delete", b, None))
        elif matched[b.id].text != b.text:
            ops.append((b.lines[0], 0, 0, "change", b, matched[b.id]))
    kept_lines = {n for b in blocks if b.id in matched for n in range(b.lines[0], b.lines[1] + 1)}
    for _, _, _, kind, target_block, target_para in sorted(ops, key=lambda o: o[:3], reverse=True):
        if kind == "new" and target_para is not None:
            at = target_block.lines[1] if target_block else _first_body_line(blocks) - 1
            lines[at:at] = _new_lines(target_block, target_para)
            continue
        assert target_block is not None
        first, last = target_block.lines
        own = not any(n in kept_lines for n in range(first, last + 1))
        if kind == "delete" and own and target_block.kind in _MOVABLE:
            end = last + 1 if last < len(lines) and not lines[last].strip() else last
            del lines[first - 1 : end]
            continue
        wanted = target_para.text if target_para is not None else ""
        patched = _patch("".join(lines[first - 1 : last]), target_block.text, wanted)
        if patched is None:
            raise DocumentError(
                f"{label}: the change to block {target_block.id} ({target_block.text[:40]!r}) "
                "cannot be patched into the Markdown; make that edit in the Markdown by hand"
            )
        lines[first - 1 : last] = patched.splitlines(keepends=True)
    return "".join(lines)


def _first_body_line(blocks: list[Block]) -> int:
    body = [b.lines[0] for b in blocks if b.kind != "title"]
    return min(body) if body else max((b.lines[1] for b in blocks), default=0) + 1


def import_docx(ws: Workspace, chapter: str, docx: Path) -> str:
    """Return the chapter's latest Markdown with the edits of ``docx`` patched in."""
    label = str(docx)
    ann = read_annotations(Path(docx))
    if any(b.startswith(MARK_PREFIX) for p in ann.paragraphs for b in p.bookmarks):
        round_id = ann.custom_properties.get("penholder.round") or "Rk"
        raise DocumentError(
            f"{label} is a consolidated file (it carries matrix row marks), not an edit of the "
            f"chapter; record the decisions in it with `penholder matrix import {chapter} "
            f"--round {round_id} {Path(label).name}`"
        )
    stamped = ann.custom_properties.get("penholder.chapter")
    if stamped and stamped != chapter:
        raise DocumentError(f"{label} is stamped as chapter {stamped}, not chapter {chapter}")
    rev = ws.revision(chapter)
    markdown = ws.text(chapter, rev.number)
    block_map = blockstore.load(ws, chapter, rev.number)
    blocks = block_map.blocks
    result = align(blocks, accepted_paragraphs(ann), _ignorable(ws, chapter))
    if len(result.matched) < RECOGNISED * len(blocks):
        raise DocumentError(
            f"{label} is not recognisably chapter {chapter}: only {len(result.matched)} of its "
            f"{len(blocks)} paragraphs were found in it"
        )
    _refuse_edited_entries(blocks, result.matched, label)
    new_md = patch_markdown(markdown, blocks, result.matched, result.new, label)
    if new_md != markdown:
        check_patched(
            new_md,
            blocks,
            result.matched,
            result.new,
            label,
            blockstore.bibliography(ws),
            block_map.scheme,
        )
    return new_md


def _refuse_edited_entries(blocks: list[Block], matched: dict[str, Para], label: str) -> None:
    """Refuse a file in which a bibliography entry reads otherwise than it was printed."""
    for b in blocks:
        if b.kind in GENERATED and b.id in matched and matched[b.id].text != b.text:
            raise DocumentError(
                f"{label} edits the bibliography entry {b.key} ({b.text[:40]!r}), which is "
                f"printed from references.bib, not written in the chapter; correct the entry "
                f"{b.key} in references.bib and import the file without that edit"
            )


def check_patched(
    new_md: str,
    blocks: list[Block],
    matched: dict[str, Para],
    new: Sequence[tuple[str | None, Para]],
    label: str,
    bibliography: Path | None,
    scheme: int = SCHEME,
) -> None:
    """Refuse a patched Markdown whose blocks do not read as the file does (bibliography
    entries left out: citeproc prints them from the citations the Markdown keeps)."""
    expected = [matched[b.id].text for b in blocks if b.id in matched and b.kind not in GENERATED]
    got = [b.text for b in blocks_of(new_md, bibliography, scheme) if b.kind not in GENERATED]
    extra = sorted(p.text for _, p in new)
    leftover = list(got)
    for text in expected:
        if text in leftover:
            leftover.remove(text)
    if sorted(leftover) != extra or len(got) != len(expected) + len(extra):
        raise DocumentError(
            f"{label}: the patched Markdown does not read as the file does "
            f"({', '.join(repr(t[:40]) for t in leftover[:3]) or 'blocks missing'}); make the "
            "edit in the Markdown by hand"
        )


def record_import(
    ws: Workspace,
    chapter: str,
    docx: Path,
    actor: Actor,
    *,
    message: str = "",
) -> str:
    """Import ``docx`` and record it as a new revision (event ``import``); return the commit."""
    from drafts.chapters import commit_revision

    text = import_docx(ws, chapter, docx)
    subject = message or f"Chapter {chapter}: import {Path(docx).name}"
    return commit_revision(ws, chapter, text, actor, event=Event.IMPORT, message=subject)
