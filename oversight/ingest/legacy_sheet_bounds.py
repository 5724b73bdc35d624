"""How big each sheet of a legacy .xls really is, found before calamine materialises it.

calamine reads a BIFF sheet into a dense grid as it does an .xlsx, and more: it also reserves room for
the sheet's declared DIMENSIONS before reading a cell, with the arithmetic of 32-bit counters. A
crafted file can so ask for 65,536 × 65,536 cells with one cell record, or for billions with one
DIMENSIONS record, and the server process aborts. This walks the sheet's records as calamine walks
them (from the offset each BOUNDSHEET gives, skipping embedded chart substreams, up to EOF) and
measures both: the declared dimension as calamine reserves it, and the farthest cell with a value
(BLANK and MULBLANK records are formatting only; calamine skips them, and so does the bound).

The compound file is opened with ``olefile``; the records are read with ``struct``. An encrypted
workbook (a FILEPASS record) is left to calamine, which refuses it as encrypted: its cell records
cannot be read without the key, and it cannot be materialised either.

The same walk finds what calamine's values lose (cells showing an error value) and the workbook's date system.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator

import olefile

from oversight.ingest.cell_text import ErrorValue
from oversight.ingest.sheet_bounds import MAX_SHEET_CELLS, CellBudget, SheetTooLarge, SheetUnreadable

_BOF, _EOF, _BOUNDSHEET, _DIMENSIONS, _FILEPASS, _MULRK = 0x0809, 0x000A, 0x0085, 0x0200, 0x002F, 0x00BD
_DATEMODE = 0x0022
# Cell records that start with row and column (u16 each) and that calamine puts in the grid:
# NUMBER, LABEL, RSTRING, BOOLERR, RK, LABELSST, FORMULA.
_CELLS = frozenset({0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD, 0x0006})
_U32 = 1 << 32


def _records(stream: bytes, start: int) -> Iterator[tuple[int, bytes]]:
    """``(kind, data)`` from ``start`` on; a record cut short ends the walk (calamine refuses that file)."""
    position = start
    while position + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, position)
        data = stream[position + 4 : position + 4 + length]
        if len(data) < length:
            return
        yield kind, data
        position += 4 + length


def workbook_stream(data: bytes) -> bytes:
    """The BIFF stream of a compound file (BIFF8's Workbook or BIFF5's Book)."""
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as compound:
            for name in ("Workbook", "Book"):  # BIFF8, BIFF5
                if compound.exists(name):
                    return compound.openstream(name).read()
    except Exception as error:  # olefile raises many kinds for a damaged container
        raise SheetUnreadable(str(error)) from None
    raise SheetUnreadable("no Workbook stream")


def _sheet_name(data: bytes, biff8: bool) -> str:
    if len(data) < 8:
        return ""
    length = data[6]
    if not biff8:
        return data[7 : 7 + length].decode("latin-1", "replace")
    if data[7] & 1:
        return data[8 : 8 + 2 * length].decode("utf-16-le", "replace")
    return data[8 : 8 + length].decode("latin-1", "replace")


def _declared(data: bytes) -> tuple[int, int]:
    """Rows × columns calamine reserves for a DIMENSIONS record (its u32 arithmetic wraps)."""
    if len(data) == 14:
        first_row, last_row, first_column, last_column = struct.unpack_from("<IIHH", data)
    elif len(data) == 10:
        first_row, last_row, first_column, last_column = struct.unpack_from("<HHHH", data)
    else:
        return 0, 0  # calamine refuses the file
    if last_row < 1 or last_column < 1:
        return 1, 1
    if first_column > 0xFF or last_column < first_column:
        first_column = 0
    return (last_row - first_row) % _U32, (last_column - first_column) % _U32


def sheet_records(stream: bytes, start: int) -> Iterator[tuple[int, bytes]]:
    """A sheet's own records from its BOF at ``start`` to its EOF, as calamine walks them: embedded charts'
    substreams skipped."""
    depth, seen_bof = 0, False
    for kind, data in _records(stream, start):
        if depth:  # inside an embedded chart's substream
            depth += kind == _BOF
            depth -= kind == _EOF
            continue
        if kind == _BOF:
            depth, seen_bof = (1, seen_bof) if seen_bof else (0, True)
        elif kind == _EOF:
            return
        else:
            yield kind, data


def _sheet_extent(stream: bytes, start: int, limit: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """(declared rows, columns), (rows, columns) of the grid from A1 to the farthest cell with a value."""
    declared, rows, columns = (0, 0), 0, 0
    for kind, data in sheet_records(stream, start):
        if kind == _DIMENSIONS:
            declared = _declared(data)
        elif kind in _CELLS and len(data) >= 4:
            row, column = struct.unpack_from("<HH", data)
            rows, columns = max(rows, row + 1), max(columns, column + 1)
        elif kind == _MULRK and len(data) >= 6:
            row, first = struct.unpack_from("<HH", data)
            (last,) = struct.unpack_from("<H", data, len(data) - 2)
            rows, columns = max(rows, row + 1), max(columns, first + 1, last + 1)
        if rows * columns > limit:
            break
    return declared, (rows, columns)


def sheet_list(stream: bytes) -> list[tuple[str, int, int]]:
    """``(name, offset of its BOF, state)`` of each sheet the globals list (state 0 visible, 1 hidden, 2 very
    hidden); empty for an encrypted workbook (a FILEPASS record), which calamine refuses before it reads a cell."""
    sheets: list[tuple[str, int, int]] = []
    biff8 = False
    for kind, record in _records(stream, 0):
        if kind == _BOF and len(record) >= 2:
            biff8 = struct.unpack_from("<H", record)[0] == 0x0600
        elif kind == _FILEPASS:
            return []
        elif kind == _BOUNDSHEET and len(record) >= 6:
            sheets.append((_sheet_name(record, biff8), struct.unpack_from("<I", record)[0], record[4] & 0x03))
        elif kind == _EOF:
            break
    return sheets


_BOOLERR, _FORMULA = 0x0205, 0x0006
# BIFF's error codes, as Excel shows them
_ERROR_VALUES = {
    0x00: "#NULL!",
    0x07: "#DIV/0!",
    0x0F: "#VALUE!",
    0x17: "#REF!",
    0x1D: "#NAME?",
    0x24: "#NUM!",
    0x2A: "#N/A",
    0x2B: "#GETTING_DATA",
}


def _error_value(kind: int, data: bytes) -> str | None:
    """The error a cell record shows: a BOOLERR holding an error, or a FORMULA whose saved result is one."""
    if kind == _BOOLERR and len(data) >= 8 and data[7] == 1:
        return _ERROR_VALUES.get(data[6], "#N/A")
    if kind == _FORMULA and len(data) >= 14 and data[6] == 2 and data[12:14] == b"\xff\xff":
        return _ERROR_VALUES.get(data[8], "#N/A")
    return None


def lost_values(data: bytes) -> dict[str, dict[tuple[int, int], object]]:
    """For each sheet (by name), its cells showing an error value, which calamine hands over as "" (see
    ``xlsx_cells``, which does the same for an .xlsx): ``ErrorValue`` by (row, column), 0-based."""
    stream = workbook_stream(data)
    lost: dict[str, dict[tuple[int, int], object]] = {}
    for name, start, _ in sheet_list(stream):
        for kind, record in sheet_records(stream, start):
            error = _error_value(kind, record) if kind in (_BOOLERR, _FORMULA) else None
            if error is not None:
                row, column = struct.unpack_from("<HH", record)
                lost.setdefault(name, {})[(row, column)] = ErrorValue(error)
    return lost


def uses_1904_dates(data: bytes) -> bool:
    """Whether the workbook counts its dates from 1904 (a DATEMODE record of 1 in the globals, as Excel for the Mac
    wrote them): its serial day numbers then mean days since 1 January 1904, not since 30 December 1899."""
    for kind, record in _records(workbook_stream(data), 0):
        if kind == _DATEMODE and len(record) >= 2:
            return bool(struct.unpack_from("<H", record)[0])
        if kind == _EOF:
            break
    return False


def check_legacy_workbook(data: bytes, limit: int = MAX_SHEET_CELLS) -> None:
    """Raise ``SheetTooLarge`` for the first sheet whose declared or real grid would pass ``limit`` cells, and
    ``WorkbookTooLarge`` where the sheets together pass the workbook's bound."""
    stream = workbook_stream(data)
    budget = CellBudget()
    for name, start, _ in sheet_list(stream):
        if start >= len(stream):
            raise SheetUnreadable(f"sheet {name!r} starts past the stream")
        extents = list(_sheet_extent(stream, start, limit))
        for rows, columns in extents:
            if rows * columns > limit:
                raise SheetTooLarge(name, rows, columns)
        # calamine reserves the larger of the declared and the real grid
        budget.spend(*max(extents, key=lambda extent: extent[0] * extent[1]))
