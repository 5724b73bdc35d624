"""Every bad file of the corpus is refused with its exact problems, and the data folder is left byte for byte."""

from __future__ import annotations

import pytest

from oversight.ingest import ValidationError, commit, import_plan
from tests.bad_files import CORPUS, hash_tree, seeded_data_copy


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    return seeded_data_copy(tmp_path_factory.mktemp("seed") / "data")


@pytest.fixture
def data_folder(seeded, tmp_path):
    import shutil

    return shutil.copytree(seeded, tmp_path / "data")


def test_the_corpus_is_large_enough_and_names_are_unique():
    assert len(CORPUS) >= 30
    assert len({case.name for case in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize("case", CORPUS, ids=lambda case: case.name)
def test_bad_file_is_refused_with_exact_problems_and_nothing_changes(case, data_folder, tmp_path, monkeypatch):
    for name, value in case.env.items():
        monkeypatch.setenv(name, value)
    paths = case.build(tmp_path / "incoming")
    before = hash_tree(data_folder)
    assert any(name.startswith(".history/") for name in before)

    with pytest.raises(ValidationError) as raised:
        commit.import_files(paths, table=case.table, mode=case.mode, folder=data_folder, user="test")

    problems = raised.value.problems
    assert sorted(((p.message_key, p.row, p.column_letter) for p in problems), key=repr) == case.expected_problems()
    for problem in problems:
        if problem.column_letter:
            assert problem.column and problem.field  # the header as written, and the contract's name
        if problem.message_key != "error.folder_would_break":
            assert problem.file  # every problem names its file
    for lang in ("zh", "en"):
        report = raised.value.render(lang)
        assert report and "{" not in report  # every placeholder filled
    if case.name != "units_replacement_drops_a_unit_in_use":
        assert {p.file for p in problems} <= {p.name for p in paths}
    assert hash_tree(data_folder) == before


def test_problems_read_in_both_languages_name_file_sheet_row_and_column(data_folder, tmp_path):
    case = next(c for c in CORPUS if c.name == "negative_duration")
    paths = case.build(tmp_path / "incoming")
    plan = import_plan.plan_import(paths, table="meetings", folder=data_folder)
    [problem] = plan.problems
    assert problem.render("zh") == (
        "meetings.xlsx · 工作表“会议” · 第2行 · E列“时长(分钟)”：-30不能为负数，应为0或正整数"
    )
    assert problem.render("en") == (
        "meetings.xlsx · sheet “会议” · row 2 · column E “时长(分钟)”: "
        "-30 cannot be negative; expected 0 or a positive whole number"
    )


def test_a_formula_whose_result_is_an_empty_string_is_a_value():
    """Excel saves =IF(…,"",…) giving "" as t="str" with an empty value: read as an empty cell, never refused as a
    formula without its value (what a file written by a program, never calculated, is)."""
    from oversight.ingest import sheet_bounds

    computed = b'<worksheet><sheetData><row r="1"><c r="A1" t="str"><f>IF(B1="","",B1)</f><v></v></c></row></sheetData></worksheet>'
    sheet_bounds._check_extent("问题", computed, sheet_bounds.MAX_SHEET_CELLS)  # no refusal
    uncomputed = b'<worksheet><sheetData><row r="1"><c r="A1"><f>1+1</f><v></v></c></row></sheetData></worksheet>'
    with pytest.raises(sheet_bounds.FormulaWithoutValue):
        sheet_bounds._check_extent("问题", uncomputed, sheet_bounds.MAX_SHEET_CELLS)


def test_one_import_takes_a_bounded_batch_of_files(data_folder, monkeypatch):
    """Every file of an import is held while the batch is checked: too many files, or too many megabytes in all,
    are refused before any is read, saying how to go on."""
    from oversight.ingest import Upload, files

    before = hash_tree(data_folder)
    many = [Upload(f"会议{n}.csv", "会议编号\n".encode()) for n in range(files.MAX_FILES_PER_IMPORT + 1)]
    plan = import_plan.plan_import(many, "meetings", "append", data_folder)
    assert [p.render("en") for p in plan.problems] == [
        "13 files in one import, more than the limit of 12; import them in batches"
    ]
    assert plan.problems[0].render("zh") == "一次导入了13个文件，超过每次12个的上限；请分批导入"

    monkeypatch.setenv("OVERSIGHT_MAX_UPLOAD_MB", "1")
    heavy = [Upload(f"会议{n}.csv", b"x" * 800_000) for n in range(3)]  # each under 1 MB, 2.3 MB together
    plan = import_plan.plan_import(heavy, "meetings", "append", data_folder)
    assert [p.render("en") for p in plan.problems] == [
        "these files come to 2.3 MB together, over the 2.0 MB limit for one import; import them in batches"
    ]
    assert not plan.changes and hash_tree(data_folder) == before


@pytest.mark.parametrize("given", ["abc", "-1", "0", "1e999", "nan", "inf"])
def test_a_megabyte_setting_that_is_no_size_keeps_the_default_and_says_so(monkeypatch, caplog, given):
    """1e999 ended every import in OverflowError; -1 refused every file as "over -1.0 MB"; abc was ignored unsaid."""
    from oversight.ingest import files

    monkeypatch.setenv("OVERSIGHT_MAX_UPLOAD_MB", given)
    monkeypatch.setenv("OVERSIGHT_MAX_INFLATED_MB", given)
    with caplog.at_level("WARNING"):
        assert files.max_upload_bytes() == files.DEFAULT_MAX_UPLOAD_MB * 1024 * 1024
        assert files.max_inflated_bytes() == files.DEFAULT_MAX_INFLATED_MB * 1024 * 1024
    assert f"OVERSIGHT_MAX_UPLOAD_MB={given!r}" in caplog.text and f"OVERSIGHT_MAX_INFLATED_MB={given!r}" in caplog.text
    monkeypatch.setenv("OVERSIGHT_MAX_UPLOAD_MB", "0.5")
    assert files.max_upload_bytes() == 512 * 1024


def test_a_date_cell_holding_a_time_of_day_alone_says_so(tmp_path, data_folder):
    """A date-formatted cell with -5 in it reads as 00:00 alone: the error quoted "00:00:00" as the value typed."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "问题"
    sheet.append(
        ["问题编号", "单位", "发现日期", "问题来源", "问题类别", "问题描述", "整改状态", "整改期限", "整改完成日期"]
    )
    sheet.append(["WT2021-001", "省政府研究室", -5, "定期会商", "作风建设", "会议过多", "整改中", None, None])
    sheet["C2"].number_format = "yyyy-mm-dd"
    book.save(tmp_path / "问题.xlsx")
    with pytest.raises(ValidationError) as refused:
        commit.import_files([tmp_path / "问题.xlsx"], table="issues", mode="append", folder=data_folder, user="test")
    assert (
        refused.value.render("en")
        .splitlines()[-1]
        .endswith(
            "column C “发现日期”: is not a date: the cell holds only a time of day, 00:00 (what a date-formatted cell shows "
            "for 0 or a negative number); expected a date such as 2020-03-05"
        )
    )


def _issues_with_formulas(path, due_formula: str, due_value: object, unit_value: object = None):
    """An issues ledger whose 整改期限 (and, given ``unit_value``, 单位) is a formula with the value a calculating
    program saved: an error value is written ``<c t="e"><f>…</f><v>#N/A</v></c>``, as Excel writes it."""
    import xlsxwriter

    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("问题")
    sheet.write_row(
        0,
        0,
        ["问题编号", "单位", "发现日期", "问题来源", "问题类别", "问题描述", "整改状态", "整改期限", "整改完成日期"],
    )
    sheet.write_row(1, 0, ["WT2021-901", "省政府研究室", "2021-03-05", "定期会商", "作风建设", "会议过多", "整改中"])
    if unit_value is not None:
        sheet.write_formula(1, 1, "=VLOOKUP(A2,单位!A:B,2,0)", None, unit_value)
    sheet.write_formula(1, 7, due_formula, None, due_value)
    book.close()
    return _as_excel_saves_it(path)


def _as_excel_saves_it(path):
    """The workbook with its results taken as computed: xlsxwriter marks every workbook fullCalcOnLoad="1"
    (recalculate on opening), which Excel and WPS drop when they save it."""
    from tests.bad_files import with_parts_edited

    def without_the_mark(parts):
        assert b' fullCalcOnLoad="1"' in parts["xl/workbook.xml"]
        parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b' fullCalcOnLoad="1"', b"")

    path.write_bytes(with_parts_edited(path.read_bytes(), without_the_mark))
    return path


@pytest.mark.parametrize("shown", ["#N/A", "#REF!", "#VALUE!", "#DIV/0!"])
def test_a_cell_showing_an_error_value_is_refused_with_the_value(tmp_path, data_folder, shown):
    """calamine reads #N/A as "": an optional 整改期限 was lost without a word (the issue could never be overdue)."""
    path = _issues_with_formulas(tmp_path / "问题.xlsx", "=VLOOKUP(A2,期限!A:B,2,0)", shown)
    plan = import_plan.plan_import([path], "issues", "append", data_folder)
    assert [p.render("zh") for p in plan.problems] == [
        f"问题.xlsx · 工作表“问题” · 第2行 · H列“整改期限”：单元格显示错误值 {shown}（公式出错），请修正公式或填入实际值"
    ]
    assert (
        plan.problems[0]
        .render("en")
        .endswith(
            f"column H “整改期限”: the cell shows the error value {shown} (a formula that failed); correct the formula or "
            "type the value"
        )
    )


def test_a_required_cell_showing_an_error_value_is_not_called_empty(tmp_path, data_folder):
    path = _issues_with_formulas(tmp_path / "问题.xlsx", "=C2+30", 44290, unit_value="#N/A")
    plan = import_plan.plan_import([path], "issues", "append", data_folder)
    assert [p.render("zh") for p in plan.problems] == [
        "问题.xlsx · 工作表“问题” · 第2行 · B列“单位”：单元格显示错误值 #N/A（公式出错），请修正公式或填入实际值"
    ]


def test_error_cells_are_found_in_any_spelling_of_the_sheet():
    """Cells without references, single quotes and a prefix: each error cell at its place (0-based), nothing else."""
    from oversight.ingest import xlsx_cells

    xml = (
        b"<x:worksheet xmlns:x='urn:x'><x:sheetData><x:row><x:c t='n'><x:v>1</x:v></x:c>"
        b"<x:c t = 'e'><x:f>1/0</x:f><x:v>#DIV/0!</x:v></x:c></x:row>"
        b'<x:row r="4"><x:c r="C4" t="e"><x:v>#NAME?</x:v></x:c><x:c t="str"><x:v>e</x:v></x:c></x:row>'
        b"</x:sheetData></x:worksheet>"
    )
    assert xlsx_cells.error_cells(xml) == {(0, 1): "#DIV/0!", (3, 2): "#NAME?"}
    assert (
        xlsx_cells.error_cells(
            b'<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>'
        )
        == {}
    )


def _meetings_with_duration_formula(path, recalculate_on_load: bool):
    """A meetings ledger as a reporting program writes it (xlsxwriter): 时长(分钟) = E2*60 with a placeholder 0
    saved as its result, in a workbook marked fullCalcOnLoad="1"; without the mark, the result is Excel's own 90."""
    import xlsxwriter

    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("会议")
    headers = ["会议编号", "单位", "会议日期", "会议类型", "时长(小时)", "时长(分钟)", "议题数", "议题提前报送审核"]
    sheet.write_row(0, 0, [*headers, "纪检监察组列席", "合并召开"])
    sheet.write_row(1, 0, ["HY2021-901", "省政府研究室", "2021-03-05", "办公会议", 1.5])
    sheet.write_formula(1, 5, "=E2*60", None, 0 if recalculate_on_load else 90)
    sheet.write_row(1, 6, [3, "是", "否", "否"])
    book.close()
    return path if recalculate_on_load else _as_excel_saves_it(path)


def test_a_formula_result_in_a_workbook_marked_recalculate_on_load_is_not_trusted(tmp_path, data_folder):
    """xlsxwriter saves 0 as the result of =E2*60 and marks the workbook to be recalculated: 0 minutes were read."""
    path = _meetings_with_duration_formula(tmp_path / "会议.xlsx", recalculate_on_load=True)
    plan = import_plan.plan_import([path], "meetings", "append", data_folder)
    assert [p.render("zh") for p in plan.problems] == [
        "会议.xlsx · 工作表“会议” · 第2行：工作表“会议”的 F2 单元格是公式（本表仅此一个公式单元格），但文件注明“打开时重新计算”，"
        "其中保存的结果并未算过（常见于程序生成的表格，结果常为0）：请用 Excel 或 WPS 打开并保存后再导入，或把该公式改填为数值"
    ]
    assert "Open and save the file in Excel or WPS" in plan.problems[0].render("en")


def test_a_formula_result_saved_by_a_program_that_calculates_is_read(tmp_path, data_folder):
    path = _meetings_with_duration_formula(tmp_path / "会议.xlsx", recalculate_on_load=False)
    plan = import_plan.plan_import([path], "meetings", "append", data_folder)
    assert not plan.problems
    assert plan.frames["meetings"].set_index("meeting_id").loc["HY2021-901", "duration_min"] == 90


@pytest.mark.parametrize("writer", ["openpyxl", "xlsxwriter"])
def test_a_workbook_marked_recalculate_on_load_without_formulas_imports(tmp_path, data_folder, writer):
    """openpyxl and xlsxwriter mark every workbook fullCalcOnLoad="1", the data folder's own ledgers and the
    templates included: without a formula there is nothing stale."""
    import zipfile

    from oversight.ingest import workbook
    from tests.bad_files import HEADERS, meeting, write_xlsx

    row = meeting("HY2021-901")
    if writer == "openpyxl":
        path = write_xlsx(tmp_path / "会议.xlsx", {"会议": [HEADERS["meetings"], row]})
    else:
        frame = import_plan.pd.DataFrame([row], columns=[c.name for c in import_plan.TABLES["meetings"].columns])
        frame["kind"] = "office"
        frame[["agenda_prereviewed", "attended_by_team", "merged"]] = [True, False, False]
        path = tmp_path / "会议.xlsx"
        path.write_bytes(workbook.ledger_xlsx_bytes(import_plan.TABLES["meetings"], frame))
    assert b'fullCalcOnLoad="1"' in zipfile.ZipFile(path).read("xl/workbook.xml")
    plan = import_plan.plan_import([path], "meetings", "append", data_folder)
    assert not plan.problems and plan.changes["meetings"].added == ("HY2021-901",)


def test_the_first_formula_cell_is_found_in_any_spelling():
    from oversight.ingest import sheet_bounds

    assert sheet_bounds.first_formula_cell(b'<c r="A1"><v>1</v></c><c r="F2" s="1"><f>E2*60</f><v>0</v></c>') == "F2"
    assert sheet_bounds.first_formula_cell(b"<x:c s='1' r='$G$3' ><x:f t='shared' si='0'/><x:v>0</x:v></x:c>") == "G3"
    assert sheet_bounds.first_formula_cell(b"<c><f>1+1</f><v>2</v></c>") == "?"
    assert sheet_bounds.first_formula_cell(b'<c r="A1" t="s"><v>0</v></c><cols/><font/>') is None


def test_a_duration_off_a_whole_number_by_float_noise_is_that_number(tmp_path, data_folder):
    """=(结束-开始)*1440 saves 194.99999999999994 for 8:30→11:45, which Excel shows as 195: it was refused, quoted
    with digits the clerk could not find in the cell."""
    from tests.bad_files import HEADERS, meeting, write_xlsx

    rows = [
        meeting("HY2021-901", duration=(11.75 / 24 - 8.5 / 24) * 1440),
        meeting("HY2021-902", duration=70.00000000000007),
    ]
    assert rows[0][4] == 194.99999999999994
    path = write_xlsx(tmp_path / "会议.xlsx", {"会议": [HEADERS["meetings"], *rows]})
    plan = import_plan.plan_import([path], "meetings", "append", data_folder)
    assert not plan.problems
    durations = plan.frames["meetings"].set_index("meeting_id")["duration_min"]
    assert (durations["HY2021-901"], durations["HY2021-902"]) == (195, 70)


@pytest.mark.parametrize("typed", [90.5, 90.50000000000001])
def test_a_real_fraction_of_a_minute_is_refused_as_excel_shows_it(tmp_path, data_folder, typed):
    from tests.bad_files import HEADERS, meeting, write_xlsx

    path = write_xlsx(tmp_path / "会议.xlsx", {"会议": [HEADERS["meetings"], meeting("HY2021-901", duration=typed)]})
    plan = import_plan.plan_import([path], "meetings", "append", data_folder)
    assert [p.render("zh") for p in plan.problems] == [
        "会议.xlsx · 工作表“会议” · 第2行 · E列“时长(分钟)”：“90.5”应为整数"
    ]


def test_a_record_dated_after_today_is_refused_but_a_deadline_may_lie_ahead(tmp_path, data_folder, monkeypatch):
    """One reminder typed 2030 for 2020 passed, and the whole dashboard moved to 2030: every figure 0, every unit
    "not consulted". Today is the team's day (config.team_now, Beijing time)."""
    from datetime import date, datetime

    from oversight import config
    from tests.bad_files import HEADERS, issue, write_xlsx

    monkeypatch.setattr(config, "team_now", lambda: datetime(2021, 3, 10, 8, 30, tzinfo=config.TEAM_TIME_ZONE))
    rows = [
        issue("WT2021-901", raised=date(2021, 3, 10), due=date(2021, 6, 30)),  # raised today, due ahead: fine
        issue("WT2021-902", raised=date(2021, 3, 11), due=date(2021, 6, 30)),
        issue("WT2021-903", raised=date(2021, 3, 1), status="已整改", rectified=date(2021, 3, 12)),
        issue("WT2021-904", raised=date(2021, 3, 1), status="整改中", rectified=date(2021, 4, 1)),  # planned: fine
    ]
    path = write_xlsx(tmp_path / "问题.xlsx", {"问题": [HEADERS["issues"], *rows]})
    plan = import_plan.plan_import([path], "issues", "append", data_folder)
    assert [p.render("zh") for p in plan.problems] == [
        "问题.xlsx · 工作表“问题” · 第3行 · C列“发现日期”：日期2021-03-11晚于今天（2021-03-10）：记录的是已发生的事，"
        "日期不应在将来；导入后看板的数据日期将变为这一天，默认期间和各项数据随之移到那时。请检查年份是否填错",
        "问题.xlsx · 工作表“问题” · 第4行 · I列“整改完成日期”：日期2021-03-12晚于今天（2021-03-10）：记录的是已发生的事，"
        "日期不应在将来；导入后看板的数据日期将变为这一天，默认期间和各项数据随之移到那时。请检查年份是否填错",
    ]
    assert (
        plan.problems[0]
        .render("en")
        .endswith(
            "column C “发现日期”: the date 2021-03-11 is after today (2021-03-10): a record is of something that has "
            "happened; imported, it would move the dashboard's data date to that day, and its default period and every "
            "figure with it. Check the year for a typing error"
        )
    )


@pytest.mark.parametrize(
    ("table", "column"),
    [("meetings", "C"), ("suggestions", "C"), ("reminders", "C"), ("activities", "C")],
)
def test_every_record_date_is_checked_against_today(tmp_path, data_folder, monkeypatch, table, column):
    from datetime import date, datetime

    from oversight import config
    from tests.bad_files import HEADERS, meeting, suggestion, write_xlsx

    monkeypatch.setattr(config, "team_now", lambda: datetime(2021, 3, 10, 8, 30, tzinfo=config.TEAM_TIME_ZONE))
    tomorrow = date(2021, 3, 11)
    row = {
        "meetings": meeting("HY2021-901", day=tomorrow),
        "suggestions": suggestion("JY2021-901", made=tomorrow, issue_id=None),
        "reminders": ["TX2021-901", "省政府研究室", tomorrow, "书面提醒", "提醒事项"],
        "activities": ["HD2021-901", "省政府研究室", tomorrow, "定期会商", None],
    }[table]
    path = write_xlsx(tmp_path / f"{table}.xlsx", {"表": [HEADERS[table], row]})
    plan = import_plan.plan_import([path], table, "append", data_folder)
    assert [(p.message_key, p.row, p.column_letter, p.params) for p in plan.problems] == [
        ("error.date_after_today", 2, column, {"value": "2021-03-11", "today": "2021-03-10"})
    ]


def test_problems_are_listed_sheet_by_sheet_row_by_row(tmp_path, data_folder, monkeypatch):
    """A date after today was listed after every other problem of the file, whatever its row; the checks' own order
    is column by column. A reader fixing the file goes row by row."""
    from datetime import date, datetime

    from oversight import config
    from tests.bad_files import HEADERS, meeting, write_xlsx

    monkeypatch.setattr(config, "team_now", lambda: datetime(2021, 3, 10, 8, 30, tzinfo=config.TEAM_TIME_ZONE))
    late, unknown, late_again = (
        meeting("HY2021-901", day=date(2021, 3, 11)),
        meeting("HY2021-902", day=date(2021, 3, 1)),
        meeting("HY2021-903", day=date(2021, 3, 12)),
    )
    unknown[1] = "不存在的单位"
    second = meeting("HY2021-904", day=date(2021, 3, 1))
    second[1] = "又一个不存在的单位"
    sheets = {"一月": [HEADERS["meetings"], late, unknown, late_again], "二月": [HEADERS["meetings"], second]}
    path = write_xlsx(tmp_path / "meetings.xlsx", sheets)
    plan = import_plan.plan_import([path], "meetings", "append", data_folder)
    assert [(p.sheet, p.row, p.column_letter, p.message_key) for p in plan.problems] == [
        ("一月", 2, "C", "error.date_after_today"),
        ("一月", 3, "B", "error.unit_unknown"),
        ("一月", 4, "C", "error.date_after_today"),
        ("二月", 2, "B", "error.unit_unknown"),
    ]


def test_a_legacy_xls_cell_showing_an_error_value_is_refused_with_the_value(data_folder):
    """The same in an .xls: calamine reads a BOOLERR error, or a formula whose saved result is one, as ""."""
    from oversight.ingest import Upload
    from tests.bad_files import HEADERS, issue
    from tests.legacy_xls import FormulaError, ShownError, xls_bytes

    row = issue("WT2021-901", raised="2021-03-05", due=ShownError(0x2A))
    row[1] = FormulaError(0x17)
    upload = Upload("问题.xls", xls_bytes({"问题": [HEADERS["issues"], row]}))
    plan = import_plan.plan_import([upload], "issues", "append", data_folder)
    assert [p.render("zh") for p in plan.problems] == [
        "问题.xls · 工作表“问题” · 第2行 · B列“单位”：单元格显示错误值 #REF!（公式出错），请修正公式或填入实际值",
        "问题.xls · 工作表“问题” · 第2行 · H列“整改期限”：单元格显示错误值 #N/A（公式出错），请修正公式或填入实际值",
    ]


def test_a_formula_refusal_says_how_many_formula_cells_the_sheet_holds(tmp_path, data_folder):
    """Two computed durations: the clerk who types a value into the first one named was refused again at the next."""
    import xlsxwriter

    path = tmp_path / "会议.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("会议")
    headers = ["会议编号", "单位", "会议日期", "会议类型", "时长(小时)", "时长(分钟)", "议题数", "议题提前报送审核"]
    sheet.write_row(0, 0, [*headers, "纪检监察组列席", "合并召开"])
    for row, meeting_id in ((1, "HY2021-901"), (2, "HY2021-902")):
        sheet.write_row(row, 0, [meeting_id, "省政府研究室", "2021-03-05", "办公会议", 1.5])
        sheet.write_formula(row, 5, f"=E{row + 1}*60", None, 0)
        sheet.write_row(row, 6, [3, "是", "否", "否"])
    book.close()
    plan = import_plan.plan_import([path], "meetings", "append", data_folder)
    (problem,) = plan.problems
    assert (problem.sheet, problem.row) == ("会议", 2)
    assert "本表共有2个公式单元格" in problem.render("zh") and "把这些公式都改填为数值" in problem.render("zh")
    assert "2 formula cells in the sheet" in problem.render("en")


def test_a_sheet_with_one_formula_cell_is_not_told_of_1_formula_cells(tmp_path, data_folder):
    """One computed duration, and one formula saved without its value: the sentence said "(1 formula cells in the
    sheet)" and "(1 such cells in the sheet", and asked for "the values in place of all of them"."""
    path = _meetings_with_duration_formula(tmp_path / "会议.xlsx", recalculate_on_load=True)
    (recalculate,) = import_plan.plan_import([path], "meetings", "append", data_folder).problems
    (no_value,) = _corpus_plan("formula_without_value_required", data_folder, tmp_path).problems
    assert recalculate.message_key == "error.formula_not_recalculated"
    assert no_value.message_key == "error.formula_without_value"
    for problem in (recalculate, no_value):
        english, chinese = problem.render("en"), problem.render("zh")
        assert "1 formula cells" not in english and "1 such cells" not in english and "all of them" not in english
        assert "the only" in english and "type the value in its place" in english
        assert "共有1个" not in chinese and "本表仅此一个" in chinese and "把该公式改填为数值" in chinese


def _corpus_plan(name, data_folder, tmp_path):
    case = next(c for c in CORPUS if c.name == name)
    return import_plan.plan_import(case.build(tmp_path / "incoming"), case.table, case.mode, data_folder)


def test_a_file_with_more_problems_than_a_report_lists_says_so_in_both_languages(data_folder, tmp_path):
    """1,100 bad rows: the first 1,000 problems, then a line saying the file was checked no further; the sentence
    over them says there are more. A sheet of 220,000 such rows kept 1,759,999 problems (1.7 GB, 48 s)."""
    from oversight.ingest import import_report
    from oversight.ingest.problems import MAX_PROBLEMS_PER_FILE

    plan = _corpus_plan("more_problems_than_a_report_lists", data_folder, tmp_path)
    assert MAX_PROBLEMS_PER_FILE == 1_000
    assert plan.problem_count == 1_000 and plan.checking_stopped
    assert len(plan.problems) == 1_001
    assert plan.problems[-1].render("zh") == (
        "issues.xlsx：此文件的问题超过1,000个：只列出了前1,000个，文件其余部分未再检查。"
        "问题这么多，常见原因是选错了数据表或整列错位；请先改正以上问题后再检查"
    )
    assert plan.problems[-1].render("en") == (
        "issues.xlsx: this file has more than 1,000 problems: only the first 1,000 are listed, and the rest of the file "
        "was not checked. So many usually means the wrong table was chosen or the columns are shifted; fix the "
        "problems above and check again"
    )
    assert import_report.failed_line(plan, "zh") == (
        "发现超过1,000个问题（问题过多，检查已停止，没有全部列出），未导入任何数据："
    )
    assert import_report.failed_line(plan, "en") == (
        "More than 1,000 problems found (too many: the checking stopped, and not all are listed); nothing was imported:"
    )
    report = import_report.render_plan(plan, "zh").splitlines()
    assert report[0] == import_report.failed_line(plan, "zh") and len(report) == 1 + 1_001
    assert report[-1] == "  - " + plan.problems[-1].render("zh")
    assert plan.as_dict("en")["checking_stopped"] is True


def test_a_file_with_as_many_problems_as_a_report_lists_is_checked_to_its_end(data_folder, tmp_path):
    from oversight.ingest import import_report
    from tests.bad_files import HEADERS, issue, write_xlsx

    rows = [issue(f"WT2021-{i:04d}", unit="a") for i in range(1, 1001)]
    path = write_xlsx(tmp_path / "issues.xlsx", {"问题": [HEADERS["issues"], *rows]})
    plan = import_plan.plan_import([path], "issues", "append", data_folder)
    assert plan.problem_count == len(plan.problems) == 1_000 and not plan.checking_stopped
    assert import_report.failed_line(plan, "en") == "1,000 problems found; nothing was imported:"


def test_the_problem_bound_is_the_files_not_each_tables(tmp_path, data_folder):
    """One workbook holding two tables, each with 600 bad rows: 1,000 problems for the file, then the line."""
    from tests.bad_files import HEADERS, issue, meeting, write_xlsx

    path = write_xlsx(
        tmp_path / "both.xlsx",
        {
            "会议": [HEADERS["meetings"], *[meeting(f"HY2021-{i:04d}", unit="a") for i in range(1, 601)]],
            "问题": [HEADERS["issues"], *[issue(f"WT2021-{i:04d}", unit="a") for i in range(1, 601)]],
        },
    )
    plan = import_plan.plan_import([path], None, "append", data_folder)
    assert plan.problem_count == 1_000
    assert [p.message_key for p in plan.problems].count("error.checking_stopped") == 1


def test_a_csv_over_the_cell_bound_is_refused_in_both_languages(data_folder, tmp_path):
    plan = _corpus_plan("csv_over_the_cell_bound", data_folder, tmp_path)
    [problem] = plan.problems
    assert problem.render("zh") == (
        "issues.csv：CSV 文件读到第222223行（9列）已超过2,000,000个单元格的上限，无法读取；"
        "请确认选对了文件，或把它分成几个文件，分次以“追加”方式导入"
    )
    assert problem.render("en") == (
        "issues.csv: the CSV file passes the limit of 2,000,000 cells by row 222223 (9 columns) and cannot be read; "
        "check that it is the right file, or split it into several and import them one at a time in append mode"
    )


def test_a_csv_of_blank_lines_counts_each_as_a_cell():
    """Twenty megabytes of line breaks were twenty million empty rows, each a list."""
    from oversight.ingest import ValidationError as Refused
    from oversight.ingest.files import Upload, load_sheets

    with pytest.raises(Refused) as raised:
        load_sheets(Upload("blank.csv", b"\n" * 2_000_001))
    assert [p.message_key for p in raised.value.problems] == ["error.csv_too_large"]
    assert len(load_sheets(Upload("blank.csv", b"\n" * 2_000_000))[""]) == 2_000_000


def test_the_data_folders_own_csv_is_not_bound_by_the_import_limit(tmp_path):
    """The scale data set keeps a million meetings in CSV (too big for a sheet): the folder's own files are the
    importer's, read unchecked as a workbook's size is."""
    from oversight.ingest.files import load_sheets
    from tests.bad_files import write_bytes

    path = write_bytes(tmp_path / "big.csv", b"a,b,c,d,e,f,g,h,i\n" * 222_300)
    assert len(load_sheets(path, checked=False)[""]) == 222_300


@pytest.mark.parametrize(
    ("case", "zh", "en"),
    [
        (
            "header_repeats_a_column",
            "issues.xlsx · 工作表“问题” · 第1行 · J列“整改状态”：表头有两列都是“整改状态”（英文表头 status）："
            "G列“整改状态”和J列“整改状态”；无法判断该用哪一列，请删去或改名其中一列后再导入",
            "issues.xlsx · sheet “问题” · row 1 · column J “整改状态”: two columns of the header are “整改状态” (status): "
            "column G “整改状态” and column J “整改状态”; which one is meant cannot be told: delete or rename one of "
            "them and import again",
        ),
        (
            "header_repeats_a_column_by_its_english_alias",
            "issues.csv · 第1行 · C列“unit”：表头有两列都是“单位”（英文表头 unit）：B列“单位”和C列“unit”；"
            "无法判断该用哪一列，请删去或改名其中一列后再导入",
            "issues.csv · row 1 · column C “unit”: two columns of the header are “单位” (unit): column B “单位” and "
            "column C “unit”; which one is meant cannot be told: delete or rename one of them and import again",
        ),
    ],
)
def test_a_header_naming_a_column_twice_names_both_in_both_languages(case, zh, en, data_folder, tmp_path):
    plan = _corpus_plan(case, data_folder, tmp_path)
    [problem] = plan.problems
    assert (problem.render("zh"), problem.render("en")) == (zh, en)


def test_a_number_past_fifteen_digits_is_quoted_as_excel_shows_it(tmp_path, data_folder):
    """A duration of 1e308 was quoted as a number of 309 digits."""
    from tests.bad_files import HEADERS, meeting, write_xlsx

    path = write_xlsx(
        tmp_path / "meetings.xlsx", {"会议": [HEADERS["meetings"], meeting("HY2021-901", duration=1e308)]}
    )
    plan = import_plan.plan_import([path], "meetings", "append", data_folder)
    [problem] = plan.problems
    assert problem.message_key == "error.int_above_maximum"
    assert problem.params["value"] == "1E+308"
    assert "1E+308" in problem.render("zh") and "1E+308" in problem.render("en")
    assert len(problem.render("en")) < 200


def test_an_enumerations_choices_are_listed_in_the_readers_language(tmp_path):
    """The English report read "expected one of: 党组（党委）会议、办公会议、专题会议、其他" (joined with 、 when the
    problem was made); an English template's header comment too. In English each label now has the English one the
    importer also accepts beside it, comma-separated; Chinese is as it was."""
    import io

    import openpyxl

    from oversight.contract.schema import TABLES
    from oversight.ingest import templates
    from tests.bad_files import HEADERS, meeting, write_xlsx

    folder = seeded_data_copy(tmp_path / "data")
    path = write_xlsx(tmp_path / "kinds.xlsx", {"会议": [HEADERS["meetings"], meeting(kind="茶话会")]})
    plan = import_plan.plan_import(path, table="meetings", mode="append", folder=folder)
    (problem,) = plan.problems
    assert problem.message("zh") == "“茶话会”不是允许的值，应为：党组（党委）会议、办公会议、专题会议、其他"
    assert problem.message("en") == (
        "“茶话会” is not an allowed value; expected one of: 党组（党委）会议 (Party group meeting), "
        "办公会议 (Office meeting), 专题会议 (Topical meeting), 其他 (Other)"
    )
    assert problem.as_dict("en")["params"]["allowed"].startswith("党组（党委）会议 (Party group meeting), ")
    # a code without English words (党组, 党委) is listed as it is
    units = write_xlsx(
        tmp_path / "units.xlsx", {"监督单位": [HEADERS["units"], ["x_unit", "甲", "A", None, "党组（党委）", None]]}
    )
    (party,) = [p for p in import_plan.plan_import(units, table="units", mode="append", folder=folder).problems]
    assert party.message("en").endswith("expected one of: 党组, 党委")
    comments = {}
    for lang in ("zh", "en"):
        book = openpyxl.load_workbook(io.BytesIO(templates.template_xlsx_bytes(TABLES["meetings"], lang=lang)))
        comments[lang] = book.active["D1"].comment.text
    assert "从下拉列表选择：党组（党委）会议、办公会议、专题会议、其他" in comments["zh"]
    assert "Pick from the list: 党组（党委）会议 (Party group meeting), 办公会议 (Office meeting), " in comments["en"]


def test_a_meeting_kind_typed_with_ascii_brackets_is_still_the_party_groups(tmp_path):
    """The contract's label is written 党组（党委）会议 with full-width brackets, as Chinese text is (it read
    党组(党委)会议 on screen and in the briefing pack); a ledger kept with the old ASCII brackets, or typed so, still
    reads as the party group's meeting."""
    import openpyxl

    from oversight.contract.schema import MEETING_KINDS
    from tests.bad_files import HEADERS, meeting, write_xlsx

    assert MEETING_KINDS["party_group"] == "党组（党委）会议"
    folder = seeded_data_copy(tmp_path / "data")
    rows = [meeting("HY2021-0101", kind="党组(党委)会议"), meeting("HY2021-0102", kind="党组（党委）会议")]
    path = write_xlsx(tmp_path / "kinds.xlsx", {"会议": [HEADERS["meetings"], *rows]})
    plan = import_plan.plan_import(path, table="meetings", mode="append", folder=folder)
    assert plan.problems == []
    book = openpyxl.load_workbook(path, read_only=True)
    typed = [row[3] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert typed == ["党组(党委)会议", "党组（党委）会议"]  # as the clerk typed them
    assert plan.from_files["meetings"]["kind"].tolist() == ["party_group", "party_group"]


def test_text_under_a_workbooks_name_is_named_for_what_it_is(tmp_path):
    """A .csv renamed .xlsx, or a system's "导出Excel" that writes a web page as .xls, said only 不是电子表格文件:
    the clerk, whose Excel opens it, had nothing to act on."""
    from tests.bad_files import HEADERS, meeting, write_bytes, write_csv

    folder = seeded_data_copy(tmp_path / "data")
    renamed = write_csv(tmp_path / "会议.xlsx", [HEADERS["meetings"], meeting()])
    page = write_bytes(tmp_path / "导出.xls", b"\xef\xbb\xbf <HTML><TABLE><TR><TD>x</TD></TR></TABLE></HTML>")
    (text,) = import_plan.plan_import(renamed, table="meetings", folder=folder).problems
    (markup,) = import_plan.plan_import(page, table="meetings", folder=folder).problems
    assert text.render("zh") == (
        "会议.xlsx：文件名是 .xlsx，内容却是文本表格（如 CSV）：请把文件扩展名改为 .csv 后再导入，或用 Excel 打开后另存为"
        " Excel 工作簿（.xlsx）"
    )
    assert markup.render("en") == (
        "导出.xls: the file is named .xls but holds a web page (HTML) or XML table, not an Excel workbook: open it in "
        "Excel or WPS, save it as an Excel workbook (.xlsx) and import that"
    )
    renamed.rename(renamed.with_suffix(".csv"))  # the advice works: renamed, the same file is read
    assert import_plan.plan_import(renamed.with_suffix(".csv"), table="meetings", mode="append", folder=folder).ok


def test_the_file_excel_keeps_beside_an_open_ledger_says_which_file_to_close_and_upload(data_folder, tmp_path):
    [problem] = _corpus_plan("excel_owner_file", data_folder, tmp_path).problems
    assert problem.render("zh") == (
        "~$meetings.xlsx：这是 Excel 或 WPS 打开 meetings.xlsx 时留下的临时文件，不是台账本身：请在 Excel 或 WPS 中保存并关闭"
        " meetings.xlsx，再上传 meetings.xlsx"
    )
    assert problem.render("en") == (
        "~$meetings.xlsx: this is the temporary file Excel or WPS keeps while meetings.xlsx is open, not the ledger"
        " itself: save and close meetings.xlsx there, then upload meetings.xlsx"
    )
