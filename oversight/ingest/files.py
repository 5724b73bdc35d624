"""A file as rows of raw cells, every sheet of it, checked before any parser sees it.

The uploads come from outside: size, signature, encryption and zip-bomb bounds are checked first
(``sheet_bounds`` and, for a legacy .xls, ``legacy_sheet_bounds`` bound each sheet's grid), then calamine reads workbooks and the csv module reads
text tables in the encodings Chinese offices write. A file that must not or cannot be opened raises
``ValidationError`` naming the file; nothing here knows about tables or columns.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import math
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import python_calamine

from oversight import config
from oversight.ingest import hidden_parts, legacy_sheet_bounds, sheet_bounds, xlsx_cells
from oversight.ingest.cell_text import NumberFromAMergedCell, in_1904_date_system, is_blank
from oversight.ingest.problems import Problem, ValidationError

DEFAULT_MAX_UPLOAD_MB = 20
DEFAULT_MAX_INFLATED_MB = 200
_MOST_MEGABYTES = 1024 * 1024  # a terabyte: beyond it a setting is a typo, not a bound
# A real xlsx deflates its XML 5–30×; a zip bomb, thousands of times.
MAX_INFLATE_RATIO = 100
MAX_ARCHIVE_MEMBERS = 10_000
# A cell of a ledger is a sentence or a paragraph; csv's own limit (128 KiB) would raise mid-file.
MAX_CSV_FIELD_CHARS = 32_768
MAX_CSV_COLUMNS = 1_000
# One import's files are held and checked together: a handful of ledgers, not a folder of anything.
MAX_FILES_PER_IMPORT = 12


@dataclass(frozen=True)
class Upload:
    """A file that arrived as bytes (a browser upload), not as a path on disk."""

    name: str
    data: bytes


Source = Path | Upload


def source_name(source: Source) -> str:
    """The file's name as reports, history and the audit log write it. A name that is not UTF-8 (unzipped from
    a GBK archive, say) reaches Python with stand-ins for its bytes, which no UTF-8 file can hold: each shows as
    "�" (the history entry failed to be written and the import with it)."""
    name = source.name if isinstance(source, Upload) else Path(source).name
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


# ---------------------------------------------------------------- limits


def _env_megabytes(name: str, default: float) -> float:
    """The setting as megabytes; a value that is not a positive finite number (``abc``, ``-1``, ``1e999``) keeps the
    default, and the server's log (a CLI's standard error) says so, rather than refusing every file or failing."""
    given = config.setting(name)
    if not given:
        return default
    try:
        value = float(given)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 < value <= _MOST_MEGABYTES):
        logging.getLogger(__name__).warning(
            "%s=%r is not a number of megabytes from 0 to %s; using %s", name, given, _MOST_MEGABYTES, default
        )
        return default
    return value


def max_upload_bytes() -> int:
    """The largest file accepted: ``OVERSIGHT_MAX_UPLOAD_MB`` (default 20 MB)."""
    return int(_env_megabytes("OVERSIGHT_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB) * 1024 * 1024)


def max_inflated_bytes() -> int:
    """The most a workbook's zip may inflate to: ``OVERSIGHT_MAX_INFLATED_MB`` (default 200 MB)."""
    return int(_env_megabytes("OVERSIGHT_MAX_INFLATED_MB", DEFAULT_MAX_INFLATED_MB) * 1024 * 1024)


def batch_problems(sources: list[Source]) -> list[Problem]:
    """An import's files together: at most ``MAX_FILES_PER_IMPORT``, and at most twice one file's limit in all (each
    file's cells are held while the batch is checked, so twenty files of 20 MB would hold twenty grids at once)."""
    if len(sources) > MAX_FILES_PER_IMPORT:
        return [
            Problem(
                file="", message_key="error.too_many_files", params={"count": len(sources), "max": MAX_FILES_PER_IMPORT}
            )
        ]
    total, limit = sum(_size_or_zero(source) for source in sources), 2 * max_upload_bytes()
    if len(sources) > 1 and total > limit:  # one file alone is measured against its own limit, more plainly
        return [
            Problem(
                file="", message_key="error.batch_too_large", params={"size_mb": _mb(total), "limit_mb": _mb(limit)}
            )
        ]
    return []


def _size_or_zero(source: Source) -> int:
    if isinstance(source, Upload):
        return len(source.data)
    try:
        path = Path(source)
        return path.stat().st_size if path.is_file() else 0  # a missing file is named by its own check
    except OSError:
        return 0


# ---------------------------------------------------------------- raw reading

Sheets = dict[str, list[list[object]]]

