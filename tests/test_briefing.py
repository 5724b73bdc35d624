"""The briefing pack and the written summary: open every file and read back what a leader would see."""

from __future__ import annotations

import dataclasses
import io
import re
import subprocess
import tempfile
import zipfile
from datetime import date
from html import escape
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn
from pptx import Presentation
from pptx.util import Inches
from pypdf import PdfReader

from oversight import briefing, charts
from oversight.briefing import docx_report, html_report, pptx_deck, takeaways
from oversight.briefing.pdf_text import normalised_cmap, ordinary_text
from oversight.charts import catalog
from oversight.core import i18n
from oversight.data import queries
from oversight.data.filters import Filter, Quarter
from oversight.export import document_layout, names, rendering
from oversight.present import kpis, summary
from tests import oracle, pdf_pages

MARKINGS = {"zh": "内部资料 注意保存", "en": "Internal — handle with care"}
TITLES = {"zh": "2020年度派驻监督工作情况", "en": "Stationed supervision briefing for 2020"}  # documents' properties
# the cover's title, as set: a Chinese one on a line; an English one's heading over its period (its one-line title
# split at a colon, "Stationed supervision:" / "2019 Q1 to 2020 Q4")
COVERS = {"zh": "2020年度派驻监督工作情况", "en": "Stationed supervision briefing\n2020"}
FIGURES = {  # the article's figures for the default view, as each language writes them
    "zh": ["9家综合监督单位", "指出问题16个", "提出意见建议19条", "专题研究工作17次"],
    "en": ["9 units", "raised 16 issues", "made 19 suggestions", "17 special study sessions"],
}


# every chart of every page: the pack tests/conftest.py builds once for the session
SPECS = catalog.all_charts()
CHARTS = len(SPECS)


@pytest.fixture
def pack(briefing_pack):
    return briefing_pack


def _run(connection):
    return lambda name, filter_: queries.run(connection, name, filter_)


def test_progress_moves_forward_and_speaks_the_language(pack):
    lang, _, steps = pack
    fractions = [fraction for fraction, _ in steps]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0 and fractions == sorted(fractions)
    assert steps[-1][1] == i18n.t("export.progress.done", lang)
    charts_said = [message for _, message in steps if f"/{CHARTS}）" in message or f" of {CHARTS}:" in message]
    # two charts at a time, side by side in kaleido's tabs: "1/18", "3/18", … "17/18"
    assert len(charts_said) == (CHARTS + 1) // 2


def test_file_names(pack):
    lang, built, _ = pack
    stem = "派驻监督工作简报_2020Q1-2020Q4" if lang == "zh" else "supervision_briefing_2020Q1-2020Q4"
    assert built.file_names["pptx"] == f"{stem}.pptx" and built.file_names["pdf"] == f"{stem}.pdf"
    assert built.file_names["zip"].endswith("_2020Q1-2020Q4.zip")
    assert set(built.files) == {"pptx", "docx", "pdf", "zip"}


def _slide_text(slide) -> str:
    return " ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


def test_pptx_is_16_9_with_title_figures_charts_issues_and_a_closing_summary(pack):
    lang, built, _ = pack
    deck = Presentation(io.BytesIO(built.files["pptx"]))
    assert abs(deck.slide_width / deck.slide_height - 16 / 9) < 0.001
    titles = [slide.shapes.title.text for slide in deck.slides]
    # the charts in the page's order, the same from one quarter's deck to the next (the Word report and the PDF may
    # place a group's charts in another, two to a page: test_the_slides_keep_the_pages_order_where_the_report_does_not)
    assert titles == [
        COVERS[lang],
        i18n.t("export.briefing.key_figures", lang),
        *(spec.title(lang) for spec in SPECS),
        # a list on one slide has no "(1/1)" after its title
        "本期指出、尚未整改到位的问题" if lang == "zh" else "Issues raised in the period and still to rectify",
        "逾期未整改的问题" if lang == "zh" else "Overdue issues",
        i18n.t("export.report.closing_title", lang),
    ]
    assert i18n.t("app.team", lang) in _slide_text(deck.slides[0])
    figures_text = _slide_text(deck.slides[1])
    for display in (
        ["9家", "16个", "19条", "17次", "56.3%", "232次"] if lang == "zh" else ["9", "16", "19", "17", "56.3%", "232"]
    ):
        assert display in figures_text
    assert "-32.0%" in figures_text  # meetings 同比, as the Overview card shows it
    for slide, section in zip(list(deck.slides)[2 : 2 + CHARTS], built.report.sections):
        pictures = [shape for shape in slide.shapes if shape.shape_type == 13]
        assert len(pictures) == 1
        assert abs(pictures[0].height / pictures[0].width - section.aspect) < 0.01
        assert section.takeaway in _slide_text(slide)  # the reading beside the chart
    # the open issues (7 at the end of 2020) and the overdue ones (6) as table slides
    open_table, overdue_table = (
        next(shape.table for shape in slide.shapes if shape.has_table)
        for slide in list(deck.slides)[2 + CHARTS : 4 + CHARTS]
    )
    assert len(open_table.rows) == 1 + 7 and len(overdue_table.rows) == 1 + 6
    assert built.report.summary[0] in _slide_text(deck.slides[-1])
    marking = built.report.marking
    for slide in deck.slides:  # the marking and the watermark on every slide
        assert marking.label in _slide_text(slide) and "\n".join(marking.watermark_lines) in _slide_text(slide)
    properties = deck.core_properties
    assert (properties.title, properties.author) == (TITLES[lang], i18n.t("app.team", lang))
    assert not (properties.keywords or properties.comments or properties.subject or properties.last_modified_by)


def test_a_long_list_of_issues_takes_several_slides(pack):
    _, built, _ = pack

    many = pd.concat([built.report.open_issues] * 3, ignore_index=True)  # 21 rows: 8 + 8 + 5
    report = dataclasses.replace(built.report, open_issues=many)
    deck = Presentation(io.BytesIO(pptx_deck.pptx_bytes(report)))
    open_titles = [i18n.t("export.report.open_slide_title", built.report.lang, page=n, pages=3) for n in (1, 2, 3)]
    tables = [
        next(s.table for s in slide.shapes if s.has_table)
        for slide in deck.slides
        if slide.shapes.title.text in open_titles
    ]
    assert [len(table.rows) - 1 for table in tables] == [8, 8, 5]


