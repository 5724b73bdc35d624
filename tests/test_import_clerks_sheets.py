"""What a clerk's real spreadsheet still holds that the import refused or misread: a total row without its word,
yes/no and lengths written in words, an append of units reported at rows of a file the clerk never saw.

Each case is imported into a copy of the sample data; what it writes is recounted with pandas from the ledgers
(``tests/oracle.py``), and a refused import leaves the folder byte-identical.
"""

from __future__ import annotations

import shutil
from datetime import time, timedelta
from types import SimpleNamespace

import openpyxl
import pandas as pd
import pytest

from oversight.contract.schema import TABLES
from oversight.data import store
from oversight.ingest import Problem, ValidationError, appended_rows, commit, import_plan, import_report
from oversight.ingest.sheets import TableRead
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
        "会议台账.xlsx · sheet “会议台账” · row 4 · column F “议题数”: this row has no ID, unit or date, only numbers, "
        "so it is not read as a record; nor is it a total: 4 is not the sum of this column in the rows above (5). If "
        "it is a total, write 合计 (total) in its first cell (or delete the row); if it is a record, fill in its ID, "
        "unit and date"
    ]
    assert plan.problems[0].message("zh") == (
        "这一行没有编号、单位和日期，只有数字，不能作为记录读入；它也不是合计行：4不等于上方各行本列之和5。"
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
        "会议台账.xlsx · sheet “会议台账” · row 2 · column G “议题提前报送审核”: “☒” reads two ways: Word's check box "
        "shows a ticked box so, and some write it for no; write 是 (yes) or 否 (no); ☑/☐ and √/× are read too"
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
        "会议台账.xlsx · 工作表“会议台账” · 第2行 · E列“时长(分钟)”：“约两小时”是估计的时长，不能累计；"
        "请填会议的实际时长（分钟，如120）"
    )
    assert plan.problems[5].message("en") == (
        "“9:00” may be a length (hours and minutes) or the time the meeting began; write the minutes (such as 90) or "
        "1小时30分 (1 h 30 min)"
    )


# Every way a clerk writes a length as an estimate: after the number or its unit (许, 左右, 上下, 多, 余, 出头, 来),
# before it (约, 大约, 近, 将近, 不到), two numbers of a range in words (一两个小时, 三四十分钟) or figures with a dash
ESTIMATES = [
    "一小时许",
    "90分钟许",
    "1.5小时许",
    "两小时左右",
    "近两小时",
    "1小时多",
    "一个多小时",
    "1小时余",
    "约两小时",
    "大约2小时",
    "将近两小时",
    "两小时上下",
    "一小时出头",
    "十来分钟",
    "不到两小时",
    "一两个小时",
    "三四十分钟",
    "个把小时",
    "1小时—1.5小时",
    "about 2 hours",
]


def test_every_estimate_word_gets_the_estimate_sentence_in_zh_and_en(tmp_path, data_folder):
    """一小时许, 90分钟许, 一小时出头, 一两个小时 were refused "should be a whole number" (应为整数), which a clerk who
    wrote the length as well as they knew it cannot act on; 约两小时 already said it was an estimate."""
    rows = [meeting(f"HY2021-{n:04d}", duration=length) for n, length in enumerate(ESTIMATES, start=1)]
    path = write_xlsx(tmp_path / "会议台账.xlsx", {"会议台账": [HEADERS["meetings"], *rows]})
    plan = import_plan.plan_import(path, mode="append", folder=data_folder)
    refused_unchanged(data_folder, plan)
    assert {p.params["value"]: p.message_key for p in plan.problems} == dict.fromkeys(
        ESTIMATES, "error.duration_estimate"
    )
    assert plan.problems[0].message("zh") == "“一小时许”是估计的时长，不能累计；请填会议的实际时长（分钟，如120）"
    assert plan.problems[0].message("en") == (
        "“一小时许” is an estimate of the length, which no total can add up; write the meeting's actual length in "
        "minutes (such as 120)"
    )


# A count given as an estimate, in the length's own words (约, 左右, 来, 多, two numerals side by side, a range)
COUNT_ESTIMATES = ["约5个", "5个左右", "五六个", "十来个议题", "10多项", "大约5", "3-4项", "五六项"]


