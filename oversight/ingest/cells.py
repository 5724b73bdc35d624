"""One cell's value as its column's kind: dates typed six ways, 是/否, counts with units, codes, unit names.

A value that breaks the contract raises ``CellError`` (a message key and its parameters); the sheet reader
turns it into a ``Problem`` at the cell's row and column. ``Context`` carries what a cell is checked
against beyond its own text: the known units and issue ids.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

import pandas as pd

from oversight import config
from oversight.contract.schema import BOOL, DATE, ENUM, INT, REF, SLUG, TEXT, UNIT, Column
from oversight.core import i18n
from oversight.core.safe_text import shortened
from oversight.ingest import durations
from oversight.ingest.cell_text import (
    DigitsIn1904Workbook,
    NumberFromAMergedCell,
    NumberIn1904Workbook,
    as_text,
    header_key,
    id_key,
    normalise_header,
    with_arabic_numbers,
)
from oversight.ingest.problems import Choices

EARLIEST_YEAR, LATEST_YEAR = 1990, 2100
_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "✔", "t", "对", "有", "☑", "☑\ufe0f", "✅"}
_FALSE = {"否", "n", "no", "false", "0", "×", "✗", "✘", "x", "f", "错", "无", "没有", "☐", "❌"}
# A crossed box: Word's check box shows a ticked box so (☒), and a clerk may mean "no" by it: two readings, refused
_EITHER = {"☒", "⊠"}
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_EPOCH_1904 = date(1904, 1, 1)  # serial day 0 of a workbook in the 1904 date system (Excel for the Mac)
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})(?: \d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})\.?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),  # 20200305, as some systems export it
)
# A date with the year last (3/5/2020, as an English Excel shows one): read only where the day cannot be the month
_YEAR_LAST = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$")
# A number in Chinese numerals before 年, 月, 日 or 号: 二〇二〇年三月五日, as a formal document dates itself; 廿 and 卅
# (twenty, thirty) as it writes a day, 三月廿五日, are 二十 and 三十 (a lunar month, 腊月廿三, is refused before this)
_CHINESE_NUMERAL = re.compile(r"([〇○零一二三四五六七八九十廿卅]+)(?=[年月日号])")
_TENS_IN_ONE = str.maketrans({"廿": "二十", "卅": "三十"})
_CHINESE_DIGITS = {character: str(number) for number, character in enumerate("〇一二三四五六七八九")} | {
    "○": "0",
    "零": "0",
}
# 元月 is January as office writing has it (2021年元月16日); 正月, 冬月 and 腊月 name months of the lunar calendar, some
# weeks after the Gregorian month of that number (2021's 正月初一 was 12 February): read as 1月 they would put a meeting
# weeks early, so they are refused saying so. Not after a numeral: 十二元月 is no month name.
_FIRST_MONTH = re.compile(r"(?<![\d〇○零一二三四五六七八九十])元月")
_LUNAR_MONTH = re.compile(r"正月|冬月|腊月|闰[一二三四五六七八九十]+月")
# 初一 to 初十: the lunar calendar's way of writing a month's first ten days (元月初六, 3月初五)
_LUNAR_DAY = re.compile(r"(?<=月)初[一二三四五六七八九十]")
_QUARTER_ONLY = re.compile(r"^\d{4}(?:年度?)?[-_/.]?(?:q[1-4]|第?[一二三四1-4]季度?)$", re.IGNORECASE)
_MONTH_ONLY = re.compile(r"^\d{4}(?:年\d{1,2}月?|[-/.]\d{1,2})$")
# A weekday written after the date, as office ledgers often add it: 2020年3月5日 星期四, 2020-03-05（周四）.
_WEEKDAY_AFTER = re.compile(r"\s*\(?\s*(?:星期|周|礼拜)([一二三四五六日天])\s*\)?$")
# Spaces beside a date's separators, as a clerk types them (2021. 3. 5, 2021 年 3 月 5 日); a space between two numbers
# is left, so that 2021-3-5 1 is not read as the 51st
_SPACE_BY_SEPARATOR = re.compile(r"\s*([-/.年月日号])\s*")
_WEEKDAYS = {name: number for number, name in enumerate("一二三四五六日")} | {"天": 6}
# A time of day written after the date, in any of the ways a ledger or an exported system writes it: 2021-03-05 14:30,
# 2021年3月5日 14:30, 2021年3月5日14时30分, 2021/3/5 下午2:30, 2021-3-5上午, 3/5/2021 2:30 PM. The meeting's day is the
# record; only the ISO and slash forms had taken a time, so 2021年3月5日 14:30 was "not a date".
_PART_OF_DAY = r"(?:上午|下午|中午|晚上|早上|凌晨)"
_CLOCK = r"\d{1,2}(?::\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[ap]\.?m\.?)?|[时点](?:\d{1,2}分(?:\d{1,2}秒)?|半)?)"
_TIME_AFTER = re.compile(rf"(?:[T\s]+|(?<=[日号)]))(?:{_PART_OF_DAY}\s*)?{_CLOCK}$|\s*{_PART_OF_DAY}$", re.IGNORECASE)
# A moment with its time zone, as a system exporting in UTC writes one (2021-03-04T16:30:00Z, …+08:00): the day is
# the team's (Beijing) day of that moment, not the day written, which is a day early for every moment after 16:00 UTC
_ZONED_MOMENT = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|([+-])(\d{2}):?(\d{2}))$",
    re.IGNORECASE,
)
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
# A year in two digits (21/3/5, 21.3.5, 21年3月5日; 3/5/21): 21/3/5 is 5 March 2021 to a Chinese Excel's yy/m/d and
# 21 March 2005 to a British d/m/yy, so no reading is safe
_TWO_DIGIT_YEAR = re.compile(r"^(?:\d{1,2}([-/.])\d{1,2}\1\d{1,2}|\d{2}年\d{1,2}月\d{1,2}[日号]?)$")
# A day and month without the year (3月5日, 3/5): which year the clerk meant, only the clerk knows
_YEAR_MISSING = re.compile(r"^\d{1,2}(?:月\d{1,2}[日号]?|[-/.]\d{1,2})$")
# Two days in one date cell (2021.3.5-3.6, 2021年3月5日至6日, 3月5-6日, 2021年3月5日、6日): the last day may leave
# out its year and month, as it is written. Spaces are taken out first; a full date never gets this far.
_DATE_RANGE = re.compile(
    r"^(?:(\d{4})[年./-])?(\d{1,2})[月./-](\d{1,2})[日号]?"
    r"(?:[-~〜至到—–、,，和]|——)"
    r"(?:(\d{4})[年./-])?(?:(\d{1,2})[月./-])?(\d{1,2})[日号]?$"
)
_INT_WITH_UNIT = re.compile(r"^([+-]?\d+(?:\.0*)?)(?:分钟|分|min|mins|minutes|个议题|个|项|条|次|件)?$")


class CellError(Exception):
    """A cell that breaks its column's rule: the message key and its parameters, located by the caller."""

    def __init__(self, key: str, **params: Any):
        self.key, self.params = key, params