def test_a_province_sized_list_of_issues_is_listed_in_part_and_counted_whole(pack):
    """At 1M meetings 2020 had 7,220 overdue issues: the PDF's table outlasted Chromium's two minutes and the brief
    wrote nothing. Each document lists ``LISTED_ISSUES`` and says how many there are and where all of them are; the
    ZIP's table keeps every row."""
    from oversight.briefing import docx_report
    from oversight.briefing import report as report_module
    from oversight.briefing.html_report import report_html

    lang, built, _ = pack
    many = pd.concat([built.report.overdue_issues] * 60, ignore_index=True)
    total, shown = len(many), report_module.LISTED_ISSUES
    assert total > shown
    report = dataclasses.replace(built.report, overdue_issues=many)
    total_text = summary.count(total, "issues", lang)
    note = i18n.t(
        "export.briefing.list_cut", lang, shown=shown, total=total_text, file=i18n.t("export.file.overdue_issues", lang)
    )
    intro = i18n.t(
        "export.report.overdue_intro", lang, period_end=summary.date_text(report.as_of, lang), count=total_text
    )
    _, rows, _ = report_module.overdue_issue_rows(report)
    assert len(rows) == shown and rows[-1][0] == str(shown)

    html = report_html(report)
    assert escape(intro) in html and escape(note) in html
    # the overdue list is the last table: header, rows (its last kept with what follows: <tr class=…>)
    assert len(re.findall(r"<tr[ >]", html.split("<table>")[-1])) == shown + 1

    document = Document(io.BytesIO(docx_report.docx_bytes(report)))
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    assert intro in paragraphs and note in paragraphs
    assert len(document.tables[-1].rows) == shown + 1

    deck = Presentation(io.BytesIO(pptx_deck.pptx_bytes(report)))
    pages = -(-shown // pptx_deck.ISSUE_ROWS_PER_SLIDE)
    titles = [
        i18n.t("export.report.overdue_slide_title_cut", lang, shown=shown, total=total_text, page=n, pages=pages)
        for n in range(1, pages + 1)
    ]
    assert [slide.shapes.title.text for slide in deck.slides if slide.shapes.title.text in titles] == titles

    with zipfile.ZipFile(io.BytesIO(briefing.charts_zip_bytes(report))) as archive:
        stem = i18n.t("export.file.overdue_issues", lang)
        listed = next(n for n in archive.namelist() if n.endswith(".csv") and n.startswith(stem))
        assert len(pd.read_csv(io.BytesIO(archive.read(listed)), encoding="utf-8-sig")) == total


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("key", ["open_slide_title_cut", "overdue_slide_title_cut"])
def test_a_cut_lists_slide_title_stays_on_one_line(lang, key):
    """ "Issues raised in the period and still to rectify: the first 40 of 5396 issues (5/5)" wrapped at its least
    size and ran into the red rule below it."""
    from pptx.util import Pt

    from oversight.charts.style import label_width

    room = (pptx_deck.SLIDE_WIDTH - 2 * pptx_deck.MARGIN) / Pt(1) * 0.95
    total = summary.count(123_456, "issues", lang)
    title = i18n.t(f"export.report.{key}", lang, shown=40, total=total, page=5, pages=5)
    assert label_width(title, pptx_deck._title_size(title)) <= room, title


def test_a_long_marking_stays_on_one_line_of_the_slide(pack):
    """The office's own marking of 44 characters, in a 4-inch box, broke inside a word (研究工作参/考使用) and its second
    line came down beside the slide's title: the box spans the text width and the size shrinks to keep one line."""
    from pptx.util import Pt

    from oversight.charts.style import label_width

    _, built, _ = pack
    room = (pptx_deck.SLIDE_WIDTH - 2 * pptx_deck.MARGIN) / Pt(1) * 0.95
    long_marking = "内部资料 仅供派驻纪检监察组领导班子研究工作参考使用 严禁复制转发外传 违者依纪依规追究责任" * 2
    assert pptx_deck.marking_size(built.report.marking.label) == 12  # the default, as before
    for label in (built.report.marking.label, long_marking[:44], long_marking[:90]):
        assert label_width(label, pptx_deck.marking_size(label)) <= room, label
    deck = Presentation(io.BytesIO(built.files["pptx"]))
    boxes = [s for s in deck.slides[1].shapes if s.has_text_frame and s.text_frame.text == built.report.marking.label]
    assert [box.width for box in boxes] == [pptx_deck.SLIDE_WIDTH - 2 * pptx_deck.MARGIN]


def test_a_long_description_is_cut_in_every_document_and_says_where_the_rest_is(pack):
    """Seven descriptions of 32,767 characters made a PDF of 453 pages: the documents' tables cut a description at
    ``DESCRIPTION_CHARACTERS`` and say how long it is; the ZIP's table keeps every word."""
    from oversight.briefing import docx_report, pptx_deck
    from oversight.briefing import report as report_module
    from oversight.briefing.html_report import report_html

    _, built, _ = pack
    long_text = "整改" * 20_000
    issues = built.report.open_issues.copy()
    issues.loc[0, "description"] = long_text
    report = dataclasses.replace(built.report, open_issues=issues)
    cut = long_text[: report_module.DESCRIPTION_CHARACTERS] + (
        "…（全文40,000字，见台账）"
        if report.lang == "zh"
        else "… (40,000 characters in all; the full text is in the ledger)"
    )
    _, rows, kinds = report_module.open_issue_rows(report)
    number = issues["issue_id"].iloc[0]
    cut = f"{number} {cut}"  # each description opens with its issue's number, as the ledger gives it
    assert rows[0][kinds.index("description")] == cut
    assert [row[kinds.index("description")].split(" ")[0] for row in rows] == list(issues["issue_id"])
    assert cut in report_html(report) and long_text[:101] not in report_html(report)
    deck = Presentation(io.BytesIO(pptx_deck.pptx_bytes(report)))
    cells = [
        cell.text
        for slide in deck.slides
        for s in slide.shapes
        if s.has_table
        for row in s.table.rows
        for cell in row.cells
    ]
    assert cut in cells
    document = Document(io.BytesIO(docx_report.docx_bytes(report)))
    assert cut in [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    with zipfile.ZipFile(io.BytesIO(briefing.charts_zip_bytes(report))) as archive:
        stem = i18n.t("export.file.open_issues", report.lang)
        open_csv = next(n for n in archive.namelist() if n.endswith(".csv") and stem in n)
        assert long_text in archive.read(open_csv).decode("utf-8-sig")


def test_a_chart_without_data_says_so_where_its_picture_would_be(pack):
    lang, built, _ = pack

    first = dataclasses.replace(built.report.sections[0], png=None, empty_note=None)
    report = dataclasses.replace(built.report, sections=[first, *built.report.sections[1:]])
    deck = Presentation(io.BytesIO(pptx_deck.pptx_bytes(report)))
    slide = next(s for s in deck.slides if s.shapes.title.text == first.title)
    assert [s.text_frame.text for s in slide.shapes if s.name == "no data"] == [
        i18n.t("export.briefing.no_chart", lang)
    ]
    assert not [s for s in slide.shapes if s.shape_type == 13]  # no picture


def test_an_empty_chart_says_it_once_on_its_slide_and_in_both_reports(pack):
    """省政府参事室2020年第4季度未指出问题。 in the chart's place, then 本期无相关记录。 as its reading: said twice."""
    lang, built, _ = pack
    context = built.report.context
    spec = built.report.sections[0].spec
    nothing = built.report.sections[0].frame.assign(**{column: 0 for column in spec.value_columns})
    empty = briefing._section_without_picture(spec, nothing, context)  # noqa: SLF001
    note = context.empty_note(spec.empty_key)
    assert empty.empty_note == note and empty.takeaway is None
    report = dataclasses.replace(built.report, sections=[empty, *built.report.sections[1:]])
    no_records = i18n.t("export.takeaway.no_data", lang)

    deck = Presentation(io.BytesIO(pptx_deck.pptx_bytes(report)))
    slide = next(s for s in deck.slides if s.shapes.title.text == empty.title)
    said = [s.text_frame.text for s in slide.shapes if s.has_text_frame and s.text_frame.text.strip()]
    assert said.count(note) == 1 and not [text for text in said if no_records in text]
    document = "\n".join(p.text for p in Document(io.BytesIO(docx_report.docx_bytes(report))).paragraphs)
    assert document.count(note) == 1 and no_records not in document
    page = re.sub(r"<[^>]+>", "", html_report.report_html(report))  # the text a reader of the PDF sees
    assert page.count(escape(note, quote=False)) == 1 and no_records not in page


def test_a_slides_issue_table_gives_a_unit_name_two_lines_at_most():
    """In the width of a page's table an English unit name took four lines on a slide, and eight such rows ran past
    the slide's foot: the unit column takes what its longest name needs in two lines from the description."""
    from oversight.charts.style import label_width

    name = "Office of the Provincial Local Chronicles Compilation Committee"
    kinds = ["number", "unit_en", "date", "description", "status_en"]
    header = ["No.", "Unit", "Date raised", "Description", "Rectification status"]
    widths = pptx_deck._slide_widths(kinds, [["1", name, "2020-09-14", "x", "In progress"]], header, 31.0)
    assert abs(sum(widths) - 31.0) < 1e-9
    assert widths[1] >= label_width(name, 12, 0.55) / (72 / 2.54) / 2 and widths[3] >= 10


def test_a_short_unit_name_takes_one_line_and_one_rows_height_on_a_slide():
    """On the English deck's issue slides the rows of Petitions Bureau and Local Chronicles stood a line taller than
    the rest (1.43 cm, the others 0.82), a gap in the list like a row missing: their column, 4.55 cm, fitted each name
    in one line as drawn, but the rows' heights counted it two. Every name of the sample now takes one line and each
    row one line's height, and a long name still no more than two lines beside a description of 10 cm or more."""
    from pptx.util import Cm

    kinds = ["number", "unit_en", "date", "description", "status_en"]
    header = ["No.", "Unit", "Raised", "Description", "Status"]
    names = ["Foreign Affairs", "Research Office", "Petitions Bureau", "Big Data Admin.", "Local Chronicles"]
    rows = [
        [str(n), name, "2020-03-02", "WT2020-014  会议数量偏多、时间偏长", "In progress"]
        for n, name in enumerate(names)
    ]
    width_cm = (pptx_deck.SLIDE_WIDTH - 2 * pptx_deck.MARGIN) / Cm(1)
    widths = [int(Cm(cm)) for cm in pptx_deck._slide_widths(kinds, rows, header, width_cm)]
    assert [pptx_deck._cell_lines(name, widths[1]) for name in names] == [1] * len(names)
    assert {pptx_deck._row_height(row, widths) for row in rows} == {pptx_deck._row_height(rows[0][:1], widths[:1])}
    # the overdue list's header: "Days overdue" drawn in two lines, its row counted three, a blank line under it
    overdue_kinds = ["number", "unit_en", "description", "date", "days"]
    overdue_header = ["No.", "Unit", "Description", "Due", "Days overdue"]
    overdue_rows = [[str(n), name, "WT2020-014", "2020-05-31", "214"] for n, name in enumerate(names)]
    overdue_widths = [
        int(Cm(cm)) for cm in pptx_deck._slide_widths(overdue_kinds, overdue_rows, overdue_header, width_cm)
    ]
    header_lines = [pptx_deck._cell_lines(title, w, bold=True) for title, w in zip(overdue_header, overdue_widths)]
    assert header_lines == [1, 1, 1, 1, 2], header_lines
    long_name = "Office of the Provincial Local Chronicles Compilation Committee"
    rows.append(["6", long_name, "2020-03-02", "x", "In progress"])
    widths = [int(Cm(cm)) for cm in pptx_deck._slide_widths(kinds, rows, header, width_cm)]
    assert pptx_deck._cell_lines(long_name, widths[1]) <= 2 and widths[3] >= Cm(10)


def test_pptx_runs_name_an_east_asian_font(pack):
    _, built, _ = pack
    deck = Presentation(io.BytesIO(built.files["pptx"]))
    run = deck.slides[0].shapes.title.text_frame.paragraphs[0].runs[0]
    assert run._r.rPr.find(qn("a:ea")).get("typeface") == "Microsoft YaHei"


def test_docx_is_a_work_report_with_charts_issues_and_placeholders(pack):
    lang, built, _ = pack
    document = Document(io.BytesIO(built.files["docx"]))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert COVERS[lang] in text
    for phrase in FIGURES[lang]:
        assert phrase in text
    for number in ("16", "19", "9", "17"):
        assert re.search(rf"(?<!\d){number}(?!\d)", text)
    assert ("2020年，驻省政府办公厅" in text) == (lang == "zh") and "今年以来" not in text  # 2020, made in a later year
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        i18n.t(f"export.report.{key}", lang) for key in ("overview", "figures", "details", "problems", "next_steps")
    ]
    assert i18n.t("export.report.next_steps_placeholder", lang, number=1) in text
    assert all(document.styles[name].paragraph_format.keep_with_next for name in ("Heading 1", "Heading 2", "Caption"))
    # each chart's reading in one piece, under its caption (one broke after "Big Data" across a page)
    readings = [
        after for before, after in zip(document.paragraphs, document.paragraphs[1:]) if before.style.name == "Caption"
    ]
    assert readings and all(reading.paragraph_format.keep_together for reading in readings if reading.text)
    assert len(document.inline_shapes) == len(SPECS)
    # the next steps' three lines stay together with their heading (one was left alone on a last page)
    steps = [p for p in document.paragraphs if p.text.startswith(("[(", "【（"))][-3:]
    assert [p.paragraph_format.keep_with_next for p in steps] == [True, True, False], [p.text for p in steps]
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    # numbered in the order printed: page_fill may put another chart of the first group first (in English, under the
    # figure list's run-on lines, 图3 Issues by category before Issues and suggestions by unit)
    printed = built.report.printed_sections
    assert captions == [
        i18n.t("export.briefing.figure_caption", lang, number=number, title=section.title)
        for number, section in enumerate(printed, start=1)
    ]
    assert {section.spec.key for section in printed} == {spec.key for spec in SPECS}
    open_issues, overdue = document.tables[-2], document.tables[-1]
    assert len(open_issues.rows) == 1 + 7  # 16 issues, 9 rectified by the end of 2020
    assert len(overdue.rows) == 1 + 6
    # in English as the charts name the unit (its 英文简称): a full name took five lines of the column
    assert open_issues.rows[1].cells[1].text == ("省人民政府外事办公室" if lang == "zh" else "Foreign Affairs")
    widths = [int(column.get(qn("w:w"))) for column in open_issues._tbl.tblGrid.findall(qn("w:gridCol"))]
    header = [cell.text for cell in open_issues.rows[0].cells]
    description = header.index(i18n.t("column.description", lang))  # the page's headers (tables.LIST_COLUMNS)
    date = header.index(i18n.t("column.date_raised", lang))
    assert widths[description] == max(widths) and widths[date] < widths[description] / 2
    fonts = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "SimSun"
    header_xml = document.sections[0].header._element.xml
    assert built.report.marking.label in document.sections[0].header.paragraphs[0].text
    assert built.report.marking.watermark in header_xml and "v:textpath" in header_xml
    properties = document.core_properties
    assert (properties.title, properties.author) == (TITLES[lang], i18n.t("app.team", lang))
    assert not (properties.keywords or properties.comments or properties.subject or properties.last_modified_by)


def test_pdf_has_the_title_and_copies_as_ordinary_characters(pack):
    lang, built, _ = pack
    reader = PdfReader(io.BytesIO(built.files["pdf"]))
    text = "".join(page.extract_text() for page in reader.pages)
    # an English title's first line ends in a no-break space: the heading's text (its bookmark, what a screen reader
    # reads) is "…briefing 2020", not "…briefing2020"
    assert COVERS[lang].replace("\n", " \n" if lang == "en" else "\n") in text.replace("\u00a0", " ")
    assert SPECS[0].title(lang) in text
    assert len(reader.pages) >= 3
    assert not re.search("[\u2e80-\u2fdf]", text), "Kangxi radicals instead of 工, 见 …: copy and search would fail"
    # nor ligatures: "Oﬃce", "rectiﬁed" are not found by a search for Office or rectified (rev-j, 2 Dec)
    assert not re.search("[\ufb00-\ufb06]", text), re.findall(".{10}[\ufb00-\ufb06].{10}", text)[:3]
    if lang == "zh":
        assert "工作概况" in text and "意见建议19条" in text and "党组（党委）" in text
    watermark = pdf_pages.drawn_watermark(built.report.marking)
    for number, page in enumerate(reader.pages, start=1):  # the marking and the watermark on every printed page
        page_text = page.extract_text()
        assert built.report.marking.label in page_text
        # the watermark a picture of the viewer, and the date and time whole on a line of their own ("2026-12-" /
        # "02 13:02" was cut), in each of its places: seen, and never copied with the text
        assert pdf_pages.transparent_pictures(page).get(watermark) == pdf_pages.WATERMARK_COPIES, number
        assert not any(line in page_text for line in built.report.marking.watermark_lines), number
        # and its number at the foot, as the Word report has it (第3页 / Page 3)
        numbered = i18n.t("export.report.page_before", lang) + str(number) + i18n.t("export.report.page_after", lang)
        assert numbered.strip() in page_text, number
    assert reader.metadata.title == TITLES[lang]


def _joined(text: str, lang: str) -> str:
    """Extracted text with its line breaks taken out as a reader's search does: nothing between Chinese lines, one
    space between English ones."""
    text = text.replace("\u00a0", " ")
    if lang == "zh":
        return re.sub(r"\s*\n\s*", "", text)
    return re.sub(r"\s+", " ", re.sub(r"(?<=\w-)\s*\n\s*", "", text))  # "face-to-" / "face" read as one word


@pytest.mark.parametrize("reader", ["pdftotext", "pdftotext -raw", "pdftotext -layout", "pypdf"])
def test_pdf_copies_as_the_documents_text_in_order_without_the_watermark(pack, reader):
    """Review of 4 Dec: the diagonal watermark was text, so every reader of the PDF mixed its fragments into the body
    (pdftotext: "深入分析各单 / 1 / 2 / 0 / 2 / 位政治生态"; pypdf: the whole watermark five times on each page): a
    paragraph a leader copied or searched came with "leader1", "2021" and "09:3" inside it. Now each paragraph reads
    whole and in order, and no reader finds a trace of the watermark, which is a picture."""
    lang, built, _ = pack
    pdf = built.files["pdf"]
    if reader == "pypdf":
        text = "\n".join(page.extract_text() for page in pdf_pages.pages(pdf))
    else:
        text = pdf_pages.pdftotext(pdf, *reader.split()[1:])
    marking = built.report.marking
    assert not any(line in text for line in marking.watermark_lines)
    assert not re.search(r"leader1|2021-01|09:3", text), re.findall(r".{0,12}(?:leader1|2021-01|09:3).{0,12}", text)[:3]

    # every reader, poppler's -raw included, keeps the spaces between English words (review of 5 Dec: -raw read
    # "Themostcommoncategory…" while the Latin letters were set in Noto CJK, which Chromium embeds as Type 3)
    # (poppler's default mode also joins a word broken after its hyphen without the hyphen: "face-to-" / "face"
    # reads "face-toface", which a viewer's copy keeps as set; hyphens are not compared there)
    def compared(words: str) -> str:
        flat = _joined(words, lang)
        return re.sub(r"(?<=\w)-(?=\w)", "", flat) if reader == "pdftotext" and lang == "en" else flat

    joined = compared(text)
    paragraphs = [
        *built.report.summary,
        *(section.takeaway for section in built.report.printed_sections if section.takeaway),
    ]
    found = [joined.find(compared(p)) for p in paragraphs]
    assert -1 not in found, paragraphs[found.index(-1)]
    assert found == sorted(found)  # in the page's reading order
    # no line begins with 、，。；）… (the page never does, 禁则): a trimmed ）。 was drawn back over its half and
    # pdftotext -raw read "上年同期63.6%）" / "。从问题类别看" as two lines (27 in the full pack)
    assert not [line for line in text.splitlines() if line.strip()[:1] in html_report._NO_LINE_START and line.strip()]
    # a number is never cut at a line's end, so a search for it finds it
    lines = set(text.splitlines())
    for number in {n for paragraph in paragraphs for n in re.findall(r"\d+(?:\.\d+)?%", paragraph)}:
        assert any(number in line for line in lines), number
    if lang == "zh":
        assert "上年同期63.6%" in joined and "上年同期341次" in joined and "驻省政府办公厅纪检监察组" in text


def _type3_characters(pdf: bytes) -> set[str]:
    """Every character the PDF's Type 3 fonts draw, read from their ToUnicode maps."""
    drawn: set[str] = set()
    for page in pdf_pages.pages(pdf):
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            if font.get("/Subtype") != "/Type3" or "/ToUnicode" not in font:
                continue
            cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            for _, target in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", cmap):
                drawn.add(bytes.fromhex(target).decode("utf-16-be", "replace"))
    return drawn


def test_pdf_sets_latin_text_in_an_embedded_truetype_font(pack):
    """Review of 5 Dec: every font of the PDF was Type 3 (Chromium's PDF writer embeds Noto CJK's CFF outlines so),
    and poppler copied an English sentence as "Thecommitteeheld…". Latin text is now set in DejaVu Sans, embedded
    as a CID TrueType font in an English report; a Chinese one stays in Noto CJK (Type 3, copied without spaces
    between its characters) until a TrueType CJK font is installed."""
    lang, built, _ = pack
    pdf = built.files["pdf"]
    if lang == "zh":  # its digits copied with the characters beside them, no space between
        copied = pdf_pages.pdftotext(pdf)
        assert "2020年度派驻监督工作情况" in copied and "统计期间：2020年第1季度" in copied
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "print.pdf")
        path.write_bytes(pdf)
        listed = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout
    assert re.search(r"DejaVuSans\s+CID TrueType\s+Identity-H\s+yes", listed), listed
    latin_in_type3 = {character for character in _type3_characters(pdf) if ord(character) < 0x2E80}
    assert not latin_in_type3, sorted(latin_in_type3)  # quotes and dashes too
    assert "The team held 17 special study sessions" in _joined(pdf_pages.pdftotext(pdf, "-raw"), lang)


