"""Merging every reviewer's remarks on a chapter into matrix rows and placed edits (pure).

``merge(remarks, base, old_maps, people, organisation=...)``:

1. remarks made on an older revision are rebased onto ``base`` (``reviewers.consolidate.rebase``); what no
   longer applies becomes a flagged row with its original context;
2. identical suggestions (same block, range and proposed text) and identical comments become one
   row listing every supporter; a reply joins its thread's row, so every remark is in exactly one
   row, and a row's id is the id of its first remark (stable when more returns arrive);
3. suggestions that change overlapping text differently are conflicts: each competing text is
   placed as an alternative (``PlacedChange.alternative``: the passage they share deleted once,
   under the first author's name, and each reviewer's version of it inserted after it under
   theirs), linked by one comment authored by ``organisation`` (the drafters' organisation) that
   lists them; their rows are flagged. Accepting every change would keep every alternative: the
   drafters reject all but one;
4. everything else is placed: each suggestion as a tracked change under its first author's name
   (a duplicate with a comment by ``organisation`` naming every supporter), each comment thread
   on its text.

Rows say what each remark does in words (``reviewers.consolidate.wording``) and carry the type
its rule proposes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from drafts.blocks import Block, BlockMap
from drafts.models import Person
from reviewers.consolidate.models import Row, Supporter
from reviewers.consolidate.rebase import rebase
from reviewers.consolidate.wording import describe, type_of
from reviewers.intake.remarks import Remark
from reviewers.intake.silent_edits import normalise

SUGGESTIONS = ("insert", "delete", "replace", "silent", "move")
#: who authors the drafters' own comments when no organisation is given
SECRETARIAT = "Secretariat"


@dataclass
class PlacedChange:
    row: str
    block: str
    start: int
    end: int
    proposed: str
    author: str
    date: str | None
    alternative: bool = False  # one competing text of a conflict (placed next to the others)


@dataclass
class PlacedComment:
    row: str
    block: str
    start: int
    end: int
    text: str
    author: str
    date: str | None
    replies: list[tuple[str, str | None, str]] = field(default_factory=list)


@dataclass
class Consolidation:
    rows: list[Row]
    changes: list[PlacedChange]
    comments: list[PlacedComment]


def _supporter(r: Remark, people: dict[str, Person]) -> Supporter:
    p = people.get(r.reviewer or "")
    name = r.author or (p.name if p else r.reviewer or "?")
    return Supporter(
        reviewer=r.reviewer,
        name=name,
        organisation=p.organisation if p else "",
        country=p.country if p else "",
        remark=r.id,
    )


def _key(r: Remark) -> tuple[object, ...]:
    if r.kind == "comment":
        return ("comment", r.block, r.start, r.end, normalise(r.text))
    if r.kind in SUGGESTIONS:
        return ("change", r.block, r.start, r.end, normalise(r.proposed or ""), r.kind == "move")
    return ("other", r.id)


def overlap(
    block_a: str | None, a: tuple[int, int, str], block_b: str | None, b: tuple[int, int, str]
) -> bool:
    """Whether two changes ``(start, end, proposed)`` of blocks' texts cannot both be tracked.

    Two insertions at one point compete (their order is a choice); an insertion strictly
    inside a changed range competes with it; ranges that share text compete. An insertion at
    either edge of a range does not, and a new paragraph after a block (proposed text starting
    with a line break at the block's end) competes with nothing.
    """
    if block_a is None or block_a != block_b:
        return False
    (a0, a1, pa), (b0, b1, pb) = a, b
    if (a0 == a1 and pa.startswith("\n")) or (b0 == b1 and pb.startswith("\n")):
        return False
    if a0 == a1 and b0 == b1:
        return a0 == b0
    if a0 == a1:
        return b0 < a0 < b1
    if b0 == b1:
        return a0 < b0 < a1
    return a0 < b1 and b0 < a1


def _overlap(a: Remark, b: Remark) -> bool:
    if a.start is None or b.start is None:
        return False
    ra = (a.start, a.end if a.end is not None else a.start, a.proposed or "")
    rb = (b.start, b.end if b.end is not None else b.start, b.proposed or "")
    return overlap(a.block, ra, b.block, rb)


def _group(remarks: list[Remark]) -> list[list[Remark]]:
    groups: dict[tuple[object, ...], list[Remark]] = {}
    for r in remarks:
        groups.setdefault(_key(r), []).append(r)
    return list(groups.values())


def _conflicts(groups: list[list[Remark]]) -> list[list[int]]:
    """Clusters (indices into ``groups``) of suggestions that overlap with different texts."""
    parent = list(range(len(groups)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_block: dict[str, list[int]] = {}  # only suggestions in the same block can overlap
    for i, g in enumerate(groups):
        if g[0].kind in SUGGESTIONS and g[0].block is not None:
            by_block.setdefault(g[0].block, []).append(i)
    for members in by_block.values():
        for n, i in enumerate(members):
            for j in members[n + 1 :]:
                if _overlap(groups[i][0], groups[j][0]):
                    parent[find(i)] = find(j)
    clusters: dict[int, list[int]] = {}
    for i in range(len(groups)):
        clusters.setdefault(find(i), []).append(i)
    return [c for c in clusters.values() if len(c) > 1]


def merge(
    remarks: list[Remark],
    base: BlockMap,
    old_maps: dict[int, BlockMap],
    people: dict[str, Person],
    *,
    organisation: str = SECRETARIAT,
) -> Consolidation:
    """Return the rows, placed changes and placed comments of one chapter's remarks."""
    blocks = base.by_id()
    order = {b.id: i for i, b in enumerate(base.blocks)}
    placed: list[Remark] = []
    stale: list[tuple[Remark, str]] = []
    for r in sorted(remarks, key=lambda r: r.id):
        result = rebase(r, old_maps.get(r.revision, base), base)
        if result.applies:
            placed.append(result.remark)
        else:
            stale.append((r, result.reason))
    by_id = {r.id: r for r in placed}
    threads = [r for r in placed if not (r.kind == "comment" and r.parent in by_id)]
    replies: dict[str, list[Remark]] = {}
    for r in placed:
        if r.kind == "comment" and r.parent in by_id:
            root = by_id[r.parent]
            while root.parent in by_id:
                root = by_id[root.parent]
            replies.setdefault(root.id, []).append(r)
    groups = _group(threads)
    conflict_of: dict[int, list[int]] = {i: c for c in _conflicts(groups) for i in c}
    rows: list[Row] = []
    changes: list[PlacedChange] = []
    comments: list[PlacedComment] = []
    for i, group in enumerate(groups):
        head = group[0]
        members = group + [x for g in group for x in replies.get(g.id, [])]
        row = _row(head, members, people, blocks)
        if len(group) > 1:
            row.flags.append("duplicate")
        if i in conflict_of:
            row.flags.append("conflict")
            row.conflicts_with = [groups[j][0].id for j in conflict_of[i] if j != i]
        elif head.block is not None and head.start is not None:
            _place(head, row, replies.get(head.id, []), changes, comments)
            if "duplicate" in row.flags and head.kind in SUGGESTIONS:
                comments.append(_supporters_comment(head, row, organisation))
        rows.append(row)
    for cluster in sorted({tuple(sorted(c)) for c in conflict_of.values()}):
        heads = [groups[i][0] for i in cluster]
        changes += _alternatives(heads, base, people)
        comments.append(_conflict_comment(heads, base, people, organisation))
    for r, reason in stale:
        row = _row(r, [r], people, old_maps.get(r.revision, base).by_id())
        row.flags.append("no longer applies")
        row.comment = f"{row.comment} [no longer applies: {reason}; made on revision {r.revision}]"
        rows.append(row)
    rows.sort(key=lambda row: (order.get(row.block or "", 10**6), row.id))
    return Consolidation(rows, changes, comments)


def _unique(supporters: list[Supporter]) -> list[Supporter]:
    """Each reviewer once (the same person may make one suggestion twice), in order."""
    seen: dict[tuple[str | None, str], Supporter] = {}
    for s in supporters:
        seen.setdefault((s.reviewer, s.name), s)
    return list(seen.values())


def _row(
    head: Remark, members: list[Remark], people: dict[str, Person], blocks: dict[str, Block]
) -> Row:
    comment = describe(head, blocks)
    for reply in members:
        if reply.kind == "comment" and reply.parent:
            comment += f"\n\u2014 {reply.author or '?'}: {reply.text}"
    return Row(
        id=head.id,
        remarks=[m.id for m in members],
        supporters=_unique([_supporter(m, people) for m in members if not m.parent]),
        chapter=head.chapter,
        round=head.round,
        section=head.section,
        block=head.block,
        start=head.start,
        end=head.end,
        target_block=head.target_block,
        target_offset=head.target_offset,
        paragraph=head.paragraph,
        kind=head.kind,
        type=type_of(head),
        comment=comment,
        proposed=head.proposed,
        anchor_text=head.anchor_text,
    )


def _place(
    head: Remark,
    row: Row,
    thread: list[Remark],
    changes: list[PlacedChange],
    comments: list[PlacedComment],
) -> None:
    assert head.block is not None and head.start is not None
    end = head.end if head.end is not None else head.start
    author = head.author or row.supporters[0].name
    if head.kind in SUGGESTIONS:
        changes.append(
            PlacedChange(
                row.id, head.block, head.start, end, head.proposed or "", author, head.date
            )
        )
        if head.kind == "move" and head.target_block and head.target_offset is not None:
            changes.append(
                PlacedChange(
                    row.id,
                    head.target_block,
                    head.target_offset,
                    head.target_offset,
                    head.anchor_text or "",
                    author,
                    head.date,
                )
            )
    else:
        comments.append(
            PlacedComment(
                row.id,
                head.block,
                head.start,
                end,
                head.text if head.kind == "comment" else describe(head, {}),
                author,
                head.date,
                [(r.author or "?", r.date, r.text) for r in thread],
            )
        )


def _alternatives(
    heads: list[Remark], base: BlockMap, people: dict[str, Person]
) -> list[PlacedChange]:
    """Each competing text of a conflict as a suggestion under its author's name: the passage
    they share (the union of their ranges) deleted once, then each reviewer's version of it."""
    heads = sorted(heads, key=lambda r: r.id)
    block = heads[0].block
    if block is None:
        return []
    text = base.by_id()[block].text
    start = min(h.start or 0 for h in heads)
    end = max(h.end if h.end is not None else h.start or 0 for h in heads)
    out: list[PlacedChange] = []
    for h in heads:
        s = h.start or 0
        e = h.end if h.end is not None else s
        version = text[start:s] + ("" if h.kind == "move" else h.proposed or "") + text[e:end]
        author = h.author or _supporter(h, people).name
        if not out:
            out.append(PlacedChange(h.id, block, start, end, version, author, h.date, True))
        elif version:
            out.append(PlacedChange(h.id, block, end, end, version, author, h.date, True))
    return out


def _supporters_comment(head: Remark, row: Row, organisation: str) -> PlacedComment:
    """The comment naming every supporter of a duplicate suggestion."""
    assert head.block is not None and head.start is not None
    names = [f"{s.name} ({s.organisation})" if s.organisation else s.name for s in row.supporters]
    text = (
        f"{row.id}: suggested by {len(names)} reviewers: {'; '.join(names)} "
        f"(remarks {', '.join(row.remarks)})"
    )
    end = head.end if head.end is not None else head.start
    return PlacedComment(row.id, head.block, head.start, end, text, organisation, None)


def _conflict_comment(
    heads: list[Remark], base: BlockMap, people: dict[str, Person], organisation: str
) -> PlacedComment:
    heads = sorted(heads, key=lambda r: r.id)
    start = min(h.start or 0 for h in heads)
    end = max(h.end if h.end is not None else h.start or 0 for h in heads)
    who = " vs ".join(f"{h.id} ({_supporter(h, people).name})" for h in heads)
    blocks = base.by_id()
    lines = [f"conflict: {who}"]
    lines += [f"{h.id}: {describe(h, blocks)}" for h in heads]
    lines.append(
        "Each competing text is a suggestion under its author's name: accept one, reject the others."
    )
    block = heads[0].block or base.blocks[0].id
    return PlacedComment(heads[0].id, block, start, end, "\n".join(lines), organisation, None)