def _checked_date(day: date, shown: object) -> date:
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise CellError("error.date_out_of_range", value=as_text(shown), earliest=EARLIEST_YEAR, latest=LATEST_YEAR)
    return day


# The serial days read as dates, typed as numbers or as text: 1954 to 2119, wider than the years accepted, so that a
# serial just outside them is named as a date out of range
_SERIALS = range(20000, 80001)


def _is_year(text: str) -> bool:
    return len(text) == 4 and text.isdigit() and EARLIEST_YEAR <= int(text) <= LATEST_YEAR


def parse_date(value: object) -> date:
    if isinstance(value, time):
        # a date-formatted cell holding 0 or a negative number reads as a time of day alone: "00:00:00" quoted
        # back to the clerk named a value they never typed
        raise CellError("error.date_time_of_day", value=value.strftime("%H:%M"))
    if isinstance(value, (pd.Timestamp, datetime)):
        return _checked_date(_team_day(value), value)
    if isinstance(value, date):
        return _checked_date(value, value)
    # the workbook's own date system gives a serial day its meaning (see files._in_its_date_system)
    epoch = _EXCEL_EPOCH_1904 if isinstance(value, (NumberIn1904Workbook, DigitsIn1904Workbook)) else _EXCEL_EPOCH
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not float(value).is_integer():
            # a serial day with its time as the fraction (a date and time whose cell was set to General): the day
            if _SERIALS.start <= value < _SERIALS.stop:
                return _checked_date(epoch + timedelta(days=int(value)), value)
            raise CellError("error.date_invalid", value=as_text(value))
        # Excel serial day numbers, as a cell with the General format holds them, over the same span as typed as
        # text; any other whole number (2021, 202103, 20200305) is read as its digits are, so that it gets the
        # text's message ("only a year"), not a year range that 2021, read as day 2021 of 1900, contradicted
        if _SERIALS.start <= value < _SERIALS.stop:
            return _checked_date(epoch + timedelta(days=int(value)), value)
        return _parse_date_text(str(int(value)), epoch)
    return _parse_date_text(unicodedata.normalize("NFKC", str(value)).strip(), epoch)