def test_pdf_page_furniture_is_an_artifact(pack):
    """Review of 5 Dec: the marking (内部资料 注意保存), the page's number and the watermark were drawn outside any
    marked content in the tagged PDF, neither tagged nor artifacts (455 painting operators of the English pack), so
    a screen reader read them into the body. Every painting operator is now tagged or an artifact, and the marking
    and the number are still text a search finds."""
    lang, built, _ = pack
    pages = pdf_pages.pages(built.files["pdf"])
    assert [pdf_pages.unmarked_paints(page) for page in pages] == [0] * len(pages)
    for number, page in enumerate(pages, start=1):
        content = page.get_contents().get_data()
        assert content.count(b"/Artifact <</Type /Pagination>> BDC") == 2, number  # the margins, the watermark
        assert built.report.marking.label in page.extract_text(), number


def test_slides_and_word_report_copy_their_text_without_the_watermark_or_the_marking(pack):
    """What a leader copies out of a slide's text box or the Word report's body is the document's text only: the
    watermark and the marking are shapes (slides) or the header (Word) of their own, never inside a body's text."""
    lang, built, _ = pack
    marking = built.report.marking
    watermark = "\n".join(marking.watermark_lines)
    for number, slide in enumerate(Presentation(io.BytesIO(built.files["pptx"])).slides, start=1):
        frames = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
        assert frames.count(watermark) == 2 and frames.count(marking.label) == 1, number
        body = [text for text in frames if text not in (watermark, marking.label)]
        assert body and not any(part in text for text in body for part in (*marking.watermark_lines, marking.label)), (
            number
        )
    document = Document(io.BytesIO(built.files["docx"]))
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    for text in paragraphs + cells:
        assert not any(part in text for part in (*marking.watermark_lines, marking.label)), text
    # the overview's paragraphs each one paragraph of the body, whole and in order
    found = [paragraphs.index(paragraph) for paragraph in built.report.summary]
    assert found == sorted(found) and len(found) == len(built.report.summary)


