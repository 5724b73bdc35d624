"""A leader holds the Chinese report and the English one side by side: 图5 must be Figure 5, in the slides, the Word
report and the PDF. Each language's page plan (page_fill) had ordered the charts for its own pictures' heights, so the
English pack of the default view put 图3 first, and a one-unit pack swapped 图3 and 图4 in one language only."""

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

# the default view, and the filters whose orders or figure lists differed between the languages before
_VIEWS = {
    "default": {},
    "gov_office": {"units": ("gov_office",)},
    "counsellors": {"units": ("counsellors",)},
    "counsellors_2020q1": {"units": ("counsellors",), "start": Quarter(2020, 1), "end": Quarter(2020, 1)},
}


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _numbered(text: str, report) -> list[str]:  # noqa: ANN001 — a briefing Report
    """The charts' keys in the order ``text`` numbers them: 图n (Figure n.) followed by a chart's title, the longest
    title where one begins another."""
    flat, found = _flat(text), []
    for number in range(1, len(report.sections) + 1):
        titled = [
            section
            for section in report.sections
            if _flat(report.t("export.briefing.figure_caption", number=number, title=section.title)) in flat
        ]
        assert titled, f"no caption numbered {number}"
        found.append(max(titled, key=lambda section: len(section.title)).spec.key)
    return found


def _sequences(pack) -> dict[str, object]:  # noqa: ANN001 — a BriefingPack
    report = pack.report
    deck = Presentation(io.BytesIO(pack.files["pptx"]))
    titles = {_flat(section.title): section.spec.key for section in report.sections}
    slides = [
        titles[_flat(shape.text_frame.text)]
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_text_frame and _flat(shape.text_frame.text) in titles
    ]
    word = "\n".join(paragraph.text for paragraph in Document(io.BytesIO(pack.files["docx"])).paragraphs)
    return {
        "pptx": slides,
        "docx": _numbered(word, report),
        "pdf": _numbered(pdftotext(pack.files["pdf"]), report),
    }


@pytest.mark.slow
@pytest.mark.parametrize("view", list(_VIEWS))
def test_the_figures_come_in_the_same_order_in_both_languages(connection, default_filter, view):
    chosen = dataclasses.replace(default_filter, **_VIEWS[view])
    found = {
        lang: _sequences(
            briefing.build_briefing_pack(
                connection, chosen, lang, catalog.all_charts(), formats=("pptx", "docx", "pdf")
            )
        )
        for lang in i18n.LANGUAGES
    }
    assert found["zh"]["docx"] == found["zh"]["pdf"]  # the two printed reports number alike
    assert found["zh"] == found["en"]
