"""Benchmark of the review-annotation reader (prints figures; not a test).

For every corpus file and a generated 20,000-word chapter with 300 tracked changes and 100
comments: the reader's time in ms, as a ratio to the bare unzip + lxml parse of all XML parts of
the same file, and pandoc ``-f docx --track-changes=all -t json`` timed in the same run.
Aim: under 3x the bare parse. Run: ``.venv/bin/python bench/bench_reader.py [--no-pandoc]``.
"""

from __future__ import annotations

import io
import sys
import time
import zipfile
from pathlib import Path

from lxml import etree

from drafts.ooxml.reader import read_annotations

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "word"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


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


def chapter(words: int = 20_000, changes: int = 300, comments: int = 100) -> bytes:
    """A chapter of ``words`` words in 400 paragraphs, with tracked changes and comments."""
    d = 'w:author="Reviewer {n}" w:date="2026-03-01T10:00:00Z"'
    paras = []
    per = words // 400
    rid = 1000
    for i in range(400):
        text = " ".join(f"word{i}x{j}" for j in range(per - 6))
        inner = f'<w:r><w:t xml:space="preserve">{text} </w:t></w:r>'
        if i < changes:
            rid += 1
            inner += (
                (
                    f'<w:del w:id="{rid}" {d.format(n=i % 7)}><w:r><w:delText>old words here'
                    f"</w:delText></w:r></w:del>"
                )
                if i % 2
                else (
                    f'<w:ins w:id="{rid}" {d.format(n=i % 7)}><w:r><w:t>new words here</w:t>'
                    "</w:r></w:ins>"
                )
            )
        if i < comments:
            inner = (
                f'<w:commentRangeStart w:id="{i}"/>{inner}<w:commentRangeEnd w:id="{i}"/>'
                f'<w:r><w:commentReference w:id="{i}"/></w:r>'
            )
        paras.append(f"<w:p>{inner}<w:r><w:t> end.</w:t></w:r></w:p>")
    body = "".join(paras)
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
        "word/document.xml": f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>',
        "word/comments.xml": f'<w:comments xmlns:w="{W}">{comment_xml}</w:comments>',
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return out.getvalue()


def row(label: str, data: bytes, with_pandoc: bool, repeat: int = 5) -> tuple[float, float]:
    reader = best(lambda: read_annotations(data), repeat)
    bare = best(lambda: bare_parse(data), repeat)
    line = f"{label[:52]:52} {reader:8.1f} ms {bare:7.1f} ms {reader / bare:6.2f}x"
    if with_pandoc:
        pan = best(lambda: pandoc_json(data), 1)
        line += f" {pan:8.1f} ms {pan / bare:7.1f}x"
    print(line)
    return reader, bare


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
    data = chapter()
    a = read_annotations(data)
    print(f"chapter: {len(a.revisions)} revisions, {len(a.comments)} comments")
    row("20,000-word chapter, 300 changes, 100 comments", data, with_pandoc, repeat=7)


if __name__ == "__main__":
    main(sys.argv[1:])
