"""The DuckDB store: typed tables from the data folder, a fingerprint that notices edits."""

from __future__ import annotations

import os
import shutil

import pytest

from oversight import ingest
from oversight.data import store
from oversight.ingest import checked_folder, table_files


def test_tables_are_typed_by_the_contract(connection):
    types = dict(
        connection.execute(
            "select column_name, data_type from information_schema.columns where table_name = 'meetings'"
        ).fetchall()
    )
    assert types["date"] == "DATE"
    assert types["duration_min"] == "BIGINT"
    assert types["merged"] == "BOOLEAN"
    assert types["unit"] == "VARCHAR"


def test_units_are_stored_as_ids_although_the_files_hold_chinese_names(connection):
    units = {row[0] for row in connection.execute("select distinct unit from issues").fetchall()}
    assert units <= {
        "gov_office",
        "research",
        "offices_admin",
        "petitions",
        "counsellors",
        "foreign_affairs",
        "data_admin",
        "beijing_office",
        "chronicles",
    }


def test_fingerprint_changes_when_a_file_changes(tmp_path):
    shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data")
    folder = tmp_path / "data"
    before = table_files.fingerprint(folder)
    target = folder / "issues.xlsx"
    stat = target.stat()
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert table_files.fingerprint(folder) != before


def test_data_dir_follows_the_environment(monkeypatch, tmp_path):
    assert store.data_dir() == store.SAMPLE_DATA_DIR
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(tmp_path))
    assert store.data_dir() == tmp_path


def test_a_missing_table_file_is_reported_by_name(tmp_path):
    shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data")
    (tmp_path / "data" / "reminders.xlsx").unlink()
    with pytest.raises(ingest.ValidationError) as raised:
        checked_folder.read_folder(tmp_path / "data")
    assert [p.message_key for p in raised.value.problems] == ["error.file_missing"]
    assert "reminders.xlsx" in raised.value.render("zh")
    assert "日常提醒" in raised.value.render("zh")


def test_a_planned_rectification_day_does_not_move_the_data_date(tmp_path):
    """A 整改完成日期 of March 2021 on an issue still 整改中 (the day it is planned for) moved the data date there: the
    pack's default range became 2021 and the 预警 digest judged every unit not consulted in a quarter nothing had
    been recorded in. Only an issue marked 已整改 records the day it was rectified."""
    import shutil
    from datetime import date

    from oversight.contract.schema import TABLES
    from oversight.data import queries
    from oversight.ingest import checked_folder, workbook

    folder = shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data", ignore=shutil.ignore_patterns(".cache"))
    ledgers = checked_folder.read_folder(folder)
    issues = ledgers["issues"].copy()
    open_one = issues.index[issues["status"] == "in_progress"][0]
    issues.loc[open_one, "rectified_date"] = date(2021, 3, 16)
    (folder / "issues.xlsx").write_bytes(workbook.ledger_xlsx_bytes(TABLES["issues"], issues, ledgers["units"]))
    span = queries.data_span(store.open_folder(folder))
    assert span.last_day == date(2020, 12, 31)
    rectified_one = issues.index[issues["status"] == "rectified"][0]
    issues.loc[rectified_one, "rectified_date"] = date(2021, 1, 5)  # a real rectification does move it
    (folder / "issues.xlsx").write_bytes(workbook.ledger_xlsx_bytes(TABLES["issues"], issues, ledgers["units"]))
    assert queries.data_span(store.open_folder(folder)).last_day == date(2021, 1, 5)


def test_one_bad_cell_is_one_problem_not_an_echo_in_the_tables_after_it(tmp_path):
    """搞定了 in 整改状态 of one issue also gave 26 suggestions whose 关联问题编号 "did not exist": they were checked
    against an issues table that had not loaded."""
    import shutil

    from openpyxl import load_workbook

    from oversight import ingest
    from oversight.ingest import checked_folder

    folder = shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data", ignore=shutil.ignore_patterns(".cache"))
    book = load_workbook(folder / "issues.xlsx")
    sheet = book.worksheets[0]
    status_column = next(cell.column for cell in sheet[1] if cell.value == "整改状态")
    sheet.cell(row=5, column=status_column, value="搞定了")
    book.save(folder / "issues.xlsx")
    with pytest.raises(ingest.ValidationError) as refused:
        checked_folder.read_folder(folder)
    assert [(p.file, p.row, p.message_key) for p in refused.value.problems] == [
        ("issues.xlsx", 5, "error.enum_invalid"),
        ("suggestions.xlsx", None, "error.references_unchecked_in_folder"),
    ], refused.value.render("zh")
    # the suggestions' links are said unchecked, once: they were dropped without a word, the file looking checked
    assert refused.value.problems[-1].render("zh") == (
        "suggestions.xlsx：有27行引用了数据文件夹中问题文件“issues.xlsx”的记录；该文件有错误、未能读入，"
        "这些引用无法核对，不一定有误。请先改正该文件"
    )
    assert refused.value.problems[-1].render("en") == (
        "suggestions.xlsx: 27 rows refer to records of the Issues file “issues.xlsx” in the data folder; that file "
        "has errors and was not read, so these references could not be checked (they are not necessarily wrong). "
        "Correct that file first"
    )
