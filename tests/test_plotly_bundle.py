"""Our plotly.js served and named in the chart pages' HTML (oversight.ui.plotly_bundle), without a server: the ASGI
middleware called directly, with a fake Streamlit behind it; the real server and browser are in
tests/browser/test_warm_start_browser.py."""

from __future__ import annotations

import asyncio
import concurrent.futures
import gzip
import hashlib
import re
from pathlib import Path

import pytest

from oversight.ui import plotly_bundle
from oversight.ui.plotly_bundle import CHARTLESS_PAGES, Bundle, PlotlyBundleMiddleware, page_name, with_script

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = Bundle.read()
ENTRY = b'<script type="module" crossorigin src="./static/js/index.DormvYxC.js"></script>'
PAGE = b"<!DOCTYPE html><html><head><title>Streamlit</title>" + ENTRY + b"<link rel=x></head><body></body></html>"
TAG = BUNDLE.script_tag()


def test_the_bundle_goes_right_after_streamlits_entry_script():
    preload = f'<link rel="preload" as="script" href="./{BUNDLE.path}">'.encode()
    assert TAG.startswith(preload + b"<script>") and TAG.endswith(b"</script>") and TAG.count(b"<script>") == 1
    loader = TAG[len(preload) + len(b"<script>") : -len(b"</script>")].decode()
    # run when Streamlit's socket opens, from the page's own folder, once
    assert f'script.src = "./{BUNDLE.path}";' in loader and f'script[src$="{BUNDLE.path}"]' in loader
    assert 'addEventListener("open"' in loader and "window.WebSocket = Native;" in loader
    assert "BUNDLE" not in loader.replace(BUNDLE.path, "")
    assert with_script(PAGE, TAG) == PAGE.replace(ENTRY, ENTRY + TAG)


def test_html_that_is_not_streamlits_page_is_left_as_it_is():
    other = b"<html><head><script type='module' src='./static/js/other.js'></script></head></html>"
    assert with_script(other, TAG) == other


def test_page_names_under_a_base_url():
    assert page_name("/") == "" and page_name("/meetings") == "meetings" and page_name("/data/") == "data"
    assert page_name("/oversight", "oversight/") == "" and page_name("/oversight/audit", "/oversight") == "audit"
    assert page_name("/oversightdata", "oversight") == "oversightdata"  # a prefix only counts as a whole segment


