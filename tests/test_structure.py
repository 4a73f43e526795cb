"""The shape of the house: small modules, folders a reader can take in at a glance.

The import rules (layers, who may import lxml, git, Prefect, the simulator) are import-linter
contracts in pyproject.toml, checked by ``make lint``; these are the size rules.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGES = ("drafts", "reviewers", "flows")
MAX_LINES = 450
MAX_FLAT_MODULES = 12


def _modules() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


def _folders() -> list[Path]:
    return sorted({p.parent for p in _modules()})


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_is_longer_than_450_lines(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines: split it by concern"


@pytest.mark.parametrize("folder", _folders(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_folder_holds_more_than_12_flat_modules(folder: Path) -> None:
    flat = [p.name for p in folder.glob("*.py") if p.name != "__init__.py"]
    assert len(flat) <= MAX_FLAT_MODULES, f"{folder.relative_to(ROOT)}: {sorted(flat)}"


def test_every_package_folder_is_a_package() -> None:
    missing = [f.relative_to(ROOT) for f in _folders() if not (f / "__init__.py").is_file()]
    assert not missing
