"""Per-chart exports: images that look like the screen, data that opens in Excel safely, names that say what they are."""

from __future__ import annotations

import io
import re
from datetime import date

import openpyxl
import pandas as pd
import pytest
from PIL import Image

from oversight import charts
from oversight.charts import catalog
from oversight.core import i18n
from oversight.data import queries
from oversight.data.filters import Filter, Quarter
from oversight.export import card_downloads, data_files, names, rendering
from oversight.export.names import ExportContext, safe_file_name
from oversight.present import summary
from tests import oracle

BY_UNIT = charts.OVERVIEW_CHARTS[0]
RED = (0xB3, 0x26, 0x1E)
FORMULAS = ["=1+1", "+SUM(A1:A2)", "-2+3", "@cmd", "\tTAB", "\rCR"]


@pytest.fixture(scope="module")
def units(connection):
    return queries.run(connection, "units")


def _context(lang, filter_, units, span) -> ExportContext:
    return ExportContext.build(lang, filter_, units, span.last_day)


@pytest.fixture(scope="module")
def by_unit_frame(connection, default_filter):
    return queries.run(connection, BY_UNIT.query, default_filter)


@pytest.fixture(scope="module")
def zh_png(by_unit_frame, default_filter, units, span):
    figure = BY_UNIT.build(by_unit_frame, "zh")
    return rendering.figure_png(
        card_downloads.with_subtitle(figure, _context("zh", default_filter, units, span).subtitle())
    )


