"""What Microsoft Word does to a file when it saves it, none of which is a reviewer's edit.

``resave(ctx, author)`` (after the edits are applied):

- adds revision-save ids: ``w:rsidR``/``w:rsidRDefault`` on paragraphs, ``w:rsidR`` (``w:rsidDel``
  in deletions) and ``w:rsidRPr`` on runs, ``w:rsidRoot``/``w:rsid`` in settings.xml;
- gives every body paragraph a ``w14:paraId``/``w14:textId`` (the root declares ``w14`` and marks
  it ignorable);
- splits every other long plain run at a space into two runs with identical properties;
- adds an empty ``_GoBack`` bookmark at the end of the last annotated paragraph;
- renumbers ids as Word does on save: comments 0..n-1 in document order, then bookmarks and
  revisions in document order across the story parts (still unique, pairs kept paired);
- sets ``docProps/app.xml`` Application to "Microsoft Office Word" (AppVersion 16.0000) and
  ``cp:lastModifiedBy`` in core.xml to the last author.

Text, bookmark names, comments and revisions (kinds, authors, dates, texts) are unchanged.
"""

from __future__ import annotations

import re

from lxml import etree

from drafts.ooxml.namespaces import CORE_PROPS, EXT_PROPS, W14, Element
from drafts.ooxml.write.comments import COMMENTS, with_namespaces
from drafts.ooxml.write.compose import REVISIONS
from drafts.ooxml.write.context import Context
from drafts.ooxml.write.runs import (
    DELETED,
    INSERTED,
    PARA_ID,
    RPR,
    TEXT_ID,
    make,
    run_text,
    split_run,
    sub,
    w,
)

_REVISIONS = REVISIONS
_PAIRED = {
    w("bookmarkStart"): "bookmark",
    w("bookmarkEnd"): "bookmark",
    w("moveFromRangeStart"): "moveFrom",
    w("moveFromRangeEnd"): "moveFrom",
    w("moveToRangeStart"): "moveTo",
    w("moveToRangeEnd"): "moveTo",
}
_COMMENT_MARKS = {w("commentRangeStart"), w("commentRangeEnd"), w("commentReference")}
_STORY = re.compile(r"(document|footnotes|endnotes|header\d*|footer\d*)\.xml$")


def _rsid(ctx: Context) -> str:
    return "00" + ctx.ids.para_id()[-6:]


def _inside(el: Element, tags: set[str]) -> bool:
    parent = el.getparent()
    while parent is not None and parent.tag != w("p"):
        if parent.tag in tags:
            return True
        parent = parent.getparent()
    return False


def _add_rsids(ctx: Context, root_rsid: str, session: str) -> None:
    body = ctx.doc.find(w("body"))
    for p in body.iter(w("p")):
        p.set(PARA_ID, ctx.ids.para_id())
        p.set(TEXT_ID, ctx.ids.para_id())
        inserted = p.find(f"{w('pPr')}/{w('rPr')}/{w('ins')}") is not None
        p.set(w("rsidR"), session if inserted else root_rsid)
        p.set(w("rsidRDefault"), root_rsid)
    for r in body.iter(w("r")):
        r.set(w("rsidR"), session if _inside(r, INSERTED) else root_rsid)
        if _inside(r, DELETED):
            r.set(w("rsidDel"), session)
        if r.find(RPR) is not None:
            r.set(w("rsidRPr"), root_rsid)
    for sect in body.iter(w("sectPr")):
        sect.set(w("rsidR"), root_rsid)
    settings = ctx.parts.xml(ctx.part_name("settings.xml"))
    rsids = settings.find(w("rsids"))
    if rsids is None:
        rsids = make("rsids")
        anchor = settings.find(w("themeFontLang"))
        (anchor.addprevious(rsids) if anchor is not None else settings.append(rsids))
    if rsids.find(w("rsidRoot")) is None:
        rsids.insert(0, make("rsidRoot", val=root_rsid))
    for value in (root_rsid, session):
        sub(rsids, "rsid", val=value)


