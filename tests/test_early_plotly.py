"""Plotly named in the pages' HTML (oversight.ui.early_plotly), without a server: the ASGI middleware called
directly, with a fake Streamlit behind it; the real server and browser are in tests/browser/test_warm_start_browser.py."""

from __future__ import annotations

import asyncio
import concurrent.futures
import re
from pathlib import Path

import pytest

from oversight.ui import early_plotly
from oversight.ui.early_plotly import CHARTLESS_PAGES, EarlyPlotlyMiddleware, page_name, plotly_module, with_module

ROOT = Path(__file__).resolve().parent.parent
MODULE = "static/js/PlotlyChart.D9Z0_fxz.js"
ENTRY = b'<script type="module" crossorigin src="./static/js/index.DormvYxC.js"></script>'
PAGE = b"<!DOCTYPE html><html><head><title>Streamlit</title>" + ENTRY + b"<link rel=x></head><body></body></html>"
TAG = b'<script type="module" crossorigin src="./static/js/PlotlyChart.D9Z0_fxz.js"></script>'


def test_the_module_goes_right_after_streamlits_entry_script():
    assert with_module(PAGE, MODULE) == PAGE.replace(ENTRY, ENTRY + TAG)


def test_html_that_is_not_streamlits_page_is_left_as_it_is():
    other = b"<html><head><script type='module' src='./static/js/other.js'></script></head></html>"
    assert with_module(other, MODULE) == other


def test_page_names_under_a_base_url():
    assert page_name("/") == "" and page_name("/meetings") == "meetings" and page_name("/data/") == "data"
    assert page_name("/oversight", "oversight/") == "" and page_name("/oversight/audit", "/oversight") == "audit"
    assert page_name("/oversightdata", "oversight") == "oversightdata"  # a prefix only counts as a whole segment


def test_the_module_of_this_streamlit_is_found_and_exists():
    from streamlit import file_util

    static = Path(file_util.get_static_dir())
    module = plotly_module(static)
    assert module is not None and re.fullmatch(r"static/js/PlotlyChart\.[\w-]+\.js", module)
    assert (static / module).stat().st_size > 1_000_000  # plotly.js itself
    index = (static / "index.html").read_bytes()
    assert with_module(index, module) != index  # Streamlit's page still has the entry script we look for


def test_no_module_or_several_mean_no_change(tmp_path):
    (tmp_path / "static" / "js").mkdir(parents=True)
    assert plotly_module(tmp_path) is None
    (tmp_path / "static" / "js" / "PlotlyChart.a.js").touch()
    assert plotly_module(tmp_path) == "static/js/PlotlyChart.a.js"
    (tmp_path / "static" / "js" / "PlotlyChart.b.js").touch()
    assert plotly_module(tmp_path) is None


# the pages (pages/NN_<name>.py) that draw charts; a new page must be put here or in CHARTLESS_PAGES
CHART_PAGES = {"meetings", "issues", "suggestions", "reminders", "unit_profile"}


def test_every_page_is_known_to_draw_charts_or_not():
    # a chart page wrongly listed as chartless would only lose the head start; a chartless page not listed
    # would pay for Plotly on every visit
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

    scope = {"type": "http", "method": method, "path": path, "root_path": "", "headers": []}
    middleware = EarlyPlotlyMiddleware(app, module=MODULE, base_url=base_url)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # the browser tests keep an event loop in this thread
        pool.submit(asyncio.run, middleware(scope, receive, send)).result()
    headers = {name.decode(): value.decode() for name, value in sent[0]["headers"]}
    return sent[0]["status"], headers, b"".join(message.get("body", b"") for message in sent[1:])


@pytest.mark.parametrize("path", ["/", "/meetings", "/unit_profile", "/no-such-page"])
def test_a_page_with_charts_gets_the_module_with_its_new_length(path):
    status, headers, body = _request(path, chunks=(PAGE[:40], PAGE[40:]))  # sent in pieces, changed whole
    assert status == 200 and body == with_module(PAGE, MODULE) and TAG in body
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


def test_install_adds_the_middleware_to_the_app_streamlit_builds(monkeypatch):
    from streamlit.web.server.starlette import starlette_app

    monkeypatch.setattr(early_plotly, "_installed", None)
    monkeypatch.setattr(starlette_app, "create_streamlit_middleware", starlette_app.create_streamlit_middleware)
    module = early_plotly.install()
    assert module is not None and module.startswith("static/js/PlotlyChart.")
    assert early_plotly.install() == module  # once per process: a second call adds nothing
    stack = starlette_app.create_streamlit_middleware()
    assert stack[-1].cls is EarlyPlotlyMiddleware and stack[-1].kwargs["module"] == module
    assert [entry.cls for entry in stack].count(EarlyPlotlyMiddleware) == 1
