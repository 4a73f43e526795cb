"""The package layer refuses hostile and non-Word files with one clear sentence, fast."""

from __future__ import annotations

import io
import zipfile

import pytest

from drafts.core.errors import DocumentError, NotAWordDocument, UnsafeDocument
from drafts.ooxml.read.package import open_package
from tests.helpers.hostile import (
    BILLION_LAUGHS,
    XXE,
    deflated_zeros,
    make_docx_member,
    replace_member,
    zip_with_raw_member,
)
from tests.helpers.reader_helpers import CORPUS, CT, make_docx, p, r


def test_opens_a_minimal_docx_and_finds_its_parts():
    pkg = open_package(make_docx(p(r("Hello"))), name="mini.docx")
    assert pkg.main_part == "word/document.xml"
    assert "word/document.xml" in pkg.names
    assert pkg.xml("word/document.xml") is not None
    assert pkg.xml("word/nothing.xml") is None
    assert pkg.application == "Test Writer"
    assert pkg.custom_properties() == {}


def test_refuses_a_zip_bomb_before_decompressing_it():
    """1 GiB of zeros in about 1 MB: refused from the central directory, never decompressed."""
    bomb = zip_with_raw_member(
        "word/media/zeros.bin",
        deflated_zeros(1024),
        1 << 30,
        {n: make_docx_member(n) for n in ("[Content_Types].xml", "_rels/.rels")},
    )
    assert len(bomb) < 2_000_000
    real_open = zipfile.ZipFile.open

    def guarded(self, name, *args, **kwargs):  # type: ignore[no-untyped-def]
        member = name if isinstance(name, str) else name.filename
        assert member != "word/media/zeros.bin", "the bomb was decompressed"
        return real_open(self, name, *args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(zipfile.ZipFile, "open", guarded)
        with pytest.raises(UnsafeDocument, match="zip bomb"):
            open_package(bomb, name="bomb.docx")


def test_refuses_a_member_that_unpacks_to_more_than_it_declares():
    """A lying central directory (declares 2 KB, holds 20 MiB) is caught while reading."""
    lying = zip_with_raw_member(
        "word/document.xml",
        deflated_zeros(20),
        2048,
        {n: make_docx_member(n) for n in ("[Content_Types].xml", "_rels/.rels")},
    )
    with pytest.raises(DocumentError, match="liar.docx"):
        pkg = open_package(lying, name="liar.docx")
        pkg.read("word/document.xml")


@pytest.mark.parametrize("payload", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "xxe"])
def test_refuses_doctype_and_entities_in_a_part(payload):
    docx = replace_member(make_docx(p(r("x"))), "word/document.xml", payload)
    pkg = open_package(docx, name="evil.docx")
    with pytest.raises(UnsafeDocument, match="evil.docx.*DOCTYPE"):
        pkg.xml("word/document.xml")


def test_refuses_a_doctype_in_content_types_when_opening():
    docx = replace_member(make_docx(p(r("x"))), "[Content_Types].xml", XXE)
    with pytest.raises(UnsafeDocument):
        open_package(docx, name="evil.docx")


def test_refuses_a_macro_enabled_document():
    docm = make_docx(
        p(r("x")),
        main_ct="application/vnd.ms-word.document.macroEnabled.main+xml",
        extra_files={"word/vbaProject.bin": b"\x00" * 64},
    )
    with pytest.raises(NotAWordDocument, match=r"macros\.docx.*macro-enabled"):
        open_package(docm, name="macros.docx")


def test_refuses_a_vba_project_even_under_a_docx_content_type():
    docx = make_docx(p(r("x")), extra_files={"word/vbaProject.bin": b"\x00" * 64})
    with pytest.raises(NotAWordDocument, match="macro"):
        open_package(docx, name="sneaky.docx")


def _odt() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "PDF"),
        (b"{\\rtf1\\ansi\\deff0 {\\fonttbl}}", "RTF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "OLE2"),
        (_odt(), "OpenDocument"),
        (bytes(range(256)) * 8, "not a zip"),
        (b"", "not a zip"),
    ],
    ids=["pdf", "rtf", "doc", "odt", "random", "empty"],
)
def test_refuses_other_formats_renamed_docx(data, needle):
    with pytest.raises(NotAWordDocument, match=f"renamed.docx.*{needle}"):
        open_package(data, name="renamed.docx")


def test_refuses_a_truncated_zip():
    docx = make_docx(p(r("Hello")))
    with pytest.raises(NotAWordDocument, match="trunc.docx.*damaged"):
        open_package(docx[: len(docx) // 2], name="trunc.docx")


def test_refuses_a_zip_that_is_not_an_office_package():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(NotAWordDocument, match="Content_Types"):
        open_package(out.getvalue(), name="plain.zip")


def test_refuses_a_spreadsheet_named_docx():
    docx = make_docx(
        p(r("x")),
        main_ct="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    )
    with pytest.raises(NotAWordDocument, match="content type"):
        open_package(docx, name="book.docx")


def test_accepts_a_template_main_part():
    pkg = open_package(make_docx(p(r("x")), main_ct=CT + "template.main+xml"))
    assert pkg.main_part == "word/document.xml"


def test_refuses_too_many_parts():
    files = {f"word/media/{i}.bin": b"" for i in range(3001)}
    with pytest.raises(UnsafeDocument, match="parts"):
        open_package(make_docx(p(r("x")), extra_files=files), name="many.docx")


def test_names_the_path_in_messages(tmp_path):
    path = tmp_path / "report.docx"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(NotAWordDocument, match="report.docx"):
        open_package(path)
    with pytest.raises(NotAWordDocument, match="cannot be read"):
        open_package(tmp_path / "missing.docx")


def _elements(data: bytes) -> int:
    """The elements lxml finds in every XML part of the package ``data`` (the exact count)."""
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = [n for n in zf.namelist() if n.lower().endswith((".xml", ".rels"))]
        return sum(sum(1 for _ in etree.fromstring(zf.read(n)).iter()) for n in names)


@pytest.mark.parametrize("path", sorted(CORPUS.rglob("*.docx")), ids=lambda p: p.name)
def test_the_node_limit_counts_exactly_the_elements_of_a_real_word_file(path) -> None:  # type: ignore[no-untyped-def]
    from drafts.core.limits import Limits, TooLarge
    from drafts.ooxml.read.package import measure

    data = path.read_bytes()
    n = _elements(data)
    measure(data, path.name, Limits(xml_nodes=n))  # exactly at the limit: admitted
    with pytest.raises(TooLarge, match="more XML nodes than allowed"):
        measure(data, path.name, Limits(xml_nodes=n - 1))


def test_a_tag_split_across_read_chunks_is_counted_once() -> None:
    from drafts.ooxml.read.package import _start_tags

    xml = b'<?xml version="1.0"?><!-- a --><a><b/><c>x &lt; y</c></a>'
    assert _start_tags(xml, b"") == 3
    for cut in range(1, len(xml)):
        head, rest = xml[:cut], xml[cut:]
        assert _start_tags(head, b"") + _start_tags(rest, head[-1:]) == 3, cut
