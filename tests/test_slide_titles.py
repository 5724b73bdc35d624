"""A slide's title on one line above its red rule, in the font that draws it where Arial is missing.

The deck asks for Arial; LibreOffice and WPS on Linux, without it, draw the Latin letters in DejaVu Sans Bold, a
fifth wider than the charts' font the title's size was reckoned in. Review of 5 Dec (session 38, every page of the
packs looked at): "Agendas reviewed, meetings attended, meetings merged (%)" (972 pt at 28 pt, in an 874 pt box) and
the two "Consultations, special study sessions, notifications, secondments by …" titles (994 and 999 pt at 24 and
23 pt) wrapped, and the red rule under the title ran through their second line ("merged", "by quarter").
"""

from __future__ import annotations

import io
import re

import pytest
from PIL import ImageFont
from pptx import Presentation
from pptx.util import Pt

from oversight.briefing import html_report, pptx_deck
from oversight.core import i18n
from oversight.present import summary

_DEJAVU_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
_CJK_BOLD = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
_INSETS_PT = 14.4  # a text box's left and right insets, 0.1 inch each


def _drawn_pt(text: str, size_pt: float) -> float:
    """``text`` as LibreOffice draws a title: ASCII in DejaVu Sans Bold (for Arial), the rest in Noto Sans CJK Bold."""
    latin = ImageFont.truetype(_DEJAVU_BOLD, size=1000, layout_engine=ImageFont.Layout.BASIC)
    chinese = ImageFont.truetype(_CJK_BOLD, size=1000, index=2, layout_engine=ImageFont.Layout.BASIC)
    return sum((latin if " " <= ch <= "~" else chinese).getlength(ch) for ch in text) / 1000 * size_pt


def _room_pt() -> float:
    return (pptx_deck.SLIDE_WIDTH - 2 * pptx_deck.MARGIN) / Pt(1) - _INSETS_PT


def test_every_slide_title_of_the_pack_is_one_line(briefing_pack):
    lang, pack, _ = briefing_pack
    deck = Presentation(io.BytesIO(pack.files["pptx"]))
    wrapped = {}
    for number, slide in enumerate(deck.slides, start=1):
        if number == 1:
            continue  # the cover's title is two lines by design (the title, then the period)
        runs = [run for paragraph in slide.shapes.title.text_frame.paragraphs for run in paragraph.runs]
        text = "".join(run.text for run in runs)
        drawn = _drawn_pt(text, runs[0].font.size.pt)
        if drawn > _room_pt():
            wrapped[text] = (runs[0].font.size.pt, round(drawn))
    assert wrapped == {}, f"titles wider than the {_room_pt():.0f} pt box (size, drawn pt): {wrapped}"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("key", ["open_slide_title_cut", "overdue_slide_title_cut"])
def test_a_cut_lists_title_is_one_line_as_drawn(lang, key):
    total = summary.count(123_456, "issues", lang)
    title = i18n.t(f"export.report.{key}", lang, shown=40, total=total, page=5, pages=5)
    assert _drawn_pt(title, pptx_deck._title_size(title)) <= _room_pt(), title


# an office's own English marking, long (132 characters; test_briefing gives a Chinese one of 90):
# 12 pt, 733 pt as reckoned in the charts' font, 889 pt as DejaVu Sans Bold draws it, wider than the 874 pt box, so
# its second line came down over the title
_LONG_ENGLISH_MARKING = (
    "Internal use only: for the stationed discipline inspection team and the units it supervises; "
    "do not copy or forward outside the team"
)


@pytest.mark.parametrize("label", ["内部资料 注意保存", "Internal — handle with care", _LONG_ENGLISH_MARKING])
def test_the_slides_marking_is_one_line_as_drawn(label):
    assert _drawn_pt(label, pptx_deck.marking_size(label)) <= _room_pt(), label


_PERIOD_PAST_THE_DATA = {
    "en": "2019\xa0Q1 to 2021\xa0Q4 (to 31 December 2020)",
    "zh": "2019年第1季度至2021年第4季度（截至2020年12月31日）",
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_cover_title_to_the_data_date_keeps_its_period_on_one_line(connection, default_filter, lang):
    """A range past the data date: "2019 Q1 to 2021 Q4 (to 31 December 2020)" at the cover's 40 pt (973 pt in
    DejaVu Sans Bold, 810 in Arial Bold, in an 802 pt box) broke into "… (to 31" / "December 2020)", a third line
    against the team's name under it; the Word report's 22 pt across 16 cm and the PDF's 21 pt across 17.8 cm broke it
    too (report.title_scale scaled a Chinese title only). The Chinese period, 34 characters, was scaled on the slide
    and in Word, a square a character, but not in the PDF, whose 21 pt h1 broke it before 31日）; counted so there (a
    square a digit, where Chromium puts no space beside one) it would be 14.5 pt, no bigger than the 14 pt headings."""
    import dataclasses

    from docx import Document

    from oversight import briefing, charts
    from oversight.data.filters import Quarter
    from tests.pdf_pages import pdftotext

    view = dataclasses.replace(default_filter, start=Quarter(2019, 1), end=Quarter(2021, 4))
    pack = briefing.build_briefing_pack(connection, view, lang, charts.OVERVIEW_CHARTS, formats=("pptx", "docx", "pdf"))
    period = _PERIOD_PAST_THE_DATA[lang]
    assert period in pack.report.title_lines
    cover = Presentation(io.BytesIO(pack.files["pptx"])).slides[0].shapes.title
    size = cover.text_frame.paragraphs[0].runs[0].font.size.pt
    word_title = next(p for p in Document(io.BytesIO(pack.files["docx"])).paragraphs if p.style.name == "Title")
    word_size = next((run.font.size.pt for run in word_title.runs if run.font.size), 22)  # the Title style's 22 pt
    if lang == "en":  # LibreOffice spaces Latin apart from Chinese, which this sum does not reckon: the Chinese slide
        # and Word cover count a square a character, digits too (report.title_scale), and were one line (looked at)
        assert _drawn_pt(period, size) <= cover.width / Pt(1) - _INSETS_PT, size
        assert _drawn_pt(period, word_size) <= 16 / 2.54 * 72, word_size  # A4 inside the 2.5 cm margins
    else:
        # 40 and 22 pt × 20 / 34 characters, as before (the slide's now rounded down, Word's to its half points)
        assert (size, word_size) == (23, 12.5)
    printed = [line.strip() for line in pdftotext(pack.files["pdf"], "-layout", "-f", "1", "-l", "1").splitlines()]
    shown = period.replace("\xa0", " ")
    assert shown in [line.replace("\xa0", " ") for line in printed[:3]], printed[:4]  # the title's lines, whole
    h1 = re.search(r"<h1[^>]*>", html_report.report_html(pack.report)).group(0)
    h1_pt = float(re.search(r"font-size: ([\d.]+)pt", h1).group(1)) if "font-size" in h1 else 21.0
    assert h1_pt > 16, h1  # still the page's largest type, over its 14 pt headings
