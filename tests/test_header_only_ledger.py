"""A ledger with its header and no row: the dashboard still loads, its figures read none, a notice names the
file and sheet in the reader's language; the other tables' figures are as the spreadsheets give them; the import
path accepts such a file the same way and says what it does."""

from __future__ import annotations

import os
import shutil

import openpyxl
import pytest

from oversight.data import queries, store
from oversight.data.filters import Filter, Quarter
from oversight.ingest import ValidationError, checked_folder, import_plan, import_report
from oversight.ingest.problems import NO_RECORDS
from tests import oracle

LEDGERS = ("meetings", "issues", "suggestions", "reminders", "activities")
# issues alone cannot be emptied: the suggestions' 关联问题编号 then name issues that do not exist (refused as such)
CASES = [("meetings",), ("suggestions",), ("reminders",), ("activities",), ("issues", "suggestions")]


def header_only(folder, *names):
    """Keep each named ledger's header row and delete every row under it, as a clerk's new empty ledger."""
    for name in names:
        path = folder / f"{name}.xlsx"
        book = openpyxl.load_workbook(path)
        for sheet in book.worksheets:
            sheet.delete_rows(2, sheet.max_row)
        book.save(path)


@pytest.fixture
def folder(tmp_path):
    return shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data", ignore=shutil.ignore_patterns(".*"))


@pytest.mark.parametrize("emptied", CASES, ids="+".join)
def test_the_folder_loads_the_emptied_ledger_reads_none_and_the_others_as_the_spreadsheets(folder, emptied):
    header_only(folder, *emptied)
    connection = store.open_folder(folder)  # refused before: "没有日常提醒数据" stopped every page
    assert store.ledgers_without_records(connection) == [name for name in LEDGERS if name in emptied]
    span = queries.data_span(connection)
    filter_ = span.resolve(Filter((), Quarter(2020, 1), Quarter(2020, 4)))
    [row] = queries.run(connection, "kpi_totals", filter_).to_dict("records")
    expected = oracle.View(oracle.read_ledgers(folder), (), (2020, 1), (2020, 4)).totals()
    for name in ("units_consulted", "issues", "rectified", "overdue", "suggestions", "special_studies", "meetings"):
        if name in row:
            assert row[name] == expected[name], name
    counts = {"meetings": "meetings", "issues": "issues", "suggestions": "suggestions"}
    for name in emptied:
        if name in counts:
            assert row[counts[name]] == 0
    assert expected["issues"] == (0 if "issues" in emptied else 16)
    assert expected["suggestions"] == (0 if "suggestions" in emptied else 19)


def test_the_notice_names_file_and_sheet_in_both_languages(folder):
    header_only(folder, "reminders")
    sheet = openpyxl.load_workbook(folder / "reminders.xlsx").sheetnames[0]
    [notice] = checked_folder.header_only_ledgers(folder, store.ledgers_without_records(store.open_folder(folder)))
    assert notice.render("zh") == (
        f"reminders.xlsx · 工作表“{sheet}”：只有表头、没有记录：看板中日常提醒的各项数字按无记录计（0），补录后即显示"
    )
    assert notice.render("en") == (
        f"reminders.xlsx · sheet “{sheet}”: has its header and no records: "
        "the dashboard reads Reminders as none (0) until records are added"
    )


def test_the_units_sheet_and_every_ledger_at_once_are_still_refused(folder, tmp_path):
    everything = shutil.copytree(folder, tmp_path / "all")
    header_only(everything, *LEDGERS)
    with pytest.raises(ValidationError) as raised:
        queries.data_span(store.open_folder(everything))
    assert [p.message_key for p in raised.value.problems] == [NO_RECORDS]
    assert "至少需要一条记录" in raised.value.render("zh") and "at least one record" in raised.value.render("en")
    header_only(folder, "units")
    with pytest.raises(ValidationError) as raised:
        store.open_folder(folder)
    assert "error.sheet_empty" in {p.message_key for p in raised.value.problems}


