"""Messy but valid ledgers, as the office really keeps them, are accepted and read to the right rows."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from oversight import ingest
from oversight.contract.schema import TABLES
from oversight.data import store
from oversight.ingest import checked_folder, commit, import_plan, import_report, workbook
from tests import oracle
from tests.bad_files import HEADERS, issue, meeting, suggestion, write_csv, write_xlsx

MEETINGS, ISSUES = TABLES["meetings"], TABLES["issues"]
EXPECTED_MEETING = {
    "meeting_id": "HY2021-0001",
    "unit": "research",
    "date": date(2021, 1, 5),
    "kind": "office",
    "duration_min": 60,
    "agenda_items": 3,
    "agenda_prereviewed": True,
    "attended_by_team": False,
    "merged": False,
    "notes": None,
}


@pytest.fixture(scope="module")
def context() -> ingest.Context:
    frames = checked_folder.read_folder(store.SAMPLE_DATA_DIR)
    return ingest.Context(
        units=ingest.UnitResolver.from_units(frames["units"]),
        issue_units=dict(zip(frames["issues"]["issue_id"], frames["issues"]["unit"])),
    )


@pytest.fixture
def data_folder(tmp_path):
    return shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data")


def records(frame) -> list[dict]:
    return [
        {k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}
        for row in frame.to_dict("records")
    ]


def expected_meeting(**changes) -> dict:
    return {**EXPECTED_MEETING, **changes}


def read(path, context, table=MEETINGS) -> ingest.TableRead:
    return ingest.read_source(path, table, context)


# ---------------------------------------------------------------- around the table


def test_title_rows_above_the_header(tmp_path, context):
    path = tmp_path / "m.xlsx"
    write_xlsx(
        path,
        {
            "会议": [
                ["2021年度会议台账"],
                ["填报单位：省政府研究室", None, None, None, None, "2021年4月"],
                HEADERS["meetings"],
                meeting(),
            ]
        },
    )
    book = openpyxl.load_workbook(path)
    book["会议"].merge_cells("A1:J1")  # titles are merged across the table
    book.save(path)
    result = read(path, context)
    assert records(result.frame) == [expected_meeting()]
    assert result.origins == [("会议", 4)]


def test_blank_rows_before_and_between_the_rows_keep_excel_row_numbers(tmp_path, context):
    path = write_xlsx(
        tmp_path / "m.xlsx",
        {"会议": [[], [], HEADERS["meetings"], [], meeting("HY2021-0001"), [None, None], [], meeting("HY2021-0002")]},
    )
    result = read(path, context)
    assert list(result.frame["meeting_id"]) == ["HY2021-0001", "HY2021-0002"]
    assert result.origins == [("会议", 5), ("会议", 8)]


def test_blank_spacer_rows_above_the_header_do_not_count_toward_the_rows_searched(tmp_path, context):
    """A title, a note and a dozen empty spacer rows put the header at row 19: "no header row was found"."""
    title = [["2021年度会议台账"], [], [], ["填报单位：省政府研究室"], ["说明：按月填报"]] + [[]] * 13
    path = write_xlsx(tmp_path / "m.xlsx", {"会议": [*title, HEADERS["meetings"], meeting()]})
    result = read(path, context)
    assert records(result.frame) == [expected_meeting()] and result.origins == [("会议", 20)]
    # fifteen rows with something in them are still searched, and no more; the message says blank rows are free
    notes = [[f"说明第{n}条"] for n in range(1, 16)]
    path = write_xlsx(tmp_path / "n.xlsx", {"会议": [*notes, [], [], HEADERS["meetings"], meeting()]})
    with pytest.raises(ingest.ValidationError) as refused:
        read(path, context)
    (problem,) = refused.value.problems
    assert problem.message_key == "error.no_header"
    assert problem.message("zh") == "找不到会议的表头行；请确认表头在前15行内（空行不算），且列名与模板一致"


def test_total_and_subtotal_rows_are_not_data(tmp_path, context):
    path = write_xlsx(
        tmp_path / "m.xlsx",
        {
            "会议": [
                HEADERS["meetings"],
                meeting("HY2021-0001"),
                ["小计", None, None, None, 60, 3],
                meeting("HY2021-0002"),
                ["合 计", None, None, None, 120, 6],
                [None, "总计", None, None, 120],
            ]
        },
    )
    assert list(read(path, context).frame["meeting_id"]) == ["HY2021-0001", "HY2021-0002"]


def test_a_subtotal_named_for_its_block_is_not_data_where_a_unit_is_merged_down_it(tmp_path, data_folder):
    """The unit first, merged down its meetings and their 小计 row, a 季度小计 and a 共计 under them: each total was
    read as a meeting and refused with "a required value is empty" five times over (fill in its date, its kind …)."""
    header = ["单位", *(h for h in HEADERS["meetings"] if h != "单位")]

    def row(meeting_id, unit, minutes=60):
        typed = meeting(meeting_id, unit=unit, duration=minutes)
        return [typed[1], typed[0], *typed[2:]]

    rows = [
        ["派驻纪检组会议台账"],
        header,
        row("HY2021-0001", "省政府研究室", 90),
        row("HY2021-0002", None, 45),
        [None, "小计", None, None, 135, 6],
        row("HY2021-0003", "省政府参事室", 30),
        [None, "研究室、参事室一季度小计", None, None, 165, 9],
        ["共计3次", None, None, None, 165, 9],
    ]
    path = write_xlsx(tmp_path / "会议台账.xlsx", {"会议台账": rows})
    book = openpyxl.load_workbook(path)
    book["会议台账"].merge_cells("A1:J1")
    book["会议台账"].merge_cells("A3:A5")
    book.save(path)
    plan = import_plan.plan_import(path, mode="append", folder=data_folder)
    assert [p.render("en") for p in plan.problems] == []
    assert plan.changes["meetings"].skipped == (("会议台账", 5), ("会议台账", 7), ("会议台账", 8))
    before = oracle.read_ledgers(data_folder).meetings
    commit.apply_import(plan, user="test")
    # what the clerk meant, counted by pandas from the ledger as written: three meetings of 165 minutes, no total
    after = oracle.read_ledgers(data_folder).meetings
    added = after[~after["meeting_id"].isin(before["meeting_id"])]
    assert (len(added), added["minutes"].sum()) == (3, 165)
    assert added.groupby("unit").size().to_dict() == {"counsellors": 1, "research": 2}


@pytest.mark.parametrize(
    ("instructions", "example"),
    [
        # a 填表说明 sheet showing the header filled in once: a real-looking row, then one whose id says 示例
        ("填表说明", meeting("HY2021-0099", day="2021年3月5日")),
        ("填表说明", meeting("示例", day="2021-03-05")),
        # the example on the ledger's own sheet, under its header, marked in its 备注 or its id
        (None, meeting("HY2021-0098", notes="填写示例，请勿删除")),
        (None, meeting("（示例）HY2021-0097")),
    ],
)
def test_a_filled_in_example_is_not_a_meeting(tmp_path, data_folder, instructions, example):
    """The example row was imported as one more meeting (573 now, 576 after: one of them the example)."""
    ledger = [HEADERS["meetings"], meeting("HY2021-0001"), meeting("HY2021-0002")]
    sheets = {"会议台账": [*ledger[:1], example, *ledger[1:]] if instructions is None else ledger}
    if instructions:
        sheets[instructions] = [["填表说明：各列按下例填写"], HEADERS["meetings"], example]
    path = write_xlsx(tmp_path / "会议台账.xlsx", sheets)
    plan = import_plan.plan_import(path, mode="append", folder=data_folder)
    assert [p.render("en") for p in plan.problems] == []
    assert plan.changes["meetings"].skipped == ((instructions or "会议台账", 3 if instructions else 2),)
    sheet, row = plan.changes["meetings"].skipped[0]
    assert import_report.skipped_lines(plan, "en") == [
        "Meetings: rows skipped as no record (totals, notes, examples, repeated headers or column numbers, sign-off "
        f"lines; every row of an instructions sheet): sheet “{sheet}” row {row}"
    ]
    before = oracle.read_ledgers(data_folder).meetings
    commit.apply_import(plan, user="test")
    after = oracle.read_ledgers(data_folder).meetings
    assert len(after) == len(before) + 2
    assert sorted(set(after["meeting_id"]) - set(before["meeting_id"])) == ["HY2021-0001", "HY2021-0002"]


def test_a_meetings_length_written_in_hours_is_imported_as_its_minutes(tmp_path, data_folder):
    """时长(分钟) written 1.5小时 or 1小时30分 was refused "should be a whole number"; a length in hours that is no
    whole number of minutes, and hours in another whole-number column, still are."""
    typed = ["1.5小时", "1小时30分钟", "2 h", "45分钟"]
    rows = [meeting(f"HY2021-{n:04d}", duration=length) for n, length in enumerate(typed, start=1)]
    path = write_xlsx(tmp_path / "会议台账.xlsx", {"会议台账": [HEADERS["meetings"], *rows]})
    plan = import_plan.plan_import(path, mode="append", folder=data_folder)
    assert [p.render("en") for p in plan.problems] == []
    before = oracle.read_ledgers(data_folder).meetings
    commit.apply_import(plan, user="test")
    after = oracle.read_ledgers(data_folder).meetings
    added = after[~after["meeting_id"].isin(before["meeting_id"])]
    assert list(added["minutes"]) == [90, 90, 120, 45]
    refused = [meeting("HY2021-0101", duration="1.33小时"), meeting("HY2021-0102", items="2小时")]
    path = write_xlsx(tmp_path / "会议台账2.xlsx", {"会议台账": [HEADERS["meetings"], *refused]})
    plan = import_plan.plan_import(path, mode="append", folder=data_folder)
    assert [(p.row, p.column, p.message_key) for p in plan.problems] == [
        (2, "时长(分钟)", "error.minutes_not_whole"),  # review of 5 Dec (docs): it said “1.33小时”应为整数
        (3, "议题数", "error.int_invalid"),
    ]


def test_a_blank_row_a_merged_unit_runs_through_is_blank(tmp_path, data_folder):
    """The unit merged down its block and the spacer row after it: that row, holding nothing but the merged name,
    was read as a meeting and refused for its empty id, date, kind, … (six problems for a row the clerk left blank)."""
    header = ["单位", *(h for h in HEADERS["meetings"] if h != "单位")]

    def row(meeting_id, unit):
        typed = meeting(meeting_id, unit=unit)
        return [typed[1], typed[0], *typed[2:]]

    rows = [
        header,
        row("HY2021-0001", "省政府研究室"),
        row("HY2021-0002", None),
        [],
        row("HY2021-0003", "省政府参事室"),
    ]
    path = write_xlsx(tmp_path / "会议台账.xlsx", {"会议台账": rows})
    book = openpyxl.load_workbook(path)
    book["会议台账"].merge_cells("A2:A4")
    book.save(path)
    plan = import_plan.plan_import(path, mode="append", folder=data_folder)
    assert [p.render("en") for p in plan.problems] == []
    assert plan.changes["meetings"].skipped == ()
    before = oracle.read_ledgers(data_folder).meetings
    commit.apply_import(plan, user="test")
    after = oracle.read_ledgers(data_folder).meetings
    added = after[~after["meeting_id"].isin(before["meeting_id"])]
    assert added.groupby("unit").size().to_dict() == {"counsellors": 1, "research": 2}


def test_notes_under_the_table_are_not_data(tmp_path, context):
    path = write_xlsx(
        tmp_path / "m.xlsx",
        {
            "会议": [
                HEADERS["meetings"],
                meeting(),
                [],
                ["注：时长按实际会议记录填写。"],
                ["填表人：张三    审核人：李四"],
                [None, None, "数据截至2021年3月31日"],
            ]
        },
    )
    book = openpyxl.load_workbook(path)
    book["会议"].merge_cells("A5:J5")  # a note merged across the row is still one note
    book.save(path)
    assert records(read(path, context).frame) == [expected_meeting()]


def test_a_header_repeated_on_each_printed_page_is_skipped(tmp_path, context):
    path = write_xlsx(
        tmp_path / "m.xlsx",
        {"会议": [HEADERS["meetings"], meeting("HY2021-0001"), HEADERS["meetings"], meeting("HY2021-0002")]},
    )
    assert list(read(path, context).frame["meeting_id"]) == ["HY2021-0001", "HY2021-0002"]


def test_a_header_repeated_with_a_column_of_its_own_is_skipped(tmp_path, context):
    """A ledger with a 序号 column (no column of the contract) and a second month's table pasted under the first, its
    header with it: the repeated header was read as a record, eight problems ("“单位”不是已登记的监督单位", "“会议日期”不是
    日期", …) for a file of three good meetings. It is skipped and named, as a header repeated on a printed page is."""
    header = ["序号", *HEADERS["meetings"]]
    rows = [[1, *meeting("HY2021-0001")], [2, *meeting("HY2021-0002")], header, [1, *meeting("HY2021-0003")]]
    result = read(write_xlsx(tmp_path / "m.xlsx", {"会议": [header, *rows]}), context)
    assert list(result.frame["meeting_id"]) == ["HY2021-0001", "HY2021-0002", "HY2021-0003"]
    assert result.skipped == [("会议", 4)]


def test_the_header_again_in_english_under_the_chinese_one_is_skipped(tmp_path, context):
    # a bilingual template's second header row was read as a record: 8 problems ('unit' is not a registered unit,
    # 'date' is not a date, …) for a file with one good meeting
    english = [column.name for column in MEETINGS.columns]
    path = write_xlsx(tmp_path / "m.xlsx", {"会议": [HEADERS["meetings"], english, meeting("HY2021-0001")]})
    result = read(path, context)
    assert records(result.frame) == [expected_meeting()]
    assert result.skipped == [("会议", 2)]
    # a record whose text only happens to name a column is still a record
    named = meeting("HY2021-0002", notes="备注")
    assert list(
        read(write_xlsx(tmp_path / "n.xlsx", {"会议": [HEADERS["meetings"], named]}), context).frame["notes"]
    ) == ["备注"]


def test_a_row_numbering_the_columns_under_the_header_is_skipped(tmp_path, context):
    # 栏次1, 2, 3, … under the header, as statistical forms print it: read as a record, six problems ('2' is not a
    # registered unit, '3' is not a date, …) for a file with one good meeting
    numbers = list(range(1, len(HEADERS["meetings"]) + 1))
    path = write_xlsx(tmp_path / "m.xlsx", {"会议": [HEADERS["meetings"], numbers, meeting("HY2021-0001")]})
    result = read(path, context)
    assert records(result.frame) == [expected_meeting()]
    assert result.skipped == [("会议", 2)]
    # typed as text, with a 序号 column of its own
    numbered = write_xlsx(
        tmp_path / "n.xlsx",
        {"会议": [["序号", *HEADERS["meetings"]], [str(n) for n in range(1, 12)], [1, *meeting("HY2021-0001")]]},
    )
    assert records(read(numbered, context).frame) == [expected_meeting()]


def test_a_serial_number_column_and_unknown_columns_are_ignored(tmp_path, context):
    path = write_xlsx(
        tmp_path / "m.xlsx", {"会议": [["序号", *HEADERS["meetings"], "经办人"], [1, *meeting(), "王五"]]}
    )
    assert records(read(path, context).frame) == [expected_meeting()]


# ---------------------------------------------------------------- headers

HEADER_VARIANTS = {
    "spaces": {"会议编号": "会 议 编 号", "单位": " 单位 "},
    "full_width_brackets": {"时长(分钟)": "时长（分钟）"},
    "line_break_in_cell": {"时长(分钟)": "时长\n（分钟）", "议题提前报送审核": "议题提前\n报送审核"},
    "english": dict(
        zip(
            HEADERS["meetings"],
            [
                "Meeting ID",
                "Unit",
                "Date",
                "Type",
                "Duration (min)",
                "Agenda items",
                "Agenda pre-reviewed",
                "Attended by team",
                "Merged",
                "Notes",
            ],
        )
    ),
    "identifiers_mixed_case": dict(
        zip(
            HEADERS["meetings"],
            [
                "MEETING_ID",
                "Unit",
                "DATE",
                "Kind",
                "Duration_Min",
                "agenda_ITEMS",
                "Agenda_Prereviewed",
                "attended_by_team",
                "Merged",
                "notes",
            ],
        )
    ),
    "required_marks_and_colons": {"会议编号": "*会议编号", "单位": "※单位：", "会议日期": "会议日期:"},
    "aliases": {"时长(分钟)": "会议时长", "议题数": "议题数量", "纪检监察组列席": "列席"},
}


@pytest.mark.parametrize("variant", HEADER_VARIANTS, ids=str)
def test_header_variants(variant, tmp_path, context):
    header = [HEADER_VARIANTS[variant].get(h, h) for h in HEADERS["meetings"]]
    path = write_xlsx(tmp_path / "m.xlsx", {"会议": [header, meeting()]})
    assert records(read(path, context).frame) == [expected_meeting()]


# ---------------------------------------------------------------- cells

DATES = {
    "excel_date": datetime(2020, 3, 5),
    "excel_serial_number": 43895,
    "iso_text": "2020-03-05",
    "iso_with_time": "2020-03-05 00:00:00",
    "slashes": "2020/3/5",
    "dots": "2020.3.5",
    "chinese": "2020年3月5日",
    "chinese_padded_with_spaces": "2020年03月05日",
    "compact_number": 20200305,
    "serial_as_text": "43895",
}


@pytest.mark.parametrize("form", DATES, ids=str)
def test_dates_in_every_accepted_form(form, tmp_path, context):
    path = write_xlsx(tmp_path / "m.xlsx", {"会议": [HEADERS["meetings"], meeting(day=DATES[form])]})
    assert read(path, context).frame["date"].tolist() == [date(2020, 3, 5)]


def test_units_by_id_full_name_short_name_and_stray_spaces(tmp_path, context):
    spellings = [
        "research",
        "省政府研究室",
        "研究室",
        " 研究室 ",
        "省政府\u3000研究室",
        "RESEARCH",
        "Research Office of the Provincial Government",
        # the English short name, as English charts and chips show it, was "not a registered unit"
        "Research Office",
        "research office",
    ]
    rows = [meeting(f"HY2021-{i:04d}", unit=unit) for i, unit in enumerate(spellings, start=1)]
    path = write_xlsx(tmp_path / "m.xlsx", {"会议": [HEADERS["meetings"], *rows]})
    assert read(path, context).frame["unit"].tolist() == ["research"] * len(spellings)


def test_enumerations_by_code_chinese_label_or_english_label(tmp_path, context):
    kinds = {
        "office": "office",
        "办公会议": "office",
        "党组会议": "party_group",
        "党委会议": "party_group",
        "党组（党委）会议": "party_group",
        "Office meeting": "office",
        " TOPICAL ": "topical",
    }
    rows = [meeting(f"HY2021-{i:04d}", kind=kind) for i, kind in enumerate(kinds, start=1)]
    path = write_xlsx(tmp_path / "m.xlsx", {"会议": [HEADERS["meetings"], *rows]})
    assert read(path, context).frame["kind"].tolist() == list(kinds.values())


def test_booleans_in_every_accepted_form(tmp_path, context):
    pairs = [("是", "否"), ("√", "×"), ("Y", "N"), ("y", "n"), (1, 0), ("1", "0"), (True, False), (" 是 ", "否 ")]
    rows = [meeting(f"HY2021-{i:04d}", prereviewed=yes, attended=no) for i, (yes, no) in enumerate(pairs, start=1)]
    path = write_xlsx(tmp_path / "m.xlsx", {"会议": [HEADERS["meetings"], *rows]})
    frame = read(path, context).frame
    assert frame["agenda_prereviewed"].tolist() == [True] * len(pairs)
    assert frame["attended_by_team"].tolist() == [False] * len(pairs)


def test_counts_written_with_their_unit(tmp_path, context):
    path = write_xlsx(
        tmp_path / "m.xlsx",
        {
            "会议": [
                HEADERS["meetings"],
                meeting(duration="90分钟", items="3项"),
                meeting("HY2021-0002", duration="45.0", items=" 2 "),
            ]
        },
    )
    frame = read(path, context).frame
    assert frame["duration_min"].tolist() == [90, 45]
    assert frame["agenda_items"].tolist() == [3, 2]


def test_a_unit_merged_over_several_rows_belongs_to_each(tmp_path, context):
    path = write_xlsx(
        tmp_path / "m.xlsx",
        {
            "会议": [
                HEADERS["meetings"],
                meeting("HY2021-0001"),
                meeting("HY2021-0002", unit=None),
                meeting("HY2021-0003", unit=None),
            ]
        },
    )
    book = openpyxl.load_workbook(path)
    book["会议"].merge_cells("B2:B4")
    book.save(path)
    assert read(path, context).frame["unit"].tolist() == ["research"] * 3


@pytest.mark.parametrize("typed", ["wt2019-006", "ＷＴ2019-006", " WT2019-006 "])
def test_a_linked_issue_typed_in_other_case_or_width_links_that_issue(typed, tmp_path, context):
    # 'wt2019-006' was refused as "linked issue does not exist", while the same id typed so is refused as a
    # repeat of WT2019-006 (ids are one record however they are typed)
    path = write_xlsx(tmp_path / "s.xlsx", {"建议": [HEADERS["suggestions"], suggestion(issue_id=typed)]})
    assert list(read(path, context, TABLES["suggestions"]).frame["issue_id"]) == ["WT2019-006"]


def test_a_linked_issue_typed_in_other_case_still_belongs_to_its_own_unit(tmp_path, context):
    path = write_xlsx(
        tmp_path / "s.xlsx", {"建议": [HEADERS["suggestions"], suggestion(unit="省信访局", issue_id="wt2019-006")]}
    )
    with pytest.raises(ingest.ValidationError) as refused:
        read(path, context, TABLES["suggestions"])
    assert [p.message_key for p in refused.value.problems] == ["error.ref_other_unit"]


def test_text_our_export_protected_from_formulas_comes_back_as_written(tmp_path, context):
    frame = ingest.read_source(store.SAMPLE_DATA_DIR / "issues.xlsx", ISSUES, context).frame.head(1).copy()
    frame.loc[0, "description"] = '=HYPERLINK("x")-会议过多'
    units = checked_folder.read_folder(store.SAMPLE_DATA_DIR)["units"]
    path = tmp_path / "issues.xlsx"
    path.write_bytes(workbook.ledger_xlsx_bytes(ISSUES, frame, units))
    assert read(path, context, ISSUES).frame["description"].tolist() == ['=HYPERLINK("x")-会议过多']


# ---------------------------------------------------------------- files


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_csv_in_the_encodings_chinese_excel_writes(encoding, tmp_path, context):
    delimiter = "\t" if encoding == "utf-16" else ","  # Excel's "Unicode text" is tab-separated UTF-16
    path = write_csv(tmp_path / "m.csv", [HEADERS["meetings"], meeting(day="2021/1/5")], encoding, delimiter)
    assert records(read(path, context).frame) == [expected_meeting()]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_a_utf16_csv_without_its_bom_is_told_how_to_save_it(encoding, tmp_path):
    """Without its BOM a UTF-16 table was refused as 不是电子表格文件; it is a text table in an encoding not read,
    and the refusal says how to save it."""
    path = write_csv(tmp_path / "会议.csv", [HEADERS["meetings"], meeting(day="2021/1/5")], encoding, "\t")
    with pytest.raises(ingest.ValidationError) as refused:
        ingest.load_sheets(path)
    assert refused.value.render("zh-CN") == "会议.csv：CSV 文件的编码无法识别，请另存为 UTF-8 或 GB18030（GBK）编码"
    assert refused.value.render("en") == (
        "会议.csv: the CSV file's text encoding is not recognised; save it as UTF-8 or GB18030 (GBK)"
    )


def test_an_upload_given_as_bytes_reads_like_a_file(tmp_path, context):
    path = write_xlsx(tmp_path / "m.xlsx", {"会议": [HEADERS["meetings"], meeting()]})
    upload = ingest.Upload("上传的会议台账.xlsx", path.read_bytes())
    assert records(ingest.read_source(upload, MEETINGS, context).frame) == [expected_meeting()]


def test_several_sheets_each_matched_to_its_table_by_header(tmp_path, data_folder):
    path = write_xlsx(
        tmp_path / "台账.xlsx",
        {
            "填表说明": [["填表说明"], ["1.日期请填写具体日期。"]],
            "建议": [HEADERS["suggestions"], suggestion(issue_id="WT2021-001")],  # links to the issue two sheets on
            "问题": [["2021年问题清单"], HEADERS["issues"], issue()],
        },
    )
    assert ingest.detect_table(path) is ISSUES  # the first in load order
    assert ingest.match_sheets(ingest.load_sheets(path)) == {"suggestions": ["建议"], "issues": ["问题"]}
    plan = import_plan.plan_import(path, mode="append", folder=data_folder)
    assert plan.problems == []
    assert {name: change.added for name, change in plan.changes.items()} == {
        "issues": ("WT2021-001",),
        "suggestions": ("JY2021-001",),
    }


def test_one_table_kept_over_several_sheets_is_read_whole(tmp_path, context):
    path = write_xlsx(
        tmp_path / "m.xlsx",
        {
            "一季度": [HEADERS["meetings"], meeting("HY2021-0001")],
            "二季度": [["二季度会议"], HEADERS["meetings"], meeting("HY2021-0002")],
        },
    )
    result = read(path, context)
    assert list(result.frame["meeting_id"]) == ["HY2021-0001", "HY2021-0002"]
    assert result.origins == [("一季度", 2), ("二季度", 3)]


def test_units_and_issue_ids_may_come_from_the_same_batch(tmp_path, data_folder):
    units_rows = [["audit", "省审计厅", "Provincial Audit Office", "审计厅", "党组"]]  # appended to the nine
    files = [
        write_xlsx(tmp_path / "units.xlsx", {"监督单位": [HEADERS["units"], *units_rows]}),
        write_xlsx(tmp_path / "issues.xlsx", {"问题": [HEADERS["issues"], issue(unit="审计厅")]}),
        write_csv(
            tmp_path / "suggestions.csv", [HEADERS["suggestions"], suggestion(unit="省审计厅", issue_id="WT2021-001")]
        ),
    ]
    plan = import_plan.plan_import(files, mode="append", folder=data_folder)
    assert [p.render("en") for p in plan.problems] == []
    assert plan.frames["issues"]["unit"].iloc[-1] == "audit"
    commit.apply_import(plan, user="test")
    assert checked_folder.read_folder(data_folder)["suggestions"]["unit"].iloc[-1] == "audit"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a note opening with a quote never closed: the rows after it were read into that one note, and the check
        # passed with them gone
        ('HD-1,gov_office,2020-01-02,定期会商,"开头引号\nHD-2,gov_office,2020-01-03,定期会商,x\n', "第2行有一个以引号"),
        ('HD-1,gov_office,2020-01-02,定期会商,"abc"d\n', "第2行：一个用引号"),
    ],
)
def test_a_csv_quote_left_open_is_refused_where_it_opens(tmp_path, text, expected):
    from oversight.ingest import import_plan

    path = tmp_path / "活动.csv"
    path.write_text("活动编号,单位,活动日期,活动类型,备注\n" + text, "utf-8")
    plan = import_plan.plan_import(path, "activities", "append", store.SAMPLE_DATA_DIR)
    assert not plan.ok and [problem.render("zh") for problem in plan.problems] == [
        next(problem.render("zh") for problem in plan.problems if expected in problem.render("zh"))
    ]


