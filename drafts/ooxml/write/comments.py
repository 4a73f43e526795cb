"""Comments as Word writes them, and the package plumbing the annotation writer needs.

``add_comment(ctx, runs, ...)`` puts ``w:commentRangeStart``/``w:commentRangeEnd`` around the
given runs, a ``w:commentReference`` run after the range end, and a ``w:comment`` in the
comments part whose paragraphs carry ``w14:paraId``; each reply is a further comment on the
same range (nested markers, as Word nests them) linked to its parent in
``commentsExtended.xml`` (``w15:paraIdParent``); ``resolved`` sets ``w15:done="1"`` on the
thread's first comment. ``add_reply(ctx, parent, reply)`` adds one reply to a comment already in
the file (a drafter answering a thread). Authors are listed in ``people.xml``. Parts, content types and
relationships are created when absent; styles ``CommentReference``/``CommentText`` are added
to styles.xml when missing, as Word does.
"""

from __future__ import annotations

import copy

from lxml import etree

from drafts.ooxml.namespaces import CONTENT_TYPES, MC, PKG_REL, W14, W15, Element, W
from drafts.ooxml.write.context import Context
from drafts.ooxml.write.runs import make, sub, text_run, w

_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_MS_REL = "http://schemas.microsoft.com/office/2011/relationships/"
_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml."
COMMENTS = ("comments.xml", _CT + "comments+xml", _REL + "comments", "comments")
EXTENDED = ("commentsExtended.xml", _CT + "commentsExtended+xml", _MS_REL + "commentsExtended")
PEOPLE = ("people.xml", _CT + "people+xml", _MS_REL + "people")
_STYLES = {
    "CommentReference": ("character", "annotation reference", "16"),
    "CommentText": ("paragraph", "annotation text", "20"),
}


def with_namespaces(root: Element, extra: dict[str, str], ignorable: list[str]) -> Element:
    """Return ``root`` rebuilt to declare ``extra`` prefixes and mark ``ignorable`` ones."""
    nsmap = dict(root.nsmap)
    missing = {k: v for k, v in extra.items() if nsmap.get(k) != v}
    if "mc" not in nsmap and ignorable:
        missing["mc"] = MC
    ign_attr = f"{{{MC}}}Ignorable"
    current = (root.get(ign_attr) or "").split()
    wanted = current + [p for p in ignorable if p not in current]
    if not missing and wanted == current:
        return root
    new = etree.Element(root.tag, nsmap={**nsmap, **missing})
    for key, value in root.attrib.items():
        new.set(key, value)
    if wanted:
        new.set(ign_attr, " ".join(wanted))
    new.text = root.text
    for child in list(root):
        new.append(child)
    return new


def _rels_name(part: str) -> str:
    folder, _, name = part.rpartition("/")
    return f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"


def ensure_part(ctx: Context, spec: tuple[str, ...], root_tag: str, ns: dict[str, str]) -> str:
    """Return the name of the part ``spec`` describes, creating it, its type and rel if absent."""
    target, content_type, rel_type = spec[0], spec[1], spec[2]
    rels_name = _rels_name(ctx.doc_name)
    rels = ctx.parts.xml(rels_name)
    for rel in rels:
        if rel.get("Type") == rel_type:
            name = ctx.part_name(rel.get("Target", target).lstrip("/"))
            if ctx.parts.has(name):
                return name
    name = ctx.part_name(target)
    taken = {rel.get("Id") for rel in rels}
    n = len(taken) + 1
    while f"rId{n}" in taken:
        n += 1
    etree.SubElement(rels, f"{{{PKG_REL}}}Relationship", Id=f"rId{n}", Type=rel_type, Target=target)
    types = ctx.parts.xml("[Content_Types].xml")
    if not any(o.get("PartName") == "/" + name for o in types):
        etree.SubElement(
            types, f"{{{CONTENT_TYPES}}}Override", PartName="/" + name, ContentType=content_type
        )
    if not ctx.parts.has(name):
        root = etree.Element(root_tag, nsmap=ns)
        root.set(f"{{{MC}}}Ignorable", " ".join(k for k in ns if k in ("w14", "w15")))
        ctx.parts.set_xml(name, root)
    return name


