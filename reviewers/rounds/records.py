"""Reading and writing the round records of a workspace (YAML files committed in git).

    rounds/<id>/round.yaml   the Round (chapters, base revisions, reviewers, due, items+packets)
    rounds/<id>/sent.yaml    the SentLog (every message that left: packet or reminder)

Reads come from the working tree, which ``Workspace.commit`` keeps equal to HEAD for these
files. Writers never touch the disk: they return ``{relpath: bytes}`` for ``ws.commit``.
A packet id names its round (``R2-03-K7Q2`` is in ``rounds/R2/round.yaml``), so looking one up
reads one file: ``find_packet``. A run that looks up many packets keeps a ``RoundBook``: each
record parsed once per content. A record's parse is kept in ``.git/penholder/rounds/<id>.json``
with a digest of the bytes it came from and of the code that parses it (``_parse``): a read
command (``status``) then reads JSON instead of parsing YAML again (a few ms against ~10 ms a
round of 31 reviewers).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import secrets
from collections.abc import Callable
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from drafts import config, layout, models
from drafts.core.errors import NotFound, StageRefused
from drafts.workspace import Workspace
from reviewers import models as round_models
from reviewers.models import (
    PACKET_ALPHABET,
    PACKET_CODE_LENGTH,
    PACKET_ID,
    ROUND_ID,
    Round,
    RoundItem,
    SentLog,
)


def round_ids(ws: Workspace) -> list[str]:
    """Return the ids of every recorded round, in number order (R1, R2, ..., R10)."""
    folder = ws.root / layout.ROUNDS
    if not folder.is_dir():
        return []
    found = [
        p.name
        for p in folder.iterdir()
        if re.fullmatch(ROUND_ID, p.name) and (ws.root / layout.round_record(p.name)).is_file()
    ]
    return sorted(found, key=lambda r: int(r[1:]))


def next_round_id(ws: Workspace) -> str:
    """Return the id the next round gets: one more than the highest so far."""
    ids = round_ids(ws)
    return f"R{int(ids[-1][1:]) + 1}" if ids else "R1"


def load_round(ws: Workspace, round_id: str) -> Round:
    """Return the round ``round_id``, or raise NotFound listing the rounds there are."""
    return _parse(ws, round_id, _read(ws, round_id))


def _read(ws: Workspace, round_id: str) -> bytes:
    """Return the bytes of the round's record, or raise NotFound listing the rounds there are."""
    path = ws.root / layout.round_record(round_id)
    if not re.fullmatch(ROUND_ID, round_id) or not path.is_file():
        known = ", ".join(round_ids(ws)) or "none yet"
        raise NotFound(
            f"no round {round_id!r} in this workspace (rounds: {known}); "
            "open one with `penholder round open`"
        )
    return path.read_bytes()


@functools.cache
def _code_key() -> bytes:
    """A digest of the code that parses a record (YAML reading, the models): a parse another
    version kept is not used."""
    digest = hashlib.sha256()
    for module in (config, models, round_models):
        digest.update(Path(module.__file__ or "").read_bytes())
    return digest.digest()


def _parse(ws: Workspace, round_id: str, data: bytes) -> Round:
    """The round ``data`` holds: from its kept parse when that was made from these bytes by this
    code, else parsed (and kept: a failure to keep it is ignored)."""
    label = layout.round_record(round_id)
    key = hashlib.sha256(_code_key() + data).hexdigest().encode()
    kept = ws.git_dir / layout.round_cache(round_id)  # made when first written, not on a read
    with contextlib.suppress(OSError, ValueError, ValidationError):
        head, _, body = kept.read_bytes().partition(b"\n")
        if head == key:
            return Round.model_validate_json(body)
    rnd = config.validate(Round, config.parse_yaml(data, label), label.rsplit("/", 1)[-1])
    tmp = kept.with_name(f".{kept.name}.{os.getpid()}.tmp")
    try:
        kept.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(key + b"\n" + rnd.model_dump_json().encode())
        os.replace(tmp, kept)
    except OSError:  # a read-only repository: the next reader parses again
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
    return rnd


