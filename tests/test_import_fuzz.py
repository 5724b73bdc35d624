"""Files a clerk could drop, generated (``tests.fuzz_ledgers``): each is refused with its place named in the reader's
language, or imported exactly as written; and the minimal cases the generator found, kept as they were shrunk."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from oversight.ingest import Upload, import_plan
from tests import fuzz_ledgers
from tests.bad_files import HEADERS, issue, meeting, suggestion, write_csv, write_xlsx
from tests.legacy_xls import xls_bytes


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("fuzz") / "data"
    shutil.copytree(Path(__file__).resolve().parents[1] / "data", copy)
    return copy


def test_generated_ledgers_are_refused_where_wrong_or_imported_exactly(folder):
    """150 seeded cases (about 8 s): no exception, every message placed and in its language, no refused value passed,
    every passed file stored as written. Runs of thousands of seeds (``case(seed)`` and ``check`` in a loop) found the
    cases below; a failure here is reproduced by ``fuzz_ledgers.case(seed)``."""
    broken, slowest = {}, 0.0
    for seed in range(150):
        case = fuzz_ledgers.case(seed)
        started = time.perf_counter()
        found = fuzz_ledgers.check(case, folder)
        slowest = max(slowest, time.perf_counter() - started)
        if found:
            broken[seed] = (case.name, case.notes, found[:3])
    assert not broken
    assert slowest < 10


def _problems(folder: Path, path: Path) -> list:
    plan = import_plan.plan_import([Upload(path.name, path.read_bytes())], mode="append", folder=folder)
    assert not plan.ok
    return plan.problems


@pytest.mark.parametrize("shown", ["#N/A", "#REF!", " #VALUE! ", "#div/0!"])
def test_an_error_value_saved_into_a_csv_is_refused_at_its_cell_not_imported_as_text(folder, tmp_path, shown):
    """Excel saves a cell showing #N/A to CSV as the text "#N/A": the check passed, and an issue was imported with
    the description "#N/A" (and a meeting with the note "#REF!"), where the same ledger as .xlsx was refused."""
    path = write_csv(
        tmp_path / "issues.csv", [HEADERS["issues"], issue("WT2099-001", description=shown, status="未整改")]
    )
    (problem,) = _problems(folder, path)
    assert (problem.message_key, problem.row, problem.column_letter) == ("error.cell_error_value", 2, "F")
    assert problem.params["value"] == shown.strip()
    assert "错误值 " + shown.strip() in problem.render("zh-CN")
    assert "error value " + shown.strip() in problem.render("en")


def test_an_error_value_typed_as_text_is_refused_in_an_optional_column_too(folder, tmp_path):
    """Refused in every column, as an error cell of an .xlsx is: an optional 备注 reading "#N/A" is no note."""
    path = write_csv(tmp_path / "meetings.csv", [HEADERS["meetings"], meeting("HY2099-0001", notes="#N/A")])
    (problem,) = _problems(folder, path)
    assert (problem.message_key, problem.row, problem.column_letter) == ("error.cell_error_value", 2, "J")


def test_an_error_value_as_text_in_a_workbook_is_refused_as_its_error_cell_is(folder, tmp_path):
    """The text "#N/A" in an .xlsx (a system's export, a CSV pasted in) or an .xls shows as the error cell does."""
    xlsx = write_xlsx(tmp_path / "meetings.xlsx", {"会议": [HEADERS["meetings"], meeting("HY2099-0001", notes="#N/A")]})
    (problem,) = _problems(folder, xlsx)
    assert (problem.message_key, problem.sheet, problem.row, problem.column_letter) == (
        "error.cell_error_value",
        "会议",
        2,
        "J",
    )
    xls = tmp_path / "meetings.xls"
    xls.write_bytes(xls_bytes({"会议": [HEADERS["meetings"], meeting("HY2099-0001", notes="#REF!")]}))
    (problem,) = _problems(folder, xls)
    assert (problem.message_key, problem.row, problem.column_letter) == ("error.cell_error_value", 2, "J")


def test_a_text_only_beginning_with_a_hash_is_imported_as_written(folder, tmp_path):
    """Only a whole error value is one: a note "#3 会议室" or "#N/A 待补" is the clerk's text."""
    rows = [HEADERS["meetings"], meeting("HY2099-0001", notes="#3 会议室"), meeting("HY2099-0002", notes="#N/A 待补")]
    path = write_csv(tmp_path / "meetings.csv", rows)
    plan = import_plan.plan_import([Upload(path.name, path.read_bytes())], mode="append", folder=folder)
    assert plan.ok, [p.render() for p in plan.problems]
    assert list(plan.from_files["meetings"]["notes"]) == ["#3 会议室", "#N/A 待补"]


@pytest.mark.parametrize("mode", ["append", "replace"])
def test_an_id_typed_twice_in_other_case_in_a_csv_names_its_row_without_a_sheet(folder, tmp_path, mode):
    """A CSV has no sheet: "“hy2099-0001”与工作表“”第2行的…" named an empty one; the row alone is named now."""
    rows = [HEADERS["meetings"], meeting("HY2099-0001"), meeting("hy2099-0001")]
    path = write_csv(tmp_path / "meetings.csv", rows)
    plan = import_plan.plan_import([Upload(path.name, path.read_bytes())], mode=mode, folder=folder)
    (problem,) = plan.problems
    assert (problem.message_key, problem.row, problem.column_letter) == ("error.duplicate_lookalike", 3, "A")
    assert problem.render("zh-CN").endswith(
        "“hy2099-0001”与第2行的“HY2099-0001”只差全角半角、大小写或连字符的写法，是同一个编号，编号不能重复"
    )
    assert "sheet" not in problem.render("en") and "“”" not in problem.render("en")


def test_an_id_typed_twice_in_other_case_on_two_sheets_names_the_first_ones_sheet(folder, tmp_path):
    sheets = {
        "一季度": [HEADERS["meetings"], meeting("HY2099-0001")],
        "二季度": [HEADERS["meetings"], meeting("hy2099-0001")],
    }
    path = write_xlsx(tmp_path / "meetings.xlsx", sheets)
    plan = import_plan.plan_import([Upload(path.name, path.read_bytes())], mode="append", folder=folder)
    (problem,) = plan.problems
    assert (problem.message_key, problem.sheet, problem.row) == ("error.duplicate_lookalike_other_sheet", "二季度", 2)
    assert "与工作表“一季度”第2行的“HY2099-0001”" in problem.render("zh-CN")
    assert "of row 2 of sheet “一季度”" in problem.render("en")


@pytest.mark.parametrize(
    ("column", "row", "letter"),
    [("unit", meeting("HY2099-0001", unit="省政府研究室\u200b"), "B"), ("ref", None, "D")],
)
def test_a_unit_or_linked_issue_with_an_invisible_character_is_told_to_delete_it(folder, tmp_path, column, row, letter):
    """ "省政府研究室\\u200b" was "not a registered unit" and "WT2019-006\\u200b" an issue that "does not exist", while
    the clerk's cell shows the unit and the issue: the invisible character is what to delete, and is named."""
    if column == "ref":
        path = write_csv(
            tmp_path / "suggestions.csv",
            [HEADERS["suggestions"], suggestion("JY2099-001", issue_id="WT2019-006\u200b")],
        )
    else:
        path = write_csv(tmp_path / "meetings.csv", [HEADERS["meetings"], row])
    (problem,) = _problems(folder, path)
    assert (problem.message_key, problem.row, problem.column_letter) == ("error.control_character", 2, letter)
    assert problem.params["code"] == "U+200B"


@pytest.mark.parametrize("data", [b"\xef\xbb\xbf", b"\r\n\r\n", b" , ,\n"])
def test_a_blank_csv_is_not_said_to_have_empty_sheets(folder, data):
    """A CSV of a BOM or blank lines alone was "文件中没有任何内容（所有工作表都是空的）": a CSV has no sheets."""
    plan = import_plan.plan_import([Upload("blank.csv", data)], mode="append", folder=folder)
    (problem,) = plan.problems
    assert problem.render("zh-CN") == "blank.csv：文件中没有任何内容（只有空行或空格）"
    assert problem.render("en") == "blank.csv: the file has no content (only blank lines or spaces)"
    assert "工作表" not in problem.render("zh-CN") and "sheet" not in problem.render("en")
