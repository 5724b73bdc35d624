"""A file of an import that fails, and the rows of another file of the same import that refer to its records."""

from __future__ import annotations

import pytest

from oversight.ingest import import_plan
from tests.bad_files import HEADERS, issue, meeting, seeded_data_copy, suggestion, unit_rows, write_xlsx


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    return seeded_data_copy(tmp_path_factory.mktemp("seeded") / "data")


@pytest.fixture
def data_folder(seeded, tmp_path):
    import shutil

    return shutil.copytree(seeded, tmp_path / "data")


def test_suggestions_linking_the_new_issues_of_a_failed_issues_file_are_said_unchecked_once(tmp_path, data_folder):
    """One bad cell in 问题.xlsx also gave a 关联问题编号“WT2021-901”不存在 at each suggestion that links its new
    issues, blaming rows that were right; a link to an issue neither file holds is still named at its cell."""
    issues = write_xlsx(
        tmp_path / "问题.xlsx",
        {"问题": [HEADERS["issues"], issue("WT2021-901"), issue("WT2021-902", raised="2021年13月5日")]},
    )
    suggestions = write_xlsx(
        tmp_path / "意见建议.xlsx",
        {
            "意见建议": [
                HEADERS["suggestions"],
                suggestion("JY2021-901", issue_id="WT2021-901"),
                suggestion("JY2021-902", issue_id="wt2021-902"),  # the id as a clerk may type it
                suggestion("JY2021-903", issue_id="WT2099-999"),
            ]
        },
    )
    plan = import_plan.plan_import([issues, suggestions], mode="append", folder=data_folder)
    assert [p.render("zh") for p in plan.problems] == [
        "问题.xlsx · 工作表“问题” · 第3行 · C列“发现日期”：“2021年13月5日”不是存在的日期",
        "意见建议.xlsx · 工作表“意见建议” · 第4行 · D列“关联问题编号”：关联问题编号“WT2099-999”不存在；"
        "应为现有问题或同批导入的问题编号",
        "意见建议.xlsx：有2行引用了同批导入的问题文件“问题.xlsx”中的记录；该文件有错误、未能读入，这些引用无法核对，"
        "不一定有误。请先改正该文件，再重新检查",
    ]
    assert plan.problems[-1].render("en") == (
        "意见建议.xlsx: 2 rows refer to records of the Issues file “问题.xlsx” imported with this one; that file has "
        "errors and was not read, so these references could not be checked (they are not necessarily wrong). Correct "
        "that file first, then check again"
    )
    assert not plan.ok
    assert plan.problem_count == 2  # the bad cell and the link to no issue: the line is no problem of its own


def test_rows_naming_the_new_unit_of_a_failed_units_file_are_said_unchecked_once(tmp_path, data_folder):
    new_unit = ["newoffice", "省新设办公室", "New Office", "新设办", "党组", None]
    units = unit_rows()
    bad = [*new_unit[:4], "党支部", *new_unit[5:]]  # not a party organisation type the contract allows
    assert len(units[0]) == len(bad), units[0]
    units_file = write_xlsx(tmp_path / "单位.xlsx", {"监督单位": [HEADERS["units"], *units, bad]})
    meetings = write_xlsx(
        tmp_path / "会议.xlsx",
        {
            "会议": [
                HEADERS["meetings"],
                meeting("HY2021-901", unit="新设办"),
                meeting("HY2021-902", unit="省新设办公室"),
                meeting("HY2021-903", unit="省不存在厅"),
            ]
        },
    )
    plan = import_plan.plan_import([units_file, meetings], mode="replace", folder=data_folder)
    rendered = [p.render("zh") for p in plan.problems]
    assert [line for line in rendered if line.startswith("会议.xlsx")] == [
        next(line for line in rendered if "第4行" in line and "省不存在厅" in line),
        "会议.xlsx：有2行引用了同批导入的监督单位文件“单位.xlsx”中的记录；该文件有错误、未能读入，这些引用无法核对，"
        "不一定有误。请先改正该文件，再重新检查",
    ]