class RoundBook:
    """The rounds of a run that looks up many packets (intake of many returns): each
    ``round.yaml`` parsed once per content, a packet found by one look-up in its round.

    Every look-up reads the record again (bytes compared, not parsed), so a round changed
    meanwhile is parsed again. The rounds it returns are shared: read them, never change them.
    """

    def __init__(self) -> None:
        self._kept: dict[str, tuple[bytes, Round, dict[str, RoundItem]]] = {}

    def _entry(self, ws: Workspace, round_id: str) -> tuple[bytes, Round, dict[str, RoundItem]]:
        data = _read(ws, round_id)
        kept = self._kept.get(round_id)
        if kept is None or kept[0] != data:
            rnd = _parse(ws, round_id, data)
            items: dict[str, RoundItem] = {}
            for i in rnd.items:
                items.setdefault(i.packet.upper(), i)
            kept = (data, rnd, items)
            self._kept[round_id] = kept
        return kept

    def round(self, ws: Workspace, round_id: str) -> Round:
        """Return the round ``round_id`` (as ``load_round``), parsed once per content."""
        return self._entry(ws, round_id)[1]

    def rounds(self, ws: Workspace) -> list[Round]:
        """Return every round (as ``load_rounds``)."""
        return [self.round(ws, r) for r in round_ids(ws)]

    def find_packet(self, ws: Workspace, packet_id: str) -> tuple[Round, RoundItem]:
        """Return the round and item a packet id belongs to, or raise NotFound saying why."""
        match = re.fullmatch(PACKET_ID, packet_id.strip(), flags=re.IGNORECASE)
        if match is None:
            raise NotFound(f"{packet_id!r} is not a packet id (packet ids look like R2-03-K7Q2)")
        _, rnd, items = self._entry(ws, match.group(1).upper())
        item = items.get(match.group(0).upper())
        if item is None:
            raise NotFound(f"no packet {packet_id} in round {rnd.id}")
        return rnd, item


def require_open(ws: Workspace, round_id: str, action: str) -> Round:
    """Return the round if it is open; else raise StageRefused saying when it closed."""
    rnd = load_round(ws, round_id)
    if rnd.closed is not None:
        raise StageRefused(
            f"cannot {action}: round {round_id} was closed on {rnd.closed:%Y-%m-%d} (returns are "
            "still accepted, marked late)",
            rule="round-closed",
        )
    return rnd


def load_rounds(ws: Workspace) -> list[Round]:
    return [load_round(ws, r) for r in round_ids(ws)]


def load_sent(ws: Workspace, round_id: str) -> SentLog:
    """Return the sent log of the round (empty when nothing was sent yet)."""
    path = ws.root / layout.sent_log(round_id)
    if not path.is_file():
        return SentLog()
    data = config.load_yaml(path, label=layout.sent_log(round_id)) or {}
    return config.validate(SentLog, data, layout.sent_log(round_id))


def to_yaml(model: BaseModel) -> bytes:
    """Serialise a record as YAML (keys in field order, unicode kept)."""
    data = model.model_dump(mode="json")
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode("utf-8")


def round_file(rnd: Round) -> dict[str, bytes | None]:
    return {layout.round_record(rnd.id): to_yaml(rnd)}


def sent_file(round_id: str, log: SentLog) -> dict[str, bytes | None]:
    return {layout.sent_log(round_id): to_yaml(log)}


# -- packet ids ------------------------------------------------------------------------------
def all_packet_ids(ws: Workspace) -> set[str]:
    return {i.packet for r in load_rounds(ws) for i in r.items}


def mint_packet_id(
    round_id: str,
    chapter: str,
    taken: set[str],
    choose: Callable[[str], str] = secrets.choice,
) -> str:
    """Return a new packet id ``<round>-<chapter>-<4 chars>`` not in ``taken`` (and add it)."""
    for _ in range(1000):
        code = "".join(choose(PACKET_ALPHABET) for _ in range(PACKET_CODE_LENGTH))
        packet = f"{round_id}-{chapter}-{code}"
        if packet not in taken:
            taken.add(packet)
            return packet
    raise RuntimeError(f"could not mint a free packet id for round {round_id}, chapter {chapter}")


def find_packet(ws: Workspace, packet_id: str) -> tuple[Round, RoundItem]:
    """Return the round and item a packet id belongs to, or raise NotFound saying why."""
    return RoundBook().find_packet(ws, packet_id)
