"""How big each sheet of an .xlsx really is, found before any reader materialises it.

calamine turns a sheet into a dense grid from A1 to its farthest cell with a
value: one cell at CV1048576 costs 100 × 1,048,576 cells (4.4 GB), one at
XFD1048576 half a terabyte. The declared ``<dimension>`` is not what decides
that (calamine ignores it, and it can lie either way), so the real cells are
counted here: every ``<c>`` element's reference, or its position where the
writer left the reference out, as calamine would place it. A sheet whose grid
would exceed ``MAX_SHEET_CELLS`` is refused before calamine sees the file.

The fast path is one regular expression over the inflated sheet XML (about a
third of a second for 100,000 rows × 10 columns); files whose cells lack an
``r`` attribute or carry a namespace prefix take a streaming parse that stops
as soon as the bound is passed.
"""

from __future__ import annotations

import posixpath
import re
import xml.parsers.expat
import zipfile
from xml.etree import ElementTree

# A contract table has at most 10 columns; 5 million cells is 500,000 rows of a 10-column ledger
# (the 20 MB upload limit holds fewer), and about 200 MB in the reader at most.
MAX_SHEET_CELLS = 5_000_000
# Excel's own grid; a reference beyond it is not a cell any spreadsheet program wrote.
EXCEL_MAX_ROWS, EXCEL_MAX_COLUMNS = 1_048_576, 16_384

_FAST_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


class SheetTooLarge(Exception):
    """The sheet's cells span ``rows`` × ``columns``, more than the bound allows."""

    def __init__(self, sheet: str, rows: int, columns: int):
        super().__init__(f"{sheet}: {rows} x {columns}")
        self.sheet, self.rows, self.columns = sheet, rows, columns


class SheetUnreadable(Exception):
    """The workbook's sheet list or a sheet's XML cannot be parsed."""


def column_number(letters: bytes | str) -> int:
    """``A`` → 1, ``XFD`` → 16384."""
    number = 0
    for char in letters if isinstance(letters, str) else letters.decode("ascii"):
        number = number * 26 + ord(char) - 64
    return number


def _split_reference(reference: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})", reference.strip())
    if not match:
        return None
    return int(match.group(2)), column_number(match.group(1).upper())


def sheet_parts(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """``(sheet name, zip member)`` for every sheet the workbook lists, as calamine finds them."""
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError, ValueError) as error:
        raise SheetUnreadable(str(error)) from None
    targets = {rel.get("Id"): rel.get("Target", "") for rel in relations.iter(f"{{{_PKG_REL_NS}}}Relationship")}
    parts = []
    for sheet in workbook.iter(f"{{{_MAIN_NS}}}sheet"):
        target = targets.get(sheet.get(f"{{{_REL_NS}}}id"))
        if not target:
            continue
        member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        parts.append((sheet.get("name", ""), member))
    return parts


def sheet_extent(xml_bytes: bytes, limit: int = MAX_SHEET_CELLS) -> tuple[int, int]:
    """(rows, columns) of the grid from A1 to the farthest cell; stops early once past ``limit`` cells."""
    matches = _FAST_CELL.findall(xml_bytes)
    elements = xml_bytes.count(b"<c ") + xml_bytes.count(b"<c>") + xml_bytes.count(b"<c/>")
    if len(matches) == elements and b":c " not in xml_bytes and b":c>" not in xml_bytes:
        if not matches:
            return 0, 0
        # distinct values first: a 100,000-row sheet has 100,000 row numbers and ten column letters
        rows = max(map(int, {row for _, row in matches}))
        return rows, max(column_number(letters) for letters in {letters for letters, _ in matches})
    return _streamed_extent(xml_bytes, limit)


class _PastLimit(Exception):
    pass


def _streamed_extent(xml_bytes: bytes, limit: int) -> tuple[int, int]:
    """The same extent from a streaming parse, placing reference-less rows and cells as calamine does."""
    state = {"row": 0, "column": 0, "rows": 0, "columns": 0}

    def local(name: str) -> str:
        return name.rsplit("}", 1)[-1].rsplit(":", 1)[-1]

    def start(name: str, attributes: dict[str, str]) -> None:
        tag = local(name)
        if tag == "row":
            given = attributes.get("r", "")
            state["row"] = int(given) if given.isdigit() else state["row"] + 1
            state["column"] = 0
        elif tag == "c":
            place = _split_reference(attributes.get("r", "")) if "r" in attributes else None
            if place is not None:
                state["row"], state["column"] = place
            else:
                state["row"] = max(state["row"], 1)
                state["column"] += 1
            state["rows"] = max(state["rows"], state["row"])
            state["columns"] = max(state["columns"], state["column"])
            if state["rows"] * state["columns"] > limit:
                raise _PastLimit

    parser = xml.parsers.expat.ParserCreate()
    parser.StartElementHandler = start
    try:
        parser.Parse(xml_bytes, True)
    except _PastLimit:
        pass
    except xml.parsers.expat.ExpatError as error:
        raise SheetUnreadable(str(error)) from None
    return state["rows"], state["columns"]


def check_workbook(archive: zipfile.ZipFile, limit: int = MAX_SHEET_CELLS) -> None:
    """Raise ``SheetTooLarge`` for the first sheet whose grid would pass ``limit`` cells (or Excel's grid)."""
    for name, member in sheet_parts(archive):
        try:
            xml_bytes = archive.read(member)
        except KeyError:
            continue  # a sheet the workbook names but does not hold: calamine reports that itself
        rows, columns = sheet_extent(xml_bytes, limit)
        if rows * columns > limit or rows > EXCEL_MAX_ROWS or columns > EXCEL_MAX_COLUMNS:
            raise SheetTooLarge(name, rows, columns)
