"""Our ASGI middleware, added to the app Streamlit 1.67 builds on Starlette (``oversight.ui.serve`` only).

Streamlit builds its middleware list with ``starlette_app.create_streamlit_middleware()``; ``append`` wraps that
function so the list it returns ends with ours, innermost, next to Streamlit's routes: ours sees each response
before Streamlit's own gzip does. Called before Streamlit's command line starts the server.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

# Streamlit's own entry script in its index.html: what marks a response as Streamlit's page, and where tags go
ENTRY_SCRIPT = re.compile(rb'<script type="module" crossorigin src="\./static/js/index\.[\w-]+\.js"></script>')


def before_entry_script(html: bytes, tags: bytes) -> bytes:
    """Streamlit's page with ``tags`` right before its entry script (what must be in place as Streamlit starts: the
    page's language, the server's base, a first-paint rule); any other HTML as it is."""
    entry = ENTRY_SCRIPT.search(html)
    if entry is None:
        return html
    return html[: entry.start()] + tags + html[entry.start() :]


def append(make: Callable[[], Any], what: str) -> bool:
    """Add the middleware ``make()`` returns (a ``starlette.middleware.Middleware``, built when Streamlit builds
    its app, so that it can read Streamlit's settings then). False, with a warning naming ``what`` is lost, where
    this Streamlit builds its app some other way."""
    from streamlit.web.server.starlette import starlette_app

    build: Callable[[], list[Any]] | None = getattr(starlette_app, "create_streamlit_middleware", None)
    if build is None:
        log.warning("this Streamlit has no create_streamlit_middleware: %s", what)
        return False

    def with_ours() -> list[Any]:
        return [*build(), make()]

    starlette_app.create_streamlit_middleware = with_ours
    return True


def path_below(path: str, root_path: str = "", base_url: str = "") -> str:
    """A request's path below where the app is mounted (ASGI ``root_path``) and Streamlit's ``server.baseUrlPath``
    (``/oversight/static/x.js`` → ``/static/x.js``); a prefix counts only as whole path segments."""
    base = "/" + base_url.strip("/") if base_url.strip("/") else ""
    for prefix in (root_path, base):
        if prefix and (path == prefix or path.startswith(prefix + "/")):
            path = path[len(prefix) :]
    return path


def rewriting_page(send: Send, change: Callable[[bytes], bytes]) -> Send:
    """``send`` for a response that, where it is a page (200, HTML, not already compressed), is held whole and sent
    as ``change`` makes it, with its new length; its ETag and Last-Modified are dropped, since they describe the file
    on disk, not what is sent. Any other response passes as it is. The page is a few kilobytes."""
    start: Message | None = None  # the page's response start, held until its body is changed
    body: list[bytes] = []

    async def rewrite(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            headers = {name.lower(): value for name, value in message.get("headers", ())}
            is_page = (
                message["status"] == 200
                and headers.get(b"content-type", b"").startswith(b"text/html")
                and b"content-encoding" not in headers
            )
            if is_page:
                start = message
            else:
                await send(message)
            return
        if start is None or message["type"] != "http.response.body":
            await send(message)
            return
        body.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        page = change(b"".join(body))
        kept = [
            (name, value)
            for name, value in start.get("headers", ())
            if name.lower() not in (b"content-length", b"etag", b"last-modified")
        ]
        await send({**start, "headers": [*kept, (b"content-length", str(len(page)).encode())]})
        await send({"type": "http.response.body", "body": page})

    return rewrite


class PageRewriting:
    """A middleware adding to Streamlit's page on every GET (``rewriting_page``) what ``change`` makes of it for the
    request; anything else passes as it is. The page's language, the server's base and the first-paint rule differ in
    ``change`` only."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    def change(self, scope: Scope) -> Callable[[bytes], bytes]:
        raise NotImplementedError

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET":
            await self.app(scope, receive, send)
            return
        await self.app(scope, receive, rewriting_page(send, self.change(scope)))
