"""Read one spreadsheet, find its header, normalise every cell, and report every problem.

Real ledgers (台账) are kept by hand: a title row above the header, blank
rows, a 合计 row at the bottom, notes under the table, headers in Chinese or
English with stray spaces, line breaks and full-width brackets, dates typed
six different ways. All of that is accepted; a value that breaks the contract
is reported with file, sheet, Excel row and column, never dropped or guessed.

The file itself is checked before any parser sees it (size, signature,
encryption, zip-bomb bounds), because the uploads come from outside.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Callable, Iterable, Union

import pandas as pd
import python_calamine

from oversight import config
from oversight.contract.schema import (
    BOOL,
    DATE,
    ENUM,
    INT,
    REF,
    SLUG,
    TABLES,
    TEXT,
    UNIT,
    Column,
    Table,
)
from oversight.core import i18n
from oversight.ingest import sheet_bounds

HEADER_SEARCH_ROWS = 15
DEFAULT_MAX_UPLOAD_MB = 20
DEFAULT_MAX_INFLATED_MB = 200
# A real xlsx deflates its XML 5–30×; a zip bomb, thousands of times.
MAX_INFLATE_RATIO = 100
MAX_ARCHIVE_MEMBERS = 10_000
EARLIEST_YEAR, LATEST_YEAR = 1990, 2100

_TOTAL_MARKERS = ("合计", "小计", "总计", "累计", "total", "subtotal")
_NOTE_PREFIXES = ("注", "说明", "备注", "填表", "填报", "制表", "审核", "联系人", "附", "note")
_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "✔", "t", "对"}
_FALSE = {"否", "n", "no", "false", "0", "×", "✗", "✘", "x", "f", "错"}
_ROW_MARKERS = _TOTAL_MARKERS + _NOTE_PREFIXES
_EXCEL_EPOCH = date(1899, 12, 30)
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})(?: \d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})\.?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),  # 20200305, as some systems export it
)
_QUARTER_ONLY = re.compile(r"^\d{4}(?:年度?)?[-_/.]?(?:q[1-4]|第?[一二三四1-4]季度?)$", re.IGNORECASE)
_MONTH_ONLY = re.compile(r"^\d{4}(?:年\d{1,2}月?|[-/.]\d{1,2})$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
_INT_WITH_UNIT = re.compile(r"^([+-]?\d+(?:\.0*)?)(?:分钟|分|min|mins|minutes|个|项|条|次|件)?$")
_HEADER_NOISE = re.compile(r"[\s_\-()\[\]{}*※:：]+")
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# English header spellings beyond the identifiers themselves (which match with
# underscores ignored: "Meeting ID" is meeting_id). They belong in the
# contract's ``aliases``; kept here until schema.py carries them.
ENGLISH_HEADERS: dict[tuple[str, str], tuple[str, ...]] = {
    ("units", "unit_id"): ("Unit code", "Code"),
    ("units", "name_zh"): ("Chinese name", "Name (Chinese)", "Unit name", "Name"),
    ("units", "name_en"): ("English name", "Name (English)"),
    ("units", "short_names"): ("Short name", "Short names", "Abbreviation"),
    ("units", "party_org"): ("Party organisation", "Party organization", "Party org"),
    ("units", "short_name_en"): ("English short name", "Short name (English)"),
    ("meetings", "kind"): ("Type", "Meeting type", "Kind of meeting"),
    ("meetings", "duration_min"): ("Duration", "Duration (minutes)", "Minutes", "Length (min)"),
    ("meetings", "agenda_prereviewed"): ("Agenda reviewed in advance", "Prereviewed", "Pre-reviewed"),
    ("meetings", "attended_by_team"): ("Attended", "Team attended", "Attended by the team"),
    ("meetings", "merged"): ("Merged meeting",),
    ("meetings", "date"): ("Meeting date",),
    ("issues", "date_raised"): ("Date", "Raised", "Raised on"),
    ("issues", "due_date"): ("Due", "Deadline"),
    ("issues", "rectified_date"): ("Rectified", "Rectified on", "Date rectified"),
    ("issues", "source"): ("Issue source",),
    ("suggestions", "date_made"): ("Date", "Made on"),
    ("suggestions", "issue_id"): ("Linked issue", "Related issue", "Linked issue ID"),
    ("suggestions", "content"): ("Suggestion",),
    ("reminders", "form"): ("Reminder form", "Type"),
    ("activities", "kind"): ("Type", "Activity type"),
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, located as the user would find it in Excel."""

    file: str
    message_key: str
    params: dict[str, Any] = field(default_factory=dict)
    sheet: str | None = None
    row: int | None = None
    column: str | None = None  # the header as written in the file
    column_letter: str | None = None  # Excel's column letter, e.g. "E"
    field: str | None = None  # the contract's column name, for machines

    def location(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        where = [shown_text(self.file)] if self.file else []
        if self.sheet:
            where.append(i18n.t("where.sheet", lang, sheet=shown_text(self.sheet)))
        if self.row is not None:
            where.append(i18n.t("where.row", lang, row=self.row))
        if self.column and self.column_letter:
            where.append(i18n.t("where.column_letter", lang, letter=self.column_letter,
                                column=shown_text(self.column)))
        elif self.column:
            where.append(i18n.t("where.column", lang, column=shown_text(self.column)))
        return " · ".join(where)

    def message(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        return i18n.t(self.message_key, lang, **{k: shown_text(_translated_param(k, v, lang))
                                                 for k, v in self.params.items()})

    def render(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        where = self.location(lang)
        return f"{where}: {self.message(lang)}" if where else self.message(lang)

    def as_dict(self, lang: str = i18n.DEFAULT_LANGUAGE) -> dict[str, Any]:
        return {
            "file": self.file, "sheet": self.sheet, "row": self.row, "column": self.column,
            "column_letter": self.column_letter, "field": self.field, "key": self.message_key,
            "params": {k: v if isinstance(v, (int, float, str, bool)) or v is None else str(v)
                       for k, v in self.params.items()},
            "message": self.message(lang),
        }


_SHOWN_LIMIT = 200
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")


def shown_text(value: Any) -> Any:
    """Text from a file as a report may show it: control characters spelled out (an ESC must not reach a
    terminal, a NUL not a log), and a 30,000-character cell cut to its start."""
    if not isinstance(value, str):
        return value
    text = _UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                            else f"\\u{ord(m.group()):04x}", value)
    return text if len(text) <= _SHOWN_LIMIT else text[:_SHOWN_LIMIT] + "…"


def _translated_param(name: str, value: Any, lang: str) -> Any:
    """Table names travel as their Chinese names (as store.py passes them) and are shown in the reader's language."""
    if name in ("table", "found") and isinstance(value, str):
        table = TABLES.get(value) or next((t for t in TABLES.values() if t.zh == value), None)
        if table is not None:
            return i18n.t(f"data.table.{table.name}", lang)
    return value


class ValidationError(Exception):
    """Raised with every problem found, so the user can fix the file in one pass."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(p.render("en") for p in problems))

    def render(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        return "\n".join(p.render(lang) for p in self.problems)


@dataclass(frozen=True)
class Upload:
    """A file that arrived as bytes (a browser upload), not as a path on disk."""

    name: str
    data: bytes


Source = Union[Path, Upload]


def source_name(source: Source) -> str:
    return source.name if isinstance(source, Upload) else Path(source).name


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


def _header_lookup(table: Table) -> dict[str, Column]:
    lookup: dict[str, Column] = {}
    for column in table.columns:
        spellings = (column.name, column.zh, *column.aliases, *ENGLISH_HEADERS.get((table.name, column.name), ()))
        for spelling in spellings:
            lookup.setdefault(header_key(spelling), column)
    return lookup


def _is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, float) and value != value:  # NaN
        return True
    return value is pd.NaT


def column_letter(index: int) -> str:
    """Excel's name for a 0-based column index: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


# ---------------------------------------------------------------- limits

def _env_megabytes(name: str, default: float) -> float:
    try:
        return float(config.setting(name) or default)
    except ValueError:
        return default


def max_upload_bytes() -> int:
    """The largest file accepted: ``OVERSIGHT_MAX_UPLOAD_MB`` (default 20 MB)."""
    return int(_env_megabytes("OVERSIGHT_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB) * 1024 * 1024)


def max_inflated_bytes() -> int:
    """The most a workbook's zip may inflate to: ``OVERSIGHT_MAX_INFLATED_MB`` (default 200 MB)."""
    return int(_env_megabytes("OVERSIGHT_MAX_INFLATED_MB", DEFAULT_MAX_INFLATED_MB) * 1024 * 1024)


# ---------------------------------------------------------------- raw reading

Sheets = dict[str, list[list[object]]]

_ZIP_MAGIC = b"PK\x03\x04"
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
_TEXT_SUFFIXES = (".csv", ".tsv", ".txt")


class _FileRefused(Exception):
    def __init__(self, key: str, **params: Any):
        self.key, self.params = key, params


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}"


def load_sheets(source: Source, checked: bool = True) -> Sheets:
    """Every sheet of a workbook (or the one table of a CSV) as rows of raw cell values.

    Row ``i`` of a sheet is Excel row ``i + 1``: leading blank rows are kept.
    Raises ``ValidationError`` for a file that must not or cannot be opened.
    ``checked=False`` skips the size and zip-bomb bounds, for the data folder's
    own files, which only the importer (which checks) writes.
    """
    name = source_name(source)
    try:
        return _load_sheets(source, checked)
    except _FileRefused as refused:
        raise ValidationError([Problem(file=name, message_key=refused.key, params=refused.params)]) from None


def _load_sheets(source: Source, checked: bool) -> Sheets:
    limit = max_upload_bytes()
    # The size is checked before the bytes are read, so an oversized file costs nothing.
    size = len(source.data) if isinstance(source, Upload) else _file_size(Path(source))
    if checked and size > limit:
        raise _FileRefused("error.file_too_large", size_mb=_mb(size), limit_mb=_mb(limit))
    if size == 0:
        raise _FileRefused("error.file_empty")
    data = source.data if isinstance(source, Upload) else _file_bytes(Path(source))
    suffix = Path(source_name(source)).suffix.lower()
    if data.startswith(_CFB_MAGIC):
        # An encrypted .xlsx is an OLE compound file holding an "EncryptedPackage" stream;
        # an unencrypted OLE file is a legacy .xls, which calamine reads.
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise _FileRefused("error.encrypted")
        try:
            return _read_workbook(data)
        except _FileRefused:
            if suffix in (".xlsx", ".xlsm"):
                raise _FileRefused("error.encrypted") from None
            raise
    if data.startswith(_ZIP_MAGIC):
        if checked:
            _check_archive(data)
        _check_sheet_sizes(data)
        return _read_workbook(data)
    if suffix in _TEXT_SUFFIXES:
        return {"": _read_text_rows(data)}
    raise _FileRefused("error.not_a_spreadsheet")


def _check_sheet_sizes(data: bytes) -> None:
    """Refuse a sheet whose cells would make the reader build a grid past the bound (see ``sheet_bounds``).

    Also the place where workbook kinds this check cannot look into (.xlsb, .ods) are refused: calamine
    would materialise them first.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        raise _FileRefused("error.workbook_corrupt") from None
    if "xl/workbook.xml" not in names:
        if "xl/workbook.bin" in names or "content.xml" in names:
            raise _FileRefused("error.format_unsupported")
        raise _FileRefused("error.not_a_spreadsheet")
    try:
        sheet_bounds.check_workbook(archive)
    except sheet_bounds.SheetTooLarge as large:
        raise _FileRefused("error.sheet_too_large", sheet=large.sheet, rows=large.rows, columns=large.columns,
                           max_cells=f"{sheet_bounds.MAX_SHEET_CELLS:,}") from None
    except (sheet_bounds.SheetUnreadable, zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError,
            RuntimeError, ValueError):
        raise _FileRefused("error.workbook_corrupt") from None


def _file_size(path: Path) -> int:
    """The size of a regular file; a missing path, a folder or a device is refused by name, not by traceback."""
    try:
        status = path.stat()
    except FileNotFoundError:
        raise _FileRefused("error.file_not_found", path=str(path)) from None
    except OSError:
        raise _FileRefused("error.file_unreadable", path=str(path)) from None
    if path.is_dir():
        raise _FileRefused("error.file_is_folder", path=str(path))
    if not path.is_file():  # a FIFO or a device would block or never end
        raise _FileRefused("error.file_unreadable", path=str(path))
    return status.st_size


def _file_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        raise _FileRefused("error.file_unreadable", path=str(path)) from None


def _check_archive(data: bytes) -> None:
    """Refuse a zip that inflates beyond the bound, measured by inflating it (headers can lie)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        raise _FileRefused("error.workbook_corrupt") from None
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names and "content.xml" not in names:
        raise _FileRefused("error.not_a_spreadsheet")
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise _FileRefused("error.archive_too_large", limit_mb=_mb(max_inflated_bytes()))
    bound = max_inflated_bytes()
    declared = sum(member.file_size for member in members)
    if declared > bound:
        raise _FileRefused("error.archive_too_large", limit_mb=_mb(bound))
    total = 0
    for member in members:
        inflated = 0
        try:
            with archive.open(member) as stream:
                while chunk := stream.read(1 << 20):
                    inflated += len(chunk)
                    if total + inflated > bound or (
                            inflated > (1 << 20) and inflated > MAX_INFLATE_RATIO * max(member.compress_size, 1)):
                        raise _FileRefused("error.archive_too_large", limit_mb=_mb(bound))
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
            raise _FileRefused("error.workbook_corrupt") from None
        total += inflated


def _read_workbook(data: bytes) -> Sheets:
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets: Sheets = {}
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
            _fill_merged_cells(rows, sheet.merged_cell_ranges or ())
            sheets[name] = rows
        return sheets
    except python_calamine.PasswordError:
        raise _FileRefused("error.encrypted") from None
    except Exception as error:  # calamine's messages say little to a clerk; keep the kind for support
        if "password" in str(error).lower() or "encrypt" in str(error).lower():
            raise _FileRefused("error.encrypted") from None
        raise _FileRefused("error.workbook_corrupt") from None


def _fill_merged_cells(rows: list[list[object]], ranges: Iterable[tuple[tuple[int, int], tuple[int, int]]]) -> None:
    """A unit name merged over several rows belongs to each of them, as the clerk meant.

    A merged range is clipped to the sheet's cells: a range declared as A1:XFD1048576 must not grow the grid.
    """
    width = max((len(row) for row in rows), default=0)
    for (top, left), (bottom, right) in ranges:
        if top >= len(rows) or left >= len(rows[top]):
            continue
        right = min(right, width - 1)
        value = rows[top][left]
        for index in range(top, min(bottom, len(rows) - 1) + 1):
            row = rows[index]
            if len(row) <= right:
                row.extend([""] * (right + 1 - len(row)))
            for position in range(left, right + 1):
                if _is_blank(row[position]):
                    row[position] = value


def _decode_text(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")  # Excel's "Unicode text" export
        except UnicodeDecodeError:  # an odd number of bytes: cut off, or not UTF-16 at all
            raise _FileRefused("error.csv_encoding") from None
    if b"\x00" in raw[:4096]:
        raise _FileRefused("error.not_a_spreadsheet")  # binary, whatever its name says
    # What Chinese Excel writes is GB18030 (GBK); everything else is UTF-8, often with a BOM.
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        raise _FileRefused("error.csv_encoding") from None


# A cell of a ledger is a sentence or a paragraph; csv's own limit (128 KiB) would raise mid-file.
MAX_CSV_FIELD_CHARS = 32_768
MAX_CSV_COLUMNS = 1_000


def _read_text_rows(raw: bytes) -> list[list[object]]:
    text = _decode_text(raw)
    sample_lines = [line for line in text[:8192].splitlines() if line.strip()][:10]
    delimiter = max((",", "\t", ";"), key=lambda d: sum(line.count(d) for line in sample_lines))
    rows: list[list[object]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            if len(row) > MAX_CSV_COLUMNS:
                raise _FileRefused("error.csv_too_many_columns", row=reader.line_num, columns=len(row),
                                   limit=MAX_CSV_COLUMNS)
            if any(len(cell) > MAX_CSV_FIELD_CHARS for cell in row):
                raise _FileRefused("error.csv_field_too_long", row=reader.line_num, limit=MAX_CSV_FIELD_CHARS)
            rows.append(row)
    except csv.Error:  # a quote never closed swallows the rest of the file into one field
        raise _FileRefused("error.csv_field_too_long", row=reader.line_num, limit=MAX_CSV_FIELD_CHARS) from None
    return rows


def read_raw_sheets(path: Path) -> Sheets:
    """Kept for callers that read a path; see ``load_sheets``."""
    return load_sheets(Path(path), checked=False)


# ---------------------------------------------------------------- header detection

@dataclass
class HeaderMatch:
    row_index: int
    columns: dict[int, Column]  # sheet column index -> contract column
    labels: dict[int, str]  # sheet column index -> header text as written


_HeaderMatch = HeaderMatch  # the earlier private name


def find_header(rows: list[list[object]], table: Table) -> HeaderMatch | None:
    """The row among the first few whose cells name the most of the table's columns."""
    lookup = _header_lookup(table)
    best: HeaderMatch | None = None
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        matched: dict[int, Column] = {}
        labels: dict[int, str] = {}
        for position, cell in enumerate(row):
            if _is_blank(cell):
                continue
            column = lookup.get(header_key(cell))
            if column is not None and column not in matched.values():
                matched[position] = column
                labels[position] = re.sub(r"\s+", " ", str(cell)).strip()
        if matched and (best is None or len(matched) > len(best.columns)):
            best = HeaderMatch(index, matched, labels)
    return best


def _sheet_score(rows: list[list[object]], table: Table) -> tuple[int, HeaderMatch | None]:
    header = find_header(rows, table)
    if header is None:
        return 0, None
    has_key = table.key in header.columns.values()
    required = [c for c in table.columns if c.required]
    found_required = sum(1 for c in header.columns.values() if c.required)
    # A sheet is this table's if its header names the key column, or most required columns:
    # units, dates and 备注 are shared by every table and prove nothing alone.
    if len(header.columns) >= 2 and (has_key or found_required * 2 > len(required)):
        return len(header.columns) * 2 + has_key, header
    return 0, header


def match_sheets(sheets: Sheets, table: Table | None = None) -> dict[str, list[str]]:
    """Which sheets hold which table: ``{table name: [sheet, ...]}``, each sheet matched by its header.

    With ``table`` given, only that table is looked for.
    """
    candidates = [table] if table is not None else [TABLES[name] for name in TABLES]
    found: dict[str, list[str]] = {}
    for sheet, rows in sheets.items():
        scores = [(_sheet_score(rows, t)[0], t) for t in candidates]
        score, best = max(scores, key=lambda item: item[0])
        if score:
            found.setdefault(best.name, []).append(sheet)
    return found


def _closest_sheet(sheets: Sheets, table: Table) -> str | None:
    """The sheet whose header names most of the table's columns, though too few to qualify."""
    counts = [(len(header.columns), sheet) for sheet, rows in sheets.items()
              if (header := find_header(rows, table)) is not None]
    return max(counts)[1] if counts else None


def detect_table(source: Source) -> Table | None:
    """The table a file holds, judged by its header; ``None`` when no sheet looks like any table.

    With several tables in one workbook, the first in load order is returned;
    use ``match_sheets(load_sheets(source))`` to see them all.
    """
    found = match_sheets(load_sheets(source))
    for name in TABLES:
        if name in found:
            return TABLES[name]
    return None


def _is_total_or_note(row: list[object], folded: str) -> bool:
    if folded.startswith(_TOTAL_MARKERS):
        return True
    if not folded.startswith(_NOTE_PREFIXES):
        return False
    # Notes under a table sit in one cell, or in one cell merged across the row.
    return len({_as_text(v) for v in row if not _is_blank(v)}) == 1


# ---------------------------------------------------------------- cell parsing

class _CellError(Exception):
    def __init__(self, key: str, **params: Any):
        self.key, self.params = key, params


def _as_text(value: object) -> str:
    if isinstance(value, str):
        text = value.strip()
        # Our own exports prefix formula-like text with an apostrophe; take it off again.
        if text.startswith("'") and text[1:2] and text[1:].startswith(_FORMULA_PREFIXES):
            return text[1:]
        return text
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip()


def _checked_date(day: date, shown: object) -> date:
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise _CellError("error.date_out_of_range", value=_as_text(shown), earliest=EARLIEST_YEAR, latest=LATEST_YEAR)
    return day


def parse_date(value: object) -> date:
    if isinstance(value, (pd.Timestamp, datetime)):
        return _checked_date(value.date(), value)
    if isinstance(value, date):
        return _checked_date(value, value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and 19000101 <= value <= 21001231:
            return _parse_date_text(str(int(value)))  # 20200305 typed as a number
        # Excel serial day numbers, as a cell with the General format holds them.
        if 1 <= value < 2958466 and float(value).is_integer():
            return _checked_date(_EXCEL_EPOCH + timedelta(days=int(value)), value)
        raise _CellError("error.date_invalid", value=_as_text(value))
    return _parse_date_text(unicodedata.normalize("NFKC", str(value)).strip())


def _parse_date_text(text: str) -> date:
    compact = text.replace(" ", "")
    if _QUARTER_ONLY.match(compact):
        raise _CellError("error.date_quarter_only", value=text)
    if _MONTH_ONLY.match(compact):
        raise _CellError("error.date_month_only", value=text)
    if compact.isdigit() and 20000 <= int(compact) <= 80000:
        # an Excel serial day typed as text: the same year-range check as the number 79999 gets
        return _checked_date(_EXCEL_EPOCH + timedelta(days=int(compact)), text)
    for pattern in _DATE_PATTERNS:
        match = pattern.match(compact if "年" in compact else text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                return _checked_date(date(year, month, day), text)
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
        raise _CellError("error.int_invalid", value=str(value))
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        match = _INT_WITH_UNIT.match(normalise_header(value).replace(",", ""))
        if not match:
            raise _CellError("error.int_invalid", value=_as_text(value))
        number = float(match.group(1))
    if not number.is_integer():
        raise _CellError("error.int_invalid", value=_as_text(value))
    if column.minimum is not None and number < column.minimum:
        if column.minimum == 0:
            raise _CellError("error.int_negative", value=int(number))
        raise _CellError("error.int_below_minimum", value=int(number), minimum=column.minimum)
    return int(number)


def _choice_lookup(choices: dict[str, str]) -> dict[str, str]:
    english = i18n.catalog("en")
    lookup = {}
    for code, label in choices.items():
        for spelling in (code, label, english.get(f"code.{code}")):
            if spelling:
                lookup.setdefault(header_key(spelling), code)
        # "党组(党委)会议" is also written "党组会议" or "党委会议".
        for head, alternative, tail in re.findall(r"^(.*)\((.*)\)(.*)$", unicodedata.normalize("NFKC", label)):
            lookup.setdefault(header_key(head + tail), code)
            lookup.setdefault(header_key(alternative + tail), code)
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
            short = row.short_names if isinstance(row.short_names, str) else ""
            names += re.split(r"[;；,，、/]", short)
            for name in names:
                if isinstance(name, str) and name.strip():
                    lookup.setdefault(normalise_header(name), row.unit_id)
        return cls(lookup)

    def resolve(self, value: object) -> str:
        # _as_text takes off the apostrophe our exports put before text a spreadsheet would run as a formula
        unit_id = self.lookup.get(normalise_header(_as_text(value)))
        if unit_id is None:
            raise _CellError("error.unit_unknown", value=_as_text(value))
        return unit_id


# ---------------------------------------------------------------- the table reader

@dataclass
class Context:
    """What a table's cells are checked against: the known units and issue ids."""

    units: UnitResolver | None = None
    issue_ids: frozenset[str] = frozenset()


# Invisible control characters (C0 but tab and line breaks, DEL, C1, and the XML non-characters) break the
# Word and slide writers and the image renderer later, far from the cell that brought them: refuse them here.
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def control_character(text: str) -> str | None:
    """The first forbidden control character of ``text`` as ``U+000B``; None when there is none."""
    found = _CONTROL_CHARACTERS.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def parse_text(value: object) -> str:
    text = _as_text(value)
    code = control_character(text)
    if code is not None:
        raise _CellError("error.control_character", code=code)
    return text


def _cell_parser(column: Column, context: Context) -> Callable[[object], object]:
    kind = column.kind
    if kind == TEXT:
        return parse_text
    if kind == SLUG:
        def parse_slug(value: object) -> str:
            text = _as_text(value)
            if not _SLUG.match(text):
                raise _CellError("error.slug_invalid", value=text)
            return text
        return parse_slug
    if kind == INT:
        return lambda value: parse_int(value, column)
    if kind == DATE:
        return parse_date
    if kind == BOOL:
        return parse_bool
    if kind == ENUM:
        choices = _choice_lookup(column.choices)
        allowed = "、".join(column.choices.values())

        def parse_choice(value: object) -> str:
            code = choices.get(header_key(value))
            if code is None:
                raise _CellError("error.enum_invalid", value=_as_text(value), allowed=allowed)
            return code
        return parse_choice
    if kind == UNIT:
        def parse_unit(value: object) -> str:
            if context.units is None:
                raise _CellError("error.unit_unknown", value=_as_text(value))
            return context.units.resolve(value)
        return parse_unit
    if kind == REF:
        def parse_ref(value: object) -> str:
            text = _as_text(value)
            if text not in context.issue_ids:
                raise _CellError("error.ref_unknown", value=text)
            return text
        return parse_ref
    raise AssertionError(f"unknown column kind {kind}")  # a contract bug, not user input


# Kinds with few distinct values: parse each distinct value once (a 100k-row ledger has 9 units).
_CACHED_KINDS = (DATE, BOOL, ENUM, UNIT, REF, SLUG)


ColumnLabels = dict[str, tuple[str, str]]  # contract column -> (header as written, Excel column letter)


@dataclass
class TableRead:
    """A table's rows read from one file, and where each row came from."""

    table: Table
    frame: pd.DataFrame
    origins: list[tuple[str, int]]  # (sheet, Excel row) per frame row
    sheets: list[str]
    file: str
    labels: dict[str, ColumnLabels] = field(default_factory=dict)  # sheet -> where each column sits
    skipped: list[tuple[str, int]] = field(default_factory=list)  # (sheet, Excel row) read as no record

    def locate(self, position: int, column: str) -> dict[str, Any]:
        """Problem fields naming the cell of ``column`` in frame row ``position``."""
        sheet, row = self.origins[position]
        label, letter = self.labels.get(sheet, {}).get(column, (self.table.column(column).zh, None))
        return {"file": self.file, "sheet": sheet or None, "row": row, "column": label, "column_letter": letter,
                "field": column}


def _problem(file: str, sheet: str, key: str, row: int | None = None, column: str | None = None,
             letter: str | None = None, field_name: str | None = None, **params: Any) -> Problem:
    return Problem(file=file, sheet=sheet or None, row=row, column=column, column_letter=letter,
                   field=field_name, message_key=key, params=params)


# Sign-off lines under a ledger: who filled it in, who checked it, the stamp, the date of filing.
_FOOTER_WORDS = ("盖章", "签字", "签名", "签章", "负责人", "填报人", "填表人", "制表人", "审核人", "经办人", "联系人",
                 "联系电话", "填报日期", "填表日期", "制表日期", "报送日期", "preparedby", "approvedby", "reviewedby",
                 "signature")
_FOOTER_PREFIXES = _NOTE_PREFIXES + ("日期", "date", "remark", "stamp", "signed")


def _is_footer_text(value: object) -> bool:
    if not isinstance(value, str):
        return False
    folded = header_key(value)
    return folded.startswith(_FOOTER_PREFIXES) or any(word in folded for word in _FOOTER_WORDS)


def _is_footer_row(row: list[object], key_position: int) -> bool:
    """A row under the last record that is a sign-off line, not a record: no id, and a sign-off word or one text.

    The key (id) cell decides: a record has an id there, a footer has nothing or its own words.
    """
    key = row[key_position] if key_position < len(row) else None
    if not (_is_blank(key) or _is_footer_text(key)):
        return False
    filled = [v for v in row if not _is_blank(v)]
    return len({_as_text(v) for v in filled}) == 1 or any(_is_footer_text(v) for v in filled)


def _data_rows(rows: list[list[object]], header: HeaderMatch, table: Table) -> tuple[list[int], list[int]]:
    """Indexes of the rows under the header that hold data, and of the non-blank rows skipped as no record.

    Skipped: totals, notes, the header repeated on each printed page, and the sign-off lines under the
    last record. Only a row's first filled cell is looked at inside the table, to keep 100k-row files fast.
    """
    key_position = next((p for p, c in header.columns.items() if c is table.key), None)
    header_keys = {header_key(v) for v in header.labels.values()}
    kept: list[int] = []
    skipped: list[int] = []
    for index in range(header.row_index + 1, len(rows)):
        row = rows[index]
        first = next((v for v in row if not _is_blank(v)), None)
        if first is None:
            continue
        if isinstance(first, str):
            folded = header_key(first)
            if folded.startswith(_ROW_MARKERS) and _is_total_or_note(row, folded):
                skipped.append(index)
                continue
            if folded in header_keys and {header_key(v) for v in row if not _is_blank(v)} <= header_keys:
                skipped.append(index)
                continue  # the header repeated, as printed ledgers do on every page
        kept.append(index)
    # Under the last record: sign-off lines, a date of filing, a stamp, a source line — not rows missing values.
    while kept and key_position is not None and _is_footer_row(rows[kept[-1]], key_position):
        skipped.append(kept.pop())
    return kept, sorted(skipped)


_BLANK = object()


def _parse_column(rows: list[list[object]], indexes: list[int], excel_rows: list[int], position: int,
                  column: Column, values: list[object], context: Context,
                  where: tuple[str, str, str, str]) -> list[Problem]:
    """Fill ``values`` with one column's parsed cells; the hot loop of a 100k-row import.

    Every outcome (value, blank or error) is cached per distinct cell value for the
    kinds with few distinct values, so a column of nine unit names is parsed nine times.
    """
    file, sheet, label, letter = where
    parse = _cell_parser(column, context)
    cached = column.kind in _CACHED_KINDS
    cache: dict[tuple[type, object], object] = {}
    problems: list[Problem] = []
    for slot, index in enumerate(indexes):
        row = rows[index]
        value = row[position] if position < len(row) else None
        if cached:
            cache_key = (value.__class__, value)
            outcome = cache.get(cache_key)
            if outcome is None:
                if _is_blank(value):
                    outcome = _BLANK
                else:
                    try:
                        outcome = (parse(value),)
                    except _CellError as error:
                        outcome = error
                cache[cache_key] = outcome
        elif value is None or value == "" or (value.__class__ is str and value.isspace()) or (
                value.__class__ is float and value != value):
            outcome = _BLANK
        else:
            try:
                outcome = (parse(value),)
            except _CellError as error:
                outcome = error
        if outcome.__class__ is tuple:
            values[slot] = outcome[0]
        elif outcome is _BLANK:
            if column.required:
                problems.append(_problem(file, sheet, "error.value_missing", excel_rows[slot], label, letter,
                                         column.name))
        else:
            problems.append(_problem(file, sheet, outcome.key, excel_rows[slot], label, letter, column.name,
                                     **outcome.params))
    return problems


def parse_sheet(rows: list[list[object]], table: Table, context: Context, file: str,
                sheet: str) -> tuple[pd.DataFrame, list[int], list[Problem], ColumnLabels]:
    """Normalise one sheet's rows into the table's columns.

    Returns the frame, the Excel row of each frame row, the problems, and where each column sits.
    """
    return _parse_sheet(rows, table, context, file, sheet)[:4]


def _parse_sheet(rows: list[list[object]], table: Table, context: Context, file: str,
                 sheet: str) -> tuple[pd.DataFrame, list[int], list[Problem], ColumnLabels, list[int]]:
    """``parse_sheet``, and the Excel rows skipped as totals, notes, repeated headers or sign-off lines."""
    header = find_header(rows, table)
    if header is None:
        key = "error.sheet_empty" if not any(any(not _is_blank(v) for v in r) for r in rows) else "error.no_header"
        return pd.DataFrame(), [], [_problem(file, sheet, key, table=table.zh)], {}, []
    problems: list[Problem] = []
    found = {c.name for c in header.columns.values()}
    missing = [c for c in table.columns if c.required and c.name not in found]
    for column in missing:
        problems.append(_problem(file, sheet, "error.column_missing", row=header.row_index + 1, column=column.zh,
                                 field_name=column.name, name=column.zh, english=column.name))
    if missing:
        return pd.DataFrame(), [], problems, {}, []

    indexes, skipped = _data_rows(rows, header, table)
    excel_rows = [index + 1 for index in indexes]
    columns: dict[str, list[object]] = {c.name: [None] * len(indexes) for c in table.columns}
    for position, column in header.columns.items():
        problems += _parse_column(rows, indexes, excel_rows, position, column, columns[column.name], context,
                                  (file, sheet, header.labels[position], column_letter(position)))
    frame = pd.DataFrame(columns, columns=[c.name for c in table.columns])
    labels = {c.name: (header.labels[p], column_letter(p)) for p, c in header.columns.items()}
    problems += _check_row_rules(frame, excel_rows, table, labels, file, sheet)
    return frame, excel_rows, problems, labels, [index + 1 for index in skipped]


def parse_rows(rows: list[list[object]], table: Table, context: Context, file: str,
               sheet: str) -> tuple[pd.DataFrame, list[Problem]]:
    """One sheet on its own (the earlier entry point), with the whole-table checks too."""
    read, problems = read_sheets({sheet: rows}, [sheet], table, context, file)
    return read.frame, problems


def check_table(read: TableRead) -> list[Problem]:
    """Whole-table rules: not empty, and unique columns unique across every sheet read."""
    table, frame = read.table, read.frame
    if frame.empty:
        return [_problem(read.file, read.sheets[0] if read.sheets else "", "error.sheet_empty", table=table.zh)]
    problems = []
    for column in table.columns:
        if not column.unique:
            continue
        first_seen: dict[object, tuple[str, int]] = {}
        for position, (value, (sheet, excel_row)) in enumerate(zip(frame[column.name], read.origins)):
            if value is None or value != value:
                continue
            if value in first_seen:
                first_sheet, first_row = first_seen[value]
                key = "error.duplicate" if first_sheet == sheet else "error.duplicate_other_sheet"
                problems.append(Problem(message_key=key, **read.locate(position, column.name),
                                        params={"value": value, "first_row": first_row, "first_sheet": first_sheet}))
            else:
                first_seen[value] = (sheet, excel_row)
    return problems


def _check_row_rules(frame: pd.DataFrame, excel_rows: list[int], table: Table, labels: dict[str, tuple[str, str]],
                     file: str, sheet: str) -> Iterable[Problem]:
    """Rules that involve two cells of a row."""
    if table.name != "issues" or frame.empty:
        return
    label, letter = labels.get("rectified_date", (table.column("rectified_date").zh, None))
    for raised, done, status, excel_row in zip(frame["date_raised"], frame["rectified_date"], frame["status"],
                                               excel_rows):
        if raised is not None and done is not None and done < raised:
            yield _problem(file, sheet, "error.rectified_before_raised", excel_row, label, letter, "rectified_date",
                           raised=raised.isoformat(), rectified=done.isoformat())
        if status == "rectified" and done is None:
            yield _problem(file, sheet, "error.rectified_without_date", excel_row, label, letter, "rectified_date")


def read_sheets(sheets: Sheets, sheet_names: list[str], table: Table, context: Context,
                file: str) -> tuple[TableRead, list[Problem]]:
    """The table from the named sheets of one file, concatenated (a ledger may keep one sheet per year)."""
    frames, origins, problems, labels, skipped = [], [], [], {}, []
    for sheet in sheet_names:
        frame, excel_rows, sheet_problems, labels[sheet], skipped_rows = _parse_sheet(sheets[sheet], table, context,
                                                                                    file, sheet)
        problems += sheet_problems
        skipped += [(sheet, row) for row in skipped_rows]
        if excel_rows:
            frames.append(frame)
            origins += [(sheet, row) for row in excel_rows]
    if frames:
        frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    else:
        frame = pd.DataFrame({c.name: [] for c in table.columns})
    read = TableRead(table, frame, origins, list(sheet_names), file, labels, skipped)
    if not any(p.message_key in ("error.column_missing", "error.no_header") for p in problems):
        problems += check_table(read)
    return read, problems


def locate_tables(sheets: Sheets, file: str, table: Table | None = None) -> tuple[dict[str, list[str]], list[Problem]]:
    """Which sheets of one file hold which table, or the problem that says why none does."""
    if not any(any(not _is_blank(v) for v in row) for rows in sheets.values() for row in rows):
        if table is None:
            return {}, [_problem(file, "", "error.file_blank")]
        return {}, [_problem(file, "", "error.sheet_empty", table=table.zh)]
    found = match_sheets(sheets, table)
    if found:
        return found, []
    if table is None:
        return {}, [_problem(file, "", "error.no_table_detected")]
    other = match_sheets(sheets)
    if other:
        name = next(iter(other))
        return {}, [_problem(file, other[name][0], "error.table_mismatch", table=table.zh, found=TABLES[name].zh)]
    closest = _closest_sheet(sheets, table)
    if closest is not None:
        return {table.name: [closest]}, []  # read it, so the report names the missing columns
    return {}, [_problem(file, "", "error.no_header", table=table.zh)]


def read_source(source: Source, table: Table, context: Context | None = None, checked: bool = True) -> TableRead:
    """The table's rows from one file (path or upload); raises ``ValidationError`` listing every problem."""
    context = context or Context()
    file = source_name(source)
    sheets = load_sheets(source, checked)
    found, problems = locate_tables(sheets, file, table)
    if problems:
        raise ValidationError(problems)
    read, problems = read_sheets(sheets, found[table.name], table, context, file)
    if problems:
        raise ValidationError(problems)
    return read


def read_table(path: Path, table: Table, context: Context | None = None) -> pd.DataFrame:
    """The table's rows from ``path``, typed and normalised; raises ``ValidationError`` listing every problem.

    In a workbook with several sheets, every sheet whose header is this
    table's is read, and their rows are taken together.
    """
    return read_source(Path(path), table, context, checked=False).frame
