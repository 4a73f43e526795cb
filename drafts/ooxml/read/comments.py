"""Comments: the ``w:comment`` elements, their replies and resolved state.

A comment's identity for threading is the ``w14:paraId`` of its last paragraph (MS-DOCX
2.5.3.1); the commentsExtended part maps that paraId to ``w15:paraIdParent`` (the comment it
replies to) and ``w15:done`` (resolved). Older files without ``commentsExtended`` have no
threads and nothing resolved. Both URIs Word has written for w15 are read (``W15_URIS``: the
final one and Word 2013's pre-release ``.../word/2010/11/wordml``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from drafts.ooxml.namespaces import W14, W15_URIS, Element, W

COMMENT = f"{{{W}}}comment"
P = f"{{{W}}}p"
PARA_ID = f"{{{W14}}}paraId"
ID, AUTHOR, INITIALS, DATE = (f"{{{W}}}{a}" for a in ("id", "author", "initials", "date"))


@dataclass
class RawComment:
    id: str
    author: str | None
    initials: str | None
    date: str | None
    element: Element
    para_ids: list[str] = field(default_factory=list)


def comment_elements(root: Element | None) -> list[RawComment]:
    """Return the comments of a comments part in file order."""
    if root is None:
        return []
    out = []
    for el in root.iter(COMMENT):
        para_ids = [pid for p in el.iter(P) if (pid := p.get(PARA_ID))]
        get = el.get
        out.append(RawComment(get(ID, ""), get(AUTHOR), get(INITIALS), get(DATE), el, para_ids))
    return out


def threads(
    comments: list[RawComment], extended: Element | None
) -> dict[str, tuple[str | None, bool]]:
    """Return comment id -> (id of the comment it replies to, resolved)."""
    by_para: dict[str, str] = {}
    for c in comments:
        for pid in c.para_ids:
            by_para[pid.upper()] = c.id
    info: dict[str, tuple[str | None, bool]] = {}
    if extended is None:
        return info
    for uri in W15_URIS:
        para_id, para_parent, done_at = (
            f"{{{uri}}}{a}" for a in ("paraId", "paraIdParent", "done")
        )
        for ex in extended.iter(f"{{{uri}}}commentEx"):
            pid = (ex.get(para_id) or "").upper()
            cid = by_para.get(pid)
            if cid is None:
                continue
            parent_pid = ex.get(para_parent)
            parent = by_para.get(parent_pid.upper()) if parent_pid else None
            done = (ex.get(done_at) or "0").lower() in ("1", "true", "on")
            info[cid] = (parent if parent != cid else None, done)
    return info
