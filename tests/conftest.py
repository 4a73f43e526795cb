"""Shared fixtures: a pinned clock, an isolated git identity and Prefect home, real workspaces."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TODAY = "2024-03-04"
DRAFTER = "amina-odhiambo"


@pytest.fixture(scope="session", autouse=True)
def _isolated_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Pin the clock, run flows as plain functions, hide the user's git and Prefect config."""
    home = tmp_path_factory.mktemp("home")
    gitconfig = home / "gitconfig"
    gitconfig.write_text("")
    saved = dict(os.environ)
    os.environ.update(
        {
            "PENHOLDER_TODAY": TODAY,
            "PENHOLDER_ENGINE": "off",
            "GIT_CONFIG_GLOBAL": str(gitconfig),
            "GIT_CONFIG_NOSYSTEM": "1",
            "PREFECT_HOME": str(home / "prefect"),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_LOGGING_LEVEL": "WARNING",
        }
    )
    for key in ("PENHOLDER_WORKSPACE", "PENHOLDER_AS", "PREFECT_API_URL"):
        os.environ.pop(key, None)
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(scope="session")
def _example_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from drafts import chapters

    root = tmp_path_factory.mktemp("template") / "ws"
    files, chapter_files = chapters.example_files()
    chapters.create_workspace(root, files, chapter_files, DRAFTER)
    return root


@pytest.fixture
def example_ws(tmp_path: Path, _example_template: Path):  # type: ignore[no-untyped-def]
    """A fresh copy of the example workspace (a real git repository), opened."""
    from drafts.workspace import Workspace

    root = tmp_path / "ws"
    shutil.copytree(_example_template, root, symlinks=True)
    return Workspace.open(root)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run ``penholder ARGS...``; return (exit code, stdout, stderr)."""
    from flows.cli import main

    def run(*args: str | Path) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def soffice_or_skip() -> str:
    """Return the soffice path; skip when absent (fail in CI, where it must be installed)."""
    path = shutil.which("soffice")
    if path is None:
        if os.environ.get("PENHOLDER_CI"):
            pytest.fail("soffice is missing in CI; .ci/system-deps.sh should have installed it")
        pytest.skip("LibreOffice (soffice) is not installed")
    return path


@pytest.fixture(autouse=True)
def _no_guards_left_behind() -> Iterator[None]:
    """Each test starts with the stage guards it installs itself (flows install them all)."""
    from drafts import chapters

    saved = list(chapters.GUARDS)
    chapters.GUARDS.clear()
    yield
    chapters.GUARDS[:] = saved
