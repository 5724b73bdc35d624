"""A date typed as text and the same date as a number go through one year-range check."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
import pytest

from oversight.ingest import cells
from oversight.ingest.cell_text import DigitsIn1904Workbook, NumberIn1904Workbook


@pytest.mark.parametrize("value", [79999, "79999", " 79999 "])
def test_a_serial_day_far_in_the_future_is_refused_as_text_and_as_number(value):
    with pytest.raises(cells.CellError) as caught:
        cells.parse_date(value)
    assert caught.value.key == "error.date_out_of_range"
    assert caught.value.params["latest"] == cells.LATEST_YEAR


@pytest.mark.parametrize("value", [43905, "43905"])
def test_a_serial_day_in_range_reads_the_same_either_way(value):
    assert cells.parse_date(value) == date(2020, 3, 15)


# 5 March 2021 as a serial day of a workbook counting from 1904 (Excel for the Mac), and of every other workbook
SERIAL_1904, SERIAL_1900 = 42798, 44260
ACTIVITY_HEADER = ["活动编号", "单位", "活动日期", "活动类型", "备注"]


def _activities_1904(path, date1904_spelling: str = "1"):
    """An activities ledger in the 1904 date system: a date-formatted cell, a datetime, a serial in a General cell and
    a serial typed as text; ``date1904_spelling`` is how the workbook's XML says so (openpyxl writes "1")."""
    import openpyxl
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    from tests.bad_files import with_parts_edited

    book = openpyxl.Workbook()
    book.epoch = CALENDAR_MAC_1904
    sheet = book.active
    sheet.title = "活动"
    sheet.append(ACTIVITY_HEADER)
    sheet.append(["HD2021-901", "省政府研究室", date(2021, 3, 5), "定期会商", "date-formatted"])
    sheet.append(["HD2021-902", "省政府研究室", datetime(2021, 3, 6, 14, 30), "定期会商", "datetime"])
    sheet.append(["HD2021-903", "省政府研究室", SERIAL_1904, "定期会商", "General"])
    sheet.append(["HD2021-904", "省政府研究室", str(SERIAL_1904 + 2), "定期会商", "text"])
    sheet["C2"].number_format = "yyyy-mm-dd"
    sheet["C3"].number_format = "yyyy-mm-dd hh:mm"
    book.save(path)
    if date1904_spelling != "1":

        def spelled(parts):
            parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
                b'date1904="1"', f'date1904="{date1904_spelling}"'.encode()
            )

        path.write_bytes(with_parts_edited(path.read_bytes(), spelled))
    return path


@pytest.mark.parametrize("spelling", ["1", "true"])
def test_a_workbook_counting_from_1904_reads_its_serial_days_in_its_own_system(tmp_path, spelling):
    """A General serial read from 1900 fell on 2017-03-04: four years and a day early, without a word."""
    from oversight.contract.schema import TABLES
    from oversight.ingest import read_source

    path = _activities_1904(tmp_path / "活动.xlsx", spelling)
    assert b'date1904="' + spelling.encode() + b'"' in __import__("zipfile").ZipFile(path).read("xl/workbook.xml")
    read = read_source(path, TABLES["activities"], _context())
    assert list(read.frame["date"]) == [date(2021, 3, 5), date(2021, 3, 6), date(2021, 3, 5), date(2021, 3, 7)]


def test_a_legacy_workbook_counting_from_1904_reads_its_serial_days_in_its_own_system():
    from oversight.contract.schema import TABLES
    from oversight.ingest import Upload, read_source
    from tests.legacy_xls import xls_bytes

    rows = [ACTIVITY_HEADER, ["HD2021-903", "省政府研究室", SERIAL_1904, "定期会商", None]]
    for date1904, expected in ((True, date(2021, 3, 5)), (False, date(2017, 3, 4))):
        upload = Upload("活动.xls", xls_bytes({"活动": rows}, date1904=date1904))
        assert list(read_source(upload, TABLES["activities"], _context()).frame["date"]) == [expected]


