"""The briefing as a Word report in the shape of a 工作情况报告: 概况, 主要数据, 分项情况, 存在问题, 下一步工作.

The office finishes it by hand: the 存在问题 and 下一步工作 sections carry marked placeholders. Every page has
the confidentiality marking in its header and the viewer's watermark behind the text; headings and captions
stay with what follows them, and table columns are as wide as what they hold.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import quoteattr

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Pt, RGBColor

from oversight.briefing import page_fill
from oversight.briefing.office_package import docx_bytes_of, set_core_properties
from oversight.briefing.page_fill import first_chart_opens_page_two
from oversight.briefing.report import (
    CJK_BODY,
    CJK_HEADING,
    LATIN_FONT,
    Report,
    column_widths,
    details_lead,
    figure_list,
    issue_count,
    listed_note,
    no_open_issues_key,
    open_issue_rows,
    overdue_issue_rows,
    picture_alt,
    picture_width_cm,
)
from oversight.charts import COLOURS
from oversight.export.marking import MARKING_RGB, WATERMARK_RGB, hex_colour
from oversight.present.summary import date_text

_RED = RGBColor.from_string(COLOURS["primary"].lstrip("#"))
_GREY = RGBColor.from_string("52606D")
# points: the cover's title; about 20 Chinese characters a line across the page (report.TITLE_LINE_CHARACTERS)
_TITLE_SIZE = 22
_PAGE_WIDTH, _PAGE_HEIGHT, _SIDE_MARGIN = Cm(21), Cm(29.7), Cm(2.5)  # A4, what Chinese offices print on
# Two charts with their captions and readings fit a page: at 2 cm (the header and footer 1.27 cm from the edge) a 12.1 cm
# picture and a 9.9 cm one did not, and the second went to the next page, leaving 43% to 51% of pages 2, 10 and 11 blank
_TOP_BOTTOM_MARGIN = Cm(1.5)
_HEADER_FOOTER_DISTANCE = Cm(0.8)  # the marking's and the page number's line inside that margin
_TEXT_WIDTH_CM = 16.0
# the body's lines 17.6 pt apart, as the PDF sets them (11 pt at 1.6): at 1.5 times the Chinese face's own line height
# (about 24 pt) the first page ended 2.8 cm lower than the PDF's, so a one-unit pack's first chart stood on the PDF's
# first page and on the Word report's second, and the one order planned for both left a page of one of them a third
# blank (page_fill plans from where the first page ends)
_BODY_LINE = Pt(17.6)


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


# The document's languages, as Word in China writes them: Latin text English, East Asian text Chinese. python-docx's
# template had East Asian text en-US and its theme's East Asian fonts Japanese (ja-JP): Word proofed the Chinese as
# English, marking every word, and took the Japanese forms of characters where a theme font applied.
_LATIN_LANG, _EAST_ASIAN_LANG = "en-US", "zh-CN"


def _set_languages(document) -> None:
    defaults = document.styles.element.find(qn("w:docDefaults"))
    properties = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    language = properties.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        properties.append(language)
    language.set(qn("w:val"), _LATIN_LANG)
    language.set(qn("w:eastAsia"), _EAST_ASIAN_LANG)
    settings = document.settings.element
    theme_language = settings.find(qn("w:themeFontLang"))
    if theme_language is not None:
        theme_language.set(qn("w:val"), _LATIN_LANG)
        theme_language.set(qn("w:eastAsia"), _EAST_ASIAN_LANG)


def _prepare_styles(document) -> None:
    _set_languages(document)
    normal = document.styles["Normal"]
    normal.font.size = Pt(11)
    _set_fonts(normal.element, CJK_BODY)
    for name, size in (("Title", _TITLE_SIZE), ("Heading 1", 15), ("Heading 2", 12.5), ("Caption", 10)):
        style = document.styles[name]
        style.font.size = Pt(size)
        style.font.color.rgb = _RED if name == "Title" else RGBColor(0x1F, 0x29, 0x33)
        style.font.italic = False
        _set_fonts(style.element, CJK_HEADING if name != "Caption" else CJK_BODY)
        if name.startswith("Heading") or name == "Caption":
            # a heading or a caption never ends a page alone: it moves with the paragraph after it
            style.paragraph_format.keep_with_next = True
    # a heading 16 pt under the paragraph before it and 4 pt over its own, a paragraph 6 pt over the next (the template
    # has 24 pt, 0 pt and 10 pt): the first page ended a centimetre lower than the PDF's, under its 6 cm first chart
    heading = document.styles["Heading 1"].paragraph_format
    heading.space_before, heading.space_after = Pt(16), Pt(4)
    caption = document.styles["Caption"].paragraph_format
    caption.space_before, caption.space_after = Pt(2), Pt(2)  # close to its picture: two charts fit a page


def _no_split_row(row) -> None:
    properties = row._tr.get_or_add_trPr()  # noqa: SLF001
    properties.append(OxmlElement("w:cantSplit"))


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()  # noqa: SLF001
    properties.append(OxmlElement("w:tblHeader"))


def _table(
    document, header: list[str], rows: list[list[str]], widths_cm: list[float], last_kept_with_next: bool = False
) -> None:
    """A grid table whose columns are ``widths_cm`` wide (Word and LibreOffice read the grid, not autofit);
    ``last_kept_with_next``: its last row goes to the next page with what follows rather than end a page without it."""
    table = document.add_table(rows=1, cols=len(header))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for grid_column, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths_cm):  # noqa: SLF001
        grid_column.set(qn("w:w"), str(int(Cm(width).twips)))
    _cell_margins(table)
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    _repeat_header(table.rows[0])
    for values in rows:
        row = table.add_row()
        _no_split_row(row)
        for cell, text in zip(row.cells, values):
            cell.text = text
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm):
            cell.width = Cm(width)
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.space_after = Pt(0)
                if last_kept_with_next and row is table.rows[-1]:
                    paragraph.paragraph_format.keep_with_next = True
                for run in paragraph.runs:
                    run.font.size = Pt(9.5)


# Room inside each cell, in twips (1/20 pt): Word's "Table Grid" has none above and below, and LibreOffice drew its
# rows with the text touching the borders. In the schema's order: top, left, bottom, right (what both read).
_CELL_MARGINS = (("top", 45), ("left", 100), ("bottom", 45), ("right", 100))


def _cell_margins(table) -> None:
    properties = table._tbl.tblPr  # noqa: SLF001
    margins = OxmlElement("w:tblCellMar")
    for side, twips in _CELL_MARGINS:
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(twips))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    look = properties.find(qn("w:tblLook"))  # tblCellMar comes before it in a table's properties
    if look is not None:
        look.addprevious(margins)
    else:
        properties.append(margins)


def _body(document, text: str, report: Report, line_spacing: float | Length = _BODY_LINE):
    paragraph = document.add_paragraph(text)
    # a Chinese paragraph opens two characters in (首行缩进), at the 11 pt body size; an English one does not
    indent_chars = int(report.t("export.report.first_line_indent_chars"))
    paragraph.paragraph_format.first_line_indent = Pt(11 * indent_chars) if indent_chars else None
    paragraph.paragraph_format.line_spacing = line_spacing
    paragraph.paragraph_format.space_after = Pt(6)
    return paragraph


def _placeholder(document, text: str, keep_with_next: bool = False) -> None:
    """A line the office replaces: grey and bracketed, so it cannot go out unnoticed."""
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.font.color.rgb = _GREY
    run.font.highlight_color = 7  # WD_COLOR_INDEX.YELLOW: as Word users mark a gap to fill
    paragraph.paragraph_format.keep_with_next = keep_with_next


def _overview(document, report: Report) -> None:
    document.add_heading(report.t("export.report.overview"), level=1)
    for paragraph_text in report.summary:
        _body(document, paragraph_text, report)


def _key_figures(document, report: Report) -> None:
    document.add_heading(report.t("export.report.figures"), level=1)
    header = [report.t(f"export.briefing.{k}_column") for k in ("kpi", "value", "change")]
    rows = [[kpi.label, kpi.display, kpi.delta or report.t("kpi.delta_none")] for kpi in report.kpis]
    _table(document, header, rows, [7.0, 4.5, 4.5])
    for note in report.figure_notes:
        # a line of its own under the table, not against its bottom border
        document.add_paragraph(note).paragraph_format.space_before = Pt(6)


def _charts(document, report: Report) -> None:
    document.add_heading(report.t("export.report.details"), level=1)
    if report.sections:
        _body(document, details_lead(report), report)  # the heading keeps with it, not with the first picture
        _figure_list(document, report)
    opens_page_two = first_chart_opens_page_two(report, "docx")
    for number, section in enumerate(report.printed_sections, start=1):
        if section.png is not None:
            shape = document.add_picture(
                io.BytesIO(section.png), width=Cm(picture_width_cm(section.pixel_size, _TEXT_WIDTH_CM))
            )
            # Word's Alt Text, what a screen reader says for the picture: there was none (and "image.png" inside)
            shape._inline.docPr.set("descr", picture_alt(report, section))  # noqa: SLF001
            shape._inline.docPr.set("name", section.title)  # noqa: SLF001
            shape._inline.graphic.graphicData.pic.nvPicPr.cNvPr.set("name", f"{section.file_stem}.png")  # noqa: SLF001
            picture = document.paragraphs[-1]
            picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
            picture.paragraph_format.keep_with_next = True  # the picture, its caption and its reading stay together
            picture.paragraph_format.space_before = picture.paragraph_format.space_after = Pt(0)
        elif section.empty_note:  # the page's sentence in the chart's place, as on the slide and the PDF's page
            empty = document.add_paragraph(section.empty_note)
            empty.alignment = WD_ALIGN_PARAGRAPH.CENTER
            empty.paragraph_format.keep_with_next = True
        if number == 1 and opens_page_two:  # as page_fill planned the order: see first_chart_opens_page_two
            document.paragraphs[-1].paragraph_format.page_break_before = True
        caption = document.add_paragraph(
            report.t("export.briefing.figure_caption", number=number, title=section.title), style="Caption"
        )
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        # the caption keeps with its own reading only, never with the next chart: the style's keep-with-next chained
        # a run of empty charts' notes and captions to the first picture after them, and Word and LibreOffice moved
        # the whole chain, 三、分项情况 with it, to the next page, leaving page 1 half blank
        caption.paragraph_format.keep_with_next = bool(section.takeaway)
        if section.takeaway:
            # a reading in one piece (the caption's style keeps it with the reading): an English reading broke after
            # "Big Data" and went on alone at the top of the next page
            reading = _body(document, section.takeaway, report, line_spacing=1.25).paragraph_format
            reading.space_after, reading.keep_together = Pt(8), True


def _figure_list(document, report: Report) -> None:
    """The figures by number and title under the lead, set as page_fill reckons (its spacing exact): it runs on from
    the first page to the next where the page cannot hold it."""
    text = figure_list(report)
    if not text:
        return
    document.paragraphs[-1].paragraph_format.keep_with_next = True  # the lead never ends a page without its list
    paragraph = document.add_paragraph()
    paragraph.add_run(text).font.size = Pt(page_fill.FIGURE_LIST_FONT_PT)
    spacing = paragraph.paragraph_format
    spacing.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    spacing.line_spacing = Pt(page_fill.FIGURE_LIST_LINE_PT)
    spacing.space_before = Pt(page_fill.FIGURE_LIST_BEFORE_PT)
    spacing.space_after = Pt(page_fill.FIGURE_LIST_AFTER_PT)


def _issue_table(
    document,
    report: Report,
    rows_of,
    heading_key: str,
    intro_key: str,
    none_key: str,
    kept_with_next: bool = False,
) -> None:
    """An issue list under its heading; ``kept_with_next``: its end (its last row, or its line) with what follows."""
    document.add_heading(report.t(heading_key), level=2)
    header, rows, kinds = rows_of(report)
    if not rows:
        document.add_paragraph(report.empty_list_line(none_key)).paragraph_format.keep_with_next = kept_with_next
        return
    intro = document.add_paragraph(
        report.t(intro_key, period_end=date_text(report.as_of, report.lang), count=issue_count(report, rows_of))
    )
    intro.paragraph_format.keep_with_next = True
    if note := listed_note(report, rows_of):
        document.add_paragraph(note).paragraph_format.keep_with_next = True
    _table(document, header, rows, column_widths(kinds, _TEXT_WIDTH_CM, header=header), kept_with_next)


def _problems(document, report: Report) -> None:
    document.add_heading(report.t("export.report.problems"), level=1)
    _issue_table(
        document,
        report,
        open_issue_rows,
        "export.report.open_heading",
        "export.briefing.open_issues_intro",
        no_open_issues_key(report),
    )
    _issue_table(
        document,
        report,
        overdue_issue_rows,
        "export.report.overdue_heading",
        "export.report.overdue_intro",
        "empty.no_overdue",
        kept_with_next=True,
    )
    # (三) and 五、下一步工作 with their lines, kept with the end of the overdue list: alone at the top of the last page,
    # 五、下一步工作 and three blank lines read as a page forgotten (the four-chart Chinese pack's page 5)
    document.add_heading(report.t("export.report.analysis_heading"), level=2)
    _placeholder(document, report.t("export.report.problems_placeholder"), keep_with_next=True)


def _next_steps(document, report: Report) -> None:
    document.add_heading(report.t("export.report.next_steps"), level=1)
    for number in range(1, 4):  # the three lines kept together: one left alone on a last page read as forgotten
        _placeholder(
            document, report.t("export.report.next_steps_placeholder", number=number), keep_with_next=number < 3
        )


def _units_annex(document, report: Report) -> None:
    """The units the head says how many of (``Report.units_in_annex``), on a page of their own after the report."""
    if not report.units_in_annex:
        return
    heading = document.add_heading(
        report.t("export.report.units_annex_heading", count=len(report.context.filter.units)), level=1
    )
    heading.paragraph_format.page_break_before = True
    _body(document, report.context.scope(), report)


def _field(paragraph, instruction: str) -> None:
    """A Word field (the page number), which Word and LibreOffice fill in when they lay the page out."""
    run = paragraph.add_run()
    for tag, text in (("w:fldChar", "begin"), ("w:instrText", instruction), ("w:fldChar", "end")):
        element = OxmlElement(tag)
        if tag == "w:fldChar":
            element.set(qn("w:fldCharType"), text)
        else:
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)  # noqa: SLF001


def _watermark_run(text: str) -> str:
    """Word's own watermark: a VML WordArt shape in the header, diagonal, pale, behind the text on every page."""
    return (
        '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">'
        '<w:pict><v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
        'path="m@7,l@8,m@5,21600l@6,21600e"><v:path textpathok="t" o:connecttype="custom"/>'
        '<v:textpath on="t" fitshape="t"/></v:shapetype>'
        '<v:shape id="PowerPlusWaterMarkObject1" o:spid="_x0000_s2049" type="#_x0000_t136" '
        'style="position:absolute;margin-left:0;margin-top:0;width:440pt;height:44pt;rotation:315;'
        "z-index:-251657216;mso-position-horizontal:center;mso-position-horizontal-relative:margin;"
        'mso-position-vertical:center;mso-position-vertical-relative:margin" o:allowincell="f" '
        f'fillcolor="#{hex_colour(WATERMARK_RGB)}" stroked="f"><v:fill opacity=".3"/>'
        f'<v:textpath style="font-family:&quot;{CJK_BODY}&quot;;font-size:1pt" string={quoteattr(text)}/>'
        "</v:shape></w:pict></w:r>"
    )


