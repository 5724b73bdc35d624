"""A file made on a click (a chart's PNG, a pack's PDF) is kept for its session until that session's next run.

Every 下载 button is made on demand (``data=`` a callable): the click asks the server over the websocket, the server
makes the file, stores it and answers with its ``/media/…`` address, and the browser then fetches it. Streamlit 1.67
stores that file referenced by no session, and every page run of *any* session ends by sweeping unreferenced files:
the first sweep marks it, the second deletes it. With a dozen leaders on a replica, two other sessions' runs often
ended between the answer and the browser's request, and the download was a 404: 3 of 40 PNGs on the morning of a
meeting (``python -m tests.cluster.measure_meeting``: 40 leaders within a minute on 3 replicas, 5 building packs).

Here the made file is referenced by the session that asked for it, beside the button it came from, for as long as
the button is: until that session's next run draws its page again (or the session ends), when Streamlit's own
sweep frees it. A second click on the same button replaces the first file, so a session holds at most one file per
button. Only while the session's current run still shows the button: one made for a session already gone, or a
button already replaced, is left to the sweep as before.
"""

from __future__ import annotations

import threading
from typing import Any

_COORDINATES = "oversight.made:"  # + the button's placeholder id: where the made file is referenced in the session
# At most this many made files held for one session: a part of the page that reruns alone (the briefing panel's
# 生成简报, a table's search box) draws its buttons anew under new ids without a run of the page to free the old
# ones, so each pack built and taken would stay held (four files, up to ~5 MB) until the session's next page run.
# The oldest beyond these, fetched long since, are left to Streamlit's sweep: two packs and their charts' pictures.
MOST_KEPT = 10
_lock = threading.Lock()
_installed = False


def install() -> None:
    """Patch Streamlit's media file manager, once per process."""
    global _installed
    from streamlit.runtime.media_file_manager import MediaFileManager

    with _lock:
        if _installed:
            return
        _installed = True
    execute_deferred = MediaFileManager.execute_deferred

    def execute_and_keep(self: Any, file_id: str) -> str:
        with self._lock:
            entry = self._deferred_callables.get(file_id)
        url = execute_deferred(self, file_id)
        if entry is None:
            return url
        made = url.rsplit("/", 1)[-1].split(".", 1)[0]  # the stored file's id: /media/<id><extension>
        with self._lock:
            held = self._files_by_session_and_coord.get(entry["session_id"])  # .get: no entry made for a gone session
            if held is not None and file_id in held.values() and made in self._file_metadata:
                held.pop(_COORDINATES + file_id, None)  # re-added last: the newest is kept longest
                held[_COORDINATES + file_id] = made
                kept = [coordinates for coordinates in held if coordinates.startswith(_COORDINATES)]
                for oldest in kept[: max(0, len(kept) - MOST_KEPT)]:
                    del held[oldest]
        return url

    MediaFileManager.execute_deferred = execute_and_keep  # type: ignore[method-assign]
