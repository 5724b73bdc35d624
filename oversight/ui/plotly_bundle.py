"""Our own plotly.js, a third the size of Streamlit's, served by ``python -m oversight.ui.serve`` and named in the
HTML of every page that draws charts, so that a new tab loads and evaluates it while the server runs the page.

Streamlit's ``st.plotly_chart`` brings the whole of plotly.js in its ``PlotlyChart`` module (4.7 MB, every trace
type: maps, 3-D, finance …), evaluated in every new tab before the first chart (0.5–0.8 s of a warm visit's main
thread), and draws each chart twice (once hidden, once at the measured width). The dashboard's charts are bars,
lines, a heatmap and donuts: plotly.js's *cartesian* bundle (``assets/vendor/plotly-cartesian-*.min.js``, 1.5 MB,
the same plotly.js release as the Python package's, MIT licence beside it) draws them all, and
``oversight.ui.chart_view`` hands each figure to it once (issue 15: a warm Overview 2.78 → 2.12 s, the same as
a one-chart Streamlit page).

The file is served here, gzipped once when the server starts and by a content-hashed name (so browsers keep it
for a year, as Streamlit's own bundle), under the app's base URL. Only the HTML of Streamlit's page is changed
(found by its own entry script), and only on GET; pages that draw no chart (``CHARTLESS_PAGES``) are left as they
are. Under a bare ``streamlit run app.py`` nothing is installed and ``served()`` is False: the charts are then
Streamlit's own ``st.plotly_chart``.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from oversight import config
from oversight.ui import compressed_static, streamlit_middleware

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send

log = logging.getLogger(__name__)

VENDOR_FILE = config.ASSET_DIR / "vendor" / "plotly-cartesian-4.1.1.min.js"
# the trace types the cartesian bundle draws (its README): every chart of ours must be one of these
TRACE_TYPES = frozenset(
    {
        "bar",
        "box",
        "contour",
        "heatmap",
        "histogram",
        "histogram2d",
        "histogram2dcontour",
        "image",
        "pie",
        "scatter",
        "scatterternary",
        "violin",
    }
)
URL_FOLDER = "_oversight"  # beside Streamlit's /static/ and /_stcore/, under the base URL
# pages/NN_<name>.py is served at /<name>: these show no chart, so they do not load plotly.js
CHARTLESS_PAGES = frozenset({"briefing", "data", "audit"})


@dataclass(frozen=True)
class Bundle:
    """The file's URL path below the base URL (``_oversight/plotly-cartesian.<hash>.js``), as sent plain and
    gzipped."""

    path: str
    plain: compressed_static.CompressedFile
    gzipped: compressed_static.CompressedFile

    @classmethod
    def read(cls, file: Path | None = None) -> Bundle:
        data = (file or VENDOR_FILE).read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        path = f"{URL_FOLDER}/plotly-cartesian.{digest[:16]}.js"
        # the headers Streamlit sends its own hashed files with: a year in the browser's cache, never asked again
        cached = (
            (b"content-type", b"text/javascript; charset=utf-8"),
            (b"vary", b"Accept-Encoding"),
            (b"cache-control", b"public, immutable, max-age=31536000"),
        )
        etag = f'"{digest[:32]}"'.encode()
        gzip_etag = f'"{digest[:32]}-gzip"'.encode()
        return cls(
            path,
            compressed_static.CompressedFile(data, [*cached, (b"etag", etag)], etag),
            compressed_static.CompressedFile(
                gzip.compress(data, compressed_static.LEVEL, mtime=0),
                [*cached, (b"content-encoding", b"gzip"), (b"etag", gzip_etag)],
                gzip_etag,
            ),
        )

    def script_tag(self) -> bytes:
        """What the page's HTML gets: the bundle fetched at once (``preload``), and run when Streamlit's connection
        to the server opens (``_LOADER``)."""
        return (
            f'<link rel="preload" as="script" href="./{self.path}">'
            f"<script>{_LOADER.replace('BUNDLE', self.path)}</script>"
        ).encode()


# Evaluating plotly.js takes ~0.2 s of the main thread. Run as a deferred script it came before Streamlit opened
# its WebSocket, and so held up the server's run of the page by as much; run when that socket opens, it fills the
# time the browser waits for the page's first elements (warm Overview 1.64 -> 1.54 s, docs/PERFORMANCE.md). The
# first WebSocket a page opens is Streamlit's; the constructor is the one found before again from that moment on
# (Chromium's own, or ``oversight.ui.serve_reconnect``'s watch, whichever script came first: neither undoes the other).
# chart_view.js adds the bundle itself if a chart mounts before the script is there, and again where it failed to load
# (the error marks the script, and the charts waiting for it show their message at once rather than after a minute).
_LOADER = """(function () {
  var Native = window.WebSocket;
  function load() {
    if (window.Plotly || document.querySelector('script[src$="BUNDLE"]')) return;
    var script = document.createElement("script");
    script.src = "./BUNDLE";
    script.onerror = function () { script.setAttribute("data-failed", ""); };
    document.head.appendChild(script);
  }
  function Watched(url, protocols) {
    if (window.WebSocket === Watched) window.WebSocket = Native;
    var socket = protocols === undefined ? new Native(url) : new Native(url, protocols);
    socket.addEventListener("open", function () { setTimeout(load, 0); }, { once: true });
    return socket;
  }
  Watched.prototype = Native.prototype;
  ["CONNECTING", "OPEN", "CLOSING", "CLOSED"].forEach(function (name) { Watched[name] = Native[name]; });
  window.WebSocket = Watched;
})();"""


def with_script(html: bytes, tag: bytes) -> bytes:
    """Streamlit's page with ``tag`` right after its entry script; any other HTML as it is."""
    entry = streamlit_middleware.ENTRY_SCRIPT.search(html)
    if entry is None:
        return html
    return html[: entry.end()] + tag + html[entry.end() :]