def test_references_into_a_failed_file_whose_records_did_not_read_are_said_unchecked_not_wrong(tmp_path, data_folder):
    """An issues file missing a required column reads no record: which issues it holds is not known, and each
    suggestion linking one of them was 关联问题编号“…”不存在."""
    header = [column for column in HEADERS["issues"] if column != "整改状态"]
    rows = [[value for value in issue(issue_id) if value != "整改中"] for issue_id in ("WT2021-901", "WT2021-902")]
    issues = write_xlsx(tmp_path / "问题.xlsx", {"问题": [header, *rows]})
    suggestions = write_xlsx(
        tmp_path / "意见建议.xlsx",
        {
            "意见建议": [
                HEADERS["suggestions"],
                suggestion("JY2021-901", issue_id="WT2021-901"),
                suggestion("JY2021-902", issue_id="WT2021-902"),
            ]
        },
    )
    plan = import_plan.plan_import([issues, suggestions], mode="append", folder=data_folder)
    assert [p.render("zh") for p in plan.problems] == [
        "问题.xlsx · 工作表“问题” · 第1行 · “整改状态”列：缺少必填列“整改状态”（英文表头 status）",
        "意见建议.xlsx：有2行引用了现有数据中没有的记录，无法核对：同批导入的问题文件“问题.xlsx”有错误、未能读入，"
        "这些记录可能就在其中。请先改正该文件，再重新检查",
    ]


def test_a_files_own_fault_is_not_hidden_behind_a_thousand_references_into_a_failed_file(tmp_path, data_folder):
    """1,001 suggestions linking the new issue of a failed issues file filled the file's 1,000-problem limit with
    lines that were then set aside: the report said the checking stopped, and the bad date in the last row was never
    named. The references count nothing toward the limit now."""
    issues = write_xlsx(
        tmp_path / "问题.xlsx",
        {"问题": [HEADERS["issues"], issue("WT2021-901", raised="2021年13月5日")]},
    )
    rows = [suggestion(f"JY2021-{n:04d}", issue_id="WT2021-901") for n in range(1, 1002)]
    rows.append(suggestion("JY2021-1002", issue_id="WT2021-901", made="2021年2月30日"))
    suggestions = write_xlsx(tmp_path / "意见建议.xlsx", {"意见建议": [HEADERS["suggestions"], *rows]})
    plan = import_plan.plan_import([issues, suggestions], mode="append", folder=data_folder)
    assert [p.render("zh") for p in plan.problems] == [
        "问题.xlsx · 工作表“问题” · 第2行 · C列“发现日期”：“2021年13月5日”不是存在的日期",
        "意见建议.xlsx · 工作表“意见建议” · 第1003行 · C列“提出日期”：“2021年2月30日”不是存在的日期",
        "意见建议.xlsx：有1002行引用了同批导入的问题文件“问题.xlsx”中的记录；该文件有错误、未能读入，"
        "这些引用无法核对，不一定有误。请先改正该文件，再重新检查",
    ]


def test_a_data_folder_file_is_checked_past_its_references_into_a_broken_units_file(data_folder):
    """A units.xlsx broken in the data folder itself: every meeting's unit could not be checked. Those lines were
    dropped without a word, and they had filled meetings.xlsx's 1,000-problem limit, so a bad cell of its own was
    never reached: the report ended at "checking stopped" with no line of the file before it."""
    import openpyxl

    from oversight import ingest
    from oversight.ingest import checked_folder

    book = openpyxl.load_workbook(data_folder / "units.xlsx")
    book.worksheets[0].cell(row=2, column=5, value="党支部")  # not a party organisation type the contract allows
    book.save(data_folder / "units.xlsx")
    rows = [meeting(f"HY2021-{n:04d}") for n in range(1, 1002)]
    rows.append(meeting("HY2021-1002", day="2021年2月30日"))
    write_xlsx(data_folder / "meetings.xlsx", {"会议": [HEADERS["meetings"], *rows]})
    with pytest.raises(ingest.ValidationError) as refused:
        checked_folder.read_folder(data_folder)
    meetings = [p.render("zh") for p in refused.value.problems if p.file == "meetings.xlsx"]
    assert meetings == [
        "meetings.xlsx · 工作表“会议” · 第1003行 · C列“会议日期”：“2021年2月30日”不是存在的日期",
        "meetings.xlsx：有1002行引用了数据文件夹中监督单位文件“units.xlsx”的记录；该文件有错误、未能读入，"
        "这些引用无法核对，不一定有误。请先改正该文件",
    ]
