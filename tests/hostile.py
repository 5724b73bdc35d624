"""A corpus of hostile inputs, each built by code, with the exact sentence each must produce.

Where ``bad_files`` holds honest mistakes, this holds what an attacker or bad
luck sends: sheets whose cells reach the far corner of the grid, CSV fields
that never end, odd-length UTF-16, control characters, terminal escapes,
formats that cannot be bounded before they are read, a folder passed as a
file. Every case is run as the CLI in a subprocess under a memory limit and a
time bound (``tests/test_hostile.py``): the exact lines, no traceback, and the
data folder byte for byte as it was.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.bad_files import HEADERS, issue, meeting, write_bytes, xlsx_bytes

FAILED_ONE = "1 problem found; nothing was imported:"
CHECKED_ONE = "1 problem found:"  # validate imports nothing anyway: it does not say so


def _meetings_xlsx(*rows: list) -> bytes:
    return xlsx_bytes({"会议": [HEADERS["meetings"], *(rows or [meeting()])]})


def patched_sheet(data: bytes, change: Callable[[str], str]) -> bytes:
    """The workbook with its first sheet's XML rewritten by ``change``: how a crafted file is made."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = change(content.decode("utf-8")).encode("utf-8")
            target.writestr(info.filename, content)
    return out.getvalue()


def _add_cells(xml: str, cells: str) -> str:
    return xml.replace("</sheetData>", cells + "</sheetData>")


def _declare_dimension(xml: str, reference: str) -> str:
    return re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="{reference}"/>', xml)


def _far_cell(reference: str, row: int) -> Callable[[Path], list[Path]]:
    cell = f'<row r="{row}"><c r="{reference}" t="inlineStr"><is><t>x</t></is></c></row>'
    return lambda d: [write_bytes(d / "far.xlsx", patched_sheet(_meetings_xlsx(), lambda x: _add_cells(x, cell)))]


def _many_far_sheets(count: int) -> Callable[[Path], list[Path]]:
    """``count`` sheets of 19 × 100,000 cells each (a header and one cell at S100000): each within the sheet bound,
    together past it. 400 such sheets make a 205 KB file that took a server past 6 GB and killed it."""

    def build(folder: Path) -> list[Path]:
        from openpyxl import Workbook

        book = Workbook()
        for number in range(count):
            sheet = book.active if number == 0 else book.create_sheet()
            sheet.title = "会议" if number == 0 else f"会议{number + 1}"
            sheet["A1"], sheet["S100000"] = "会议编号", "y"
        buffer = io.BytesIO()
        book.save(buffer)
        return [write_bytes(folder / "many_sheets.xlsx", buffer.getvalue())]

    return build


def _spelled_cell(name: str, tag: str) -> Callable[[Path], list[Path]]:
    """One cell at CV1048576 in a spelling other than ``<c r=…``: the audit's bypass of the old bound."""
    cell = f'<row r="1048576">{tag}</row>'
    return lambda d: [write_bytes(d / name, patched_sheet(_meetings_xlsx(), lambda x: _add_cells(x, cell)))]


_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_SPELLINGS = {
    "newline": '<c\nr="CV1048576" t="inlineStr"><is><t>x</t></is></c>',
    "tab": '<c\tr="CV1048576" t="inlineStr"><is><t>x</t></is></c>',
    "carriage_return": '<c\rr="CV1048576" t="inlineStr"><is><t>x</t></is></c>',
    "namespace_prefix": f'<x:c xmlns:x="{_MAIN_NS}" r="CV1048576" t="inlineStr"><x:is><x:t>x</x:t></x:is></x:c>',
}


def _empty_formatted_far_cell(folder: Path) -> list[Path]:
    """A formatted cell with no value at XFD1048576, as a stray format leaves: no grid, so it imports."""
    cell = '<row r="1048576"><c s="1" r="XFD1048576"/></row>'
    return [write_bytes(folder / "formatted.xlsx", patched_sheet(_meetings_xlsx(), lambda x: _add_cells(x, cell)))]


