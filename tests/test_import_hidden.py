"""Rows, columns and sheets a clerk hid (or filtered out) are imported, and the check says so by name.

The ledger is the record: a hidden row is still a row of it, so it is counted. But a clerk often hides the
rows they consider withdrawn, so the check names each hidden part (file, sheet, rows) for them to confirm
or delete, in the CLI's report, the plan's JSON and on the data page.
"""

from __future__ import annotations

import shutil

import openpyxl
import pytest

from oversight.data import store
from oversight.ingest import import_plan, import_report
from tests import legacy_xls
from tests.bad_files import HEADERS, meeting, write_bytes, write_xlsx


@pytest.fixture
def data_folder(tmp_path, monkeypatch):
    folder = shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data")
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(folder))
    return folder


def _meetings(count: int) -> list[list]:
    return [HEADERS["meetings"], *[meeting(f"HY2021-{n:04d}") for n in range(1, count + 1)]]


def _withdrawn(*ids: str) -> list[list]:
    return [HEADERS["meetings"], *[meeting(i) for i in ids]]


def _hide(path, sheet: str, rows=(), columns=(), sheet_hidden=False, autofilter=False):
    book = openpyxl.load_workbook(path)
    worksheet = book[sheet]
    for row in rows:
        worksheet.row_dimensions[row].hidden = True
    for letter in columns:
        worksheet.column_dimensions[letter].hidden = True
    if autofilter:
        worksheet.auto_filter.ref = worksheet.dimensions
    if sheet_hidden:
        worksheet.sheet_state = "hidden"
    book.save(path)
    return path


def test_hidden_rows_are_imported_and_named_by_file_sheet_and_row(data_folder, tmp_path):
    path = _hide(write_xlsx(tmp_path / "会议台账.xlsx", {"会议": _meetings(5)}), "会议", rows=(3, 5))
    plan = import_plan.plan_import(path, mode="append", folder=data_folder)
    assert plan.ok
    change = plan.changes["meetings"]
    assert change.rows_in_file == 5  # imported: the ledger is the record
    assert [(part.sheet, part.rows) for part in change.hidden] == [("会议", (3, 5))]
    zh = import_report.render_plan(plan, "zh")
    assert "会议台账.xlsx · 工作表“会议”：第3、5行是隐藏的行，其中2条记录照常导入并计入统计" in zh
    en = import_report.render_plan(plan, "en")
    assert (
        "会议台账.xlsx · sheet “会议”: rows 3, 5 are hidden; their 2 records are imported and counted all the same"
        in en
    )
    assert plan.as_dict()["tables"][0]["hidden"] == [
        {"sheet": "会议", "sheet_hidden": False, "rows": [3, 5], "filtered": False, "columns": []}
    ]


def test_a_long_list_of_hidden_rows_is_cut_and_says_how_many_more(data_folder, tmp_path):
    path = _hide(write_xlsx(tmp_path / "m.xlsx", {"会议": _meetings(40)}), "会议", rows=range(2, 42))
    plan = import_plan.plan_import(path, mode="append", folder=data_folder)
    zh = import_report.render_plan(plan, "zh")
    assert "：第2、3、4、5、6、7、8、9、10、11、12、13、14、15、16、17、18、19、20、21行等共40行是隐藏的行" in zh
    assert "其中40条记录照常导入并计入统计" in zh and "、22" not in zh
    en = import_report.render_plan(plan, "en")
    assert "rows 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21 and 20 more are hidden" in en