def test_an_estimate_in_a_count_gets_the_estimate_sentence_not_should_be_a_whole_number(tmp_path, data_folder):
    """议题数 约5个, 5个左右, 五六个 were refused "应为整数": the clerk wrote a whole number, as well as they knew it.
    They get the estimate sentence, as a meeting's length does; a count written plainly (五个, 5个) still reads."""
    rows = [meeting(f"HY2021-{n:04d}", items=items) for n, items in enumerate(COUNT_ESTIMATES, start=1)]
    path = write_xlsx(tmp_path / "会议台账.xlsx", {"会议台账": [HEADERS["meetings"], *rows]})
    plan = import_plan.plan_import(path, mode="append", folder=data_folder)
    refused_unchanged(data_folder, plan)
    assert {p.params["value"]: (p.column_letter, p.message_key) for p in plan.problems} == dict.fromkeys(
        COUNT_ESTIMATES, ("F", "error.count_estimate")
    )
    assert plan.problems[0].render("zh") == (
        "会议台账.xlsx · 工作表“会议台账” · 第2行 · F列“议题数”：“约5个”是估计的数目，不能累计；请填实际的数目（整数，如5）"
    )
    assert plan.problems[2].message("en") == (
        "“五六个” is an estimate of the number, which no total can add up; write the actual number (a whole number, "
        "such as 5)"
    )
    plain = [meeting(f"HY2021-{n:04d}", items=items) for n, items in enumerate(["五个", "5个", "十二项"], start=1)]
    path = write_xlsx(tmp_path / "会议台账2.xlsx", {"会议台账": [HEADERS["meetings"], *plain]})
    plan = import_plan.plan_import(path, mode="append", folder=data_folder)
    assert plan.problems == []
    commit.apply_import(plan, user="test")
    ledger = pd.read_excel(data_folder / "meetings.xlsx", engine="openpyxl")
    added = ledger[ledger["会议编号"].isin(["HY2021-0001", "HY2021-0002", "HY2021-0003"])]
    assert added["议题数"].tolist() == [5, 5, 12]


# ---------------------------------------------------------------- an append of units, reported in the clerk's file


@pytest.mark.parametrize(
    ("new_unit", "column", "english", "chinese"),
    [
        (
            ["newunit", "省政府研究室", "New Unit", "新单位", "党组", "New Unit"],
            "column B “单位名称”",
            "“省政府研究室” already names a unit of the current data (research; units.xlsx row 3)",
            "B列“单位名称”：“省政府研究室”已是现有单位（research）的名称或简称（units.xlsx 第3行）",
        ),
        (
            ["newunit", "省新单位", "New Unit", "研究室", "党组", "New Unit"],
            "column D “简称”",
            "“研究室” already names a unit of the current data (research; units.xlsx row 3)",
            "D列“简称”：“研究室”已是现有单位（research）的名称或简称（units.xlsx 第3行）",
        ),
    ],
    ids=["name", "short_name"],
)
def test_a_units_append_is_refused_at_the_row_of_the_clerks_file(
    tmp_path, data_folder, new_unit, column, english, chinese
):
    """One new unit on row 3 of 新增单位.xlsx (a title above the header) was refused at "units.xlsx · sheet '监督单位'
    · row 11" — the row it would have had in the ledger, a file the clerk never opened — and, for a name, twice
    ("repeats row 3; ids must be unique", row 3 being the folder's)."""
    path = write_xlsx(tmp_path / "新增单位.xlsx", {"单位": [["新增监督单位"], HEADERS["units"], new_unit]})
    plan = import_plan.plan_import(path, mode="append", folder=data_folder)
    rendered = refused_unchanged(data_folder, plan)
    assert rendered == [
        "after this import the data folder would no longer validate, so nothing was imported. The problems it would "
        "have:",
        f"新增单位.xlsx · sheet “单位” · row 3 · {column}: {english}: a name or short name can stand for one unit only",
    ]
    assert plan.problems[1].render("zh") == (
        f"新增单位.xlsx · 工作表“单位” · 第3行 · {chinese}：一个名称或简称只能指一个单位"
    )
    assert import_report.failed_line(plan, "en") == "1 problem found; nothing was imported:"


