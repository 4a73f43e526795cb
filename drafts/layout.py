"""Every path under a workspace, in one place.

Paths are relative POSIX strings, as commits and trailers name them (``ws.root / path`` makes one
absolute). No other module spells a workspace folder or file name: they ask here.

```
guideline.yaml  people.yaml  egms.yaml  references.bib
chapters/<chapter>.md                          the text (pandoc Markdown with front matter)
blocks/<chapter>/r<revision:04d>.json          the block map committed with each revision
rounds/<round>/round.yaml, sent.yaml           a round, and every message that left for it
returns/<sha256>.docx                          returned files, verbatim, named by content
quarantine/<sha256>.docx, .yaml                refused files, verbatim, with the reason
mail/<key>/message.eml, message.yaml           a fetched message, verbatim, and its metadata
mail/<key>/outcome.yaml, ack.yaml              what became of its attachments; its reply
remarks/<round|none>/<chapter>/<sha12>.json    remarks read from one return
consolidated/<round>/<chapter>/                tracked .docx, matrix (.json, .xlsx, .docx)
dispositions/<round>/<chapter>.json            every answer to the matrix's rows, history kept
letters/<round>/<chapter>/<reviewer>.docx       how each expert's remarks were addressed
egm/<egm>/pack/<egm>-pack.docx, .pdf, pack.json  the pack that went to the meeting, and its record
templates/letters/<name>.txt.j2                the drafters' wording of a letter (else penholder's)
inbox/                                         git-ignored: files waiting to be taken in
outbox/<round>/renders|packets|unsent|sent|mail  git-ignored: what is made for sending
outbox/acks/unsent|sent|mail                   git-ignored: acknowledgements of fetched mail
out/                                           git-ignored: renders and redlines made for you
.git/penholder/lock, pending.json               never committed: writers' lock, a commit under way
.git/penholder/waiting/<chapter>.json|log      never committed: live waiters
.git/penholder/history/summary.json            never committed: the replay of history at a HEAD
.git/penholder/history/ledger.json             never committed: what status reads of it there
quarantine/oversize/<sha256>.docx              git-ignored: a refused file too large to commit
quarantine/oversize/<sha256>.eml               git-ignored: a message too large to commit
```
"""

from __future__ import annotations

from pathlib import Path

from drafts.core.errors import DirtyWorkspace, NotAWorkspace

GUIDELINE = "guideline.yaml"
PEOPLE = "people.yaml"
EGMS = "egms.yaml"
REFERENCES = "references.bib"

CHAPTERS = "chapters"
BLOCKS = "blocks"
ROUNDS = "rounds"
RETURNS = "returns"
QUARANTINE = "quarantine"
REMARKS = "remarks"
CONSOLIDATED = "consolidated"
DISPOSITIONS = "dispositions"
LETTERS = "letters"
EGM = "egm"
#: the workspace's own letter templates, each overriding penholder's of the same name
LETTER_TEMPLATES = "templates/letters"
INBOX = "inbox"
#: messages fetched from the mailbox (``penholder inbox fetch``), one folder each
MAIL = "mail"
OUTBOX = "outbox"
#: where files made for the user go when they name no place (``render``, ``redline``)
OUT = "out"

#: folders penholder never commits: files that arrive, mail for sending, files made for you
IGNORED = (f"{INBOX}/", f"{OUTBOX}/", f"{OUT}/", f"{QUARANTINE}/oversize/")
#: office lock files (LibreOffice, Word) next to a file that is open
LOCK_FILES = (".~lock.*#", "~$*")


def gitignore() -> str:
    """The ``.gitignore`` a new workspace starts with."""
    head = "# Files that arrive, are generated for sending or for you, and office lock files.\n"
    return head + "".join(f"/{p}\n" for p in IGNORED) + "".join(f"{p}\n" for p in LOCK_FILES)


def chapter(chapter_id: str) -> str:
    """``chapters/<id>.md``: the chapter's text."""
    return f"{CHAPTERS}/{chapter_id}.md"


def chapter_of(path: str) -> str | None:
    """Return the chapter id of a ``chapters/<id>.md`` path, else None."""
    folder, _, name = path.rpartition("/")
    if folder != CHAPTERS or not name.endswith(".md") or name == ".md":
        return None
    return name[: -len(".md")]


