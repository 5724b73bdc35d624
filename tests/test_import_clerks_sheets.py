"""What a clerk's real spreadsheet still holds that the import refused or misread: a total row without its word,
yes/no and lengths written in words, an append of units reported at rows of a file the clerk never saw.

Each case is imported into a copy of the sample data; what it writes is recounted with pandas from the ledgers
(``tests/oracle.py``), and a refused import leaves the folder byte-identical.
"""

from __future__ import annotations

import shutil
from datetime import time, timedelta

import openpyxl
import pytest

from oversight.data import store
from oversight.ingest import ValidationError, commit, import_plan, import_report
from tests import oracle
from tests.bad_files import HEADERS, hash_tree, meeting, write_xlsx


@pytest.fixture
def data_folder(tmp_path):
    return shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data")


def added_meetings(data_folder, plan):
    """The meetings the plan adds, as pandas reads them from the ledger written."""
    before = oracle.read_ledgers(data_folder).meetings
    commit.apply_import(plan, user="test")
    after = oracle.read_ledgers(data_folder).meetings
    return after[~after["meeting_id"].isin(before["meeting_id"])]


def refused_unchanged(data_folder, plan) -> list[str]:
    """The plan's problems in English, having checked that the refused import leaves every byte of the folder."""
    before = hash_tree(data_folder)
    with pytest.raises(ValidationError):
        commit.apply_import(plan, user="test")
    assert hash_tree(data_folder) == before
    return [problem.render("en") for problem in plan.problems]


# ---------------------------------------------------------------- a total row without its word

TWO_MEETINGS = [meeting("HY2021-0001", duration=60, items=3), meeting("HY2021-0002", duration=90, items=2)]


@pytest.mark.parametrize(
    "total",
    [
        [None, None, None, None, 150, 5],  # the sums alone, no label
        [None, None, None, None, "150", "5项"],  # typed as text
        [None, None, None, None, 150, 5, None, None, None, "合计"],  # 合计 in 备注, not the first cell
        [None, None, None, "合计", 150],  # 合计 under 会议类型
    ],
    ids=["numbers", "numbers_as_text", "label_in_notes", "label_in_kind"],
)
def test_a_total_row_without_its_label_in_the_first_cell_is_skipped_and_listed(tmp_path, data_folder, total):
    """It was read as a meeting: "a required value is empty" for 会议编号, 单位, 会议日期, 会议类型 and each 是/否 —
    seven lines for the row the clerk knows is the total."""
    path = write_xlsx(tmp_path / "会议台账.xlsx", {"会议台账": [HEADERS["meetings"], *TWO_MEETINGS, total]})
    plan = import_plan.plan_import(path, mode="append", folder=data_folder)
    assert [p.render("en") for p in plan.problems] == []
    assert plan.changes["meetings"].skipped == (("会议台账", 4),)
    assert import_report.skipped_lines(plan, "zh")[0].endswith("工作表“会议台账” 第4行")
    added = added_meetings(data_folder, plan)
    assert (len(added), added["minutes"].sum()) == (2, 150)


def test_subtotals_and_a_grand_total_of_numbers_alone_are_skipped(tmp_path, data_folder):
    """A subtotal under each block sums that block; the grand total under them sums every record."""
    rows = [
        HEADERS["meetings"],
        meeting("HY2021-0001", duration=60, items=3),
        meeting("HY2021-0002", duration=90, items=2),
        [None, None, None, None, 150, 5],
        meeting("HY2021-0003", duration=30, items=1),
        [None, None, None, None, 30, 1],
        [None, None, None, None, 180, 6],
    ]
    path = write_xlsx(tmp_path / "会议台账.xlsx", {"会议台账": rows})
    plan = import_plan.plan_import(path, mode="append", folder=data_folder)
    assert [p.render("en") for p in plan.problems] == []
    assert plan.changes["meetings"].skipped == (("会议台账", 4), ("会议台账", 6), ("会议台账", 7))
    added = added_meetings(data_folder, plan)
    assert (len(added), added["minutes"].sum()) == (3, 180)


