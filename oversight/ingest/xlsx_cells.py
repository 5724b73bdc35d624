"""What an .xlsx says about its cells that calamine's values lose, put back into the grid calamine built.

calamine hands over a cell showing an Excel error value (``<c t="e"><v>#N/A</v></c>``, a VLOOKUP into a deleted
sheet) as ``""``: an optional 整改期限 was dropped without a word and a required 单位 read "必填项为空", while the
clerk's cell shows ``#N/A``. Such cells are found here in the sheet's XML and their place in the grid is given an
``ErrorValue``, which every column's parser refuses with the value the clerk sees.

The sheet's XML is walked (expat) only when it may hold such a cell: most sheets cost one byte search.
"""

from __future__ import annotations

import re
import xml.parsers.expat
import zipfile

from oversight.ingest.cell_text import ErrorValue
from oversight.ingest.sheet_bounds import SheetUnreadable, local_name, sheet_members, split_reference

Grid = list[list[object]]
Place = tuple[int, int]  # (row, column), 0-based as in calamine's grid

# an error cell's type attribute, in any quoting or spacing XML allows (a false match only costs a walk)
_ERROR_TYPE = re.compile(rb"""\bt\s*=\s*["']e["']""")
# Excel's error values are short (#DIV/0!, #GETTING_DATA); anything longer in a crafted file is cut for the message
_MOST_ERROR_CHARS = 20


def error_cells(xml_bytes: bytes) -> dict[Place, str]:
    """Each cell of the sheet that holds an error value, and the value (``#N/A``)."""
    if not _ERROR_TYPE.search(xml_bytes):
        return {}
    found: dict[Place, str] = {}
    state = {"row": 0, "column": 0}
    cell: dict[str, object] = {}

    def start(name: str, attributes: dict[str, str]) -> None:
        tag = local_name(name)
        if tag == "row":
            given = attributes.get("r", "")
            state["row"] = int(given) if given.strip().isdigit() else state["row"] + 1
            state["column"] = 0
        elif tag == "c":
            # a cell's place is its reference; without one, the next column of the row (as calamine counts)
            place = split_reference(attributes.get("r", "")) or (max(state["row"], 1), state["column"] + 1)
            state["row"], state["column"] = place
            cell.clear()
            cell.update(error=attributes.get("t") == "e", text=None)
        elif tag == "v" and cell.get("error"):
            cell["text"] = ""

    def text(data: str) -> None:
        if isinstance(cell.get("text"), str):
            cell["text"] = str(cell["text"]) + data

    def end(name: str) -> None:
        if local_name(name) == "v" and isinstance(cell.get("text"), str):
            value = str(cell["text"]).strip()[:_MOST_ERROR_CHARS] or "#N/A"
            found[(state["row"] - 1, state["column"] - 1)] = value
            cell["text"] = None
            cell["error"] = False

    parser = xml.parsers.expat.ParserCreate()
    parser.StartElementHandler = start
    parser.CharacterDataHandler = text
    parser.EndElementHandler = end
    try:
        parser.Parse(xml_bytes, True)
    except xml.parsers.expat.ExpatError as error:
        raise SheetUnreadable(str(error)) from None
    return found


def lost_values(archive: zipfile.ZipFile) -> dict[str, dict[Place, object]]:
    """For each sheet (by name), the cells whose value calamine loses, and the value to put in their place."""
    lost: dict[str, dict[Place, object]] = {}
    for name, actual in sheet_members(archive):
        errors = error_cells(archive.read(actual))
        if errors:
            lost.setdefault(name, {}).update({place: ErrorValue(value) for place, value in errors.items()})
    return lost


def put_back(grid: Grid, values: dict[Place, object]) -> None:
    """Each value at its place in calamine's grid (before merged cells are filled, so a merged error spreads too)."""
    for (row, column), value in values.items():
        if row < 0 or column < 0 or row >= len(grid):
            continue  # a place calamine did not put in the grid: nothing was read from it
        cells = grid[row]
        if column >= len(cells):
            cells.extend([""] * (column + 1 - len(cells)))
        cells[column] = value