def _sheet_part_elsewhere(target: str, member: str) -> Callable[[Path], list[Path]]:
    """The sheet's relationship names ``target`` and its part, with the far cell, is stored as ``member``."""

    def build(folder: Path) -> list[Path]:
        cell = '<row r="1048576"><c r="CV1048576" t="inlineStr"><is><t>x</t></is></c></row>'
        source = zipfile.ZipFile(io.BytesIO(patched_sheet(_meetings_xlsx(), lambda x: _add_cells(x, cell))))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for info in source.infolist():
                content = source.read(info.filename)
                if info.filename == "xl/_rels/workbook.xml.rels":
                    content = content.replace(b"worksheets/sheet1.xml", target.encode())
                name = member if info.filename == "xl/worksheets/sheet1.xml" else info.filename
                archive.writestr(name, content)
        return [write_bytes(folder / "elsewhere.xlsx", out.getvalue())]

    return build


def _legacy_xls(name: str, **bomb) -> Callable[[Path], list[Path]]:
    """A legacy .xls of one meeting, with ``bomb`` (a far cell, a declared dimension) on its sheet."""
    from tests.legacy_xls import xls_bytes

    return lambda d: [write_bytes(d / name, xls_bytes({"会议": [HEADERS["meetings"], meeting()]}, **bomb))]


def _cells_without_reference(folder: Path) -> list[Path]:
    """A row at the bottom of the grid with 20 cells that carry no ``r``: placed by counting, as calamine does."""
    cells = '<row r="1048576">' + '<c t="inlineStr"><is><t>x</t></is></c>' * 20 + "</row>"
    return [write_bytes(folder / "norefs.xlsx", patched_sheet(_meetings_xlsx(), lambda x: _add_cells(x, cells)))]


def _merged_everything(folder: Path) -> list[Path]:
    """A merge declared over the whole grid: must not grow the rows read."""

    def change(xml: str) -> str:
        return xml.replace(
            "</sheetData>", '</sheetData><mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>'
        )

    return [write_bytes(folder / "merged.xlsx", patched_sheet(_meetings_xlsx(), change))]


def _declared_only(folder: Path) -> list[Path]:
    """A dimension that claims the whole grid over two real rows: the real cells decide, so it imports."""
    data = patched_sheet(_meetings_xlsx(), lambda x: _declare_dimension(x, "A1:XFD1048576"))
    return [write_bytes(folder / "declared.xlsx", data)]


def _xlsb_like(folder: Path) -> list[Path]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.bin", b"\x83\x01\x00")
    return [write_bytes(folder / "binary.xlsx", buffer.getvalue())]


def _csv_rows(rows: list[list]) -> bytes:
    return "\r\n".join(",".join(str(v) for v in row) for row in rows).encode("utf-8")


def _meeting_csv_row(**changes) -> list:
    return [("" if v is None else v.isoformat() if hasattr(v, "isoformat") else v) for v in meeting(**changes)]


def _long_field(folder: Path) -> list[Path]:
    rows = [HEADERS["meetings"], _meeting_csv_row(notes="备" * 200_000)]
    return [write_bytes(folder / "long.csv", _csv_rows(rows))]


def _wide_csv(folder: Path) -> list[Path]:
    rows = [HEADERS["meetings"], _meeting_csv_row() + [""] * 5000]
    return [write_bytes(folder / "wide.csv", _csv_rows(rows))]


def _odd_utf16(folder: Path) -> list[Path]:
    text = ",".join(HEADERS["meetings"]) + "\r\n"
    return [write_bytes(folder / "unicode.csv", b"\xff\xfe" + text.encode("utf-16-le") + b"\x41")]


def _nul_after_4k(folder: Path) -> list[Path]:
    rows = [HEADERS["meetings"]] + [_meeting_csv_row(meeting_id=f"HY2021-{i:04d}") for i in range(1, 60)]
    rows.append(_meeting_csv_row(meeting_id="HY2021-0099", notes="前\x00后"))
    return [write_bytes(folder / "nul.csv", _csv_rows(rows))]


