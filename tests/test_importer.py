"""Applying imports: replace, append, the preview diff, history, undo, failures at each step, templates, the CLI."""

from __future__ import annotations

import getpass
import json
import os
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from oversight import config, ingest
from oversight.__main__ import main
from oversight.contract.schema import TABLES
from oversight.core import i18n
from oversight.data import store
from oversight.ingest import (
    ValidationError,
    checked_folder,
    commit,
    folder_lock,
    import_history,
    import_plan,
    import_report,
    templates,
    workbook,
)
from tests.bad_files import HEADERS, hash_tree, issue, meeting, one_more_reminder, suggestion, write_xlsx

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def data_folder(tmp_path, monkeypatch):
    folder = shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data")
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(folder))
    monkeypatch.setenv("OVERSIGHT_USER", "王秘书")
    return folder


@pytest.fixture(scope="module")
def sample_frames():
    return checked_folder.read_folder(store.SAMPLE_DATA_DIR)


def export(table: str, frame: pd.DataFrame, units: pd.DataFrame, path: Path) -> Path:
    """The table as the dashboard exports it: Chinese headers, labels, unit names."""
    path.write_bytes(workbook.ledger_xlsx_bytes(TABLES[table], frame, units))
    return path


def table_files(folder: Path) -> dict[str, str]:
    return {k: v for k, v in hash_tree(folder).items() if not k.startswith(".history")}


def new_meetings(tmp_path: Path, *ids: str) -> Path:
    return write_xlsx(tmp_path / "new_meetings.xlsx", {"会议": [HEADERS["meetings"], *[meeting(i) for i in ids]]})


# ---------------------------------------------------------------- replace, append, preview


def test_an_append_reports_its_own_repeats_and_the_ids_there_already_at_once(data_folder, tmp_path, sample_frames):
    """A file whose row 3 repeats row 2 and whose row 4 is a meeting the folder has: both in one report (the second
    came only after the first was fixed)."""
    existing = sample_frames["meetings"]["meeting_id"].iloc[0]
    path = new_meetings(tmp_path, "HY2021-0001", "HY2021-0001", existing)
    plan = import_plan.plan_import(path, table="meetings", mode="append", folder=data_folder)
    assert [(problem.message_key, problem.row) for problem in plan.problems] == [
        ("error.duplicate", 3),
        ("error.append_duplicate", 4),
    ]


def test_checking_writes_nothing(data_folder, tmp_path):
    before = hash_tree(data_folder)
    plan = import_plan.plan_import(new_meetings(tmp_path, "HY2021-0001"), mode="append", folder=data_folder)
    assert plan.ok
    assert hash_tree(data_folder) == before


def test_replace_previews_rows_added_changed_and_removed(data_folder, tmp_path, sample_frames):
    frame = sample_frames["meetings"].copy()
    removed, changed = frame["meeting_id"].iloc[0], frame["meeting_id"].iloc[1]
    frame.loc[1, "duration_min"] = 999
    frame = frame.iloc[1:]
    extra = frame.iloc[[0]].assign(meeting_id="HY2021-0001")
    frame = pd.concat([frame, extra], ignore_index=True)
    path = export("meetings", frame, sample_frames["units"], tmp_path / "meetings.xlsx")

    plan = import_plan.plan_import(path, table="meetings", folder=data_folder)
    change = plan.changes["meetings"]
    assert (change.added, change.changed, change.removed) == (("HY2021-0001",), (changed,), (removed,))
    assert (change.rows_before, change.rows_after) == (573, 573)
    assert "新增1、修改1、删除1" in import_report.render_plan(plan, "zh")

    commit.apply_import(plan)
    meetings = checked_folder.read_folder(data_folder)["meetings"].set_index("meeting_id")
    assert removed not in meetings.index and "HY2021-0001" in meetings.index
    assert meetings.loc[changed, "duration_min"] == 999


def test_append_adds_rows_and_keeps_every_existing_row(data_folder, tmp_path, sample_frames):
    plan = import_plan.plan_import(
        new_meetings(tmp_path, "HY2021-0001", "HY2021-0002"), table="meetings", mode="append", folder=data_folder
    )
    assert plan.changes["meetings"].added == ("HY2021-0001", "HY2021-0002")
    assert plan.changes["meetings"].changed == plan.changes["meetings"].removed == ()
    commit.apply_import(plan)
    meetings = checked_folder.read_folder(data_folder)["meetings"]
    assert len(meetings) == len(sample_frames["meetings"]) + 2
    pd.testing.assert_frame_equal(meetings.head(len(sample_frames["meetings"])), sample_frames["meetings"])