def _in_arabic_numerals(match: re.Match[str]) -> str:
    """二〇二〇 (before 年) digit by digit; 三, 十二, 三十一, 廿五 (before 月, 日) as the number; anything else as it was."""
    numeral = match.group(1).translate(_TENS_IN_ONE)
    if "十" not in numeral:
        return "".join(_CHINESE_DIGITS[character] for character in numeral)
    tens, _, ones = numeral.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones or tens in ("〇", "○", "零") or ones in ("〇", "○", "零"):
        return numeral  # not a month or a day: left to be refused as typed
    return str(int(_CHINESE_DIGITS.get(tens, "1")) * 10 + int(_CHINESE_DIGITS.get(ones, "0")))


def _year_last(match: re.Match[str], text: str) -> date:
    """3/5/2020 is March 5 in an American workbook and 3 May in a British one: read only where the two readings are
    one day (13/5/2020, 5/13/2020, 3/3/2020), else refused saying both."""
    first, second, year = int(match.group(1)), int(match.group(3)), int(match.group(4))
    readings = []
    for month, day in ((first, second), (second, first)):
        try:
            readings.append(date(year, month, day))
        except ValueError:
            continue
    if not readings:
        raise CellError("error.date_impossible", value=text)
    if len(set(readings)) > 1:
        first_reading, second_reading = readings
        raise CellError(
            "error.date_day_month_ambiguous",
            value=text,
            first=first_reading.isoformat(),
            second=second_reading.isoformat(),
        )
    return _checked_date(readings[0], text)


def _team_day(moment: datetime) -> date:
    """A moment's day: a moment with its time zone on the team's (Beijing) calendar, one without as it is written."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.date()
    return moment.astimezone(config.TEAM_TIME_ZONE).date()


def _zoned_moment(match: re.Match[str], text: str) -> date:
    """The Beijing day of a moment written with its zone (``_ZONED_MOMENT``); the cell's text quoted if it is none."""
    year, month, day, hour, minute = (int(match.group(n)) for n in range(1, 6))
    try:
        date(year, month, day)  # 2021-02-29T09:00+08:00 is no day, as 2021-02-29 is not
    except ValueError:
        raise CellError("error.date_impossible", value=text) from None
    offset = timedelta(0)
    if match.group(8):
        offset = timedelta(hours=int(match.group(9)), minutes=int(match.group(10)))
        offset = -offset if match.group(8) == "-" else offset
    try:
        moment = datetime(year, month, day, hour, minute, int(match.group(6) or 0), tzinfo=timezone(offset))
    except ValueError:  # 25:00, or an offset of a day or more
        raise CellError("error.date_invalid", value=text) from None
    return _checked_date(_team_day(moment), text)


