"""The ground floor: atomic writes, bytes-as-paths, the one clock, where the templates are."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafts.core import clock, resources
from drafts.core.errors import ConfigError, PenholderError
from drafts.core.files import as_path, atomic_output


def test_atomic_output_replaces_the_file_only_on_success(tmp_path: Path) -> None:
    out = tmp_path / "matrix.xlsx"
    out.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_output(out) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("killed halfway")
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["matrix.xlsx"]  # no temporary left
    with atomic_output(out) as tmp:
        tmp.write_bytes(b"new")
    assert out.read_bytes() == b"new"


def test_atomic_output_refuses_a_folder_naming_the_way_out(tmp_path: Path) -> None:
    with pytest.raises(PenholderError, match="is a folder; name the file"), atomic_output(tmp_path):
        pass


def test_as_path_gives_bytes_a_file_and_removes_it(tmp_path: Path) -> None:
    with as_path(b"bytes", tmp_path) as path:
        assert path.read_bytes() == b"bytes"
        made = path
    assert not made.exists()
    given = tmp_path / "given.docx"
    given.write_bytes(b"x")
    with as_path(given, tmp_path) as path:
        assert path == given
    assert given.exists()


def test_the_clock_is_pinned_at_noon_in_the_guideline_timezone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PENHOLDER_TODAY", "2024-03-22")
    now = clock.now("Africa/Nairobi")
    assert (now.date().isoformat(), now.hour, now.utcoffset().total_seconds()) == (  # type: ignore[union-attr]
        "2024-03-22",
        12,
        3 * 3600,
    )
    monkeypatch.setenv("PENHOLDER_TODAY", "22/03/2024")
    with pytest.raises(ConfigError, match="not an ISO date"):
        clock.today()
    monkeypatch.delenv("PENHOLDER_TODAY")
    assert clock.pinned() is None
    with pytest.raises(ConfigError, match="unknown timezone 'Mars/Olympus'"):
        clock.now("Mars/Olympus")


def test_templates_are_found_as_package_data() -> None:
    assert resources.reference_docx().read_bytes()[:2] == b"PK"
    assert (resources.letters() / "cover.txt.j2").is_file()
