"""Rebasing a remark made on an older revision onto the round's base revision.

A remark names a block (ids survive revisions: ``drafts.blocks``) and a range of that block's
text as it was. ``rebase`` moves it onto the block's current text with diff-match-patch: for a
suggested change, the patch from the old text to the reviewer's text is applied to the current
text and the changed region read back; for a comment, its anchor is relocated. What cannot be
placed comes back flagged ``no longer applies`` with its original context; nothing is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from diff_match_patch import diff_match_patch

from drafts.blocks import BlockMap
from reviewers.intake.remarks import Remark


@dataclass(frozen=True)
class Rebased:
    remark: Remark
    applies: bool
    reason: str = ""


def _changed_region(before: str, after: str) -> tuple[int, int, str]:
    """Return (start, end, new) such that before[:start] + new + before[end:] == after."""
    prefix = 0
    limit = min(len(before), len(after))
    while prefix < limit and before[prefix] == after[prefix]:
        prefix += 1
    suffix = 0
    while (
        suffix < limit - prefix
        and before[len(before) - 1 - suffix] == after[len(after) - 1 - suffix]
    ):
        suffix += 1
    return prefix, len(before) - suffix, after[prefix : len(after) - suffix]


def _relocate(
    old: str, new: str, start: int, end: int, dmp: diff_match_patch
) -> tuple[int, int] | None:
    quote = old[start:end]
    diffs = dmp.diff_main(old, new)
    s, e = dmp.diff_xIndex(diffs, start), dmp.diff_xIndex(diffs, end)
    if new[s:e] == quote:
        return s, e
    if not quote:
        return None
    found = new.find(quote)
    if len(quote) <= dmp.Match_MaxBits:
        found = dmp.match_main(new, quote, s)
    if found >= 0 and new[found : found + len(quote)] == quote:
        return found, found + len(quote)
    return None


def _target(
    block: str, offset: int, old: BlockMap, new: BlockMap, dmp: diff_match_patch
) -> int | None:
    """Map a move's landing point onto the new text of its block; None when the block is gone."""
    before, after = old.by_id().get(block), new.by_id().get(block)
    if before is None or after is None:
        return None
    if before.text == after.text:
        return offset
    return int(dmp.diff_xIndex(dmp.diff_main(before.text, after.text), offset))


def rebase(remark: Remark, old: BlockMap, new: BlockMap) -> Rebased:
    """Return ``remark`` (made on ``old``) placed on ``new``, or flagged as no longer applying."""
    if old.revision == new.revision or remark.block is None or remark.start is None:
        return Rebased(remark, True)
    before, after = old.by_id().get(remark.block), new.by_id().get(remark.block)
    if before is None or after is None:
        return Rebased(
            remark, False, f"the paragraph it concerns is gone in revision {new.revision}"
        )
    start, end = remark.start, remark.end if remark.end is not None else remark.start
    dmp = diff_match_patch()
    moved: dict[str, object] = {"revision": new.revision}
    if remark.target_block is not None and remark.target_offset is not None:
        target = _target(remark.target_block, remark.target_offset, old, new, dmp)
        if target is None:
            return Rebased(remark, False, f"where it moves to is gone in revision {new.revision}")
        moved["target_offset"] = target
    if before.text == after.text:
        return Rebased(remark.model_copy(update=moved), True)
    if remark.proposed is None or remark.kind in ("comment", "format", "move"):
        place = _relocate(before.text, after.text, start, end, dmp)
        if place is None:
            return Rebased(remark, False, f"its text was changed in revision {new.revision}")
        moved |= {"start": place[0], "end": place[1]}
    else:
        wanted = before.text[:start] + remark.proposed + before.text[end:]
        if after.text == wanted:
            return Rebased(remark, False, f"revision {new.revision} already reads so")
        patched, ok = dmp.patch_apply(dmp.patch_make(before.text, wanted), after.text)
        if not all(ok):
            return Rebased(remark, False, f"its text was changed in revision {new.revision}")
        if patched == after.text:
            return Rebased(remark, False, f"revision {new.revision} already reads so")
        s, e, text = _changed_region(after.text, patched)
        s0, e0, text0 = _changed_region(before.text, wanted)
        if (
            s0 == e0
            and text0
            and text0 in (after.text[s : s + len(text0)], after.text[s - len(text0) : s])
        ):
            return Rebased(remark, False, f"revision {new.revision} already reads so")  # inserted
        if (after.text[s:e], text) != (before.text[s0:e0], text0):  # fuzzy match went elsewhere
            return Rebased(remark, False, f"its text was changed in revision {new.revision}")
        moved |= {"start": s, "end": e, "proposed": text, "anchor_text": after.text[s:e]}
    moved |= {"paragraph": after.paragraph, "section": " > ".join(after.heading_path) or None}
    return Rebased(remark.model_copy(update=moved), True)