def raw_xlsx_bytes(sheets: dict[str, list[list]]) -> bytes:
    """A workbook as xlsxwriter writes it: control characters kept, as Excel's ``_x000B_`` escapes."""
    import datetime

    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        date_format = book.add_format({"num_format": "yyyy-mm-dd"})
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, datetime.date):
                    sheet.write_datetime(r, c, datetime.datetime.combine(value, datetime.time()), date_format)
                elif isinstance(value, str):
                    sheet.write_string(r, c, value)
                elif value is not None:
                    sheet.write(r, c, value)
    book.close()
    return buffer.getvalue()


def _control_in_text(folder: Path) -> list[Path]:
    return [
        write_bytes(
            folder / "issues.xlsx", raw_xlsx_bytes({"问题": [HEADERS["issues"], issue(description="会议过多\x0b精简")]})
        )
    ]


def _escape_in_names(folder: Path) -> list[Path]:
    """A terminal escape (clear screen) and a bell in a value: the report spells them out, the terminal stays."""
    return [
        write_bytes(
            folder / "escape.xlsx", raw_xlsx_bytes({"会议": [HEADERS["meetings"], meeting(kind="茶话会\x1b[2J\x07")]})
        )
    ]


def _footer_lines(folder: Path) -> list[Path]:
    """A real ledger's bottom: a total, then sign-off lines with text in several columns, a date in the date column."""
    rows = [
        ["2021年会议台账"],
        HEADERS["meetings"],
        meeting("HY2021-0001"),
        meeting("HY2021-0002"),
        ["合计", None, None, None, 120],
        ["填报人：张三", None, "审核人：李四", None, "单位负责人：王五"],
        [None, "（单位盖章）", "2021年1月5日"],
        ["填报日期：", None, "2021-01-06"],
    ]
    return [write_bytes(folder / "ledger.xlsx", xlsx_bytes({"会议": rows}))]


_SIGN_OFF = [
    ["填报人：", "张三", "审核人：李四"],
    [None, "（单位盖章）", "2021年1月5日"],
]


def _undated_record_at_the_bottom(folder: Path) -> list[Path]:
    """A last row with no id and a note starting 日期 (日期待定): a record missing its id, not a sign-off line."""
    rows = [HEADERS["meetings"], meeting("HY2021-0001"), meeting(None, notes="日期待定")]
    return [write_bytes(folder / "ledger.xlsx", xlsx_bytes({"会议": rows}))]


def _bad_row_above_the_footer(folder: Path) -> list[Path]:
    """A record with a bad value right above real sign-off lines: still refused, at its own row."""
    rows = [HEADERS["meetings"], meeting("HY2021-0001"), meeting("HY2021-0002", duration="一小时许"), *_SIGN_OFF]
    return [write_bytes(folder / "ledger.xlsx", xlsx_bytes({"会议": rows}))]


def _formula_unit(folder: Path) -> list[Path]:
    """A unit named ``=新单位`` and a meeting of it, as the exporter writes both: ``'=新单位`` in every cell."""
    from oversight.contract.schema import TABLES
    from oversight.ingest import workbook
    from tests.bad_files import unit_rows

    units = [
        HEADERS["units"],
        *unit_rows(),
        ["new_unit", workbook.neutralise_formula("=新单位"), "New unit", None, "党组"],
    ]
    meetings = [HEADERS["meetings"], meeting("HY2021-0001", unit=workbook.neutralise_formula("=新单位"))]
    assert TABLES["units"].columns[1].name == "name_zh"
    return [
        write_bytes(folder / "units.xlsx", xlsx_bytes({"监督单位": units})),
        write_bytes(folder / "meetings.xlsx", xlsx_bytes({"会议": meetings})),
    ]


