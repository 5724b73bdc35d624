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
import struct
import xml.parsers.expat
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
        xml.parsers.expat.ExpatError,
        zipfile.BadZipFile,
        zlib.error,
        KeyError,
        ValueError,
        struct.error,
        EOFError,
    ):
        pass  # calamine has read the cells; that the hiding cannot be read is no reason to refuse them
    return {}


_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


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
        # a sheet that hides nothing (nearly every one) never spells the attribute: no parse for it
        rows, columns, filtered = _hidden_in_sheet(xml_bytes) if b"hidden" in xml_bytes else (set(), set(), False)
        visibility[name] = SheetVisibility(
            hidden=states.get(name, "visible") != "visible",
            rows=frozenset(rows),
            columns=frozenset(columns),
            filtered=filtered or b"autoFilter" in xml_bytes,
        )
    return visibility


def _is_true(value: str | None) -> bool:
    return value is not None and value.strip() in ("1", "true")


def _hidden_in_sheet(xml_bytes: bytes) -> tuple[set[int], set[int], bool]:
    """(hidden rows, hidden columns, has a filter) by a streaming parse (expat), which no spelling fools: character
    references, quotes, a ``>`` inside a value, comments, prefixes (a regular expression named a commented-out row
    and missed ``hidden="&#49;"``). A hidden row's number is where calamine puts its cells: a cell's own ``r``, or
    counted on from the row before, as ``sheet_bounds`` places them (a ``<row>`` without ``r`` whose cells say
    ``A5`` is row 5). Rows past Excel's last and columns past its last are not kept, and hidden column ranges are
    merged before they are counted (50,000 elements each hiding A:XFD held an import's check for 43 s)."""
    rows: set[int] = set()
    spans: list[tuple[int, int]] = []
    state = {"row": 0, "column": 0, "hidden": False, "filtered": False}

    def start(name: str, attributes: dict[str, str]) -> None:
        tag = sheet_bounds.local_name(name)
        if tag == "c":
            place = sheet_bounds.split_reference(attributes.get("r", "")) or (
                max(state["row"], 1),
                state["column"] + 1,
            )
            state["row"], state["column"] = place
            if state["hidden"] and place[0] <= sheet_bounds.EXCEL_MAX_ROWS:
                rows.add(place[0])
        elif tag == "row":
            given = next((v for k, v in attributes.items() if sheet_bounds.local_name(k) == "r"), "")
            state["row"] = int(given) if given.strip().isdigit() else state["row"] + 1
            state["column"] = 0
            state["hidden"] = _is_true(attributes.get("hidden"))
        elif tag == "col" and _is_true(attributes.get("hidden")):
            low, high = attributes.get("min", "").strip(), attributes.get("max", "").strip()
            if low.isdigit() and high.isdigit() and int(low) <= sheet_bounds.EXCEL_MAX_COLUMNS:
                spans.append((int(low), min(int(high), sheet_bounds.EXCEL_MAX_COLUMNS)))
        elif tag == "autoFilter":
            state["filtered"] = True

    parser = xml.parsers.expat.ParserCreate()
    parser.StartElementHandler = start
    parser.Parse(xml_bytes, True)
    columns: set[int] = set()
    reach = 0  # merged: each column is added once, however many elements name it
    for low, high in sorted(spans):
        if high > reach:
            columns.update(range(max(low, reach + 1), high + 1))
            reach = high
    return rows, columns, bool(state["filtered"])


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
