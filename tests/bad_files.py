"""A corpus of bad input files, each built by code, with the exact problems each must produce.

Every case writes its file(s) into a folder and names the problems expected
as ``(message key, Excel row, Excel column letter)``; the import is run
against a copy of the sample data and must change nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import openpyxl

from oversight.contract.schema import TABLES
from oversight.data import store
from oversight.ingest import checked_folder, commit, folder_lock

Expected = tuple[str, "int | None", "str | None"]

# ---------------------------------------------------------------- building blocks

HEADERS = {name: [c.zh for c in table.columns] for name, table in TABLES.items()}


def meeting(
    meeting_id="HY2021-0001",
    unit="省政府研究室",
    day=date(2021, 1, 5),
    kind="办公会议",
    duration=60,
    items=3,
    prereviewed="是",
    attended="否",
    merged="否",
    notes=None,
) -> list:
    return [meeting_id, unit, day, kind, duration, items, prereviewed, attended, merged, notes]


def issue(
    issue_id="WT2021-001",
    unit="省政府研究室",
    raised=date(2021, 1, 5),
    source="定期会商",
    category="作风建设",
    description="会议过多",
    status="整改中",
    due=date(2021, 3, 31),
    rectified=None,
) -> list:
    return [issue_id, unit, raised, source, category, description, status, due, rectified]


def suggestion(
    suggestion_id="JY2021-001",
    unit="省政府研究室",
    made=date(2021, 1, 6),
    issue_id="WT2019-006",  # 省政府研究室's own issue
    category="作风建设",
    content="建议精简会议",
    status="已提出",
) -> list:
    return [suggestion_id, unit, made, issue_id, category, content, status]


def unit_rows() -> list[list]:
    """The sample units as the office writes them."""
    frame = checked_folder.read_folder(store.SAMPLE_DATA_DIR)["units"]
    return [[None if isinstance(v, float) and v != v else v for v in row] for row in frame.itertuples(index=False)]


def _book(sheets: dict[str, list[list]]) -> openpyxl.Workbook:
    """Rows written cell by cell, so leading blank rows ([]) stay blank rows."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    sheet.cell(r, c, value)
    return book


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    _book(sheets).save(path)
    return path


def xlsx_bytes(sheets: dict[str, list[list]]) -> bytes:
    buffer = io.BytesIO()
    _book(sheets).save(buffer)
    return buffer.getvalue()


def with_parts_edited(xlsx: bytes, edit: Callable[[dict[str, bytes]], None]) -> bytes:
    """The workbook with its parts (by zip member name) changed in place by ``edit``: what no writer writes."""
    with zipfile.ZipFile(io.BytesIO(xlsx)) as original:
        parts = {name: original.read(name) for name in original.namelist()}
    edit(parts)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as rewritten:
        for name, data in parts.items():
            rewritten.writestr(name, data)
    return buffer.getvalue()


def with_text_in_xml(xlsx: bytes, cell: str, text: str, shared: bool) -> bytes:
    """The first sheet's ``cell`` holding ``text`` written into the XML as it is, as a shared string (Excel's way) or
    inline: openpyxl would cut a text past 32,767 characters as it writes it."""
    return with_parts_edited(xlsx, lambda parts: _put_text(parts, cell, text, shared))