def block_map(chapter_id: str, revision: int) -> str:
    """``blocks/<id>/r0003.json``: the block map of a revision."""
    return f"{BLOCKS}/{chapter_id}/r{revision:04d}.json"


def round_folder(round_id: str) -> str:
    """``rounds/<round>``: a round's records."""
    return f"{ROUNDS}/{round_id}"


def round_record(round_id: str) -> str:
    """``rounds/<round>/round.yaml``: chapters, reviewers, due date, packets."""
    return f"{round_folder(round_id)}/round.yaml"


def sent_log(round_id: str) -> str:
    """``rounds/<round>/sent.yaml``: every message that left for the round."""
    return f"{round_folder(round_id)}/sent.yaml"


def returned(sha256: str) -> str:
    """``returns/<sha256>.docx``: a returned file, byte for byte."""
    return f"{RETURNS}/{sha256}.docx"


def quarantined(sha256: str) -> str:
    """``quarantine/<sha256>.docx``: a refused file, byte for byte."""
    return f"{QUARANTINE}/{sha256}.docx"


def quarantine_note(sha256: str) -> str:
    """``quarantine/<sha256>.yaml``: why a file was refused."""
    return f"{QUARANTINE}/{sha256}.yaml"


def mail_message(key: str) -> str:
    """``mail/<key>/message.eml``: a fetched message, byte for byte."""
    return f"{MAIL}/{key}/message.eml"


def mail_record(key: str, part: str) -> str:
    """``mail/<key>/<part>.yaml``: a fetched message's ``message``, ``outcome`` or ``ack``."""
    return f"{MAIL}/{key}/{part}.yaml"


def ack_folder(box: str) -> str:
    """``outbox/acks/<box>``: acknowledgements ``unsent``, ``sent`` or kept as ``mail``."""
    return f"{OUTBOX}/acks/{box}"


def remarks(round_id: str | None, chapter_id: str, sha256: str) -> str:
    """``remarks/<round|none>/<chapter>/<sha12>.json``: the remarks of one return."""
    return f"{REMARKS}/{round_id or 'none'}/{chapter_id}/{sha256[:12]}.json"


def remarks_folder(round_id: str, chapter_id: str) -> str:
    """``remarks/<round>/<chapter>``: the remarks of every return on a chapter in a round."""
    return f"{REMARKS}/{round_id}/{chapter_id}"


def consolidated(round_id: str, chapter_id: str) -> str:
    """``consolidated/<round>/<chapter>``: the consolidation of a chapter's round."""
    return f"{CONSOLIDATED}/{round_id}/{chapter_id}"


def matrix_json(round_id: str, chapter_id: str) -> str:
    """The matrix of a consolidation as JSON (the record the other files are made from)."""
    return f"{consolidated(round_id, chapter_id)}/matrix.json"


def matrix_file(round_id: str, chapter_id: str, suffix: str) -> str:
    """The matrix a drafter fills in: ``.xlsx`` or ``.docx``."""
    return f"{consolidated(round_id, chapter_id)}/matrix{suffix}"


def matrix_of(path: str) -> tuple[str, str] | None:
    """Return (round, chapter) of a ``consolidated/<round>/<chapter>/matrix.xlsx|.docx`` path."""
    parts = path.split("/")
    if len(parts) == 4 and parts[0] == CONSOLIDATED and parts[3] in ("matrix.xlsx", "matrix.docx"):
        return parts[1], parts[2]
    return None


def consolidated_docx(round_id: str, chapter_id: str) -> str:
    """The consolidated .docx: the base revision with every suggestion tracked."""
    return f"{consolidated(round_id, chapter_id)}/consolidated.docx"


def dispositions(round_id: str, chapter_id: str) -> str:
    """``dispositions/<round>/<chapter>.json``: every answer to the round's rows on a chapter."""
    return f"{DISPOSITIONS}/{round_id}/{chapter_id}.json"


def letter(round_id: str, chapter_id: str, reviewer: str) -> str:
    """``letters/<round>/<chapter>/<reviewer>.docx``: how an expert's remarks were addressed."""
    return f"{LETTERS}/{round_id}/{chapter_id}/{reviewer}.docx"


def letter_template(name: str) -> str:
    """``templates/letters/<name>.txt.j2``: the workspace's wording of the letter ``name``."""
    return f"{LETTER_TEMPLATES}/{name}.txt.j2"


