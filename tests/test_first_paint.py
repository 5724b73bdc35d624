"""The rule that keeps the page's head still while Streamlit loads its HTML element (oversight.ui.first_paint), written
into Streamlit's page without a server. The browser's side: tests/browser/test_first_paint_browser.py."""

from __future__ import annotations

from oversight import config
from oversight.ui.first_paint import PHONE_HEAD, PHONE_MEDIA, STYLE, FirstPaintMiddleware
from tests.asgi_page import ENTRY, served

PAGE = b'<!DOCTYPE html><html lang="en"><head><title>Streamlit</title>' + ENTRY + b"</head><body></body></html>"


def _request(*, method="GET", content_type=b"text/html", body=PAGE):
    scope = {"type": "http", "method": method, "path": "/issues", "query_string": b"", "root_path": ""}
    return served(FirstPaintMiddleware, scope, content_type=content_type, body=body)


def test_the_rule_comes_before_streamlits_script():
    headers, body = _request()
    assert body.count(STYLE) == 1 and body.index(STYLE) < body.index(ENTRY)  # there before the first drawing
    assert headers[b"content-length"] == str(len(body)).encode()


def test_what_is_not_streamlits_page_passes_as_it_is():
    assert _request(content_type=b"application/javascript", body=b"x")[1] == b"x"
    assert _request(body=b"<html>no entry script</html>")[1] == b"<html>no entry script</html>"


def test_the_phones_head_is_placed_as_app_css_places_it():
    """The page's HTML places the head on a phone before app.css arrives; the two say the same, in the same block."""
    css = (config.ASSET_DIR / "app.css").read_text(encoding="utf-8")
    blocks = [part[: part.index("\n}\n")] for part in css.split(PHONE_MEDIA + " {")[1:]]
    for rule in PHONE_HEAD:
        assert any(rule in block for block in blocks), rule
