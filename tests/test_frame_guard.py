"""No other site frames the dashboard (``oversight.ui.frame_guard``): review of 5 Dec (h6), a page the local user
visited showed the 数据管理 page, its import and undo, in an iframe of its own, where clicks could be steered."""

from __future__ import annotations

import shutil
import urllib.request

import pytest

from oversight.data import store
from oversight.ui.frame_guard import FRAME_HEADERS, FrameGuardMiddleware
from tests.browser.conftest import start_server, stop_server
from tests.event_loop import run_apart


def _headers_through_guard(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    sent: list[dict] = []

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b""})

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    scope = {"type": "http", "method": "GET", "path": "/", "headers": []}
    run_apart(FrameGuardMiddleware(app)(scope, receive, send))
    return sent[0]["headers"]


def test_every_response_says_only_the_dashboard_may_frame_it_and_a_policy_of_its_own_is_kept():
    assert _headers_through_guard([(b"content-type", b"text/html")]) == [
        (b"content-type", b"text/html"),
        (b"x-frame-options", b"SAMEORIGIN"),
        (b"content-security-policy", b"frame-ancestors 'self'"),
    ]
    own = [(b"X-Frame-Options", b"DENY")]
    assert _headers_through_guard(own) == [*own, (b"content-security-policy", b"frame-ancestors 'self'")]


@pytest.mark.slow
def test_the_served_pages_may_not_be_framed_by_another_site(tmp_path):
    folder = shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data", ignore=shutil.ignore_patterns(".cache"))
    process, url = start_server(folder, env_extra={"OVERSIGHT_USERS_FILE": ""})  # local mode: this machine's admin
    try:
        for path in ("/", "/data", "/_stcore/health"):
            with urllib.request.urlopen(url + path, timeout=60) as response:
                got = {name.lower(): value for name, value in response.headers.items()}
            for name, value in FRAME_HEADERS:
                assert got.get(name.decode()) == value.decode(), (path, got)
    finally:
        stop_server(process)