def _parse_date_text(text: str, epoch: date = _EXCEL_EPOCH) -> date:
    zoned = _ZONED_MOMENT.match(text)
    if zoned:
        return _zoned_moment(zoned, text)
    lunar = _LUNAR_MONTH.search(text)
    if lunar:
        raise CellError("error.date_lunar_month", value=text, month=lunar.group())
    lunar_day = _LUNAR_DAY.search(text)
    if lunar_day:
        raise CellError("error.date_lunar_day", value=text, day=lunar_day.group())
    arabic = _CHINESE_NUMERAL.sub(_in_arabic_numerals, _FIRST_MONTH.sub("1月", text))
    if arabic != text:
        try:
            return _parse_date_text(arabic, epoch)
        except CellError as error:  # quoted as the cell holds it
            error.params["value"] = text
            raise
    time_of_day = _TIME_AFTER.search(text)
    if time_of_day and time_of_day.start() > 0:
        try:
            return _parse_date_text(text[: time_of_day.start()], epoch)
        except CellError as error:  # quoted as the cell holds it
            error.params["value"] = text
            raise
    year_last = _YEAR_LAST.match(text)
    if year_last:
        return _year_last(year_last, text)
    weekday = _WEEKDAY_AFTER.search(text)
    if weekday and weekday.start() > 0:
        # read, and checked: a weekday that is not the date's tells of a mistyped day (a day before, a day after)
        try:
            the_date = _parse_date_text(text[: weekday.start()], epoch)
        except CellError as error:  # quoted as the cell holds it
            error.params["value"] = text
            raise
        if the_date.weekday() != _WEEKDAYS[weekday.group(1)]:
            raise CellError("error.date_weekday_mismatch", value=text, day=the_date.isoformat())
        return the_date
    compact = text.replace(" ", "")
    if _QUARTER_ONLY.match(compact):
        raise CellError("error.date_quarter_only", value=text)
    if _MONTH_ONLY.match(compact):
        raise CellError("error.date_month_only", value=text)
    serial_day, dot, fraction = compact.partition(".")
    if serial_day.isdigit() and int(serial_day) in _SERIALS and (not dot or fraction.isdigit()):
        # an Excel serial day typed as text (with its time as the fraction or not): the same year-range check as the
        # number 79999 gets
        return _checked_date(epoch + timedelta(days=int(serial_day)), text)
    if _YEAR_MISSING.match(compact):
        raise CellError("error.date_year_missing", value=text)
    if _is_year(compact.removesuffix("年")):
        raise CellError("error.date_year_only", value=text)
    if compact.isdigit() and len(compact) == 6 and _is_year(compact[:4]) and 1 <= int(compact[4:]) <= 12:
        raise CellError("error.date_month_only", value=text)  # 202103, as some systems export a month
    for pattern in _DATE_PATTERNS:
        match = pattern.match(_SPACE_BY_SEPARATOR.sub(r"\1", text))  # the time was taken off above
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                return _checked_date(date(year, month, day), text)
            except ValueError:
                raise CellError("error.date_impossible", value=text) from None
    if _TWO_DIGIT_YEAR.match(_SPACE_BY_SEPARATOR.sub(r"\1", text)):
        raise CellError("error.date_two_digit_year", value=text)
    days = _DATE_RANGE.match(compact)
    if days:
        _refuse_range(days, text)
    raise CellError("error.date_invalid", value=text)


def _refuse_range(days: re.Match[str], text: str) -> None:
    """A range of days is no date a record can take (one meeting, one issue raised, one deadline): refused naming
    its first and last day, so that the column's caller can say which one to write."""
    year, month, day, last_year, last_month, last_day = days.groups()
    if year is None:
        raise CellError("error.date_range_year_missing", value=text)
    try:
        first = date(int(year), int(month), int(day))
        last = date(int(last_year or year), int(last_month or month), int(last_day))
    except ValueError:
        raise CellError("error.date_impossible", value=text) from None
    _checked_date(first, text)
    raise CellError("error.date_range", value=text, first=first.isoformat(), last=_checked_date(last, text).isoformat())


