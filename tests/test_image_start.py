"""A PNG click while the image browser starts (session 36, w2): on a loaded machine the warm-up's Chromium start took
the minute of ``browser_thread.START_TIMEOUT_SECONDS``, and as it ran holding ``rendering._server_lock`` every first PNG
click waited it out with a spinning button and nothing said. A click now waits a bounded time and, the browser not
ready, is told in the page's language what is happening and what to do; a failed start is started again on the next
click. The browser's start is faked: slow (held until the test lets it go) or failing."""

from __future__ import annotations

import threading

import plotly.graph_objects as go
import pytest
from streamlit.proto.BackMsg_pb2 import BackendOperationRequest
from streamlit.runtime.backend_operation_handler import DeferredFileHandler
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from oversight.core import i18n
from oversight.export import rendering
from oversight.ui import cards, download_errors
from tests.event_loop import run_apart


class _FakeServer:
    """An ImageServer whose start waits for ``let_go`` (a slow Chromium) or fails (``fail``)."""

    let_go = threading.Event()
    fail = False
    starts = 0
    started: threading.Event

    def __init__(self, tabs: int) -> None:
        type(self).starts += 1
        type(self).started.set()
        if type(self).fail:
            raise TimeoutError("chromium did not start")  # what BrowserThread.opened raises after its minute
        assert type(self).let_go.wait(30), "the test never let the start go"
        self.closed = False

    def is_alive(self) -> bool:
        return not self.closed

    def render(self, figures, timeout=None) -> list[bytes]:
        return [b"\x89PNG fake" for _ in figures]

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def fake_server(monkeypatch):
    class Server(_FakeServer):
        let_go = threading.Event()
        fail = False
        starts = 0
        started = threading.Event()

    monkeypatch.setattr(rendering, "ImageServer", Server)
    monkeypatch.setattr(rendering, "_server", None)
    monkeypatch.setattr(rendering, "_starting", None, raising=False)
    monkeypatch.setattr(rendering, "require_browser", lambda: "/usr/bin/chromium")
    yield Server
    Server.let_go.set()  # no start left waiting


def test_a_click_during_a_slow_start_is_told_so_and_not_kept_waiting(fake_server):
    # the warm-up's render starts the browser, and waits for it (the full start)
    warm = threading.Thread(target=lambda: rendering.render_image(go.Figure(), "png"), daemon=True)
    warm.start()
    assert fake_server.started.wait(30)
    # before: the start held _server_lock for its whole minute, and every click queued on it
    assert rendering._server_lock.acquire(timeout=5), "the lock is held while Chromium starts"
    rendering._server_lock.release()
    # a click waits only what it is given
    with pytest.raises(rendering.ImagesNotReady) as raised:
        rendering.images_ready(0.05)
    assert raised.value.starting is True
    assert "正在启动" in raised.value.message("zh") and "半分钟后再点击" in raised.value.message("zh")
    assert "still starting" in raised.value.message("en") and "click the download again" in raised.value.message("en")
    assert fake_server.starts == 1  # the click joined the start under way, and began none of its own
    fake_server.let_go.set()
    warm.join(30)
    rendering.images_ready(30)  # ready: returns
    assert rendering.figure_png(go.Figure()) == b"\x89PNG fake"
    assert fake_server.starts == 1


def test_a_failed_start_is_said_and_started_again_on_the_next_click(fake_server):
    fake_server.fail = True
    with pytest.raises(rendering.ImagesNotReady) as raised:
        rendering.images_ready(30)
    assert raised.value.starting is False
    assert "未能启动" in raised.value.message("zh") and "重试" in raised.value.message("zh")
    assert "did not start" in raised.value.message("en")
    fake_server.fail = False
    fake_server.let_go.set()
    rendering.images_ready(30)  # not remembered: a second start, which succeeds
    assert fake_server.starts == 2


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_click_says_the_reason_under_the_button_in_the_pages_language(fake_server, lang):
    """The card's PNG maker raises the sentence, and Streamlit's answer to the click carries it instead of its own
    English "Failed to generate file for download" (which the page turned into "the data may have changed")."""
    download_errors.install()
    page = type("Page", (), {"lang": lang})()
    manager = MediaFileManager(MemoryMediaFileStorage("/media"))
    maker = cards.image_click(page, lambda: b"never made")
    original_wait, cards.IMAGE_CLICK_WAIT_SECONDS = cards.IMAGE_CLICK_WAIT_SECONDS, 0.05
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("streamlit.runtime.media_file_manager._get_session_id", lambda: "leader-1")
            file_id = manager.add_deferred(maker, "image/png", "$$ID-png", "会议数量.png")
        request = BackendOperationRequest(request_id="1")
        request.deferred_file.file_id = file_id
        response = run_apart(DeferredFileHandler(lambda: manager).handle(request, "leader-1"))
    finally:
        cards.IMAGE_CLICK_WAIT_SECONDS = original_wait
    assert response.error_msg == i18n.t("export.error.images_starting", lang)


def test_any_other_failure_keeps_streamlits_words():
    download_errors.install()
    manager = MediaFileManager(MemoryMediaFileStorage("/media"))

    def broken() -> bytes:
        raise ValueError("no such figure")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("streamlit.runtime.media_file_manager._get_session_id", lambda: "leader-1")
        file_id = manager.add_deferred(broken, "image/png", "$$ID-png", "x.png")
    request = BackendOperationRequest(request_id="2")
    request.deferred_file.file_id = file_id
    response = run_apart(DeferredFileHandler(lambda: manager).handle(request, "leader-1"))
    assert response.error_msg == "Failed to generate file for download"