# a note written on two lines (Alt+Enter in Excel, saved as CSV): one record, one row in Excel, two lines of text
_TWO_LINE_NOTE = 'HD-1,gov_office,2020-01-02,定期会商,"第一行\r\n第二行"\r\n'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            _TWO_LINE_NOTE
            + 'HD-2,gov_office,2020-01-03,定期会商,"开头引号\r\nHD-3,gov_office,2020-01-04,定期会商,x\r\n',
            "第3行有一个以引号",
        ),
        (_TWO_LINE_NOTE + 'HD-2,gov_office,2020-01-03,定期会商,"abc"d\r\n', "第3行：一个用引号"),
        (_TWO_LINE_NOTE + "HD-2,gov_office,2020-01-03,定期会商," + "长" * 40_000 + "\r\n", "第3行附近有一个单元格超过"),
        (_TWO_LINE_NOTE + "HD-2,gov_office,2020-01-03,定期会商,x" + ",y" * 1_000 + "\r\n", "第3行有1005列"),
    ],
    ids=["quote left open", "text after a closing quote", "a cell too long", "too many columns"],
)
def test_a_csv_refusal_names_the_row_excel_shows_after_a_note_on_two_lines(tmp_path, text, expected):
    """A CSV refused as it was read named the line of the text, not the row: after a record whose note holds a line
    break (one row in Excel, two lines in the file) each such refusal pointed one row too far, at the record after the
    one to mend (第4行 for the third record), while every other problem of the same file names the row Excel shows."""
    from oversight.ingest import import_plan

    path = tmp_path / "活动.csv"
    path.write_bytes(("活动编号,单位,活动日期,活动类型,备注\r\n" + text).encode("gb18030"))
    plan = import_plan.plan_import(path, "activities", "append", store.SAMPLE_DATA_DIR)
    said = [problem.render("zh") for problem in plan.problems]
    assert not plan.ok and len(said) == 1 and expected in said[0], said