def round_outbox(round_id: str) -> str:
    """``outbox/<round>``: what is made for sending in a round (git-ignored)."""
    return f"{OUTBOX}/{round_id}"


def renders(round_id: str) -> str:
    """``outbox/<round>/renders``: each render or redline made once per round."""
    return f"{round_outbox(round_id)}/renders"


def packet_folder(round_id: str, reviewer: str) -> str:
    """``outbox/<round>/packets/<reviewer>``: one reviewer's packet."""
    return f"{round_outbox(round_id)}/packets/{reviewer}"


def mail_folder(round_id: str, box: str) -> str:
    """``outbox/<round>/<box>``: messages ``unsent``, ``sent`` or kept as ``mail``."""
    return f"{round_outbox(round_id)}/{box}"


def egm_pack_folder(egm_id: str) -> str:
    """``egm/<egm>/pack``: the pack of an EGM (a newer pack replaces it; history keeps both)."""
    return f"{EGM}/{egm_id}/pack"


def egm_pack(egm_id: str, suffix: str) -> str:
    """``egm/<egm>/pack/<egm>-pack.docx`` or ``.pdf``: the compiled pack."""
    return f"{egm_pack_folder(egm_id)}/{egm_id}-pack{suffix}"


def egm_pack_record(egm_id: str) -> str:
    """``egm/<egm>/pack/pack.json``: what the pack holds (revisions, counts, matrices, pages)."""
    return f"{egm_pack_folder(egm_id)}/pack.json"


# -- inside the repository's git folder (never in the work tree, never committed) -------------
#: penholder's own folder inside ``.git``
PRIVATE = "penholder"


def lock_file() -> str:
    """``penholder/lock``: held by a writer that must be the only one (relative to ``.git``)."""
    return f"{PRIVATE}/lock"


def pending_file() -> str:
    """``penholder/pending.json``: what a commit under way wrote (relative to ``.git``)."""
    return f"{PRIVATE}/pending.json"


def oversize(sha256: str, suffix: str = ".docx") -> str:
    """``quarantine/oversize/<sha256>.docx``: a file beyond the limits, kept but never committed
    (``.eml``: a fetched message that carries one, or is itself beyond ``limits: mail_mb``)."""
    return f"{QUARANTINE}/oversize/{sha256}{suffix}"


def waiter(chapter_id: str) -> str:
    """``penholder/waiting/<chapter>.json``: the process waiting for a chapter's sign-off."""
    return f"{PRIVATE}/waiting/{chapter_id}.json"


def waiter_log(chapter_id: str) -> str:
    """``penholder/waiting/<chapter>.log``: what that process said."""
    return f"{PRIVATE}/waiting/{chapter_id}.log"


def round_cache(round_id: str) -> str:
    """``penholder/rounds/<id>.json``: the round's record as last parsed, with a digest of the
    bytes it was parsed from (a pure optimisation: parsing the YAML again costs ~10 ms a round)."""
    return f"{PRIVATE}/rounds/{round_id}.json"


def history_cache() -> str:
    """``penholder/history/summary.json``: the replay of the history at some HEAD, kept so the
    next replay folds only the commits since (a pure optimisation: deleting it costs one replay)."""
    return f"{PRIVATE}/history/summary.json"


def history_ledger() -> str:
    """``penholder/history/ledger.json``: what the status reads of the history at some HEAD (when
    each chapter entered its stage; the return, round-close and consolidation commits), kept as
    the summary is (a pure optimisation: deleting it costs one replay)."""
    return f"{PRIVATE}/history/ledger.json"


def check_new_root(root: Path) -> None:
    """Raise DirtyWorkspace unless ``root`` is a new or empty folder."""
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise DirtyWorkspace(f"{root} is not empty; penholder init needs a new or empty folder")


def find_root(start: Path | None = None) -> Path:
    """Return the workspace folder holding ``start`` (default: cwd), or raise NotAWorkspace."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / GUIDELINE).is_file() and (folder / ".git").exists():
            return folder
    raise NotAWorkspace(
        f"{here} is not a penholder workspace (no {GUIDELINE} in a git repository here or "
        "above); create one with `penholder init DIR` or name one with --workspace"
    )