_ZIP_MAGIC = b"PK\x03\x04"
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
# .et is WPS 表格's own name for a workbook (its binary is the .xls one; a WPS ledger saved as .xlsx inside is read as
# such): the CLI read one by its signature, the upload box alone refused it in Streamlit's English
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et")
# What a file to import may be called: workbooks (read by their signature, whatever the name) and text tables.
# The upload box accepts exactly these, so the page takes what the CLI reads (it refused an .xls the CLI imported).
ACCEPTED_SUFFIXES = (*_WORKBOOK_SUFFIXES, *_TEXT_SUFFIXES)


class _FileRefused(Exception):
    def __init__(self, key: str, *, at: dict[str, Any] | None = None, **params: Any):
        # ``at``: the sheet, row and column letter of the one cell the refusal is about, for the report's columns
        self.key, self.params, self.at = key, params, at or {}

    def problem(self, file: str) -> Problem:
        return Problem(file=file, message_key=self.key, params=self.params, **self.at)


_CELL_REFERENCE = re.compile(r"^([A-Z]{1,3})([0-9]+)$")


def _formula_refused(
    key: str, formula: sheet_bounds.FormulaWithoutValue | sheet_bounds.FormulaNotRecalculated
) -> _FileRefused:
    """A formula refusal located at its first cell's sheet and row (its column by letter in the sentence: no header
    has been read yet to name it by), saying how many the sheet holds."""
    reference = _CELL_REFERENCE.match(formula.cell)
    at: dict[str, Any] = {"sheet": formula.sheet}
    if reference:
        at["row"] = int(reference.group(2))
    return _FileRefused(key, at=at, sheet=formula.sheet, cell=formula.cell, count=formula.count)


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}"


@dataclass(frozen=True)
class LoadedWorkbook:
    """A file's sheets and what each hides (rows, columns, the sheet itself), for the import's check to name."""

    sheets: Sheets
    visibility: hidden_parts.Visibility


def load_workbook(source: Source, checked: bool = True) -> LoadedWorkbook:
    """``load_sheets`` and, from the same bytes once they are bounded, what each sheet hides."""
    name = source_name(source)
    try:
        sheets, data = _load_sheets(source, checked)
    except _FileRefused as refused:
        raise ValidationError([refused.problem(name)]) from None
    return LoadedWorkbook(sheets, hidden_parts.workbook_visibility(data))


def load_sheets(source: Source, checked: bool = True) -> Sheets:
    """Every sheet of a workbook (or the one table of a CSV) as rows of raw cell values.

    Row ``i`` of a sheet is Excel row ``i + 1``: leading blank rows are kept.
    Raises ``ValidationError`` for a file that must not or cannot be opened.
    ``checked=False`` skips the size and zip-bomb bounds, for the data folder's
    own files, which only the importer (which checks) writes.
    """
    name = source_name(source)
    try:
        return _load_sheets(source, checked)[0]
    except _FileRefused as refused:
        raise ValidationError([refused.problem(name)]) from None


def _load_sheets(source: Source, checked: bool) -> tuple[Sheets, bytes]:
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
        _check_legacy_sheet_sizes(data, suffix)
        try:
            sheets = _read_workbook(data, legacy_sheet_bounds.lost_values(data))
            return _in_its_date_system(sheets, legacy_sheet_bounds.uses_1904_dates(data)), data
        except _FileRefused:
            if suffix in (".xlsx", ".xlsm"):
                raise _FileRefused("error.encrypted") from None
            raise
    if data.startswith(_ZIP_MAGIC):
        if checked:
            _check_archive(data)
        _check_sheet_sizes(data)
        lost, counts_from_1904 = _what_calamine_loses(data)
        return _in_its_date_system(_read_workbook(data, lost), counts_from_1904), data
    ledger = _ledger_kept_open(source_name(source))
    if ledger is not None:
        raise _FileRefused("error.owner_file", ledger=ledger)
    if suffix in _TEXT_SUFFIXES:
        # the data folder's own CSV (the scale data set's million rows) is the importer's, checked when it was written
        return {"": _read_text_rows(data, sheet_bounds.MAX_SHEET_CELLS if checked else None)}, data
    disguise = _text_under_a_workbook_name(data) if suffix in _WORKBOOK_SUFFIXES else None
    if disguise is not None:
        raise _FileRefused(f"error.{disguise}_named_as_workbook", suffix=suffix)
    raise _FileRefused("error.not_a_spreadsheet")


# What Excel and WPS (~$问题.xlsx) and LibreOffice (.~lock.问题.xlsx#) keep beside a workbook while it is open: a
# clerk who picks every file of the folder, or the one named like the ledger, uploads it with the workbook still open.
_KEPT_OPEN = re.compile(r"^(?:~\$(?P<excel>.+)|\.~lock\.(?P<office>.+)#)$")