def test_the_same_serial_day_means_the_other_date_in_each_system():
    assert cells.parse_date(SERIAL_1900) == date(2021, 3, 5)
    assert cells.parse_date(NumberIn1904Workbook(SERIAL_1904)) == date(2021, 3, 5)
    assert cells.parse_date(DigitsIn1904Workbook(str(SERIAL_1904))) == date(2021, 3, 5)
    assert cells.parse_date(NumberIn1904Workbook(20210305)) == date(2021, 3, 5)  # not a serial in either system


def _context():
    from oversight.data import store
    from oversight.ingest import checked_folder

    return cells.Context(cells.UnitResolver.from_units(checked_folder.read_folder(store.SAMPLE_DATA_DIR)["units"]))


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (2021, "“2021”只有年份，请填写具体日期（如2020年3月5日）"),
        (202103, "“202103”只有年月，请填写具体日期（如2020年3月5日）"),
        (210305, "“210305”不是日期，应为如2020-03-05、2020/3/5、2020.3.5或2020年3月5日的日期"),
        (5, "“5”不是日期，应为如2020-03-05、2020/3/5、2020.3.5或2020年3月5日的日期"),
    ],
)
def test_a_whole_number_that_is_no_serial_day_gets_the_message_its_text_gets(typed, message):
    """2021 was read as day 2021 of 1900 and refused as "not between 1990 and 2100", which 2021 is."""
    from oversight.core import i18n

    for value in (typed, float(typed), str(typed)):
        with pytest.raises(cells.CellError) as caught:
            cells.parse_date(value)
        assert i18n.t(caught.value.key, "zh", **caught.value.params) == message


@pytest.mark.parametrize(
    "text",
    ["2020年03月05日 星期四", "2020-03-05（周四）", "2020年3月5日星期四", "2020.3.5(礼拜四)", "２０２０/３/５ 周四"],
)
def test_a_date_with_its_weekday_written_after_it_reads_as_the_date(text):
    # office ledgers add the weekday; each was "not a date; expected a date such as 2020-03-05, …"
    assert cells.parse_date(text) == date(2020, 3, 5)


def test_a_weekday_that_is_not_the_dates_is_refused_as_a_mistyped_day():
    with pytest.raises(cells.CellError) as caught:
        cells.parse_date("2020/3/5 周五")  # 5 March 2020 was a Thursday
    assert (caught.value.key, caught.value.params) == (
        "error.date_weekday_mismatch",
        {"value": "2020/3/5 周五", "day": "2020-03-05"},
    )
    with pytest.raises(cells.CellError) as caught:
        cells.parse_date("2020-02-30 周日")
    assert (caught.value.key, caught.value.params["value"]) == ("error.date_impossible", "2020-02-30 周日")
    with pytest.raises(cells.CellError) as caught:
        cells.parse_date("周四")
    assert caught.value.key == "error.date_invalid"


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("二〇二〇年三月五日", date(2020, 3, 5)),
        ("二零二零年十二月三十一日", date(2020, 12, 31)),
        ("二○二○年十月十日", date(2020, 10, 10)),  # ○, the circle a keyboard gives for 〇
        ("二〇二〇年三月五号 星期四", date(2020, 3, 5)),
        ("2020年三月二十日", date(2020, 3, 20)),
    ],
)
def test_a_date_in_chinese_numerals_reads_as_the_date(text, day):
    # as a formal document dates itself: it was "not a date; expected a date such as 2020-03-05, …"
    assert cells.parse_date(text) == day


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("二〇二一年三月廿五日", date(2021, 3, 25)),
        ("二〇二一年三月廿日", date(2021, 3, 20)),
        ("2021年12月卅一日", date(2021, 12, 31)),
        ("二〇二一年十一月卅日", date(2021, 11, 30)),
        ("2021年3月廿五号", date(2021, 3, 25)),
    ],
)
def test_a_day_written_with_nian_or_sa_reads_as_the_date(text, day):
    """廿 and 卅 are 二十 and 三十 as a formal document writes a day: 二〇二一年三月廿五日 was "not a date" while
    二〇二一年三月二十五日 read."""
    assert cells.parse_date(text) == day


