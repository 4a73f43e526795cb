"""The status page over HTTP (FastAPI's TestClient) and as one file: read-only, nothing from
elsewhere, a token off loopback, the same bytes for the same repository."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from drafts.core.errors import ConfigError
from drafts.workspace import Workspace
from flows.web.app import create_app
from reviewers.rounds import lifecycle as rounds
from tests.conftest import DRAFTER
from tests.helpers.returns import plain_return

LINKS = re.compile(r"""\b(?:src|href|action)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)


@pytest.fixture
def in_review(example_ws: Workspace, tmp_path: Path) -> Workspace:
    """Round R1 on 02 and 03 for three experts; one returned chapter 03."""
    ws = example_ws
    ewg = [p.id for p in ws.people if "ewg" in p.groups][:3]
    rnd = rounds.open_round(ws, ["02", "03"], ewg, date(2024, 3, 22), ws.identity(DRAFTER))
    plain_return(ws, tmp_path, "R1", next(i for i in rnd.items if i.chapter == "03").reviewer, "03")
    return ws


def assert_nothing_from_elsewhere(html: str) -> None:
    for target in LINKS.findall(html):
        assert target.startswith(("#", "/")) and not target.startswith("//"), target
    assert "<script" not in html.lower() and "<form" not in html.lower()
    assert "@import" not in html
    assert all(u.startswith("#") for u in re.findall(r"url\(\s*['\"]?([^)'\"]*)", html))
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "an id is used twice"


def test_the_overview_chapter_pages_and_json(in_review: Workspace) -> None:
    client = TestClient(create_app(in_review.root))
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "Next EGM: <strong>EGM1</strong>" in html and "50 days left" in html
    assert "<strong>0 of 3</strong> chapters on its agenda ready" in html
    assert 'id="returns-grid"' in html and html.count("<svg ") == 3
    assert html.count('role="img"') == 3 and html.count("<title id=") == 3
    assert "returned" in html and "not sent" in html
    assert_nothing_from_elsewhere(html)
    assert "default-src 'none'" in page.headers["content-security-policy"]
    ch = client.get("/chapter/03")
    assert ch.status_code == 200 and "Round R1: revision 1" in ch.text
    assert_nothing_from_elsewhere(ch.text)
    assert client.get("/chapter/99").status_code == 404
    data = client.get("/status.json").json()
    three = next(c for c in data["chapters"] if c["id"] == "03")
    assert (three["returns_in"], three["returns_expected"]) == (1, 3)


def test_the_page_offers_no_way_to_change_anything(in_review: Workspace) -> None:
    client = TestClient(create_app(in_review.root))
    head = in_review.head()
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)("/").status_code == 405
    assert client.get("/docs").status_code == 404 and client.get("/openapi.json").status_code == 404
    assert in_review.head() == head


def test_off_loopback_a_token_is_required(in_review: Workspace) -> None:
    with pytest.raises(ConfigError, match="needs an access token"):
        create_app(in_review.root, host="0.0.0.0")
    client = TestClient(create_app(in_review.root, token="s3cret", host="0.0.0.0"))
    assert client.get("/").status_code == 401
    assert client.get("/", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/status.json").status_code == 401
    assert client.get("/", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    once = client.get("/?token=s3cret")
    assert once.status_code == 200 and "httponly" in once.headers["set-cookie"].lower()
    assert client.get("/chapter/03").status_code == 200  # the cookie carries it now
    assert TestClient(create_app(in_review.root, token="s3cret")).get("/").status_code == 401


def test_web_off_loopback_warns_and_refuses_without_a_token(in_review: Workspace, cli) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli("web", "-w", in_review.root, "--host", "0.0.0.0")
    assert code == 1 and out == ""
    assert "warning: serving on 0.0.0.0" in err and "needs an access token" in err


def test_status_html_is_one_self_contained_file_the_same_each_time(
    in_review: Workspace, tmp_path: Path, cli
) -> None:  # type: ignore[no-untyped-def]
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    assert cli("status", "-w", in_review.root, "--html", first)[0] == 0
    assert cli("status", "-w", in_review.root, "--html", second)[0] == 0
    html = first.read_text(encoding="utf-8")
    assert html == second.read_text(encoding="utf-8")
    assert_nothing_from_elsewhere(html)
    assert 'href="#chapter-03"' in html and 'id="chapter-03"' in html
    assert 'href="/' not in html  # no link needs a server
    assert "<style>" in html and html.count("<svg ") == 3
