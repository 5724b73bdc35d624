"""What a browser session may ask the server for besides running pages: a file upload, and clearing the caches.

Streamlit takes a file at ``PUT /_stcore/upload_file/<session>/<file>`` from any open session, signed in or not,
with or without an upload box on its page, up to ``server.maxUploadSize`` (200 MB) a file and any number of them;
the files stay in memory until the session ends. A visitor at the sign-in page filled the server's memory with six
uploads (379 → 624 MB, still held minutes after). Here a file is kept only for a session whose last page run showed
an account that may import the import form (``allow_uploads``; every other page run withdraws it, ``forget``), at
most ``MAX_FILES_PER_SESSION`` of them and none over the importer's own limit. Under ``python -m oversight.ui.serve``
(``make run``, the cluster) a refused upload is answered before its body is read; under a bare ``streamlit run
app.py`` the check is in place from the first page run, and refuses after reading.

Streamlit also clears every ``st.cache_*`` of the process for any session that asks (its menu's "Clear cache", a
message anyone can send): a visitor at the sign-in page asking five times a second slowed every leader's filter
change from under 2 s to 4–11 s. Our caches are keyed by the data's fingerprint and never need clearing by hand,
so the request is ignored. Both refusals are logged once per session, not once per request (anyone can send
50,000 of them in a second).
"""

from __future__ import annotations

import logging
import re
import threading
from typing import TYPE_CHECKING, Any

from oversight.ui import streamlit_middleware

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send

log = logging.getLogger(__name__)

# what one import may take (the importer refuses more in one batch): more from one session is not an import
MAX_FILES_PER_SESSION = 12
_UPLOAD_PATH = re.compile(r"^/_stcore/upload_file/(?P<session>[^/]+)/[^/]+$")
_LOGGED_MAX = 10_000  # sessions remembered as already logged; then the memory starts over

_allowed: set[str] = set()  # session ids whose last page run showed an importing account the upload box
_logged: set[tuple[str, str]] = set()
_lock = threading.Lock()
_installed = False


def _session_id() -> str | None:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    context = get_script_run_ctx()
    return context.session_id if context is not None else None


def allow_uploads() -> None:
    """This page run shows the import form to an account that may import: the session's uploads are kept."""
    session_id = _session_id()
    if session_id is not None:
        with _lock:
            _allowed.add(session_id)


def forget() -> None:
    """This session shows no import form now (another page, another account): it may upload nothing."""
    session_id = _session_id()
    if session_id is not None:
        with _lock:
            _allowed.discard(session_id)


def may_upload(session_id: str) -> bool:
    with _lock:
        return session_id in _allowed


def _log_once(session_id: str, what: str) -> None:
    with _lock:
        if (session_id, what) in _logged:
            return
        if len(_logged) >= _LOGGED_MAX:
            _logged.clear()
        _logged.add((session_id, what))
    log.warning("%s (session %s; said once a session)", what, session_id)


def _bound_upload_size() -> None:
    """The importer's own limit (OVERSIGHT_MAX_UPLOAD_MB), so Streamlit refuses a larger body before reading it."""
    from streamlit import config

    from oversight import ingest

    megabytes = max(1, ingest.max_upload_bytes() // (1024 * 1024))
    if config.get_option("server.maxUploadSize") != megabytes:
        config.set_option("server.maxUploadSize", megabytes)


def install() -> None:
    """Patch Streamlit's upload store and session (once per process) and bound its upload size by the importer's."""
    global _installed
    from streamlit import config
    from streamlit.runtime.app_session import AppSession
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager

    # Now if Streamlit has read its configuration (a page's run), else at each time it reads it (``oversight.ui.serve``
    # installs this before Streamlit's command line): a read from here parsed the configuration without the command
    # line's flags, and Streamlit's own parse with them then printed "An update to the [server] config option section
    # was detected … please restart streamlit" at every start, and dropped the bound until a page ran.
    config.on_config_parsed(_bound_upload_size)
    with _lock:
        if _installed:
            return
        _installed = True
    add_file = MemoryUploadedFileManager.add_file

    def add_file_if_allowed(self: Any, session_id: str, file: Any) -> None:
        held = self.file_storage.get(session_id, {})
        if not may_upload(session_id) or (file.file_id not in held and len(held) >= MAX_FILES_PER_SESSION):
            from starlette.exceptions import HTTPException

            _log_once(session_id, "an upload was refused: no import form shown, or files enough held")
            raise HTTPException(status_code=403, detail="Uploads are taken on the data page only")
        add_file(self, session_id, file)

    def ignore_clear_cache(self: Any) -> None:
        _log_once(getattr(self, "id", "?"), "a request to clear every cache was ignored")

    MemoryUploadedFileManager.add_file = add_file_if_allowed  # type: ignore[method-assign]
    AppSession._handle_clear_cache_request = ignore_clear_cache  # type: ignore[method-assign]


class RefusedUploadMiddleware:
    """Answers an upload of a session that may not upload with 403 before its body is read (``serve`` only: a
    refusal in the upload store comes after Streamlit has read up to 20 MB into memory)."""

    def __init__(self, app: ASGIApp, base_url: str = "") -> None:
        self.app, self.base_url = app, base_url

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("method") == "PUT":
            path = streamlit_middleware.path_below(scope.get("path", ""), scope.get("root_path", ""), self.base_url)
            found = _UPLOAD_PATH.match(path)
            if found and not may_upload(found.group("session")):
                _log_once(found.group("session"), "an upload was refused before its body was read")
                await send({"type": "http.response.start", "status": 403, "headers": [(b"content-length", b"0")]})
                await send({"type": "http.response.body", "body": b""})
                return
        await self.app(scope, receive, send)


def install_middleware() -> None:
    """For ``python -m oversight.ui.serve``: refuse uploads before reading them (see ``RefusedUploadMiddleware``)."""

    def middleware() -> Any:
        from starlette.middleware import Middleware
        from streamlit import config

        return Middleware(RefusedUploadMiddleware, base_url=config.get_option("server.baseUrlPath") or "")

    streamlit_middleware.append(middleware, "a refused upload is read before it is refused")