def _ledger_kept_open(name: str) -> str | None:
    """The workbook's name if ``name`` is such a file (never a workbook itself: the caller asks only of a file that
    is neither a zip nor an OLE workbook), else None. It was refused as 不是电子表格文件, which told the clerk
    nothing: the ledger is open in Excel, and the file to upload is the ledger, saved and closed."""
    found = _KEPT_OPEN.match(name)
    return None if found is None else found["excel"] or found["office"]


_MARKUP = re.compile(r"<\s*(html|table|\?xml|workbook)\b", re.IGNORECASE)
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def _text_under_a_workbook_name(data: bytes) -> str | None:
    """What a file named as a workbook holds when it is text: ``"markup"`` for a web page or XML table (what many
    systems' "导出Excel" writes as .xls), ``"text_table"`` for a CSV or tab-separated table (a .csv renamed .xlsx),
    else None. Excel opens either with a warning, so the clerk believes it is a workbook; "not a spreadsheet"
    told them nothing they could act on."""
    sample = data[:4096]
    if sample.startswith(_BOMS[1:]):
        text = sample.decode("utf-16", errors="ignore")
    elif b"\x00" in sample:
        return None  # binary
    else:
        text = sample.decode("utf-8-sig", errors="ignore")  # tags and delimiters are ASCII in UTF-8 and GB18030
    if _MARKUP.search(text):
        return "markup"
    if sample.startswith(_BOMS):
        return "text_table"  # a byte-order mark starts text, never a binary file
    first_line = _first_line_text(sample)
    if first_line is None or not all(ch.isprintable() or ch in "\t\r" for ch in first_line):
        return None
    return "text_table" if any(mark in first_line for mark in (",", "\t", "，")) else None


def _first_line_text(sample: bytes) -> str | None:
    """The sample's first non-blank line as text in UTF-8 or GB18030 (what a CSV is written in), or None."""
    line = sample.lstrip().split(b"\n", 1)[0]
    for encoding in ("utf-8", "gb18030"):
        try:
            return line.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


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
        raise _sheet_too_large(large) from None
    except sheet_bounds.WorkbookTooLarge as large:
        raise _workbook_too_large(large) from None
    except sheet_bounds.FormulaWithoutValue as formula:
        raise _formula_refused("error.formula_without_value", formula) from None
    except sheet_bounds.FormulaNotRecalculated as formula:
        raise _formula_refused("error.formula_not_recalculated", formula) from None
    except (
        sheet_bounds.SheetUnreadable,
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        NotImplementedError,
        RuntimeError,
        ValueError,
    ):
        raise _FileRefused("error.workbook_corrupt") from None


def _check_legacy_sheet_sizes(data: bytes, suffix: str) -> None:
    """The same bound for a legacy .xls, whose declared dimension calamine also reserves (see ``legacy_sheet_bounds``).

    A compound file that is not a readable workbook is left to calamine's own refusal (for an .xlsx name,
    that is an encrypted file: Excel's encryption wraps the package in a compound file).
    """
    try:
        legacy_sheet_bounds.check_legacy_workbook(data)
    except sheet_bounds.SheetTooLarge as large:
        raise _sheet_too_large(large) from None
    except sheet_bounds.WorkbookTooLarge as large:
        raise _workbook_too_large(large) from None
    except sheet_bounds.SheetUnreadable:
        raise _FileRefused("error.encrypted" if suffix in (".xlsx", ".xlsm") else "error.workbook_corrupt") from None


def _sheet_too_large(large: sheet_bounds.SheetTooLarge) -> _FileRefused:
    return _FileRefused(
        "error.sheet_too_large",
        sheet=large.sheet,
        rows=large.rows,
        columns=large.columns,
        max_cells=f"{sheet_bounds.MAX_SHEET_CELLS:,}",
    )


def _workbook_too_large(large: sheet_bounds.WorkbookTooLarge) -> _FileRefused:
    return _FileRefused(
        "error.workbook_too_large", sheets=large.sheets, max_cells=f"{sheet_bounds.MAX_WORKBOOK_CELLS:,}"
    )


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
                        inflated > (1 << 20) and inflated > MAX_INFLATE_RATIO * max(member.compress_size, 1)
                    ):
                        raise _FileRefused("error.archive_too_large", limit_mb=_mb(bound))
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
            raise _FileRefused("error.workbook_corrupt") from None
        total += inflated


