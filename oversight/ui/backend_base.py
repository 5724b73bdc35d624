"""Streamlit's page told where its server is, so that a sub-page's first visit asks no path that 404s.

Streamlit's page finds its server by trying the address's own path first, then its parent: opened at ``/issues``
(a link, a bookmark, a reload) it asked ``/issues/_stcore/health`` and ``/issues/_stcore/host-config``, was answered
404 for both (in the server's log and the browser's console, on every page but the Overview, through nginx too), and
then found ``/_stcore/…`` (Streamlit's issue 7074, open). Its page reads ``window.__streamlit.BACKEND_BASE_URL``
before guessing; this middleware (``python -m oversight.ui.serve``) sets it in the HTML of every page: the address
the browser shows, less the part of the path the server saw below the app's base URL. A path a proxy rewrote
otherwise than by a prefix leaves it unset, and Streamlit guesses as before.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from oversight.ui import streamlit_middleware

if TYPE_CHECKING:
    from collections.abc import Callable

    from starlette.types import ASGIApp, Scope

# ``BELOW``: the request's path below the base URL, as the browser sends it (percent-encoded), without its last "/"
_SCRIPT = """(function () {
  var path = location.pathname.replace(/\\/+$/, ""), below = BELOW;
  if (path.slice(path.length - below.length) !== below) return;
  var found = window.__streamlit || {};
  if (found.BACKEND_BASE_URL) return;
  window.__streamlit = Object.assign({}, found, {BACKEND_BASE_URL: location.origin + path.slice(0, path.length - below.length)});
})();"""


def script_tag(below: str) -> bytes:
    """The script for a page asked at ``below`` (``/issues``), escaped for a ``<script>`` element."""
    literal = json.dumps(below.rstrip("/")).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f"<script>{_SCRIPT.replace('BELOW', literal)}</script>".encode()


def with_base(html: bytes, below: str) -> bytes:
    """Streamlit's page with the script before its entry script (which reads the setting as it starts); any other
    HTML as it is."""
    return streamlit_middleware.before_entry_script(html, script_tag(below))


class BackendBaseMiddleware(streamlit_middleware.PageRewriting):
    """Adds the script, naming the page's path below the server's base, to Streamlit's page on every GET."""

    def __init__(self, app: ASGIApp, base_url: str = "") -> None:
        super().__init__(app)
        self.base_url = base_url

    def change(self, scope: Scope) -> Callable[[bytes], bytes]:
        # as the browser sent it: ``path`` is percent-decoded, ``location.pathname`` is not
        raw = scope.get("raw_path") or scope.get("path", "").encode("utf-8")
        path = raw.decode("latin-1").partition("?")[0]
        below = streamlit_middleware.path_below(path, scope.get("root_path", ""), self.base_url)
        return lambda page: with_base(page, below)


def install_middleware() -> None:
    """For ``python -m oversight.ui.serve``."""

    def middleware() -> Any:
        from starlette.middleware import Middleware
        from streamlit import config

        return Middleware(BackendBaseMiddleware, base_url=config.get_option("server.baseUrlPath") or "")

    streamlit_middleware.append(middleware, "a sub-page's first visit asks Streamlit's paths below itself (404)")