# 已报送 / 未报送, 已列席 / 未列席, 已合并 / 未合并: the column's own deed, done or not done. Only a deed its header
# names counts (报送 and 审核 of 议题提前报送审核): 未知 or 未定 says nothing of it, and is refused.
_DONE_OR_NOT = re.compile(r"^(已|未|没有|没)([\u4e00-\u9fff]{2,8})$")
# 是（已报送）, 否(请假): the answer, a remark in brackets after it
_WITH_A_REMARK = re.compile(r"^([^()]+)\([^()]*\)$")


def _deed_done(text: str, column: Column | None) -> bool | None:
    """True for 已 and a deed the column's header names, False for 未/没 and it; None for any other text."""
    match = _DONE_OR_NOT.match(text)
    if match is None or column is None:
        return None
    done, deed = match.groups()
    if any(word in deed for word in ("已", "未", "没", "不")):  # 已报送未审核: two answers in one cell
        return None
    named = any(deed in header_key(spelling) for spelling in (column.zh, *column.aliases))
    return (done == "已") if named else None


def parse_bool(value: object, column: Column | None = None) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = normalise_header(value)
    remark = _WITH_A_REMARK.match(text)
    if remark and remark.group(1) in _TRUE | _FALSE:
        answer, note = remark.group(1), text[len(remark.group(1)) + 1 : -1]
        # a remark that answers the other way (是（否）, 是（未报送）, 否（已列席）) leaves two answers: refused below
        other_way = ("未", "没", "不", "否", "无") if answer in _TRUE else ("已", "是", "有")
        if not any(word in note for word in other_way):
            text = answer
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    deed = _deed_done(text, column)
    if deed is not None:
        return deed
    if text in _EITHER:
        raise CellError("error.bool_crossed_box", value=as_text(value))
    raise CellError("error.bool_invalid", value=as_text(value))


def parse_int(value: object, column: Column) -> int:
    if isinstance(value, bool):
        raise CellError("error.int_invalid", value=str(value))
    if isinstance(value, NumberFromAMergedCell):  # which row's it is, or whether it is a total, only the clerk knows
        last_row = value.first_row + value.rows - 1
        raise CellError("error.int_merged", value=as_text(float(value)), first_row=value.first_row, last_row=last_row)
    converted = False  # minutes worked out from hours: 1.33小时 is refused as no whole number of minutes, not of hours
    if column.minutes and isinstance(value, timedelta):  # a cell formatted [h]:mm, as =结束-开始 leaves a length
        number = _without_float_noise(durations.minutes_of(value))
    elif column.minutes and durations.is_clock(value):
        # 1:30 typed, or a cell formatted as a time of day: 90 minutes, or the time the meeting began (9:00 read as
        # 540 minutes would be a false figure): the clerk writes which
        shown = f"{value.hour}:{value.minute:02d}" if isinstance(value, time) else as_text(value)
        raise CellError("error.duration_clock", value=shown)
    elif isinstance(value, (int, float)):
        number = _without_float_noise(float(value))
    else:
        # 三项, 十二个, 九十分钟: a count in Chinese numerals is the number (二〇 is left, and refused)
        text = with_arabic_numbers(normalise_header(value).replace(",", ""))
        match = _INT_WITH_UNIT.match(text)
        in_words = durations.minutes_in_words(text) if column.minutes and not match else None
        if match:
            number = float(match.group(1))
        elif in_words is not None:
            # 1.5小时 and 一个半小时 are 90 minutes exactly; 1.33小时 (79.8) is no whole number of minutes, refused below
            number, converted = _without_float_noise(in_words), True
        elif durations.is_estimate(text):  # 约两小时 in a length, 约5个 in a count: no total can add either up
            raise CellError(
                "error.duration_estimate" if column.minutes else "error.count_estimate", value=as_text(value)
            )
        else:
            raise CellError("error.int_invalid", value=as_text(value))
    if not number.is_integer():
        if converted:
            raise CellError("error.minutes_not_whole", value=as_text(value), minutes=as_text(number))
        raise CellError("error.int_invalid", value=as_text(value))
    if column.minimum is not None and number < column.minimum:
        if column.minimum == 0:
            raise CellError("error.int_negative", value=int(number))
        raise CellError("error.int_below_minimum", value=int(number), minimum=column.minimum)
    if column.maximum is not None and number > column.maximum:
        raise CellError("error.int_above_maximum", value=as_text(value), maximum=column.maximum)
    return int(number)


