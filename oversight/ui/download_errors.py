"""A download that made no file for a reason the reader can act on says that reason, in the page's language.

Streamlit answers any failure of a download's maker with "Failed to generate file for download", which the page
turns into our general note (the data may have changed, reload the page). Where the maker knows better — the
image browser still starting on a loaded server, or its start failed — it raises ``Said`` with the sentence to
show, and Streamlit's answer carries that sentence instead (shown under the button and kept by
assets/download_failed.js). Nothing else changes: any other failure keeps Streamlit's words.
"""

from __future__ import annotations

import threading
from typing import Any

from oversight.core import i18n

_lock = threading.Lock()
_installed = False


# Every reason a ``Said`` gives, by its key. The page's note (assets/download_failed.js, given these sentences by
# ``ui.setup``) shows a line it knows as it is, and any other as its general note: a reason added to a maker but
# not here reached the page as "the data may have changed, reload the page".
SAID_KEYS = ("export.error.images_starting", "export.error.images_failed", "export.error.images_temp_full")


class Said(Exception):
    """A download's failure with the sentence to show for it: the reason ``key`` (one of ``SAID_KEYS``) in ``lang``."""

    def __init__(self, key: str, lang: str) -> None:
        if key not in SAID_KEYS:
            raise ValueError(f"{key} is not among download_errors.SAID_KEYS, which the page's note shows as given")
        self.sentence = i18n.t(key, lang)
        super().__init__(self.sentence)


def said_in(error: BaseException | None) -> str | None:
    """The sentence of the ``Said`` in ``error``'s causes, if any (Streamlit wraps the maker's error twice)."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, Said):
            return error.sentence
        error, seen = error.__cause__ or error.__context__, seen + 1
    return None


def install() -> None:
    """Patch Streamlit's deferred-file handler, once per process."""
    global _installed
    from streamlit.runtime import backend_operation_handler as handlers

    with _lock:
        if _installed:
            return
        _installed = True
    handle = handlers.DeferredFileHandler.handle

    async def handle_saying(self: Any, request: Any, session_id: str) -> Any:
        failure: list[BaseException] = []
        manager_of = self._get_media_file_mgr

        class _Noting:
            # Streamlit logs the maker's error and drops it: the manager, wrapped, keeps it for the answer
            def __getattr__(self, name: str) -> Any:
                return getattr(manager_of(), name)

            def execute_deferred(self, file_id: str) -> str:
                try:
                    return manager_of().execute_deferred(file_id)
                except BaseException as error:
                    failure.append(error)
                    raise

        # a handler of this request's own: the session's is shared by its concurrent downloads
        noting: Any = _Noting()
        response = await handle(handlers.DeferredFileHandler(lambda: noting), request, session_id)
        sentence = said_in(failure[0]) if failure else None
        if sentence is not None:
            response.error_msg = sentence
        return response

    handlers.DeferredFileHandler.handle = handle_saying  # type: ignore[method-assign]
