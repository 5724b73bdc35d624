"""An append written onto the ledger's own workbook: its bytes kept, the rows added after its last row.

An append rewrote the whole ledger with xlsxwriter (190,000 meetings: some 30 s of CPU to write, and as much again
to parse the result), for a quarter's few dozen rows. Here the ledger's sheet keeps its rows byte for byte, the rows
added are written after them in the same cell XML the office's own workbook uses (inline strings, the workbook's
own date style), and only the sheet's part is compressed again. ``probe`` is the same workbook holding the header
and the rows added only: the reader is asked about them there, with the same styles and strings, and the rows before
are what they were, since a record row is read on its own (``record_rows``, ``cells``).

That holds only for a sheet whose every row is the header or a record: a title row, a 合计 row or notes under the
table, a second sheet, merged cells or an Excel table (whose range would not grow) change how a row added after
them reads. Such a workbook gets ``None``, and the caller writes the ledger whole, as before.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from xml.etree import ElementTree

import pandas as pd

from oversight.contract.schema import DATE, Table
from oversight.core.numbers import is_missing
from oversight.ingest.cell_text import FORMULA_PREFIXES
from oversight.ingest.workbook import to_office_values

_SHEET_DATA_END = b"</sheetData>"
# what a sheet may hold after its rows and still have rows added under them: parts that name ranges of cells would
# not cover the rows added (merged cells, filters, Excel tables, rules, drop-downs, links)
_RANGED_PARTS = (
    b"<mergeCell",
    b"<autoFilter",
    b"<tablePart",
    b"<conditionalFormatting",
    b"<dataValidation",
    b"<hyperlink",
    b"<sortState",
)
_ROW_NUMBER = re.compile(rb'<row\b[^>]*?\sr="(\d+)"')
_DIMENSION = re.compile(rb'(<dimension\s+ref="[A-Z]+\d+:[A-Z]+)(\d+)(")')
_EXCEL_ESCAPE = re.compile(r"(_x[0-9a-fA-F]{4}_)")  # text Excel would read as an escaped character
_EPOCH = datetime(1899, 12, 30)
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@dataclass(frozen=True)
class AppendedWorkbook:
    data: bytes  # the ledger with the rows added
    probe: bytes  # the ledger's header and the rows added only, as rows 2, 3, …
    first_row: int  # the Excel row the first row added has in ``data``


def append_rows(
    current: bytes, table: Table, added: pd.DataFrame, units: pd.DataFrame | None, rows_before: int
) -> AppendedWorkbook | None:
    """The ledger ``current`` (holding ``rows_before`` records) with ``added`` after them; None where its sheet is not
    one the rows can simply follow (see the module's docstring)."""
    try:
        with zipfile.ZipFile(io.BytesIO(current)) as book:
            parts = {info.filename: book.read(info) for info in book.infolist()}
            infos = book.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return None
    sheet_name = _only_sheet(parts)
    styles = _styles(parts.get("xl/styles.xml"))
    if sheet_name is None or styles is None:
        return None
    xml = parts[sheet_name]
    shape = _rows_shape(xml, rows_before)
    if shape is None:
        return None
    header_end, data_end = shape
    rows = _rows_xml(table, to_office_values(table, added, units), rows_before + 2, styles)
    if rows is None:
        return None
    probe_rows = _rows_xml(table, to_office_values(table, added, units), 2, styles)
    assert probe_rows is not None  # the same values and styles as ``rows``
    # the sheet in pieces, never joined: the rows before of 190,000 meetings are 90 MB of XML, held once
    head, kept, tail = _dimension(xml[:header_end], rows_before + 1 + len(added)), memoryview(xml), xml[data_end:]
    data = (head, kept[header_end:data_end], rows, tail)
    probe = (_dimension(xml[:header_end], 1 + len(added)), probe_rows, tail)
    return AppendedWorkbook(
        data=_zipped(infos, parts, sheet_name, data),
        probe=_zipped(infos, parts, sheet_name, probe),
        first_row=rows_before + 2,
    )


def _only_sheet(parts: dict[str, bytes]) -> str | None:
    """The workbook's one worksheet part; None for a workbook of several sheets (or of none, or another layout)."""
    sheets = [name for name in parts if re.fullmatch(r"xl/worksheets/[^/]+\.xml", name)]
    workbook = parts.get("xl/workbook.xml", b"")
    # a defined name (a print area, a filter's range) names rows that would not grow with the sheet
    if len(sheets) != 1 or workbook.count(b"<sheet ") != 1 or b"<definedName " in workbook:
        return None
    return sheets[0]


@dataclass(frozen=True)
class _Styles:
    date: int  # a cell format showing a date as yyyy-mm-dd
    quoted: int | None  # a cell format with Excel's hidden quote prefix, where the workbook has one


def _styles(xml: bytes | None) -> _Styles | None:
    """The workbook's cell formats a row added needs: a date's, and (if there is one) text kept from being a formula."""
    if xml is None:
        return None
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError:
        return None
    formats = {
        element.get("numFmtId"): (element.get("formatCode") or "").lower() for element in root.iter(f"{_MAIN_NS}numFmt")
    }
    cell_xfs = root.find(f"{_MAIN_NS}cellXfs")
    if cell_xfs is None:
        return None
    date_style = quoted = None
    for index, xf in enumerate(cell_xfs.findall(f"{_MAIN_NS}xf")):
        number_format = xf.get("numFmtId", "0")
        if date_style is None and (number_format == "14" or formats.get(number_format) == "yyyy-mm-dd"):
            date_style = index
        if quoted is None and xf.get("quotePrefix") == "1" and number_format == "0":
            quoted = index
    return None if date_style is None else _Styles(date_style, quoted)


def _rows_shape(xml: bytes, rows_before: int) -> tuple[int, int] | None:
    """Where the header row ends and the sheet's rows end, for a sheet whose rows are 1 (the header) to
    ``rows_before + 1``, every one there (so each is the header or a record); None for any other sheet."""
    end = xml.rfind(_SHEET_DATA_END)
    if end < 0 or xml.count(_SHEET_DATA_END) != 1 or any(part in xml[end:] for part in _RANGED_PARTS):
        return None
    if xml.count(b"<row>") or xml.count(b"<row ") != rows_before + 1:
        return None
    first = _ROW_NUMBER.search(xml)
    last = _ROW_NUMBER.search(xml, xml.rfind(b"<row "))
    if first is None or last is None or first.group(1) != b"1" or int(last.group(1)) != rows_before + 1:
        return None
    header_end, next_row = xml.find(b"</row>", first.end()), xml.find(b"<row ", first.end())
    if header_end < 0 or 0 <= next_row < header_end:
        return None  # a header row written as <row …/> has no cells
    return header_end + len(b"</row>"), end


def _rows_xml(table: Table, office: pd.DataFrame, first_row: int, styles: _Styles) -> bytes | None:
    """The rows as a sheet's XML, cell by cell as ``workbook.ledger_xlsx_bytes`` writes them."""
    letters = [_column_letter(position) for position in range(len(table.columns))]
    out: list[str] = []
    for offset, row in enumerate(office.itertuples(index=False)):
        number = first_row + offset
        cells: list[str] = []
        for position, (column, value) in enumerate(zip(table.columns, row)):
            if is_missing(value):
                continue
            reference = f"{letters[position]}{number}"
            if column.kind == DATE:
                if not isinstance(value, date):  # a datetime is a date too
                    return None
                moment = value if isinstance(value, datetime) else datetime.combine(value, datetime.min.time())
                serial = (moment - _EPOCH).total_seconds() / 86400
                cells.append(f'<c r="{reference}" s="{styles.date}"><v>{serial:.16G}</v></c>')
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                cells.append(f'<c r="{reference}"><v>{value:.16G}</v></c>')
            else:
                text = str(value)
                style = ""
                if text.startswith(FORMULA_PREFIXES):
                    if styles.quoted is None:
                        return None
                    style = f' s="{styles.quoted}"'
                space = ' xml:space="preserve"' if text != text.strip() else ""
                cells.append(f'<c r="{reference}"{style} t="inlineStr"><is><t{space}>{_escaped(text)}</t></is></c>')
        out.append(f'<row r="{number}">{"".join(cells)}</row>')
    return "".join(out).encode("utf-8")


def _escaped(text: str) -> str:
    text = _EXCEL_ESCAPE.sub(r"_x005F\1", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _column_letter(position: int) -> str:
    letters = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _dimension(xml: bytes, last_row: int) -> bytes:
    """The sheet's declared extent, down to its new last row (what Excel reads first; the reader does not trust it)."""
    return _DIMENSION.sub(lambda match: match.group(1) + str(last_row).encode() + match.group(3), xml, count=1)


def _zipped(
    infos: list[zipfile.ZipInfo], parts: dict[str, bytes], sheet_name: str, sheet: tuple[bytes | memoryview, ...]
) -> bytes:
    """The workbook again, its parts in their order and with their dates, the sheet's part replaced by ``sheet``'s
    pieces one after another."""
    buffer = io.BytesIO()
    # zlib's default level, as xlsxwriter writes: the sheet of 190,000 meetings (90 MB of XML) took 1.2 s to 8.1 MB,
    # against 0.4 s to 10.4 MB at level 1, and every import keeps the ledger before it in the history
    with zipfile.ZipFile(buffer, "w") as book:
        for original in infos:
            info = copy.copy(original)  # writing fills in its offsets and sizes: the next workbook needs its own
            if info.filename != sheet_name:
                book.writestr(info, parts[info.filename])
                continue
            with book.open(info, "w") as stream:
                for piece in sheet:
                    stream.write(piece)
    return buffer.getvalue()