def test_zip_holds_each_charts_png_csv_xlsx_and_the_open_issues(pack):
    lang, built, _ = pack
    archive = zipfile.ZipFile(io.BytesIO(built.files["zip"]))
    context = built.report.context
    expected = {
        f"{context.chart_file_stem(spec.key, spec.title(lang))}.{ext}"
        for spec in SPECS
        for ext in ("png", "csv", "xlsx")
    }
    lists = {context.file_stem(i18n.t(f"export.file.{key}", lang)) for key in ("open_issues", "overdue_issues")}
    assert set(archive.namelist()) == expected | {f"{stem}.{ext}" for stem in lists for ext in ("csv", "xlsx")}
    if lang == "zh":
        assert "问题与意见建议_按单位_2020Q1-2020Q4.png" in archive.namelist()


def test_each_chart_is_rendered_once_and_shared(pack):
    _, built, _ = pack
    archive = zipfile.ZipFile(io.BytesIO(built.files["zip"]))
    deck = Presentation(io.BytesIO(built.files["pptx"]))
    slide_images = [
        shape.image.blob for slide in list(deck.slides)[2:] for shape in slide.shapes if shape.shape_type == 13
    ]
    zipped = [archive.read(f"{section.file_stem}.png") for section in built.report.sections]
    assert slide_images == zipped == [section.png for section in built.report.sections]


def test_every_slide_has_its_own_furniture_with_ids_of_its_own(pack):
    # drawn once per deck and copied onto each slide: every titled slide still carries the rule, the footer,
    # the marking and both watermarks, each shape with an id no other shape of its slide has
    _, built, _ = pack
    deck = Presentation(io.BytesIO(built.files["pptx"]))
    marking = built.report.marking
    footer = built.report.footer()
    for number, slide in enumerate(deck.slides):
        ids = [shape.shape_id for shape in slide.shapes]
        assert len(ids) == len(set(ids)), f"slide {number}: shape ids repeat"
        texts = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
        watermark = "\n".join(marking.watermark_lines)  # the viewer, then the date and time whole
        assert texts.count(marking.label) == 1 and texts.count(watermark) == 2
        # the watermarks are drawn first (behind everything), the marking over the content
        assert [shape.text_frame.text for shape in list(slide.shapes)[:2]] == [watermark] * 2
        if number == 0:  # the title slide: no rule, no footer
            assert footer not in texts
            continue
        assert texts.count(footer) == 1
        rules = [shape for shape in slide.shapes if shape.top == 1005840 and shape.height == 54864]  # 1.1 in, 0.06 in
        assert len(rules) == 1 and rules[0].fill.fore_color.rgb == _hex_rgb(charts.COLOURS["primary"])


def _hex_rgb(colour: str):
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(colour.lstrip("#"))


def test_pictures_are_stored_in_the_files_not_deflated_again(pack):
    # a picture (and an XLSX) is compressed already; everything else is deflated
    _, built, _ = pack
    pictures = (".png", ".jpeg")  # the charts, and the deck template's thumbnail
    for file_format, stored_suffixes in (("pptx", pictures), ("docx", pictures), ("zip", (".png", ".xlsx"))):
        archive = zipfile.ZipFile(io.BytesIO(built.files[file_format]))
        assert archive.testzip() is None
        for info in archive.infolist():
            expected = zipfile.ZIP_STORED if info.filename.endswith(stored_suffixes) else zipfile.ZIP_DEFLATED
            assert info.compress_type == expected, (file_format, info.filename)
    report = zipfile.ZipFile(io.BytesIO(built.files["docx"]))
    media = sorted(name for name in report.namelist() if name.startswith("word/media/"))
    assert sorted(report.read(name) for name in media) == sorted(
        section.png for section in built.report.sections if section.png is not None
    )


