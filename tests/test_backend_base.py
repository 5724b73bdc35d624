"""Streamlit's page told where its server is (oversight.ui.backend_base), without a server: the ASGI middleware
called directly with a fake Streamlit behind it. The browser's side (no 404 on any page URL):
tests/browser/test_serving_browser.py."""

from __future__ import annotations

import functools
import json

import pytest

from oversight.ui.backend_base import BackendBaseMiddleware, script_tag, with_base
from tests.asgi_page import ENTRY, served

PAGE = b"<!DOCTYPE html><html><head><title>Streamlit</title>" + ENTRY + b"</head><body></body></html>"


def _request(path: bytes, *, method="GET", content_type=b"text/html", base_url="", body=PAGE):
    from urllib.parse import unquote

    scope = {"type": "http", "method": method, "path": unquote(path.decode()), "raw_path": path, "root_path": ""}
    middleware = functools.partial(BackendBaseMiddleware, base_url=base_url)
    return served(middleware, scope, content_type=content_type, body=body)


def _below_in(tag: bytes) -> str:
    """The path the script strips from the browser's address, as the script holds it."""
    text = tag.decode()
    start = text.index("below = ") + len("below = ")
    return json.loads(text[start : text.index(";", start)])


@pytest.mark.parametrize(
    ("raw_path", "base_url", "below"),
    [
        (b"/issues", "", "/issues"),
        (b"/issues/", "", "/issues"),  # the address's last "/" is dropped by the script too
        (b"/", "", ""),
        (b"/oversight/issues", "oversight", "/issues"),  # under server.baseUrlPath: the base stays in the address
        (b"/%E9%A1%B5", "", "/%E9%A1%B5"),  # as the browser's location.pathname has it, not decoded
    ],
)
def test_every_page_is_told_the_part_of_its_address_that_is_the_page(raw_path, base_url, below):
    headers, body = _request(raw_path, base_url=base_url)
    tag = script_tag(below)
    assert body == PAGE.replace(ENTRY, tag + ENTRY) and _below_in(tag) == below
    assert headers[b"content-length"] == str(len(body)).encode()
    assert b"BACKEND_BASE_URL" in tag and b"__streamlit" in tag


def test_a_path_cannot_close_the_script():
    tag = script_tag("/</script><script>alert(1)")
    assert tag.count(b"</script>") == 1 and b"<script>alert" not in tag
    assert _below_in(tag) == "/</script><script>alert(1)"


def test_anything_but_streamlits_page_passes_as_it_is():
    assert with_base(b"<html>no entry script</html>", "/issues") == b"<html>no entry script</html>"
    assert _request(b"/issues", content_type=b"application/json", body=b"{}")[1] == b"{}"
    assert _request(b"/issues", method="HEAD")[1] == PAGE
