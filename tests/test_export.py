"""Per-chart exports: images that look like the screen, data that opens in Excel safely, names that say what they are."""
from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest
from PIL import Image

from oversight import charts, export, i18n, queries
from oversight.export_names import ExportContext, safe_file_name
from oversight.filters import Filter, Quarter

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
    return export.figure_png(export.with_subtitle(figure, _context("zh", default_filter, units, span).subtitle()))


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
    exported = export.with_subtitle(figure, "全部9家综合监督单位 · 2020年")
    assert exported.layout.title.subtitle.text == "全部9家综合监督单位 · 2020年"
    assert figure.layout.title.subtitle.text is None
    assert exported.layout.margin.t > (figure.layout.margin.t or charts.TEMPLATE.layout.margin.t)
    assert exported.layout.template == figure.layout.template  # same colours and fonts as the screen


def test_svg_carries_the_chinese_title_and_subtitle(by_unit_frame, default_filter, units, span):
    context = _context("zh", default_filter, units, span)
    svg = export.figure_svg(export.with_subtitle(BY_UNIT.build(by_unit_frame, "zh"), context.subtitle())).decode("utf-8")
    assert svg.lstrip().startswith("<svg")
    assert "各单位指出问题与意见建议" in svg
    assert "全部9家综合监督单位" in svg and "数据截至 2020-12-31" in svg


@pytest.mark.parametrize("lang, unit, issues, suggestions", [
    ("zh", "单位", "指出问题（个）", "意见建议（条）"),
    ("en", "Unit", "Issues raised", "Suggestions"),
])
def test_csv_has_a_bom_and_round_trips(by_unit_frame, lang, unit, issues, suggestions):
    data = export.table_csv_bytes(export.chart_data_table(by_unit_frame, lang))
    assert data.startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(table.columns) == [unit, issues, suggestions]
    assert table[issues].sum() == 16 and table[suggestions].sum() == 19
    assert len(table) == 9
    assert ("省政府办公厅" if lang == "zh" else "General Office of the Provincial Government") in set(table[unit])


def test_quarter_and_code_columns_become_labels(connection, default_filter):
    meetings = export.chart_data_table(queries.run(connection, "meetings_by_quarter", default_filter), "zh")
    assert list(meetings["季度"]) == ["2020Q1", "2020Q2", "2020Q3", "2020Q4"]
    assert meetings["会议数量（次）"].sum() == 232
    categories = export.chart_data_table(queries.run(connection, "issues_by_category", default_filter), "en")
    assert "Decision procedure" in set(categories["Category"])


def _hostile_frame() -> pd.DataFrame:
    return pd.DataFrame({"name_zh": FORMULAS, "name_en": FORMULAS, "issues": [1, -2, 3, 4, 5, 6]})


def test_formulas_are_neutralised_in_csv():
    table = pd.read_csv(io.BytesIO(export.table_csv_bytes(export.chart_data_table(_hostile_frame(), "zh"))),
                        encoding="utf-8-sig", keep_default_na=False)
    assert list(table["单位"]) == ["'" + text for text in FORMULAS]
    assert list(table["指出问题（个）"]) == [1, -2, 3, 4, 5, 6]  # numbers, even negative ones, stay numbers


def test_formulas_are_text_in_xlsx():
    data = export.table_xlsx_bytes(export.chart_data_table(_hostile_frame(), "en"), "=evil[sheet]")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [cell.data_type for cell in cells] == ["s"] * len(FORMULAS)
    # openpyxl leaves the file's escape for a carriage return (_x000D_) as it is; Excel shows the CR.
    assert [cell.value.replace("_x000D_", "\r") for cell in cells] == ["'" + text for text in FORMULAS]
    assert [row[1].value for row in sheet.iter_rows(min_row=2)] == [1, -2, 3, 4, 5, 6]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert sheet.title == "=evilsheet"


def test_file_names_say_chart_and_filter(default_filter, units, span):
    zh, en = (_context(lang, default_filter, units, span) for lang in ("zh", "en"))
    assert zh.chart_file_name(BY_UNIT.key, BY_UNIT.title("zh"), "png") == "问题与建议_按单位_2020Q1-2020Q4.png"
    assert en.chart_file_name(BY_UNIT.key, BY_UNIT.title("en"), "png") == "issues_suggestions_by_unit_2020Q1-2020Q4.png"
    one_unit = _context("zh", Filter(("petitions",), Quarter(2020, 3), Quarter(2020, 3)), units, span)
    assert one_unit.chart_file_name("issues_by_category", "x", "csv") == "问题数量_按类别_省信访局_2020Q3.csv"
    three = _context("en", Filter(("petitions", "research", "chronicles"), Quarter(2020, 1), Quarter(2020, 2)), units, span)
    assert three.chart_file_stem("meetings_by_quarter", "x") == "meetings_by_quarter_3_units_2020Q1-2020Q2"
    # A chart without its own short name is named after its title.
    assert zh.chart_file_stem("not_in_catalog", "新图表 / 试验") == "新图表_试验_2020Q1-2020Q4"


def test_safe_file_name_strips_what_windows_forbids():
    assert safe_file_name('a\\b/c:d*e?f"g<h>i|j') == "abcdefghij"
    assert safe_file_name("  报告 2020 . ") == "报告_2020"
    assert safe_file_name("CON") == "CON_"
    assert safe_file_name("???") == "export"
    assert len(safe_file_name("长" * 500)) <= 120


def test_modebar_download_uses_the_same_name_and_scale(by_unit_frame, default_filter, units, span):
    context = _context("zh", default_filter, units, span)
    config = export.chart_plotly_config(BY_UNIT, BY_UNIT.build(by_unit_frame, "zh"), context)
    options = config["toImageButtonOptions"]
    assert options == {"format": "png", "filename": "问题与建议_按单位_2020Q1-2020Q4", "scale": 2,
                       "width": 1280, "height": 720}


def test_chart_downloads_cover_png_svg_csv_xlsx(by_unit_frame, default_filter, units, span):
    context = _context("en", default_filter, units, span)
    downloads = export.chart_downloads(BY_UNIT, by_unit_frame, BY_UNIT.build(by_unit_frame, "en"), context)
    assert [(d.kind, d.needs_browser) for d in downloads] == [("png", True), ("svg", True), ("csv", False), ("xlsx", False)]
    assert downloads[2].file_name == "issues_suggestions_by_unit_2020Q1-2020Q4.csv"
    assert downloads[0].make().startswith(b"\x89PNG")


@pytest.fixture
def no_browser(monkeypatch, tmp_path):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-such-chromium"))


def test_without_a_browser_images_explain_and_data_still_downloads(no_browser, by_unit_frame, default_filter, units,
                                                                   span):
    assert export.find_browser() is None
    context = _context("zh", default_filter, units, span)
    downloads = {d.kind: d for d in export.chart_downloads(BY_UNIT, by_unit_frame, BY_UNIT.build(by_unit_frame, "zh"),
                                                           context)}
    with pytest.raises(export.ImageRendererMissing) as raised:
        downloads["png"].make()
    for lang in ("zh", "en"):
        assert "apt-get install chromium fonts-noto-cjk" in raised.value.message(lang)
        assert "make run" in raised.value.message(lang)
    assert "CSV" in raised.value.message("zh")
    with pytest.raises(export.ImageRendererMissing):
        downloads["svg"].make()
    assert downloads["csv"].make().startswith(b"\xef\xbb\xbf")
    assert downloads["xlsx"].make().startswith(b"PK")


def test_the_error_message_is_translated():
    assert i18n.t("export.error.no_browser", "zh") != i18n.t("export.error.no_browser", "en")
