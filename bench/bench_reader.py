"""Benchmark of the review-annotation reader (prints figures; not a test).

For every corpus file and a generated 20,000-word chapter with 300 tracked changes and 100
comments (once with one run per paragraph, once as Word writes it: ``chapter(word_like=True)``):
the reader's time in ms, as a ratio to the bare unzip + lxml parse of all XML parts of
the same file, and pandoc ``-f docx --track-changes=all -t json`` timed in the same run.
The reader and the bare parse are timed back to back, ``repeat`` times, in CPU time of this
process (``time.process_time``: both are single-threaded and CPU-bound, and on a machine shared
with other jobs wall time measures the queue: with a load of 16 on 2 cores the wall-clock ratio
of the chapter read 33x one run and 7x the next); each figure is the mean of the repeats, the
reader's with what its reads left to the garbage collector, freed once at the end (``paired``:
a median would drop the samples where that is paid). Aims (issue 18, ``bench/aims.py``): the corpus
within 1.5x, the chapter and its Word-style twin within 2x of the bare parse.
Run: ``.venv/bin/python bench/bench_reader.py [--no-pandoc]``.
"""

from __future__ import annotations

import gc
import io
import sys
import time
import zipfile
from pathlib import Path

from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parent))
from aims import aim

from drafts.ooxml.read.reader import read_annotations

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "word"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"


def best(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def bare_parse(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(zf.read(name))


def pandoc_json(data: bytes) -> None:
    import pypandoc

    with open("/tmp/penholder-bench.docx", "wb") as fh:
        fh.write(data)
    pypandoc.convert_file(
        "/tmp/penholder-bench.docx", "json", format="docx", extra_args=["--track-changes=all"]
    )


def chapter(
    words: int = 20_000, changes: int = 300, comments: int = 100, word_like: bool = False
) -> bytes:
    """A chapter of ``words`` words in 400 paragraphs, with tracked changes and comments.

    By default each paragraph is one long run, so the bare parse is nearly free. ``word_like``
    writes the same text as Word does after a few editing sessions: paragraph properties and
    ``w14:paraId``/rsid attributes on every paragraph, runs of about six words split by
    revision-save ids, each with its own ``w:rPr`` (fonts, language), and proofing marks.
    """
    d = 'w:author="Reviewer {n}" w:date="2026-03-01T10:00:00Z"'
    paras = []
    per = words // 400
    rid = 1000
    rpr = '<w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri"/><w:lang w:val="en-GB"/></w:rPr>'

    def runs(text: str, tag: str = "t", rsid: str = "00A1B2C3") -> str:
        if not word_like:
            space = ' xml:space="preserve"' if text.endswith(" ") else ""
            return f"<w:r><w:{tag}{space}>{text}</w:{tag}></w:r>"
        pieces = text.split(" ")
        out = []
        for k in range(0, len(pieces), 6):
            chunk = " ".join(pieces[k : k + 6]) + (" " if k + 6 < len(pieces) else "")
            if k and k % 24 == 0:
                out.append('<w:proofErr w:type="spellStart"/>')
            out.append(
                f'<w:r w:rsidR="{rsid}" w:rsidRPr="00{k:06X}">{rpr}'
                f'<w:{tag} xml:space="preserve">{chunk}</w:{tag}></w:r>'
            )
        return "".join(out)

    for i in range(400):
        text = " ".join(f"word{i}x{j}" for j in range(per - 6))
        inner = runs(text + " ")
        if i < changes:
            rid += 1
            inner += (
                (
                    f'<w:del w:id="{rid}" {d.format(n=i % 7)}>{runs("old words here", "delText")}'
                    "</w:del>"
                )
                if i % 2
                else (f'<w:ins w:id="{rid}" {d.format(n=i % 7)}>{runs("new words here")}</w:ins>')
            )
        if i < comments:
            inner = (
                f'<w:commentRangeStart w:id="{i}"/>{inner}<w:commentRangeEnd w:id="{i}"/>'
                f'<w:r><w:commentReference w:id="{i}"/></w:r>'
            )
        if word_like:
            inner = (
                '<w:pPr><w:pStyle w:val="BodyText"/><w:spacing w:after="120" w:line="276"/>'
                f'<w:jc w:val="both"/>{rpr}</w:pPr>{inner}'
            )
            attrs = f' w14:paraId="{i:08X}" w14:textId="77{i:06X}" w:rsidR="00B{i:05X}"'
            paras.append(f"<w:p{attrs}>{inner}{runs(' end.')}</w:p>")
        else:
            paras.append(f"<w:p>{inner}<w:r><w:t> end.</w:t></w:r></w:p>")
    body = "".join(paras)
    w14 = f' xmlns:w14="{W14}"' if word_like else ""
    comment_xml = "".join(
        f'<w:comment w:id="{i}" w:author="Reviewer {i % 5}" w:date="2026-03-01T10:00:00Z">'
        f"<w:p><w:r><w:t>Remark number {i} on this paragraph.</w:t></w:r></w:p></w:comment>"
        for i in range(comments)
    )
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    ct = "application/vnd.openxmlformats-officedocument.wordprocessingml."
    files = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/word/document.xml" ContentType="{ct}document.main+xml"/>'
            f'<Override PartName="/word/comments.xml" ContentType="{ct}comments+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}officeDocument" Target="word/document.xml"/>'
            "</Relationships>"
        ),
        "word/_rels/document.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}comments" Target="comments.xml"/>'
            "</Relationships>"
        ),
        "word/document.xml": (
            f'<w:document xmlns:w="{W}"{w14}><w:body>{body}</w:body></w:document>'
        ),
        "word/comments.xml": f'<w:comments xmlns:w="{W}">{comment_xml}</w:comments>',
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return out.getvalue()