def _pixels(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("RGB")


def test_png_is_a_2x_slide_in_the_templates_colours(zh_png):
    image = _pixels(zh_png)
    assert image.size == (2 * 1280, 2 * 720)
    colours = image.getcolors(maxcolors=1 << 20)
    assert len(colours) > 50, "a monochrome image: the figure lost its template"
    counts = {colour: n for n, colour in colours}
    # The issue bars are the template's red, not the black of streamlit's placeholder template.
    assert counts.get(RED, 0) > 50_000
    assert counts.get((0, 0, 0), 0) < 1_000


def test_subtitle_is_added_to_a_copy_only(by_unit_frame):
    figure = BY_UNIT.build(by_unit_frame, "zh")
    exported = card_downloads.with_subtitle(figure, "全部9家综合监督单位 · 2020年")
    assert exported.layout.title.subtitle.text == "全部9家综合监督单位 · 2020年"
    assert figure.layout.title.subtitle.text is None
    assert exported.layout.margin.t > (figure.layout.margin.t or charts.TEMPLATE.layout.margin.t)
    assert exported.layout.template == figure.layout.template  # same colours and fonts as the screen


@pytest.mark.parametrize(
    ("lang", "key", "whole"),
    [
        ("zh", "meeting_shares_by_quarter", "议题提前报送审核、纪检监察组列席、合并召开占比"),
        ("zh", "meeting_duration_by_quarter", "各季度平均会议时长（与上年同期对比）"),
        ("en", "activities_by_unit", "Consultations, special study sessions, notifications, secondments by unit"),
        ("en", "meetings_by_quarter", "Meetings per quarter vs a year earlier"),
    ],
)
def test_an_exported_image_has_the_whole_title_on_one_line_not_the_phones_lines(
    connection, default_filter, lang, key, whole
):
    spec = next(spec for spec in catalog.all_charts() if spec.key == key)
    figure = spec.build(queries.run(connection, spec.query, default_filter), lang)
    assert "<br>" in figure.layout.title.text  # on screen, broken for a phone's card
    exported = card_downloads.with_subtitle(figure, "全部9家综合监督单位 · 2020年")
    assert exported.layout.title.text == whole
    # the room the phone's extra title lines took above the plot is given back, the subtitle's line added
    lines = figure.layout.title.text.count("<br>")
    assert exported.layout.margin.t == figure.layout.margin.t - 24 * lines + 30
    # its first line where a one-line title's is, level with every other picture's title
    one_line = catalog.OVERVIEW_CHARTS[0].build(
        queries.run(connection, catalog.OVERVIEW_CHARTS[0].query, default_filter), lang
    )
    assert "<br>" not in one_line.layout.title.text
    below_top = (1 - exported.layout.title.y) * exported.layout.height
    assert below_top == pytest.approx((1 - one_line.layout.title.y) * one_line.layout.height) == 12
    assert "<br>" in figure.layout.title.text  # the screen's figure is untouched


def test_svg_carries_the_chinese_title_and_subtitle(by_unit_frame, default_filter, units, span):
    context = _context("zh", default_filter, units, span)
    svg = rendering.figure_svg(
        card_downloads.with_subtitle(BY_UNIT.build(by_unit_frame, "zh"), context.subtitle())
    ).decode("utf-8")
    assert svg.lstrip().startswith("<svg")
    assert "各单位指出问题与意见建议" in svg
    assert "全部9家综合监督单位" in svg and "数据截至2020年12月31日" in svg


@pytest.mark.parametrize(
    "lang, expected",
    [
        ("zh", "全部9家综合监督单位 · 2020年第4季度 · 各项数据截至所选日期2020年11月20日"),
        ("en", "All 9 units under supervision · 2020 Q4 · every figure as of the chosen day, 20 November 2020"),
    ],
)
def test_a_picture_of_a_links_day_says_that_day_as_the_page_does(units, span, lang, expected):
    """At a link's day (``?from=2020Q4&to=2020Q4&day=2020-11-20``, README's URL parameters) the page says
    各项数据截至所选日期2020年11月20日; the picture's subtitle said 2020年第4季度（截至11月20日） · 数据截至2020年12月31日,
    two days, and nothing under the picture said the figures stop at the first. It names the one day, in the page's
    words; the data date goes where no day was chosen (a day after it is the data date's view)."""
    at_day = span.resolve(Filter((), Quarter(2020, 4), Quarter(2020, 4), day=date(2020, 11, 20)))
    context = _context(lang, at_day, units, span)
    assert context.subtitle() == expected
    said = "各项数据截至所选日期2020年11月20日" if lang == "zh" else "as of the chosen day, 20 November 2020"
    assert said in summary.to_date_note(at_day, lang, compared=True)  # the page's words under its caption
    whole = _context(lang, span.resolve(Filter((), Quarter(2020, 4), Quarter(2020, 4))), units, span)
    assert whole.subtitle().endswith("数据截至2020年12月31日" if lang == "zh" else "data as of 31 December 2020")


@pytest.mark.parametrize(
    "lang, unit, issues, suggestions",
    [
        ("zh", "单位", "指出问题（个）", "意见建议（条）"),
        ("en", "Unit", "Issues raised", "Suggestions"),
    ],
)
def test_csv_has_a_bom_and_round_trips(by_unit_frame, lang, unit, issues, suggestions):
    data = data_files.table_csv_bytes(data_files.chart_data_table(by_unit_frame, lang))
    assert data.startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    # in English the unit as the chart names it (its 英文简称), the full name last, as the pages' tables do
    assert list(table.columns) == [unit, issues, suggestions] + ([] if lang == "zh" else ["Unit (full name)"])
    assert table[issues].sum() == 16 and table[suggestions].sum() == 19
    assert len(table) == 9
    if lang == "zh":
        assert "省政府办公厅" in set(table[unit])
    else:
        office = table[table["Unit (full name)"] == "General Office of the Provincial Government"]
        assert list(office[unit]) == ["General Office"]


def test_quarter_and_code_columns_become_labels(connection, default_filter):
    meetings = data_files.chart_data_table(queries.run(connection, "meetings_by_quarter", default_filter), "zh")
    assert list(meetings["季度"]) == ["2020年第1季度", "2020年第2季度", "2020年第3季度", "2020年第4季度"]
    assert meetings["会议数量（次）"].sum() == 232
    categories = data_files.chart_data_table(queries.run(connection, "issues_by_category", default_filter), "en")
    assert "Decision procedure" in set(categories["Issue category"])


def _hostile_frame() -> pd.DataFrame:
    return pd.DataFrame({"name_zh": FORMULAS, "name_en": FORMULAS, "issues": [1, -2, 3, 4, 5, 6]})


def test_formulas_are_neutralised_in_csv():
    table = pd.read_csv(
        io.BytesIO(data_files.table_csv_bytes(data_files.chart_data_table(_hostile_frame(), "zh"))),
        encoding="utf-8-sig",
        keep_default_na=False,
    )
    assert list(table["单位"]) == ["'" + text for text in FORMULAS]
    assert list(table["指出问题（个）"]) == [1, -2, 3, 4, 5, 6]  # numbers, even negative ones, stay numbers


def test_formulas_are_text_in_xlsx():
    data = data_files.table_xlsx_bytes(data_files.chart_data_table(_hostile_frame(), "en"), "=evil[sheet]")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [cell.data_type for cell in cells] == ["s"] * len(FORMULAS)
    # openpyxl leaves the file's escape for a carriage return (_x000D_) as it is; Excel shows the CR.
    # as the text is, with Excel's hidden quote prefix: shown without an apostrophe, kept as text when edited
    assert [cell.value.replace("_x000D_", "\r") for cell in cells] == list(FORMULAS)
    assert all(cell.quotePrefix for cell in cells)
    assert [row[1].value for row in sheet.iter_rows(min_row=2)] == [1, -2, 3, 4, 5, 6]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert sheet.title == "=evilsheet"


def test_file_names_say_chart_and_filter(default_filter, units, span):
    zh, en = (_context(lang, default_filter, units, span) for lang in ("zh", "en"))
    assert zh.chart_file_name(BY_UNIT.key, BY_UNIT.title("zh"), "png") == "问题与意见建议_按单位_2020Q1-2020Q4.png"
    assert en.chart_file_name(BY_UNIT.key, BY_UNIT.title("en"), "png") == "issues_suggestions_by_unit_2020Q1-2020Q4.png"
    one_unit = _context("zh", Filter(("petitions",), Quarter(2020, 3), Quarter(2020, 3)), units, span)
    assert one_unit.chart_file_name("issues_by_category", "x", "csv") == "问题数量_按类别_省信访局_2020Q3.csv"
    three = _context(
        "en", Filter(("petitions", "research", "chronicles"), Quarter(2020, 1), Quarter(2020, 2)), units, span
    )
    assert three.chart_file_stem("meetings_by_quarter", "x") == "meetings_by_quarter_3_units_2020Q1-2020Q2"
    # A chart without its own short name is named after its title.
    assert zh.chart_file_stem("not_in_catalog", "新图表 / 试验") == "新图表_试验_2020Q1-2020Q4"
    # data that stop on 14 August: the file says so (a table without quarters said it nowhere)
    cut = Filter((), Quarter(2020, 1), Quarter(2020, 4), cutoff=date(2020, 8, 14))
    assert _context("zh", cut, units, span).file_stem("精简会议排名") == "精简会议排名_2020Q1-2020Q4_截至20200814"
    assert _context("en", cut, units, span).file_stem("ranking") == "ranking_2020Q1-2020Q4_to_20200814"
    # a cut-off after the range changes nothing
    late = Filter((), Quarter(2020, 1), Quarter(2020, 2), cutoff=date(2020, 8, 14))
    assert _context("zh", late, units, span).file_stem("排名") == "排名_2020Q1-2020Q2"


def test_safe_file_name_strips_what_windows_forbids():
    assert safe_file_name('a\\b/c:d*e?f"g<h>i|j') == "abcdefghij"
    assert safe_file_name("  报告 2020 . ") == "报告_2020"
    assert safe_file_name("CON") == "CON_"
    assert safe_file_name("???") == "export"
    assert len(safe_file_name("长" * 500)) <= 120
    # Linux takes 255 bytes a name: 120 Chinese characters were 360 (ENAMETOOLONG); 200 leave room for the suffixes
    assert safe_file_name("长" * 500) == "长" * 66 and len(("长" * 66).encode()) == 198
    assert safe_file_name("a" * 500) == "a" * 120
    # the tail (the quarters) is kept whole, the stem cut before it, never half a character
    assert safe_file_name("长" * 500, tail="2020Q1-2020Q4") == "长" * 62 + "_2020Q1-2020Q4"
    assert safe_file_name("简报 ", tail="2020Q4") == "简报_2020Q4"
    assert safe_file_name("???", tail="2020Q4") == "2020Q4"


def test_a_long_unit_name_keeps_the_file_name_writable_and_its_quarters(units, span, tmp_path):
    """A unit's 150-character name cut the name at 120 characters: 360 bytes, and the quarters cut off."""
    long_name = "省" * 150
    named = units.assign(name_zh=long_name).head(1)
    cut = Filter((named["unit_id"].iloc[0],), Quarter(2020, 1), Quarter(2020, 4), cutoff=date(2020, 8, 14))
    stem = _context("zh", cut, named, span).file_stem("派驻监督工作简报")
    assert stem == "派驻监督工作简报_" + "省" * 48 + "_2020Q1-2020Q4_截至20200814"
    assert len(stem.encode()) <= 200
    (tmp_path / f"{stem}.pptx").write_bytes(b"x")  # a name the file system takes


def test_the_modebar_has_no_camera_past_the_marking_and_the_audit():
    config = names.plotly_config("zh")
    assert (
        config["modeBarButtonsToRemove"] == ["toImage", "sendChartToCloud", "select2d", "lasso2d"]
        and "toImageButtonOptions" not in config
    )


@pytest.mark.parametrize(("lang", "reset"), [("zh", "还原坐标轴"), ("en", "Reset axes")])
def test_the_modebar_and_plotlys_notes_speak_the_pages_language(lang, reset):
    """The Chinese page's modebar said "Zoom", "Pan", "Reset axes" (Plotly's English): its words are given to Plotly
    as a dictionary of the page's language, under a locale of the app's own name (numbers keep the layout's)."""
    config = names.plotly_config(lang)
    dictionary = config["locales"][config["locale"]]["dictionary"]
    assert dictionary["Reset axes"] == reset and set(dictionary) >= {"Zoom", "Pan", "Autoscale"}
    assert "format" not in config["locales"][config["locale"]]


def test_chart_downloads_cover_png_svg_csv_xlsx(by_unit_frame, default_filter, units, span):
    context = _context("en", default_filter, units, span)
    downloads = card_downloads.chart_downloads(BY_UNIT, by_unit_frame, BY_UNIT.build(by_unit_frame, "en"), context)
    assert [(d.kind, d.needs_browser) for d in downloads] == [
        ("png", True),
        ("svg", True),
        ("csv", False),
        ("xlsx", False),
    ]
    assert downloads[2].file_name == "issues_suggestions_by_unit_2020Q1-2020Q4.csv"
    assert downloads[0].make().startswith(b"\x89PNG")


@pytest.fixture
def no_browser(monkeypatch, tmp_path):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-such-chromium"))


def test_without_a_browser_images_explain_and_data_still_downloads(
    no_browser, by_unit_frame, default_filter, units, span
):
    assert rendering.find_browser() is None
    context = _context("zh", default_filter, units, span)
    downloads = {
        d.kind: d
        for d in card_downloads.chart_downloads(BY_UNIT, by_unit_frame, BY_UNIT.build(by_unit_frame, "zh"), context)
    }
    with pytest.raises(rendering.ImageRendererMissing) as raised:
        downloads["png"].make()
    for lang in ("zh", "en"):
        assert "apt-get install chromium fonts-noto-cjk" in raised.value.message(lang)
        assert "make run" in raised.value.message(lang)
    assert "CSV" in raised.value.message("zh")
    with pytest.raises(rendering.ImageRendererMissing):
        downloads["svg"].make()
    assert downloads["csv"].make().startswith(b"\xef\xbb\xbf")
    assert downloads["xlsx"].make().startswith(b"PK")


def test_the_error_message_is_translated():
    assert i18n.t("export.error.no_browser", "zh") != i18n.t("export.error.no_browser", "en")


# ---------------------------------------------------------------- every chart's data and file name

_CODES = {
    "open",
    "in_progress",
    "rectified",
    "proposed",
    "adopted",
    "implemented",
    "written",
    "in_person",
    "meeting",
    "consultation",
    "special_study",
    "notification",
    "secondment",
    "linked",
    "standalone",
    "conduct",
    "integrity",
    "decision_procedure",
    "democratic_centralism",
    "meeting_discipline",
    "primary_responsibility",
    "daily",
    "attended_meeting",
    "other",
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_charts_data_has_labels_and_translated_headers(connection, default_filter, lang):
    from oversight.charts import catalog

    headers = {text for key, text in i18n.catalog(lang).items() if key.startswith("export.column.")}
    for spec in catalog.all_charts():
        table = data_files.chart_data_table(queries.run(connection, spec.query, default_filter), lang, spec.key)
        assert set(table.columns) <= headers, f"{spec.key}: untranslated headers {set(table.columns) - headers}"
        assert len(set(table.columns)) == len(table.columns), f"{spec.key}: two columns share a header"
        cells = {value for column in table.columns if table[column].dtype == object for value in table[column]}
        assert not cells & _CODES, f"{spec.key}: codes instead of labels: {cells & _CODES}"
        assert "ordinal" not in table.columns and "unit_id" not in table.columns


def test_suggestion_columns_are_named_as_suggestions(connection, default_filter):
    run = lambda name: queries.run(connection, name, default_filter)  # noqa: E731
    status = data_files.chart_data_table(run("suggestions_by_status"), "zh", "suggestions_by_status")
    assert list(status.columns) == ["意见建议采纳状态", "意见建议（条）", "占比（%）"]  # the donut's shares beside
    assert list(status["意见建议采纳状态"]) == ["已提出", "已采纳", "已落实"]
    category = data_files.chart_data_table(run("suggestions_by_category"), "zh", "suggestions_by_category")
    assert list(category.columns) == ["意见建议类别", "意见建议（条）"]
    reminders = data_files.chart_data_table(run("reminders_by_quarter_form"), "zh", "reminders_by_quarter_form")
    assert list(reminders.columns)[:4] == ["季度", "书面提醒（次）", "面对面提醒（次）", "会议提醒（次）"]
    statuses = data_files.chart_data_table(run("issues_by_unit_status"), "en", "issues_by_unit_status")
    assert {"Rectified", "In progress"} <= set(statuses.columns)
    link = data_files.chart_data_table(run("suggestions_by_link"), "en", "suggestions_by_link")
    assert list(link.iloc[:, 0]) == ["Following an issue", "Stand-alone"]
    # 提出方式 is how a suggestion was raised: "Raised: Following an issue" read as a date column's header
    assert link.columns[0] == "How raised"


def test_heatmap_data_has_its_quarter(connection, default_filter, frames):
    frame = queries.run(connection, "meetings_by_unit_quarter", default_filter)
    table = data_files.chart_data_table(frame, "en", "meetings_by_unit_quarter")
    assert list(table.columns) == ["Unit", "Quarter", "Meetings", "Unit (full name)"]
    meetings = frames["meetings"]
    in_2020 = meetings[pd.to_datetime(meetings["date"]).dt.year == 2020]
    q3 = in_2020[pd.to_datetime(in_2020["date"]).dt.quarter == 3]
    expected = int((q3["unit"] == "research").sum())
    row = table[
        (table["Unit (full name)"] == "Research Office of the Provincial Government") & (table["Quarter"] == "2020 Q3")
    ]
    assert list(row["Meetings"]) == [expected]
    assert table["Meetings"].sum() == len(in_2020)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_chart_has_a_file_name_of_one_pattern(default_filter, units, span, lang):
    from oversight.charts import catalog

    context = _context(lang, Filter(("counsellors",), Quarter(2020, 1), Quarter(2020, 4)), units, span)
    pattern = r"^[0-9A-Za-z\u4e00-\u9fff]+(_[0-9A-Za-z\u4e00-\u9fff]+)*_2020Q1-2020Q4$"
    for spec in catalog.all_charts():
        assert f"export.file.{spec.key}" in i18n.catalog(lang), f"{spec.key} has no file name of its own"
        stem = context.chart_file_stem(spec.key, spec.title(lang))
        assert re.match(pattern, stem), stem
    assert context.chart_file_stem("reminders_by_unit", "") == (
        "日常提醒_按单位和方式_省政府参事室_2020Q1-2020Q4"
        if lang == "zh"
        else "reminders_by_unit_Counsellors_Office_2020Q1-2020Q4"  # the short name, as the charts name the unit
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_issue_list_has_one_set_of_headers_in_the_zip_the_screens_download_and_the_documents(
    connection, default_filter, units, lang
):
    """The pack's ZIP headed the overdue issues "Issue number", "Rectification status", "Days since raised" where the
    page's download of the same list said "Issue", "Status", "Age (days)". Every file of a list takes the headers of
    the list's columns (``tables.LIST_COLUMNS``), the documents' tables those of the columns they have room for."""
    import zipfile

    from oversight import briefing
    from oversight.briefing import report as report_module
    from oversight.export.data_files import table_csv_bytes
    from oversight.present import tables

    report = briefing.collect_report(briefing.as_query_runner(connection), default_filter, lang, [])
    with zipfile.ZipFile(io.BytesIO(briefing.charts_zip_bytes(report))) as archive:
        zipped = {name: archive.read(name) for name in archive.namelist()}
    documents = {"open_issues": report_module.open_issue_rows, "overdue_issues": report_module.overdue_issue_rows}
    for query, rows_of in documents.items():
        frame = queries.run(connection, query, default_filter)
        # the page's table and its CSV, as pages/02_issues.py makes them: the list's columns, the units sheet's names
        screen = tables.present(frame, tables.LIST_COLUMNS[query], lang, units)
        stem = report.context.file_stem(i18n.t(f"export.file.{query}", lang))
        csv = zipped[f"{stem}.csv"]
        assert csv.decode("utf-8-sig").splitlines()[0] == table_csv_bytes(screen).decode("utf-8-sig").splitlines()[0]
        header = pd.read_csv(io.BytesIO(csv), encoding="utf-8-sig", nrows=0).columns
        assert list(header) == list(screen.columns)
        xlsx = openpyxl.load_workbook(io.BytesIO(zipped[f"{stem}.xlsx"]), read_only=True).worksheets[0]
        assert tuple(screen.columns) in [
            tuple(c for c in row if c is not None) for row in xlsx.iter_rows(values_only=True)
        ]
        expected = [i18n.t(column.header_key, lang) for column in tables.LIST_COLUMNS[query]]
        if lang == "en":  # the short name under Unit, the full name last, as the page's English tables have them
            expected.append(i18n.t("column.unit_full_name", lang))
        assert list(header) == expected
        labels = set(screen[i18n.t("column.status", lang)])
        assert labels and not {"open", "in_progress", "rectified"} & labels  # labels, not codes
        # the documents' tables: some of the same columns, under the same headers
        document_header, _, _ = rows_of(report)
        assert document_header[0] == i18n.t("export.briefing.row_number", lang)
        assert set(document_header[1:]) < set(expected), document_header
    assert {"zh": "问题编号", "en": "Issue no."}[lang] in header and {"zh": "整改状态", "en": "Rectification status"}[
        lang
    ] in header


def _donuts(connection, default_filter):
    """The catalogue's donuts, found by their figures (a pie), not by a list of keys a new donut would be missing from."""
    found = []
    for spec in catalog.all_charts():
        frame = queries.run(connection, spec.query, default_filter)
        if any(trace.type == "pie" for trace in spec.build(frame, "zh").data):
            found.append(spec)
    return found


def test_the_donuts_are_the_charts_whose_slices_are_shares(connection, default_filter):
    """A donut's data file gives its shares by ``ChartSpec.slices_of``: a donut added without it had counts only."""
    donuts = _donuts(connection, default_filter)
    assert {spec.key for spec in donuts} >= {"reminders_by_form", "suggestions_by_status", "suggestions_by_link"}
    assert {spec.key for spec in donuts} == {spec.key for spec in catalog.all_charts() if spec.slices_of}


@pytest.mark.parametrize("key", [spec.key for spec in catalog.all_charts() if spec.slices_of])
def test_a_donuts_data_carries_the_shares_its_slices_show(connection, default_filter, frames, key):
    """The README promises shares beside the counts they come from; the donuts' CSVs had the counts only."""
    spec = next(s for s in catalog.all_charts() if s.key == key)
    frame = queries.run(connection, spec.query, default_filter)
    table = data_files.chart_data_table(frame, "zh", key)
    assert table.columns[-1] == "占比（%）"
    counts = table.iloc[:, 1]
    # recomputed from the counts as a person would: each over their total, half up to one place
    expected = [float(oracle.half_up(c / counts.sum() * 100, 1)) for c in counts]
    assert list(table["占比（%）"]) == expected and abs(sum(expected) - 100) < 0.2
    # and the same numbers the slices' legend shows
    figure = spec.build(frame, "zh")
    legend = " ".join(trace.name or "" for trace in figure.data) + " ".join(map(str, figure.data[0].labels or ()))
    assert all(f"{share}%" in legend for share, count in zip(expected, counts) if count)


def test_a_sheet_name_too_long_for_excel_is_cut_at_a_word():
    """ "Meetings per quarter vs a year " and "Units ranked by meeting reducti": cut mid-word at Excel's 31."""
    import openpyxl

    for title, expected in (
        ("Meetings per quarter vs a year earlier", "Meetings per quarter vs a year…"),
        ("Units ranked by meeting reduction against a year earlier", "Units ranked by meeting…"),
        ("Consultations, special studies, notifications and secondments by unit", "Consultations, special…"),
        ("各季度会议数量（与上年同期对比）", "各季度会议数量（与上年同期对比）"),
    ):
        data = data_files.table_xlsx_bytes(pd.DataFrame({"a": [1]}), title)
        name = openpyxl.load_workbook(io.BytesIO(data)).sheetnames[0]
        assert name == expected and len(name) <= 31, (title, name)


def test_a_units_figures_beside_the_average_are_written_as_its_cards_give_them():
    """The unit's counts read 2.0, 32.0 in the file where its cards say 2个 and 32次."""
    from oversight.export.data_files import unit_vs_average_table

    frame = pd.DataFrame({"measure": ["issues", "meetings"], "unit": [2, 32], "average": [1.78, 25.8]})
    table = unit_vs_average_table(frame, "zh", "省信访局")
    assert list(table["省信访局"]) == [2, 32] and list(table.iloc[:, 2]) == [1.8, 25.8]


def test_a_long_subtitle_takes_lines_and_the_marking_keeps_clear_of_a_legend_below(connection):
    """Four units' English names ran the subtitle off the picture (… 2020 Q1 to 2020 (, no data date), and on units
    side by side, whose legend sits under the quarters, the marking was drawn over the first unit's name."""
    from oversight.charts.style import label_width
    from oversight.export.marking import Marking
    from oversight.present import compare

    year = Filter((), Quarter(2020, 1), Quarter(2020, 4))
    units = queries.run(connection, "units", year)
    ids = ["gov_office", "research", "petitions", "data_admin"]
    trends = compare.trends_side_by_side(
        lambda unit: queries.run(connection, "trends_by_quarter", Filter((unit,), year.start, year.end)), ids, units
    )
    figure = catalog.make_compared_trends_figure(trends, "en")
    names = ", ".join(units.set_index("unit_id").loc[ids, "name_en"])
    subtitle = f"Stationed Team • {names} • 2020 Q1 to 2020 Q4 • data as of 31 December 2020"
    marked = card_downloads.with_subtitle(figure, subtitle, Marking("Internal — handle with care"))
    lines = marked.layout.title.subtitle.text.split("<br>")
    assert len(lines) > 1 and " ".join(lines) == subtitle  # every word kept, on lines the picture holds
    assert all(label_width(line, 13) <= rendering.export_size(figure)[0] - 80 for line in lines)
    one_line = card_downloads.with_subtitle(figure, "Stationed Team", Marking("Internal — handle with care"))
    assert marked.layout.margin.t == one_line.layout.margin.t + 18 * (len(lines) - 1)  # room for each further line
    # the marking has a line of its own under the legend: the bottom margin grew by it
    assert marked.layout.margin.b == figure.layout.margin.b + 24
    (label,) = [note for note in marked.layout.annotations if note.text == "Internal — handle with care"]
    assert label.yanchor == "bottom" and label.y < figure.layout.legend.y


def test_english_list_headers_say_what_their_column_holds_on_screen_and_in_its_files(connection, default_filter, units):
    """Session 36 (w2): the English lists were headed "Raised", "Made", "Due", "Issue", "Kind", "Age (days)" and
    "A year earlier": an editor asked raised what, made when, which issue. Each header now names its column as a
    leader reads it aloud, and the CSV and Excel of a list carry the screen's headers."""
    from oversight.export.data_files import table_csv_bytes, table_xlsx_bytes
    from oversight.present import tables

    expected = {
        tables.ISSUE_COLUMNS: [
            "Issue no.",
            "Rectification status",
            "Unit",
            "Rectification deadline",
            "Rectified on",
            "Days to rectify",
            "Date raised",
            "Category",
            "Source",
            "Description",
        ],
        tables.UNRESOLVED_COLUMNS: [
            "Issue no.",
            "Rectification status",
            "Overdue",
            "Rectification deadline",
            "Days open",
            "Date raised",
            "Category",
            "Description",
        ],
        tables.SUGGESTION_COLUMNS: [
            "Suggestion no.",
            "Adoption status",
            "Unit",
            "Date made",
            "Category",
            "Suggestion",
            "Linked issue no.",
            "Linked issue description",
        ],
        tables.MEETING_COLUMNS: [
            "Meeting date",
            "Meeting no.",
            "Meeting type",
            "Length (min)",
            "Agenda items",
            "Agendas reviewed in advance",
            "Attended by the team",
            "Merged meeting",
        ],
        tables.MEETING_REDUCTION_COLUMNS: [
            "Unit",
            "Change in meetings (%)",
            "Change in meetings",
            "Meetings",
            "Meetings a year earlier",
            "Average length (min)",
            "Average length a year earlier (min)",
            "Merged meetings",
            "Agendas reviewed in advance",
        ],
    }
    for columns, headers in expected.items():
        assert [i18n.t(column.header_key, "en") for column in columns] == headers
    # a list as the page shows it, and its two files
    frame = queries.run(connection, "open_issues", default_filter)
    screen = tables.present(frame, tables.OPEN_ISSUE_COLUMNS, "en", units)
    assert "Date raised" in screen.columns and "Rectification deadline" in screen.columns
    csv_header = pd.read_csv(io.BytesIO(table_csv_bytes(screen)), encoding="utf-8-sig", nrows=0).columns
    assert list(csv_header) == list(screen.columns)
    sheet = openpyxl.load_workbook(io.BytesIO(table_xlsx_bytes(screen, "Open issues")), read_only=True).worksheets[0]
    assert tuple(screen.columns) in [
        tuple(c for c in row if c is not None) for row in sheet.iter_rows(values_only=True)
    ]