# How far a computed result may stray from a whole number and still be one: binary fractions leave about 1e-16 of
# its size; a real fraction (90.5, or 0.1 of a minute) is far more.
_FLOAT_NOISE = 1e-9


def _without_float_noise(number: float) -> float:
    """The whole number a computed result only misses by floating-point noise, as Excel shows it: (11:45 − 8:30) ×
    1440 is 194.99999999999994 and shows 195; a clerk cannot find the digits of the noise in the cell."""
    if not math.isfinite(number):
        return number
    nearest = round(number)
    return float(nearest) if abs(number - nearest) <= _FLOAT_NOISE * max(1.0, abs(number)) else number


def _choice_lookup(choices: dict[str, str]) -> dict[str, str]:
    english = i18n.catalog("en")
    lookup: dict[str, str] = {}
    for code, label in choices.items():
        for spelling in (code, label, english.get(f"code.{code}")):
            if spelling:
                lookup.setdefault(header_key(spelling), code)
        # "党组(党委)会议" is also written "党组会议" or "党委会议".
        for head, alternative, tail in re.findall(r"^(.*)\((.*)\)(.*)$", unicodedata.normalize("NFKC", label)):
            lookup.setdefault(header_key(head + tail), code)
            lookup.setdefault(header_key(alternative + tail), code)
    return lookup


# between a unit's short names in one cell: 办公厅、政府办
UNIT_NAME_SEPARATORS = re.compile(r"[;；,，、/]")


# The brackets a unit's name is typed in or followed by (【省政府研究室】, 省信访局（牵头）, [研究室]), NFKC or not
_BRACKETS = re.compile(r"[()\[\]{}<>（）［］【】〔〕〖〗「」『』《》〈〉]")
_IN_BRACKETS = re.compile(
    r"[(\[{<（［【〔〖「『《〈]([^()\[\]{}<>（）［］【】〔〕〖〗「」『』《》〈〉]*)[)\]}>）］】〕〗」』》〉]"
)


@dataclass
class UnitResolver:
    """Maps a unit's id, Chinese or English name or short name to its id; ``names`` gives an id's names (zh, en) for messages."""

    lookup: dict[str, str]
    names: dict[str, tuple[str, str]] = field(default_factory=dict)

    @classmethod
    def from_units(cls, units: pd.DataFrame) -> UnitResolver:
        lookup: dict[str, str] = {}
        unit_names: dict[str, tuple[str, str]] = {}
        for row in units.itertuples(index=False):
            zh, en = (
                name if isinstance(name, str) and name.strip() else row.unit_id for name in (row.name_zh, row.name_en)
            )
            unit_names.setdefault(row.unit_id, (zh, en))
            # the English short name too: it is what the English charts, chips and lists show, and it was refused
            # as "not a registered unit" (every name and short name names one unit only: the units sheet says so)
            names = [row.unit_id, row.name_zh, row.name_en, getattr(row, "short_name_en", None)]
            short = row.short_names if isinstance(row.short_names, str) else ""
            names += UNIT_NAME_SEPARATORS.split(short)
            for name in names:
                if isinstance(name, str) and name.strip():
                    lookup.setdefault(normalise_header(name), row.unit_id)
        return cls(lookup, unit_names)

    def find(self, value: object) -> str | None:
        """The id of the unit ``value`` names, or None."""
        # as_text takes off the apostrophe our exports put before text a spreadsheet would run as a formula
        return self.lookup.get(normalise_header(as_text(value)))

    def resolve(self, value: object) -> str:
        unit_id = self.find(value)
        if unit_id is None:
            text = as_text(value)
            _refuse_invisible(text)
            if _BRACKETS.search(text):
                self._refuse_bracketed(text)
            raise CellError("error.unit_unknown", value=text)
        return unit_id

    def _refuse_bracketed(self, text: str) -> None:
        """【省政府研究室】, 省信访局（牵头）: the brackets, not the unit, are what is wrong, so the message names the
        unit the text inside or outside them names (never taken for it: 省信访局（与办公厅联合） is two units)."""
        outside = _IN_BRACKETS.sub("", text)
        for candidate in (_BRACKETS.sub("", text), outside, *_IN_BRACKETS.findall(text)):
            unit_id = self.find(_BRACKETS.sub("", candidate))
            if unit_id is not None:
                name = self.names.get(unit_id, (unit_id, unit_id))[0]
                raise CellError("error.unit_bracketed", value=text, name=name)
        raise CellError("error.unit_bracketed_unknown", value=text)