def test_rows_filtered_out_hidden_columns_and_a_hidden_sheet_are_each_named(data_folder, tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", {"会议": _meetings(3), "已撤销": _withdrawn("HY2021-0008", "HY2021-0009")})
    _hide(path, "会议", rows=(2,), columns=("J",), autofilter=True)
    _hide(path, "已撤销", sheet_hidden=True)
    plan = import_plan.plan_import(path, mode="append", folder=data_folder)
    assert plan.ok and plan.changes["meetings"].rows_in_file == 5
    zh = import_report.render_plan(plan, "zh")
    assert "m.xlsx · 工作表“会议”：第2行是隐藏或被筛选隐藏的行，其中1条记录照常导入并计入统计" in zh
    assert "m.xlsx · 工作表“会议”：J列“备注”是隐藏的列，其内容照常导入" in zh
    assert "m.xlsx · 工作表“已撤销”是隐藏的工作表，其中2条记录照常导入并计入统计" in zh
    en = import_report.render_plan(plan, "en")
    assert (
        "m.xlsx · sheet “会议”: row 2 is hidden or filtered out; its 1 record is imported and counted all the same"
        in en
    )
    assert "m.xlsx · sheet “会议”: column J “备注” is hidden; its values are imported all the same" in en
    assert "m.xlsx · sheet “已撤销” is a hidden sheet; its 2 records are imported and counted all the same" in en


def test_hidden_parts_that_hold_no_record_are_not_mentioned(data_folder, tmp_path):
    # a hidden blank row, a hidden column the table does not read, and the template's hidden list sheet
    rows = [HEADERS["meetings"], meeting("HY2021-0001"), [], meeting("HY2021-0002")]
    path = write_xlsx(tmp_path / "m.xlsx", {"会议": rows, "列表": [["办公会议"]]})
    _hide(path, "会议", rows=(3,), columns=("L",))
    _hide(path, "列表", sheet_hidden=True)
    plan = import_plan.plan_import(path, mode="append", folder=data_folder)
    assert plan.ok and plan.changes["meetings"].hidden == ()
    assert "隐藏" not in import_report.render_plan(plan, "zh")


def test_a_legacy_xls_reports_its_hidden_rows_and_sheet(data_folder, tmp_path):
    data = legacy_xls.xls_bytes(
        {"会议": _meetings(3), "旧": _withdrawn("HY2021-0009")}, hidden_rows={"会议": (2,)}, hidden_sheets=("旧",)
    )
    plan = import_plan.plan_import(write_bytes(tmp_path / "m.xls", data), mode="append", folder=data_folder)
    assert plan.ok, import_report.render_plan(plan, "en")
    assert [(part.sheet, part.sheet_hidden, part.rows) for part in plan.changes["meetings"].hidden] == [
        ("会议", False, (2,)),
        ("旧", True, ()),
    ]


def _sheet_xml(body: bytes, columns: bytes = b"") -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + columns
        + b"<sheetData>"
        + body
        + b"</sheetData></worksheet>"
    )


def test_hidden_rows_are_read_as_a_parser_reads_them():
    """The first reading took the sheet apart with regular expressions: a hidden row inside a comment was named,
    ``hidden="&#49;"`` (a character reference for 1) was missed, and a ``<row>`` without ``r`` after a gap was
    numbered by counting (row 4) while calamine places its cells by their own ``r`` (row 5), so the visible
    record was named and the hidden one missed."""
    from oversight.ingest.hidden_parts import _hidden_in_sheet

    sheet = _sheet_xml(
        b'<row r="1"><c r="A1"><v>1</v></c></row>'
        b'<row r="2"><c r="A2"><v>1</v></c></row>'
        b'<row><c r="A3"><v>1</v></c></row>'
        b'<row hidden="1"><c r="A5"><v>1</v></c></row>'  # the writer left row 4 out: this is row 5
        b'<!-- <row r="7" hidden="1"><c r="A7"><v>1</v></c></row> -->'
        b'<row r="8" hidden="&#49;" spans="1:1" x14ac:dyDescent="0.25 >" xmlns:x14ac="urn:x"><c r="A8"><v>1</v></c></row>'
        b'<row r="9"><c r="A9"><v>1</v></c></row>'
    )
    rows, columns, filtered = _hidden_in_sheet(sheet)
    assert rows == {5, 8} and columns == set() and not filtered


def test_hidden_column_ranges_are_merged_and_bounded():
    """50,000 ``<col>`` elements each hiding A:XFD held an import's check for 43 s (each added 16,384 columns to a
    set): the ranges are merged first, and nothing past Excel's last row or column is kept."""
    from oversight.ingest.hidden_parts import _hidden_in_sheet

    many = (
        b"<cols>"
        + b'<col min="1" max="16384" hidden="1"/>' * 50_000
        + b'<col min="2" max="99999999" hidden="true"/></cols>'
    )
    body = b'<row r="2000000" hidden="1"><c r="A2000000"><v>1</v></c></row><row r="3" hidden="1"><c r="B3"><v>1</v></c></row>'
    rows, columns, _ = _hidden_in_sheet(_sheet_xml(body, many))
    assert columns == set(range(1, 16_385))
    assert rows == {3}
