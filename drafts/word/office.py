"""LibreOffice as a program: the one place penholder runs ``soffice`` (and ``pdftotext``).

Every soffice run uses a private profile (``-env:UserInstallation``) in a folder of the caller's, so
concurrent runs never share one, works on a private copy of its input (a ``.~lock`` file beside
a document makes later loads fail), and is bounded by ``timeout`` seconds: the whole process
group is killed after it (soffice.bin may outlive its launcher). soffice runs without the
virtualenv penholder may run in (``_office_env``): its embedded Python would take the
virtualenv's for its own and crash.

- ``to_pdf(docx, workdir)``: ``soffice --headless --convert-to pdf``; a fresh profile makes the
  first run restart itself, and when that run writes no PDF it is run once more.
- ``update_and_export(docx, workdir)``: what ``--convert-to`` cannot do: LibreOffice does not
  update fields and indexes on conversion, so a Python macro (``MACRO``, run inside soffice:
  Debian's ``libreoffice-script-provider-python``) loads the document, updates every index
  (the table of contents: entries and page numbers) and field, and stores it again as .docx
  (``MS Word 2007 XML``) and as PDF (``writer_pdf_Export``). The macro reads its job from the
  JSON file named by ``$PENHOLDER_OFFICE_JOB`` and writes "ok" or the error to ``<job>.result``.
- ``to_docx(source, workdir)``: a .odt or .doc return converted to .docx (``--convert-to``).
- ``pdf_pages(pdf)``: ``pdftotext -layout`` of each page; ``pdf_page_count(pdf)``: ``pdfinfo``.

Failures and timeouts are ``OfficeError`` (one sentence); ``require()`` refuses, saying how to
install it, when soffice or the poppler tools are missing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

from drafts.core.errors import PenholderError

INSTALL = (
    "install LibreOffice and poppler (Debian: `apt-get install libreoffice-writer-nogui "
    "libreoffice-script-provider-python poppler-utils`)"
)
_PYTHON_VARIABLES = ("VIRTUAL_ENV", "PYTHONHOME", "PYTHONPATH", "PYTHONSTARTUP")
_MACRO_NAME = "penholder_office.py"
_MACRO_URL = f"vnd.sun.star.script:{_MACRO_NAME}$update_and_export?language=Python&location=user"
#: runs inside soffice's own Python (``uno`` is there, not in penholder's environment)
MACRO = """
import json, os, traceback
import uno
from com.sun.star.beans import PropertyValue


def _prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def update_and_export(*args):
    job_file = os.environ["PENHOLDER_OFFICE_JOB"]
    try:
        job = json.load(open(job_file, encoding="utf-8"))
        desktop = XSCRIPTCONTEXT.getDesktop()
        url = uno.systemPathToFileUrl(job["src"])
        doc = desktop.loadComponentFromURL(url, "_blank", 0, (_prop("Hidden", True),))
        for _ in range(2):  # the table of contents takes pages itself: a second pass settles them
            indexes = doc.getDocumentIndexes()
            for i in range(indexes.getCount()):
                indexes.getByIndex(i).update()
            doc.getTextFields().refresh()
            doc.refresh()
        for path, kind in job["outputs"]:
            doc.storeToURL(uno.systemPathToFileUrl(path), (_prop("FilterName", kind),))
        doc.close(True)
        said = "ok"
    except Exception:
        said = traceback.format_exc()
    with open(job_file + ".result", "w", encoding="utf-8") as f:
        f.write(said)
"""


class OfficeError(PenholderError):
    """LibreOffice or a poppler tool is missing, failed on a document, or timed out."""


def require() -> None:
    """Refuse (``OfficeError``, saying how to install them) when a tool is missing."""
    missing = [t for t in ("soffice", "pdftotext", "pdfinfo") if shutil.which(t) is None]
    if missing:
        raise OfficeError(f"{' and '.join(missing)} not found: {INSTALL}")


def run(
    cmd: list[str], timeout: float, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run ``cmd`` (in ``env``, else this process's) in its own process group; kill the group
    after ``timeout`` seconds."""
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        env=env,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise OfficeError(f"{cmd[0]} took over {timeout:.0f} s on {cmd[-1]}; try again") from None
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def _office_env() -> dict[str, str]:
    """The environment soffice runs in: no virtualenv on PATH and no Python variables, since
    soffice's own Python (pyuno) takes a virtualenv's ``python3`` for its home and crashes."""
    env = {k: v for k, v in os.environ.items() if k not in _PYTHON_VARIABLES}
    keep = [d for d in env.get("PATH", "").split(os.pathsep) if not _in_virtualenv(d)]
    return env | {"PATH": os.pathsep.join(keep)}


