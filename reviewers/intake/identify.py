"""Which packet a returned file answers: properties, else footer, else file name, else text.

``identify(ws, annotations, name, claim)`` returns the round item with how it was found and a
confidence (1.0 for a packet id; the text similarity for a content match), or raises
``ReturnRefused`` with one sentence saying what is missing or wrong. A claim (``--round``,
``--reviewer``, ``--chapter``) that contradicts the file is refused, never overridden. Once identified, every stamp the file carries
(properties, footer, header, block anchors) must agree with that packet
(``reviewers.intake.stamps``); a file whose stamps disagree is refused, never read against
either packet.

A redline sent in a round carries its packet id too, with ``penholder.kind=redline`` in its
properties and "redline" after the packet id in its footer: it is identified as that packet's
item with ``kind`` "redline", so intake reads it against the redline's text, not the chapter's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from drafts import blockstore
from drafts.core.errors import NotFound, ReturnRefused
from drafts.ooxml.read.reader import Annotations
from drafts.workspace import Workspace
from reviewers.intake import stamps
from reviewers.models import PACKET_ALPHABET, PACKET_CODE_LENGTH, Round, RoundItem
from reviewers.rounds import records

PACKET_IN_TEXT = re.compile(
    rf"\b(R[1-9][0-9]*-[0-9A-Za-z]{{1,16}}-[{PACKET_ALPHABET}]{{{PACKET_CODE_LENGTH}}})\b",
    re.IGNORECASE,
)
#: "Packet R2-03-K7Q2 — redline: changes since revision 1", a redline's footer
REDLINE_IN_TEXT = re.compile(rf"{PACKET_IN_TEXT.pattern}\W+redline\b", re.IGNORECASE)
#: least text similarity at which a file without packet id is taken for a chapter
MATCH_THRESHOLD = 0.6


@dataclass(frozen=True)
class Claim:
    round: str | None = None
    reviewer: str | None = None
    chapter: str | None = None


@dataclass(frozen=True)
class Identified:
    round: Round
    item: RoundItem
    how: str  # "properties", "footer", "file name", "content"
    confidence: float
    kind: str = "chapter"  # or "redline": the packet's redline, marked up


def _candidates(ann: Annotations, name: str) -> list[tuple[str, str, str]]:
    """(how, packet id, kind) in the order they are trusted."""
    found = []
    prop = ann.custom_properties.get("penholder.packet", "").strip()
    if prop:
        kind = ann.custom_properties.get("penholder.kind", "").strip().lower() or "chapter"
        found.append(("properties", prop, "redline" if kind == "redline" else "chapter"))
    redlines = {m.upper() for m in REDLINE_IN_TEXT.findall(ann.footer_text)}
    found += [
        ("footer", m, "redline" if m.upper() in redlines else "chapter")
        for m in PACKET_IN_TEXT.findall(ann.footer_text)
    ]
    found += [("file name", m, "chapter") for m in PACKET_IN_TEXT.findall(name)]
    return found


def _check_claim(name: str, rnd: Round, item: RoundItem, claim: Claim, how: str) -> None:
    said = f"{name} is packet {item.packet} (from its {how})"
    if claim.round and claim.round != rnd.id:
        raise ReturnRefused(f"{said} of round {rnd.id}, not of round {claim.round} as claimed")
    if claim.chapter and claim.chapter != item.chapter:
        raise ReturnRefused(
            f"{said} for chapter {item.chapter}, not chapter {claim.chapter} as claimed"
        )
    if claim.reviewer and claim.reviewer != item.reviewer:
        raise ReturnRefused(f"{said} sent to {item.reviewer}, not to {claim.reviewer} as claimed")


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _best_content_match(
    ws: Workspace, ann: Annotations, claim: Claim, book: records.RoundBook
) -> tuple[Round, str, float, bool]:
    """The chapter sent whose text is closest to the file's: (round, chapter, score, exact).
    A text whose length alone keeps it below the threshold (``real_quick_ratio``, 2 * the
    shorter / both: a file of millions of words against a chapter of thousands) is never
    compared word by word, which would take minutes; its score is then that bound (exact
    False): the real one is no higher."""
    words = _words(ann.text_before)
    best: tuple[Round, str, float, bool] | None = None
    rounds = [book.round(ws, claim.round)] if claim.round else book.rounds(ws)
    for rnd in rounds:
        for rc in rnd.chapters:
            if claim.chapter and rc.chapter != claim.chapter:
                continue
            base = blockstore.load(ws, rc.chapter, rc.revision)
            sent = _words("\n".join(b.text for b in base.blocks))
            matcher = SequenceMatcher(None, sent, words, autojunk=False)
            bound = matcher.real_quick_ratio()
            exact = bound >= MATCH_THRESHOLD
            score = matcher.ratio() if exact else bound
            if best is None or score > best[2]:
                best = (rnd, rc.chapter, score, exact)
    if best is None:
        raise ReturnRefused("no round has been opened, so no packet can be matched")
    return best


def released_as(
    ann: Annotations, name: str, rnd: Round, item: RoundItem
) -> tuple[Identified, str] | None:
    """A file whose stamps disagree, released by a drafter as packet ``item`` (``quarantine
    release --packet``): identified as that packet when at least one of its stamps agrees with
    it and its text (its block anchors) is that packet's chapter, so it is read against the
    right base; return it with what the other stamps say. None when every stamp agrees (the
    ordinary ``identify`` takes it) or none does (``identify`` refuses the claim: a file is never
    re-assigned). Raise ReturnRefused when its text is another chapter's."""
    found = stamps.stamps_of(ann)
    wrong = stamps.disagreements(found, item, rnd.id)
    if not wrong or len(wrong) == len(found):
        return None
    text = next((s for s in wrong if s.place == "text"), None)
    if text is not None:
        raise ReturnRefused(
            f"{name}'s text is chapter {text.chapter}'s ({text.detail}), not chapter "
            f"{item.chapter}'s of packet {item.packet}: it would be read against the wrong "
            f"text; release it as a packet of chapter {text.chapter}"
        )
    kinds = {k for _, packet, k in _candidates(ann, name) if packet.upper() == item.packet.upper()}
    kind = "redline" if "redline" in kinds and item.previous_revision is not None else "chapter"
    return Identified(rnd, item, "release", 1.0, kind), stamps.said(wrong, item, rnd.id)