def test_an_unknown_mode_is_refused(data_folder, tmp_path):
    plan = import_plan.plan_import(new_meetings(tmp_path, "HY2021-0001"), mode="merge", folder=data_folder)
    assert [p.message_key for p in plan.problems] == ["error.mode_invalid"]


@pytest.mark.parametrize("table", sorted(TABLES))
def test_each_sample_file_is_detected_as_its_table(table):
    assert ingest.detect_table(store.SAMPLE_DATA_DIR / f"{table}.xlsx") is TABLES[table]


# ---------------------------------------------------------------- round trip


def test_round_trip_export_then_import_gives_identical_tables(data_folder, tmp_path, sample_frames):
    exported = [
        export(name, frame, sample_frames["units"], tmp_path / f"{name}.xlsx") for name, frame in sample_frames.items()
    ]
    plan = import_plan.plan_import(exported, folder=data_folder)
    assert plan.problems == []
    assert all(not (c.added or c.changed or c.removed) for c in plan.changes.values())
    assert plan.unchanged and not plan.ok  # nothing to import: an import would record a change that is not one
    # the files an import writes, read back as the store reads them, are the tables as they were
    written = shutil.copytree(data_folder, tmp_path / "written")
    for name, data in plan.files.items():
        (written / TABLES[name].file_name).write_bytes(data)
    after = checked_folder.read_folder(written)
    for name, frame in sample_frames.items():
        pd.testing.assert_frame_equal(after[name], frame)


# ---------------------------------------------------------------- nothing to import
# An import of what the folder holds already changes nothing and records nothing: no history entry, audit line or
# undo step for a change that is not one (the folder's own issues.xlsx imported again had made all three).


def test_the_folders_own_ledger_again_is_nothing_to_import(data_folder, tmp_path):
    again = shutil.copy(store.SAMPLE_DATA_DIR / "issues.xlsx", tmp_path / "issues.xlsx")
    plan = import_plan.plan_import(again, "issues")
    assert plan.problems == [] and plan.unchanged and not plan.ok
    assert plan.as_dict()["unchanged"] is True
    assert "没有需要导入的变化" in import_report.render_plan(plan, "zh")
    # "the data there are already" read as a slip; the sentence a leader reads aloud is whole English
    assert "the files hold exactly the data already there: nothing to import" in import_report.render_plan(plan, "en")
    before = hash_tree(data_folder)
    with pytest.raises(ValidationError) as refused:
        commit.apply_import(plan, user="王秘书")
    assert "nothing to import" in refused.value.render("en")
    assert hash_tree(data_folder) == before and import_history.list_history(data_folder) == []


def test_one_changed_cell_is_a_change(data_folder, tmp_path):
    book = openpyxl.load_workbook(store.SAMPLE_DATA_DIR / "issues.xlsx")
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    sheet.cell(2, header.index("问题描述") + 1, "改过的描述")
    book.save(tmp_path / "issues.xlsx")
    plan = import_plan.plan_import(tmp_path / "issues.xlsx", "issues")
    assert plan.ok and not plan.unchanged and len(plan.changes["issues"].changed) == 1


def test_the_cli_says_so_and_writes_nothing(data_folder, tmp_path, capsys):
    before = hash_tree(data_folder)
    again = shutil.copy(store.SAMPLE_DATA_DIR / "meetings.xlsx", tmp_path / "meetings.xlsx")
    assert main(["import", str(again), "--table", "meetings", "--lang", "en"]) == 0  # done: the data are so
    out = capsys.readouterr().out
    assert "nothing to import" in out and "Imported" not in out
    assert hash_tree(data_folder) == before and import_history.list_history(data_folder) == []
    assert main(["validate", str(again)]) == 0


# ---------------------------------------------------------------- history and undo


