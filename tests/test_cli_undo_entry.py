"""Two admins at the command line: ``undo --entry`` undoes the import it names, or nothing.

王秘书 imported the reminders and, seeing a mistake, typed ``undo``; a second before, 李主任 had imported the meetings
from another terminal. ``undo`` undoes the newest import not undone: it took 李主任's meetings back (their rows gone,
no word to him) and left 王秘书's reminders in. The page asks to confirm the import it names and undoes that one only;
the command line now can name it too (``history`` lists the ids): ``undo --entry ID`` undoes that import, and where
another one has landed since it refuses, naming the newest, with nothing undone.
"""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from oversight.__main__ import main
from oversight.core import i18n
from oversight.data import store
from oversight.ingest import import_history
from tests.bad_files import HEADERS, meeting, one_more_reminder, write_xlsx


@pytest.fixture
def data_folder(tmp_path, monkeypatch):
    folder = shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data", ignore=shutil.ignore_patterns(".*"))
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(folder))
    monkeypatch.setenv("OVERSIGHT_USER", "王秘书")
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "users.toml").touch()  # local mode
    monkeypatch.setenv("OVERSIGHT_USERS_FILE", str(tmp_path / "conf" / "users.toml"))
    monkeypatch.setenv("OVERSIGHT_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    return folder


def _ids(folder) -> list[tuple[str, str | None]]:
    return [(entry.id, entry.undoes) for entry in import_history.list_history(folder)]


@pytest.mark.parametrize(
    ("lang", "said"), [("zh", "已不是最近一次未撤销的导入"), ("en", "is no longer the latest import not undone")]
)
def test_undo_of_a_named_import_after_another_landed_undoes_nothing(data_folder, tmp_path, capsys, lang, said):
    assert main(["import", str(one_more_reminder(tmp_path)), "--table", "reminders", "--mode", "append"]) == 0
    mine = import_history.list_history(data_folder).undoable().id
    meetings = write_xlsx(
        tmp_path / "会议.xlsx", {"会议": [HEADERS["meetings"], meeting("HY2020-9001", day=date(2020, 6, 2))]}
    )
    assert main(["import", str(meetings), "--table", "meetings", "--mode", "append"]) == 0  # the other admin's
    theirs = import_history.list_history(data_folder).undoable().id
    before = _ids(data_folder)
    capsys.readouterr()

    assert main(["undo", "--entry", mine, "--lang", lang]) == 1

    err = capsys.readouterr().err
    assert said in err and theirs in err and mine in err, err
    assert _ids(data_folder) == before  # nothing undone: no undo entry, the other admin's meetings still in


def test_undo_of_the_named_import_when_it_is_the_newest(data_folder, tmp_path, capsys):
    assert main(["import", str(one_more_reminder(tmp_path)), "--table", "reminders", "--mode", "append"]) == 0
    mine = import_history.list_history(data_folder).undoable().id
    assert f"undo --entry {mine}" in capsys.readouterr().out  # what the import says to run is the pinned undo
    assert main(["undo", "--entry", mine]) == 0
    assert mine in capsys.readouterr().out
    assert import_history.list_history(data_folder).undoable() is None


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_undo_of_an_id_that_is_not_the_newest_import_says_what_it_is(data_folder, tmp_path, capsys, lang):
    """Every id but the newest import's was said as "导入 X 已不是最近一次未撤销的导入" (X no longer the latest): of an id
    no history holds (a typo, another folder's, ``../x``), of an undo's own entry, of an import undone already; an id
    copied with a space (no id holds one) was refused naming the same id as the newest; an empty one read 导入  已不是…"""
    assert main(["import", str(one_more_reminder(tmp_path)), "--table", "reminders", "--mode", "append"]) == 0
    first = import_history.list_history(data_folder).undoable().id
    assert main(["undo"]) == 0
    undo = import_history.list_history(data_folder)[-1].id
    assert main(["import", str(one_more_reminder(tmp_path)), "--table", "reminders", "--mode", "append"]) == 0
    newest = import_history.list_history(data_folder).undoable().id
    before = _ids(data_folder)
    capsys.readouterr()
    said = {
        "zh": {
            "../x": "导入记录中没有记录号 ../x",
            undo: f"{undo} 是一次撤销的记录号，不是导入",
            first: f"导入 {first} 已经撤销过",
        },
        "en": {"../x": "the history holds no entry ../x", undo: "is an undo's entry", first: "has been undone already"},
    }[lang]
    for entry_id, words in said.items():
        assert main(["undo", "--entry", entry_id, "--lang", lang]) == 1
        err = capsys.readouterr().err
        assert words in err and newest in err and "已不是最近一次" not in err and "no longer" not in err, err
    assert main(["undo", "--entry", "", "--lang", lang]) == 1
    assert "--entry" in capsys.readouterr().err
    assert _ids(data_folder) == before  # nothing undone by any of them
    assert main(["undo", "--entry", f" {newest}\t", "--lang", lang]) == 0  # as copied from a terminal
    assert newest in capsys.readouterr().out


@pytest.mark.parametrize(("lang", "name"), [("zh", "记录号"), ("en", "entry")])
def test_undo_help_names_the_id_as_history_lists_it(capsys, lang, name):
    """``undo --help`` asked for "history 列出的编号", where history lists each import's 记录号 (and the undo's refusals,
    the import's own "可用 undo --entry {id}" and the page's confirmation say 记录号): 编号 is the ledgers' own word, a
    meeting's or an issue's, and a clerk went looking for a 编号 column. One name, as history shows it."""
    from tests.test_cli_help import help_output

    shown = i18n.t("data.history.import", lang, at="", user="", sources="", mode="", tables="", id="X")
    assert f"{name} X" in shown  # what history writes before each id
    entry_help = i18n.t("cli.help.undo.entry", lang)
    assert name in entry_help, entry_help
    if lang == "zh":
        assert "编号" not in entry_help.replace("记录号", ""), entry_help
    # and it is what ``undo --help`` prints (wrapped by argparse: compared without the white space)
    printed = help_output(capsys, "undo", "--help", "--lang", lang)
    assert "".join(entry_help.split()) in "".join(printed.split())
