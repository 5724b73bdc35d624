"""A page with charts names Streamlit's Plotly module in its HTML, so a new tab evaluates it first, not last.

Streamlit loads its Plotly chart (``static/js/PlotlyChart.<hash>.js``, 4.7 MB) only when React first renders a
chart, and evaluating it holds a tab's main thread for about half a second (plotly.js sets itself up). On the
Overview the first chart renders after the key figures, the 预警 strip and the quarter's changes, so that half
second came after everything else, just before the charts were drawn (Chrome trace of a warm visit: the module
evaluated 0.8 s after the page's last message; issue 15). Named in the page as a module script after
Streamlit's own, it is evaluated as the page starts, while the server runs the page's script; Streamlit's
import of it later finds it evaluated (a module is evaluated once per URL and tab).

Only the HTML of Streamlit's page is changed (found by its own entry script), and only on GET; pages that
draw no chart (``CHARTLESS_PAGES``) are left as they are. Without the module in this Streamlit, nothing changes.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from oversight.ui import streamlit_middleware

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

MODULE_GLOB = "static/js/PlotlyChart.*.js"
# pages/NN_<name>.py is served at /<name>: these show no chart, so they do not pay for Plotly up front
CHARTLESS_PAGES = frozenset({"briefing", "data", "audit"})
# Streamlit's own entry script in its index.html: the page this changes, and where the module goes after it
_ENTRY_SCRIPT = re.compile(rb'<script type="module" crossorigin src="\./static/js/index\.[\w-]+\.js"></script>')


def plotly_module(static_dir: Path) -> str | None:
    """The Plotly module's path under Streamlit's static folder (``static/js/PlotlyChart.<hash>.js``), or None
    where this Streamlit has not exactly one."""
    found = sorted(static_dir.glob(MODULE_GLOB))
    return found[0].relative_to(static_dir).as_posix() if len(found) == 1 else None


def module_tag(module: str) -> bytes:
    return f'<script type="module" crossorigin src="./{module}"></script>'.encode()


def with_module(html: bytes, module: str) -> bytes:
    """Streamlit's page with the module named after its entry script; any other HTML as it is."""
    entry = _ENTRY_SCRIPT.search(html)
    if entry is None:
        return html
    return html[: entry.end()] + module_tag(module) + html[entry.end() :]


def page_name(path: str, base_url: str = "", root_path: str = "") -> str:
    """The page a request's path asks for (``/meetings`` → ``meetings``; ``/`` → ``""``), under the base URL."""
    return streamlit_middleware.path_below(path, root_path, base_url).strip("/").split("/")[0]


class EarlyPlotlyMiddleware:
    """Adds the Plotly module to the HTML of every page but the chartless ones (GET only; a HEAD's length stays
    Streamlit's). The page is a few kilobytes: it is held whole, changed, and sent with its new length; its ETag
    and Last-Modified are dropped, since they describe the file on disk, not what is sent."""

    def __init__(self, app: ASGIApp, *, module: str, base_url: str = ""):
        self.app = app
        self.module = module
        self.base_url = base_url

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or page_name(scope.get("path", ""), self.base_url, scope.get("root_path", "")) in CHARTLESS_PAGES
        ):
            await self.app(scope, receive, send)
            return
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
            page = with_module(b"".join(body), self.module)
            kept = [
                (name, value)
                for name, value in start.get("headers", ())
                if name.lower() not in (b"content-length", b"etag", b"last-modified")
            ]
            await send({**start, "headers": [*kept, (b"content-length", str(len(page)).encode())]})
            await send({"type": "http.response.body", "body": page})

        await self.app(scope, receive, rewrite)


_installed: str | None = None


def install() -> str | None:
    """Add the middleware to the app Streamlit will build, once per process; the module's path, or None where
    nothing changes."""
    global _installed
    if _installed is not None:
        return _installed
    from streamlit import config, file_util

    module = plotly_module(Path(file_util.get_static_dir()))
    if module is None:
        log.warning("no single %s in this Streamlit: pages load Plotly as Streamlit does", MODULE_GLOB)
        return None

    def middleware() -> Any:
        from starlette.middleware import Middleware

        base_url = config.get_option("server.baseUrlPath") or ""
        return Middleware(EarlyPlotlyMiddleware, module=module, base_url=base_url)

    if not streamlit_middleware.append(middleware, "pages load Plotly as Streamlit does"):
        return None
    _installed = module
    return module