def test_skipped_rows_are_listed_by_sheet_in_the_readers_punctuation():
    """Three rows of one sheet: the sheet named once, the rows joined by 、 in Chinese (was ", " and the sheet thrice)."""
    from types import SimpleNamespace

    from oversight.ingest import import_report

    change = SimpleNamespace(table="meetings", skipped=[("2021年会议台账", 67), ("2021年会议台账", 68), ("其他", 3)])
    plan = SimpleNamespace(changes={"meetings": change})
    (zh,) = import_report.skipped_lines(plan, "zh")
    assert zh.endswith("：工作表“2021年会议台账” 第67行、第68行、工作表“其他” 第3行"), zh
    (en,) = import_report.skipped_lines(plan, "en")
    assert ", " in en and "、" not in en and en.count("2021年会议台账") == 1, en


def _clerks_legacy_workbook() -> bytes:
    """A ledger as a clerk keeps it in WPS or an old Excel, in the .xls binary: a title merged over the columns, the
    unit merged down its block and into the block's 小计, a time after a date, a serial with its time, a count stored
    as text, Y/N and ✓, a hidden row, a 合计 at the bottom and a sheet of notes."""
    import struct

    from tests import legacy_xls

    header = ["单位", *(h for h in HEADERS["meetings"] if h != "单位")]
    rows = [
        ["派驻纪检组会议台账"],
        header,
        ["省政府研究室", "HY2021-0001", "2021年3月5日 14:30", "办公会议", 90, 3, "是", "否", "否"],
        [None, "HY2021-0002", 44261.5, "办公会议", "45", 3, "Y", "N", "✓"],
        [None, "小计", None, None, 135, 6],
        ["省政府参事室\u3000", "HY2021-0003", "2021.3.8", "办公会议", 30, 3, "√", "×", "否"],
        ["合计", None, None, None, 165, 9],
    ]
    merges = legacy_xls._record(0x00E5, struct.pack("<H8H", 2, 0, 0, 0, 9, 2, 4, 0, 0))  # A1:J1, A3:A5
    plain_sheet = legacy_xls._sheet

    def with_merges(sheet_rows, *args, **kwargs):
        body = plain_sheet(sheet_rows, *args, **kwargs)
        return body[:-4] + merges + body[-4:] if sheet_rows is rows else body  # before the sheet's EOF record

    legacy_xls._sheet = with_merges
    try:
        return legacy_xls.xls_bytes(
            {"会议台账": rows, "填表说明": [["填表说明"], ["日期填写如2021年3月5日"]]}, hidden_rows={"会议台账": (4,)}
        )
    finally:
        legacy_xls._sheet = plain_sheet