def test_numbers_alone_that_are_no_total_are_refused_in_one_sentence(tmp_path, data_folder):
    """Miscounted total, or a meeting missing its id, unit and date: only the clerk can tell, so the row is named
    once, with the number that is no sum and the sum it would have been, in both languages."""
    rows = [HEADERS["meetings"], *TWO_MEETINGS, [None, None, None, None, 150, 4]]
    path = write_xlsx(tmp_path / "会议台账.xlsx", {"会议台账": rows})
    plan = import_plan.plan_import(path, mode="append", folder=data_folder)
    assert refused_unchanged(data_folder, plan) == [
        "会议台账.xlsx · sheet '会议台账' · row 4 · column F '议题数': this row has no id, unit or date, only numbers, "
        "so it is not read as a record; nor is it a total: 4 is not the sum of this column in the rows above (5). If "
        "it is a total, write 合计 (total) in its first cell (or delete the row); if it is a record, fill in its id, "
        "unit and date"
    ]
    assert plan.problems[0].message("zh") == (
        "这一行没有编号、单位和日期，只有数字，不能作为记录读入；它也不是合计行：4 不等于上方各行本列之和 5。"
        "如是合计行，请在该行第一格写明“合计”（或删除该行）；如是一条记录，请补全编号、单位和日期"
    )


def test_a_row_missing_its_id_unit_and_date_but_with_its_kind_is_still_a_record(tmp_path, data_folder):
    """Only numbers make a total: a row with its kind or a 是/否 is a meeting with empty cells, refused at each."""
    rows = [HEADERS["meetings"], *TWO_MEETINGS, [None, None, None, "办公会议", 150, 5, "是", "否", "否"]]
    path = write_xlsx(tmp_path / "会议台账.xlsx", {"会议台账": rows})
    plan = import_plan.plan_import(path, mode="append", folder=data_folder)
    assert [(p.row, p.column_letter, p.message_key) for p in plan.problems] == [
        (4, "A", "error.value_missing"),
        (4, "B", "error.value_missing"),
        (4, "C", "error.value_missing"),
    ]


# ---------------------------------------------------------------- yes/no and lengths written in words


def test_yes_and_no_written_as_ticked_boxes_ticks_and_have_or_have_not(tmp_path, data_folder):
    """☑, ✓, 有, 对 were refused "should be yes/no" (✓ and 对 read; ☑, ☐, 有, 无 did not)."""
    pairs = [("☑", "☐"), ("✓", "✗"), ("有", "无"), ("对", "错"), ("✅", "❌"), ("有", "没有")]
    rows = [meeting(f"HY2021-{n:04d}", prereviewed=yes, attended=no) for n, (yes, no) in enumerate(pairs, start=1)]
    path = write_xlsx(tmp_path / "会议台账.xlsx", {"会议台账": [HEADERS["meetings"], *rows]})
    plan = import_plan.plan_import(path, mode="append", folder=data_folder)
    assert [p.render("en") for p in plan.problems] == []
    added = added_meetings(data_folder, plan)
    assert added["prereviewed"].tolist() == [True] * len(pairs)
    assert added["attended"].tolist() == [False] * len(pairs)


def test_a_crossed_box_is_refused_saying_its_two_readings(tmp_path, data_folder):
    """☒ is Word's ticked check box, and "no" to a clerk who crosses a box out: read either way, one figure is false."""
    path = write_xlsx(tmp_path / "会议台账.xlsx", {"会议台账": [HEADERS["meetings"], meeting(prereviewed="☒")]})
    plan = import_plan.plan_import(path, mode="append", folder=data_folder)
    assert refused_unchanged(data_folder, plan) == [
        "会议台账.xlsx · sheet '会议台账' · row 2 · column G '议题提前报送审核': '☒' reads two ways: Word's check box "
        "shows a ticked box so, and some write it for no; write 是 (yes) or 否 (no) (also ☑/☐, √/×)"
    ]
    assert plan.problems[0].message("zh").startswith("“☒”有两种读法")


