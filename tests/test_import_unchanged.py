"""An import of what the folder holds already changes nothing and records nothing: no history entry, audit line
or undo step for a change that is not one (the folder's own issues.xlsx imported again had made all three)."""

from __future__ import annotations

import shutil

import pytest

from oversight.__main__ import main
from oversight.data import store
from oversight.ingest import ValidationError, commit, import_history, import_plan, import_report
from tests.bad_files import hash_tree


@pytest.fixture
def data_folder(tmp_path, monkeypatch):
    folder = shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data")
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(folder))
    monkeypatch.setenv("OVERSIGHT_USER", "王秘书")
    return folder


def test_the_folders_own_ledger_again_is_nothing_to_import(data_folder, tmp_path):
    again = shutil.copy(store.SAMPLE_DATA_DIR / "issues.xlsx", tmp_path / "issues.xlsx")
    plan = import_plan.plan_import(again, "issues")
    assert plan.problems == [] and plan.unchanged and not plan.ok
    assert plan.as_dict()["unchanged"] is True
    assert "没有需要导入的变化" in import_report.render_plan(plan, "zh")
    assert "nothing to import" in import_report.render_plan(plan, "en")
    before = hash_tree(data_folder)
    with pytest.raises(ValidationError) as refused:
        commit.apply_import(plan, user="王秘书")
    assert "nothing to import" in refused.value.render("en")
    assert hash_tree(data_folder) == before and import_history.list_history(data_folder) == []


def test_one_changed_cell_is_a_change(data_folder, tmp_path):
    import openpyxl

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