def test_pdf_pixels_of_an_opaque_chart_are_its_own_and_transparency_goes_on_white():
    import zlib

    from PIL import Image

    from oversight.briefing import pdf_images

    opaque = Image.new("RGBA", (2, 1), (10, 20, 30, 255))
    opaque.putpixel((1, 0), (200, 100, 50, 255))
    half = Image.new("RGBA", (1, 1), (0, 0, 0, 128))  # half-transparent black on white: mid grey
    pixels = []
    for picture in (opaque, half):
        buffer = io.BytesIO()
        picture.save(buffer, "PNG")
        pixels.append(zlib.decompress(pdf_images.prepare(buffer.getvalue()).data))
    assert pixels[0] == bytes([10, 20, 30, 200, 100, 50])
    assert pixels[1] == bytes([127, 127, 127])


@pytest.mark.slow
def test_render_count(connection, default_filter, monkeypatch):
    rendered = []
    original = rendering.render_pngs
    monkeypatch.setattr(rendering, "render_pngs", lambda figures: rendered.extend(figures) or original(figures))
    monkeypatch.setattr(rendering, "figure_png", lambda figure: pytest.fail("a second rendering of a chart"))
    briefing.build_briefing_pack(
        _run(connection), default_filter, "en", specs=charts.OVERVIEW_CHARTS[:2], formats=("pptx", "docx", "zip")
    )
    assert len(rendered) == 2
    assert all(figure.layout.title.text == "" for figure, _ in rendered)  # the slide or caption gives the title


@pytest.mark.slow
def test_chart_list_is_a_parameter_and_empty_charts_do_not_break_it(connection):
    # 省信访局 had no reminders in 2020 Q2–Q3: that chart has no image, its slide says so.
    filter_ = Filter(("petitions",), Quarter(2020, 2), Quarter(2020, 3))
    built = briefing.build_briefing_pack(connection, filter_, "zh", formats=("pptx", "zip"))
    assert set(built.files) == {"pptx", "zip"}
    deck = Presentation(io.BytesIO(built.files["pptx"]))
    # each issue list a slide, with its issues or saying there are none (both lists fit one slide here)
    assert max(len(built.report.open_issues), len(built.report.overdue_issues)) <= pptx_deck.ISSUE_ROWS_PER_SLIDE
    assert len(deck.slides) == 2 + len(charts.OVERVIEW_CHARTS) + 2 + 1
    reminders_slide = deck.slides[2 + 3]
    assert not [shape for shape in reminders_slide.shapes if shape.shape_type == 13]
    said = [shape.text_frame.text for shape in reminders_slide.shapes if shape.has_text_frame]
    assert said.count("省信访局2020年第2季度至2020年第3季度无日常提醒。") == 1  # the page's words, once
    assert not [text for text in said if i18n.t("export.takeaway.no_data", "zh") in text]
    names = zipfile.ZipFile(io.BytesIO(built.files["zip"])).namelist()
    assert "日常提醒_按方式_省信访局_2020Q2-2020Q3.csv" in names
    assert "日常提醒_按方式_省信访局_2020Q2-2020Q3.png" not in names


def test_without_a_browser_the_pack_explains_before_doing_any_work(connection, default_filter, monkeypatch, tmp_path):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "missing"))
    steps = []
    with pytest.raises(rendering.ImageRendererMissing):
        briefing.build_briefing_pack(connection, default_filter, "en", progress=lambda f, m: steps.append(f))
    assert steps == []


# ---------------------------------------------------------------- the written summary


def test_summary_agrees_with_the_overview_cards(connection, default_filter):
    figures = summary.gather_figures(_run(connection), default_filter)
    cards = {card.key: card for card in kpis.overview_kpis(figures.current, figures.previous, "zh", "2019")}
    zh = summary.summary_paragraphs(figures, "zh")
    assert zh[0].startswith("2020年，驻省政府办公厅纪检监察组与9家综合监督单位党组（党委）开展定期会商")
    assert "指出问题16个，提出意见建议19条" in zh[0]
    assert f"整改率{cards['rectification_rate'].display}" in zh[0]
    assert "专题研究工作17次" in zh[1]
    assert cards["meetings"].delta == "-109次（-32.0%）"
    assert "会议数量同比下降32.0%（上年同期341次）" in zh[2]
    minutes_now = kpis.round_half_up(figures.current["avg_duration_min"], 1)
    shorter = kpis.round_half_up(figures.previous["avg_duration_min"] - figures.current["avg_duration_min"], 1)
    assert f"平均时长{minutes_now}分钟，缩短{shorter}分钟" in zh[2]
    card = kpis.Comparison(figures.current, figures.previous, "2019", "zh").average(
        "avg_duration", "avg_duration_min", "unit.minutes", digits=1
    )
    assert card.delta == f"-{shorter}分钟"  # the 平均会议时长 card's 同比 and the sentence: one figure
    en = " ".join(summary.summary_paragraphs(figures, "en"))
    assert en.startswith("In 2020, the team held regular consultations with the party groups of 9 units")
    assert "32.0% fewer than a year earlier" in en


def test_the_english_summary_says_one_merged_meeting_was_merged(connection, frames):
    """A leader's review of 2 Dec: "1 meeting were merged" in the pack's English summary."""
    meetings = frames["meetings"]
    quarter = Quarter(2020, 3)
    in_quarter = meetings[meetings["date"].map(Quarter.of) == quarter]
    for unit in ("data_admin", None):
        in_view = in_quarter[in_quarter["unit"] == unit] if unit else in_quarter
        merged = int(in_view["merged"].sum())
        text = " ".join(
            summary.written_summary(_run(connection), Filter((unit,) if unit else (), quarter, quarter), "en")
        )
        said = "1 meeting was merged" if merged == 1 else f"{merged} meetings were merged"
        assert said in text, (merged, text)
        assert unit is None or merged == 1  # the sample has the one-meeting case this test is for


def test_summary_names_a_partial_period_instead_of_this_year(connection):
    filter_ = Filter((), Quarter(2020, 2), Quarter(2020, 3))
    zh = summary.written_summary(_run(connection), filter_, "zh")
    assert zh[0].startswith("2020年第2季度至2020年第3季度，") and "今年以来" not in "".join(zh)
    en = summary.written_summary(_run(connection), Filter(("petitions",), Quarter(2020, 2), Quarter(2020, 3)), "en")
    assert en[0].startswith("From 2020 Q2 to 2020 Q3, ")
    # one unit: its party group and its political health, not "the party groups of 1 unit … of each"
    assert "with the unit's party group, looked closely at its political health" in en[0]
    assert "raised 1 issue and made 1 suggestion" in en[0]
    quiet = summary.written_summary(_run(connection), Filter(("petitions",), Quarter(2020, 3), Quarter(2020, 3)), "en")
    assert quiet[0] == "In 2020 Q3, no consultations, issues or suggestions were recorded."


def test_summary_of_one_unit_or_of_none_consulted_says_so(connection, frames):
    """counsellors in 2019: no 定期会商, one suggestion. The summary said 与0家综合监督单位…开展定期会商，深入分析各单位
    政治生态 — a consultation with nobody, of "each unit" in a one-unit pack."""
    activities, suggestions = frames["activities"], frames["suggestions"]
    mine = activities[(activities["unit"] == "counsellors") & activities["date"].map(lambda d: d.year == 2019)]
    assert (mine["kind"] == "consultation").sum() == 0
    made = suggestions[(suggestions["unit"] == "counsellors") & suggestions["date_made"].map(lambda d: d.year == 2019)]
    one = Filter(("counsellors",), Quarter(2019, 1), Quarter(2019, 4))
    zh = summary.written_summary(_run(connection), one, "zh")[0]
    assert zh.startswith("2019年，驻省政府办公厅纪检监察组未与该单位党组（党委）开展定期会商；")
    assert f"提出意见建议{len(made)}条" in zh and "各单位" not in zh and "0家" not in zh
    en = summary.written_summary(_run(connection), one, "en")[0]
    # nothing is said in words, never as a figure of 0 (指出问题0个, "raised 0 issues")
    assert en.startswith(
        "In 2019, the team held no regular consultation with the unit's party group; it raised no issues and made "
        f"{len(made)} suggestion"
    )
    assert "；未指出问题，提出意见建议" in zh
    studies = (mine["kind"] == "special_study").sum()
    for lang in ("zh", "en"):
        paragraphs = summary.written_summary(_run(connection), one, lang)
        assert not any(re.search(r"(?<![\d.])0(个|次|条| issue| session| suggestion)", text) for text in paragraphs)
        if studies == 0:
            assert paragraphs[1].startswith(
                ("未与该单位机关纪委开展专题研究", "The team held no special study sessions")
            )
    consulted = Filter(("gov_office",), Quarter(2020, 1), Quarter(2020, 4))
    zh = summary.written_summary(_run(connection), consulted, "zh")[0]
    assert "与该单位党组（党委）开展定期会商，深入分析该单位政治生态" in zh and "1家" not in zh


