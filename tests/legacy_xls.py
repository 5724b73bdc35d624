"""Legacy .xls (BIFF8 in a compound file) written by code, for the tests of the legacy sheet bound.

Nothing in the project writes .xls and no test tool does either, so this is the smallest file
calamine reads: one compound-file stream ``Workbook`` holding the globals (BOF, one BOUNDSHEET per
sheet, EOF) and each sheet (BOF, DIMENSIONS, NUMBER and LABEL cells, EOF). A hostile file is the same
with a cell or a declared dimension far out.
"""

from __future__ import annotations

import struct
from datetime import date

_END, _FREE, _FAT, _NONE = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
_SECTOR = 512


def _record(kind: int, data: bytes) -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _bof(sheet_kind: int) -> bytes:
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, sheet_kind, 0x0DBB, 0x07CC, 0, 0x0600))


def _unicode(text: str, length_bytes: int) -> bytes:
    return struct.pack("<B" if length_bytes == 1 else "<H", len(text)) + b"\x01" + text.encode("utf-16-le")


class ShownError(int):
    """A cell showing an error value, by its BIFF code (0x2A is #N/A): a BOOLERR record, or with ``formula`` a
    FORMULA record whose saved result is that error."""

    formula = False


class FormulaError(ShownError):
    formula = True


def _cell(row: int, column: int, value: object) -> bytes:
    if value is None:  # BLANK: a formatted cell without a value
        return _record(0x0201, struct.pack("<HHH", row, column, 15))
    if isinstance(value, ShownError) and value.formula:  # result: 02 00 code 00 00 00 FF FF; options; chn; no tokens
        result = bytes([2, 0, int(value), 0, 0, 0, 0xFF, 0xFF])
        return _record(0x0006, struct.pack("<HHH", row, column, 15) + result + struct.pack("<HIH", 0, 0, 0))
    if isinstance(value, ShownError):
        return _record(0x0205, struct.pack("<HHHBB", row, column, 15, int(value), 1))
    if isinstance(value, date):
        value = value.isoformat()
    if isinstance(value, str):
        return _record(0x0204, struct.pack("<HHH", row, column, 15) + _unicode(value, 2))
    return _record(0x0203, struct.pack("<HHHd", row, column, 15, float(value)))  # type: ignore[arg-type]


def _sheet(
    rows: list[list], dimension: tuple[int, int] | None, cells: list[tuple[int, int, object]], hidden_rows=()
) -> bytes:
    placed = [(r, c, v) for r, row in enumerate(rows) for c, v in enumerate(row) if v is not None] + cells
    height, width = dimension or (
        max((r for r, _, _ in placed), default=-1) + 1,
        max((c for _, c, _ in placed), default=-1) + 1,
    )
    body = _bof(0x0010) + _record(0x0200, struct.pack("<IIHHH", 0, height, 0, width, 0))
    # a ROW record whose option flags carry fDyZero (0x20): the row is hidden (Excel row numbers, 1-based)
    body += b"".join(
        _record(0x0208, struct.pack("<HHHHHHHH", r - 1, 0, width, 0x0F, 0, 0, 0x0120, 15)) for r in hidden_rows
    )
    return body + b"".join(_cell(r, c, v) for r, c, v in placed) + _record(0x000A, b"")


def workbook_stream(
    sheets: dict[str, list[list]],
    dimension: tuple[int, int] | None = None,
    cells: list[tuple[int, int, object]] | None = None,
    hidden_rows: dict[str, tuple[int, ...]] | None = None,
    hidden_sheets: tuple[str, ...] = (),
    date1904: bool = False,
) -> bytes:
    """The BIFF8 stream: ``dimension`` (rows, columns) declared and ``cells`` added on the first sheet;
    ``hidden_rows`` (Excel rows per sheet) and ``hidden_sheets`` hidden as Excel hides them; ``date1904`` writes
    a DATEMODE record of 1, as Excel for the Mac did."""
    bodies = [
        _sheet(rows, dimension if i == 0 else None, cells or [] if i == 0 else [], (hidden_rows or {}).get(name, ()))
        for i, (name, rows) in enumerate(sheets.items())
    ]
    names = list(sheets)
    date_mode = _record(0x0022, struct.pack("<H", 1)) if date1904 else b""
    globals_size = len(_bof(0x0005)) + len(date_mode)
    globals_size += sum(len(_record(0x0085, b"\0" * 6 + _unicode(n, 1))) for n in names) + 4
    records, offset = [], globals_size
    for name, body in zip(names, bodies):
        state = 1 if name in hidden_sheets else 0  # BOUNDSHEET's hsState: 0 visible, 1 hidden, 2 very hidden
        records.append(_record(0x0085, struct.pack("<IBB", offset, state, 0) + _unicode(name, 1)))
        offset += len(body)
    return _bof(0x0005) + date_mode + b"".join(records) + _record(0x000A, b"") + b"".join(bodies)


def compound_file(stream: bytes, name: str = "Workbook") -> bytes:
    """``stream`` as the one stream of a compound file (version 3, 512-byte sectors, no mini stream)."""
    stream = stream.ljust(max(len(stream), 4096), b"\0")  # a short stream would live in the mini stream
    data_sectors = -(-len(stream) // _SECTOR)
    if data_sectors + 2 > _SECTOR // 4:
        raise ValueError("test workbook too large for one FAT sector")
    fat = [_FAT] + [i + 2 for i in range(data_sectors - 1)] + [_END, _END]
    fat += [_FREE] * (_SECTOR // 4 - len(fat))
    directory_sector = data_sectors + 1
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x003E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, directory_sector, 0, 4096, _END, 0, _END, 0)
        + struct.pack("<109I", 0, *([_FREE] * 108))
    )

    def entry(entry_name: str, kind: int, child: int, start: int, size: int) -> bytes:
        encoded = (entry_name + "\0").encode("utf-16-le") if entry_name else b""
        return (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBBIII", len(encoded), kind, 1, _NONE, _NONE, child)
            + b"\0" * 36
            + struct.pack("<III", start, size, 0)
        )

    directory = entry("Root Entry", 5, 1, _END, 0) + entry(name, 2, _NONE, 1, len(stream))
    directory += entry("", 0, _NONE, 0, 0) * 2
    return header + struct.pack(f"<{_SECTOR // 4}I", *fat) + stream.ljust(data_sectors * _SECTOR, b"\0") + directory


def xls_bytes(
    sheets: dict[str, list[list]],
    dimension: tuple[int, int] | None = None,
    cells: list[tuple[int, int, object]] | None = None,
    hidden_rows: dict[str, tuple[int, ...]] | None = None,
    hidden_sheets: tuple[str, ...] = (),
    date1904: bool = False,
) -> bytes:
    return compound_file(workbook_stream(sheets, dimension, cells, hidden_rows, hidden_sheets, date1904))