LENGTHS_IN_WORDS = {
    "两小时": 120,
    "两个小时": 120,
    "一个半小时": 90,
    "1个半小时": 90,
    "1小时半": 90,
    "1小时30分": 90,
    "一小时十五分": 75,
    "九十分钟": 90,
    "一百二十分钟": 120,
    "半小时": 30,
    "半个小时": 30,
    "三刻钟": 45,
    "１.５小时": 90,  # full-width digits, as a Chinese input method types them
    "６０分钟": 60,
}


def test_a_meetings_length_written_in_words_is_imported_as_its_minutes(tmp_path, data_folder):
    """两小时, 一个半小时, 半小时, 九十分钟 were refused "should be a whole number"."""
    rows = [meeting(f"HY2021-{n:04d}", duration=length) for n, length in enumerate(LENGTHS_IN_WORDS, start=1)]
    path = write_xlsx(tmp_path / "会议台账.xlsx", {"会议台账": [HEADERS["meetings"], *rows]})
    plan = import_plan.plan_import(path, mode="append", folder=data_folder)
    assert [p.render("en") for p in plan.problems] == []
    added = added_meetings(data_folder, plan)
    assert added["minutes"].tolist() == list(LENGTHS_IN_WORDS.values())


def test_a_length_formatted_as_hours_and_minutes_is_its_minutes(tmp_path, data_folder):
    """=结束-开始 formatted [h]:mm, as a clerk computes a length: the reader gives a length of time, 1:15 is 75."""
    path = write_xlsx(tmp_path / "会议台账.xlsx", {"会议台账": [HEADERS["meetings"], meeting(duration=0)]})
    book = openpyxl.load_workbook(path)
    book["会议台账"]["E2"] = timedelta(hours=1, minutes=15)
    book["会议台账"]["E2"].number_format = "[h]:mm"
    book.save(path)
    plan = import_plan.plan_import(path, mode="append", folder=data_folder)
    assert [p.render("en") for p in plan.problems] == []
    assert added_meetings(data_folder, plan)["minutes"].tolist() == [75]


def test_an_estimate_or_a_clock_time_for_a_length_is_refused_saying_why(tmp_path, data_folder):
    """约两小时 adds up to no total, and 9:00 may be when the meeting began (read as 540 minutes: a false figure)."""
    typed = ["约两小时", "两个多小时", "2小时左右", "1-2小时", "1:30", time(9, 0), "二〇分钟"]
    rows = [meeting(f"HY2021-{n:04d}", duration=length) for n, length in enumerate(typed, start=1)]
    path = write_xlsx(tmp_path / "会议台账.xlsx", {"会议台账": [HEADERS["meetings"], *rows]})
    plan = import_plan.plan_import(path, mode="append", folder=data_folder)
    refused_unchanged(data_folder, plan)
    assert [(p.row, p.column_letter, p.message_key) for p in plan.problems] == [
        (2, "E", "error.duration_estimate"),
        (3, "E", "error.duration_estimate"),
        (4, "E", "error.duration_estimate"),
        (5, "E", "error.duration_estimate"),
        (6, "E", "error.duration_clock"),
        (7, "E", "error.duration_clock"),
        (8, "E", "error.int_invalid"),
    ]
    assert plan.problems[0].render("zh") == (
        "会议台账.xlsx · 工作表“会议台账” · 第2行 · E列“时长(分钟)”: “约两小时”是估计的时长，不能累计；"
        "请填会议的实际时长（分钟，如 120）"
    )
    assert plan.problems[5].message("en") == (
        "'9:00' may be a length (hours and minutes) or the time the meeting began; write the minutes (such as 90) or "
        "1小时30分 (1 h 30 min)"
    )