def test_issue_lists_are_introduced_in_words_for_one_issue_too(connection):
    """The open and overdue lists' first line: a date as the summary writes it, and a verb that fits one issue."""
    from oversight.briefing.html_report import report_html

    one_unit = Filter(("gov_office",), Quarter(2020, 1), Quarter(2020, 4))
    for lang, overdue_line in (
        ("en", "By 31 December 2020, 1 issue, whenever raised, had passed the due date without being rectified:"),
        ("zh", "截至2020年12月31日，超过整改期限仍未整改到位的问题（不论何时指出）1个："),
    ):
        report = briefing.collect_report(_run(connection), one_unit, lang, [])
        page = report_html(report)
        assert overdue_line in page and "2020-12-31，" not in page and "By 2020-12-31" not in page
        # a range running past the data date: the lists are counted to the data date, and say so (not 30 June 2021)
        past = briefing.collect_report(
            _run(connection), Filter(("gov_office",), Quarter(2020, 3), Quarter(2021, 2)), lang, []
        )
        assert overdue_line in report_html(past) and ("2021" not in report_html(past).split("</h2>", 3)[-1])
    takeaway = takeaways.takeaway(
        catalog.OVERVIEW_CHARTS[0], queries.run(connection, "issues_suggestions_by_unit", one_unit), "en"
    )
    # one unit by its 英文简称, as its bar and the page's sentences name it (README 口径说明, 单位名称)
    assert takeaway == "For the General Office: 3 issues raised and 3 suggestions made."
    heatmap = next(spec for spec in catalog.all_charts() if spec.key == "meetings_by_unit_quarter")
    held = queries.run(connection, heatmap.query, one_unit)
    assert held["name_en"].nunique() == 1  # one unit, by the short name its row carries, opening the sentence
    assert takeaways.takeaway(heatmap, held, "en").startswith(f"The {held['short_name_en'].iloc[0]} held ")


def test_takeaways_read_the_data_and_a_new_chart_has_none(connection, default_filter, monkeypatch):
    frames = {spec.key: queries.run(connection, spec.query, default_filter) for spec in charts.OVERVIEW_CHARTS}
    by_key = {spec.key: spec for spec in charts.OVERVIEW_CHARTS}
    assert (
        takeaways.takeaway(by_key["issues_suggestions_by_unit"], frames["issues_suggestions_by_unit"], "zh")
        == "省政府办公厅指出问题最多（3个）；共指出问题16个，提出意见建议19条。"
    )
    assert "每个季度均少于上年同期" in takeaways.takeaway(
        by_key["meetings_by_quarter"], frames["meetings_by_quarter"], "zh"
    )
    monkeypatch.setattr(takeaways, "TAKEAWAYS", {})
    assert takeaways.takeaway(by_key["issues_by_category"], frames["issues_by_category"], "en") is None


def test_pdf_text_map_turns_radicals_into_ordinary_characters():
    assert ordinary_text("⼯作 意⻅ ⼾籍") == "工作 意见 户籍"
    cmap = (
        b"begincodespacerange\n<00> <FF>\nendcodespacerange\n1 beginbfchar\n<19> <2F2F>\nendbfchar\n"
        b"1 beginbfrange\n<20> <21> <2EC5>\nendbfrange\nendcmap"
    )
    fixed = normalised_cmap(cmap)
    assert b"<19> <5DE5>" in fixed and b"<20> <89C1>" in fixed and b"endcmap" in fixed
    assert (
        normalised_cmap(b"begincodespacerange\nendcodespacerange\n1 beginbfchar\n<01> <0020>\nendbfchar\nendcmap")
        is None
    )


def test_pdf_keeps_chinese_unit_names_whole_and_lets_english_ones_wrap(pack):
    from oversight.briefing.html_report import report_html

    lang, built, _ = pack
    html = report_html(built.report)
    if lang == "zh":
        assert '<span class="name">省政务服务和大数据管理局</span>' in html
    else:  # sixty letters on one line would run into the next column
        assert 'class="name"' not in html


def test_pdf_never_starts_a_line_with_the_punctuation_after_a_unit_name():
    """A printed line began 、省信访局… : the name's box ended before the 、, and Chromium breaks after a box. Each
    punctuation mark a Chinese line may not start with goes into the box of the name before it, each one it may not
    end with into the box of the name after it."""
    from oversight.briefing.html_report import _NO_LINE_END, _NO_LINE_START, _with_names_kept

    names = ["省人民政府驻北京办事处", "省信访局"]
    for mark in _NO_LINE_START:
        html = _with_names_kept(f"本期未与省人民政府驻北京办事处{mark}省信访局{mark}等开展定期会商", names)
        assert f"</span>{mark}" not in html, html
        assert f'<span class="name">省人民政府驻北京办事处{mark}</span>' in html
    for mark in _NO_LINE_END:
        html = _with_names_kept(f"会议最多的是{mark}省信访局", names)
        assert f"{mark}<span" not in html and f'<span class="name">{mark}省信访局</span>' in html
    assert set("、，。；：）") <= set(_NO_LINE_START) and set("（“") <= set(_NO_LINE_END)
    # text from the ledgers is still escaped, inside a box or out of it
    assert (
        _with_names_kept("<b>省信访局</b>、", ["省信访局"]) == '&lt;b&gt;<span class="name">省信访局</span>&lt;/b&gt;、'
    )


@pytest.mark.slow
def test_pdf_printer_falls_back_to_a_fresh_chromium(monkeypatch):
    from oversight.briefing import pdf_print

    html = "<html><head><meta charset='utf-8'></head><body><h1>内部资料 测试</h1></body></html>"
    assert "内部资料" in PdfReader(io.BytesIO(pdf_print.html_to_pdf(html))).pages[0].extract_text()  # the printer

    def broken(self, url):
        raise RuntimeError("the printing browser died")

    monkeypatch.setattr(pdf_print._Printer, "print", broken)
    cli_calls = []
    original = pdf_print._print_with_cli
    monkeypatch.setattr(pdf_print, "_print_with_cli", lambda *args: cli_calls.append(1) or original(*args))
    assert "内部资料" in PdfReader(io.BytesIO(pdf_print.html_to_pdf(html))).pages[0].extract_text()
    assert cli_calls == [1]


@pytest.mark.slow
def test_pdf_text_fix_appends_to_the_printed_file(tmp_path):
    from oversight.briefing import pdf_print, pdf_text

    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><meta charset='utf-8'></head><body><p>工作概况 意见建议 户籍</p></body></html>", encoding="utf-8"
    )
    pdf_print.warm_up()
    printed = pdf_print._printer.print(page.as_uri())
    fixed = pdf_text.fix_cjk_text_mapping(printed)
    printed_text = PdfReader(io.BytesIO(printed)).pages[0].extract_text()
    fixed_text = PdfReader(io.BytesIO(fixed)).pages[0].extract_text()
    assert "工作概况" in fixed_text and not re.search("[\u2e80-\u2fdf]", fixed_text)
    assert fixed_text == ordinary_text(printed_text)
    assert fixed != printed and fixed.startswith(printed)  # an update appended: Chromium's bytes are kept as they are
    assert pdf_text.fix_cjk_text_mapping(fixed) == fixed  # nothing left to fix