def _in_virtualenv(folder: str) -> bool:
    return bool(folder) and (Path(folder).parent / "pyvenv.cfg").is_file()


def _soffice() -> str:
    found = shutil.which("soffice")
    if found is None:
        raise OfficeError(f"soffice not found: {INSTALL}")
    return found


def _profile(workdir: Path) -> str:
    return f"-env:UserInstallation={(workdir / 'lo-profile').resolve().as_uri()}"


def _last_line(done: subprocess.CompletedProcess[bytes]) -> str:
    lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else "no output"


def _convert(source: Path, workdir: Path, stem: str, to: str, timeout: float) -> Path:
    """``soffice --convert-to TO`` of a copy of ``source`` named ``stem`` in ``workdir``."""
    workdir.mkdir(parents=True, exist_ok=True)
    src = workdir / f"{stem}{source.suffix.lower()}"
    shutil.copyfile(source, src)
    cmd = [_soffice(), _profile(workdir), "--headless", "--convert-to", to,
           "--outdir", str(workdir), str(src)]  # fmt: skip
    out = workdir / f"{stem}.{to.split(':')[0]}"
    for _ in range(2):  # a fresh profile may make the first run restart and write nothing
        done = run(cmd, timeout, env=_office_env())
        if out.is_file():
            return out
    verb = "lay out" if to == "pdf" else "convert"
    raise OfficeError(f"LibreOffice could not {verb} {source}: {_last_line(done)}")


def to_pdf(docx: Path, workdir: Path, timeout: float = 120) -> Path:
    """Lay ``docx`` out with LibreOffice in ``workdir`` (a new, empty folder); return the PDF."""
    return _convert(docx, workdir, "packet", "pdf", timeout)


def to_docx(source: Path, workdir: Path, timeout: float = 120) -> Path:
    """Convert a .odt or .doc file to .docx with LibreOffice in ``workdir`` (new, empty)."""
    return _convert(source, workdir, "return", "docx:MS Word 2007 XML", timeout)


def update_and_export(docx: Path, workdir: Path, timeout: float = 300) -> tuple[Path, Path]:
    """Update ``docx``'s indexes and fields in LibreOffice; return the saved (.docx, .pdf)."""
    workdir.mkdir(parents=True, exist_ok=True)
    scripts = workdir / "lo-profile" / "user" / "Scripts" / "python"
    scripts.mkdir(parents=True, exist_ok=True)
    (scripts / _MACRO_NAME).write_text(MACRO, encoding="utf-8")
    src = (workdir / "in.docx").resolve()
    shutil.copyfile(docx, src)
    out_docx, out_pdf = src.with_name("out.docx"), src.with_name("out.pdf")
    job = workdir.resolve() / "job.json"
    outputs = [[str(out_docx), "MS Word 2007 XML"], [str(out_pdf), "writer_pdf_Export"]]
    job.write_text(json.dumps({"src": str(src), "outputs": outputs}), encoding="utf-8")
    result = Path(f"{job}.result")
    cmd = [_soffice(), _profile(workdir), "--headless", "--invisible", "--nologo", "--norestore",
           _MACRO_URL]  # fmt: skip
    for _ in range(2):  # a fresh profile may make the first run restart and run nothing
        done = run(cmd, timeout, env=_office_env() | {"PENHOLDER_OFFICE_JOB": str(job)})
        if result.is_file():
            break
    if not result.is_file():
        raise OfficeError(
            f"LibreOffice ran no macro on {docx} ({_last_line(done)}); is "
            "libreoffice-script-provider-python installed?"
        )
    said = result.read_text(encoding="utf-8")
    if said != "ok" or not out_docx.is_file() or not out_pdf.is_file():
        last = (said.strip().splitlines() or ["no result"])[-1]
        raise OfficeError(f"LibreOffice failed on {docx}: {last}")
    return out_docx, out_pdf


def pdf_pages(pdf: Path, timeout: float = 60) -> list[str]:
    """Return ``pdftotext -layout`` of each page of ``pdf``."""
    done = run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], timeout)
    if done.returncode:
        raise OfficeError(f"pdftotext failed on {pdf}: {done.stderr.decode(errors='replace')}")
    pages = done.stdout.decode("utf-8", "replace").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def pdf_page_count(pdf: Path, timeout: float = 60) -> int:
    """Return the number of pages of ``pdf`` as ``pdfinfo`` counts them."""
    done = run(["pdfinfo", str(pdf)], timeout)
    found = re.search(r"^Pages:\s+(\d+)", done.stdout.decode("utf-8", "replace"), re.M)
    if done.returncode or found is None:
        raise OfficeError(f"pdfinfo failed on {pdf}: {done.stderr.decode(errors='replace')}")
    return int(found[1])
