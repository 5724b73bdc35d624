"""The page's language written into Streamlit's page before its frontend starts (oversight.ui.page_locale), without
a server: the ASGI middleware called directly with a fake Streamlit behind it. The browser's side (a page's first
calendar in the page's language): tests/browser/test_streamlit_words_browser.py."""

from __future__ import annotations

import pytest

from oversight.ui.page_locale import PageLocaleMiddleware, language_of
from tests.asgi_page import ENTRY, served

PAGE = b'<!DOCTYPE html><html lang="en"><head><title>Streamlit</title>' + ENTRY + b"</head><body></body></html>"


def _request(query: bytes, *, method="GET", content_type=b"text/html", body=PAGE):
    scope = {"type": "http", "method": method, "path": "/audit", "query_string": query, "root_path": ""}
    return served(PageLocaleMiddleware, scope, content_type=content_type, body=body)


@pytest.mark.parametrize(
    ("query", "tag"),
    [
        (b"lang=en", b'"en"'),
        (b"unit=U01&lang=EN-gb&from=2020Q1", b'"en"'),
        (b"lang=zh", b'"zh-CN"'),
        (b"", b'"zh-CN"'),  # no language asked: the session's default
        (b"lang=fr", b'"zh-CN"'),  # one we do not have: the default, as the page shows it
        (b"lang=en&lang=zh", b'"en"'),  # the first, as the session takes it
    ],
)
def test_the_page_names_the_language_of_its_address_before_streamlits_script(query, tag):
    headers, body = _request(query)
    script = body.index(b"<script>")
    assert script < body.index(ENTRY)  # before the frontend reads navigator.language
    assert b"})(" + tag + b");</script>" in body[script : body.index(ENTRY)]
    assert headers[b"content-length"] == str(len(body)).encode()


def test_what_is_not_streamlits_page_passes_as_it_is():
    assert _request(b"lang=en", content_type=b"application/javascript", body=b"x")[1] == b"x"
    assert _request(b"lang=en", body=b"<html>no entry script</html>")[1] == b"<html>no entry script</html>"
    assert _request(b"lang=en", method="HEAD")[1] == PAGE


def test_the_language_of_an_address_is_the_sessions():
    assert [language_of(q) for q in (b"lang=en", b"lang=", b"lang=zh-CN", b"x=1")] == ["en", "zh", "zh", "zh"]


@pytest.mark.parametrize(("query", "word"), [(b"lang=zh", "跳到正文"), (b"lang=en", "Skip to main content")])
def test_streamlits_own_words_come_in_the_pages_html_before_its_frontend(query, word):
    """Streamlit drew its skip link in English before the page run's script translated it (a second of "Skip to main
    content" on a Chinese page, at every reload); the words now come with the page's HTML, before its entry script."""
    _, body = _request(query)
    before_entry = body[: body.index(ENTRY)].decode()
    assert f'"ours": "{word}"' in before_entry and "oversightStreamlitWatch" in before_entry