@pytest.mark.slow
def test_kept_tabs_draw_what_a_fresh_tab_draws(connection, default_filter, monkeypatch):
    from oversight.export import image_server

    monkeypatch.setattr(image_server, "RELOAD_EVERY", 3)  # a reload among the renders below, too
    sized = []
    for spec in charts.OVERVIEW_CHARTS:
        figure = document_layout.document_figure(spec.build(queries.run(connection, spec.query, default_filter), "zh"))
        width, height = document_layout.document_size(figure)
        sized.append((figure, {"format": "png", "width": width, "height": height, "scale": names.EXPORT_SCALE}))
    server = image_server.ImageServer(1)  # one tab: the images below are drawn in this order, in the same page
    try:
        first = server.render(sized[:1])[0]  # in a page just loaded
        again = [server.render([item])[0] for item in [*sized[1:], sized[0], *sized[1:], sized[0]]]
    finally:
        server.close()
    assert first.startswith(b"\x89PNG") and again[len(sized) - 1] == first and again[-1] == first
    assert again[: len(sized) - 1] == again[len(sized) : -1]  # the other charts, drawn twice, alike too
    assert len(set(again)) == len(sized)


def test_the_slide_watermark_is_never_cut_into_a_fragment(pack):
    """Behind a slide's content the watermark is either wholly under a chart's picture (which carries its own) or
    wholly clear of it, in the reading panel; cards and panels are outlined, not filled, so it reads through
    them (a filled panel left "np" of "This computer …" showing in the gap beside the picture)."""
    _, built, _ = pack
    deck = Presentation(io.BytesIO(built.files["pptx"]))
    watermark = "\n".join(built.report.marking.watermark_lines)
    for slide in list(deck.slides)[1 : 2 + CHARTS]:
        marks = [shape for shape in slide.shapes if shape.has_text_frame and shape.text_frame.text == watermark]
        assert len(marks) == 2
        boxes = [shape for shape in slide.shapes if shape.shape_type == 1]  # autoshapes: cards, panel, accent
        # 5: no fill; the title's red rule and the panel's accent bar are thin lines, not boxes
        assert all(box.fill.type in (None, 5) or min(box.width, box.height) < Inches(0.1) for box in boxes)
        pictures = [shape for shape in slide.shapes if shape.shape_type == 13]
        for picture in pictures:
            right = picture.left + picture.width
            under, beside = sorted(marks, key=lambda shape: shape.left)
            assert picture.left <= under.left and under.left + under.width <= right
            assert picture.top <= under.top and under.top + under.height <= picture.top + picture.height
            assert beside.left >= right  # in the panel, past the picture's edge


def test_issue_table_columns_hold_their_headers_longest_word():
    """A header word is never broken inside (Rectificatio|n status, Days overdu|e on a slide): a fixed column is
    widened to its header's longest word in bold, and the description takes what is left."""
    from oversight.briefing.report import column_widths

    kinds = ["number", "unit", "date", None, "status_en"]
    header = ["No.", "Unit", "Date raised", "Description", "Rectification status"]
    for font_pt, total in ((12, 31.0), (9.5, 16.0)):
        widths = column_widths(kinds, total, font_pt, header)
        assert abs(sum(widths) - total) < 1e-9
        # "Rectification" in bold: 13 letters at about 0.6–0.68 em, plus the cell's insets
        assert widths[4] >= 13 * font_pt * 0.62 / (72 / 2.54) + 0.4
        assert widths[3] > 3  # the description still has room
    zh = column_widths(
        ["number", "unit", "date", None, "status"], 16.0, 9.5, ["序号", "单位", "提出日期", "问题描述", "整改状态"]
    )
    assert zh == column_widths(["number", "unit", "date", None, "status"], 16.0, 9.5)  # Chinese headers fit already


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_two_issue_lists_say_which_issues_they_count(connection, lang):
    """For 省信访局 in 2020 Q4 the report said 截至期末，所指出问题均已整改 (of no issue) and, in the next section, one issue overdue
    (raised in March, still being rectified): the first list counts the issues raised in the period, the second
    every issue whenever raised. Each now says so, and the figures are those of the two lists."""
    span = queries.data_span(connection)
    filter_ = span.resolve(Filter(("petitions",), Quarter(2020, 4), Quarter(2020, 4)))
    report = briefing.collect_report(_run(connection), filter_, lang, specs=())
    assert report.open_issues.empty and len(report.overdue_issues) == 1
    document = Document(io.BytesIO(briefing.docx_bytes(report)))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    # the first list says no issue was raised in the period (it said all were rectified, of none), the second
    # names its wider scope, beside its one issue
    assert i18n.t("export.briefing.no_issues_raised", lang) in text
    assert {"zh": "本期", "en": "in the period"}[lang] in i18n.t("export.briefing.no_issues_raised", lang)
    scope = {"zh": "（不论何时指出）1个", "en": "1 issue, whenever raised,"}[lang]
    assert scope in text, text


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    ("units", "start", "end"),
    [
        (("petitions",), (2020, 3), (2020, 4)),
        (("petitions",), (2020, 3), (2021, 2)),
        (("beijing_office",), (2020, 1), (2020, 4)),
    ],
)
def test_an_empty_open_issue_list_says_whether_any_issue_was_raised(connection, lang, units, start, end):
    """省信访局 raised no issue in 2020 Q3–Q4, and the report's list of issues raised in the period and not yet
    rectified said 本期所指出问题，截至期末均已整改 — an all-clear over nothing, read aloud as a finding. With no issue
    raised the report says so; where issues were raised and all rectified it keeps its all-clear. Which applies
    is recomputed from the spreadsheets."""
    view = oracle.View(oracle.read_ledgers(Path(__file__).resolve().parent.parent / "data"), units, start, end)
    raised, open_now = len(view.issues), int((~view.rectified_by(view.issues, view.as_of)).sum())
    span = queries.data_span(connection)
    report = briefing.collect_report(
        _run(connection), span.resolve(Filter(units, Quarter(*start), Quarter(*end))), lang, specs=()
    )
    document = Document(io.BytesIO(briefing.docx_bytes(report)))
    deck = Presentation(io.BytesIO(briefing.pptx_bytes(report)))
    texts = {
        "docx": "\n".join(paragraph.text for paragraph in document.paragraphs),
        "html": briefing.report_html(report),
        "pptx": "\n".join(_slide_text(slide) for slide in deck.slides),
    }
    expected = "export.briefing.no_issues_raised" if raised == 0 else "export.briefing.no_open_issues"
    other = ({"export.briefing.no_issues_raised", "export.briefing.no_open_issues"} - {expected}).pop()
    assert open_now == 0, (units, start, end)  # the cases chosen have nothing open
    # the all-clear names its day as the page's lists do (截至2020年12月31日), not 截至期末
    day = summary.date_text(view.as_of, lang)
    for name, text in texts.items():
        assert i18n.t(expected, lang, as_of=day) in text, name
        assert i18n.t(other, lang, as_of=day) not in text, name


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_cover_and_the_slides_foot_say_scope_and_data_date_in_the_pages_words(connection, lang):
    """The cover said 监督范围：… and 数据截至：2020年12月31日 where the page's caption said 数据范围：… and
    数据截至2020年12月31日: a leader reading both aloud read two labels for one thing. One wording, one key each
    (``export.briefing.scope``, ``export.data_as_of``), on the cover, a slide's foot and the page's caption."""
    span = queries.data_span(connection)
    one = span.resolve(Filter(("research",), Quarter(2020, 3), Quarter(2020, 3)))
    report = briefing.collect_report(_run(connection), one, lang, specs=())
    expected = {
        "zh": ["监督范围：省政府研究室", "统计期间：2020年第3季度", "数据截至2020年12月31日"],
        "en": ["Scope: Research Office of the Provincial Government", "Period: 2020 Q3", "Data as of 31 December 2020"],
    }[lang]
    assert report.meta_lines() == expected
    assert report.footer_lines() == [
        {
            "zh": "驻省政府办公厅纪检监察组 · 2020年第3季度 · 数据截至2020年12月31日",
            "en": f"{report.team} · 2020 Q3 · data as of 31 December 2020",
        }[lang],
        expected[0],
    ]
    caption = i18n.t(
        "app.caption",
        lang,
        scope_line=i18n.t("export.briefing.scope", lang, scope=report.context.scope()),
        period=report.context.period(),
        data_as_of=i18n.t(
            "export.data_as_of", lang, data_date="31 December 2020" if lang == "en" else "2020年12月31日"
        ),
    )
    assert caption.startswith(expected[0]) and caption.lower().endswith(expected[2].lower())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_slide_of_a_pack_of_some_units_names_them_at_its_foot(connection, lang):
    """A slide shown on its own said 本期会议46次 under the team's name, as if of the whole team: only the cover
    named the two units. Every slide but the cover names them; a list too long for the line says how many."""
    span = queries.data_span(connection)
    two = span.resolve(Filter(("gov_office", "research"), Quarter(2020, 1), Quarter(2020, 4)))
    report = briefing.collect_report(_run(connection), two, lang, specs=())
    names = {
        "zh": "监督范围：省政府办公厅、省政府研究室",
        "en": "Scope: General Office of the Provincial Government, ",
    }[lang]
    assert report.footer_lines()[0] == report.footer() and report.footer_lines()[1].startswith(names)
    deck = Presentation(io.BytesIO(briefing.pptx_bytes(report)))
    for number, slide in enumerate(deck.slides):
        texts = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
        assert texts.count("\n".join(report.footer_lines())) == (0 if number == 0 else 1), number
    every = span.resolve(Filter(tuple(span.unit_ids), Quarter(2020, 1), Quarter(2020, 4)))
    many = briefing.collect_report(_run(connection), every, lang, specs=())
    assert (
        many.footer_lines()[1]
        == {"zh": "监督范围：所选9家单位（名单见封面）", "en": "Scope: 9 selected units (named on the cover)"}[lang]
    )
    whole = briefing.collect_report(
        _run(connection), span.resolve(Filter((), Quarter(2020, 1), Quarter(2020, 4))), lang, []
    )
    assert whole.footer_lines() == [whole.footer()]  # all units: the team's figures, as the foot always said