def _what_calamine_loses(data: bytes) -> tuple[dict[str, dict[tuple[int, int], object]], bool]:
    """What an .xlsx says that calamine's values lose: its cells showing an error value (read as ""), by sheet (see
    ``xlsx_cells``), and whether it counts its dates from 1904."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        return xlsx_cells.lost_values(archive), sheet_bounds.uses_1904_dates(archive)
    except (sheet_bounds.SheetUnreadable, zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, ValueError):
        raise _FileRefused("error.workbook_corrupt") from None


def _in_its_date_system(sheets: Sheets, counts_from_1904: bool) -> Sheets:
    """In a workbook that counts dates from 1904, every number (and text of digits) is marked so, for a date column
    to read it as that workbook's serial day. calamine converts date-formatted cells by the workbook's system
    itself; a number in a General cell it hands over as it is, and read from 1900 it fell 4 years and a day early."""
    if counts_from_1904:
        for rows in sheets.values():
            for row in rows:
                row[:] = [in_1904_date_system(value) for value in row]
    return sheets


def _read_workbook(data: bytes, lost: dict[str, dict[tuple[int, int], object]] | None = None) -> Sheets:
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets: Sheets = {}
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            rows: list[list[object]] = sheet.to_python(skip_empty_area=False)  # type: ignore[assignment]
            xlsx_cells.put_back(rows, (lost or {}).get(name, {}))
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
    spilled: dict[int, set[int]] = {}  # row → the positions a merged cell above filled in it
    for (top, left), (bottom, right) in ranges:
        if top >= len(rows) or left >= len(rows[top]):
            continue
        right = min(right, width - 1)
        value = rows[top][left]
        last = min(bottom, len(rows) - 1)
        for index in range(top, last + 1):
            row = rows[index]
            if len(row) <= right:
                row.extend([""] * (right + 1 - len(row)))
            below = value  # a number under the merged cell's first row is marked: a count is one record's alone
            if index > top and isinstance(value, (int, float)) and not isinstance(value, bool):
                below = NumberFromAMergedCell(value, first_row=top + 1, rows=last - top + 1)
            for position in range(left, right + 1):
                if is_blank(row[position]):
                    row[position] = below
                    if index > top:
                        spilled.setdefault(index, set()).add(position)
    # A blank row that a unit merged down its block runs through (the spacer before the next block) holds nothing
    # of its own: it is blank as the clerk sees it, not a record missing its id, date and kind
    for index, positions in spilled.items():
        row = rows[index]
        if all(position in positions for position, value in enumerate(row) if not is_blank(value)):
            for position in positions:
                row[position] = ""


def _text_encoding(raw: bytes) -> str:
    """The codec a text table's bytes are read with, checked across all of them without holding the decoded text: a
    1,000,000-meeting CSV of 89 MB decoded whole, and then copied whole into the reader's buffer, held some 400 MB
    for a moment on top of its rows."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        if not _decodes_as(raw, "utf-16"):  # an odd number of bytes: cut off, or not UTF-16 at all
            raise _FileRefused("error.csv_encoding")
        return "utf-16"  # Excel's "Unicode text" export
    if b"\x00" in raw[:4096]:
        if _looks_like_utf16_without_bom(raw[:4096]):  # a text table all the same: saving it as UTF-8 is the cure
            raise _FileRefused("error.csv_encoding")
        raise _FileRefused("error.not_a_spreadsheet")  # binary, whatever its name says
    # What Chinese Excel writes is GB18030 (GBK); everything else is UTF-8, often with a BOM.
    for encoding in ("utf-8-sig", "gb18030"):
        if _decodes_as(raw, encoding):
            return encoding
    raise _FileRefused("error.csv_encoding")


_DECODE_CHUNK = 1 << 20


