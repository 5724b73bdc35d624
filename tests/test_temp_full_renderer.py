"""Chromium's start in a full temporary folder (review of 5 Dec, session 38 w3): every export says the true cause.

Kaleido writes its page (``index.html``) and choreographer makes Chromium's profile in the temporary folder
(``TMPDIR``, else /tmp) before Chromium runs. Reproduced on a 1 MB tmpfs filled to its last byte, the image browser's
start failed with a bare ``OSError: [Errno 28]``: a PNG click said 图片导出所用的浏览器未能启动…请再点击一次下载重试
(click again, it will not help), the briefing panel 图表渲染出错, and ``brief`` 磁盘空间不足 (the admin's ``df`` of the
output's disk showed room). With a few KB free Chromium ran, writing what it could of its profile; the PDF printed
by the fallback ``chromium --print-to-pdf`` then had no room and was said as a failed render. Each now says the
temporary folder's disk is full, in the reader's language. The full disk is injected where it is met: ``mkdir`` of
a temporary folder (an ext4 /tmp's ENOSPC; a tmpfs refuses the first write in it), and Chromium's own words.
"""

from __future__ import annotations

import errno
import json
import os
import tempfile

import plotly.graph_objects as go
import pytest
from streamlit.proto.BackMsg_pb2 import BackendOperationRequest
from streamlit.runtime.backend_operation_handler import DeferredFileHandler
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from oversight.briefing import pdf_print
from oversight.cli.main import main
from oversight.core import atomic, i18n
from oversight.export import rendering
from oversight.ui import cards, download_errors, setup
from tests.event_loop import run_apart


def _no_room(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.fixture
def full_temporary_folder(monkeypatch):
    """No temporary folder can be made (a full /tmp), and no image browser is running: the next render starts one."""
    if rendering.find_browser() is None:
        pytest.fail("these tests start Debian's Chromium: apt-get install chromium")
    monkeypatch.setattr(tempfile, "mkdtemp", _no_room)
    monkeypatch.setattr(rendering, "_server", None)
    monkeypatch.setattr(rendering, "_starting", None)


def test_the_image_browsers_start_in_a_full_temporary_folder_raises_that(full_temporary_folder):
    with pytest.raises(atomic.TemporaryFolderFull):  # was a bare OSError, said by the pack as a failed render
        rendering.render_image(go.Figure(), "png")
    assert rendering._starting is None  # not remembered: once there is room, the next click starts a browser


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_png_click_says_the_temporary_folder_is_full(full_temporary_folder, lang):
    download_errors.install()
    page = type("Page", (), {"lang": lang})()
    manager = MediaFileManager(MemoryMediaFileStorage("/media"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("streamlit.runtime.media_file_manager._get_session_id", lambda: "leader-1")
        file_id = manager.add_deferred(cards.image_click(page, lambda: b"never made"), "image/png", "$$ID", "x.png")
    request = BackendOperationRequest(request_id="1")
    request.deferred_file.file_id = file_id
    said = run_apart(DeferredFileHandler(lambda: manager).handle(request, "leader-1")).error_msg
    # was export.error.images_failed: "the browser did not start, click again"
    assert said == i18n.t("export.error.images_temp_full", lang)
    assert ("TMPDIR" in said) and (("空间不足" in said) if lang == "zh" else ("is full" in said))
    # and the page's note keeps it as given (assets/download_failed.js): a sentence it does not know became its
    # general note, "the data may have changed, reload the page"
    assert json.dumps(said, ensure_ascii=False) in setup._download_failed_js(lang)


def test_a_print_chromium_could_not_write_for_want_of_room_says_so(tmp_path):
    """The fallback's Chromium exits 0 without its PDF and says why on its error output, as it did on the tmpfs."""
    browser = tmp_path / "chromium"
    browser.write_text(
        "#!/bin/sh\necho '[1:2:ERROR:headless_command_handler.cc:266] Failed to write file /tmp/x/report.pdf:"
        " No space left on device (28)' >&2\nexit 0\n",
        encoding="utf-8",
    )
    browser.chmod(0o755)
    source = tmp_path / "page.html"
    source.write_text("<p>x</p>", encoding="utf-8")
    with pytest.raises(atomic.TemporaryFolderFull) as raised:  # was PdfRenderFailed: 图表渲染出错 on the panel
        pdf_print._print_with_cli(source, tmp_path, str(browser))
    assert raised.value.filename == tempfile.gettempdir()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_brief_says_the_temporary_folders_disk_not_the_outputs(full_temporary_folder, tmp_path, capsys, lang):
    out = tmp_path / "out"
    out.mkdir()
    assert main(["brief", "--out", str(out), "--format", "pptx", "--lang", lang]) == 2
    said = capsys.readouterr().err.strip().splitlines()[-1]  # after the line saying which year the brief is of
    # was 磁盘空间不足，无法写入: the admin looked at --out's disk, which had room
    assert said == i18n.sentence_start(i18n.t("error.temp_disk_full", lang)) + ("。" if lang == "zh" else ".")
    assert list(out.iterdir()) == []