def test_a_day_with_nian_or_sa_that_is_no_day_is_refused_quoting_the_cell():
    for text, key in (("二〇二一年二月卅日", "error.date_impossible"), ("二〇二一年三月廿十日", "error.date_invalid")):
        with pytest.raises(cells.CellError) as caught:
            cells.parse_date(text)
        assert (caught.value.key, caught.value.params["value"]) == (key, text)


def test_a_date_in_chinese_numerals_that_is_no_day_is_refused_quoting_the_cell():
    for text, key in (
        ("二〇二〇年二月三十日", "error.date_impossible"),
        ("二〇二〇年三月", "error.date_month_only"),
        ("二〇二〇年三月五日 星期五", "error.date_weekday_mismatch"),
    ):
        with pytest.raises(cells.CellError) as caught:
            cells.parse_date(text)
        assert (caught.value.key, caught.value.params["value"]) == (key, text)


def test_a_date_with_the_year_last_is_read_only_where_day_and_month_cannot_be_mistaken():
    from oversight.core import i18n

    # 3/5/2020 is 5 March in an American workbook, 3 May in a British one: refused, saying both and the forms to use
    for text in ("3/5/2020", "05.03.2020", "3-5-2020"):
        with pytest.raises(cells.CellError) as caught:
            cells.parse_date(text)
        assert caught.value.key == "error.date_day_month_ambiguous"
        assert {caught.value.params["first"], caught.value.params["second"]} == {"2020-03-05", "2020-05-03"}
    assert i18n.t(caught.value.key, "zh", **caught.value.params) == (
        "“3-5-2020”的日和月分不清：可能是2020-03-05，也可能是2020-05-03；请把年份写在前面，如2020-03-05、2020/3/5或"
        "2020年3月5日"
    )
    assert i18n.t(caught.value.key, "en", **caught.value.params).startswith(
        "“3-5-2020” could be 2020-03-05 or 2020-05-03: which number is the day and which the month cannot be told"
    )
    assert cells.parse_date("13/5/2020") == cells.parse_date("5/13/2020") == date(2020, 5, 13)
    assert cells.parse_date("3/3/2020") == date(2020, 3, 3)
    with pytest.raises(cells.CellError) as caught:
        cells.parse_date("31/2/2020")
    assert caught.value.key == "error.date_impossible"


def test_a_ledgers_dates_typed_so_are_imported_or_refused_at_their_cells(tmp_path, monkeypatch):
    import shutil

    from oversight.data import store
    from oversight.ingest import import_plan
    from tests.bad_files import HEADERS, meeting, write_xlsx

    folder = shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data")
    rows = [meeting("HY2021-0001", day="二〇二一年一月五日"), meeting("HY2021-0002", day="1/6/2021")]
    new = write_xlsx(tmp_path / "会议.xlsx", {"会议": [HEADERS["meetings"], *rows]})
    plan = import_plan.plan_import(new, mode="append", folder=folder)
    assert [(p.row, p.column, p.message_key) for p in plan.problems] == [
        (3, "会议日期", "error.date_day_month_ambiguous")
    ]


@pytest.mark.parametrize(
    "typed",
    [
        "2021年3月5日 14:30",
        "2021年3月5日14时30分",
        "2021年3月5日 9点半",
        "2021/3/5 下午2:30",
        "2021-3-5上午",
        "2021.3.5 09:00",
        "2021-03-05T09:00",
        "2021年3月5日（星期五）上午9:00",
        "2021/3/5 2:30 PM",
        "２０２１年３月５日　１４：３０",
        "2021. 3. 5",
        "2021 年 3 月 5 日",
        44260.5,  # a date and time in a cell set to General: the serial day and the time as its fraction
        "44260.625",
    ],
)
def test_a_date_with_a_time_of_day_after_it_reads_as_its_day(typed):
    # a clerk's ledger and a system's export write the meeting's time after its day: only 2021-03-05 14:30 and
    # 2021/3/5 14:30 were read; 2021年3月5日 14:30 was "not a date; expected a date such as … 2020年3月5日"
    assert cells.parse_date(typed) == date(2021, 3, 5)