@dataclass(frozen=True)
class Hostile:
    name: str
    build: Callable[[Path], list[Path]]
    args: list[str]  # after the command and the files
    exit_code: int
    stdout: list[str] = field(default_factory=list)  # exact lines, in order ("{file}" is the first file's name)
    stderr: list[str] = field(default_factory=list)
    command: str = "import"
    changes_folder: bool = False

    def expected(self, lines: list[str], files: list[Path]) -> list[str]:
        names = {
            "file": files[0].name if files else "",
            "path": str(files[0]) if files else "",
            "entry": "{entry}",
        }  # the history entry's id is made at run time: matched as any word
        return [line.format_map(names) for line in lines]


_MEETINGS = ["--table", "meetings", "--lang", "en"]

CORPUS: list[Hostile] = [
    # -- sheets whose grid would be far larger than their file
    Hostile(
        "cell_at_the_last_column_and_row",
        _far_cell("XFD1048576", 1048576),
        _MEETINGS,
        1,
        [
            FAILED_ONE,
            "  - {file}: sheet “会议” reaches 1048576 rows × 16384 columns, more than the limit of 2,000,000 cells; "
            "delete the content or formatting far outside the table, save, and import again",
        ],
    ),
    Hostile(
        "one_cell_at_CV1048576",
        _far_cell("CV1048576", 1048576),
        _MEETINGS,
        1,
        [
            FAILED_ONE,
            "  - {file}: sheet “会议” reaches 1048576 rows × 100 columns, more than the limit of 2,000,000 cells; "
            "delete the content or formatting far outside the table, save, and import again",
        ],
    ),
    Hostile(
        "many_sheets_each_within_the_bound",
        _many_far_sheets(3),
        _MEETINGS,
        1,
        [
            FAILED_ONE,
            "  - {file}: the workbook's first 2 sheets together pass the limit of 2,000,000 cells (every sheet is "
            "read at once); delete the sheets you do not need, or content far outside the tables, save, and import "
            "again",
        ],
    ),
    *(
        Hostile(
            f"cell_at_CV1048576_written_with_{spelling}",
            _spelled_cell(f"{spelling}.xlsx", tag),
            _MEETINGS,
            1,
            [
                FAILED_ONE,
                "  - {file}: sheet “会议” reaches 1048576 rows × 100 columns, more than the limit of 2,000,000 "
                "cells; delete the content or formatting far outside the table, save, and import again",
            ],
        )
        for spelling, tag in _SPELLINGS.items()
    ),
    *(
        Hostile(
            f"sheet_part_named_{label}",
            _sheet_part_elsewhere(target, member),
            _MEETINGS,
            1,
            [
                FAILED_ONE,
                "  - {file}: sheet “会议” reaches 1048576 rows × 100 columns, more than the limit of 2,000,000 "
                "cells; delete the content or formatting far outside the table, save, and import again",
            ],
        )
        for label, target, member in (
            ("in_another_case", "worksheets/SHEET1.xml", "xl/worksheets/sheet1.xml"),
            ("without_xml", "worksheets/data", "xl/worksheets/data"),
        )
    ),
    Hostile(
        "empty_formatted_cell_at_the_last_column_and_row",
        _empty_formatted_far_cell,
        [*_MEETINGS, "--mode", "append"],
        0,
        [
            "Meetings (from {file}, adding rows): rows 1 in the file, 573 now, 574 after the import; "
            "added 1, changed 0, removed 0",
            "Check passed: ready to import.",
            "Imported. The previous version is kept as {entry}; run undo --entry {entry} to restore it.",
        ],
        changes_folder=True,
    ),
    Hostile(
        "cells_without_references_at_the_bottom",
        _cells_without_reference,
        _MEETINGS,
        1,
        [
            FAILED_ONE,
            "  - {file}: sheet “会议” reaches 1048576 rows × 10 columns, more than the limit of 2,000,000 cells; "
            "delete the content or formatting far outside the table, save, and import again",
        ],
    ),
    Hostile(
        "declared_dimension_only",
        _declared_only,
        [*_MEETINGS, "--mode", "append"],
        0,
        [
            "Meetings (from {file}, adding rows): rows 1 in the file, 573 now, 574 after the import; "
            "added 1, changed 0, removed 0",
            "Check passed: ready to import.",
            "Imported. The previous version is kept as {entry}; run undo --entry {entry} to restore it.",
        ],
        changes_folder=True,
    ),
    Hostile(
        "merge_over_the_whole_grid",
        _merged_everything,
        [*_MEETINGS, "--mode", "append"],
        0,
        [
            "Meetings (from {file}, adding rows): rows 1 in the file, 573 now, 574 after the import; "
            "added 1, changed 0, removed 0",
            "Check passed: ready to import.",
            "Imported. The previous version is kept as {entry}; run undo --entry {entry} to restore it.",
        ],
        changes_folder=True,
    ),
    # -- legacy .xls: calamine reserves the declared dimension, then builds the grid of the cells
    Hostile(
        "legacy_xls_with_a_cell_at_the_last_row",
        _legacy_xls("far.xls", cells=[(65535, 255, "x")]),
        _MEETINGS,
        1,
        [
            FAILED_ONE,
            "  - {file}: sheet “会议” reaches 65536 rows × 256 columns, more than the limit of 2,000,000 cells; "
            "delete the content or formatting far outside the table, save, and import again",
        ],
    ),
    Hostile(
        "legacy_xls_with_a_cell_at_column_65536_under_a_small_dimension",
        _legacy_xls("wide.xls", dimension=(2, 10), cells=[(100, 65535, 1)]),
        _MEETINGS,
        1,
        [
            FAILED_ONE,
            "  - {file}: sheet “会议” reaches 101 rows × 65536 columns, more than the limit of 2,000,000 cells; "
            "delete the content or formatting far outside the table, save, and import again",
        ],
    ),
    Hostile(
        "legacy_xls_declaring_two_billion_rows",
        _legacy_xls("declared.xls", dimension=(2**31, 10)),
        _MEETINGS,
        1,
        [
            FAILED_ONE,
            "  - {file}: sheet “会议” reaches 2147483648 rows × 10 columns, more than the limit of 2,000,000 "
            "cells; delete the content or formatting far outside the table, save, and import again",
        ],
    ),
    Hostile(
        "legacy_xls_of_one_meeting",
        _legacy_xls("meeting.xls"),
        [*_MEETINGS, "--mode", "append"],
        0,
        [
            "Meetings (from {file}, adding rows): rows 1 in the file, 573 now, 574 after the import; "
            "added 1, changed 0, removed 0",
            "Check passed: ready to import.",
        ],
        command="validate",
    ),
    Hostile(
        "binary_workbook",
        _xlsb_like,
        _MEETINGS,
        1,
        [
            FAILED_ONE,
            "  - {file}: this kind of workbook (.xlsb, .ods) is not supported; save it as .xlsx in Excel or WPS "
            "and upload that",
        ],
    ),
    # -- text files
    Hostile(
        "csv_field_of_200k_characters",
        _long_field,
        _MEETINGS,
        1,
        [
            FAILED_ONE,
            "  - {file}: a cell near row 2 is longer than 32768 characters (or a quote is never closed) "
            "and cannot be read",
        ],
    ),
    Hostile(
        "csv_with_5000_columns",
        _wide_csv,
        _MEETINGS,
        1,
        [FAILED_ONE, "  - {file}: row 2 has 5010 columns, more than the limit of 1000"],
    ),
    Hostile(
        "odd_length_utf16",
        _odd_utf16,
        _MEETINGS,
        1,
        [
            FAILED_ONE,
            "  - {file}: the CSV file's text encoding is not recognised; save it as UTF-8 or GB18030 (GBK)",
        ],
    ),
    Hostile(
        "nul_after_the_first_4kb",
        _nul_after_4k,
        _MEETINGS,
        1,
        [
            FAILED_ONE,
            "  - {file} · row 61 · column J “备注”: contains an invisible control character U+0000; delete it and "
            "import again (it often comes with text copied from web pages or other systems)",
        ],
    ),
    # -- control characters and escapes in cells and names
    Hostile(
        "vertical_tab_in_a_description",
        _control_in_text,
        ["--table", "issues", "--mode", "append", "--lang", "en"],
        1,
        [
            FAILED_ONE,
            "  - {file} · sheet “问题” · row 2 · column F “问题描述”: contains an invisible control character U+000B; "
            "delete it and import again (it often comes with text copied from web pages or other systems)",
        ],
    ),
    Hostile(
        "bell_in_an_enumeration",
        _escape_in_names,
        _MEETINGS,
        1,
        [
            FAILED_ONE,
            "  - {file} · sheet “会议” · row 2 · column D “会议类型”: “茶话会\\x1b[2J\\x07” is not an allowed value; expected "
            "one of: 党组（党委）会议 (Party group meeting), 办公会议 (Office meeting), 专题会议 (Topical meeting), 其他 (Other)",
        ],
    ),
    # -- paths that are not files
    Hostile(
        "a_missing_file",
        lambda d: [d / "不存在.xlsx"],
        _MEETINGS,
        1,
        [CHECKED_ONE, "  - {file}: file “{path}” not found"],
        command="validate",
    ),
    Hostile(
        "a_folder_passed_as_a_file",
        lambda d: [(d / "a-folder.xlsx").mkdir(parents=True) or d / "a-folder.xlsx"],
        _MEETINGS,
        1,
        [CHECKED_ONE, "  - {file}: “{path}” is a folder, not a file; name the spreadsheet to check"],
        command="validate",
    ),
    Hostile(
        "dev_zero_as_a_file",
        lambda d: [Path("/dev/zero")],
        _MEETINGS,
        1,
        [CHECKED_ONE, "  - zero: file “/dev/zero” cannot be read (no permission, or not a regular file)"],
        command="validate",
    ),
    # -- what real ledgers carry, accepted
    Hostile(
        "sign_off_lines_under_the_table",
        _footer_lines,
        [*_MEETINGS, "--mode", "append"],
        0,
        [
            "Meetings (from {file}, adding rows): rows 2 in the file, 573 now, 575 after the import; "
            "added 2, changed 0, removed 0",
            "Meetings: rows skipped as no record (totals, notes, examples, repeated headers or column numbers, sign-off "
            "lines; every row of an instructions sheet): "
            "sheet “会议” row 5, row 6, row 7, row 8",
            "Check passed: ready to import.",
        ],
        command="validate",
    ),
    Hostile(
        "a_last_row_without_an_id_noting_a_date_to_come_is_a_record",
        _undated_record_at_the_bottom,
        [*_MEETINGS, "--mode", "append"],
        1,
        [CHECKED_ONE, "  - {file} · sheet “会议” · row 3 · column A “会议编号”: a required value is empty"],
        command="validate",
    ),
    Hostile(
        "a_bad_row_above_sign_off_lines_is_refused_at_its_row",
        _bad_row_above_the_footer,
        [*_MEETINGS, "--mode", "append"],
        1,
        [
            CHECKED_ONE,
            "  - {file} · sheet “会议” · row 3 · column E “时长(分钟)”: “一小时许” is an estimate of the length, which no "
            "total can add up; write the meeting's actual length in minutes (such as 120)",
        ],
        command="validate",
    ),
    Hostile(
        "unit_name_written_with_an_apostrophe",
        _formula_unit,
        ["--lang", "en"],
        0,
        [
            "Units (from units.xlsx, replacing the table): rows 10 in the file, 9 now, 10 after the import; "
            "added 1, changed 0, removed 0",
            "Meetings (from meetings.xlsx, replacing the table): rows 1 in the file, 573 now, 1 after the import; "
            "added 1, changed 0, removed 573",
            "Check passed: ready to import.",
        ],
        [  # no --mode: the import these arguments would make is refused for the rows it removes, and validate says so
            "Meetings: replacing the whole table would remove 573 existing rows (the file does not hold them).",
            "Give --mode when importing: --mode append to add the file's records, --mode replace to replace the whole "
            "table (without it, nothing is imported).",
        ],
        command="validate",
    ),
]
