"""Measuring a sheet's extent holds no more than the sheet's XML: ``validate`` of 190,000 meetings peaked there.

The canonical spelling's fast path kept a list of every cell's match (``findall``: 1.9 million tuples of three
byte strings, some 420 MB for 190,000 rows × 10 columns, four to five times the XML itself). Measured as a ratio
of memory to the XML's size, with tracemalloc, never as seconds.
"""

from __future__ import annotations

import tracemalloc

from oversight.ingest import sheet_bounds


def _canonical_sheet(rows: int, columns: int = 10) -> bytes:
    letters = [chr(ord("A") + column) for column in range(columns)]
    body = b"".join(
        b'<row r="%d">' % row
        + b"".join(
            b'<c r="%s%d" t="s"><v>%d</v></c>' % (letter.encode(), row, column) for column, letter in enumerate(letters)
        )
        + b"</row>"
        for row in range(1, rows + 1)
    )
    return b"<worksheet><sheetData>" + body + b"</sheetData></worksheet>"


def test_the_extent_of_a_large_sheet_is_measured_in_a_fraction_of_its_size():
    xml = _canonical_sheet(20_000)
    tracemalloc.start()
    try:
        extent = sheet_bounds.sheet_extent(xml)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert extent == (20_000, 10)
    assert peak < len(xml) / 10, f"{peak:,} bytes held measuring {len(xml):,} bytes of XML"


def test_the_fast_path_still_agrees_with_the_parse():
    xml = _canonical_sheet(300, columns=3) + b""
    assert sheet_bounds.sheet_extent(xml) == sheet_bounds.streamed_extent(xml) == (300, 3)
    xml = xml.replace(b'<c r="C300" t="s"><v>2</v></c>', b'<c r="C300" s="1"/>')  # a formatted cell: no value
    assert sheet_bounds.sheet_extent(xml) == sheet_bounds.streamed_extent(xml) == (300, 3)
    xml = xml.replace(b'<c r="C299" t="s"><v>2</v></c>', b'<c r="Z299"><v>1</v></c>')
    assert sheet_bounds.sheet_extent(xml) == sheet_bounds.streamed_extent(xml) == (300, 26)
