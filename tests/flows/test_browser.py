"""The status page in a real browser: Debian's Chromium driven by Playwright, the page served by
uvicorn on a free loopback port. Every request stays on 127.0.0.1, axe-core finds nothing, the
returns grid reads as a table, and a screenshot is kept in ``test-artefacts/`` (git-ignored).

Needs ``/usr/bin/chromium`` (``.ci/system-deps.sh`` installs it); never ``playwright install``.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from drafts.workspace import Workspace
from flows.web.app import create_app
from tests.conftest import ROOT
from tests.flows.test_web import in_review  # noqa: F401  (the fixture)

pytestmark = pytest.mark.slow
CHROMIUM = "/usr/bin/chromium"
ARTEFACTS = ROOT / "test-artefacts"


def chromium_or_skip() -> str:
    if not Path(CHROMIUM).exists():
        if os.environ.get("PENHOLDER_CI"):
            pytest.fail("chromium is missing in CI; .ci/system-deps.sh should have installed it")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return CHROMIUM


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(in_review: Workspace) -> Iterator[str]:  # noqa: F811
    import uvicorn

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(in_review.root), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_the_page_in_chromium(served: str, tmp_path: Path) -> None:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    executable = chromium_or_skip()
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("request", lambda r: requests.append(r.url))
            assert page.goto(served + "/").status == 200  # type: ignore[union-attr]
            assert page.title().startswith("Status: ")
            results = Axe().run(page)
            assert results.violations_count == 0, results.generate_report()
            grid = page.locator("#returns-grid").aria_snapshot()
            assert grid.startswith(
                "- 'table \"Reviewer by chapter: who returned, who owes a return\"'"
            )
            assert 'columnheader "03 (R1)"' in grid and 'columnheader "owed"' in grid
            assert 'cell "returned"' in grid and 'cell "not sent"' in grid
            shot = tmp_path / "status-page.png"
            page.screenshot(path=str(shot), full_page=True)
            ARTEFACTS.mkdir(exist_ok=True)
            shutil.copy(shot, ARTEFACTS / "status-page.png")
            (ARTEFACTS / "returns-grid.aria.yaml").write_text(grid, encoding="utf-8")
            page.click('#chapters-table a[href="/chapter/03"]')
            assert page.url == served + "/chapter/03"
            assert Axe().run(page).violations_count == 0
            quiet = browser.new_context(java_script_enabled=False).new_page()
            quiet.on("request", lambda r: requests.append(r.url))
            assert quiet.goto(served + "/").status == 200  # type: ignore[union-attr]
            assert quiet.locator("#returns-grid").is_visible()
        finally:
            browser.close()
    assert requests and all(u.startswith(served + "/") for u in requests), requests