def test_history_keeps_the_previous_version_with_a_manifest(data_folder, tmp_path):
    previous = (data_folder / "meetings.xlsx").read_bytes()
    entry = commit.import_files(
        new_meetings(tmp_path, "HY2021-0001"), table="meetings", mode="append", folder=data_folder
    )
    assert entry.path.parent == data_folder / ".history"
    assert entry.id.endswith("-meetings")
    assert (entry.path / "meetings.xlsx").read_bytes() == previous
    manifest = json.loads((entry.path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["action"] == "import" and manifest["user"] == "王秘书" and manifest["mode"] == "append"
    assert manifest["sources"] == ["new_meetings.xlsx"]
    assert datetime.fromisoformat(manifest["at"]).year >= 2024
    info = manifest["tables"]["meetings"]
    assert (info["rows_before"], info["rows_after"], info["added"]) == (573, 574, 1)
    assert info["files_before"] == ["meetings.xlsx"]
    assert [e.id for e in import_history.list_history(data_folder)] == [entry.id]


def test_the_user_defaults_to_the_os_user(monkeypatch):
    monkeypatch.delenv("OVERSIGHT_USER", raising=False)
    assert config.claimed_user() == getpass.getuser()


def test_undo_restores_the_previous_bytes_and_is_recorded(data_folder, tmp_path):
    before = table_files(data_folder)
    imported = commit.import_files(new_meetings(tmp_path, "HY2021-0001"), mode="append", folder=data_folder)
    assert table_files(data_folder) != before
    undone = commit.undo_last(data_folder, user="李组长")
    assert table_files(data_folder) == before
    assert (undone.action, undone.undoes, undone.user) == ("undo", imported.id, "李组长")
    assert [e.action for e in import_history.list_history(data_folder)] == ["import", "undo"]
    with pytest.raises(ValidationError) as raised:
        commit.undo_last(data_folder)
    assert [p.message_key for p in raised.value.problems] == ["error.nothing_to_undo"]


def test_undo_walks_back_one_import_at_a_time(data_folder, tmp_path):
    original = table_files(data_folder)
    commit.import_files(new_meetings(tmp_path, "HY2021-0001"), mode="append", folder=data_folder)
    after_first = table_files(data_folder)
    issues = write_xlsx(tmp_path / "issues.xlsx", {"问题": [HEADERS["issues"], issue()]})
    commit.import_files(issues, mode="append", folder=data_folder)
    commit.undo_last(data_folder)
    assert table_files(data_folder) == after_first
    commit.undo_last(data_folder)
    assert table_files(data_folder) == original


def test_undo_of_a_confirmed_import_refuses_once_another_import_landed(data_folder, tmp_path):
    """The page names the import it will undo and the admin confirms that one: if another import lands first (a
    second admin, the command line), nothing is undone rather than the newer import."""
    confirmed = commit.import_files(new_meetings(tmp_path, "HY2021-0001"), mode="append", folder=data_folder)
    issues = write_xlsx(tmp_path / "issues.xlsx", {"问题": [HEADERS["issues"], issue()]})
    newer = commit.import_files(issues, mode="append", folder=data_folder)
    both = table_files(data_folder)
    with pytest.raises(ValidationError) as raised:
        commit.undo_last(data_folder, expected=confirmed.id)
    assert [(p.message_key, p.params) for p in raised.value.problems] == [
        ("error.undo_target_changed", {"latest": newer.id, "entry": confirmed.id})
    ]
    assert table_files(data_folder) == both and len(import_history.list_history(data_folder)) == 2
    assert commit.undo_last(data_folder, expected=newer.id).undoes == newer.id


def test_a_table_kept_as_csv_is_replaced_by_xlsx_and_undo_brings_the_csv_back(data_folder, tmp_path, sample_frames):
    office = workbook.to_office_values(TABLES["reminders"], sample_frames["reminders"], sample_frames["units"])
    (data_folder / "reminders.xlsx").unlink()
    office.to_csv(data_folder / "reminders.csv", index=False, encoding="gb18030")
    checked_folder.read_folder(data_folder)
    before = table_files(data_folder)
    changed = sample_frames["reminders"].copy()
    changed.loc[0, "subject"] = "改过的提醒事项"  # a change: the same data again would be nothing to import
    source = export("reminders", changed, sample_frames["units"], tmp_path / "reminders.xlsx")
    commit.import_files(source, folder=data_folder)
    assert (data_folder / "reminders.xlsx").exists() and not (data_folder / "reminders.csv").exists()
    commit.undo_last(data_folder)
    assert table_files(data_folder) == before


def test_a_plan_made_stale_by_another_import_is_refused(data_folder, tmp_path):
    plan = import_plan.plan_import(new_meetings(tmp_path, "HY2021-0001"), mode="append", folder=data_folder)
    commit.import_files(
        write_xlsx(tmp_path / "i.xlsx", {"问题": [HEADERS["issues"], issue()]}), mode="append", folder=data_folder
    )
    before = hash_tree(data_folder)
    with pytest.raises(ValidationError) as raised:
        commit.apply_import(plan)
    assert [p.message_key for p in raised.value.problems] == ["error.stale_data"]
    assert hash_tree(data_folder) == before


# ---------------------------------------------------------------- a failure at any step changes nothing


def _fail(*args, **kwargs):
    raise OSError("injected failure")


def _fail_on_call(original, call: int):
    calls = []

    def wrapper(*args, **kwargs):
        calls.append(1)
        if len(calls) == call:
            raise OSError("injected failure")
        return original(*args, **kwargs)

    return wrapper


STEPS = {
    "keeping_history": lambda m: m.setattr(commit, "keep_previous", _fail),
    "copying_into_history": lambda m: m.setattr(import_history.shutil, "copyfile", _fail_on_call(shutil.copyfile, 2)),
    "writing_the_manifest": lambda m: m.setattr(import_history.json, "dumps", _fail),
    "writing_beside_first_file": lambda m: m.setattr(commit, "stage_file", _fail),
    "writing_beside_second_file": lambda m: m.setattr(commit, "stage_file", _fail_on_call(commit.stage_file, 2)),
    "renaming_first_file": lambda m: m.setattr(commit, "rename_into_place", _fail),
    "renaming_second_file": lambda m: m.setattr(
        commit, "rename_into_place", _fail_on_call(commit.rename_into_place, 2)
    ),
    "verifying_the_written_folder": lambda m: m.setattr(commit, "verify_folder", _fail),
}


@pytest.mark.slow
@pytest.mark.parametrize("with_history", [False, True], ids=["first_import", "later_import"])
@pytest.mark.parametrize("step", STEPS, ids=str)
def test_a_failure_at_any_step_of_an_import_leaves_the_folder_byte_for_byte(
    step, with_history, data_folder, tmp_path, monkeypatch
):
    if with_history:
        commit.import_files(one_more_reminder(tmp_path), mode="append", folder=data_folder)
    batch = [
        new_meetings(tmp_path, "HY2021-0001"),
        write_xlsx(tmp_path / "issues.xlsx", {"问题": [HEADERS["issues"], issue()]}),
    ]
    plan = import_plan.plan_import(batch, mode="append", folder=data_folder)
    assert plan.ok
    before = hash_tree(data_folder)
    names_before = sorted(
        p.name for p in data_folder.rglob("*") if ".cache" not in p.parts and p.name != folder_lock.LOCK_FILE
    )
    STEPS[step](monkeypatch)
    with pytest.raises(OSError, match="injected"):
        commit.apply_import(plan)
    assert hash_tree(data_folder) == before
    assert (
        sorted(
            p.name
            for p in data_folder.rglob("*")  # no leftovers
            if ".cache" not in p.parts and p.name != folder_lock.LOCK_FILE
        )
        == names_before
    )
    monkeypatch.undo()
    commit.apply_import(plan)  # and the same plan still goes through afterwards
    assert len(checked_folder.read_folder(data_folder)["meetings"]) == 574


@pytest.mark.parametrize("step", ["keeping_history", "renaming_first_file", "verifying_the_written_folder"])
def test_a_failure_during_undo_leaves_the_folder_byte_for_byte(step, data_folder, tmp_path, monkeypatch):
    commit.import_files(new_meetings(tmp_path, "HY2021-0001"), mode="append", folder=data_folder)
    before = hash_tree(data_folder)
    STEPS[step](monkeypatch)
    with pytest.raises(OSError, match="injected"):
        commit.undo_last(data_folder)
    assert hash_tree(data_folder) == before


def test_the_folder_is_validated_before_anything_is_replaced(data_folder, tmp_path, monkeypatch):
    """A would-be folder that does not load is refused at the plan, before the write steps run."""
    units = checked_folder.read_folder(data_folder)["units"]
    path = export("units", units[units["unit_id"] != "research"], units, tmp_path / "units.xlsx")
    monkeypatch.setattr(commit, "keep_previous", _fail)  # never reached
    plan = import_plan.plan_import(path, folder=data_folder)
    assert plan.problems[0].message_key == "error.folder_would_break"
    with pytest.raises(ValidationError):
        commit.apply_import(plan)


def test_the_problem_count_counts_the_cells_not_the_line_that_introduces_them(data_folder, tmp_path):
    """Dropping a unit from the units table: one problem for the unit, saying how many rows name it; the line saying
    the folder would no longer validate stands above it uncounted (it said 发现100个问题 over 99 rows, and then
    one line per row, nearly all in files the user never touched)."""
    frames = checked_folder.read_folder(data_folder)
    units = frames["units"]
    path = export("units", units[units["unit_id"] != "research"], units, tmp_path / "units.xlsx")
    naming_it = sum(int((frames[name]["unit"] == "research").sum()) for name in frames if name != "units")
    plan = import_plan.plan_import(path, folder=data_folder)
    assert naming_it > 1 and len(plan.problems) == 2
    assert plan.problems[1].message_key == "error.unit_removed_in_use"
    assert plan.problems[1].params["count"] == naming_it
    lines = import_report.render_plan(plan, "zh-CN").splitlines()
    assert "发现1个问题，未导入任何数据：" in lines
    assert any(f"其他台账仍有{naming_it}行属于它" in line for line in lines)
    english = import_report.render_plan(plan, "en").splitlines()
    assert "1 problem found; nothing was imported:" in english  # one, not "1 problems"
    assert plan.problem_count == 1  # the page's count (data_page) reads the same


# ---------------------------------------------------------------- templates

VALID_ROWS = {
    "units": ["audit", "省审计厅", "Provincial Audit Office", "审计厅", "党组"],
    "meetings": meeting(),
    "issues": issue(),
    "suggestions": suggestion(),
    "reminders": ["TX2021-001", "省政府研究室", date(2021, 2, 1), "书面提醒", "节日期间作风提醒"],
    "activities": ["HD2021-001", "省政府研究室", date(2021, 2, 1), "专题研究", None],
}


@pytest.mark.parametrize("table", sorted(TABLES))
def test_a_template_filled_with_valid_rows_imports_cleanly(table, data_folder, tmp_path, sample_frames):
    path = templates.write_template(tmp_path / f"{table}模板.xlsx", TABLES[table], sample_frames["units"])
    book = openpyxl.load_workbook(path)
    sheet = book[TABLES[table].zh]
    for column, value in enumerate(VALID_ROWS[table], start=1):
        sheet.cell(2, column, value)
    book.save(path)
    plan = import_plan.plan_import(path, mode="append", folder=data_folder)
    assert plan.problems == [] and list(plan.changes) == [table]
    assert plan.changes[table].added == (VALID_ROWS[table][0],)
    commit.apply_import(plan)


def test_a_template_has_header_comments_and_drop_downs(tmp_path, sample_frames):
    path = templates.write_template(tmp_path / "t.xlsx", TABLES["meetings"], sample_frames["units"], lang="zh")
    book = openpyxl.load_workbook(path)
    sheet, options = book["会议"], book.worksheets[1]
    assert [c.value for c in sheet[1]] == HEADERS["meetings"]
    assert all(cell.comment is not None for cell in sheet[1])
    assert "必填" in sheet["E1"].comment.text and "0至1440" in sheet["E1"].comment.text
    assert "党组（党委）会议、办公会议" in sheet["D1"].comment.text
    assert options.sheet_state == "hidden"
    validations = {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}
    assert {k: validations[k].type for k in ("B2", "C2", "D2", "E2", "G2")} == {
        "B2": "list",
        "C2": "date",
        "D2": "list",
        "E2": "whole",
        "G2": "list",
    }
    # Excel refuses a length past the contract's bound as it is typed, as the import would
    # (no operator written is OOXML's "between")
    assert validations["E2"].operator in (None, "between")
    assert (validations["E2"].formula1, validations["E2"].formula2) == ("0", "1440")
    unit_range = validations["B2"].formula1.split("!")[1].replace("$", "")
    unit_names = [c.value for row in options[unit_range] for c in row]
    assert unit_names == list(sample_frames["units"]["name_zh"])
    bool_range = validations["G2"].formula1.split("!")[1].replace("$", "")
    assert [c.value for row in options[bool_range] for c in row] == ["是", "否"]


def test_an_empty_template_is_not_mistaken_for_data(tmp_path, data_folder):
    # its notes and examples are no records: it reads as a header-only ledger, which empties the table and says so
    path = templates.write_template(tmp_path / "t.xlsx", TABLES["reminders"])
    plan = import_plan.plan_import(path, folder=data_folder, mode="replace")
    assert plan.ok and plan.changes["reminders"].rows_in_file == 0
    assert "has its header and no records" in import_report.render_plan(plan, "en")
    # an empty issues template leaves the suggestions naming issues that no longer exist: refused for that
    path = templates.write_template(tmp_path / "i.xlsx", TABLES["issues"])
    plan = import_plan.plan_import(path, folder=data_folder)
    assert {p.message_key for p in plan.problems} == {"error.folder_would_break", "error.ref_unknown"}


# ---------------------------------------------------------------- the command line


def test_cli_validate_a_clean_file_exits_0(data_folder, capsys):
    assert main(["validate", str(store.SAMPLE_DATA_DIR / "issues.xlsx")]) == 0
    assert "检查通过，但文件中的数据与现有数据完全一致" in capsys.readouterr().out  # the folder's own ledger


def test_cli_validate_a_bad_file_exits_1_and_names_the_cell(data_folder, tmp_path, capsys):
    path = new_meetings(tmp_path, "HY2021-0001", "HY2021-0001")
    assert main(["validate", str(path), "--table", "meetings", "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "1 problem found" in out and "row 3 · column A “会议编号”" in out


def test_cli_validate_json_is_machine_readable(data_folder, tmp_path, capsys):
    path = new_meetings(tmp_path, "HY2021-0001")
    assert main(["validate", str(path), "--json", "--mode", "append"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True and report["tables"][0]["added"] == ["HY2021-0001"]
    bad = write_xlsx(tmp_path / "bad.xlsx", {"会议": [HEADERS["meetings"], meeting(duration=-1)]})
    assert main(["validate", str(bad), "--json", "--lang", "en"]) == 1
    [problem] = json.loads(capsys.readouterr().out)["problems"]
    assert (problem["key"], problem["row"], problem["column_letter"], problem["field"]) == (
        "error.int_negative",
        2,
        "E",
        "duration_min",
    )
    assert problem["message"].startswith("-1 cannot be negative")


def test_cli_validate_json_says_why_whenever_it_is_not_ok(data_folder, tmp_path, capsys):
    # "ok": false came with an empty problems list (exit 0) for files holding the folder's data already and for a
    # header-only append: a script was told "not ok" with no reason. Every "not ok" now has its result and sentence
    header_only = write_xlsx(tmp_path / "header_only.xlsx", {"会议": [HEADERS["meetings"]]})
    cases = [
        (
            [str(data_folder / "issues.xlsx")],
            "zh",
            "unchanged",
            "检查通过，但文件中的数据与现有数据完全一致，没有需要导入的变化。",
        ),
        (
            [str(header_only), "--mode", "append"],
            "en",
            "no_records",
            "Check passed, but the files hold their headers and no records: nothing to import.",
        ),
    ]
    for arguments, lang, result, message in cases:
        assert main(["validate", *arguments, "--json", "--lang", lang]) == 0
        report = json.loads(capsys.readouterr().out)
        assert (report["ok"], report["problems"], report["result"], report["message"]) == (False, [], result, message)
    path = new_meetings(tmp_path, "HY2021-0001")
    assert main(["validate", str(path), "--json", "--mode", "append", "--lang", "en"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["ok"], report["result"], report["message"]) == (True, "ok", "Check passed: ready to import.")
    bad = write_xlsx(tmp_path / "bad.xlsx", {"会议": [HEADERS["meetings"], meeting(duration=-1)]})
    assert main(["validate", str(bad), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert (report["ok"], len(report["problems"]), report["result"], report["message"]) == (
        False,
        1,
        "problems",
        "发现1个问题",
    )


def test_a_check_that_reads_no_table_says_so(data_folder, tmp_path, monkeypatch, capsys):
    # no file gave a table and none a problem: the page showed nothing, the CLI "检查通过" over nothing and exit 1
    monkeypatch.setattr(import_plan, "_collect_incoming", lambda sources, table: ({}, []))
    plan = import_plan.plan_import(new_meetings(tmp_path, "HY2021-0001"), "meetings")
    assert [problem.message_key for problem in plan.problems] == ["error.nothing_read"] and not plan.ok
    assert "检查通过" not in import_report.render_plan(plan, "zh", checked_only=True)
    assert main(["validate", str(tmp_path / "new_meetings.xlsx"), "--json", "--lang", "en"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [problem["message"] for problem in report["problems"]] == ["no table was read from the files"]


def test_cli_import_history_undo(data_folder, tmp_path, capsys):
    before = table_files(data_folder)
    assert main(["import", str(new_meetings(tmp_path, "HY2021-0001")), "--table", "meetings", "--mode", "append"]) == 0
    assert "已导入" in capsys.readouterr().out
    assert main(["history", "--lang", "en"]) == 0
    # the claimed name (OVERSIGHT_USER) is shown with the OS account that ran the command
    assert (
        f"王秘书 (OS user {getpass.getuser()}) imported new_meetings.xlsx (adding rows): Meetings: rows 573 → 574"
        in capsys.readouterr().out
    )
    assert main(["undo"]) == 0
    assert table_files(data_folder) == before
    assert main(["undo"]) == 1
    assert "没有可以撤销的导入" in capsys.readouterr().err


@pytest.mark.parametrize("zone", ["UTC", "America/Los_Angeles", "Pacific/Kiritimati"])
def test_history_times_are_beijing_time_and_say_so_whatever_the_machines_zone(
    data_folder, tmp_path, capsys, monkeypatch, zone
):
    """The history's time (2026-12-04 22:39:05) stood without its zone beside its id stamped in UTC
    (20261204-143905-…): eight hours apart, one of them read as a mistake. Each time now says it is Beijing time,
    and the id is stamped in Beijing time too (review of 5 Dec: an import at 00:30 on 1 January was numbered
    20201231-…), so the two read alike."""
    import re
    import time
    from datetime import UTC, datetime, timedelta

    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        assert (
            main(["import", str(new_meetings(tmp_path, "HY2021-0001")), "--table", "meetings", "--mode", "append"]) == 0
        )
        capsys.readouterr()
        for lang, zone_words in (("zh", "（北京时间）"), ("en", " (Beijing time)")):
            assert main(["history", "--lang", lang]) == 0
            line = capsys.readouterr().out.strip().splitlines()[-1]
            shown = re.match(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)" + re.escape(zone_words) + " · ", line)
            assert shown, line
            stamp = re.search(r"(\d{8}-\d{6})-\d+-", line).group(1)  # the id's stamp, Beijing time
            assert shown.group(1) == datetime.strptime(stamp, "%Y%m%d-%H%M%S").strftime("%Y-%m-%d %H:%M:%S")
            beijing_now = datetime.now(UTC) + timedelta(hours=8)
            assert (
                abs(datetime.strptime(stamp, "%Y%m%d-%H%M%S") - beijing_now.replace(tzinfo=None)).total_seconds() < 120
            )
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_cli_import_refuses_a_bad_file_and_writes_nothing(data_folder, tmp_path, capsys):
    before = hash_tree(data_folder)
    bad = write_xlsx(tmp_path / "bad.xlsx", {"会议": [HEADERS["meetings"], meeting(unit="省外的单位")]})
    assert main(["import", str(bad), "--table", "meetings", "--mode", "append"]) == 1
    assert "不是已登记的监督单位" in capsys.readouterr().out
    assert hash_tree(data_folder) == before


def test_cli_template(data_folder, tmp_path, capsys):
    out = tmp_path / "会议模板.xlsx"
    assert main(["template", "--table", "meetings", "--out", str(out)]) == 0
    assert openpyxl.load_workbook(out)["会议"]["A1"].value == "会议编号"


def test_cli_sample_still_writes_the_sample(tmp_path, capsys):
    assert main(["sample", "--out", str(tmp_path / "sample")]) == 0
    files = sorted(p.name for p in (tmp_path / "sample").iterdir() if not p.name.startswith("."))  # not the lock
    assert files == sorted(f"{t}.xlsx" for t in TABLES)
    assert main(["sample", "--out", str(tmp_path / "sample")]) == 0  # the same bytes again: nothing is lost


def test_cli_sample_never_overwrites_the_offices_ledgers_unasked(data_folder, tmp_path, capsys):
    """`sample` writes into ./data by default, the folder the dashboard reads: ledgers there that differ from the
    sample are kept, the command refused and the files named; --force overwrites a folder nobody has imported
    into, never one with an import history or accounts (its changes are audited and can be undone; a sample's
    would be neither)."""
    (data_folder / "meetings.xlsx").write_bytes(
        write_xlsx(tmp_path / "m.xlsx", {"会议": [HEADERS["meetings"], meeting()]}).read_bytes()
    )
    before = hash_tree(data_folder)
    capsys.readouterr()
    assert main(["sample", "--out", str(data_folder)]) == 1
    error = capsys.readouterr().err
    assert "meetings.xlsx" in error and "--force" in error and "未作任何改动" in error
    assert hash_tree(data_folder) == before
    assert main(["sample", "--out", str(data_folder), "--force"]) == 0
    assert len(checked_folder.read_folder(data_folder)["meetings"]) == len(
        checked_folder.read_folder(store.SAMPLE_DATA_DIR)["meetings"]
    )

    plan = import_plan.plan_import(
        write_xlsx(tmp_path / "m.xlsx", {"会议": [HEADERS["meetings"], meeting()]}), mode="append", folder=data_folder
    )
    commit.apply_import(plan)  # now the folder has a history
    before = hash_tree(data_folder)
    capsys.readouterr()
    assert main(["sample", "--out", str(data_folder), "--force"]) == 1
    assert capsys.readouterr().err.strip() == (
        f"文件夹 {data_folder} 受账号保护或有导入记录，是在用的数据：示例数据不能覆盖它（--force 也不行），未作任何改动。"
        "要换数据请用 import 导入（记入审计日志和导入历史，可以撤销）；要看示例请用 --out 指定另一个文件夹。"
    )
    assert hash_tree(data_folder) == before


def test_cli_sample_never_overwrites_a_folder_guarded_by_accounts(tmp_path, capsys):
    from oversight.auth.accounts_marker import MARKER

    folder = tmp_path / "guarded"
    folder.mkdir()
    (folder / "meetings.csv").write_text("会议编号\n", encoding="utf-8")
    (folder / MARKER).write_text("users.toml\n", encoding="utf-8")
    before = hash_tree(folder)
    assert main(["sample", "--out", str(folder), "--force"]) == 1
    assert "受账号保护或有导入记录" in capsys.readouterr().err
    assert hash_tree(folder) == before


def test_cli_runs_as_a_module_and_honours_the_data_dir(data_folder, tmp_path):
    bad = write_xlsx(tmp_path / "bad.xlsx", {"会议": [HEADERS["meetings"], meeting(day="2021Q1")]})
    env = {**os.environ, "OVERSIGHT_DATA_DIR": str(data_folder)}
    done = subprocess.run(
        [sys.executable, "-m", "oversight", "validate", str(bad), "--lang", "en"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "gives only a quarter" in done.stdout


def test_a_ledgers_headers_are_its_own_in_chinese_and_labels_in_english(sample_frames):
    """The preview's headers: in Chinese the ledger's own (what the folder keeps), in English labels a leader reads
    (they were the contract's names, issue_id …); the contract's name is kept beside each for the hover."""
    for table in TABLES.values():
        office = workbook.to_office_values(table, sample_frames[table.name].head(2), sample_frames["units"], "en")
        names = [column.name for column in table.columns]
        assert list(office.attrs[workbook.CONTRACT_NAMES].values()) == names
        assert not set(office.columns) & set(names), table.name
        assert len(set(office.columns)) == len(names)  # one header per column
        assert all(header.isascii() for header in office.columns)
        chinese = workbook.to_office_values(table, sample_frames[table.name].head(2), sample_frames["units"], "zh")
        assert list(chinese.columns) == [column.zh for column in table.columns]
        # the Chinese locale's copy of the headers is the contract's, word for word
        assert [i18n.t(f"ledger.column.{table.name}.{name}", "zh") for name in names] == list(chinese.columns)
    office = workbook.to_office_values(TABLES["issues"], sample_frames["issues"].head(1), sample_frames["units"], "en")
    assert list(office.columns)[:3] == ["Issue no.", "Unit", "Date raised"]


# ---------------------------------------------------------------- a folder ledger that does not read


def _one_bad_date_in_the_folders_meetings(folder: Path) -> None:
    """A clerk's hand edit in the data folder's own ledger: one impossible date in Excel row 10."""
    book = openpyxl.load_workbook(folder / "meetings.xlsx")
    book.active["C10"] = "2019-02-30"
    book.save(folder / "meetings.xlsx")


def test_an_append_onto_a_folder_ledger_that_does_not_read_is_refused_with_its_problem(data_folder, tmp_path):
    # it was checked against no meetings at all: "0 now, 1 after, removed 0", and importing it replaced the 573
    # meetings with the one appended (history: rows 0 → 1); the dashboard then counted 1 meeting
    _one_bad_date_in_the_folders_meetings(data_folder)
    before = hash_tree(data_folder)
    plan = import_plan.plan_import(new_meetings(tmp_path, "HY2021-0001"), mode="append", folder=data_folder)
    assert not plan.ok and "meetings" not in plan.changes
    lead, *rest = plan.problems
    assert (lead.file, lead.message_key) == ("meetings.xlsx", "error.append_to_unreadable")
    assert lead.render("zh").startswith("meetings.xlsx：数据文件夹中的这份会议数据文件目前无法通过校验")
    # why, located in the folder's file as Excel shows it
    assert [(p.file, p.row, p.column_letter) for p in rest] == [("meetings.xlsx", 10, "C")]
    assert main(["import", str(new_meetings(tmp_path, "HY2021-0001")), "--mode", "append", "--lang", "en"]) == 1
    assert hash_tree(data_folder) == before and import_history.list_history(data_folder) == []


def test_an_append_onto_a_folder_ledger_that_cannot_be_opened_is_refused(data_folder, tmp_path):
    (data_folder / "meetings.xlsx").write_bytes((data_folder / "meetings.xlsx").read_bytes()[:3000])  # cut short
    plan = import_plan.plan_import(new_meetings(tmp_path, "HY2021-0001"), mode="append", folder=data_folder)
    assert [p.message_key for p in plan.problems] == ["error.append_to_unreadable", "error.workbook_corrupt"]


def test_a_default_import_over_a_folder_ledger_that_does_not_read_counts_the_rows_it_removes(
    data_folder, tmp_path, capsys
):
    # the mode forgotten: "0 now, removed 0" let a replace of the 573 meetings by one go ahead unasked
    _one_bad_date_in_the_folders_meetings(data_folder)
    before = hash_tree(data_folder)
    new = new_meetings(tmp_path, "HY2021-0001")
    plan = import_plan.plan_import(new, mode="replace", folder=data_folder)
    change = plan.changes["meetings"]
    assert (change.rows_before, change.rows_after, len(change.removed)) == (573, 1, 573)
    assert main(["import", str(new), "--lang", "en"]) == 1
    assert "replacing the whole table would remove 573 existing rows" in capsys.readouterr().err
    assert hash_tree(data_folder) == before
    # asked for by name, the replacement is the way to mend the ledger
    assert main(["import", str(new), "--mode", "replace", "--lang", "en"]) == 0
    assert len(checked_folder.read_folder(data_folder)["meetings"]) == 1
