"""The briefing as 16:9 slides: title, key figures, then one slide per chart with its one-line reading."""
from __future__ import annotations

import io

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from oversight.briefing_report import CJK_SANS, LATIN_FONT, ChartSection, Report
from oversight.charts import COLOURS

SLIDE_WIDTH, SLIDE_HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
_RED = RGBColor.from_string(COLOURS["primary"].lstrip("#"))
_INK = RGBColor.from_string("1F2933")
_GREY = RGBColor.from_string("52606D")
_LAYOUT_TITLE, _LAYOUT_TITLE_ONLY = 0, 5


def _style_run(run, size: float, colour: RGBColor = _INK, bold: bool = False) -> None:
    font = run.font
    font.size, font.bold = Pt(size), bold
    font.color.rgb = colour
    font.name = LATIN_FONT
    # python-pptx only sets the Latin typeface; without an East Asian one PowerPoint may pick a font without Chinese.
    properties = run._r.get_or_add_rPr()  # noqa: SLF001
    east_asian = properties.find(qn("a:ea"))
    if east_asian is None:
        east_asian = etree.SubElement(properties, qn("a:ea"))
        properties.find(qn("a:latin")).addnext(east_asian)
    east_asian.set("typeface", CJK_SANS)


def _set_text(frame, lines: list[str], size: float, colour: RGBColor = _INK, bold: bool = False,
              align: PP_ALIGN = PP_ALIGN.LEFT) -> None:
    frame.clear()
    frame.word_wrap = True
    for number, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
        paragraph.alignment = align
        run = paragraph.add_run()
        run.text = line
        _style_run(run, size, colour, bold)


def _text_box(slide, left: Emu, top: Emu, width: Emu, height: Emu, lines: list[str], size: float, **style) -> None:
    box = slide.shapes.add_textbox(left, top, width, height)
    box.text_frame.vertical_anchor = MSO_ANCHOR.TOP
    _set_text(box.text_frame, lines, size, **style)


def _titled_slide(deck, title: str, report: Report):
    """A "Title Only" slide with its title placed for 16:9 (the default template is laid out for 4:3)."""
    slide = deck.slides.add_slide(deck.slide_layouts[_LAYOUT_TITLE_ONLY])
    heading = slide.shapes.title
    heading.left, heading.top, heading.width, heading.height = MARGIN, Inches(0.3), SLIDE_WIDTH - 2 * MARGIN, Inches(0.8)
    _set_text(heading.text_frame, [title], 28, _INK, bold=True)
    heading.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    rule = slide.shapes.add_shape(1, MARGIN, Inches(1.1), Inches(1.2), Inches(0.06))  # 1 = rectangle: a red accent
    rule.fill.solid()
    rule.fill.fore_color.rgb = _RED
    rule.line.fill.background()
    _text_box(slide, MARGIN, SLIDE_HEIGHT - Inches(0.45), SLIDE_WIDTH - 2 * MARGIN, Inches(0.3), [report.footer()], 10,
              colour=_GREY)
    return slide


def _title_slide(deck, report: Report) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[_LAYOUT_TITLE])
    title, subtitle = slide.shapes.title, slide.placeholders[1]
    title.left, title.top, title.width, title.height = Inches(1), Inches(2.0), SLIDE_WIDTH - Inches(2), Inches(1.5)
    _set_text(title.text_frame, [report.title], 40, _RED, bold=True, align=PP_ALIGN.CENTER)
    subtitle.left, subtitle.top, subtitle.width, subtitle.height = Inches(1), Inches(3.8), SLIDE_WIDTH - Inches(2), Inches(2.2)
    _set_text(subtitle.text_frame, [report.team, *report.meta_lines()], 18, _GREY, align=PP_ALIGN.CENTER)


def _key_figures_slide(deck, report: Report) -> None:
    slide = _titled_slide(deck, report.t("export.briefing.key_figures"), report)
    columns, gap = 3, Inches(0.3)
    width = (SLIDE_WIDTH - 2 * MARGIN - gap * (columns - 1)) // columns
    height = Inches(2.3)
    for index, kpi in enumerate(report.kpis):
        left = MARGIN + (width + gap) * (index % columns)
        top = Inches(1.5) + (height + gap) * (index // columns)
        card = slide.shapes.add_shape(1, left, top, width, height)
        card.fill.solid()
        card.fill.fore_color.rgb = RGBColor.from_string("F5F7FA")
        card.line.color.rgb = RGBColor.from_string("CBD2D9")
        delta = report.t("kpi.delta_yoy", delta=kpi.delta) if kpi.delta else report.t("kpi.delta_none")
        _text_box(slide, left + Inches(0.2), top + Inches(0.2), width - Inches(0.4), Inches(0.5), [kpi.label], 18,
                  colour=_GREY)
        _text_box(slide, left + Inches(0.2), top + Inches(0.75), width - Inches(0.4), Inches(0.9), [kpi.display], 40,
                  colour=_RED, bold=True)
        _text_box(slide, left + Inches(0.2), top + Inches(1.7), width - Inches(0.4), Inches(0.4), [delta], 16)


def _chart_slide(deck, report: Report, section: ChartSection) -> None:
    slide = _titled_slide(deck, section.title, report)
    area_top, area_bottom = Inches(1.3), SLIDE_HEIGHT - Inches(1.25)
    area_width, area_height = SLIDE_WIDTH - 2 * MARGIN, area_bottom - area_top
    if section.png is not None:
        # Fit the picture inside the area, keeping the image's own aspect ratio.
        width = min(area_width, int(area_height / section.aspect))
        height = int(width * section.aspect)
        slide.shapes.add_picture(io.BytesIO(section.png), MARGIN + (area_width - width) // 2, area_top, width, height)
    _text_box(slide, MARGIN, SLIDE_HEIGHT - Inches(1.15), area_width, Inches(0.6), [section.takeaway], 18,
              colour=_INK, bold=True)


def pptx_bytes(report: Report) -> bytes:
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    deck.core_properties.title = report.title
    deck.core_properties.author = report.team
    _title_slide(deck, report)
    _key_figures_slide(deck, report)
    for section in report.sections:
        _chart_slide(deck, report, section)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()
