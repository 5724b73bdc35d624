"""A running server keeps a file only for a session showing the import form, and ignores requests to clear its
caches (review of 2 Dec: a visitor at the sign-in page filled the server's memory with uploads, and emptied every
leader's caches five times a second). Spoken as the browser speaks: Streamlit's websocket and its upload route."""

from __future__ import annotations

import contextlib
import re
import shutil
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import ClientConnection, connect

from oversight.data import store
from oversight.ui import session_guard
from tests.browser.conftest import start_server
from tests.event_loop import run_apart

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("guard") / "data"
    shutil.copytree(store.SAMPLE_DATA_DIR, folder, ignore=shutil.ignore_patterns(".cache", ".history"))
    # local mode (no users file): this machine's visitor is the office's admin and may open the data page
    process, url = start_server(folder, env_extra={"OVERSIGHT_USERS_FILE": "", "OVERSIGHT_MAX_UPLOAD_MB": "1"})
    yield url
    process.kill()
    process.wait()


@contextlib.contextmanager
def _session(url: str, page_name: str = "") -> Iterator[tuple[ClientConnection, str]]:
    """A session that has run ``page_name`` once (as a browser's first message asks), and its id."""
    with connect(
        url.replace("http", "ws", 1) + "/_stcore/stream",
        subprotocols=["streamlit"],  # type: ignore[list-item]
        additional_headers={"Origin": url},
        max_size=None,
    ) as socket:
        message = BackMsg()
        message.rerun_script.query_string = ""
        message.rerun_script.page_name = page_name
        socket.send(message.SerializeToString())
        session_id = ""
        while True:
            received = ForwardMsg()
            received.ParseFromString(socket.recv(timeout=120))
            kind = received.WhichOneof("type")
            if kind == "new_session":
                session_id = received.new_session.initialize.session_id
            elif kind == "script_finished":
                break
        yield socket, session_id


def _upload(url: str, session_id: str, size: int) -> int:
    """PUT a file of ``size`` bytes to the session, with the XSRF token a page load gives: the HTTP status."""
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=30) as response:
        cookie = next(h for h in response.headers.get_all("Set-Cookie") or [] if h.startswith("_streamlit_xsrf="))
    token = cookie.split(";", 1)[0].split("=", 1)[1]
    body = (
        b'--B\r\nContent-Disposition: form-data; name="file"; filename="a.xlsx"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n" + b"x" * size + b"\r\n--B--\r\n"
    )
    request = urllib.request.Request(
        f"{url}/_stcore/upload_file/{session_id}/{uuid.uuid4()}",
        data=body,
        method="PUT",
        headers={
            "Content-Type": "multipart/form-data; boundary=B",
            "X-Xsrftoken": token,
            "Cookie": f"_streamlit_xsrf={token}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, ConnectionError) as error:
        # refused by its Content-Length before the body was read: the server may answer and close while the body
        # is still being sent, which the client sees as a broken pipe rather than the 413
        reason = getattr(error, "reason", error)
        if isinstance(reason, ConnectionError):
            return CUT_OFF
        raise


CUT_OFF = 0  # the connection closed before the answer could be read (a refusal mid-body)


def _cache_misses(url: str) -> int:
    """How often the pages' query cache has had to compute a result since the server started."""
    with urllib.request.urlopen(f"{url}/_stcore/metrics", timeout=30) as response:
        text = response.read().decode()
    pattern = r'cache_lookups_total\{cache="oversight\.ui\.page\.cached_query",[^}]*result="miss"\} (\d+)'
    return int(re.search(pattern, text).group(1))


def test_only_a_session_showing_the_import_form_may_upload_and_no_more_than_the_importer_takes(server):
    with _session(server) as (_, overview_id), _session(server, "data") as (_, data_id):
        assert _upload(server, overview_id, 1000) == 403  # the Overview has no upload box: nothing is kept
        assert _upload(server, data_id, 1000) == 204
        # OVERSIGHT_MAX_UPLOAD_MB=1, not Streamlit's 200 (refused by its length, perhaps while it is being sent)
        assert _upload(server, data_id, 2 * 1024 * 1024) in (413, CUT_OFF)


def test_the_right_to_upload_ends_when_the_page_no_longer_shows_the_form_and_is_bounded(server):
    """rev-h2: an admin who had opened the data page could go on uploading from any page, any number of files."""
    with _session(server, "data") as (socket, data_id):
        for _ in range(session_guard.MAX_FILES_PER_SESSION):
            assert _upload(server, data_id, 100) == 204
        assert _upload(server, data_id, 100) == 403  # more than one import takes
        message = BackMsg()
        message.rerun_script.query_string = ""
        message.rerun_script.page_name = ""  # the Overview, in the same session
        socket.send(message.SerializeToString())
        while True:
            received = ForwardMsg()
            received.ParseFromString(socket.recv(timeout=120))
            if received.WhichOneof("type") == "script_finished":
                break
        assert _upload(server, data_id, 100) == 403


def test_a_refused_upload_is_answered_before_its_body_is_read():
    """Under ``python -m oversight.ui.serve`` the refusal comes before Streamlit reads up to 20 MB of the body."""

    called, sent = [], []

    async def streamlit(scope, receive, send):  # the app behind: must not be reached
        called.append(scope["path"])

    async def receive():  # the body: must not be read
        raise AssertionError("the body was read")

    async def send(message):
        sent.append(message)

    middleware = session_guard.RefusedUploadMiddleware(streamlit, base_url="oversight")
    scope = {"type": "http", "method": "PUT", "path": "/oversight/_stcore/upload_file/s-1/f-1", "root_path": ""}
    run_apart(middleware(scope, receive, send))
    assert called == [] and sent[0]["status"] == 403
    run_apart(middleware({**scope, "method": "GET", "path": "/oversight/"}, receive, send))
    assert called == ["/oversight/"]


def test_a_request_to_clear_the_caches_is_ignored(server):
    with _session(server) as (socket, _):
        misses = _cache_misses(server)
        with _session(server):  # the same view again: every figure from the cache
            pass
        assert _cache_misses(server) == misses
        message = BackMsg()
        message.clear_cache = True
        socket.send(message.SerializeToString())
        with _session(server):  # a full run after the request: had the caches been emptied, it computes again
            pass
        assert _cache_misses(server) == misses
