"""A pack built (through the API) for a range wholly before the first record: its key figures read 会商单位0家, 指出问题0个,
意见建议0条, its charts 未指出问题 and 无会议, as if nothing had happened in those quarters, where nothing is recorded of
them. The pack says so in words, in every format, and gives no figure. (The pages never show such a range, their
quarters are the data's; the ``brief`` command refuses it, tests/test_cli_brief.py.)"""

from __future__ import annotations

import dataclasses
import io
import re

import pytest
from docx import Document
from pptx import Presentation

from oversight import briefing
from oversight.charts import catalog
from oversight.core import i18n
from oversight.data.filters import Quarter
from tests.pdf_pages import pdftotext

# a count with its measure word, or an English key figure's zero in its table cell
_ZERO = {"zh": re.compile(r"(?<![\d.,])0(?:家|个|条|次)"), "en": re.compile(r"(?m)^0$")}


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_range_before_the_data_is_said_to_have_no_records(connection, span, default_filter, lang):
    early = dataclasses.replace(default_filter, start=Quarter(2015, 1), end=Quarter(2015, 4))
    assert early.end < span.first
    pack = briefing.build_briefing_pack(connection, early, lang, catalog.all_charts(), formats=("pptx", "docx", "pdf"))
    deck = Presentation(io.BytesIO(pack.files["pptx"]))
    word = Document(io.BytesIO(pack.files["docx"]))
    texts = {
        "pptx": "\n".join(
            paragraph.text
            for slide in deck.slides
            for shape in slide.shapes
            if shape.has_text_frame
            for paragraph in shape.text_frame.paragraphs
        ),
        "docx": "\n".join(
            [paragraph.text for paragraph in word.paragraphs]
            + [cell.text for table in word.tables for row in table.rows for cell in row.cells]
        ),
        "pdf": pdftotext(pack.files["pdf"], "-raw"),
    }
    for name, text in texts.items():
        assert _ZERO[lang].findall(text) == [], name
    assert {card.display for card in pack.report.kpis} == {"—"}
    assert all(section.png is None for section in pack.report.sections)
    first = i18n.quarter_label(span.first, lang)
    said = i18n.t("export.report.before_data", lang, period=pack.report.context.period(), first=first)
    for name, text in texts.items():
        assert _flat(said) in _flat(text), name