def test_the_summary_says_this_year_only_of_the_year_under_way(monkeypatch):
    """A 2020 report made in 2026 opened with 今年以来 (since the start of this year): that is the year under way's
    opening, as the source article writes in its own year; another whole year is named."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from oversight import config

    whole_2020 = Filter((), Quarter(2020, 1), Quarter(2020, 4))
    assert summary.opening(whole_2020, "zh") == "2020年，" and summary.opening(whole_2020, "en") == "In 2020, "
    monkeypatch.setattr(config, "team_now", lambda: datetime(2020, 11, 30, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    assert summary.opening(whole_2020, "zh") == "今年以来，" and summary.opening(whole_2020, "en") == "So far in 2020, "


def test_this_years_summary_names_the_data_date_where_the_data_stop_before_today(monkeypatch):
    """今年以来 says "since the start of the year, to now": read out on 30 November over ledgers last imported with
    14 August's records, 今年以来，指出问题11个 claimed the three months since, where a 2020 report made in 2021 says
    2020年（截至8月14日）. The year under way names its data date wherever it is before today; to today, it need not."""
    from datetime import datetime

    from oversight import config

    cut = Filter((), Quarter(2020, 1), Quarter(2020, 4), cutoff=date(2020, 8, 14))
    monkeypatch.setattr(config, "team_now", lambda: datetime(2020, 11, 30, 9, 0, tzinfo=config.TEAM_TIME_ZONE))
    assert summary.opening(cut, "zh") == "今年以来（截至8月14日），"
    assert summary.opening(cut, "en") == "So far in 2020 (to 14 August), "
    # data to today (imported this morning): 今年以来 is to the day already
    monkeypatch.setattr(config, "team_now", lambda: datetime(2020, 8, 14, 9, 0, tzinfo=config.TEAM_TIME_ZONE))
    assert summary.opening(cut, "zh") == "今年以来，" and summary.opening(cut, "en") == "So far in 2020, "
    # at 00:30 on 15 August in Beijing (16:30 on the 14th in UTC) the data stop before the team's today
    monkeypatch.setattr(
        config,
        "team_now",
        lambda: datetime(2020, 8, 14, 16, 30, tzinfo=ZoneInfo("UTC")).astimezone(config.TEAM_TIME_ZONE),
    )
    assert summary.opening(cut, "zh") == "今年以来（截至8月14日），"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_empty_issue_list_has_its_slide_that_says_so(connection, lang):
    """A deck with no open or no overdue issue left the list's slide out, where the Word and PDF reports say there
    are none: presented from the slides, the list read as forgotten. Each list keeps its slide, without a table,
    saying what the documents say; a list with issues keeps its table. 省信访局 in 2020 Q4: no issue raised in the
    period, one overdue (recomputed from the spreadsheets)."""
    view = oracle.View(
        oracle.read_ledgers(Path(__file__).resolve().parent.parent / "data"), ("petitions",), (2020, 4), (2020, 4)
    )
    assert view.issues.empty
    span = queries.data_span(connection)
    report = briefing.collect_report(
        _run(connection), span.resolve(Filter(("petitions",), Quarter(2020, 4), Quarter(2020, 4))), lang, specs=()
    )
    deck = Presentation(io.BytesIO(briefing.pptx_bytes(report)))
    by_title = {slide.shapes.title.text: slide for slide in deck.slides}
    open_slide = by_title[i18n.t("export.report.open_slide_title", lang, page=1, pages=1, count=1)]
    assert not any(shape.has_table for shape in open_slide.shapes)
    assert i18n.t("export.briefing.no_issues_raised", lang) in _slide_text(open_slide)
    overdue_slide = by_title[i18n.t("export.report.overdue_slide_title", lang, page=1, pages=1, count=1)]
    table = next(shape.table for shape in overdue_slide.shapes if shape.has_table)
    assert len(table.rows) == 1 + len(report.overdue_issues) == 2
    # the page's sentence for an empty overdue list, its unit and day as the page writes them
    none_overdue = i18n.t(
        "empty.no_overdue",
        lang,
        scope={"zh": "省信访局", "en": "the Petitions Bureau"}[lang],
        any_scope={"zh": "省信访局", "en": "the Petitions Bureau"}[lang],
        as_of={"zh": "2020年12月31日", "en": "31 December 2020"}[lang],
    )
    assert none_overdue not in _slide_text(overdue_slide)
    # and a period with nothing overdue says so on its slide
    quiet = dataclasses.replace(report, overdue_issues=report.overdue_issues.iloc[:0])
    deck = Presentation(io.BytesIO(briefing.pptx_bytes(quiet)))
    slide = next(s for s in deck.slides if s.shapes.title.text == overdue_slide.shapes.title.text)
    assert not any(shape.has_table for shape in slide.shapes)
    assert none_overdue in _slide_text(slide)


def test_a_fallback_print_killed_at_its_timeout_leaves_no_empty_socket_folder(monkeypatch, tmp_path):
    """A Chromium killed before it linked its single-instance folder from its profile leaves that folder empty and
    nameless: the fallback print's clean-up finds it by its age, as the image server's does."""
    import os
    import subprocess
    import tempfile
    import time

    from oversight.briefing import pdf_print

    temp = tmp_path / "temp"
    temp.mkdir()
    browser = tmp_path / "chromium"
    browser.write_text(f'#!/bin/sh\nmkdir "{temp}/org.chromium.Chromium.fake"\nexec sleep 30\n', encoding="utf-8")
    browser.chmod(0o755)
    older = temp / "org.chromium.Chromium.older"
    older.mkdir()
    os.utime(older, (time.time() - 60, time.time() - 60))  # another browser's, made before this print
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.setattr(pdf_print, "PRINT_TIMEOUT_SECONDS", 1)
    source = tmp_path / "page.html"
    source.write_text("<p>x</p>", encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    with pytest.raises(subprocess.TimeoutExpired):
        pdf_print._print_with_cli(source, work, str(browser))
    assert sorted(path.name for path in temp.iterdir()) == ["org.chromium.Chromium.older"]


def test_the_slides_keep_the_pages_order_where_the_report_does_not(pack):
    """The Word report and the PDF may place a group's charts in another order, two to an A4 page (``page_fill``);
    the slides and the ZIP keep the page's order, where a presenter looks for a chart from one quarter to the next,
    and the PDF's pictures go to their own captions in the printed order."""
    lang, built, _ = pack
    report = built.report
    assert [section.spec.key for section in report.sections] == [spec.key for spec in SPECS]
    assert sorted(report.print_order) == list(range(CHARTS))
    printed = [section.title for section in report.printed_sections]
    assert printed != [section.title for section in report.sections]  # the sample's full pack does move charts
    captions = [
        paragraph.text
        for paragraph in Document(io.BytesIO(built.files["docx"])).paragraphs
        if paragraph.style.name == "Caption"
    ]
    assert captions == [
        report.t("export.briefing.figure_caption", number=number, title=title)
        for number, title in enumerate(printed, start=1)
    ]
    stems = [name.rsplit(".", 1)[0] for name in zipfile.ZipFile(io.BytesIO(built.files["zip"])).namelist()]
    assert list(dict.fromkeys(stem for stem in stems if stem in {s.file_stem for s in report.sections})) == [
        section.file_stem for section in report.sections
    ]
