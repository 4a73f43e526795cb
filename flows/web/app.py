"""``penholder web``: the status page served read-only by FastAPI (GET only, no form, no write).

``create_app(root, token=None, host="127.0.0.1")`` serves:

- ``/``: the overview (``flows.web.page.index``); ``/chapter/<id>``: one chapter;
- ``/status.json``: the builder's JSON, as ``penholder status --json`` prints it.

Pages are built from the repository on request and kept until HEAD or the day changes (so a
second look is a dictionary read). Off loopback a token is required: ``Authorization: Bearer
TOKEN``, or ``?token=TOKEN`` once, after which an HttpOnly cookie carries it; anything else gets
401. Every response forbids loading anything from elsewhere (Content-Security-Policy).
"""

from __future__ import annotations

import hmac
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path

from drafts.core.errors import ConfigError
from drafts.workspace import Workspace

LOOPBACK = ("127.0.0.1", "localhost", "::1")
COOKIE = "penholder_token"
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)


class Pages:
    """Pages built for one (HEAD, today), rebuilt when either moves."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.key: tuple[str | None, str] | None = None
        self.built: dict[str, str | None] = {}
        self.lock = threading.Lock()

    def get(self, name: str, make: Callable[[Workspace], str | None]) -> str | None:
        with self.lock:
            ws = Workspace(self.root)
            key = (ws.head(), ws.now().date().isoformat())
            if key != self.key:
                self.key, self.built = key, {}
            if name not in self.built:
                self.built[name] = make(ws)
            return self.built[name]


def _supplied(request) -> tuple[str | None, bool]:
    """Return the token the request carries and whether it came in the query string."""
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip(), False
    if "token" in request.query_params:
        return request.query_params["token"], True
    return request.cookies.get(COOKIE), False


def create_app(root: Path, token: str | None = None, host: str = "127.0.0.1"):
    """Return the read-only FastAPI app over the workspace at ``root`` (see module docstring)."""
    from fastapi import FastAPI, Request
    from fastapi.responses import HTMLResponse, PlainTextResponse, Response

    from flows.web import page
    from reviewers.status import build_status

    if host not in LOOPBACK and not token:
        raise ConfigError(f"serving on {host} needs an access token (--token or PENHOLDER_TOKEN)")
    app = FastAPI(title="penholder status", docs_url=None, redoc_url=None, openapi_url=None)
    pages = Pages(root)

    @app.middleware("http")
    async def guard(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        from_query = False
        if token:
            supplied, from_query = _supplied(request)
            if not supplied or not hmac.compare_digest(supplied.encode(), token.encode()):
                return PlainTextResponse(
                    "401: this status page needs its access token "
                    "(Authorization: Bearer TOKEN, or ?token=TOKEN once)",
                    status_code=401,
                    headers={"WWW-Authenticate": "Bearer"},
                )
        response = await call_next(request)
        if from_query and token:
            response.set_cookie(COOKIE, token, httponly=True, samesite="strict")
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.get("/", response_class=HTMLResponse)
    def overview() -> HTMLResponse:
        html = pages.get("/", lambda ws: page.index(ws, build_status(ws)))
        return HTMLResponse(html or "")

    @app.get("/chapter/{chapter_id}", response_class=HTMLResponse)
    def chapter(chapter_id: str) -> HTMLResponse:
        html = pages.get(
            f"/chapter/{chapter_id}", lambda ws: page.chapter(ws, build_status(ws), chapter_id)
        )
        if html is None:
            return HTMLResponse(f"no chapter {chapter_id!r}", status_code=404)
        return HTMLResponse(html)

    @app.get("/status.json")
    def status_json() -> Response:
        text = pages.get("/status.json", lambda ws: build_status(ws).model_dump_json(indent=2))
        return Response(text or "{}", media_type="application/json")

    return app
