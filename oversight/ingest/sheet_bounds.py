"""How big each sheet of an .xlsx really is, found before any reader materialises it.

calamine turns a sheet into a dense grid from A1 to its farthest cell with a
value: one cell at CV1048576 costs 100 × 1,048,576 cells (4.4 GB), one at
XFD1048576 half a terabyte. The declared ``<dimension>`` is not what decides
that (calamine ignores it, and it can lie either way), so the real cells are
measured here, as calamine places them: by their ``r`` reference, or by
counting where the writer left it out. Like calamine, a cell with no value
(``<c s="1" r="XFD1048576"/>``, a style or a formula without its result) does
not grow the grid, so the empty formatted areas real workbooks carry are
skipped rather than refused. A sheet whose grid would exceed
``MAX_SHEET_CELLS`` is refused before calamine sees the file.

The measure is a streaming XML parse (expat), which no spelling of a tag can
fool: whitespace or newlines between attributes, attributes in any order,
quotes of either kind, character references, namespace prefixes. It stops as
soon as the bound is passed. Because it costs 4.4 s of CPU for a 100,000-row ×
10-column sheet (47 MB of XML; the whole file's reading costs 1.7 s without it),
sheets in the one canonical spelling every writer uses (``<c r="A1" s="1" t="s">``,
each start tag of a cell matched whole, no DTD, comment, CDATA or prefixed cell
anywhere) are measured by a regular expression in 0.7 s; anything else in the
file, even one cell, sends it to the parse.
"""

from __future__ import annotations

import posixpath
import re
import xml.parsers.expat
import zipfile
from xml.etree import ElementTree

# A contract table has at most 10 columns; 2 million cells is 200,000 rows of a 10-column ledger, far more than
# an office keeps. Checking costs about 500 bytes a cell at its peak (measured: a 17 MB file of 4.95 million cells,
# under the old bound of 5 million, took the server from 1.4 to 3.3 GB and 100 s), so this bound holds a check
# to about 1 GB.
MAX_SHEET_CELLS = 2_000_000
# The same bound over all the sheets of one workbook together: every sheet's grid is built and held at once, so a
# 200 KB file of 400 sheets, each within the sheet bound, took a server past 6 GB and killed it.
MAX_WORKBOOK_CELLS = MAX_SHEET_CELLS
# Excel's own grid; a reference beyond it is not a cell any spreadsheet program wrote.
EXCEL_MAX_ROWS, EXCEL_MAX_COLUMNS = 1_048_576, 16_384

# Any start tag named ``c``, and any name ending in ``:c`` (a prefixed cell): in XML a tag's name ends at
# whitespace, ``/`` or ``>``.
_ANY_CELL_TAG = re.compile(rb"<c[\s/>]")
_PREFIXED_CELL_TAG = re.compile(rb":c[\s/>]")
# The canonical spelling, matched whole: the reference first, then only the attributes cells carry, in
# double quotes, with no character references, up to the tag's end. The last group is ``>`` for a cell
# that may hold a value, longer for one without: closed at once (``/>``), or after nothing but a formula.
_CANONICAL_CELL = re.compile(
    rb'<c r="([A-Z]{1,3})([0-9]{1,7})"(?: (?:s|t|cm|vm|ph)="[^"<>&]*")*'
    rb'(/>|>(?:<f(?: [a-z]+="[^"<>]*")*(?:/>|>[^<]*</f>))?</c>|>)'
)
# A part holding cells, in the encodings XML allows and expat reads.
_SHEET_DATA = tuple("sheetData".encode(encoding) for encoding in ("utf-8", "utf-16-le", "utf-16-be"))
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


class SheetTooLarge(Exception):
    """The sheet's cells span ``rows`` × ``columns``, more than the bound allows."""

    def __init__(self, sheet: str, rows: int, columns: int):
        super().__init__(f"{sheet}: {rows} x {columns}")
        self.sheet, self.rows, self.columns = sheet, rows, columns


