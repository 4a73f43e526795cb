"""What ``revise`` changes in a chapter's Markdown: every accepted and modified row, applied (pure).

``plan_revision(markdown, latest, base, matrix, current, done)`` takes the chapter's latest
Markdown and block map, the consolidation's base block map and matrix, the current answers and
the remark ids earlier revisions already resolved, and returns a ``RevisionPlan``:

- each ``accepted`` suggestion's proposed text (``modified``: the adopted text) replaces its range
  of its block's text; a move takes its text out and puts it at its landing point; text proposed
  after a block's end starting with a newline becomes new paragraphs; a proposal to delete a
  block's whole text deletes the paragraph. A ``modified`` comment row puts the adopted text in
  place of the text it comments on;
- the edits are made on the base revision's block text, then carried onto the latest text with
  diff-match-patch when the block changed since (a hand edit, an earlier ``revise``), then into
  the Markdown through the block's source lines (``drafts.word.importer.patch_markdown``), so
  emphasis, links, citations and footnote marks around a change survive;
- rows that cannot be applied are listed with the reason (``skipped``) and stay open: a row
  that no longer applies, a block gone since, edits of one block that overlap, a change that no
  longer fits the text, a change to a bibliography entry (``reference`` blocks: citeproc prints
  them from the bibliography, no Markdown holds their text; the pen-holder corrects the entry in
  ``references.bib`` and answers the row ``noted``);
- ``resolves`` lists the remark ids of every row applied, and of rows answered that need no
  change in the text (comments and formatting accepted or noted); rows whose remarks an earlier
  revision resolved are left alone, so nothing is applied twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from diff_match_patch import diff_match_patch

from drafts.blocks import GENERATED, Block, BlockMap
from drafts.core.errors import DocumentError
from drafts.word.align import Para
from drafts.word.importer import patch_markdown
from reviewers.consolidate.models import Matrix, Row
from reviewers.decide.models import APPLIES, Disposition

TEXT_KINDS = ("insert", "delete", "replace", "silent", "move")


@dataclass
class RevisionPlan:
    """The revised Markdown, the rows applied, the remark ids resolved, the rows skipped."""

    markdown: str
    applied: list[str] = field(default_factory=list)
    resolves: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class _Edit:
    row: str
    start: int
    end: int
    text: str


@dataclass
class _Block:
    edits: list[_Edit] = field(default_factory=list)
    new: list[tuple[str, str]] = field(default_factory=list)  # (row, paragraph text)
    delete: str | None = None  # the row deleting the block


def _edits_of(row: Row, d: Disposition, base: dict[str, Block]) -> dict[str, _Block] | str:
    """Return the edits ``row`` makes per block, or why it cannot be applied."""
    if "no longer applies" in row.flags:
        return "it no longer applies to the base revision"
    if row.block is None or row.start is None or row.block not in base:
        return "it is not anchored to a paragraph of the base revision"
    for block_id in (row.block, row.target_block):
        generated = base.get(block_id) if block_id else None
        if generated is not None and generated.kind in GENERATED:
            return (
                f"it changes the bibliography entry {generated.key}, which is printed from "
                f"references.bib, not written in the chapter: correct the entry {generated.key} "
                "in references.bib by hand and answer the row noted"
            )
    text = base[row.block].text
    start, end = row.start, row.end if row.end is not None else row.start
    new = d.adopted if d.disposition == "modified" and d.adopted is not None else row.proposed or ""
    out: dict[str, _Block] = {}
    here = out.setdefault(row.block, _Block())
    if row.kind == "move":
        here.edits.append(_Edit(row.id, start, end, ""))
        if row.target_block is None or row.target_offset is None or row.target_block not in base:
            return "its landing point is not in the base revision"
        out.setdefault(row.target_block, _Block()).edits.append(
            _Edit(row.id, row.target_offset, row.target_offset, row.anchor_text or "")
        )
    elif new.startswith("\n") and start == end == len(text):
        here.new += [(row.id, part) for part in new.split("\n") if part.strip()]
    elif new == "" and start == 0 and end == len(text) and text:
        here.delete = row.id
    else:
        here.edits.append(_Edit(row.id, start, end, new.replace("\n", " ")))
    return out


def _apply(text: str, edits: list[_Edit]) -> tuple[str, list[tuple[str, str]]]:
    """Apply non-overlapping edits (later ones overlapping an earlier one are skipped)."""
    kept: list[_Edit] = []
    skipped = []
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        clash = next((k for k in kept if e.start < k.end and k.start < e.end), None)
        if clash is not None:
            skipped.append((e.row, f"it overlaps row {clash.row}, applied in the same paragraph"))
            continue
        kept.append(e)
    for e in sorted(kept, key=lambda e: e.start, reverse=True):
        text = text[: e.start] + e.text + text[e.end :]
    return text, skipped


def _carry(old: str, new: str, latest: str) -> str | None:
    """Carry the change ``old`` -> ``new`` onto ``latest``; None when it does not fit."""
    if latest == old:
        return new
    dmp = diff_match_patch()
    result, ok = dmp.patch_apply(dmp.patch_make(old, new), latest)
    return result if all(ok) else None


def _gather(
    matrix: Matrix, current: dict[str, Disposition], done: set[str], base: dict[str, Block]
) -> tuple[dict[str, dict[str, _Block]], list[str], list[tuple[str, str]]]:
    """Return each applicable row's edits per block, remark ids resolved without a text change,
    and the rows that cannot be applied, with why."""
    edits: dict[str, dict[str, _Block]] = {}
    resolves: list[str] = []
    skipped: list[tuple[str, str]] = []
    for row in matrix.rows:
        d = current.get(row.id)
        if d is None or d.disposition is None or set(row.remarks) & done:
            continue
        rewrites = row.kind in TEXT_KINDS or (row.kind == "comment" and d.disposition == "modified")
        if d.disposition not in APPLIES or not rewrites:
            if d.disposition in ("accepted", "noted") and row.kind not in TEXT_KINDS:
                resolves += row.remarks  # answered by the response alone
            continue
        found = _edits_of(row, d, base)
        if isinstance(found, str):
            skipped.append((row.id, found))
        else:
            edits[row.id] = found
    return edits, resolves, skipped


def _texts(
    rows: dict[str, dict[str, _Block]], latest: BlockMap, base: dict[str, Block]
) -> tuple[dict[str, Para], list[tuple[str | None, Para]], list[tuple[str, str]]]:
    """Return the latest blocks' new texts, the new paragraphs, and rows that do not fit."""
    per_block: dict[str, _Block] = {}
    for found in rows.values():
        for block_id, change in found.items():
            into = per_block.setdefault(block_id, _Block())
            into.edits += change.edits
            into.new += change.new
            into.delete = into.delete or change.delete
    latest_blocks = latest.by_id()
    matched = {b.id: Para("body", b.text) for b in latest.blocks}
    new_paras: list[tuple[str | None, Para]] = []
    failed: list[tuple[str, str]] = []
    for block_id, change in per_block.items():
        here = {e.row for e in change.edits} | {r for r, _ in change.new}
        here |= {change.delete} if change.delete else set()
        if block_id not in latest_blocks:
            failed += [(r, f"paragraph {block_id} is gone from the latest revision") for r in here]
            continue
        old = base[block_id].text
        new, clashes = _apply(old, change.edits)
        failed += clashes
        carried = _carry(old, new, latest_blocks[block_id].text)
        if carried is None:
            why = "the paragraph changed since and the change no longer fits"
            failed += [(e.row, why) for e in change.edits]
            continue
        matched[block_id] = Para("body", carried)
        if change.delete:
            matched.pop(block_id, None)
        new_paras += [(block_id, Para("body", text)) for _, text in change.new]
    return matched, new_paras, failed


def plan_revision(
    markdown: str,
    latest: BlockMap,
    base: BlockMap,
    matrix: Matrix,
    current: dict[str, Disposition],
    done: set[str],
    label: str = "the chapter",
) -> RevisionPlan:
    """Apply every accepted and modified row that is not resolved yet (see module docstring)."""
    base_blocks = base.by_id()
    rows, resolves, skipped = _gather(matrix, current, done, base_blocks)
    while True:  # a row that does not fit anywhere is left out everywhere, then try again
        matched, new_paras, failed = _texts(rows, latest, base_blocks)
        dropped = [(row_id, why) for row_id, why in failed if row_id in rows]
        if not dropped:  # nothing left to take out: never loop on a failure no row owns
            break
        for row_id, why in dropped:
            if row_id in rows:
                del rows[row_id]
                skipped.append((row_id, why))
    try:
        revised = patch_markdown(markdown, latest.blocks, matched, new_paras, label)
    except DocumentError as e:
        raise DocumentError(f"{e} (rows: {', '.join(sorted(rows))})") from e
    by_id = {r.id: r for r in matrix.rows}
    for row_id in rows:
        resolves += by_id[row_id].remarks
    return RevisionPlan(revised, list(rows), resolves, sorted(skipped))