def page_name(path: str, base_url: str = "", root_path: str = "") -> str:
    """The page a request's path asks for (``/meetings`` → ``meetings``; ``/`` → ``""``), under the base URL."""
    return _page(streamlit_middleware.path_below(path, root_path, base_url))


def _page(below: str) -> str:
    return below.strip("/").split("/")[0]


class PlotlyBundleMiddleware:
    """Answers GET and HEAD for the bundle (gzipped to a browser that accepts it), and adds its script tag to
    the HTML of every page but the chartless ones (GET only; a HEAD's length stays Streamlit's;
    ``streamlit_middleware.rewriting_page``)."""

    def __init__(self, app: ASGIApp, *, bundle: Bundle, base_url: str = ""):
        self.app = app
        self.bundle = bundle
        self.base_url = base_url

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        below = streamlit_middleware.path_below(scope.get("path", ""), scope.get("root_path", ""), self.base_url)
        if below == "/" + self.bundle.path and scope["method"] in ("GET", "HEAD"):
            headers = dict(scope.get("headers", ()))
            gzipped = compressed_static.accepts_gzip(headers.get(b"accept-encoding", b"").decode("latin-1"))
            chosen = self.bundle.gzipped if gzipped else self.bundle.plain
            await compressed_static.answer(chosen, scope["method"], headers.get(b"if-none-match", b""), send)
            return
        if below.startswith(f"/{URL_FOLDER}/"):
            # any other name in our folder (another release's bundle, asked by a page an older server sent): Streamlit
            # would answer it with its page, 200 and HTML, which the browser would run as the script and fail on
            from starlette.responses import PlainTextResponse

            # the name may be served by the next release: not kept
            await PlainTextResponse("Not Found", 404, {"cache-control": "no-store"})(scope, receive, send)
            return
        if scope["method"] != "GET" or _page(below) in CHARTLESS_PAGES:
            await self.app(scope, receive, send)
            return
        await self.app(scope, receive, self._rewriting(send))

    def _rewriting(self, send: Send) -> Any:
        tag = self.bundle.script_tag()

        def change(original: bytes) -> bytes:
            page = with_script(original, tag)
            if page is original:
                _warn_once_without_entry_script()
            return page

        return streamlit_middleware.rewriting_page(send, change)


@functools.cache
def _warn_once_without_entry_script() -> None:
    # a Streamlit whose page names its entry script another way: the charts still draw (chart_view.js loads the
    # bundle when the first one mounts), only later; said once in the server's log, not on every page
    log.warning("Streamlit's page has no entry script where expected: plotly.js is loaded by the first chart")


_installed: Bundle | None = None


def served() -> Bundle | None:
    """The bundle this process serves (``oversight.ui.serve``), or None: then charts are ``st.plotly_chart``."""
    return _installed


def install() -> Bundle | None:
    """Read the bundle and add the middleware to the app Streamlit will build, once per process; the bundle, or
    None where nothing changes (the file is missing, or this Streamlit builds its app another way)."""
    global _installed
    if _installed is not None:
        return _installed
    try:
        bundle = Bundle.read()
    except OSError:
        log.exception("no %s: charts are drawn by Streamlit's st.plotly_chart", VENDOR_FILE)
        return None

    def middleware() -> Any:
        from starlette.middleware import Middleware
        from streamlit import config as streamlit_config

        base_url = streamlit_config.get_option("server.baseUrlPath") or ""
        return Middleware(PlotlyBundleMiddleware, bundle=bundle, base_url=base_url)

    if not streamlit_middleware.append(middleware, "charts are drawn by Streamlit's st.plotly_chart"):
        return None
    _installed = bundle
    return bundle