def _split_runs(ctx: Context, session: str) -> None:
    body = ctx.doc.find(w("body"))
    candidates = [
        r
        for r in body.iter(w("r"))
        if r.getparent().tag not in INSERTED | DELETED
        and [c.tag for c in r if c.tag != RPR] == [w("t")]
        and len(run_text(r)) >= 40
    ]
    for r in candidates[::2]:
        text = run_text(r)
        cut = text.find(" ", len(text) // 2)
        if 0 < cut < len(text) - 1:
            split_run(r, cut + 1, ctx.ids)
            r.getnext().set(w("rsidR"), session)


def _go_back(ctx: Context) -> None:
    body = ctx.doc.find(w("body"))
    marks = _REVISIONS | _COMMENT_MARKS
    annotated = [p for p in body.iter(w("p")) if any(el.tag in marks for el in p.iter())]
    paragraphs = annotated or list(body.iter(w("p")))
    if not paragraphs:
        return
    ident = ctx.ids.next()
    paragraphs[-1].append(make("bookmarkStart", id=ident, name="_GoBack"))
    paragraphs[-1].append(make("bookmarkEnd", id=ident))


def _renumber(ctx: Context) -> None:
    stories = [ctx.doc_name] + [
        n for n in ctx.parts.names() if _STORY.search(n) and n != ctx.doc_name
    ]
    roots = [ctx.parts.xml(n) for n in stories if ctx.parts.has(n)]
    comment_ids: dict[str, str] = {}
    for root in roots:
        for el in root.iter(*_COMMENT_MARKS):
            comment_ids.setdefault(el.get(w("id")), str(len(comment_ids)))
    counter = len(comment_ids)
    for root in roots:
        seen: dict[tuple[str, str], str] = {}
        for el in root.iter():
            if not isinstance(el.tag, str) or el.get(w("id")) is None:
                continue
            old = el.get(w("id"))
            if el.tag in _COMMENT_MARKS:
                el.set(w("id"), comment_ids[old])
            elif el.tag in _PAIRED:
                key = (_PAIRED[el.tag], old)
                if key not in seen:
                    seen[key], counter = str(counter), counter + 1
                el.set(w("id"), seen[key])
            elif el.tag in _REVISIONS:
                el.set(w("id"), str(counter))
                counter += 1
    comments_name = ctx.part_name(COMMENTS[0])
    if ctx.parts.has(comments_name):
        for comment in ctx.parts.xml(comments_name).iter(w("comment")):
            old = comment.get(w("id"))
            if old in comment_ids:
                comment.set(w("id"), comment_ids[old])


def _properties(ctx: Context, author: str | None) -> None:
    if ctx.parts.has("docProps/app.xml"):
        app = ctx.parts.xml("docProps/app.xml")
        for tag, value in (("Application", "Microsoft Office Word"), ("AppVersion", "16.0000")):
            el = app.find(f"{{{EXT_PROPS}}}{tag}")
            if el is None:
                el = etree.SubElement(app, f"{{{EXT_PROPS}}}{tag}")
            el.text = value
    if author and ctx.parts.has("docProps/core.xml"):
        core = ctx.parts.xml("docProps/core.xml")
        el = core.find(f"{{{CORE_PROPS}}}lastModifiedBy")
        if el is None:
            el = etree.SubElement(core, f"{{{CORE_PROPS}}}lastModifiedBy")
        el.text = author


def resave(ctx: Context, author: str | None) -> None:
    """Change the package as a Word save would (see the module docstring)."""
    ctx.doc = with_namespaces(ctx.doc, {"w14": W14}, ["w14"])
    ctx.parts.set_xml(ctx.doc_name, ctx.doc)
    root_rsid, session = _rsid(ctx), _rsid(ctx)
    _add_rsids(ctx, root_rsid, session)
    _split_runs(ctx, session)
    _go_back(ctx)
    _renumber(ctx)
    _properties(ctx, author)