@pytest.mark.parametrize(
    "typed",
    [
        "2021-03-04T16:30:00Z",  # 00:30 on 5 March in Beijing, as a system exporting in UTC writes it
        "2021-03-04T16:30:00.250Z",
        "2021-03-04 16:30:00+00:00",
        "2021-03-05T15:59:59Z",  # 23:59:59 in Beijing: still the 5th
        "2021-03-05T09:00:00+08:00",
        "2021-03-05T23:30+0800",
        "2021-03-04T20:00:00-05:00",  # 09:00 on the 5th in Beijing
        "２０２１-０３-０４T１６:３０:００Z",
        datetime(2021, 3, 4, 16, 30, tzinfo=UTC),
        pd.Timestamp("2021-03-04T16:30:00Z"),
    ],
)
def test_a_moment_with_its_time_zone_reads_as_its_day_in_beijing(typed):
    # a system's export writes a moment with its zone (2021-03-04T16:30:00Z): that was "not a date; expected a date
    # such as 2020-03-05", and a moment read in its own zone is a day early for every meeting after 16:00 UTC. The
    # team keeps its ledgers in Beijing days (config.TEAM_TIME_ZONE), so a moment with a zone is read as that day
    assert cells.parse_date(typed) == date(2021, 3, 5)


def test_a_moment_with_its_time_zone_is_held_to_the_years_of_its_beijing_day():
    assert cells.parse_date("1989-12-31T16:30:00Z") == date(1990, 1, 1)  # the first day a date may have, in Beijing
    with pytest.raises(cells.CellError) as caught:
        cells.parse_date("1989-12-31T15:30:00Z")  # 23:30 on 31 December 1989 in Beijing
    assert (caught.value.key, caught.value.params["value"]) == ("error.date_out_of_range", "1989-12-31T15:30:00Z")
    with pytest.raises(cells.CellError) as caught:
        cells.parse_date("2021-02-29T09:00:00+08:00")
    assert (caught.value.key, caught.value.params["value"]) == ("error.date_impossible", "2021-02-29T09:00:00+08:00")


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("14:30", "error.date_invalid"),  # a time without its day
        ("2021-3-5 1", "error.date_invalid"),  # not the 51st: a space between numbers is no separator
        ("2021年2月30日 14:30", "error.date_impossible"),
        ("3/5/2021 14:30", "error.date_day_month_ambiguous"),
        ("2021年3月4日 星期五 14:30", "error.date_weekday_mismatch"),
    ],
)
def test_a_date_with_a_time_that_is_no_day_is_refused_quoting_the_whole_cell(typed, key):
    with pytest.raises(cells.CellError) as caught:
        cells.parse_date(typed)
    assert (caught.value.key, caught.value.params["value"]) == (key, typed)


def test_a_ledger_with_times_after_its_dates_is_imported_on_those_days(tmp_path):
    import shutil

    from oversight.data import store
    from oversight.ingest import commit, import_plan
    from tests import oracle
    from tests.bad_files import HEADERS, meeting, write_xlsx

    folder = shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data")
    before = len(oracle.read_ledgers(folder).meetings)
    typed = ["2021年3月5日 14:30", "2021/3/6 下午2:30", "2021年3月8日14时", 44264.375]
    rows = [meeting(f"HY2021-{n:04d}", day=day) for n, day in enumerate(typed, start=1)]
    new = write_xlsx(tmp_path / "会议.xlsx", {"会议": [HEADERS["meetings"], *rows]})
    plan = import_plan.plan_import(new, mode="append", folder=folder)
    assert [p.render("en") for p in plan.problems] == []
    commit.apply_import(plan, user="test")
    # the ledger as written, read by pandas: each meeting on the day the clerk typed, none more
    meetings = oracle.read_ledgers(folder).meetings
    assert len(meetings) == before + 4
    added = meetings[meetings["meeting_id"].str.startswith("HY2021-")]
    assert list(added["date"]) == [date(2021, 3, 5), date(2021, 3, 6), date(2021, 3, 8), date(2021, 3, 9)]