def _header_and_footer(section, report: Report) -> None:
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if report.marking.label:
        run = header.add_run(report.marking.label)
        run.font.size, run.font.bold = Pt(10), True
        run.font.color.rgb = RGBColor.from_string(hex_colour(MARKING_RGB))
    if report.marking.watermark:
        header._p.append(parse_xml(_watermark_run(report.marking.watermark)))  # noqa: SLF001
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(report.t("export.report.page_before"))
    _field(footer, "PAGE")
    footer.add_run(report.t("export.report.page_after"))


def docx_bytes(report: Report) -> bytes:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = _PAGE_WIDTH, _PAGE_HEIGHT
    section.left_margin = section.right_margin = _SIDE_MARGIN
    section.top_margin = section.bottom_margin = _TOP_BOTTOM_MARGIN
    section.header_distance = section.footer_distance = _HEADER_FOOTER_DISTANCE
    _prepare_styles(document)
    set_core_properties(document.core_properties, report.title, report.team, report.marking.made_at)
    _header_and_footer(section, report)
    title = document.add_paragraph(style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for number, line in enumerate(report.title_lines):
        if number:
            title.add_run().add_break()
        run = title.add_run(line)
        if report.title_scale < 1:
            run.font.size = Pt(round(_TITLE_SIZE * report.title_scale, 1))
    meta = document.add_paragraph()
    meta.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for number, line in enumerate(report.head_lines()):
        if number:
            meta.add_run().add_break()
        meta.add_run(line).font.color.rgb = _GREY
    _overview(document, report)
    _key_figures(document, report)
    _charts(document, report)
    _problems(document, report)
    _next_steps(document, report)
    _units_annex(document, report)
    return docx_bytes_of(document, report.marking.made_at)
