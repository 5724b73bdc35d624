"""The Data page under AppTest: upload → check → import → the dashboard shows it → undo; bad files change nothing."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from oversight import ingest
from oversight.contract.schema import REMINDER_FORMS, TABLES
from oversight.core import i18n
from oversight.data import store
from oversight.ingest import checked_folder, workbook
from tests.apptest import as_read, metrics, run_page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    shutil.copytree(store.SAMPLE_DATA_DIR, folder, ignore=shutil.ignore_patterns(".cache", ".history"))
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(folder))
    return folder


def _hashes(folder):
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".cache" not in p.parts
    }


def _new_issue(issue_id="WT2020-900", unit="research"):
    return pd.DataFrame(
        [
            {
                "issue_id": issue_id,
                "unit": unit,
                "date_raised": date(2020, 11, 2),
                "source": "daily",
                "category": "conduct",
                "description": "新发现的作风问题",
                "status": "open",
                "due_date": date(2021, 2, 1),
                "rectified_date": None,
            }
        ]
    )


def _issues_file(frame):
    units = checked_folder.read_folder(store.SAMPLE_DATA_DIR)["units"]
    return workbook.ledger_xlsx_bytes(TABLES["issues"], frame, units)


def test_a_valid_append_is_checked_previewed_imported_shown_and_undone(data_dir):
    at = run_page("pages/07_data.py")
    at.file_uploader(key="widget.uploads").set_value(("新增问题.xlsx", _issues_file(_new_issue()), XLSX)).run()
    at.selectbox(key="widget.import_table").set_value("issues").run()
    at.radio(key="widget.import_mode").set_value("append").run()
    at.button(key="widget.import_check").click().run()
    assert not at.exception
    assert "新增1" in at.markdown[0].value and "27行 → 导入后28行" in at.markdown[0].value
    assert at.success[0].value == "检查通过，可以导入。"
    at.button(key="widget.import_apply").click().run()
    assert "已导入" in at.success[-1].value

    overview = run_page()
    assert metrics(overview)["指出问题"] == "17个"  # picked up without a restart

    data_page = run_page("pages/07_data.py")
    # the file name is shown as Markdown-escaped text (a name like [x](url) must not become a link)
    assert any(r"新增问题\.xlsx" in m.value for m in data_page.markdown)
    # the history reads Beijing time, as the audit page does (the manifest keeps UTC)
    from oversight import config
    from oversight.core import safe_text
    from oversight.ingest import import_history

    (entry,) = import_history.list_history(data_dir)
    shown = safe_text.markdown(config.team_time_text(entry.at))  # Markdown-escaped, as every data text on the page
    # the Beijing time leads the line, the entry's name (its UTC day) last, labelled
    assert any(
        as_read(m.value).startswith(as_read(f"- {shown}（北京时间） · "))
        and as_read(m.value).endswith(as_read(" · 记录号 " + safe_text.markdown(entry.id)))
        for m in data_page.markdown
    )
    assert config.team_time_text(entry.at) != entry.at[:19].replace("T", " ")  # not the UTC clock (8 h apart)
    # the confirmation names the import it takes back: its id, Beijing time and file
    assert any(
        m.value.startswith(f"将撤销{shown}（北京时间）的导入")
        and "记录号 " + safe_text.markdown(entry.id) in m.value
        and r"新增问题\.xlsx" in m.value
        for m in data_page.markdown
    )
    data_page.button(key="widget.undo").click().run()
    assert "已撤销" in data_page.success[-1].value
    assert metrics(run_page())["指出问题"] == "16个"
    # nothing left to undo: no button that could only fail, and a line that says so
    after = run_page("pages/07_data.py")
    assert not [b for b in after.button if b.key == "widget.undo"]
    assert any(c.value == "没有可以撤销的导入：每次导入都已撤销。" for c in after.caption)

    import json
    import os
    from pathlib import Path

    lines = [json.loads(line) for line in Path(os.environ["OVERSIGHT_AUDIT_LOG"]).read_text().splitlines()]
    imported, undone = [line for line in lines if line["action"] in ("import", "undo")]
    assert imported["action"] == "import" and imported["details"]["sources"] == ["新增问题.xlsx"]
    assert imported["details"]["tables"] == {"issues": 28}
    assert undone["action"] == "undo" and undone["details"]["undoes"] == imported["details"]["history"]


def test_a_bad_file_is_refused_with_every_problem_located_and_nothing_written(data_dir):
    before = _hashes(data_dir)
    bad = pd.concat([_new_issue("WT2020-901", "atlantis"), _new_issue("WT2020-901", "research")])
    at = run_page("pages/07_data.py")
    at.file_uploader(key="widget.uploads").set_value(("问题清单.xlsx", _issues_file(bad), XLSX)).run()
    at.radio(key="widget.import_mode").set_value("append").run()
    at.button(key="widget.import_check").click().run()
    assert not at.exception
    assert "未导入任何数据" in at.error[0].value
    problems = at.dataframe[0].value
    assert set(problems["文件"]) == {"问题清单.xlsx"}
    messages = " ".join(problems["问题"])
    assert "atlantis" in messages and "重复" in messages
    assert 2 in set(problems["行"]) and 3 in set(problems["行"])
    # each sentence also written out whole under the table, which cuts it at the cell's edge (its advice at the end)
    written = " ".join(element.value for element in at.markdown)
    assert all(message in written.replace("\\", "") for message in problems["问题"]), written
    assert not any(button.key == "widget.import_apply" for button in at.button)
    assert _hashes(data_dir) == before


def test_an_append_onto_a_ledger_of_the_folder_that_does_not_validate_is_refused_naming_it(data_dir):
    # one date typed 2019-02-30 into the folder's issues.xlsx by hand: the append was checked against no issues
    # ("现有0行"), and refused for what the folder would then be: every suggestion's linked issue missing, in
    # suggestions.xlsx, never the cell to fix (a ledger nothing links to, meetings.xlsx, was replaced by the one row)
    import openpyxl

    book = openpyxl.load_workbook(data_dir / "issues.xlsx")
    book.active["C5"] = "2019-02-30"
    book.save(data_dir / "issues.xlsx")
    before = _hashes(data_dir)
    at = run_page("pages/07_data.py")
    at.file_uploader(key="widget.uploads").set_value(("新增问题.xlsx", _issues_file(_new_issue()), XLSX)).run()
    at.radio(key="widget.import_mode").set_value("append").run()
    at.button(key="widget.import_check").click().run()
    assert not at.exception
    assert "数据文件夹当前无法加载" in at.error[0].value  # the page says so above the form, as before
    assert "未导入任何数据" in at.error[1].value
    problems = at.dataframe[-1].value
    assert list(problems["文件"]) == ["issues.xlsx", "issues.xlsx"]
    assert problems["问题"][0].startswith("数据文件夹中的这份问题数据文件目前无法通过校验")
    assert (problems["行"][1], problems["列"][1]) == (5, "C 发现日期")
    assert not any(button.key == "widget.import_apply" for button in at.button)
    assert _hashes(data_dir) == before


def test_the_page_reads_the_new_data_date_right_after_the_import(data_dir):
    """After 确认导入 the header above the form kept the old data date until the next click."""
    later = _new_issue().assign(date_raised=date(2021, 1, 8))
    at = run_page("pages/07_data.py")
    assert "2020年12月31日" in at.caption[0].value, at.caption[0].value
    at.file_uploader(key="widget.uploads").set_value(("新增问题.xlsx", _issues_file(later), XLSX)).run()
    at.selectbox(key="widget.import_table").set_value("issues").run()
    at.radio(key="widget.import_mode").set_value("append").run()
    at.button(key="widget.import_check").click().run()
    at.button(key="widget.import_apply").click().run()
    assert not at.exception
    assert "2021年1月8日" in at.caption[0].value, at.caption[0].value
    assert [s.value for s in at.success if "已导入" in s.value], [s.value for s in at.success]
    assert not any(button.key == "widget.import_apply" for button in at.button)  # the plan is spent


def test_the_pages_problem_count_counts_the_rows_to_fix(data_dir):
    """A units file without one unit: one problem for the unit, saying how many rows name it, under the line saying
    the folder would no longer validate, which the count leaves out (发现100个问题 over 99 rows; then one line per
    row, nearly all in files the user never touched)."""
    frames = checked_folder.read_folder(data_dir)
    units = frames["units"]
    naming_it = sum(int((frames[name]["unit"] == "research").sum()) for name in frames if name != "units")
    at = run_page("pages/07_data.py")
    fewer = workbook.ledger_xlsx_bytes(TABLES["units"], units[units["unit_id"] != "research"], units)
    at.file_uploader(key="widget.uploads").set_value(("单位.xlsx", fewer, XLSX)).run()
    at.button(key="widget.import_check").click().run()
    assert [e.value for e in at.error] == ["发现1个问题，未导入任何数据："]
    listed = at.dataframe[0].value
    assert len(listed) == 2  # the line that introduces it is listed, not counted
    assert any(f"其他台账仍有{naming_it}行属于它" in str(cell) for cell in listed.to_numpy().ravel())


def test_a_file_that_is_not_a_spreadsheet_is_refused_in_english(data_dir):
    before = _hashes(data_dir)
    at = run_page("pages/07_data.py", {"lang": "en"})
    at.file_uploader(key="widget.uploads").set_value(("notes.xlsx", b"just some text", XLSX)).run()
    at.button(key="widget.import_check").click().run()
    assert "nothing was imported" in at.error[0].value.lower() or "no data was imported" in at.error[0].value.lower()
    assert "notes.xlsx" in set(at.dataframe[0].value["File"])
    assert _hashes(data_dir) == before


def _new_meetings():
    return pd.DataFrame(
        [
            {
                "meeting_id": f"HY2021-09{n}",
                "unit": unit,
                "date": date(2021, 3, n + 1),
                "kind": kind,
                "duration_min": minutes,
                "agenda_items": n + 2,
                "agenda_prereviewed": True,
                "attended_by_team": n != 1,
                "merged": False,
                "notes": None,
            }
            for n, (unit, kind, minutes) in enumerate(
                [("research", "party_group", 90), ("chronicles", "office", 45), ("research", "other", 0)]
            )
        ]
    )


def test_an_appends_preview_shows_the_files_rows_as_the_ledger_reads(data_dir):
    """It showed the first 50 of the 576 rows after the import (2019's), in contract names and codes: the 3 rows being
    added, one of them read as 0 minutes, were never on screen before 确认导入."""
    units = checked_folder.read_folder(data_dir)["units"]
    names = dict(zip(units["unit_id"], units["name_zh"]))
    at = run_page("pages/07_data.py")
    upload = ("新增会议.xlsx", workbook.ledger_xlsx_bytes(TABLES["meetings"], _new_meetings(), units), XLSX)
    at.file_uploader(key="widget.uploads").set_value(upload).run()
    at.radio(key="widget.import_mode").set_value("append").run()
    at.button(key="widget.import_check").click().run()
    assert not at.exception
    assert [e.label for e in at.expander] == ["预览：会议，文件中要追加的3行（全部显示）"]
    shown = at.expander[0].dataframe[0].value
    assert list(shown.columns) == [column.zh for column in TABLES["meetings"].columns]
    assert list(shown.columns)[:5] == ["会议编号", "单位", "会议日期", "会议类型", "时长(分钟)"]
    assert json.loads(at.expander[0].dataframe[0].proto.columns)["会议编号"]["help"] == (
        "数据规范中的列名“meeting_id”（导入时也可作为本列表头）"
    )
    assert shown.drop(columns=["备注"]).values.tolist() == [
        ["HY2021-090", names["research"], date(2021, 3, 1), "党组（党委）会议", 90, 2, "是", "是", "否"],
        ["HY2021-091", names["chronicles"], date(2021, 3, 2), "办公会议", 45, 3, "是", "否", "否"],
        ["HY2021-092", names["research"], date(2021, 3, 3), "其他", 0, 4, "是", "是", "否"],
    ]
    assert shown["备注"].isna().all()


def test_a_replaces_preview_shows_the_new_table_in_the_pages_language(data_dir):
    frames = checked_folder.read_folder(data_dir)
    units = frames["units"]
    reminders = frames["reminders"].head(2)
    at = run_page("pages/07_data.py", {"lang": "en"})
    upload = ("reminders.xlsx", workbook.ledger_xlsx_bytes(TABLES["reminders"], reminders, units), XLSX)
    at.file_uploader(key="widget.uploads").set_value(upload).run()
    at.button(key="widget.import_check").click().run()
    assert not at.exception
    assert [e.label for e in at.expander] == ["Preview: Reminders after replacing, the file's 2 rows (all shown)"]
    shown = at.expander[0].dataframe[0].value
    english_names = dict(zip(units["unit_id"], units["name_en"]))
    # the headers a leader reads (they were the contract's reminder_id, unit, date …); those names stay in the hover
    assert shown.to_dict("list") == {
        "Reminder no.": list(reminders["reminder_id"]),
        "Unit": [english_names[unit] for unit in reminders["unit"]],
        "Reminder date": list(reminders["date"]),
        "Form": [i18n.choice_label(REMINDER_FORMS, form, "en") for form in reminders["form"]],
        "Subject": list(reminders["subject"]),
    }
    assert set(shown["Form"]) <= {"Written", "Face-to-face", "At a meeting"}  # labels, not codes
    config = json.loads(at.expander[0].dataframe[0].proto.columns)
    assert config["Reminder no."]["help"] == (
        "Column “reminder_id” of the data contract (also accepted as this column's header in an import)"
    )


def test_the_upload_box_takes_every_file_the_importer_reads(data_dir):
    """The box took .xlsx and .csv only: an .xls (or Excel's 文本文件, .txt) that the CLI imported got a red icon and
    an English tooltip. Its types are the importer's own list, and so is the list the refusal of any other file names."""
    at = run_page("pages/07_data.py")
    assert at.file_uploader(key="widget.uploads").proto.type == list(ingest.ACCEPTED_SUFFIXES)
    assert {".xlsx", ".xls", ".csv", ".tsv", ".txt"} <= set(ingest.ACCEPTED_SUFFIXES)
    for lang in ("zh-CN", "en"):
        assert re.findall(r"\.[a-z]+", i18n.t("error.not_a_spreadsheet", lang)) == list(ingest.ACCEPTED_SUFFIXES)


def test_current_data_and_templates_are_offered_for_every_table(data_dir):
    at = run_page("pages/07_data.py")
    labels = [button.proto.label for button in at.download_button]
    assert labels.count("问题：当前数据") == 1 or any(label.endswith("：当前数据") for label in labels)
    assert sum(label.endswith("：填报模板") for label in labels) == 6
    assert sum(label.endswith("：当前数据") for label in labels) == 6


def test_replacing_a_table_says_how_many_existing_rows_it_deletes(data_dir):
    """The mode the page opens on replaces the table: a reminders file of one row would delete the other rows, and
    the page says so before the import button; a check that fails says what replacing would delete and how to add
    rows instead (a clerk adding one issue got 27 problems in ledgers never uploaded)."""
    at = run_page("pages/07_data.py")
    assert at.radio(key="widget.import_mode").value == "replace"
    assert at.radio(key="widget.import_mode").options == ["替换整表", "追加记录"]  # capitalised words, not codes
    frames = checked_folder.read_folder(data_dir)
    one = workbook.ledger_xlsx_bytes(TABLES["reminders"], frames["reminders"].head(1), frames["units"])
    at.file_uploader(key="widget.uploads").set_value(("日常提醒.xlsx", one, XLSX)).run()
    at.button(key="widget.import_check").click().run()
    assert not at.exception
    deleted = len(frames["reminders"]) - 1
    assert [w.value for w in at.warning if "将删除现有记录" in w.value] == [
        f"日常提醒：导入后将删除现有记录{deleted}行（替换整表时，文件中没有的记录会被删除；导入后可撤销）。"
    ]
    assert at.button(key="widget.import_apply")  # the warning stands right above the button
    # an issues file of one row: the suggestions' links refuse it; no deletion is announced as if it would happen,
    # but the refusal says that replacing would delete the other rows, and how to add one instead
    before = _hashes(data_dir)
    at.file_uploader(key="widget.uploads").set_value(("问题.xlsx", _issues_file(_new_issue()), XLSX)).run()
    at.button(key="widget.import_check").click().run()
    assert at.error and not [w for w in at.warning if "将删除现有记录" in w.value]
    assert [w.value for w in at.warning if "替换整表会删除" in w.value] == [
        f"问题：替换整表会删除文件中没有的现有记录{len(frames['issues'])}行，下列问题多由此而来。"
        "如只是新增记录，请选“追加记录”后重新检查。"
    ]
    assert _hashes(data_dir) == before


def test_the_data_page_says_its_ledgers_are_whole_whatever_the_filter(data_dir):
    """Its head said 数据范围：省信访局；2020年第3季度 over full ledgers of every unit."""
    at = run_page("pages/07_data.py", {"unit": "petitions", "from": "2020Q3", "to": "2020Q3"})
    heads = [caption.value for caption in at.caption]
    assert heads[0] == "全部数据，不受筛选条件影响；数据截至2020年12月31日"
    assert not any(value.startswith("数据范围") for value in heads)


def test_the_check_warns_of_hidden_rows_it_imports_all_the_same(data_dir):
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(_issues_file(pd.concat([_new_issue("WT2020-901"), _new_issue()]))))
    book.active.row_dimensions[3].hidden = True  # the clerk hid WT2020-900 as withdrawn
    buffer = io.BytesIO()
    book.save(buffer)
    at = run_page("pages/07_data.py")
    at.file_uploader(key="widget.uploads").set_value(("问题清单.xlsx", buffer.getvalue(), XLSX)).run()
    at.radio(key="widget.import_mode").set_value("append").run()
    at.button(key="widget.import_check").click().run()
    assert not at.exception
    assert [as_read(w.value) for w in at.warning] == [
        r"问题清单\.xlsx · 工作表“问题”：第3行是隐藏的行，其中1条记录照常导入并计入统计。如这些记录已作废，请在文件中删除后重新检查。"
    ]
    assert at.success[0].value == "检查通过，可以导入。"  # counted, not refused: the ledger is the record


def _import(data_dir, name, issue_id):
    from oversight.ingest import commit, import_plan
    from oversight.ingest.files import Upload

    plan = import_plan.plan_import(Upload(name, _issues_file(_new_issue(issue_id))), "issues", "append", data_dir)
    return commit.apply_import(plan, user="test")


def test_undo_takes_back_only_the_import_its_confirmation_named(data_dir):
    """The page worked out the import to undo again on the click's run: an undo from the command line between the
    popover and the click (or a double-click's second click) took back the import before, which nobody confirmed."""
    from oversight.ingest import commit, import_history

    first = _import(data_dir, "第一批.xlsx", "WT2020-901")
    second = _import(data_dir, "第二批.xlsx", "WT2020-902")
    page = run_page("pages/07_data.py")
    from oversight.core import safe_text

    assert any("记录号 " + safe_text.markdown(second.id) in m.value for m in page.markdown if "将撤销" in m.value)
    commit.undo_last(data_dir, user="cli")  # someone else undoes the second import meanwhile
    page.button(key="widget.undo").click().run()
    assert not page.exception
    assert any("要撤销的导入已不是最近一次" in e.value for e in page.error)
    history = import_history.list_history(data_dir)
    assert [entry.undoes for entry in history if entry.undoes] == [second.id]  # the first import is still there
    assert history.undoable().id == first.id
    assert len(checked_folder.read_folder(data_dir)["issues"]) == 28


@pytest.mark.parametrize("change", ["mode", "another file", "table"])
def test_a_check_is_not_imported_once_its_files_or_options_change(data_dir, change):
    """Checked as 替换整表 with one file, then switched to 追加 with a second file added: 确认导入 replaced the table
    from the first file and ignored the second. Here checked as 追加, then the mode, the files or the table change."""
    before = _hashes(data_dir)
    at = run_page("pages/07_data.py")
    at.file_uploader(key="widget.uploads").set_value(("新增问题.xlsx", _issues_file(_new_issue()), XLSX)).run()
    at.selectbox(key="widget.import_table").set_value("issues").run()
    at.radio(key="widget.import_mode").set_value("append").run()
    at.button(key="widget.import_check").click().run()
    assert [b for b in at.button if b.key == "widget.import_apply"]  # the check passed: the import is offered
    if change == "mode":
        at.radio(key="widget.import_mode").set_value("replace").run()
    elif change == "table":
        at.selectbox(key="widget.import_table").set_value("").run()
    else:
        at.file_uploader(key="widget.uploads").set_value(
            [
                ("新增问题.xlsx", _issues_file(_new_issue()), XLSX),
                ("又一批.xlsx", _issues_file(_new_issue("WT2020-903")), XLSX),
            ]
        ).run()
    assert not at.exception
    assert not [b for b in at.button if b.key == "widget.import_apply"]
    assert any("请重新点击“检查文件”" in i.value for i in at.info)
    assert _hashes(data_dir) == before


def test_a_check_whose_files_left_the_upload_box_asks_for_them_again(data_dir):
    """The clerk checked a file, went to 总览 to compare, and came back: Streamlit empties the upload box when its page
    is left, and the page said 文件、数据表或导入方式已更改, which the clerk had not done. It says what happened."""
    before = _hashes(data_dir)
    at = run_page("pages/07_data.py")
    at.file_uploader(key="widget.uploads").set_value(("新增问题.xlsx", _issues_file(_new_issue()), XLSX)).run()
    at.radio(key="widget.import_mode").set_value("append").run()
    at.button(key="widget.import_check").click().run()
    assert [b for b in at.button if b.key == "widget.import_apply"]
    at.file_uploader(key="widget.uploads").set_value([]).run()  # what leaving the page and coming back leaves
    assert not at.exception
    assert not [b for b in at.button if b.key == "widget.import_apply"]
    assert [i.value for i in at.info] == [
        "检查过的文件已不在上传框中（离开本页或移除文件后上传框会清空），请重新上传文件并点击“检查文件”。"
    ]
    assert _hashes(data_dir) == before


def test_the_folders_own_ledger_again_offers_no_import(data_dir):
    """Nothing to import: said so, and no button that would write a history entry changing nothing."""
    before = _hashes(data_dir)
    at = run_page("pages/07_data.py")
    at.file_uploader(key="widget.uploads").set_value(
        ("issues.xlsx", (store.SAMPLE_DATA_DIR / "issues.xlsx").read_bytes(), XLSX)
    ).run()
    at.button(key="widget.import_check").click().run()
    assert not at.exception and not at.error
    assert [info.value for info in at.info] == ["检查通过，但文件中的数据与现有数据完全一致，没有需要导入的变化。"]
    assert "widget.import_apply" not in [button.key for button in at.button]
    assert _hashes(data_dir) == before


def test_ledger_downloads_are_named_in_the_pages_language():
    """An English data page gave 会议_template.xlsx and 问题_2020-12-31.xlsx beside English names everywhere else."""
    from oversight.ui.data_page import ledger_file_names

    day = date(2020, 12, 31)
    assert ledger_file_names(TABLES["issues"], "zh", day) == ("问题_2020-12-31.xlsx", "问题_填报模板.xlsx")
    assert ledger_file_names(TABLES["issues"], "en", day) == ("issues_2020-12-31.xlsx", "issues_template.xlsx")


def test_a_ledger_open_in_excel_is_named_before_the_button_and_again_when_opened_after_the_check(data_dir):
    """An append into issues.xlsx while a clerk had it open in Excel (~$issues.xlsx beside it) was imported: the
    clerk's next save there wrote the ledger back over the new issue."""
    from tests.bad_files import hash_tree

    owner = data_dir / "~$issues.xlsx"
    owner.write_bytes(b"\x0ewang\x00")
    before = hash_tree(data_dir)
    at = run_page("pages/07_data.py")
    at.file_uploader(key="widget.uploads").set_value(("新增问题.xlsx", _issues_file(_new_issue()), XLSX)).run()
    at.radio(key="widget.import_mode").set_value("append").run()
    at.button(key="widget.import_check").click().run()
    assert not at.exception
    assert "未导入任何数据" in at.error[0].value
    problems = at.dataframe[0].value
    assert list(problems["文件"]) == ["issues.xlsx"]
    assert list(problems["问题"])[0].startswith(
        "正在表格软件（Excel、WPS 或 LibreOffice）中打开（旁边有 ~$issues.xlsx）"
    )
    assert not any(button.key == "widget.import_apply" for button in at.button)
    assert hash_tree(data_dir) == before
    # closed, checked, then opened again before 确认导入: the commit refuses it, under the folder's lock
    owner.unlink()
    at.button(key="widget.import_check").click().run()
    owner.write_bytes(b"\x0ewang\x00")
    before = hash_tree(data_dir)
    at.button(key="widget.import_apply").click().run()
    assert not at.exception
    said = at.error[0].value.replace("\\", "")  # the markdown's escapes
    assert said.startswith("导入未完成，数据未作任何改动：issues.xlsx：正在表格软件") and "旁边有 ~$issues.xlsx" in said
    assert hash_tree(data_dir) == before


def test_the_undo_confirmation_shows_a_files_name_as_the_history_line_above_it_does(data_dir):
    """The popover that confirms an undo named the import's files raw: "\\u202excod.xlsx" drew as xlsx.docx, and a name
    holding "；方式：替换" or "，记录号 …" read as more of the sentence, while the history line just above it spelled
    the one out and quoted the other. Now both show a file's name alike."""
    _import(data_dir, "\u202excod.xlsx", "WT2020-901")
    _import(data_dir, "第二批，记录号 20200101-000000-000000-issues.xlsx", "WT2020-902")
    page = run_page("pages/07_data.py")
    [confirm] = [m.value for m in page.markdown if "将撤销" in m.value]
    assert '（"第二批，记录号 20200101\\-000000\\-000000\\-issues\\.xlsx"，记录号 ' in confirm
    page.button(key="widget.undo").click().run()
    [confirm] = [m.value for m in page.markdown if "将撤销" in m.value]
    assert "\u202e" not in confirm and "（\\\\u202excod\\.xlsx，记录号 " in confirm
    history = [m.value for m in page.markdown if m.value.startswith("\\- ") or "\\u202e" in m.value]
    assert any("\\\\u202excod\\.xlsx" in line for line in history)


def _current_ledger_buttons(monkeypatch, kind: str = "current") -> dict[str, tuple[str, object]]:
    """What each 当前数据 (or 填报模板) button will hand over when clicked: its file name and its maker, by table (the
    maker runs on Streamlit's media request, which AppTest does not make)."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    buttons: dict[str, tuple[str, object]] = {}
    register = MediaFileManager.add_deferred

    def spy(self, data_callable, mimetype, coordinates, file_name=None, **options):
        key = str(options.get("element_id", ""))
        if f"download.{kind}." in key:
            buttons[key.rsplit(".", 1)[-1]] = (file_name, data_callable)
        return register(self, data_callable, mimetype, coordinates, file_name, **options)

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    return buttons


def _imported_elsewhere(data_dir, issue):
    """Another admin's import (or the command line's) while the page is open: issues.xlsx with one issue more."""
    issues = checked_folder.read_folder(data_dir)["issues"]
    (data_dir / "issues.xlsx").write_bytes(_issues_file(pd.concat([issues, issue], ignore_index=True)))


def test_the_current_ledger_is_the_data_as_they_are_when_clicked(data_dir, monkeypatch):
    """The 当前数据 file was made from the page run's store: after an import by someone else the clerk downloaded the
    old ledger, edited it and imported it back as a replace, dropping the other import's rows."""
    buttons = _current_ledger_buttons(monkeypatch)
    run_page("pages/07_data.py")
    file_name, make = buttons["issues"]
    assert file_name == "问题_2020-12-31.xlsx"
    _imported_elsewhere(data_dir, _new_issue("WT2020-900"))  # raised 2020-11-02: the data date stays
    ids = pd.read_excel(io.BytesIO(make()), dtype=str, engine="calamine").iloc[:, 0].tolist()
    assert "WT2020-900" in ids and len(ids) == 28
    line = json.loads(Path(os.environ["OVERSIGHT_AUDIT_LOG"]).read_text("utf-8").splitlines()[-1])
    assert (line["action"], line["details"]["file"], line["details"]["holds"]) == (
        "download",
        "问题_2020-12-31.xlsx",
        "whole_ledger",
    )


