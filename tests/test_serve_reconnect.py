"""A reconnection to a session this process does not hold (oversight.ui.serve_reconnect), without a server: the
ASGI middleware called directly, with a fake Streamlit behind it; the real server and browser are in
tests/browser/test_restart_browser.py."""

from __future__ import annotations

import asyncio
import concurrent.futures

import pytest

from oversight.ui import serve_reconnect
from oversight.ui.serve_reconnect import GONE, MARK, SCRIPT_TAG, ReconnectMiddleware, named_session

ENTRY = b'<script type="module" crossorigin src="./static/js/index.DormvYxC.js"></script>'
PAGE = b"<!DOCTYPE html><html><head>" + ENTRY + b"</head><body></body></html>"
HELD = {"held-session"}


def _socket(path: str, protocols: str, query: str = MARK, base_url: str = "") -> tuple[list[dict], bool]:
    """What the middleware sends for a socket's handshake, and whether Streamlit's app was reached."""
    sent: list[dict] = []
    reached = []

    async def app(scope, receive, send):
        reached.append(scope)

    async def receive():
        return {"type": "websocket.connect"}

    async def send(message):
        sent.append(message)

    headers = [(b"host", b"x"), *([(b"sec-websocket-protocol", protocols.encode())] if protocols else [])]
    scope = {"type": "websocket", "path": path, "root_path": "", "query_string": query.encode(), "headers": headers}
    middleware = ReconnectMiddleware(app, base_url=base_url)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # the browser tests keep an event loop in this thread
        pool.submit(asyncio.run, middleware(scope, receive, send)).result()
    return sent, bool(reached)


@pytest.fixture(autouse=True)
def sessions(monkeypatch):
    monkeypatch.setattr(serve_reconnect, "held", lambda session: session in HELD)


def test_a_marked_reconnection_to_a_session_not_held_is_accepted_and_closed_as_gone():
    sent, reached = _socket("/_stcore/stream", "streamlit, xsrf-token, lost-session")
    assert not reached
    assert sent == [{"type": "websocket.accept", "subprotocol": "streamlit"}, {"type": "websocket.close", "code": 4410}]
    assert GONE == 4410


def test_under_a_base_url_too():
    sent, reached = _socket("/oversight/_stcore/stream", "streamlit,x,lost-session", base_url="oversight")
    assert not reached and sent[-1] == {"type": "websocket.close", "code": GONE}


@pytest.mark.parametrize(
    ("protocols", "query"),
    [
        ("streamlit, xsrf-token, held-session", MARK),  # a dropped connection to the same process: Streamlit's
        ("streamlit, xsrf-token", MARK),  # a page's first connection names no session
        ("streamlit, xsrf-token, ", MARK),
        ("", MARK),
        ("streamlit, xsrf-token, lost-session", ""),  # a page sent before this release could not load itself
        ("streamlit, xsrf-token, lost-session", "other=1"),
    ],
)
def test_other_sockets_are_streamlits(protocols, query):
    sent, reached = _socket("/_stcore/stream", protocols, query)
    assert reached and sent == []


def test_the_named_session_is_the_third_entry():
    assert named_session({b"sec-websocket-protocol": b"streamlit, t, abc"}) == "abc"
    assert named_session({b"sec-websocket-protocol": b"streamlit,,abc"}) == "abc"
    assert named_session({b"sec-websocket-protocol": b"streamlit, t"}) is None
    assert named_session({}) is None


def test_nothing_is_refused_without_a_runtime(monkeypatch):
    monkeypatch.undo()
    from streamlit.runtime import Runtime

    assert not Runtime.exists()
    assert serve_reconnect.held("any-session")


def test_every_streamlit_page_gets_the_watch_right_after_the_entry_script():
    sent: list[dict] = []

    async def app(scope, receive, send):
        headers = [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(PAGE)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": PAGE})

    async def receive():
        return {"type": "http.request"}

    async def send(message):
        sent.append(message)

    for path in ("/", "/data", "/briefing", "/audit"):  # pages without charts too: they have 下载 buttons
        sent.clear()
        scope = {"type": "http", "method": "GET", "path": path, "root_path": "", "headers": []}
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, ReconnectMiddleware(app)(scope, receive, send)).result()
        body = b"".join(message.get("body", b"") for message in sent[1:])
        assert body == PAGE.replace(ENTRY, ENTRY + SCRIPT_TAG)
        assert dict(sent[0]["headers"])[b"content-length"] == str(len(body)).encode()
    watch = SCRIPT_TAG.decode()
    assert f'"{MARK}"' in watch and "event.code === 4410" in watch and "window.location.reload()" in watch
    assert "_stcore\\/stream$" in watch  # only Streamlit's socket is marked


def _upload(method: str, path: str) -> tuple[int, bool]:
    """The status an upload request gets, and whether Streamlit's app was reached."""
    sent: list[dict] = []
    reached = []

    async def app(scope, receive, send):
        reached.append(scope)
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def receive():
        return {"type": "http.request", "body": b"file"}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "root_path": "", "headers": [], "query_string": b""}
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, ReconnectMiddleware(app)(scope, receive, send)).result()
    return sent[0]["status"], bool(reached)


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_an_upload_for_a_session_held_elsewhere_is_not_found_so_nginx_asks_the_next_replica(method):
    assert _upload(method, "/_stcore/upload_file/lost-session/file-1") == (404, False)
    assert _upload(method, "/_stcore/upload_file/held-session/file-1") == (204, True)