def test_an_import_of_a_header_only_ledger_is_accepted_and_says_what_the_pages_will_read(folder, tmp_path):
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    shutil.copy(folder / "reminders.xlsx", incoming / "reminders.xlsx")
    header_only(incoming, "reminders")
    plan = import_plan.plan_import(incoming / "reminders.xlsx", mode="replace", folder=folder)
    assert plan.ok and plan.changes["reminders"].rows_after == 0
    assert len(plan.changes["reminders"].removed) == len(oracle.read_ledgers(folder).reminders)
    sheet = openpyxl.load_workbook(incoming / "reminders.xlsx").sheetnames[0]
    assert import_report.header_only_lines(plan, "zh") == [
        f"reminders.xlsx · 工作表“{sheet}”只有表头、没有记录：导入后看板中日常提醒的各项数字按无记录计（0）。"
    ]
    assert import_report.header_only_lines(plan, "en") == [
        f"reminders.xlsx · sheet “{sheet}” has its header and no records: "
        "after the import the dashboard reads Reminders as none (0)."
    ]
    assert import_report.header_only_lines(plan, "en")[0] in import_report.render_plan(plan, "en")
    # appending nothing is "nothing to import", not a table emptied
    appended = import_plan.plan_import(incoming / "reminders.xlsx", mode="append", folder=folder)
    assert appended.unchanged and import_report.header_only_lines(appended, "en") == []
    # and says why: the file holds no record, not "exactly the data already there"
    assert import_report.render_plan(appended, "en").endswith(
        "Check passed, but the files hold their headers and no records: nothing to import."
    )
    assert import_report.render_plan(appended, "zh").endswith(
        "检查通过，但文件只有表头、没有记录：没有需要导入的数据。"
    )


@pytest.mark.apptest
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_loads_with_a_header_only_ledger_and_shows_the_notice(folder, monkeypatch, lang):
    from tests.apptest import run_page

    header_only(folder, "reminders")
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(folder))
    expected = "日常提醒的各项数字按无记录计" if lang == "zh" else "reads Reminders as none"
    for page in ("app.py", "pages/04_reminders.py", "pages/05_unit_profile.py", "pages/06_briefing.py"):
        at = run_page(page, {"lang": lang})  # asserts no exception
        assert not at.error, [e.value for e in at.error]
        assert any(expected in notice.value.replace("\\", "") for notice in at.info), page
    assert os.environ["OVERSIGHT_DATA_DIR"] == str(folder)


def test_a_ledger_of_a_title_a_header_and_a_totals_row_reads_as_none_too(folder):
    from tests.bad_files import HEADERS, write_xlsx

    (folder / "meetings.xlsx").unlink()
    rows = [["2021年会议台账"], HEADERS["meetings"], ["合计", None, None, None, 0]]
    write_xlsx(folder / "meetings.xlsx", {"会议": rows})
    connection = store.open_folder(folder)
    assert store.ledgers_without_records(connection) == ["meetings"]
    [notice] = checked_folder.header_only_ledgers(folder, ["meetings"])
    assert notice.sheet == "会议" and notice.file == "meetings.xlsx"


@pytest.mark.apptest
def test_a_unit_account_is_not_told_that_a_ledger_is_empty_for_every_unit(folder, monkeypatch):
    """h5, 4 Dec: the notice "reminders.xlsx … 只有表头、没有记录" stood on a unit account's pages too, telling it that
    no unit has a reminder: a team-wide figure (every other unit's 0), which README's rule for figures over several
    units does not let it see. Its own zeros read as any unit's with no record; an account of every unit is told."""
    from oversight.auth import accounts, roles
    from tests.apptest import run_page

    header_only(folder, "reminders")
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(folder))
    accounts.add_user("bangongting", "correct-horse-battery", roles.UNIT, units=["gov_office"])
    accounts.add_user("leader", "correct-horse-battery", roles.LEADER)
    told = {}
    for username in ("bangongting", "leader"):
        at = run_page("app.py")
        at.text_input(key="widget.login_user").input(username)
        at.text_input(key="widget.login_password").input("correct-horse-battery")
        at.button[0].click().run()
        at.switch_page("pages/04_reminders.py").run()
        assert not at.exception, [e.value for e in at.exception]
        assert any(m.label == "日常提醒" for m in at.metric)  # the page is drawn, its figures read none
        told[username] = any("只有表头" in notice.value for notice in at.info)
    assert told == {"bangongting": False, "leader": True}