def left_for_collector() -> float:
    """CPU seconds a full collection takes beyond an empty one: freeing what was left to it
    (0 when it finds nothing: the difference of two collections would only be noise)."""
    start = time.process_time()
    found = gc.collect()
    middle = time.process_time()
    gc.collect()
    if not found:
        return 0.0
    return max((middle - start) - (time.process_time() - middle), 0.0)


def paired(data: bytes, repeat: int) -> tuple[float, float]:
    """Mean CPU ms of the reader and of the bare parse, timed back to back ``repeat`` times.

    Means, not medians: what a read leaves behind is paid in a few samples (a pass of the
    garbage collector freeing the trees a reader left in reference cycles, the heap growing
    meanwhile), and a median drops exactly those. The collection is emptied before the
    repeats, and what each read left to it is freed after it, timed, and counted to the
    reader, so that the bare parse timed next starts from the same clean heap and never pays
    for the reader's leftovers in a collection its own allocations set off (the bare parse
    leaves nothing: its trees go with their last reference).
    """
    read_annotations(data)  # warm: imports, caches
    gc.collect()
    reader = bare = 0.0
    for _ in range(repeat):
        start = time.process_time()
        read_annotations(data)
        reader += time.process_time() - start
        reader += left_for_collector()  # else the bare parse's allocations would pay for it
        middle = time.process_time()
        bare_parse(data)
        bare += time.process_time() - middle
    return reader / repeat * 1000, bare / repeat * 1000


def row(label: str, data: bytes, with_pandoc: bool, repeat: int = 5) -> tuple[float, float]:
    reader, bare = paired(data, repeat)
    line = f"{label[:52]:52} {reader:8.1f} ms {bare:7.1f} ms {reader / bare:6.2f}x"
    if with_pandoc:
        pan = best(lambda: pandoc_json(data), 1)
        line += f" {pan:8.1f} ms {pan / bare:7.1f}x"
        PANDOC[label] = (pan, bare)
    print(line)
    return reader, bare


PANDOC: dict[str, tuple[float, float]] = {}


def main(argv: list[str]) -> None:
    with_pandoc = "--no-pandoc" not in argv
    header = f"{'file':52} {'reader':>11} {'bare parse':>10} {'ratio':>7}"
    if with_pandoc:
        header += f" {'pandoc':>11} {'pandoc/bare':>8}"
    print(header)
    total_reader = total_bare = 0.0
    if CORPUS.exists():
        for path in sorted(CORPUS.rglob("*.docx")):
            r, b = row(str(path.relative_to(CORPUS)), path.read_bytes(), with_pandoc)
            total_reader += r
            total_bare += b
        print(
            f"{'corpus total (56 files)':52} {total_reader:8.1f} ms {total_bare:7.1f} ms "
            f"{total_reader / total_bare:6.2f}x"
        )
        aim(
            "reader-corpus",
            "reader, 56-file corpus",
            "bare unzip + lxml parse",
            total_reader / total_bare,
            f"{total_reader:.0f} ms against {total_bare:.0f} ms (CPU time, sum of per-file means of 5)",
        )
    data = chapter()
    a = read_annotations(data)
    print(f"chapter: {len(a.revisions)} revisions, {len(a.comments)} comments")
    label = "20,000-word chapter, 300 changes, 100 comments"
    r, b = row(label, data, with_pandoc, repeat=21)
    aim(
        "reader-chapter",
        "reader, 20,000-word chapter, 300 changes, 100 comments",
        "bare parse",
        r / b,
        f"{r:.1f} ms against {b:.1f} ms (CPU time, means of 21)",
    )
    if label in PANDOC:
        pan, bare = PANDOC[label]
        aim(
            "reader-pandoc",
            "pandoc as a reader, same chapter",
            "bare parse",
            pan / bare,
            f"{pan:.0f} ms wall time of pandoc (one run) against {bare:.1f} ms",
        )
    data = chapter(word_like=True)
    a2 = read_annotations(data)
    assert (a2.text_before, a2.text_after) == (a.text_before, a.text_after)
    r, b = row("the same chapter as Word writes it (runs, rsids, rPr)", data, with_pandoc, 21)
    aim(
        "reader-word",
        "reader, the same chapter as Word writes it (runs, rsids)",
        "bare parse",
        r / b,
        f"{r:.1f} ms against {b:.1f} ms (CPU time, means of 21)",
    )


if __name__ == "__main__":
    main(sys.argv[1:])
