"""What a raw cell says, before any column's rules: blank or not, its text, its folded form for matching.

Shared by every stage that looks at cells (the file reader filling merged cells, the header finder, the row
classifier, the cell parsers), so that "blank" and "the same header" mean one thing everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

import pandas as pd

# What a spreadsheet runs as a formula when a cell starts with it (our exports prefix such text with "'").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_HEADER_NOISE = re.compile(r"[\s_\-()\[\]{}*※:：]+")


class ErrorValue(str):
    """A cell showing an Excel error value (``#N/A``, ``#REF!``), as the clerk sees it. calamine hands such a cell
    over as ``""``, which read as blank: ``xlsx_cells`` puts the value back marked so, and every column refuses it."""


# The values Excel shows for a formula that failed, as a CSV it saves writes them: the cell's text is the value alone
EXCEL_ERROR_TEXTS = frozenset(
    {
        "#N/A",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#NULL!",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
        "#GETTING_DATA",
    }
)


def error_value_of_text(text: str) -> ErrorValue | None:
    """A text cell that is an Excel error value (``#N/A``, ``#REF!``), as Excel saves a cell showing one to CSV (or a
    system exporting a sheet writes it): the same ``ErrorValue`` an .xlsx's error cell reads as; None for other text."""
    trimmed = text.strip()
    return ErrorValue(trimmed) if trimmed.upper() in EXCEL_ERROR_TEXTS else None


class NumberIn1904Workbook(float):
    """A number from a workbook that counts dates from 1904 (Excel for the Mac's date system): as a serial day it
    means days since 1 January 1904, four years and a day later than the same number in any other workbook."""


class NumberFromAMergedCell(float):
    """A number a cell merged over several rows shows, filled into a row under its first: a count or a length is
    one record's, and copied into each it counted a 90-minute session of three merged meetings as 270 minutes."""

    first_row: int  # the Excel row the merged cell starts on
    rows: int  # how many rows it spans

    def __new__(cls, value: float, first_row: int, rows: int) -> NumberFromAMergedCell:
        number = super().__new__(cls, value)
        number.first_row, number.rows = first_row, rows
        return number


class DigitsIn1904Workbook(str):
    """Text of digits alone (a serial day typed as text) from a workbook that counts dates from 1904."""


def in_1904_date_system(value: object) -> object:
    """``value`` marked as read from a 1904 workbook where a date column could read it as a serial day."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return NumberIn1904Workbook(value)
    if isinstance(value, str) and value.strip().isdigit():
        return DigitsIn1904Workbook(value)
    return value


def is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        text = value.strip()
        # zero-width characters (U+200B, a BOM, a joiner) are invisible as spaces are: a required cell holding
        # only them looked empty to the clerk and counted as filled
        return not text or (
            not text.isprintable() and all(c.isspace() or unicodedata.category(c) == "Cf" for c in text)
        )
    if isinstance(value, float) and value != value:  # NaN
        return True
    return value is pd.NaT


def as_text(value: object) -> str:
    """A cell as the text a clerk sees: trimmed, whole numbers without ".0", other numbers to Excel's 15 significant
    digits, dates in ISO form."""
    if isinstance(value, str):
        text = value.strip()
        # Our own exports prefix formula-like text with an apostrophe; take it off again.
        if text.startswith("'") and text[1:2] and text[1:].startswith(FORMULA_PREFIXES):
            return text[1:]
        return text
    if isinstance(value, float):
        # as Excel shows a number, to 15 significant digits: 90.50000000000001 is the 90.5 of the clerk's cell; past
        # 15 digits in Excel's exponent form (1E+308, not a number of 309 digits)
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        text = format(value, ".15g")
        return text.upper() if "e" in text else text
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip()


# The dashes a hyphen is typed as: ‐ ‑ ‒ – — ― (Word's autocorrect, a Chinese input method), the minus sign, ⸺ ⸻.
# HY2019–0001 with an en dash read as a new meeting beside HY2019-0001, and the meeting counted twice.
_DASHES = re.compile("[\u2010-\u2015\u2212\u2e3a\u2e3b]")


def id_key(value: object) -> object:
    """What two ids are compared by: ``ＷＴ2020-013``, ``wt2020-013`` and ``WT2020–013`` are the same record typed
    twice (full width, case, a dash for the hyphen), so they must not stand as two (text only; the id itself is kept
    as typed)."""
    if not isinstance(value, str):
        return value
    return _DASHES.sub("-", unicodedata.normalize("NFKC", value)).casefold()


_SPOKEN_DIGITS = {character: number for number, character in enumerate("〇一二三四五六七八九")} | {"零": 0, "两": 2}
_SPOKEN_NUMBER = re.compile(r"[〇零一二两三四五六七八九十百]+")


def _spoken_value(numeral: str) -> str:
    """一百二十 → 120, 九十 → 90, 十五 → 15, 两 → 2: a number as spoken, up to 999; anything else as it was."""
    total, digit = 0, None
    for character in numeral:
        if character in ("十", "百"):
            total += (1 if digit is None else digit) * (10 if character == "十" else 100)
            digit = None
        elif digit is not None:
            return numeral  # two digits side by side (二〇): a year's way of writing, no count's
        else:
            digit = _SPOKEN_DIGITS[character]
    return str(total + (digit or 0))


def with_arabic_numbers(text: str) -> str:
    """A count or a length written in Chinese numerals in Arabic ones: 三项 → 3项, 一个半小时 → 1个半小时."""
    return _SPOKEN_NUMBER.sub(lambda match: _spoken_value(match.group()), text)


def normalise_header(text: object) -> str:
    """Text reduced to what matters for matching: NFKC (full-width → ASCII), lower case, no whitespace."""
    folded = unicodedata.normalize("NFKC", "" if text is None else str(text))
    return re.sub(r"\s+", "", folded).lower()


def header_key(text: object) -> str:
    """A header cell reduced further: brackets, underscores, hyphens, ``*`` required-marks and colons go too.

    So ``时长（分钟）``, ``时长\\n(分钟)``, ``*时长(分钟)：`` and ``Duration (min)`` / ``duration_min`` match.
    """
    folded = unicodedata.normalize("NFKC", "" if text is None else str(text))
    return _HEADER_NOISE.sub("", folded).lower()


def column_letter(index: int) -> str:
    """Excel's name for a 0-based column index: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