def test_a_units_append_that_is_accepted_counts_the_rows_it_adds(tmp_path, data_folder):
    """The report's counts are the change: one unit in the file, nine before, ten after; pandas reads ten."""
    new_unit = ["newunit", "省新单位", "New Unit", "新单位", "党组", "New Unit"]
    path = write_xlsx(tmp_path / "新增单位.xlsx", {"单位": [["新增监督单位"], HEADERS["units"], new_unit]})
    plan = import_plan.plan_import(path, mode="append", folder=data_folder)
    assert import_report.render_plan(plan, "en").splitlines() == [
        "Units (from 新增单位.xlsx, adding rows): rows 1 in the file, 9 now, 10 after the import; added 1, changed 0, "
        "removed 0",
        "Check passed: ready to import.",
    ]
    commit.apply_import(plan, user="test")
    units = pd.read_excel(data_folder / "units.xlsx", engine="openpyxl")
    assert (len(units), units["单位编码"].iloc[-1], units["单位名称"].iloc[-1]) == (10, "newunit", "省新单位")


def test_a_problem_naming_another_added_row_names_it_in_the_clerks_file():
    """Where the first holder of a value is another row the file adds, the row named is the file's, on its sheet."""
    read = TableRead(
        TABLES["units"],
        pd.DataFrame(),
        origins=[("甲", 4), ("乙", 7)],
        sheets=["甲", "乙"],
        file="新增单位.xlsx",
        labels={"乙": {"name_zh": ("名称", "C")}},
    )
    change = SimpleNamespace(mode="append", rows_before=9)
    at_ledger = Problem(
        file="units.xlsx",
        sheet="监督单位",
        row=12,  # the second row added, under the nine there
        column="单位名称",
        column_letter="B",
        field="name_zh",
        message_key="error.duplicate",
        params={"value": "省新单位", "first_value": "省新单位", "first_row": 11, "first_sheet": "监督单位"},
    )
    (moved,) = appended_rows.at_the_files_rows([at_ledger], {"units": change}, {"units": read})
    assert (
        moved.render("en")
        == "新增单位.xlsx · sheet “乙” · row 7 · column C “名称”: “省新单位” repeats row 4 of sheet “甲”; IDs must be unique"
    )


# ---------------------------------------------------------------- what else a clerk types


def test_counts_in_chinese_numerals_are_the_numbers(tmp_path, data_folder):
    """议题数 三, 三项, 十二个, 3个议题 were refused "should be a whole number"."""
    typed = {"三": 3, "三项": 3, "十二个": 12, "3个议题": 3, "两项": 2, "１０项": 10}
    rows = [meeting(f"HY2021-{n:04d}", items=items) for n, items in enumerate(typed, start=1)]
    path = write_xlsx(tmp_path / "会议台账.xlsx", {"会议台账": [HEADERS["meetings"], *rows]})
    plan = import_plan.plan_import(path, mode="append", folder=data_folder)
    assert [p.render("en") for p in plan.problems] == []
    commit.apply_import(plan, user="test")
    ledger = pd.read_excel(data_folder / "meetings.xlsx", engine="openpyxl")
    added = ledger[ledger["会议编号"].isin([f"HY2021-{n:04d}" for n in range(1, len(typed) + 1)])]
    assert added["议题数"].tolist() == list(typed.values())


@pytest.mark.parametrize("typed", ["21/3/5", "21-3-5", "21.3.5", "21年3月5日", "3/5/21"])
def test_a_date_with_a_two_digit_year_is_refused_saying_so(tmp_path, data_folder, typed):
    """21/3/5 is 5 March 2021 in a Chinese Excel's yy/m/d and 21 March 2005 in a British d/m/yy: it was refused as
    "not a date", which the clerk, seeing a date, could not act on."""
    path = write_xlsx(tmp_path / "会议台账.xlsx", {"会议台账": [HEADERS["meetings"], meeting(day=typed)]})
    plan = import_plan.plan_import(path, mode="append", folder=data_folder)
    assert refused_unchanged(data_folder, plan) == [
        f"会议台账.xlsx · sheet “会议台账” · row 2 · column C “会议日期”: “{typed}” gives the year in two digits, which "
        "reads more than one way (21/3/5 is 5 March 2021 or 21 March 2005); write the year in four digits, such as "
        "2021/3/5 or 2021年3月5日"
    ]
    assert plan.problems[0].message("zh").startswith(f"“{typed}”的年份只写了两位")