def _decodes_as(raw: bytes, encoding: str) -> bool:
    """Whether the whole of ``raw`` decodes as ``encoding``, a megabyte at a time (the text is not kept)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    view = memoryview(raw)
    try:
        for start in range(0, len(raw), _DECODE_CHUNK):
            decoder.decode(view[start : start + _DECODE_CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _text_lines(raw: bytes, encoding: str) -> Iterator[str]:
    """The text's lines, their line breaks kept (as the csv module wants them), decoded as they are read; a BOM is
    never a cell's text: utf-8-sig takes off one, and a file saved twice by a tool that adds its own has two (the first
    header read "\ufeff问题编号", and the report said 问题编号 was missing)."""
    lines = io.TextIOWrapper(io.BytesIO(raw), encoding=encoding, newline="")
    first = True
    for line in lines:
        if first:
            line = line.lstrip("\ufeff")
            if not line:
                continue  # nothing but BOMs so far: the first line is still to come
            first = False
        yield line


def _looks_like_utf16_without_bom(sample: bytes) -> bool:
    """UTF-16 written without its BOM: a CSV's digits, delimiters and line breaks put a NUL in every other byte, on
    the side of an ASCII character's high byte (the other side has one only where a character such as 一, U+4E00,
    ends in 00: one in 256); a binary file has its NULs on both sides alike."""
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    one_side, other_side = max(even, odd), min(even, odd)
    return one_side >= 8 * other_side and one_side * 8 >= len(sample) // 2


class _SharedCells:
    """A text table's repeated cells held once: the csv module makes a new string of every cell, and a million
    meetings' units, dates, kinds and 是/否 were ten million strings, some 570 MB of the 770 MB their rows held. Each
    column shares its cells while it has few distinct ones; a column of ids (each cell its own) stops being looked up
    once it has shown it is one, so the lookup costs no more than a bounded table per column."""

    MOST_DISTINCT = 1 << 14
    _EVERY = 4096  # rows between two looks at how many distinct cells each column has

    def __init__(self) -> None:
        self._columns: list[dict[str, str] | None] = []
        self._rows = 0

    def row(self, cells: list[str]) -> list[object]:
        columns = self._columns
        if len(cells) > len(columns):
            columns += [{} for _ in range(len(cells) - len(columns))]
        self._rows += 1
        if self._rows % self._EVERY == 0:
            for position, seen in enumerate(columns):
                if seen is not None and len(seen) > self.MOST_DISTINCT:
                    columns[position] = None
        return [
            cell if (seen := columns[position]) is None else seen.setdefault(cell, cell)
            for position, cell in enumerate(cells)
        ]


def _read_text_rows(raw: bytes, cell_limit: int | None = sheet_bounds.MAX_SHEET_CELLS) -> list[list[object]]:
    """The rows of a text table; past ``cell_limit`` cells (None: no bound) it is refused as it is read."""
    encoding = _text_encoding(raw)
    sample = io.TextIOWrapper(io.BytesIO(raw), encoding=encoding, newline="").read(8192 + 16).lstrip("\ufeff")[:8192]
    sample_lines = [line for line in sample.splitlines() if line.strip()][:10]
    delimiter = max((",", "\t", ";"), key=lambda d: sum(line.count(d) for line in sample_lines))
    rows: list[list[object]] = []
    # Its grid bounded as a workbook's sheet is, counted as it is read: a 19 MB file of 1,050,000 short rows took
    # 6.9 GB and 2 m 48 s to check. A row counts as wide as the widest so far, a blank line as one cell.
    widest = 1
    # strict: a quote never closed is an error at the end of the file, not the rest of the file read into one cell
    # (a note opening with " and never closed took the 40 records after it into one note, and the check passed)
    reader = csv.reader(_text_lines(raw, encoding), delimiter=delimiter, strict=True)
    shared = _SharedCells()
    # A refusal names the record being read as Excel shows it (第3行), as every other problem of the file does: a note
    # holding a line break is one row in Excel and two lines of text, and the text's line (reader.line_num) pointed one
    # row too far for each such note above. A blank line is a row of its own in both.
    row_began = 1  # the line the row being read starts on: whether a quote left open took lines after it
    try:
        for row in reader:
            if len(row) > MAX_CSV_COLUMNS:
                raise _FileRefused(
                    "error.csv_too_many_columns", row=len(rows) + 1, columns=len(row), limit=MAX_CSV_COLUMNS
                )
            if any(len(cell) > MAX_CSV_FIELD_CHARS for cell in row):
                raise _FileRefused("error.csv_field_too_long", row=len(rows) + 1, limit=MAX_CSV_FIELD_CHARS)
            widest = max(widest, len(row))
            if cell_limit is not None and (len(rows) + 1) * widest > cell_limit:
                raise _FileRefused(
                    "error.csv_too_large",
                    rows=len(rows) + 1,
                    columns=widest,
                    max_cells=f"{cell_limit:,}",
                )
            rows.append(shared.row(row))
            row_began = reader.line_num + 1
    except csv.Error as error:
        if "field larger than field limit" in str(error):  # the csv module's own bound on a cell (131,072)
            raise _FileRefused("error.csv_field_too_long", row=len(rows) + 1, limit=MAX_CSV_FIELD_CHARS) from None
        if "end of data" in str(error) or reader.line_num - row_began > 0:
            raise _FileRefused("error.csv_unclosed_quote", row=len(rows) + 1) from None
        raise _FileRefused("error.csv_bad_quote", row=len(rows) + 1) from None
    return rows
