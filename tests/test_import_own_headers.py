"""A clerk's ledger under headers of its own, its id column the contract's: the check names what is missing.

A reminders sheet headed 提醒编号 · 单位名 · 提醒时间 · 提醒形式 · 事项 (the office's own words) was refused whole with
无法判断这是哪张表：没有一个工作表的表头与任何数据表相符, naming no sheet, row or column: the clerk could not tell which
headers to change. Its 提醒编号 names the table as only the reminders' id column does, so it is read as that table,
and the report names each required column missing at the header's row, as for a table chosen by hand."""

from __future__ import annotations

from oversight import ingest
from oversight.ingest import import_plan
from tests.bad_files import xlsx_bytes

OWN_HEADERS = ["提醒编号", "单位名", "提醒时间", "提醒形式", "事项"]


def test_a_sheet_with_the_tables_id_column_and_headers_of_its_own_names_the_missing_columns(tmp_path):
    from oversight.data import store

    upload = ingest.Upload(
        "提醒.xlsx", xlsx_bytes({"一季度": [OWN_HEADERS, ["TX2021-201", "省信访局", "2021.1.5", "书面提醒", "x"]]})
    )
    plan = import_plan.plan_import([upload], None, "append", store.SAMPLE_DATA_DIR)

    assert {p.message_key for p in plan.problems} == {"error.column_missing"}, plan.problems
    missing = sorted(p.params.get("column", p.column) for p in plan.problems)
    assert len(missing) == 4
    assert all((p.file, p.sheet, p.row) == ("提醒.xlsx", "一季度", 1) for p in plan.problems)
    lines = [f"{p.location('zh')}：{p.message('zh')}" for p in plan.problems]
    assert any("提醒日期" in line for line in lines), lines


def test_a_sheet_naming_no_tables_id_column_is_still_not_guessed():
    from oversight.data import store

    upload = ingest.Upload(
        "名单.xlsx", xlsx_bytes({"Sheet1": [["单位", "日期", "备注"], ["省信访局", "2021.1.5", "x"]]})
    )
    plan = import_plan.plan_import([upload], None, "append", store.SAMPLE_DATA_DIR)

    assert [p.message_key for p in plan.problems] == ["error.no_table_detected"]