def test_a_current_ledger_whose_data_date_moved_since_the_page_was_drawn_is_refused_and_offered_anew(
    data_dir, monkeypatch
):
    """Named 问题_2020-12-31.xlsx when the page was drawn, the data now run to 2021-01-05: no file named with the
    old day; the refusal is audited, and the page's next run offers the ledger under its new date."""
    from oversight.ui.cards import DownloadRefused

    buttons = _current_ledger_buttons(monkeypatch)
    at = run_page("pages/07_data.py")
    late = _new_issue("WT2021-901")
    late["date_raised"] = date(2021, 1, 5)
    _imported_elsewhere(data_dir, late)
    with pytest.raises(DownloadRefused):
        buttons["issues"][1]()
    line = json.loads(Path(os.environ["OVERSIGHT_AUDIT_LOG"]).read_text("utf-8").splitlines()[-1])
    assert (line["action"], line["details"]) == ("refused", {"reason": "data_changed", "file": "问题_2020-12-31.xlsx"})
    assert i18n.t("auth.audit.value.reason.data_changed", "zh") == "数据在页面打开后已更新，数据日期已变"
    at.run()
    file_name, make = buttons["issues"]
    assert file_name == "问题_2021-01-05.xlsx"
    assert "WT2021-901" in pd.read_excel(io.BytesIO(make()), dtype=str, engine="calamine").iloc[:, 0].tolist()


def test_a_template_clicked_after_a_unit_was_added_offers_it_in_the_units_drop_down(data_dir, monkeypatch):
    """The template's unit list was the page run's: a unit added by another admin's import was missing from it."""
    from openpyxl import load_workbook

    templates = _current_ledger_buttons(monkeypatch, "template")
    run_page("pages/07_data.py")
    units = checked_folder.read_folder(data_dir)["units"]
    added = units.iloc[[0]].assign(
        unit_id="newoffice", name_zh="省新设办公室", name_en="New Office", short_names="新设办", short_name_en="New"
    )
    (data_dir / "units.xlsx").write_bytes(
        workbook.ledger_xlsx_bytes(TABLES["units"], pd.concat([units, added], ignore_index=True), None)
    )
    book = load_workbook(io.BytesIO(templates["issues"][1]()))
    listed = [cell.value for sheet in book.worksheets[1:] for row in sheet.iter_rows() for cell in row]
    assert "省新设办公室" in listed and "省政府研究室" in listed