def test_the_bundle_is_plotly_js_of_the_python_packages_release_with_its_licence():
    import plotly

    text = plotly_bundle.VENDOR_FILE.read_text(encoding="utf-8")
    release = re.search(r"plotly\.js \(cartesian - minified\) v(\d+\.\d+\.\d+)", text[:300])
    bundled = (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text(encoding="utf-8")[:300]
    assert release is not None and f"v{release.group(1)}" in bundled  # the figures' JSON is written for this release
    assert plotly_bundle.VENDOR_FILE.name == f"plotly-cartesian-{release.group(1)}.min.js"
    assert (plotly_bundle.VENDOR_FILE.parent / "plotly.js-LICENSE.txt").read_text().startswith("MIT License")
    # every trace type the pages draw is among the bundle's: tests/test_chart_view.py


def test_the_bundles_name_is_its_content_so_a_browser_may_keep_it_for_a_year():
    data = plotly_bundle.VENDOR_FILE.read_bytes()
    assert BUNDLE.path == f"_oversight/plotly-cartesian.{hashlib.sha256(data).hexdigest()[:16]}.js"
    assert BUNDLE.plain.body == data and gzip.decompress(BUNDLE.gzipped.body) == data
    assert len(BUNDLE.gzipped.body) < len(data) / 2
    for representation in (BUNDLE.plain, BUNDLE.gzipped):
        headers = dict(representation.headers)
        assert headers[b"cache-control"] == b"public, immutable, max-age=31536000"
        assert headers[b"content-type"] == b"text/javascript; charset=utf-8" and headers[b"etag"] == representation.etag
    assert BUNDLE.plain.etag != BUNDLE.gzipped.etag and dict(BUNDLE.gzipped.headers)[b"content-encoding"] == b"gzip"


# the pages (pages/NN_<name>.py) that draw charts; a new page must be put here or in CHARTLESS_PAGES
CHART_PAGES = {"meetings", "issues", "suggestions", "reminders", "unit_profile"}


def test_every_page_is_known_to_draw_charts_or_not():
    # a chart page wrongly listed as chartless would wait for its charts until the bundle failed; a chartless page
    # not listed would pay for plotly.js on every visit
    pages = {
        re.sub(r"^\d+_", "", path.stem): path.read_text(encoding="utf-8") for path in (ROOT / "pages").glob("*.py")
    }
    assert set(pages) == CHART_PAGES | CHARTLESS_PAGES and not CHART_PAGES & CHARTLESS_PAGES
    for name in CHARTLESS_PAGES:
        assert re.search(r"chart_grid|chart_card|figure_card|plotly|unit_profile", pages[name]) is None, name


def _request(
    path: str,
    *,
    method: str = "GET",
    status: int = 200,
    content_type: bytes = b"text/html; charset=utf-8",
    chunks: tuple[bytes, ...] = (PAGE,),
    base_url: str = "",
    extra: tuple = (),
    request_headers: tuple = (),
):
    sent: list[dict] = []

    async def app(scope, receive, send):
        headers = [
            (b"content-type", content_type),
            (b"content-length", str(sum(map(len, chunks))).encode()),
            (b"etag", b'"on-disk"'),
            (b"last-modified", b"Tue, 01 Dec 2026 09:28:00 GMT"),
            *extra,
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        for index, chunk in enumerate(chunks):
            await send({"type": "http.response.body", "body": chunk, "more_body": index < len(chunks) - 1})

    async def receive():
        return {"type": "http.request"}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "root_path": "", "headers": list(request_headers)}
    middleware = PlotlyBundleMiddleware(app, bundle=BUNDLE, base_url=base_url)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # the browser tests keep an event loop in this thread
        pool.submit(asyncio.run, middleware(scope, receive, send)).result()
    headers = {name.decode(): value.decode() for name, value in sent[0]["headers"]}
    return sent[0]["status"], headers, b"".join(message.get("body", b"") for message in sent[1:])


@pytest.mark.parametrize("path", ["/", "/meetings", "/unit_profile", "/no-such-page"])
def test_a_page_with_charts_gets_the_bundle_with_its_new_length(path):
    status, headers, body = _request(path, chunks=(PAGE[:40], PAGE[40:]))  # sent in pieces, changed whole
    assert status == 200 and body == with_script(PAGE, TAG) and TAG in body
    assert headers["content-length"] == str(len(body))
    assert "etag" not in headers and "last-modified" not in headers  # they described the file, not this
    assert headers["content-type"] == "text/html; charset=utf-8"


@pytest.mark.parametrize("path", ["/data", "/audit", "/briefing", "/oversight/data"])
def test_chartless_pages_are_sent_as_streamlit_sends_them(path):
    status, headers, body = _request(path, base_url="oversight" if path.startswith("/oversight") else "")
    assert body == PAGE and headers["etag"] == '"on-disk"' and headers["content-length"] == str(len(PAGE))


@pytest.mark.parametrize(
    ("what", "kwargs"),
    [
        ("a script", {"content_type": b"text/javascript", "path": "/static/js/index.DormvYxC.js"}),
        ("a HEAD", {"method": "HEAD"}),
        ("a 304", {"status": 304, "chunks": (b"",)}),
        ("gzipped html", {"extra": ((b"content-encoding", b"gzip"),)}),
    ],
)
def test_anything_else_passes_through_untouched(what, kwargs):
    path = kwargs.pop("path", "/")
    status, headers, body = _request(path, **kwargs)
    assert TAG not in body and headers["etag"] == '"on-disk"', what


@pytest.mark.parametrize("base_url", ["", "oversight"])
def test_the_bundle_is_answered_gzipped_to_a_browser_that_accepts_it_and_plain_otherwise(base_url):
    path = f"/{base_url}/{BUNDLE.path}" if base_url else f"/{BUNDLE.path}"
    status, headers, body = _request(path, base_url=base_url, request_headers=((b"accept-encoding", b"gzip, br"),))
    assert status == 200 and body == BUNDLE.gzipped.body and headers["content-encoding"] == "gzip"
    assert headers["content-length"] == str(len(body)) and headers["content-type"] == "text/javascript; charset=utf-8"
    status, headers, body = _request(path, base_url=base_url)
    assert status == 200 and body == plotly_bundle.VENDOR_FILE.read_bytes() and "content-encoding" not in headers
    status, headers, body = _request(path, base_url=base_url, method="HEAD")
    assert status == 200 and body == b"" and headers["content-length"] == str(len(BUNDLE.plain.body))
    # the browser's copy is still good: 304, no body
    etag = BUNDLE.gzipped.etag
    status, headers, body = _request(
        path, base_url=base_url, request_headers=((b"accept-encoding", b"gzip"), (b"if-none-match", etag))
    )
    assert status == 304 and body == b"" and headers["etag"] == etag.decode()


@pytest.mark.parametrize(
    ("path", "base_url"),
    [
        ("/_oversight/plotly-cartesian.0000000000000000.js", ""),  # another release's name
        ("/oversight/_oversight/plotly-cartesian.0000000000000000.js", "oversight"),
        ("/_oversight/../oversight/ui/assets/vendor/plotly-cartesian-4.1.1.min.js", ""),
        ("/_oversight/", ""),
    ],
)
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_any_other_name_in_the_bundles_folder_is_not_found(path, base_url, method):
    # Streamlit answers an unknown path with its page (200, HTML): a page of an older release asking for its own
    # bundle would get HTML to run as a script
    status, headers, body = _request(path, base_url=base_url, method=method)
    assert status == 404 and body == b"Not Found" and headers["content-type"] == "text/plain; charset=utf-8"
    assert headers["cache-control"] == "no-store" and headers["content-length"] == "9"


def test_a_page_path_that_merely_contains_the_folders_name_is_a_page():
    status, headers, body = _request("/meetings/_oversight/x.js")
    assert status == 200 and body == with_script(PAGE, TAG)


def test_a_page_without_streamlits_entry_script_is_sent_as_it_is_and_said_once_in_the_log(monkeypatch, caplog):
    plotly_bundle._warn_once_without_entry_script.cache_clear()
    other = b"<html><head><script type='module' src='./static/js/main.js'></script></head></html>"
    with caplog.at_level("WARNING", logger=plotly_bundle.__name__):
        for _ in range(3):
            status, headers, body = _request("/", chunks=(other,))
            assert status == 200 and body == other and headers["content-length"] == str(len(other))
    assert [record.getMessage() for record in caplog.records].count(
        "Streamlit's page has no entry script where expected: plotly.js is loaded by the first chart"
    ) == 1


def test_install_adds_the_middleware_to_the_app_streamlit_builds(monkeypatch):
    from streamlit.web.server.starlette import starlette_app

    monkeypatch.setattr(plotly_bundle, "_installed", None)
    monkeypatch.setattr(starlette_app, "create_streamlit_middleware", starlette_app.create_streamlit_middleware)
    assert plotly_bundle.served() is None  # a bare `streamlit run`, AppTest: Streamlit draws the charts
    bundle = plotly_bundle.install()
    assert bundle is not None and bundle.path == BUNDLE.path and plotly_bundle.served() is bundle
    assert plotly_bundle.install() is bundle  # once per process: a second call adds nothing
    stack = starlette_app.create_streamlit_middleware()
    assert stack[-1].cls is PlotlyBundleMiddleware and stack[-1].kwargs["bundle"] is bundle
    assert [entry.cls for entry in stack].count(PlotlyBundleMiddleware) == 1


def test_without_its_file_nothing_is_installed(monkeypatch, tmp_path):
    from streamlit.web.server.starlette import starlette_app

    monkeypatch.setattr(plotly_bundle, "_installed", None)
    monkeypatch.setattr(plotly_bundle, "VENDOR_FILE", tmp_path / "missing.js")
    before = starlette_app.create_streamlit_middleware
    monkeypatch.setattr(starlette_app, "create_streamlit_middleware", before)
    assert plotly_bundle.install() is None and plotly_bundle.served() is None
    assert starlette_app.create_streamlit_middleware is before