@pytest.mark.parametrize("typed", ["3月5日", "3月5号", "3/5", "3.5", "12月31日"])
def test_a_day_and_month_without_the_year_is_refused_asking_for_the_year(typed):
    from oversight.core import i18n

    # it was "not a date; expected a date such as 2020-03-05 …", which 3月5日 is to the clerk who typed it
    with pytest.raises(cells.CellError) as caught:
        cells.parse_date(typed)
    assert caught.value.key == "error.date_year_missing"
    assert i18n.t(caught.value.key, "zh", **caught.value.params) == (
        f"“{typed}”没有年份，请写明年份，如2020年3月5日或2020-03-05"
    )
    assert i18n.t(caught.value.key, "en", **caught.value.params).startswith(f"“{typed}” has no year")


# A range of days in one date cell, as a two-day meeting or a rectification window is written in a ledger
DATE_RANGES = {
    "2021.3.5-3.6": ("2021-03-05", "2021-03-06"),
    "2021年3月5日至6日": ("2021-03-05", "2021-03-06"),
    "2021年3月5日-3月6日": ("2021-03-05", "2021-03-06"),
    "2021-03-05至2021-03-06": ("2021-03-05", "2021-03-06"),
    "2021/3/5~3/6": ("2021-03-05", "2021-03-06"),
    "2021.3.5—3.6": ("2021-03-05", "2021-03-06"),
    "2021年3月5日、6日": ("2021-03-05", "2021-03-06"),
    "2021.3.30-4.2": ("2021-03-30", "2021-04-02"),
    "2021年12月30日至2022年1月2日": ("2021-12-30", "2022-01-02"),
}


@pytest.mark.parametrize("typed", list(DATE_RANGES))
def test_a_range_of_days_in_a_date_cell_is_refused_naming_its_first_and_last_day(typed):
    # it was "not a date; expected a date such as 2020-03-05 …": the clerk who wrote two real days learnt nothing
    with pytest.raises(cells.CellError) as caught:
        cells.parse_date(typed)
    assert caught.value.key == "error.date_range"
    assert (caught.value.params["first"], caught.value.params["last"]) == DATE_RANGES[typed]


def test_a_range_without_its_year_asks_for_one_day_with_its_year():
    with pytest.raises(cells.CellError) as caught:
        cells.parse_date("3月5-6日")
    assert caught.value.key == "error.date_range_year_missing"


def test_a_range_of_days_says_which_day_to_write_at_its_cell(tmp_path):
    """A meeting's date and an issue's 发现日期 take the first day (the day it began); 整改期限 and 整改完成日期 the
    last (the day it ends): each message names the day, in zh and en, at the file, sheet, row and column."""
    import shutil

    from oversight.data import store
    from oversight.ingest import import_plan
    from tests.bad_files import HEADERS, issue, meeting, write_xlsx

    folder = shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data")
    path = write_xlsx(
        tmp_path / "会议.xlsx", {"会议": [HEADERS["meetings"], meeting("HY2021-0001", day="2021.3.5-3.6")]}
    )
    plan = import_plan.plan_import(path, mode="append", folder=folder)
    assert [p.render("zh") for p in plan.problems] == [
        "会议.xlsx · 工作表“会议” · 第2行 · C列“会议日期”：“2021.3.5-3.6”是起止日期，一条记录只填一个日期：请填第一天"
        "2021-03-05，起止日期如需保留请写在备注里"
    ]
    assert [p.message("en") for p in plan.problems] == [
        "“2021.3.5-3.6” is a range of days, and a record takes one date: write the first day, 2021-03-05, and keep "
        "the range in the notes if it matters"
    ]
    path = write_xlsx(
        tmp_path / "问题.xlsx", {"问题": [HEADERS["issues"], issue("WT2021-901", due="2021年3月5日至31日")]}
    )
    plan = import_plan.plan_import(path, mode="append", folder=folder)
    assert [p.render("zh") for p in plan.problems] == [
        "问题.xlsx · 工作表“问题” · 第2行 · H列“整改期限”：“2021年3月5日至31日”是起止日期，一条记录只填一个日期："
        "此栏是截止的日子，请填最后一天2021-03-31"
    ]
    assert [p.message("en") for p in plan.problems] == [
        "“2021年3月5日至31日” is a range of days, and a record takes one date: this column is the day it ends, write "
        "the last day, 2021-03-31"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "2021年元月16日",
        "2021年元月16号",
        "2021 年 元月 16 日",
        "二〇二一年元月十六日",
        "2021年元月16日 星期六",
        "2021年元月16日 9:30",
    ],
)
def test_yuanyue_is_january_as_office_writing_has_it(text):
    # 元月 for 1月 in a clerk's ledger was "not a date; expected a date such as 2020-03-05, …"
    assert cells.parse_date(text) == date(2021, 1, 16)


