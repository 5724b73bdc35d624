"""A tab that outlives its server's session is loaded again, rather than left with 下载 buttons that do nothing.

When the server a tab is connected to restarts (``make run`` stopped and started, a rolling update of one replica,
nginx failing the tab over to another replica), or the tab was away longer than ``server.disconnectedSessionTTL``
(a laptop closed over lunch), Streamlit's page (1.67) reconnects by itself, naming its last session, and the server,
which no longer holds that session, gives it a new one: the page is drawn again, signed in by its cookie, with its
filter from the address. But the page carries on with its old session's id and the ids of the old session's files:
every 下载 (a button made on demand) was refused ("Invalid session ID for backend operation request", "Deferred file
… not found") and did nothing, shown nowhere; a CSV after a filter change even came with an old file's name.

So the page does not carry on with a session the server no longer has. Every Streamlit page this server sends gets a
small script (``_WATCH``, after Streamlit's entry script) that marks each of Streamlit's sockets (``MARK`` in its
query) and loads the page again when the server closes one with ``GONE``. ``ReconnectMiddleware`` closes a marked
socket with ``GONE`` when the session it names (the third entry of its ``Sec-WebSocket-Protocol``, Streamlit's own
reconnection) is one this process does not hold, connected or kept for its return; the page's new load starts a new
session from its address (the filter) and its cookies (the sign-in, the replica's route). A reconnection to a session
still held (a dropped connection to the same process) is Streamlit's, untouched; so is a first connection, and an
unmarked socket (a page sent before this release, which would otherwise retry the same id for ever).

Behind nginx, a tab that moved to the next replica while its own was down keeps its session there once its own is
back, while its route (the cookie) hashes to its own again: its HTTP requests reach a process that does not hold its
session. A download's file not found there (404) is passed on by nginx along the ring to the replica that has it
(``proxy_next_upstream … http_404``, deploy/nginx.conf.template); an upload (``PUT /_stcore/upload_file/<session>/…``),
which Streamlit refuses with 400 where the session is not its own, is answered 404 here for the same reason (before ``session_guard``'s 403
for a session that may not upload: ours comes first), so that nginx passes it on too (PUT and DELETE are idempotent to nginx; the body is buffered). On a single server the tab sees
the upload fail either way.

What the new load loses is what is not in the address: a table's search, even one sent (Streamlit's reconnection
kept it: the page sends its widgets' values to the new session), a dialog or menu open, the scroll position. An upload under way was lost with the old process already (its bytes were in that process).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from oversight.ui import plotly_bundle, streamlit_middleware

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send

log = logging.getLogger(__name__)

STREAM = "/_stcore/stream"  # Streamlit's socket, below the base URL
UPLOAD = "/_stcore/upload_file/"  # + <session id>/<file id>: an uploader's file, PUT and DELETE
MARK = "oversight-reload=1"  # in the socket's query: the page loads itself again on GONE
GONE = 4410  # the close code (4000–4999: the application's own) for "this server does not hold your session"

_WATCH = """(function () {
  var Native = window.WebSocket;
  function Watched(url, protocols) {
    var address = String(url);
    if (/\\/_stcore\\/stream$/.test(address)) address += (address.indexOf("?") < 0 ? "?" : "&") + "MARK";
    var socket = protocols === undefined ? new Native(address) : new Native(address, protocols);
    socket.addEventListener("close", function (event) {
      if (event.code === GONE) window.location.reload();
    });
    return socket;
  }
  Watched.prototype = Native.prototype;
  ["CONNECTING", "OPEN", "CLOSING", "CLOSED"].forEach(function (name) { Watched[name] = Native[name]; });
  window.WebSocket = Watched;
})();""".replace("MARK", MARK).replace("GONE", str(GONE))
SCRIPT_TAG = f"<script>{_WATCH}</script>".encode()


def named_session(headers: dict[bytes, bytes]) -> str | None:
    """The session a socket's handshake asks to return to (Streamlit's third ``Sec-WebSocket-Protocol`` entry)."""
    entries = [entry.strip() for entry in headers.get(b"sec-websocket-protocol", b"").decode("latin-1").split(",")]
    return entries[2] if len(entries) >= 3 and entries[2] else None


def held(session_id: str) -> bool:
    """Whether this process holds ``session_id`` (connected, or kept for its reconnection); True where that cannot
    be told (no runtime yet, another Streamlit), so that nothing is refused on a guess."""
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        return True
    manager = getattr(Runtime.instance(), "_session_mgr", None)
    find = getattr(manager, "get_session_info", None)
    if find is None:
        return True
    return find(session_id) is not None


class ReconnectMiddleware:
    """Closes a marked reconnection to a session this process does not hold with ``GONE``; answers an upload for
    such a session 404; adds ``_WATCH`` to every Streamlit page (GET)."""

    def __init__(self, app: ASGIApp, *, base_url: str = ""):
        self.app = app
        self.base_url = base_url

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        below = streamlit_middleware.path_below(scope.get("path", ""), scope.get("root_path", ""), self.base_url)
        if scope["type"] == "websocket" and below == STREAM and MARK in scope.get("query_string", b"").decode():
            headers = dict(scope.get("headers", ()))
            session = named_session(headers)
            if session is not None and not held(session):
                await self._gone(receive, send, headers, session)
                return
        if scope["type"] == "http" and scope["method"] in ("PUT", "DELETE") and below.startswith(UPLOAD):
            session = below[len(UPLOAD) :].split("/")[0]
            if session and not held(session):
                from starlette.responses import PlainTextResponse

                # not Streamlit's 400: nginx passes a 404 on to the next replica, which may hold the session
                await PlainTextResponse("No such session on this server", 404)(scope, receive, send)
                return
        if scope["type"] == "http" and scope["method"] == "GET":
            await self.app(scope, receive, streamlit_middleware.rewriting_page(send, _with_watch))
            return
        await self.app(scope, receive, send)

    @staticmethod
    async def _gone(receive: Receive, send: Send, headers: dict[bytes, bytes], session: str) -> None:
        message = await receive()
        if message["type"] != "websocket.connect":
            return
        chosen = headers[b"sec-websocket-protocol"].decode("latin-1").split(",")[0].strip()
        # accepted with the subprotocol the page asked for (a browser fails a handshake without it), then closed
        await send({"type": "websocket.accept", "subprotocol": chosen})
        await send({"type": "websocket.close", "code": GONE})
        log.info("a page named session %s, which this process does not hold: told to load again", session[:8])


def _with_watch(page: bytes) -> bytes:
    return plotly_bundle.with_script(page, SCRIPT_TAG)


_installed = False


def install_middleware() -> bool:
    """Add the middleware to the app Streamlit will build, once per process (``oversight.ui.serve``)."""
    global _installed
    if _installed:
        return True

    def middleware() -> Any:
        from starlette.middleware import Middleware
        from streamlit import config as streamlit_config

        base_url = streamlit_config.get_option("server.baseUrlPath") or ""
        return Middleware(ReconnectMiddleware, base_url=base_url)

    _installed = streamlit_middleware.append(middleware, "a tab whose session the server lost keeps dead 下载 buttons")
    return _installed