_NS = {"w": W, "w14": W14, "w15": W15, "mc": MC}


def _ensure_styles(ctx: Context) -> None:
    name = ctx.part_name("styles.xml")
    if not ctx.parts.has(name):
        return
    styles = ctx.parts.xml(name)
    have = {s.get(w("styleId")) for s in styles.iter(w("style"))}
    for style_id, (kind, ui_name, size) in _STYLES.items():
        if style_id in have:
            continue
        style = sub(styles, "style", type=kind, styleId=style_id)
        sub(style, "name", val=ui_name)
        sub(style, "uiPriority", val="99")
        sub(style, "unhideWhenUsed")
        rpr = sub(style, "rPr")
        sub(rpr, "sz", val=size)
        sub(rpr, "szCs", val=size)


def _comments_root(ctx: Context) -> Element:
    name = ensure_part(ctx, COMMENTS, w("comments"), _NS)
    root = with_namespaces(ctx.parts.xml(name), {"w14": W14, "w15": W15}, ["w14", "w15"])
    ctx.parts.set_xml(name, root)
    return root


def _comment_element(
    ctx: Context, cid: str, author: str, initials: str, date: str, text: str
) -> tuple[Element, str]:
    """Return a ``w:comment`` (one paragraph per line of ``text``) and its last paraId."""
    comment = make("comment", id=cid, author=author, date=date, initials=initials)
    para_id = ""
    for i, line in enumerate(text.split("\n")):
        para_id = ctx.ids.para_id()
        p = sub(comment, "p")
        p.set(f"{{{W14}}}paraId", para_id)
        p.set(f"{{{W14}}}textId", "77777777")
        sub(sub(p, "pPr"), "pStyle", val="CommentText")
        if i == 0:
            ref = sub(p, "r")
            sub(sub(ref, "rPr"), "rStyle", val="CommentReference")
            sub(ref, "annotationRef")
        if line:
            p.append(text_run(line))
    return comment, para_id


def _add_person(ctx: Context, author: str) -> None:
    name = ensure_part(ctx, PEOPLE, f"{{{W15}}}people", _NS)
    root = ctx.parts.xml(name)
    if any(p.get(f"{{{W15}}}author") == author for p in root):
        return
    person = etree.SubElement(root, f"{{{W15}}}person", {f"{{{W15}}}author": author})
    etree.SubElement(
        person,
        f"{{{W15}}}presenceInfo",
        {f"{{{W15}}}providerId": "None", f"{{{W15}}}userId": author},
    )


def add_comment(
    ctx: Context,
    runs: list[Element],
    thread: list[tuple[str, str, str, str]],
    resolved: bool,
) -> list[str]:
    """Anchor a comment thread (first item: the comment, then replies) on ``runs``.

    Each item is ``(author, initials, date, text)``; returns the new comment ids.
    """
    _ensure_styles(ctx)
    comments = _comments_root(ctx)
    ext_name = ensure_part(ctx, EXTENDED, f"{{{W15}}}commentsEx", _NS)
    extended = ctx.parts.xml(ext_name)
    first, last = runs[0], runs[-1]
    end_anchor = last
    ids, root_para = [], ""
    for n, (author, initials, date, text) in enumerate(thread):
        cid = ctx.ids.next()
        ids.append(cid)
        first.addprevious(make("commentRangeStart", id=cid))
        end = make("commentRangeEnd", id=cid)
        end_anchor.addnext(end)
        ref = make("r")
        sub(sub(ref, "rPr"), "rStyle", val="CommentReference")
        sub(ref, "commentReference", id=cid)
        end.addnext(ref)
        end_anchor = ref
        comment, para_id = _comment_element(ctx, cid, author, initials, date, text)
        comments.append(comment)
        ex = etree.SubElement(extended, f"{{{W15}}}commentEx", {f"{{{W15}}}paraId": para_id})
        if n == 0:
            root_para = para_id
        else:
            ex.set(f"{{{W15}}}paraIdParent", root_para)
        ex.set(f"{{{W15}}}done", "1" if resolved and n == 0 else "0")
        _add_person(ctx, author)
    return ids


