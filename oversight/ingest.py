"""Read one spreadsheet, find its header, normalise every cell, and report every problem.

Real ledgers (台账) are kept by hand: a title row above the header, blank
rows, a 合计 row at the bottom, headers in Chinese or English with stray
spaces and full-width brackets. All of that is accepted; a value that breaks
the contract is reported with file, sheet, Excel row and column, never dropped.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from oversight import i18n
from oversight.schema import BOOL, DATE, ENUM, INT, REF, SLUG, TEXT, UNIT, Column, Table

HEADER_SEARCH_ROWS = 15
_TOTAL_MARKERS = ("合计", "小计", "总计", "total")
_NOTE_PREFIXES = ("注", "说明", "备注", "填表", "note")
_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "✔", "t"}
_FALSE = {"否", "n", "no", "false", "0", "×", "✗", "✘", "x", "f"}
_EXCEL_EPOCH = date(1899, 12, 30)
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
)
_QUARTER_ONLY = re.compile(r"^\d{4}(?:q[1-4]|年?第?[一二三四1-4]季度?)$", re.IGNORECASE)
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, located as the user would find it in Excel."""

    file: str
    message_key: str
    params: dict[str, Any] = field(default_factory=dict)
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def render(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        where = [self.file]
        if self.sheet:
            where.append(i18n.t("where.sheet", lang, sheet=self.sheet))
        if self.row is not None:
            where.append(i18n.t("where.row", lang, row=self.row))
        if self.column:
            where.append(i18n.t("where.column", lang, column=self.column))
        return f"{' · '.join(where)}: {i18n.t(self.message_key, lang, **self.params)}"


class ValidationError(Exception):
    """Raised with every problem found, so the user can fix the file in one pass."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(p.render("en") for p in problems))

    def render(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        return "\n".join(p.render(lang) for p in self.problems)


def normalise_header(text: object) -> str:
    """Header text reduced to what matters: NFKC (full-width → ASCII), no whitespace, lower case."""
    folded = unicodedata.normalize("NFKC", "" if text is None else str(text))
    return re.sub(r"\s+", "", folded).lower()


def _header_lookup(table: Table) -> dict[str, Column]:
    lookup: dict[str, Column] = {}
    for column in table.columns:
        for spelling in (column.name, column.zh, *column.aliases):
            lookup[normalise_header(spelling)] = column
    return lookup


def _is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and value != value:  # NaN
        return True
    if value is pd.NaT:
        return True
    return isinstance(value, str) and not value.strip()


# ---------------------------------------------------------------- raw reading

def read_raw_sheets(path: Path) -> dict[str, list[list[object]]]:
    """Every sheet of a workbook (or the one table of a CSV) as rows of raw cell values."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return {"": _read_csv_rows(path)}
    frames = pd.read_excel(path, sheet_name=None, header=None, engine="calamine")
    return {name: frame.astype(object).values.tolist() for name, frame in frames.items()}


def _read_csv_rows(path: Path) -> list[list[object]]:
    raw = path.read_bytes()
    # What Chinese Excel writes is GB18030 (GBK); everything else is UTF-8, often with a BOM.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise ValueError("undecodable")
    return [list(row) for row in csv.reader(io.StringIO(text))]


# ---------------------------------------------------------------- header detection

@dataclass
class _HeaderMatch:
    row_index: int
    columns: dict[int, Column]  # sheet column index -> contract column


def find_header(rows: list[list[object]], table: Table) -> _HeaderMatch | None:
    """The row among the first few whose cells name the most of the table's columns."""
    lookup = _header_lookup(table)
    best: _HeaderMatch | None = None
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        matched: dict[int, Column] = {}
        for position, cell in enumerate(row):
            column = lookup.get(normalise_header(cell))
            if column is not None and column not in matched.values():
                matched[position] = column
        if matched and (best is None or len(matched) > len(best.columns)):
            best = _HeaderMatch(index, matched)
    return best


def _is_total_or_note(row: list[object]) -> bool:
    filled = [str(v).strip() for v in row if not _is_blank(v)]
    if not filled:
        return False
    first = filled[0].lower().replace(" ", "")
    if any(first.startswith(marker) for marker in _TOTAL_MARKERS):
        return True
    return len(filled) == 1 and any(first.startswith(p) for p in _NOTE_PREFIXES)


# ---------------------------------------------------------------- cell parsing

class _CellError(Exception):
    def __init__(self, key: str, **params: Any):
        self.key, self.params = key, params


def _as_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, pd.Timestamp)):
        return value.date().isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip() if not isinstance(value, str) else value.strip()