class WorkbookTooLarge(Exception):
    """The workbook's sheets together span more cells than ``MAX_WORKBOOK_CELLS``; ``sheets`` were measured by then."""

    def __init__(self, sheets: int, cells: int):
        super().__init__(f"{sheets} sheets, {cells} cells")
        self.sheets, self.cells = sheets, cells


class CellBudget:
    """What is left of a workbook's cells as its sheets are measured one after another."""

    def __init__(self, limit: int = MAX_WORKBOOK_CELLS) -> None:
        self.left, self._sheets, self._cells = limit, 0, 0

    def spend(self, rows: int, columns: int) -> None:
        self._sheets += 1
        self._cells += rows * columns
        self.left -= rows * columns
        if self.left < 0:
            raise WorkbookTooLarge(self._sheets, self._cells)


class FormulaWithoutValue(Exception):
    """A cell holds a formula but no value computed from it (a workbook written by a program, never opened in Excel):
    the reader sees an empty cell, so a required column read "empty" and an optional one (整改期限) was dropped."""

    def __init__(self, sheet: str, cell: str, count: int = 1):
        super().__init__(f"{sheet}!{cell}")
        # how many such cells the sheet holds: "type the value" in the first one alone was refused again at the next
        self.sheet, self.cell, self.count = sheet, cell, count


# A cell with a formula and, after it, no value or an empty one (as openpyxl writes them), in the canonical spelling
_FORMULA_WITHOUT_VALUE = re.compile(
    rb'<c r="([A-Z]{1,3}[0-9]{1,7})"(?: (?:s|t|cm|vm|ph)="[^"<>&]*")*>\s*<f(?: [a-z]+="[^"<>]*")*(?:/>|>[^<]*</f>)'
    rb"\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>"
)


class FormulaNotRecalculated(Exception):
    """A formula cell of a workbook that declares its results stale (``<calcPr fullCalcOnLoad="1"/>``: recalculate
    everything on opening). Programs (xlsxwriter, reporting systems) write that with a placeholder 0 as each result,
    so ``=E2*60`` read as 0 minutes where Excel shows 90."""

    def __init__(self, sheet: str, cell: str, count: int = 1):
        super().__init__(f"{sheet}!{cell}")
        # how many such cells the sheet holds: "type the value" in the first one alone was refused again at the next
        self.sheet, self.cell, self.count = sheet, cell, count


# A cell whose first child is a formula, in the spellings XML allows (any prefix, attribute order and quotes);
# group 1 is its reference
_FORMULA_CELL = re.compile(
    rb"""<(?:[\w.-]+:)?c\s[^>]*?\br\s*=\s*["']\$?([A-Za-z]{1,3}\$?[0-9]{1,7})["'][^>]*>\s*<(?:[\w.-]+:)?f[\s/>]"""
)
_ANY_FORMULA_TAG = re.compile(rb"<(?:[\w.-]+:)?f[\s/>]")


class SheetUnreadable(Exception):
    """The workbook's sheet list or a sheet's XML cannot be parsed."""


def column_number(letters: bytes | str) -> int:
    """``A`` → 1, ``XFD`` → 16384."""
    number = 0
    for char in letters if isinstance(letters, str) else letters.decode("ascii"):
        number = number * 26 + ord(char) - 64
    return number


def split_reference(reference: str) -> tuple[int, int] | None:
    """``CV12`` → (12, 100). Any length is measured (a reference past Excel's grid is refused by the caller);
    a lower-case letter counts as calamine's arithmetic counts it, past ``Z``."""
    match = re.fullmatch(r"\$?([A-Za-z]+)\$?([0-9]+)", reference.strip())
    if not match:
        return None
    return int(match.group(2)), column_number(match.group(1))


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