def identify(
    ws: Workspace, ann: Annotations, name: str, claim: Claim, book: records.RoundBook | None = None
) -> Identified:
    """Return the round item ``ann`` (the file ``name``) answers, or raise ReturnRefused.
    ``book``: the rounds as a run keeps them (each record parsed once), else read afresh."""
    book = book or records.RoundBook()
    for how, packet, kind in _candidates(ann, name):
        try:
            rnd, item = book.find_packet(ws, packet)
        except NotFound as e:
            if how == "file name":
                continue
            raise ReturnRefused(f"{name} names packet {packet} in its {how}, but {e}") from e
        _check_claim(name, rnd, item, claim, how)
        stamps.check(name, ann, item, rnd.id, how)
        if kind == "redline" and item.previous_revision is None:
            raise ReturnRefused(
                f"{name} says it is the redline of packet {item.packet} in its {how}, but that "
                "packet had no redline (its reviewer saw no earlier revision)"
            )
        return Identified(rnd, item, how, 1.0, kind)
    rnd, chapter, score, exact = _best_content_match(ws, ann, claim, book)
    share = f"{score:.0%}" if exact else f"at most {score:.0%}"
    where = f"chapter {chapter} of round {rnd.id} ({share} of its text matches)"
    if score < MATCH_THRESHOLD:
        raise ReturnRefused(
            f"{name} carries no packet id and its text is not close enough to any packet sent "
            f"(best: {where}); name it with --round, --chapter and --reviewer"
        )
    if not claim.reviewer:
        raise ReturnRefused(
            f"{name} carries no packet id; its text matches {where}, but who returned it is "
            "unknown: pass --reviewer"
        )
    for item in rnd.items:
        if item.chapter == chapter and item.reviewer == claim.reviewer:
            stamps.check(name, ann, item, rnd.id, "text")
            return Identified(rnd, item, "content", score)
    raise ReturnRefused(
        f"{name}: {claim.reviewer} is not a reviewer of chapter {chapter} in round {rnd.id}"
    )