def _put_text(parts: dict[str, bytes], cell: str, text: str, shared: bool) -> None:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").encode()
    if shared:
        main = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        parts["xl/sharedStrings.xml"] = b'<sst xmlns="' + main + b'"><si><t>' + escaped + b"</t></si></sst>"
        relation = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>",
            f'<Relationship Type="{relation}" Target="sharedStrings.xml" Id="rId99"/>'.encode() + b"</Relationships>",
        )
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>",
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{content_type}"/>'.encode() + b"</Types>",
        )
        new = f'<c r="{cell}" t="s"><v>0</v></c>'.encode()
    else:
        new = f'<c r="{cell}" t="inlineStr"><is><t>'.encode() + escaped + b"</t></is></c>"
    sheet, replaced = re.subn(
        rb'<c r="' + cell.encode() + rb'"[^>]*>.*?</c>', new, parts["xl/worksheets/sheet1.xml"], count=1, flags=re.S
    )
    assert replaced == 1
    parts["xl/worksheets/sheet1.xml"] = sheet


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8", delimiter: str = ",") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(
        [["" if v is None else (v.isoformat() if isinstance(v, date) else v) for v in row] for row in rows]
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_bytes(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def hash_tree(folder: Path) -> dict[str, str]:
    """Every data file under ``folder`` (``.history`` included) by relative path and sha256.

    ``.cache`` is left out: it is derived from the data, rebuilt at will, and reading the folder refreshes it.
    So is the write lock's file (``folder_lock.LOCK_FILE``): it holds no data, only a note of the last holder.
    """
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".cache" not in p.relative_to(folder).parts and p.name != folder_lock.LOCK_FILE
    }


def one_more_reminder(folder: Path) -> Path:
    """A reminders file of one reminder the sample has not (in 2020, inside the sample's span): an append that
    changes something, so that it is imported (the sample's own reminders.xlsx again is nothing to import)."""
    return write_xlsx(
        folder / "one_more_reminder.xlsx",
        {
            "日常提醒": [
                HEADERS["reminders"],
                ["TX2020-9001", "省政府研究室", date(2020, 6, 1), "书面提醒", "节前作风提醒"],
            ]
        },
    )


def seeded_data_copy(destination: Path) -> Path:
    """A copy of the sample data with one import already in ``.history``, so history is hashed too."""
    shutil.copytree(store.SAMPLE_DATA_DIR, destination)
    commit.import_files(
        one_more_reminder(destination.parent), table="reminders", mode="append", folder=destination, user="fixture"
    )
    return destination


# ---------------------------------------------------------------- the cases


@dataclass(frozen=True)
class BadFile:
    name: str
    build: Callable[[Path], list[Path]]
    expected: list[Expected] | Callable[[], list[Expected]]
    table: str | None = None
    mode: str = "replace"
    env: dict[str, str] = field(default_factory=dict)

    def expected_problems(self) -> list[Expected]:
        return sorted(self.expected() if callable(self.expected) else self.expected, key=repr)


def _one(builder: Callable[[Path], Path]) -> Callable[[Path], list[Path]]:
    return lambda folder: [builder(folder)]


def _meetings(*rows: list, header: list | None = None) -> Callable[[Path], list[Path]]:
    return _one(lambda d: write_xlsx(d / "meetings.xlsx", {"会议": [header or HEADERS["meetings"], *rows]}))


def _merged_duration(folder: Path) -> Path:
    """Three meetings held as one merged session, their unit, day and 时长 each merged over the three rows."""
    path = write_xlsx(
        folder / "meetings.xlsx",
        {
            "会议": [
                HEADERS["meetings"],
                meeting("HY2021-0001", duration=90),
                meeting("HY2021-0002", unit=None, day=None, duration=None, merged="是"),
                meeting("HY2021-0003", unit=None, day=None, duration=None, merged="是"),
            ]
        },
    )
    book = openpyxl.load_workbook(path)
    for cells in ("B2:B4", "C2:C4", "E2:E4"):
        book["会议"].merge_cells(cells)
    book.save(path)
    return path


def _issues(*rows: list) -> Callable[[Path], list[Path]]:
    return _one(lambda d: write_xlsx(d / "issues.xlsx", {"问题": [HEADERS["issues"], *rows]}))


def _narrow_issues_csv(rows: int) -> bytes:
    """The issues header over ``rows`` rows of one letter a cell (the reviewer's file had 1,050,000)."""
    return (",".join(HEADERS["issues"]) + "\n" + "a,b,c,d,e,f,g,h,i\n" * rows).encode()


def _with_a_second_bom(path: Path) -> Path:
    """The file as a tool that adds its own BOM to one that had it already saves it: two, then the text."""
    return write_bytes(path, "\ufeff\ufeff".encode() + path.read_bytes())


