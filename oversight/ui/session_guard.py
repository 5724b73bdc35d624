"""What a browser session may ask the server for besides running pages: a file upload, and clearing the caches.

Streamlit takes a file at ``PUT /_stcore/upload_file/<session>/<file>`` from any open session, signed in or not,
with or without an upload box on its page, up to ``server.maxUploadSize`` (200 MB) a file and any number of them;
the files stay in memory until the session ends. A visitor at the sign-in page filled the server's memory with six
uploads (379 → 624 MB, still held minutes after). Here a file is kept only for a session that shows an account that
may import the import form (``allow_uploads``, called beside the upload box; withdrawn at every change of account,
``forget``); any other is refused with 403 before it is stored, and no file may exceed the importer's own limit.

Streamlit also clears every ``st.cache_*`` of the process for any session that asks (its menu's "Clear cache", a
message anyone can send): a visitor at the sign-in page asking five times a second slowed every leader's filter
change from under 2 s to 4–11 s. Our caches are keyed by the data's fingerprint and never need clearing by hand,
so the request is ignored (and logged).

``install()`` is called by ``oversight.ui.serve`` before the server starts and by every page's set-up (so that
``streamlit run app.py`` has it from its first page run); it patches Streamlit's classes once per process.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

log = logging.getLogger(__name__)

_allowed: set[str] = set()  # session ids that show an importing account the upload box
_lock = threading.Lock()
_installed = False


def _session_id() -> str | None:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    context = get_script_run_ctx()
    return context.session_id if context is not None else None


def allow_uploads() -> None:
    """This session shows the import form to an account that may import: its uploads are kept."""
    session_id = _session_id()
    if session_id is not None:
        with _lock:
            _allowed.add(session_id)


def forget() -> None:
    """This session's account changed (signed in, out, or changed under it): no upload until the form shows again."""
    session_id = _session_id()
    if session_id is not None:
        with _lock:
            _allowed.discard(session_id)


def may_upload(session_id: str) -> bool:
    with _lock:
        return session_id in _allowed


def install() -> None:
    """Patch Streamlit's upload store and session (once per process) and bound its upload size by the importer's."""
    global _installed
    from streamlit import config
    from streamlit.runtime.app_session import AppSession
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager

    from oversight import ingest

    # the importer's own limit (OVERSIGHT_MAX_UPLOAD_MB), so Streamlit refuses a larger body before reading it
    megabytes = max(1, ingest.max_upload_bytes() // (1024 * 1024))
    if config.get_option("server.maxUploadSize") != megabytes:
        config.set_option("server.maxUploadSize", megabytes)
    with _lock:
        if _installed:
            return
        _installed = True
    add_file = MemoryUploadedFileManager.add_file

    def add_file_if_allowed(self: Any, session_id: str, file: Any) -> None:
        if not may_upload(session_id):
            from starlette.exceptions import HTTPException

            log.warning("upload refused: session %s shows no import form to an account that may import", session_id)
            raise HTTPException(status_code=403, detail="Uploads are taken on the data page only")
        add_file(self, session_id, file)

    def ignore_clear_cache(self: Any) -> None:
        log.warning("a request to clear every cache was ignored (session %s)", getattr(self, "id", "?"))

    MemoryUploadedFileManager.add_file = add_file_if_allowed  # type: ignore[method-assign]
    AppSession._handle_clear_cache_request = ignore_clear_cache  # type: ignore[method-assign]