@dataclass
class Context:
    """What a table's cells are checked against: the known units, and the known issues with each one's unit (a
    suggestion links to an issue of its own unit)."""

    units: UnitResolver | None = None
    issue_units: Mapping[str, str] = field(default_factory=dict)  # issue id → unit id

    def know_issues(self, issues: pd.DataFrame) -> None:
        rows = issues[issues["issue_id"].notna()]
        # an issue whose unit did not read has a problem of its own: its links are not judged by it
        self.issue_units = {i: u if isinstance(u, str) else "" for i, u in zip(rows["issue_id"], rows["unit"])}


# Invisible control characters (C0 but tab and line breaks, DEL, C1, and the XML non-characters) break the
# Word and slide writers and the image renderer later, far from the cell that brought them: refuse them here.
# So are the bidirectional embeddings, overrides and isolates: U+202E shows the rest of a description reversed,
# on screen, in the briefing and in a pushed warning.
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\u202a-\u202e\u2066-\u2069]")
# In an id, the invisible characters too (zero widths, direction marks, the byte-order mark): "WT2020-0\u200b15"
# looks exactly like WT2020-015 and would stand as a second record of it.
_INVISIBLE_IN_IDS = re.compile("[\u061c\u200b-\u200f\u2060\ufeff]")


def control_character(text: str, pattern: re.Pattern[str] = _CONTROL_CHARACTERS) -> str | None:
    """The first forbidden control character of ``text`` as ``U+000B``; None when there is none."""
    found = pattern.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


# Excel's own most for a cell, for every file: a workbook another program wrote may hold more (calamine reads it
# whole), and a CSV field is read up to ``files.MAX_CSV_FIELD_CHARS``, one more.
MAX_TEXT_CHARS = 32_767


def parse_text(value: object) -> str:
    text = as_text(value)
    if len(text) > MAX_TEXT_CHARS:
        raise CellError("error.text_too_long", length=f"{len(text):,}", limit=f"{MAX_TEXT_CHARS:,}")
    code = control_character(text)
    if code is not None:
        raise CellError("error.control_character", code=code)
    return text


def _refuse_invisible(text: str) -> None:
    """A unit or a linked issue not found whose text holds an invisible character (a zero width, a direction mark):
    that character is what to delete, not a unit "not registered" or an issue that "does not exist", which the clerk
    sees in the cell."""
    code = control_character(text) or control_character(text, _INVISIBLE_IN_IDS)
    if code is not None:
        raise CellError("error.control_character", code=code)


def parse_id(value: object) -> str:
    text = parse_line(value)
    code = control_character(text, _INVISIBLE_IN_IDS)
    if code is not None:
        raise CellError("error.control_character", code=code)
    return text


_LINE_BREAK_OR_TAB = re.compile("[\t\n\r\u2028\u2029]")


# The most a name or a number holds (the sample's longest, an English name, has 63 characters): a unit named with 10,000
# (a description pasted into the name's column) left the brief's cover blank under 监督范围： and filled five pages
# wherever a sentence named it. A description or a note may hold as much as a cell.
MAX_LINE_CHARS = 100