def _valid_meetings_xlsx() -> bytes:
    return xlsx_bytes({"会议": [HEADERS["meetings"], meeting()]})


def _zip_bomb(folder: Path) -> Path:
    """A real workbook plus a member that inflates 60 MB of zeros from a few kilobytes."""
    buffer = io.BytesIO(_valid_meetings_xlsx())
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (60 * 1024 * 1024))
    return write_bytes(folder / "bomb.xlsx", buffer.getvalue())


def _encrypted(folder: Path) -> Path:
    """What Excel writes for a password-protected .xlsx: an OLE compound file with an EncryptedPackage stream."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    directory = "EncryptionInfo".encode("utf-16-le") + b"\0" * 50 + "EncryptedPackage".encode("utf-16-le")
    return write_bytes(folder / "加密台账.xlsx", header + directory + b"\x5a" * 4096)


def _ole_named_xlsx(folder: Path) -> Path:
    return write_bytes(folder / "protected.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096)


def _plain_zip(folder: Path) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    return write_bytes(folder / "archive.xlsx", buffer.getvalue())


def _folder_would_break() -> list[Expected]:
    """Dropping a unit that other tables still use: one problem, at the first such row (column B, 单位) of the
    first table that names it (its count of rows is held in tests/test_unit_rename_import.py)."""
    frames = checked_folder.read_folder(store.SAMPLE_DATA_DIR)
    for name in ("meetings", "issues", "suggestions", "reminders", "activities"):
        rows = [i + 2 for i, unit in enumerate(frames[name]["unit"]) if unit == "chronicles"]
        if rows:
            return [("error.folder_would_break", None, None), ("error.unit_removed_in_use", rows[0], "B")]
    raise AssertionError("the sample's chronicles office names no row")


CORPUS: list[BadFile] = [
    # -- the file itself
    BadFile(
        "pdf_named_xlsx",
        _one(lambda d: write_bytes(d / "report.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj")),
        [("error.not_a_spreadsheet", None, None)],
        table="meetings",
    ),
    # text that Excel opens under a workbook's name (with a warning), so the clerk believes it is one: named for what
    # it is and how to fix it, not "not a spreadsheet"
    BadFile(
        "csv_renamed_xlsx",
        _one(lambda d: write_csv(d / "会议.xlsx", [HEADERS["meetings"], meeting()])),
        [("error.text_table_named_as_workbook", None, None)],
        table="meetings",
    ),
    BadFile(
        "tab_separated_gbk_named_xls",
        _one(lambda d: write_csv(d / "导出.xls", [HEADERS["meetings"], meeting()], "gb18030", "\t")),
        [("error.text_table_named_as_workbook", None, None)],
        table="meetings",
    ),
    BadFile(
        "web_page_named_xls",
        _one(
            lambda d: write_bytes(
                d / "导出.xls", "<html><body><table><tr><td>会议编号</td></tr></table></body></html>".encode()
            )
        ),
        [("error.markup_named_as_workbook", None, None)],
        table="meetings",
    ),
    BadFile(
        "binary_named_csv",
        _one(lambda d: write_bytes(d / "photo.csv", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" * 20)),
        [("error.not_a_spreadsheet", None, None)],
        table="meetings",
    ),
    BadFile(
        "word_document_suffix",
        _one(lambda d: write_bytes(d / "notes.docx", "会议编号,单位\n".encode())),
        [("error.not_a_spreadsheet", None, None)],
        table="meetings",
    ),
    # what Excel (or WPS) keeps beside a workbook it has open, picked with the folder's other files: named for what it
    # is and which file to upload (it was 不是电子表格文件); LibreOffice's lock file, given to the command line, alike
    BadFile(
        "excel_owner_file",
        _one(
            lambda d: write_bytes(d / "~$meetings.xlsx", b"\x05clerk" + b" " * 48 + b"\x05\x00c\x00l\x00e" + b"\0" * 99)
        ),
        [("error.owner_file", None, None)],
        table="meetings",
    ),
    BadFile(
        "libreoffice_lock_file",
        _one(
            lambda d: write_bytes(
                d / ".~lock.meetings.xlsx#", b"clerk,clerk,pc-01,05.12.2026 10:30,file:///home/clerk;"
            )
        ),
        [("error.owner_file", None, None)],
        table="meetings",
    ),
    BadFile("zip_without_workbook", _one(_plain_zip), [("error.not_a_spreadsheet", None, None)], table="meetings"),
    BadFile(
        "truncated_xlsx",
        _one(lambda d: write_bytes(d / "cut.xlsx", _valid_meetings_xlsx()[:1500])),
        [("error.workbook_corrupt", None, None)],
        table="meetings",
    ),
    BadFile("encrypted_xlsx", _one(_encrypted), [("error.encrypted", None, None)], table="meetings"),
    BadFile("ole_file_named_xlsx", _one(_ole_named_xlsx), [("error.encrypted", None, None)], table="meetings"),
    BadFile(
        "zero_bytes",
        _one(lambda d: write_bytes(d / "empty.xlsx", b"")),
        [("error.file_empty", None, None)],
        table="meetings",
    ),
    BadFile(
        "over_default_size_limit",
        _one(lambda d: write_bytes(d / "huge.csv", b"a" * (21 * 1024 * 1024))),
        [("error.file_too_large", None, None)],
        table="meetings",
    ),
    BadFile(
        "over_configured_size_limit",
        _meetings(*[meeting(f"HY2021-{i:04d}") for i in range(1, 200)]),
        [("error.file_too_large", None, None)],
        table="meetings",
        env={"OVERSIGHT_MAX_UPLOAD_MB": "0.001"},
    ),
    BadFile("zip_bomb_ratio", _one(_zip_bomb), [("error.archive_too_large", None, None)], table="meetings"),
    BadFile(
        "zip_inflates_over_configured_bound",
        _meetings(meeting()),
        [("error.archive_too_large", None, None)],
        table="meetings",
        env={"OVERSIGHT_MAX_INFLATED_MB": "0.001"},
    ),
    BadFile(
        "csv_undecodable",
        _one(lambda d: write_bytes(d / "bad.csv", "会议编号,单位\n".encode() + b"\x80\x80\xff\n")),
        [("error.csv_encoding", None, None)],
        table="meetings",
    ),
    # -- sheets and headers
    BadFile(
        "blank_workbook_undetected",
        _one(lambda d: write_xlsx(d / "blank.xlsx", {"Sheet1": []})),
        [("error.file_blank", None, None)],
    ),
    BadFile(
        "blank_workbook_for_table",
        _one(lambda d: write_xlsx(d / "blank.xlsx", {"Sheet1": [[], [None]]})),
        [("error.sheet_empty", None, None)],
        table="meetings",
    ),
    # a header with no record (or only a 合计 row) is no longer refused: tests/test_header_only_ledger.py
    BadFile(
        "no_header",
        _one(lambda d: write_xlsx(d / "list.xlsx", {"Sheet1": [["甲", "乙"], [1, 2]]})),
        [("error.no_header", None, None)],
        table="meetings",
    ),
    BadFile("wrong_table_chosen", _issues(issue()), [("error.table_mismatch", None, None)], table="meetings"),
    BadFile(
        "nothing_detectable",
        _one(lambda d: write_csv(d / "people.csv", [["姓名", "电话"], ["张三", "123"]])),
        [("error.no_table_detected", None, None)],
    ),
    BadFile(
        "missing_required_columns",
        _meetings(meeting()[:4] + meeting()[5:8], header=HEADERS["meetings"][:4] + HEADERS["meetings"][5:8]),
        [("error.column_missing", 1, None), ("error.column_missing", 1, None)],
        table="meetings",
    ),
    BadFile(
        "same_table_twice_in_batch",
        lambda d: [
            write_xlsx(d / "a.xlsx", {"问题": [HEADERS["issues"], issue()]}),
            write_xlsx(d / "b.xlsx", {"问题": [HEADERS["issues"], issue("WT2021-002")]}),
        ],
        [("error.table_in_two_sources", None, None)],
    ),
    # -- ids
    BadFile(
        "duplicate_ids",
        _meetings(meeting("HY2021-0001"), meeting("HY2021-0002"), meeting("HY2021-0001")),
        [("error.duplicate", 4, "A")],
        table="meetings",
    ),
    BadFile(
        "duplicate_ids_across_sheets",
        _one(
            lambda d: write_xlsx(
                d / "m.xlsx",
                {
                    "2021上半年": [HEADERS["meetings"], meeting("HY2021-0001")],
                    "2021下半年": [HEADERS["meetings"], meeting("HY2021-0002"), meeting("HY2021-0001")],
                },
            )
        ),
        [("error.duplicate_other_sheet", 3, "A")],
        table="meetings",
    ),
    BadFile(
        "append_id_already_present",
        _meetings(meeting("HY2021-0001"), meeting("HY2019-0002")),
        [("error.append_duplicate", 3, "A")],
        table="meetings",
        mode="append",
    ),
    # the same id in other widths or case, or with an invisible character inside, is the same record typed twice
    BadFile(
        "lookalike_ids",
        _meetings(
            meeting("HY2021-0001"), meeting("ＨＹ2021-0001"), meeting("hy2021-0001"), meeting("HY2021-0\u200b002")
        ),
        [
            ("error.duplicate_lookalike", 3, "A"),
            ("error.duplicate_lookalike", 4, "A"),
            ("error.control_character", 5, "A"),
        ],
        table="meetings",
    ),
    # a number merged over rows is one record's: copied into each, a 90-minute session of three meetings counted
    # 270 minutes (a unit or a day merged so is each row's, and read so)
    BadFile(
        "number_merged_over_rows",
        _one(_merged_duration),
        [("error.int_merged", 3, "E"), ("error.int_merged", 4, "E")],
        table="meetings",
    ),
    BadFile(
        "append_id_present_in_other_case",
        _meetings(meeting("hy2019-0002")),
        [("error.append_lookalike", 2, "A")],
        table="meetings",
        mode="append",
    ),
    # a dash for the hyphen (Word's autocorrect, a Chinese input method): HY2019–0002 read as a new meeting beside
    # HY2019-0002, counted twice
    BadFile(
        "append_id_present_with_a_dash_for_its_hyphen",
        _meetings(meeting("HY2019\u20130002"), meeting("HY2019\u22120003"), meeting("HY2021\u20100001")),
        [("error.append_lookalike", 2, "A"), ("error.append_lookalike", 3, "A")],
        table="meetings",
        mode="append",
    ),
    BadFile(
        "ids_differing_by_a_dash_for_the_hyphen",
        _meetings(meeting("HY2021-0001"), meeting("HY2021\u20140001")),
        [("error.duplicate_lookalike", 3, "A")],
        table="meetings",
    ),
    BadFile(
        "text_longer_than_a_cell_holds",
        _one(
            lambda d: write_csv(
                d / "meetings.csv",
                [HEADERS["meetings"], meeting(notes="会" * 32_767), meeting("HY2021-0002", notes="议" * 32_768)],
            )
        ),
        [("error.text_too_long", 3, "J")],
        table="meetings",
    ),
    # the same in an .xlsx, as a shared string and inline: openpyxl cuts a text to 32,767 as it writes it (so a file
    # it wrote showed nothing lost on import), but a workbook another program wrote may hold more, read in full
    *(
        BadFile(
            f"text_longer_than_a_cell_holds_{kind}",
            _one(
                lambda d, shared=shared: write_bytes(
                    d / "meetings.xlsx",
                    with_text_in_xml(
                        xlsx_bytes({"会议": [HEADERS["meetings"], meeting(notes="x")]}), "J2", "议" * 40_000, shared
                    ),
                )
            ),
            [("error.text_too_long", 2, "J")],
            table="meetings",
        )
        for kind, shared in (("shared", True), ("inline", False))
    ),
    BadFile(
        "text_reversed_by_a_direction_override",
        _meetings(meeting(notes="会议\u202e过多")),
        [("error.control_character", 2, "J")],
        table="meetings",
    ),
    BadFile(
        "unit_slug_with_spaces",
        _one(
            lambda d: write_xlsx(
                d / "units.xlsx",
                {
                    "监督单位": [
                        HEADERS["units"],
                        *[
                            ["Gov Office" if i == 0 else v for i, v in enumerate(r)] if r[0] == "gov_office" else r
                            for r in unit_rows()
                        ],
                    ]
                },
            )
        ),
        [("error.slug_invalid", 2, "A")],
        table="units",
    ),
    # two units sharing a short name: a ledger's 办公厅 went to the first of them, silently
    BadFile(
        "unit_short_name_shared",
        _one(
            lambda d: write_xlsx(
                d / "units.xlsx",
                {
                    "监督单位": [
                        HEADERS["units"],
                        *[r[:3] + ["研究室、办公厅"] + r[4:] if r[0] == "research" else r for r in unit_rows()],
                    ]
                },
            )
        ),
        [("error.unit_name_shared", 3, "D")],
        table="units",
    ),
    # two units under one English short name: an English chart drew them as one bar, one unit's figures hidden
    BadFile(
        "unit_english_short_name_shared",
        _one(
            lambda d: write_xlsx(
                d / "units.xlsx",
                {
                    "监督单位": [
                        HEADERS["units"],
                        *[r[:5] + ["General Office"] if r[0] == "research" else r for r in unit_rows()],
                    ]
                },
            )
        ),
        [("error.unit_name_shared", 3, "F")],
        table="units",
    ),
    # a formula saved without its value (a workbook a program wrote): a required cell read "empty", and an
    # optional one (整改期限) was silently dropped, so the issue could never become overdue
    BadFile(
        "formula_without_value_required",
        _issues(issue(description="=1+1")),
        [("error.formula_without_value", 2, None)],  # located at its row (the sentence names the cell)
        table="issues",
    ),
    BadFile(
        "formula_without_value_optional",
        _issues(issue(due="=C2+30")),
        [("error.formula_without_value", 2, None)],
        table="issues",
    ),
    # -- cells
    BadFile("unknown_unit", _meetings(meeting(unit="省教育厅")), [("error.unit_unknown", 2, "B")], table="meetings"),
    BadFile(
        "impossible_date", _meetings(meeting(day="2021-02-30")), [("error.date_impossible", 2, "C")], table="meetings"
    ),
    BadFile(
        "quarter_only_dates",
        _meetings(meeting("HY2021-0001", day="2021Q1"), meeting("HY2021-0002", day="2021年第一季度")),
        [("error.date_quarter_only", 2, "C"), ("error.date_quarter_only", 3, "C")],
        table="meetings",
    ),
    BadFile(
        "month_only_date", _meetings(meeting(day="2021年3月")), [("error.date_month_only", 2, "C")], table="meetings"
    ),
    # a serial day past 2100 (79999 is 2119): a number below the serials (5) is "not a date", as the text 5 is
    BadFile(
        "date_far_out_of_range", _meetings(meeting(day=79999)), [("error.date_out_of_range", 2, "C")], table="meetings"
    ),
    # a year or a year-month typed as a number got "not between 1990 and 2100", read as day 2021 of 1900
    BadFile(
        "year_or_month_typed_as_a_number",
        _meetings(meeting("HY2021-0001", day=2021), meeting("HY2021-0002", day=202103), meeting("HY2021-0003", day=5)),
        [("error.date_year_only", 2, "C"), ("error.date_month_only", 3, "C"), ("error.date_invalid", 4, "C")],
        table="meetings",
    ),
    # after today (the sample's dates end in 2020): it would move the dashboard's data date into the future
    BadFile(
        "record_date_after_today",
        _meetings(meeting(day=date(2099, 1, 5))),
        [("error.date_after_today", 2, "C")],
        table="meetings",
    ),
    BadFile("not_a_date", _meetings(meeting(day="下周一")), [("error.date_invalid", 2, "C")], table="meetings"),
    BadFile("negative_duration", _meetings(meeting(duration=-30)), [("error.int_negative", 2, "E")], table="meetings"),
    # past what the store's 64-bit column holds, this number passed the check and then stopped every page loading
    BadFile(
        "duration_past_the_store",
        _meetings(meeting(duration=10**19)),
        [("error.int_above_maximum", 2, "E")],
        table="meetings",
    ),
    BadFile(
        "agenda_items_typing_error",
        _meetings(meeting(items="30000")),
        [("error.int_above_maximum", 2, "F")],
        table="meetings",
    ),
    BadFile(
        "fractional_agenda_items", _meetings(meeting(items="3.5")), [("error.int_invalid", 2, "F")], table="meetings"
    ),
    BadFile("not_a_boolean", _meetings(meeting(merged="可能")), [("error.bool_invalid", 2, "I")], table="meetings"),
    BadFile(
        "unknown_meeting_kind", _meetings(meeting(kind="茶话会")), [("error.enum_invalid", 2, "D")], table="meetings"
    ),
    BadFile("required_value_empty", _meetings(meeting(unit=None)), [("error.value_missing", 2, "B")], table="meetings"),
    BadFile(
        "suggestion_links_missing_issue",
        _one(
            lambda d: write_xlsx(
                d / "s.xlsx", {"意见建议": [HEADERS["suggestions"], suggestion(issue_id="WT2099-999")]}
            )
        ),
        [("error.ref_unknown", 2, "D")],
        table="suggestions",
        mode="append",
    ),
    BadFile(  # WT2019-001 is 省政务服务和大数据管理局's: its description showed in 省信访局's suggestion row
        "suggestion_links_another_units_issue",
        _one(
            lambda d: write_xlsx(
                d / "s.xlsx", {"意见建议": [HEADERS["suggestions"], suggestion(unit="省信访局", issue_id="WT2019-001")]}
            )
        ),
        [("error.ref_other_unit", 2, "D")],
        table="suggestions",
        mode="append",
    ),
    BadFile(
        "rectified_before_raised",
        _issues(issue(status="已整改", rectified=date(2020, 12, 1))),
        [("error.rectified_before_raised", 2, "I")],
        table="issues",
        mode="append",
    ),
    BadFile(  # raised 5 January with a deadline of 1 December before: counted overdue the day it was raised
        "due_before_raised",
        _issues(issue(due=date(2020, 12, 1))),
        [("error.due_before_raised", 2, "H")],
        table="issues",
        mode="append",
    ),
    BadFile(
        "rectified_without_date",
        _issues(issue(status="已整改")),
        [("error.rectified_without_date", 2, "I")],
        table="issues",
        mode="append",
    ),
    BadFile(
        "rows_numbered_after_title_and_blank_rows",
        _one(
            lambda d: write_xlsx(
                d / "m.xlsx",
                {
                    "会议": [
                        [],
                        ["2021年会议台账"],
                        [],
                        HEADERS["meetings"],
                        meeting("HY2021-0001"),
                        [],
                        meeting("HY2021-0002", duration="很长"),
                    ]
                },
            )
        ),
        [("error.int_invalid", 7, "E")],
        table="meetings",
    ),
    BadFile(
        "csv_rows_numbered_as_excel_shows_them",
        _one(
            lambda d: write_csv(
                d / "m.csv",
                [["会议台账"], HEADERS["meetings"], meeting("HY2021-0001"), [], meeting("HY2021-0002", kind="座谈")],
                encoding="gb18030",
            )
        ),
        [("error.enum_invalid", 5, "D")],
        table="meetings",
    ),
    BadFile(
        "every_problem_at_once",
        _meetings(
            meeting("HY2021-0001", unit="不存在的单位", duration=-5),
            meeting("HY2021-0002", day="2021Q2", attended="也许"),
            meeting("HY2021-0001", kind=None),
        ),
        [
            ("error.unit_unknown", 2, "B"),
            ("error.int_negative", 2, "E"),
            ("error.date_quarter_only", 3, "C"),
            ("error.bool_invalid", 3, "H"),
            ("error.value_missing", 4, "D"),
            ("error.duplicate", 4, "A"),
        ],
        table="meetings",
    ),
    # -- bounds on memory and time
    BadFile(  # 9 columns: the 2,000,000-cell bound is passed by line 222,223 (the header is line 1)
        "csv_over_the_cell_bound",
        _one(lambda d: write_bytes(d / "issues.csv", _narrow_issues_csv(222_300))),
        [("error.csv_too_large", None, None)],
        table="issues",
        mode="append",
    ),
    BadFile(
        "more_problems_than_a_report_lists",
        _issues(*[issue(f"WT2021-{i:04d}", unit="a") for i in range(1, 1101)]),
        [*[("error.unit_unknown", row, "B") for row in range(2, 1002)], ("error.checking_stopped", None, None)],
        table="issues",
        mode="append",
    ),
    # -- a header naming one column twice: the second copy's data was dropped without a word
    BadFile(
        "header_repeats_a_column",
        _one(
            lambda d: write_xlsx(
                d / "issues.xlsx", {"问题": [[*HEADERS["issues"], "整改状态"], [*issue(status="整改中"), "已整改"]]}
            )
        ),
        [("error.column_repeated", 1, "J")],
        table="issues",
        mode="append",
    ),
    BadFile(
        "header_repeats_a_column_by_its_english_alias",
        _one(
            lambda d: write_csv(
                d / "issues.csv", [[*HEADERS["issues"][:2], "unit", *HEADERS["issues"][2:]], issue()[:2] + issue()[1:]]
            )
        ),
        [("error.column_repeated", 1, "C")],
        table="issues",
        mode="append",
    ),
    # -- what a clerk cannot see
    BadFile(  # the header read "\ufeff问题编号", and the report said 问题编号 was missing
        "csv_with_two_byte_order_marks",
        _one(lambda d: _with_a_second_bom(write_csv(d / "issues.csv", [HEADERS["issues"], issue(status="完成")]))),
        [("error.enum_invalid", 2, "G")],
        table="issues",
        mode="append",
    ),
    BadFile(
        "required_cell_of_zero_width_characters",
        _issues(issue(description="\u200b"), issue("WT2021-002", description=" \u200b\ufeff\u2060 ")),
        [("error.value_missing", 2, "F"), ("error.value_missing", 3, "F")],
        table="issues",
        mode="append",
    ),
    # -- the folder as a whole
    BadFile(
        "units_replacement_drops_a_unit_in_use",
        _one(
            lambda d: write_xlsx(
                d / "units.xlsx", {"监督单位": [HEADERS["units"], *[r for r in unit_rows() if r[0] != "chronicles"]]}
            )
        ),
        _folder_would_break,
        table="units",
    ),
]


def users_file_without_accounts(tmp_path: Path, monkeypatch) -> Path:  # noqa: ANN001 — pytest's MonkeyPatch
    """``OVERSIGHT_USERS_FILE`` pointed at a file that exists and holds no accounts (a server restarted with the
    variable set elsewhere): what must not open a guarded folder to local mode."""
    empty = tmp_path / "elsewhere" / "users.toml"
    empty.parent.mkdir()
    empty.touch()
    monkeypatch.setenv("OVERSIGHT_USERS_FILE", str(empty))
    return empty


def temporary_disk_full(monkeypatch) -> Callable:  # noqa: ANN001 — pytest's MonkeyPatch
    """The temporary folder's disk full as a check copies the would-be data folder into it (``oversight-check-…``),
    the data folder's own disk having room. Returns the real copy, to put back where room is made again."""
    import errno

    real_copy = shutil.copyfile

    def full(source, target, *args, **kwargs):
        if "oversight-check-" in str(target):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_copy(source, target, *args, **kwargs)

    monkeypatch.setattr(shutil, "copyfile", full)
    return real_copy
