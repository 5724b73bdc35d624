"""Which rows, columns and sheets of a workbook are hidden, so an import can say it counted them.

The reader (calamine) returns every cell whatever Excel shows, and that is right: the ledger is the record.
But a clerk often hides the rows they consider withdrawn (or filters them out), and a dashboard that then
counts them without a word changes a leader's figures behind the clerk's back. So the hidden parts are
found here and the import's check names those that hold records (``hidden_in``), for the clerk to confirm
or delete. Nothing here refuses a file: a workbook whose hiding cannot be read is reported as hiding nothing.

An .xlsx keeps a sheet's state in ``xl/workbook.xml`` (``state="hidden"`` or ``"veryHidden"``), a hidden or
filtered-out row as ``<row hidden="1">`` (a filter hides its rows the same way; ``<autoFilter>`` says the
sheet has one), a hidden column as ``<col min max hidden="1">``. A legacy .xls keeps them in BOUNDSHEET's
state, ROW's fDyZero flag, COLINFO's fHidden flag and an AUTOFILTERINFO record.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from xml.etree import ElementTree

from oversight.ingest import legacy_sheet_bounds, sheet_bounds


@dataclass(frozen=True)
class SheetVisibility:
    """What a sheet hides: itself, rows (Excel row numbers), columns (1-based numbers), and whether it has a filter."""

    hidden: bool = False
    rows: frozenset[int] = frozenset()
    columns: frozenset[int] = frozenset()
    filtered: bool = False


Visibility = dict[str, SheetVisibility]  # sheet name → what it hides; a sheet hiding nothing may be absent


@dataclass(frozen=True)
class HiddenRecords:
    """The hidden parts of one sheet that an import reads: rows holding records, the columns it reads."""

    sheet: str
    sheet_hidden: bool = False
    rows: tuple[int, ...] = ()  # Excel rows of records that are hidden
    filtered: bool = False  # the sheet has a filter, so a hidden row may be one it filtered out
    columns: tuple[tuple[str, str], ...] = ()  # (header as written, Excel letter) of hidden columns
    records: int = 0  # records the sheet gave: all of them are in view of a hidden sheet's note

    def as_dict(self) -> dict[str, object]:
        return {
            "sheet": self.sheet,
            "sheet_hidden": self.sheet_hidden,
            "rows": list(self.rows),
            "filtered": self.filtered,
            "columns": [letter for _, letter in self.columns],
        }


def hidden_in(
    visibility: Visibility,
    origins: list[tuple[str, int]],
    labels: dict[str, dict[str, tuple[str, str]]],
) -> tuple[HiddenRecords, ...]:
    """The hidden parts among what was read: ``origins`` (sheet, Excel row) of each record, ``labels`` the
    columns read per sheet. A hidden blank row, an unread column or an unread sheet (a template's list
    sheet) holds nothing the dashboard counts, and is not mentioned."""
    rows_by_sheet: dict[str, list[int]] = {}
    for sheet, row in origins:
        rows_by_sheet.setdefault(sheet, []).append(row)
    found = []
    for sheet, rows in rows_by_sheet.items():
        seen = visibility.get(sheet)
        if seen is None:
            continue
        hidden_rows = tuple(row for row in rows if row in seen.rows)
        read_columns = sorted(labels.get(sheet, {}).values(), key=lambda label: sheet_bounds.column_number(label[1]))
        hidden_columns = tuple(label for label in read_columns if sheet_bounds.column_number(label[1]) in seen.columns)
        if seen.hidden or hidden_rows or hidden_columns:
            found.append(HiddenRecords(sheet, seen.hidden, hidden_rows, seen.filtered, hidden_columns, len(rows)))
    return tuple(found)


def workbook_visibility(data: bytes) -> Visibility:
    """What each sheet of a workbook (.xlsx or legacy .xls) hides; ``{}`` for a text table or an unreadable book.

    Called after ``files`` has bounded the file, so the zip is known not to be a bomb."""
    try:
        if data.startswith(b"PK\x03\x04"):
            return _xlsx_visibility(zipfile.ZipFile(io.BytesIO(data)))
        if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
            return _xls_visibility(data)
    except (
        sheet_bounds.SheetUnreadable,
        ElementTree.ParseError,
        zipfile.BadZipFile,
        zlib.error,
        KeyError,
        ValueError,
        struct.error,
        EOFError,
    ):
        pass  # calamine has read the cells; that the hiding cannot be read is no reason to refuse them
    return {}


# A start tag named row/col/autoFilter, with or without a namespace prefix; ``\b`` keeps <rowBreaks> and <cols> out.
_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\b([^>]*)>")
_COL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?col\b([^>]*)>")
_AUTOFILTER = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?autoFilter\b")
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_HIDDEN = re.compile(rb"""(?:^|\s)hidden\s*=\s*["'](?:1|true)["']""")


def _attribute(attributes: bytes, name: bytes) -> bytes | None:
    match = re.search(rb"(?:^|\s)" + name + rb"""\s*=\s*["']([^"']*)["']""", attributes)
    return match.group(1) if match else None


def _xlsx_visibility(archive: zipfile.ZipFile) -> Visibility:
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    states = {sheet.get("name", ""): sheet.get("state", "visible") for sheet in workbook.iter(f"{{{_MAIN_NS}}}sheet")}
    members = {name.lower(): name for name in archive.namelist()}
    visibility: Visibility = {}
    for name, member in sheet_bounds.sheet_parts(archive):
        actual = members.get(member.lower())
        if actual is None:
            continue
        xml_bytes = archive.read(actual)
        rows: set[int] = set()
        row = 0
        for match in _ROW.finditer(xml_bytes):
            given = _attribute(match.group(1), b"r")
            row = int(given) if given and given.isdigit() else row + 1  # a row without r follows the last
            if _HIDDEN.search(match.group(1)):
                rows.add(row)
        columns: set[int] = set()
        for match in _COL.finditer(xml_bytes):
            low, high = _attribute(match.group(1), b"min"), _attribute(match.group(1), b"max")
            if _HIDDEN.search(match.group(1)) and low and high and low.isdigit() and high.isdigit():
                # a hidden range may run to the grid's edge (XFD): only the columns a ledger can have matter
                columns.update(range(int(low), min(int(high), sheet_bounds.EXCEL_MAX_COLUMNS) + 1))
        visibility[name] = SheetVisibility(
            hidden=states.get(name, "visible") != "visible",
            rows=frozenset(rows),
            columns=frozenset(columns),
            filtered=bool(_AUTOFILTER.search(xml_bytes)),
        )
    return visibility


_ROW_RECORD, _COLINFO, _AUTOFILTERINFO = 0x0208, 0x007D, 0x009D


def _xls_visibility(data: bytes) -> Visibility:
    stream = legacy_sheet_bounds.workbook_stream(data)
    visibility: Visibility = {}
    for name, start, state in legacy_sheet_bounds.sheet_list(stream):
        rows: set[int] = set()
        columns: set[int] = set()
        filtered = False
        for kind, record in legacy_sheet_bounds.sheet_records(stream, start):
            if kind == _ROW_RECORD and len(record) >= 14:
                row, flags = struct.unpack_from("<H", record)[0], struct.unpack_from("<H", record, 12)[0]
                if flags & 0x20:  # fDyZero: the row is hidden (or filtered out)
                    rows.add(row + 1)
            elif kind == _COLINFO and len(record) >= 10:
                first, last, _, _, flags = struct.unpack_from("<HHHHH", record)
                if flags & 0x01:
                    columns.update(range(first + 1, min(last, 0xFF) + 2))
            elif kind == _AUTOFILTERINFO:
                filtered = True
        visibility[name] = SheetVisibility(state != 0, frozenset(rows), frozenset(columns), filtered)
    return visibility