def test_a_date_with_yuanyue_that_is_no_day_is_refused_for_what_it_lacks_quoting_the_cell():
    for text, key in (
        ("2021年元月", "error.date_month_only"),
        ("元月16日", "error.date_year_missing"),
        ("2021年元月32日", "error.date_impossible"),
        ("2021年元月16日 星期五", "error.date_weekday_mismatch"),
    ):
        with pytest.raises(cells.CellError) as caught:
            cells.parse_date(text)
        assert (caught.value.key, caught.value.params["value"]) == (key, text)


@pytest.mark.parametrize(
    ("text", "month"), [("2021年正月16日", "正月"), ("2021年正月初五", "正月"), ("2020年腊月廿三", "腊月")]
)
def test_a_lunar_month_is_refused_saying_it_is_the_lunar_calendars(text, month):
    """正月 is the first month of the lunar year (February 2021's 12th was 正月初一), not January: read as 1月 it would
    put a meeting weeks early. Refused, saying why and what to write, in both languages."""
    from oversight.core import i18n

    with pytest.raises(cells.CellError) as caught:
        cells.parse_date(text)
    assert (caught.value.key, caught.value.params) == ("error.date_lunar_month", {"value": text, "month": month})
    assert i18n.t(caught.value.key, "zh", **caught.value.params) == (
        f"“{text}”中的“{month}”是农历月份，不能当作公历月份；请填写公历日期（如2020年3月5日）"
    )
    assert i18n.t(caught.value.key, "en", **caught.value.params).startswith(
        f"“{text}”: {month} is a month of the Chinese lunar calendar"
    )


@pytest.mark.parametrize(
    "text", ["２０２１年１月１６日", "２０２１－０１－１６", "2021年01月16日", "2021.1.16", "二〇二一年一月十六日"]
)
def test_the_other_ways_a_clerk_writes_a_january_day_still_read(text):
    assert cells.parse_date(text) == date(2021, 1, 16)


@pytest.mark.parametrize("day", ["2021年元月5日", "二〇二一年一月五日", "2021年1月5日 星期二", "2021 年 1 月 5 日"])
def test_a_sign_off_lines_date_is_read_as_the_cells_dates_are(day):
    """The stamp's date under a ledger written as a date cell may be (元月, Chinese numerals, its weekday): the
    sign-off line was taken for a record missing its id, unit and the rest, a problem at each of its cells."""
    from oversight.ingest import record_rows

    assert record_rows._is_footer_row([None, "（单位盖章）", "填表人：张三", day], key_position=0)
    assert not record_rows._is_footer_row([None, "省政府研究室", day, "办公会议", 60], key_position=0)


@pytest.mark.parametrize("text", ["2021年元月初六", "2021年2月初五", "二〇二一年三月初十"])
def test_a_day_written_the_lunar_way_is_refused_saying_so(text):
    """初一 to 初十 write a day as the lunar calendar does: 元月初六 is most likely the lunar new year's sixth day,
    weeks after 6 January. It was refused as "not a date", with no word of why."""
    from oversight.core import i18n

    with pytest.raises(cells.CellError) as caught:
        cells.parse_date(text)
    day = text[-2:]
    assert (caught.value.key, caught.value.params) == ("error.date_lunar_day", {"value": text, "day": day})
    assert i18n.t(caught.value.key, "zh", **caught.value.params) == (
        f"“{text}”中的“{day}”是农历日子的写法，不能当作公历日期；请填写公历日期（如2020年3月5日）"
    )