def parse_date(value: object) -> date:
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # Excel serial day numbers, as a sheet stored with a General format yields them.
        if 1 <= value < 2958466 and float(value).is_integer():
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise _CellError("error.date_invalid", value=value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if _QUARTER_ONLY.match(text.replace(" ", "")):
        raise _CellError("error.date_quarter_only", value=text)
    if text.isdigit() and 20000 <= int(text) <= 80000:
        return _EXCEL_EPOCH + timedelta(days=int(text))
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                return date(year, month, day)
            except ValueError:
                raise _CellError("error.date_impossible", value=text) from None
    raise _CellError("error.date_invalid", value=text)


def parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = normalise_header(value)
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _CellError("error.bool_invalid", value=_as_text(value))


def parse_int(value: object, column: Column) -> int:
    if isinstance(value, bool):
        raise _CellError("error.int_invalid", value=value)
    try:
        number = float(value) if not isinstance(value, str) else float(value.strip().replace(",", ""))
    except (TypeError, ValueError):
        raise _CellError("error.int_invalid", value=_as_text(value)) from None
    if not number.is_integer():
        raise _CellError("error.int_invalid", value=_as_text(value))
    if column.minimum is not None and number < column.minimum:
        raise _CellError("error.int_below_minimum", value=int(number), minimum=column.minimum)
    return int(number)


def _choice_lookup(choices: dict[str, str]) -> dict[str, str]:
    lookup = {}
    for code, label in choices.items():
        lookup[normalise_header(code)] = code
        lookup[normalise_header(label)] = code
        # "党组(党委)会议" is also written "党组会议" or "党委会议".
        for variant in re.findall(r"^(.*)\((.*)\)(.*)$", unicodedata.normalize("NFKC", label)):
            head, alternative, tail = variant
            lookup[normalise_header(head + tail)] = code
            lookup[normalise_header(alternative + tail)] = code
    return lookup


@dataclass
class UnitResolver:
    """Maps a unit's id, Chinese name or short name to its id."""

    lookup: dict[str, str]

    @classmethod
    def from_units(cls, units: pd.DataFrame) -> "UnitResolver":
        lookup: dict[str, str] = {}
        for row in units.itertuples(index=False):
            names = [row.unit_id, row.name_zh, row.name_en]
            names += re.split(r"[;；,，、]", row.short_names or "")
            for name in names:
                if name and str(name).strip():
                    lookup[normalise_header(name)] = row.unit_id
        return cls(lookup)

    def resolve(self, value: object) -> str:
        unit_id = self.lookup.get(normalise_header(value))
        if unit_id is None:
            raise _CellError("error.unit_unknown", value=_as_text(value))
        return unit_id


# ---------------------------------------------------------------- the table reader

@dataclass
class Context:
    """What a table's cells are checked against: the known units and issue ids."""

    units: UnitResolver | None = None
    issue_ids: frozenset[str] = frozenset()


def _parse_cell(value: object, column: Column, context: Context, choices: dict[str, str]) -> object:
    kind = column.kind
    if kind == TEXT:
        return _as_text(value)
    if kind == SLUG:
        text = _as_text(value)
        if not _SLUG.match(text):
            raise _CellError("error.slug_invalid", value=text)
        return text
    if kind == INT:
        return parse_int(value, column)
    if kind == DATE:
        return parse_date(value)
    if kind == BOOL:
        return parse_bool(value)
    if kind == ENUM:
        code = choices.get(normalise_header(value))
        if code is None:
            allowed = "、".join(f"{c}/{label}" for c, label in column.choices.items())
            raise _CellError("error.enum_invalid", value=_as_text(value), allowed=allowed)
        return code
    if kind == UNIT:
        if context.units is None:
            raise _CellError("error.unit_unknown", value=_as_text(value))
        return context.units.resolve(value)
    if kind == REF:
        text = _as_text(value)
        if text not in context.issue_ids:
            raise _CellError("error.ref_unknown", value=text)
        return text
    raise AssertionError(f"unknown column kind {kind}")  # a contract bug, not user input


def _problem(file: str, sheet: str, key: str, row: int | None = None, column: str | None = None, **params: Any) -> Problem:
    return Problem(file=file, sheet=sheet or None, row=row, column=column, message_key=key, params=params)


def parse_rows(rows: list[list[object]], table: Table, context: Context, file: str, sheet: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Normalise one sheet's rows into the table's columns, collecting every problem."""
    header = find_header(rows, table)
    if header is None or not rows:
        key = "error.sheet_empty" if not any(any(not _is_blank(v) for v in r) for r in rows) else "error.no_header"
        return pd.DataFrame(), [_problem(file, sheet, key, table=table.zh)]
    problems: list[Problem] = []
    found = {c.name for c in header.columns.values()}
    missing = [c for c in table.columns if c.required and c.name not in found]
    for column in missing:
        problems.append(_problem(file, sheet, "error.column_missing", row=header.row_index + 1, column=column.zh, name=column.name))
    if missing:
        return pd.DataFrame(), problems

    choice_maps = {c.name: _choice_lookup(c.choices) for c in table.columns if c.kind == ENUM}
    records: list[dict[str, object]] = []
    excel_rows: list[int] = []
    for index in range(header.row_index + 1, len(rows)):
        row = rows[index]
        if all(_is_blank(v) for v in row) or _is_total_or_note(row):
            continue
        excel_row = index + 1
        record: dict[str, object] = {c.name: None for c in table.columns}
        for position, column in header.columns.items():
            value = row[position] if position < len(row) else None
            if _is_blank(value):
                if column.required:
                    problems.append(_problem(file, sheet, "error.value_missing", excel_row, column.zh))
                continue
            try:
                record[column.name] = _parse_cell(value, column, context, choice_maps.get(column.name, {}))
            except _CellError as error:
                problems.append(_problem(file, sheet, error.key, excel_row, column.zh, **error.params))
        records.append(record)
        excel_rows.append(excel_row)

    frame = pd.DataFrame.from_records(records, columns=[c.name for c in table.columns])
    problems += _check_unique(frame, excel_rows, table, file, sheet)
    problems += _check_row_rules(frame, excel_rows, table, file, sheet)
    if not records and not problems:
        problems.append(_problem(file, sheet, "error.sheet_empty", table=table.zh))
    return frame, problems


def _check_unique(frame: pd.DataFrame, excel_rows: list[int], table: Table, file: str, sheet: str) -> Iterable[Problem]:
    for column in table.columns:
        if not column.unique or frame.empty:
            continue
        first_seen: dict[object, int] = {}
        for value, excel_row in zip(frame[column.name], excel_rows):
            if value is None:
                continue
            if value in first_seen:
                yield _problem(file, sheet, "error.duplicate", excel_row, column.zh, value=value, first_row=first_seen[value])
            else:
                first_seen[value] = excel_row


def _check_row_rules(frame: pd.DataFrame, excel_rows: list[int], table: Table, file: str, sheet: str) -> Iterable[Problem]:
    """Rules that involve two cells of a row."""
    if table.name != "issues" or frame.empty:
        return
    for raised, done, status, excel_row in zip(frame["date_raised"], frame["rectified_date"], frame["status"], excel_rows):
        if raised is not None and done is not None and done < raised:
            yield _problem(file, sheet, "error.rectified_before_raised", excel_row, table.column("rectified_date").zh)
        if status == "rectified" and done is None:
            yield _problem(file, sheet, "error.rectified_without_date", excel_row, table.column("rectified_date").zh)


def read_table(path: Path, table: Table, context: Context | None = None) -> pd.DataFrame:
    """The table's rows from ``path``, typed and normalised; raises ``ValidationError`` listing every problem.

    In a workbook with several sheets, the sheet whose header names most of
    the table's columns is taken.
    """
    context = context or Context()
    file = path.name
    try:
        sheets = read_raw_sheets(path)
    except Exception as error:  # the reader's own message says little to a clerk
        raise ValidationError([_problem(file, "", "error.not_a_spreadsheet", detail=type(error).__name__)]) from error
    ranked = sorted(
        sheets.items(),
        key=lambda item: len((find_header(item[1], table) or _HeaderMatch(0, {})).columns),
        reverse=True,
    )
    if not ranked:
        raise ValidationError([_problem(file, "", "error.sheet_empty", table=table.zh)])
    sheet, rows = ranked[0]
    frame, problems = parse_rows(rows, table, context, file, sheet)
    if problems:
        raise ValidationError(problems)
    return frame