def parse_line(value: object) -> str:
    """A name's text: on one line (a line break inside a unit's name forged a second heading in the digest), and no
    longer than ``MAX_LINE_CHARS``."""
    text = parse_text(value)
    if _LINE_BREAK_OR_TAB.search(text):
        raise CellError("error.line_break", value=shortened(text, 100))
    if len(text) > MAX_LINE_CHARS:
        raise CellError(
            "error.name_too_long", value=shortened(text, 20), length=f"{len(text):,}", limit=f"{MAX_LINE_CHARS:,}"
        )
    return text


def parse_hours(value: object, column: Column) -> int:
    """A cell of a length headed in hours (时长（小时）): 1.5 is 90 minutes; a cell that names its own unit (90分钟,
    1小时30分) is read as it says."""
    hours: object = value
    if isinstance(value, str):
        text = normalise_header(value)
        try:
            hours = float(text)
        except ValueError:
            return parse_int(value, column)  # its own unit, or refused as any length is
    if isinstance(hours, bool) or not isinstance(hours, (int, float)) or isinstance(value, NumberFromAMergedCell):
        return parse_int(value, column)
    minutes = float(hours) * 60
    try:
        return parse_int(minutes, column)
    except CellError as error:  # quoted as the cell holds it: 1.33 hours, not the 79.8 minutes it makes
        if error.key == "error.int_invalid":  # said "should be a whole number" of a cell headed in hours
            error.key, error.params["minutes"] = "error.minutes_not_whole", as_text(minutes)
        error.params["value"] = as_text(value)
        raise


# The date columns that say when something ends (整改期限, 整改完成日期): of a range of days, the last is theirs;
# every other date (a meeting, an issue raised, a suggestion made, a reminder) is the day it began
DATES_THAT_END = frozenset({"due_date", "rectified_date"})


def _parse_end_date(value: object) -> date:
    try:
        return parse_date(value)
    except CellError as error:
        if error.key == "error.date_range":
            error.key = "error.date_range_end"
        raise


def cell_parser(column: Column, context: Context, in_hours: bool = False) -> Callable[[object], object]:
    kind = column.kind
    if kind == INT and in_hours:
        return lambda value: parse_hours(value, column)
    if kind == TEXT:
        return parse_id if column.unique else parse_text if column.multiline else parse_line
    if kind == SLUG:

        def parse_slug(value: object) -> str:
            text = as_text(value)
            if not _SLUG.match(text):
                raise CellError("error.slug_invalid", value=text)
            return text

        return parse_slug
    if kind == INT:
        return lambda value: parse_int(value, column)
    if kind == DATE:
        return parse_date if column.name not in DATES_THAT_END else _parse_end_date
    if kind == BOOL:
        return lambda value: parse_bool(value, column)
    if kind == ENUM:
        choices = _choice_lookup(column.choices)
        allowed = Choices.of(column.choices)

        def parse_choice(value: object) -> str:
            code = choices.get(header_key(value))
            if code is None:
                raise CellError("error.enum_invalid", value=as_text(value), allowed=allowed)
            return code

        return parse_choice
    if kind == UNIT:

        def parse_unit(value: object) -> str:
            if context.units is None:
                raise CellError("error.unit_unknown", value=as_text(value))
            return context.units.resolve(value)

        return parse_unit
    if kind == REF:
        # an id is one record however its width and case are typed (``id_key``): 'wt2019-006' links WT2019-006,
        # which was refused as an issue that "does not exist"; the link is kept as the issue's own id
        issue_by_key = {id_key(issue_id): issue_id for issue_id in context.issue_units}

        def parse_ref(value: object) -> str:
            text = as_text(value)
            if text not in context.issue_units:
                issue_id = issue_by_key.get(id_key(text))
                if issue_id is None:
                    _refuse_invisible(text)
                    raise CellError("error.ref_unknown", value=text)
                return issue_id
            return text

        return parse_ref
    raise AssertionError(f"unknown column kind {kind}")  # a contract bug, not user input


# Kinds with few distinct values: parse each distinct value once (a 100k-row ledger has 9 units).
CACHED_KINDS = (DATE, BOOL, ENUM, UNIT, REF, SLUG)