@pytest.mark.parametrize("heading", ["时长（小时）", "会议时长(小时)", "时长(h)", "Duration (hours)"])
def test_a_length_column_headed_in_hours_is_read_as_minutes(tmp_path, data_folder, heading):
    """A ledger that keeps 时长 in hours under its header was refused "required column 时长(分钟) is missing"; a cell
    that names its own unit is read as it says, and the total under them is in hours too."""
    header = [heading if name == "时长(分钟)" else name for name in HEADERS["meetings"]]
    typed = [2, 1.5, "0.25", "90分钟", "两小时"]
    rows = [meeting(f"HY2021-{n:04d}", duration=hours) for n, hours in enumerate(typed, start=1)]
    total = [None, None, None, None, 7.25, 15]  # 2 + 1.5 + 0.25 + 1.5 + 2 hours, 5 × 3 agenda items
    path = write_xlsx(tmp_path / "会议台账.xlsx", {"会议台账": [header, *rows, total]})
    plan = import_plan.plan_import(path, mode="append", folder=data_folder)
    assert [p.render("en") for p in plan.problems] == []
    assert plan.changes["meetings"].skipped == (("会议台账", 7),)
    assert added_meetings(data_folder, plan)["minutes"].tolist() == [120, 90, 15, 90, 120]


def test_hours_that_are_no_whole_number_of_minutes_are_refused_as_typed(tmp_path, data_folder):
    header = ["时长（小时）" if name == "时长(分钟)" else name for name in HEADERS["meetings"]]
    path = write_xlsx(tmp_path / "会议台账.xlsx", {"会议台账": [header, meeting(duration=1.33)]})
    plan = import_plan.plan_import(path, mode="append", folder=data_folder)
    assert refused_unchanged(data_folder, plan) == [
        "会议台账.xlsx · sheet “会议台账” · row 2 · column E “时长（小时）”: “1.33” makes 79.8 minutes, not a whole "
        "number of minutes; write the meeting's length in whole minutes (such as 80)"
    ]
    assert (
        plan.problems[0].render("zh").endswith("：“1.33”折合79.8分钟，不是整分钟数；请填会议的实际时长（整分钟，如80）")
    )


def test_yes_and_no_written_as_the_columns_own_deed_done_or_not(tmp_path, data_folder):
    """已报送 / 未报送, 已列席 / 未列席, 已合并 / 未合并, and 是/否 with a remark in brackets were refused "should be
    yes/no"; a deed the header does not name (未知), two answers in one cell and a remark answering the other way are
    still refused."""
    answers = [
        ("已报送", "未列席", "已合并"),
        ("未提前报送", "已列席", "未合并召开"),
        ("是（已报送）", "否（请假）", "没有合并"),
    ]
    rows = [
        meeting(f"HY2021-{n:04d}", prereviewed=a, attended=b, merged=c) for n, (a, b, c) in enumerate(answers, start=1)
    ]
    path = write_xlsx(tmp_path / "会议台账.xlsx", {"会议台账": [HEADERS["meetings"], *rows]})
    plan = import_plan.plan_import(path, mode="append", folder=data_folder)
    assert [p.render("en") for p in plan.problems] == []
    added = added_meetings(data_folder, plan)
    assert added[["prereviewed", "attended", "merged"]].to_numpy().tolist() == [
        [True, False, True],
        [False, True, False],
        [True, False, False],
    ]
    refused = [
        "未知",
        "已报送未审核",
        "是（否）",
        "否（已列席）",
        "已合并",
    ]  # 已合并 under 议题提前报送审核 names no deed of it
    rows = [meeting(f"HY2021-{n:04d}", prereviewed=typed) for n, typed in enumerate(refused, start=11)]
    path = write_xlsx(tmp_path / "会议台账2.xlsx", {"会议台账": [HEADERS["meetings"], *rows]})
    plan = import_plan.plan_import(path, mode="append", folder=data_folder)
    assert [(p.row, p.column_letter, p.message_key) for p in plan.problems] == [
        (row, "G", "error.bool_invalid") for row in range(2, 7)
    ]


