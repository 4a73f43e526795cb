"""Nothing private of the pen-holder's machine in what is sent (issue 19, point 7).

Every part of a real packet (chapter files, cover letters, the zip), of the consolidated matrix
(.xlsx and .docx) and of the consolidated chapter is scanned for the workspace path, $HOME, the
user name and the host name. The known leak was pandoc's metadata: every packet carried the
custom property ``bibliography=/abs/path/references.bib``.
"""

from __future__ import annotations

import getpass
import io
import os
import re
import socket
import zipfile
from pathlib import Path

import pytest

from drafts.workspace import Workspace
from reviewers.consolidate.build import consolidate
from reviewers.send.packets import build_packet
from tests.conftest import DRAFTER


def _secrets(ws: Workspace) -> tuple[list[str], list[str]]:
    """(strings that must appear nowhere, names that must not appear as a word in metadata or as
    a path or address anywhere)."""
    anywhere = [str(ws.root), str(ws.root.resolve())]
    home = os.path.expanduser("~")
    if len(home) > 1:
        anywhere.append(home)
    names = [n for n in {getpass.getuser(), socket.gethostname()} if n]
    return anywhere, names


def _parts(path: Path) -> dict[str, bytes]:
    """Every part of a zip package (recursing into packets' zips), or the file itself."""
    data = path.read_bytes()
    if not data.startswith(b"PK"):
        return {path.name: data}
    out: dict[str, bytes] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            inner = zf.read(info)
            out[f"{path.name}:{info.filename}"] = inner
            if inner.startswith(b"PK"):
                nested = path.parent / f".scan-{Path(info.filename).name}"
                nested.write_bytes(inner)
                out |= {f"{path.name}:{k}": v for k, v in _parts(nested).items()}
                nested.unlink()
    return out


def leaks(files: list[Path], ws: Workspace) -> list[str]:
    anywhere, names = _secrets(ws)
    found = []
    for path in files:
        for part, data in _parts(path).items():
            text = data.decode("utf-8", "replace")
            found += [f"{part}: {s}" for s in dict.fromkeys(anywhere) if s in text]
            meta = "docProps/" in part or part.endswith(".rels")
            for name in names:
                word = rf"(?<![\w.-]){re.escape(name)}(?![\w-])"
                shaped = rf"[/\\@]{re.escape(name)}\b|\b{re.escape(name)}@"
                if re.search(word if meta else shaped, text):
                    found.append(f"{part}: {name!r}")
    return found


def test_the_scan_finds_a_planted_path(example_ws: Workspace, tmp_path: Path) -> None:
    """The scan itself can fail: a property holding the workspace path is found."""
    planted = tmp_path / "planted.docx"
    with zipfile.ZipFile(planted, "w") as zf:
        zf.writestr("docProps/custom.xml", f"<p>{example_ws.root}/references.bib</p>")
        zf.writestr("docProps/app.xml", f"<Company>{socket.gethostname()}</Company>")
    assert len(leaks([planted], example_ws)) == 2


@pytest.mark.slow
def test_packets_letters_and_the_matrix_carry_no_private_data(returned) -> None:  # type: ignore[no-untyped-def]
    ws, rnd, _, _, experts = returned
    packet = build_packet(ws, rnd, ws.person(experts[0].id))
    sent = [packet.folder / name for name in packet.files] + [packet.zip]
    assert any(p.suffix == ".docx" and p.name.startswith("Chapter") for p in sent)
    assert any(p.name.startswith("Cover letter") for p in sent)
    done = consolidate(ws, "03", rnd.id, ws.identity(DRAFTER))
    matrix = [ws.root / done.xlsx, ws.root / done.matrix_docx, ws.root / done.docx]
    assert leaks(sent + matrix, ws) == []
