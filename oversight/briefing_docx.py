"""The briefing as a Word report: title, written summary, key figures, charts with captions, open issues."""
from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from oversight.briefing_report import CJK_BODY, CJK_HEADING, LATIN_FONT, Report, open_issue_rows
from oversight.charts import COLOURS
from oversight.summary import count

_RED = RGBColor.from_string(COLOURS["primary"].lstrip("#"))
_GREY = RGBColor.from_string("52606D")
_PICTURE_WIDTH = Cm(16)


def _set_fonts(style_or_run_element, east_asian: str) -> None:
    """Name the Latin and the East Asian typeface; Word ignores ``font.name`` for Chinese characters."""
    properties = style_or_run_element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        properties.insert(0, fonts)
    for theme_attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme_attribute), None)  # a theme font would override the names below
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asian)


def _prepare_styles(document) -> None:
    normal = document.styles["Normal"]
    normal.font.size = Pt(11)
    _set_fonts(normal.element, CJK_BODY)
    for name, size in (("Title", 22), ("Heading 1", 15), ("Caption", 10)):
        style = document.styles[name]
        style.font.size = Pt(size)
        style.font.color.rgb = _RED if name == "Title" else RGBColor(0x1F, 0x29, 0x33)
        _set_fonts(style.element, CJK_HEADING if name != "Caption" else CJK_BODY)


def _table(document, header: list[str], rows: list[list[str]], widths_cm: list[float]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for values in rows:
        for cell, text in zip(table.add_row().cells, values):
            cell.text = text
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm):
            cell.width = Cm(width)


def _summary(document, report: Report) -> None:
    document.add_heading(report.t("export.briefing.section_summary"), level=1)
    for paragraph_text in report.summary:
        paragraph = document.add_paragraph(paragraph_text)
        paragraph.paragraph_format.first_line_indent = Pt(22) if report.lang == "zh" else None
        paragraph.paragraph_format.line_spacing = 1.5


def _key_figures(document, report: Report) -> None:
    document.add_heading(report.t("export.briefing.section_figures"), level=1)
    header = [report.t(f"export.briefing.{k}_column") for k in ("kpi", "value", "change")]
    rows = [[kpi.label, kpi.display, kpi.delta or report.t("kpi.delta_none")] for kpi in report.kpis]
    _table(document, header, rows, [6, 5, 5])


def _charts(document, report: Report) -> None:
    document.add_heading(report.t("export.briefing.section_charts"), level=1)
    for number, section in enumerate(report.sections, start=1):
        if section.png is not None:
            document.add_picture(io.BytesIO(section.png), width=_PICTURE_WIDTH)
            document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        caption = document.add_paragraph(report.t("export.briefing.figure_caption", number=number, title=section.title),
                                         style="Caption")
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        document.add_paragraph(section.takeaway)


def _open_issues(document, report: Report) -> None:
    document.add_heading(report.t("export.briefing.section_open_issues"), level=1)
    header, rows = open_issue_rows(report)
    if not rows:
        document.add_paragraph(report.t("export.briefing.no_open_issues"))
        return
    document.add_paragraph(report.t("export.briefing.open_issues_intro", period_end=report.period_end.isoformat(),
                                    count=count(len(rows), "issues", report.lang)))
    _table(document, header, rows, [1.2, 3.6, 2.4, 2.4, 5.6, 1.8])


def docx_bytes(report: Report) -> bytes:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4, what Chinese offices print on
    section.left_margin = section.right_margin = Cm(2.5)
    _prepare_styles(document)
    document.core_properties.title = report.title
    document.core_properties.author = report.team
    document.add_paragraph(report.title, style="Title").alignment = WD_ALIGN_PARAGRAPH.CENTER
    meta = document.add_paragraph()
    meta.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for number, line in enumerate([report.team, *report.meta_lines()]):
        if number:
            meta.add_run().add_break()
        meta.add_run(line).font.color.rgb = _GREY
    _summary(document, report)
    _key_figures(document, report)
    _charts(document, report)
    _open_issues(document, report)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