@pytest.mark.parametrize("heading", ["会议时长", "时长", "Duration"])
def test_lengths_kept_in_hours_under_a_header_without_its_unit_are_asked_about(tmp_path, data_folder, heading):
    """A column headed 会议时长 (no unit) is read as minutes; a clerk who kept it in hours (2, 1, 3) had every meeting
    read as 1-3 minutes — 平均会议时长2分钟, a false figure read aloud. A column whose every length is that short is
    asked about in one sentence at its header, the folder untouched; a column of real minutes is read as before."""
    header = [heading if name == "时长(分钟)" else name for name in HEADERS["meetings"]]
    rows = [meeting(f"HY2021-{n:04d}", duration=hours) for n, hours in enumerate([2, 1, 3], start=1)]
    path = write_xlsx(tmp_path / "会议台账.xlsx", {"会议台账": [header, *rows]})
    plan = import_plan.plan_import(path, mode="append", folder=data_folder)
    said = refused_unchanged(data_folder, plan)
    assert said == [
        f"会议台账.xlsx · sheet “会议台账” · row 1 · column E “{heading}”: this column's header names no unit (read as"
        " minutes), yet no length in it is over 12: if they are hours, rename the column 时长（小时） or Duration (hours);"
        " if they really are minutes, rename it 时长(分钟) or Duration (minutes), then import again"
    ]
    assert "都不超过12" in plan.problems[0].render("zh")

    minutes = [meeting(f"HY2021-{n:04d}", duration=length) for n, length in enumerate([2, 45, 90], start=1)]
    path = write_xlsx(tmp_path / "会议台账2.xlsx", {"会议台账": [header, *minutes]})
    plan = import_plan.plan_import(path, mode="append", folder=data_folder)
    assert [p.render("en") for p in plan.problems] == []
    assert added_meetings(data_folder, plan)["minutes"].tolist() == [2, 45, 90]


# ---------------------------------------------------------------- a unit's name in brackets


def test_a_unit_name_in_brackets_is_refused_naming_the_unit_to_write(tmp_path, data_folder):
    """【省政府研究室】, 省信访局（牵头）, [研究室] were "not a registered unit; expected a unit id, full name or short
    name", which the clerk read as the unit not existing; now the message says the brackets are the trouble and
    names the unit to write, and a bracketed name that names no unit says so."""
    typed = ["【省政府研究室】", "省信访局（牵头）", "[研究室]", "〔省教育厅〕"]
    rows = [meeting(f"HY2021-{n:04d}", unit=unit) for n, unit in enumerate(typed, start=1)]
    path = write_xlsx(tmp_path / "会议台账.xlsx", {"会议台账": [HEADERS["meetings"], *rows]})
    plan = import_plan.plan_import(path, mode="append", folder=data_folder)
    refused_unchanged(data_folder, plan)
    assert [p.message("zh") for p in plan.problems] == [
        "“【省政府研究室】”带有括号；单位栏只填单位名称，不加括号或说明：请填“省政府研究室”",
        "“省信访局（牵头）”带有括号；单位栏只填单位名称，不加括号或说明：请填“省信访局”",
        "“[研究室]”带有括号；单位栏只填单位名称，不加括号或说明：请填“省政府研究室”",
        "“〔省教育厅〕”带有括号，去掉括号也不是已登记的监督单位；单位栏只填单位编码、全称或简称，不加括号或说明",
    ]
    assert [p.message("en") for p in plan.problems][1::2] == [
        "“省信访局（牵头）” has brackets; a unit cell takes the unit's name alone, with no brackets or remark: write "
        "“省信访局”",
        "“〔省教育厅〕” has brackets, and without them it names no registered unit either; a unit cell takes a unit ID, "
        "full name or short name alone, with no brackets or remark",
    ]