@pytest.mark.parametrize("name", ["会议台账.xls", "会议台账.et"])
def test_a_clerks_legacy_or_wps_ledger_is_imported_as_the_clerk_meant_it(tmp_path, data_folder, name):
    # .et is WPS 表格's name for the same binary: the CLI read it, the upload box refused it (its list had no .et)
    assert Path(name).suffix in ingest.ACCEPTED_SUFFIXES
    path = tmp_path / name
    path.write_bytes(_clerks_legacy_workbook())
    plan = import_plan.plan_import(path, mode="append", folder=data_folder)
    assert [p.render("en") for p in plan.problems] == []
    assert plan.changes["meetings"].skipped == (("会议台账", 5), ("会议台账", 7))
    before = oracle.read_ledgers(data_folder).meetings
    commit.apply_import(plan, user="test")
    after = oracle.read_ledgers(data_folder).meetings
    added = after[~after["meeting_id"].isin(before["meeting_id"])].set_index("meeting_id")
    assert added["unit"].to_dict() == {
        "HY2021-0001": "research",
        "HY2021-0002": "research",
        "HY2021-0003": "counsellors",
    }
    assert added["date"].to_dict() == {
        "HY2021-0001": date(2021, 3, 5),
        "HY2021-0002": date(2021, 3, 6),
        "HY2021-0003": date(2021, 3, 8),
    }
    assert (added["minutes"].sum(), int(added["merged"].sum()), int(added["prereviewed"].sum())) == (165, 1, 3)