def sheet_members(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """``(sheet name, zip member)`` for every listed sheet the archive holds, its member found as calamine finds it
    (a target's case may differ from the member's). A sheet the workbook names but does not hold is left out:
    calamine reports that itself."""
    members = set(archive.namelist())
    by_lower_case = {name.lower(): name for name in members}
    held = []
    for name, member in sheet_parts(archive):
        actual = member if member in members else by_lower_case.get(member.lower())
        if actual is not None:
            held.append((name, actual))
    return held


def _workbook_flag(archive: zipfile.ZipFile, element: str, attribute: str) -> bool:
    """Whether ``xl/workbook.xml``'s ``element`` sets ``attribute`` on ("1" or "true", as writers spell it)."""
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    except (KeyError, ElementTree.ParseError, ValueError) as error:
        raise SheetUnreadable(str(error)) from None
    found = workbook.find(f"{{{_MAIN_NS}}}{element}")
    return found is not None and found.get(attribute, "").strip().lower() in ("1", "true")


def uses_1904_dates(archive: zipfile.ZipFile) -> bool:
    """Whether the workbook counts its dates from 1904 (``<workbookPr date1904="1"/>``, as Excel for the Mac and a
    file converted from it write it): its serial day numbers then mean days since 1 January 1904."""
    return _workbook_flag(archive, "workbookPr", "date1904")


def recalculates_on_load(archive: zipfile.ZipFile) -> bool:
    """Whether the workbook tells the spreadsheet program to recalculate every formula on opening: the results it
    holds were never computed (a program wrote them; Excel and WPS drop the flag when they save the file)."""
    return _workbook_flag(archive, "calcPr", "fullCalcOnLoad")


def first_formula_cell(xml_bytes: bytes) -> str | None:
    """The reference of the sheet's first formula cell (``F2``), ``"?"`` for a formula whose cell has none; None
    when the sheet holds no formula."""
    formula = _ANY_FORMULA_TAG.search(xml_bytes)
    if formula is None:
        return None
    cell = _FORMULA_CELL.search(xml_bytes)
    return cell.group(1).decode("ascii").replace("$", "").upper() if cell else "?"


def sheet_extent(xml_bytes: bytes, limit: int = MAX_SHEET_CELLS) -> tuple[int, int]:
    """(rows, columns) of the grid from A1 to the farthest cell with a value; stops early past ``limit`` cells."""
    # ASCII-compatible (UTF-16 has NULs: the regular expressions would see no tags), no DTD (its entities could
    # expand to cells), comment or CDATA, and no prefixed tags
    if b"\x00" not in xml_bytes[:1024] and b"<!" not in xml_bytes and not _PREFIXED_CELL_TAG.search(xml_bytes):
        extent = _canonical_extent(xml_bytes)
        if extent is not None:
            return extent
    return streamed_extent(xml_bytes, limit)


def _canonical_extent(xml_bytes: bytes) -> tuple[int, int] | None:
    """The extent where every cell tag is spelled canonically (None where one is not), match by match: a list of
    every match (``findall``) of a 190,000-row sheet held 1.9 million tuples, some 420 MB, which was the peak of
    ``validate`` itself."""
    cells = rows = 0
    letters_seen: set[bytes] = set()
    last_row = b""
    for match in _CANONICAL_CELL.finditer(xml_bytes):
        cells += 1
        letters, row, ending = match.groups()
        if ending != b">":
            continue
        letters_seen.add(letters)
        if row != last_row:  # a row's ten cells share its number: converted once
            last_row = row
            rows = max(rows, int(row))
    if cells != sum(1 for _ in _ANY_CELL_TAG.finditer(xml_bytes)):
        return None
    if not letters_seen:
        return 0, 0
    return rows, max(column_number(letters) for letters in letters_seen)


class _PastLimit(Exception):
    pass


def local_name(name: str) -> str:
    return name[name.rfind(":") + 1 :]


def streamed_extent(xml_bytes: bytes, limit: int = MAX_SHEET_CELLS) -> tuple[int, int]:
    """The extent from a streaming parse, placing reference-less rows and cells as calamine does.

    A cell's place is its ``r``; without one, the next column of the current row (every ``<c>`` moves
    the count on, with a value or not). A reference only under a namespace prefix (``x:r``) may or may
    not be read by calamine, so the farther of the two places is taken. The grid grows only at a cell's
    ``<v>`` or ``<is>``: a cell with neither has no value.
    """
    state = {"row": 0, "column": 0, "rows": 0, "columns": 0, "open": 0}

    def start(name: str, attributes: dict[str, str]) -> None:
        tag = local_name(name)
        if tag == "c":
            counted = (max(state["row"], 1), state["column"] + 1)
            if "r" in attributes:
                place = split_reference(attributes["r"]) or counted
            else:
                prefixed = [split_reference(v) for k, v in attributes.items() if local_name(k) == "r"]
                place = max([counted, *(p for p in prefixed if p)], key=lambda p: p[0] * EXCEL_MAX_COLUMNS + p[1])
                place = (max(place[0], counted[0]), max(place[1], counted[1]))
            state["row"], state["column"] = place
            state["open"] = 1
        elif tag in ("v", "is") and state["open"]:
            state["open"] = 0
            state["rows"] = max(state["rows"], state["row"])
            state["columns"] = max(state["columns"], state["column"])
            if state["rows"] * state["columns"] > limit:
                raise _PastLimit
        elif tag == "row":
            given = next((v for k, v in attributes.items() if local_name(k) == "r"), "")
            state["row"] = int(given) if given.strip().isdigit() else state["row"] + 1
            state["column"] = 0

    def end(name: str) -> None:
        if local_name(name) == "c":
            state["open"] = 0

    parser = xml.parsers.expat.ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(xml_bytes, True)
    except _PastLimit:
        pass
    except xml.parsers.expat.ExpatError as error:
        raise SheetUnreadable(str(error)) from None
    return state["rows"], state["columns"]


def check_workbook(archive: zipfile.ZipFile, limit: int = MAX_SHEET_CELLS) -> None:
    """Raise ``SheetTooLarge`` for the first sheet whose grid would pass ``limit`` cells (or Excel's grid), and
    ``WorkbookTooLarge`` where the sheets together pass ``MAX_WORKBOOK_CELLS``.

    The sheets the workbook lists are measured by name, their parts found as calamine finds them (a
    target's case may differ from the member's). Then every other part that holds a ``sheetData`` is
    measured too, named by its path: what the reader opens must not depend on agreeing with it about
    relationships, so a part this function did not expect to be a sheet cannot slip past the bound.
    """
    budget = CellBudget()
    stale = recalculates_on_load(archive)
    measured: set[str] = set()
    for name, actual in sheet_members(archive):
        if actual in measured:
            continue
        measured.add(actual)
        _check_extent(name, archive.read(actual), limit, budget, stale)
    for member in dict.fromkeys(archive.namelist()):  # a name the zip holds twice is measured once, as before
        if member not in measured:
            xml_bytes = archive.read(member)
            if any(marker in xml_bytes for marker in _SHEET_DATA):
                _check_extent(member, xml_bytes, limit, budget, stale)


def _check_extent(
    name: str, xml_bytes: bytes, limit: int, budget: CellBudget | None = None, stale_results: bool = False
) -> None:
    budget = budget or CellBudget()
    # measuring stops at whichever bound comes first: the sheet's own, or what the workbook has left
    rows, columns = sheet_extent(xml_bytes, min(limit, max(budget.left, 0)))
    if rows * columns > limit or rows > EXCEL_MAX_ROWS or columns > EXCEL_MAX_COLUMNS:
        raise SheetTooLarge(name, rows, columns)
    budget.spend(rows, columns)
    # a formula whose result is an empty string is saved by Excel as t="str" with an empty value: that is a value
    uncomputed = [m for m in _FORMULA_WITHOUT_VALUE.finditer(xml_bytes) if b' t="str"' not in m.group(0)]
    if uncomputed:
        raise FormulaWithoutValue(name, uncomputed[0].group(1).decode("ascii"), len(uncomputed))
    if stale_results:
        # a result saved in a workbook marked "recalculate on opening" is a placeholder, not what Excel shows
        cell = first_formula_cell(xml_bytes)
        if cell is not None:
            raise FormulaNotRecalculated(name, cell, len(_ANY_FORMULA_TAG.findall(xml_bytes)))