def copy_rpr(run: Element | None) -> Element | None:
    """Return a copy of a run's ``w:rPr`` without its tracked property change, or None."""
    if run is None:
        return None
    rpr = run.find(w("rPr"))
    if rpr is None:
        return None
    out = copy.deepcopy(rpr)
    for change in out.findall(w("rPrChange")):
        out.remove(change)
    return out


def _in_stories(ctx: Context, tag: str, cid: str) -> Element | None:
    """Return the first ``w:<tag>`` with ``w:id`` ``cid`` in the body, footnotes or endnotes."""
    roots = [ctx.doc]
    for name in ("footnotes.xml", "endnotes.xml"):
        if ctx.parts.has(ctx.part_name(name)):
            roots.append(ctx.parts.xml(ctx.part_name(name)))
    for root in roots:
        for el in root.iter(w(tag)):
            if el.get(w("id")) == cid:
                return el
    return None


def add_reply(
    ctx: Context, parent: str, reply: tuple[str, str, str, str], resolved: bool = False
) -> str:
    """Add ``(author, initials, date, text)`` as a reply to comment ``parent``; return its id.

    The reply's range markers sit beside its parent's (start after start, end after end, its
    reference run after the end), and ``commentsExtended.xml`` links it to the parent's last
    paragraph (given a ``w14:paraId`` if it has none; the parent gets an entry if it has none).
    ``resolved`` marks the thread done. ``ValueError`` when ``parent`` is not a comment of the
    file or is not anchored in the body or notes.
    """
    _ensure_styles(ctx)
    comments = _comments_root(ctx)
    target = next((c for c in comments.iter(w("comment")) if c.get(w("id")) == parent), None)
    reference = _in_stories(ctx, "commentReference", parent)
    if target is None or reference is None:
        raise ValueError(f"{ctx.label}: no anchored comment {parent!r} to reply to")
    paragraphs = target.findall(w("p")) or [sub(target, "p")]
    parent_para = paragraphs[-1].get(f"{{{W14}}}paraId") or ctx.ids.para_id()
    paragraphs[-1].set(f"{{{W14}}}paraId", parent_para)
    extended = ctx.parts.xml(ensure_part(ctx, EXTENDED, f"{{{W15}}}commentsEx", _NS))
    entries = {e.get(f"{{{W15}}}paraId", "").upper(): e for e in extended}
    root_ex = entries.get(parent_para.upper())
    if root_ex is None:
        root_ex = etree.SubElement(
            extended, f"{{{W15}}}commentEx", {f"{{{W15}}}paraId": parent_para}
        )
    root_ex.set(f"{{{W15}}}done", "1" if resolved else root_ex.get(f"{{{W15}}}done", "0"))
    author, initials, date, text = reply
    cid = ctx.ids.next()
    comment, para_id = _comment_element(ctx, cid, author, initials, date, text)
    comments.append(comment)
    ex = etree.SubElement(extended, f"{{{W15}}}commentEx", {f"{{{W15}}}paraId": para_id})
    ex.set(f"{{{W15}}}paraIdParent", parent_para)
    ex.set(f"{{{W15}}}done", "0")
    _add_person(ctx, author)
    start = _in_stories(ctx, "commentRangeStart", parent)
    end = _in_stories(ctx, "commentRangeEnd", parent)
    ref = make("r")
    sub(sub(ref, "rPr"), "rStyle", val="CommentReference")
    sub(ref, "commentReference", id=cid)
    if start is not None and end is not None:
        start.addnext(make("commentRangeStart", id=cid))
        end.addnext(make("commentRangeEnd", id=cid))
        end.getnext().addnext(ref)
    else:
        reference.getparent().addnext(ref)
    return cid
