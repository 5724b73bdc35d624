"""Streamlit's static files gzipped once and served gzipped (oversight.ui.compressed_static), without a server:
the ASGI middleware called directly, over a static folder made for the test."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from oversight.ui import compressed_static
from oversight.ui.compressed_static import CompressedFiles, CompressedStaticMiddleware, accepts_gzip
from tests.event_loop import run_apart

SCRIPT = ("const answer = 42; " * 400).encode()  # 7.6 kB, compresses well


@pytest.fixture
def static_dir(tmp_path) -> Path:
    (tmp_path / "static" / "js").mkdir(parents=True)
    (tmp_path / "static" / "media").mkdir()
    (tmp_path / "static" / "js" / "index.Ab12Cd34.js").write_bytes(SCRIPT)
    (tmp_path / "static" / "js" / "tiny.Ab12Cd34.js").write_bytes(b"export {};")  # under the minimum
    (tmp_path / "static" / "media" / "font.Ab12Cd34.woff2").write_bytes(SCRIPT)  # fonts are compressed already
    (tmp_path / "index.html").write_bytes(b"<html>" + SCRIPT + b"</html>")  # not hashed: left to Streamlit
    return tmp_path


@pytest.fixture
def files(static_dir) -> CompressedFiles:
    built = CompressedFiles(static_dir)
    built.build()
    return built


def _request(middleware, path: str, headers: dict[str, str], method: str = "GET", root_path: str = ""):
    sent: list[dict] = []
    passed_on: list[dict] = []

    async def app(scope, receive, send):
        passed_on.append(scope)
        await send({"type": "http.response.start", "status": 200, "headers": [(b"x-from", b"streamlit")]})
        await send({"type": "http.response.body", "body": b"as streamlit sends it"})

    async def receive():
        return {"type": "http.request"}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "root_path": root_path,
        "headers": [(name.lower().encode(), value.encode()) for name, value in headers.items()],
    }
    run_apart(middleware(app)(scope, receive, send))
    status = sent[0]["status"]
    response_headers = {name.decode(): value.decode() for name, value in sent[0]["headers"]}
    return status, response_headers, b"".join(message.get("body", b"") for message in sent[1:]), bool(passed_on)


def _middleware(files: CompressedFiles, base_url: str = ""):
    return lambda app: CompressedStaticMiddleware(app, files=files, base_url=base_url)


def test_only_hashed_text_files_over_the_minimum_are_compressed(files):
    assert len(files) == 1 and files.finished.is_set()
    compressed = files.get("static/js/index.Ab12Cd34.js")
    assert compressed is not None and gzip.decompress(compressed.body) == SCRIPT
    assert files.get("static/js/tiny.Ab12Cd34.js") is None
    assert files.get("static/media/font.Ab12Cd34.woff2") is None
    assert files.get("index.html") is None


def test_a_browser_that_accepts_gzip_gets_the_gzipped_bytes_with_streamlits_cache_headers(files):
    status, headers, body, passed_on = _request(
        _middleware(files), "/static/js/index.Ab12Cd34.js", {"Accept-Encoding": "gzip, deflate, br, zstd"}
    )
    assert status == 200 and not passed_on
    assert gzip.decompress(body) == SCRIPT and headers["content-length"] == str(len(body))
    assert headers["content-encoding"] == "gzip" and headers["vary"] == "Accept-Encoding"
    assert headers["cache-control"] == "public, immutable, max-age=31536000"
    assert headers["content-type"].startswith(("text/javascript", "application/javascript"))
    assert headers["etag"].endswith('-gzip"') and headers["last-modified"].endswith("GMT")


def test_head_sends_the_headers_only_and_a_known_etag_gets_304(files):
    gzip_only = {"Accept-Encoding": "gzip"}
    status, headers, body, _ = _request(_middleware(files), "/static/js/index.Ab12Cd34.js", gzip_only, "HEAD")
    assert status == 200 and body == b"" and int(headers["content-length"]) > 0
    status, again, body, passed_on = _request(
        _middleware(files),
        "/static/js/index.Ab12Cd34.js",
        {**gzip_only, "If-None-Match": f'"other", {headers["etag"]}'},
    )
    assert (status, body, passed_on) == (304, b"", False) and again["etag"] == headers["etag"]


@pytest.mark.parametrize(
    "path, accept_encoding",
    [
        ("/static/js/index.Ab12Cd34.js", ""),  # no Accept-Encoding
        ("/static/js/index.Ab12Cd34.js", "gzip;q=0, br"),  # gzip refused
        ("/static/js/tiny.Ab12Cd34.js", "gzip"),  # not compressed
        ("/static/js/../js/index.Ab12Cd34.js", "gzip"),  # not a path of the folder as it is: never resolved here
        ("/index.html", "gzip"),
        ("/", "gzip"),
        ("/_stcore/health", "gzip"),
    ],
)
def test_everything_else_is_left_to_streamlit(files, path, accept_encoding):
    status, headers, body, passed_on = _request(_middleware(files), path, {"Accept-Encoding": accept_encoding})
    assert passed_on and body == b"as streamlit sends it" and "content-encoding" not in headers


def test_a_post_is_left_to_streamlit(files):
    assert _request(_middleware(files), "/static/js/index.Ab12Cd34.js", {"Accept-Encoding": "gzip"}, "POST")[3]


def test_under_a_base_url_path_the_files_are_found_below_it(files):
    status, headers, body, passed_on = _request(
        _middleware(files, base_url="/oversight/"),
        "/oversight/static/js/index.Ab12Cd34.js",
        {"Accept-Encoding": "gzip"},
    )
    assert not passed_on and gzip.decompress(body) == SCRIPT
    assert (
        _request(_middleware(files, base_url="oversight"), "/static/js/index.Ab12Cd34.js", {"Accept-Encoding": "gzip"})[
            0
        ]
        == 200
    )
    mounted = _request(
        _middleware(files), "/app/static/js/index.Ab12Cd34.js", {"Accept-Encoding": "gzip"}, root_path="/app"
    )
    assert not mounted[3] and gzip.decompress(mounted[2]) == SCRIPT


@pytest.mark.parametrize(
    "header, accepted",
    [
        ("gzip", True),
        ("gzip, deflate, br, zstd", True),
        ("br;q=1.0, gzip;q=0.8, *;q=0.1", True),
        ("x-gzip", True),
        ("*", True),
        ("", False),
        ("identity", False),
        ("br", False),
        ("gzip;q=0", False),
        ("gzip;q=0.000, *", False),
        ("gzip;q=abc", False),
        ("*;q=0", False),
    ],
)
def test_accept_encoding(header, accepted):
    assert accepts_gzip(header) is accepted


def test_install_adds_the_middleware_to_the_app_streamlit_builds(monkeypatch):
    from streamlit.web.server.starlette import starlette_app

    monkeypatch.setattr(compressed_static, "_installed", None)
    monkeypatch.setattr(starlette_app, "create_streamlit_middleware", starlette_app.create_streamlit_middleware)
    files = compressed_static.install()
    assert files is not None and compressed_static.install() is files  # once per process
    files.finished.wait(60)
    stack = starlette_app.create_streamlit_middleware()
    assert stack[-1].cls is CompressedStaticMiddleware and stack[-1].kwargs["files"] is files
    assert len(files) > 100  # Streamlit's own bundle
