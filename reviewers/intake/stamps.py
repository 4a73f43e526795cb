"""The stamp cross-check: what each place of a returned file says it is must agree.

A packet carries its stamp in several places (``drafts/word/render.py``, docs/anchors.md):

- **properties**: ``penholder.packet``, ``penholder.chapter``, ``penholder.round`` and
  ``penholder.reviewer`` (``id (name)``);
- **footer**: "Packet R3-05-K7Q2" (the packet id names its round and chapter);
- **header**: "DRAFT — … — Chapter 05 — revision 2 — round R3 — date";
- **text**: the block anchors, bookmarks named ``ph_<chapter>_<NNNN>``; the chapter holding most
  of them is the text's chapter (a reviewer who pastes a paragraph from another chapter brings a
  few foreign anchors, which do not count against the majority).

``stamps_of(ann)`` lists what each place says (pure); ``disagreements(stamps, item, round_id)``
compares every value that exists with the packet the file was identified as, and ``check(...)`` raises ``ReturnRefused`` with one sentence naming every place that disagrees. A
missing stamp (Google Docs drops custom properties, an editor drops bookmarks) is no
disagreement: only two stamps that both exist and differ are. A file identified as an older
packet of the same chapter agrees with itself, and rebase reads it against that older revision.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from drafts.core.errors import ReturnRefused
from drafts.ooxml.read.reader import Annotations
from reviewers.models import PACKET_ID, RoundItem

_PACKET = re.compile(PACKET_ID.strip("^$"), re.IGNORECASE)
_PACKET_IN_TEXT = re.compile(rf"\b{PACKET_ID.strip('^$')}\b", re.IGNORECASE)
#: a block anchor, as pandoc writes it and LibreOffice renames it in later footnotes
_ANCHOR = re.compile(r"^ph_([0-9A-Za-z][0-9A-Za-z_-]{0,15})_[0-9]{4,}(?:_Copy_[0-9]+)?$")
_HEADER_CHAPTER = re.compile(r"\bChapter (\S+) — revision [0-9]+\b")
_HEADER_ROUND = re.compile(r"— round (R[1-9][0-9]*) —")


@dataclass(frozen=True)
class Stamp:
    """What one place of a file says; None where that place says nothing."""

    place: str  # "properties", "footer", "header", "text"
    packet: str | None = None
    round: str | None = None
    chapter: str | None = None
    reviewer: str | None = None
    detail: str = ""  # how the text's chapter was found ("41 of 43 anchors")


def _from_packet(packet: str) -> tuple[str | None, str | None]:
    """Return (round, chapter) a packet id names."""
    m = _PACKET.fullmatch(packet.strip())
    return (m.group(1).upper(), m.group(2)) if m else (None, None)


def _properties(props: dict[str, str]) -> Stamp | None:
    values = {k: props.get(f"penholder.{k}", "").strip() for k in ("packet", "round", "chapter")}
    reviewer = props.get("penholder.reviewer", "").strip().split(" (", 1)[0].strip()
    if not any(values.values()) and not reviewer:
        return None
    return Stamp(
        "properties",
        packet=values["packet"] or None,
        round=values["round"] or None,
        chapter=values["chapter"] or None,
        reviewer=reviewer or None,
    )


def _footers(footer_text: str) -> list[Stamp]:
    out = []
    for packet in dict.fromkeys(m.group(0).upper() for m in _PACKET_IN_TEXT.finditer(footer_text)):
        rnd, chapter = _from_packet(packet)
        out.append(Stamp("footer", packet=packet, round=rnd, chapter=chapter))
    return out


def _header(header_text: str) -> Stamp | None:
    chapter = _HEADER_CHAPTER.search(header_text)
    rnd = _HEADER_ROUND.search(header_text)
    if chapter is None and rnd is None:
        return None
    return Stamp(
        "header",
        chapter=chapter.group(1) if chapter else None,
        round=rnd.group(1) if rnd else None,
    )


def _text(ann: Annotations) -> Stamp | None:
    counts: Counter[str] = Counter()
    for p in ann.paragraphs:
        for name in dict.fromkeys(p.bookmarks):
            m = _ANCHOR.match(name)
            if m:
                counts[m.group(1)] += 1
    if not counts:
        return None
    (chapter, n), total = counts.most_common(1)[0], sum(counts.values())
    return Stamp("text", chapter=chapter, detail=f"{n} of its {total} block anchors")


def stamps_of(ann: Annotations) -> list[Stamp]:
    """Return what the properties, each footer packet id, the header and the text say."""
    found = [_properties(ann.custom_properties), *_footers(ann.footer_text)]
    found += [_header(ann.header_text), _text(ann)]
    return [s for s in found if s is not None]


def _says(stamp: Stamp, fields: list[str]) -> str:
    """What ``stamp`` says in ``fields`` (those that differ), e.g. "its footer says packet …"."""
    if stamp.place == "text":
        return f"its text is chapter {stamp.chapter}'s ({stamp.detail})"
    bits = [f"{f} {getattr(stamp, f)}" for f in fields]
    verb = "say" if stamp.place == "properties" else "says"
    return f"its {stamp.place} {verb} {', '.join(bits)}"


def disagreements(stamps: list[Stamp], item: RoundItem, round_id: str) -> list[Stamp]:
    """Return the stamps that say something other than packet ``item`` of ``round_id``."""
    return [s for s in stamps if _differing(s, item, round_id)]


def _differing(stamp: Stamp, item: RoundItem, round_id: str) -> list[str]:
    """The fields of ``stamp`` that exist and differ from packet ``item`` of ``round_id``."""
    expected = {
        "packet": item.packet.upper(),
        "chapter": item.chapter,
        "round": round_id.upper(),
        "reviewer": item.reviewer,
    }
    said = {
        "packet": stamp.packet.upper() if stamp.packet else None,
        "chapter": stamp.chapter,
        "round": stamp.round.upper() if stamp.round else None,
        "reviewer": stamp.reviewer,
    }
    return [k for k, v in said.items() if v is not None and v != expected[k]]


def said(wrong: list[Stamp], item: RoundItem, round_id: str) -> str:
    """What the stamps ``wrong`` say against packet ``item``, in one line ("its footer says
    packet R1-03-K7Q2, chapter 03; its text is chapter 05's (…)")."""
    return "; ".join(_says(s, _differing(s, item, round_id)) for s in wrong)


def check(name: str, ann: Annotations, item: RoundItem, round_id: str, how: str) -> None:
    """Raise ReturnRefused naming every place of ``name`` that disagrees with its packet."""
    stamps = stamps_of(ann)
    wrong = disagreements(stamps, item, round_id)
    if not wrong:
        return
    basis = f"{name} was identified by its {how} as packet {item.packet} (chapter {item.chapter}, "
    basis += f"round {round_id}, reviewer {item.reviewer})"
    says = said(wrong, item, round_id)
    raise ReturnRefused(
        f"{basis}, but {says}: its stamps disagree, so it is read against no packet; ask the "
        "reviewer to send the file again from their own packet"
    )
