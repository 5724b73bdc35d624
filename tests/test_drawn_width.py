"""``label_width`` never reckons a text narrower than the charts' font draws it, measured with the font itself.

Review of 5 Dec: the estimate counted every character outside Chinese and full-width forms as 0.58 of a square, where
Noto Sans CJK SC (the first font of every chart and picture) draws “ ” ‘ ’ · … × ÷ → √ ± ▲ ▼ at a square and — at
0.894, and the Latin letters b d h m n o p q u w and most capitals wider than 0.58 (m 0.926, W 0.878): a title, a
unit's label cut with "…", a margin from an English name came out short. Each character and each text the product
writes (both locales' strings, the sample data's names and categories, every printable ASCII character, the symbols
the charts write) is measured here with PIL in the installed font file, shaped (kerning and the font's local forms, as
Chromium draws), at every size the charts use.
"""

from __future__ import annotations

import functools
import json
import string
from pathlib import Path

import pandas as pd
import pytest
from PIL import ImageFont

from oversight.charts.style import TITLE_FONT, UNIT_LABEL_FONT, label_width

NOTO_CJK = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
ROOT = Path(__file__).resolve().parents[1]
SIZES = (UNIT_LABEL_FONT, 13, 14, TITLE_FONT)
# FreeType (and Chromium) place each glyph to 1/64 px: a drawn width may pass the exact sum of advances by that much
# a character, which no layout can see
QUANTUM_PX = 1 / 64
SYMBOLS = "▲▼▸–—○•±≥≤‰→←↑↓°·×÷…“”‘’√☐☑☒✓（）：，。、；！？《》【】％\xa0"


@functools.cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    font = ImageFont.truetype(NOTO_CJK, size, index=2, layout_engine=ImageFont.Layout.RAQM)
    assert font.getname() == ("Noto Sans CJK SC", "Regular")
    return font


def _strings(node: object):
    if isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)
    elif isinstance(node, str):
        yield node


@functools.cache
def product_texts() -> tuple[str, ...]:
    """Every line of every locale string and every text cell of the sample spreadsheets."""
    texts: set[str] = set()
    for path in sorted((ROOT / "oversight" / "locales").glob("*/*.json")):
        texts.update(_strings(json.loads(path.read_text(encoding="utf-8"))))
    for path in sorted((ROOT / "data").glob("*.xlsx")):
        for sheet in pd.read_excel(path, sheet_name=None, engine="openpyxl").values():
            texts.update(str(column) for column in sheet.columns)
            for column in sheet.columns:
                if sheet[column].dtype == object:
                    texts.update(sheet[column].dropna().astype(str))
    return tuple(sorted(line for text in texts for line in text.splitlines() if line))


def product_characters() -> list[str]:
    characters = {ch for text in product_texts() for ch in text} | set(string.printable[:95]) | set(SYMBOLS)
    return sorted(characters - set("\t\r\n\x0b\x0c"))


@pytest.mark.parametrize("size", SIZES)
def test_no_character_the_product_writes_is_reckoned_narrower_than_drawn(size):
    font = _font(size)
    short = {
        ch: (round(font.getlength(ch), 2), round(label_width(ch, size), 2))
        for ch in product_characters()
        if label_width(ch, size) + QUANTUM_PX < font.getlength(ch)
    }
    assert not short, short


@pytest.mark.parametrize("size", SIZES)
def test_no_text_the_product_writes_is_reckoned_narrower_than_drawn(size):
    """Whole texts too: the font's kerning widens a few pairs ("ry", "a…"), which a sum of advances missed."""
    font = _font(size)
    texts = product_texts()
    assert len(texts) > 2000
    short = [text for text in texts if label_width(text, size) + QUANTUM_PX * len(text) < font.getlength(text)]
    assert not short, short[:10]


@pytest.mark.parametrize(
    ("text", "most"),
    [("问题线索按单位分布（本季度与上年同期对比）", 1.0), ("Issues and suggestions by unit, this quarter", 1.06)],
)
def test_common_text_is_not_reckoned_grossly_wider(text, most):
    """The bound stays close: a Chinese title exactly, an English one within a few per cent."""
    drawn = _font(TITLE_FONT).getlength(text)
    assert drawn <= label_width(text, TITLE_FONT) <= drawn * most + 1e-6
