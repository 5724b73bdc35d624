"""The page's own CSS and script reach the browser whole. st.html runs DOMPurify, which silently drops a style or
script element whose text looks like markup (a less-than sign before a letter or slash, even in a comment): the
whole stylesheet would vanish (cut KPI values, no phone grid, no dark charts)."""

from __future__ import annotations

import re

import pytest

from oversight import config


@pytest.mark.parametrize("name", ["app.css", "scheme.js"])
def test_no_text_that_looks_like_markup(name):
    text = (config.ASSET_DIR / name).read_text(encoding="utf-8")
    assert not re.search(r"<[A-Za-z/!]", text), re.search(r".{0,30}<[A-Za-z/!].{0,30}", text).group(0)
