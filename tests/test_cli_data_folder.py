"""A data folder that is not one (a mistyped OVERSIGHT_DATA_DIR, a file), and a failure the CLI did not expect: one
sentence in the reader's language, an exit status, no traceback, and nothing made on disk."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from oversight.cli.main import main
from oversight.core import locking
from oversight.data import store
from oversight.ingest import commit, folder_lock, import_plan
from tests.bad_files import HEADERS, meeting, write_xlsx

ROOT = Path(__file__).resolve().parent.parent
MEETINGS = str(store.SAMPLE_DATA_DIR / "meetings.xlsx")

MISSING = {
    "zh": "数据文件夹不存在：{folder}（请检查 OVERSIGHT_DATA_DIR）",
    "en": "the data folder does not exist: {folder} (check OVERSIGHT_DATA_DIR)",
}
A_FILE = {
    "zh": "数据文件夹是一个文件，不是文件夹：{folder}（请检查 OVERSIGHT_DATA_DIR）",
    "en": "the data folder is a file, not a folder: {folder} (check OVERSIGHT_DATA_DIR)",
}
# the lines the commands print on stderr: sentences, opened and ended
SAID_MISSING = {
    "zh": "数据文件夹不存在：{folder}（请检查 OVERSIGHT_DATA_DIR）。\n",
    "en": "The data folder does not exist: {folder} (check OVERSIGHT_DATA_DIR).\n",
}
SAID_A_FILE = {
    "zh": "数据文件夹是一个文件，不是文件夹：{folder}（请检查 OVERSIGHT_DATA_DIR）。\n",
    "en": "The data folder is a file, not a folder: {folder} (check OVERSIGHT_DATA_DIR).\n",
}
COMMANDS = {
    "history": ["history"],
    "import": ["import", MEETINGS, "--table", "meetings", "--mode", "append"],
    "undo": ["undo"],
    "alerts": ["alerts"],
    "brief": ["brief", "--format", "pdf"],
}


def _tree(folder: Path) -> list[str]:
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*"))


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_mistyped_data_folder_is_named_and_not_made(capsys, tmp_path, monkeypatch, command, lang):
    """`history`, `import` and `undo` took the folder's lock first, which made the folder (with .oversight.lock in
    it): history said 还没有导入记录 (exit 0), import listed every row's unit as not registered, and every later
    command read an empty folder instead of naming the typo."""
    folder = tmp_path / "dta"
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(folder))
    argv = [*COMMANDS[command], "--lang", lang]
    if command == "brief":
        argv += ["--out", str(tmp_path / "out")]
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert captured.err == SAID_MISSING[lang].format(folder=folder)
    assert captured.out == "" and "Traceback" not in captured.err
    assert not folder.exists()
    assert main(argv) == 1  # and again: the first run made nothing that the second would read
    assert capsys.readouterr().err == SAID_MISSING[lang].format(folder=folder)
    assert not folder.exists()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_data_folder_that_is_a_file_is_named_as_a_file(capsys, tmp_path, monkeypatch, command, lang):
    """import and undo printed a traceback and 处理失败（FileExistsError）; history said 还没有导入记录; alerts and
    brief said the folder did not exist."""
    folder = tmp_path / "issues.csv"
    folder.write_text("编号\n", encoding="utf-8")
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(folder))
    argv = [*COMMANDS[command], "--lang", lang]
    if command == "brief":
        argv += ["--out", str(tmp_path / "out")]
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert captured.err == SAID_A_FILE[lang].format(folder=folder)
    assert captured.out == "" and "Traceback" not in captured.err
    assert folder.read_text(encoding="utf-8") == "编号\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["issues.csv"]


@pytest.mark.parametrize("json_output", [False, True])
def test_validate_names_a_data_folder_that_is_a_file(capsys, tmp_path, monkeypatch, json_output):
    folder = tmp_path / "issues.csv"
    folder.write_text("x", encoding="utf-8")
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(folder))
    assert main(["validate", MEETINGS, *(["--json"] if json_output else [])]) == 1
    out = capsys.readouterr().out
    assert A_FILE["zh"].format(folder=folder) in out and "不存在" not in out
    if json_output:
        assert '"key": "error.folder_is_file"' in out


def test_the_lock_makes_no_folder(tmp_path):
    """The lock made the folder its file goes in: a mistyped data folder, made by whatever took its lock."""
    with pytest.raises(FileNotFoundError):
        with locking.held(tmp_path / "dta" / folder_lock.LOCK_FILE, timeout=0):
            pass
    with pytest.raises(FileNotFoundError):
        with folder_lock.exclusive(tmp_path / "dta", timeout=0):
            pass
    assert list(tmp_path.iterdir()) == []


def test_an_import_whose_folder_went_away_after_its_check_makes_none(tmp_path):
    """The Data page checks, then imports on a click: a folder removed (or renamed) in between was made again, empty
    but for the lock, and the import failed on it."""
    folder = shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data", ignore=shutil.ignore_patterns(".*"))
    new = write_xlsx(tmp_path / "new.xlsx", {"会议": [HEADERS["meetings"], meeting("HY2021-0001")]})
    plan = import_plan.plan_import([new], table="meetings", mode="append", folder=folder)
    assert plan.ok
    shutil.rmtree(folder)
    with pytest.raises(FileNotFoundError):
        commit.apply_import(plan, user="王秘书")
    assert not folder.exists()


def test_the_data_page_on_a_missing_folder_imports_nothing_and_makes_nothing(tmp_path, monkeypatch):
    from tests.apptest import run_page

    folder = tmp_path / "dta"
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(folder))
    at = run_page("pages/07_data.py")
    assert not at.exception
    assert MISSING["zh"].format(folder=folder) in at.code[0].value
    at.file_uploader(key="widget.uploads").set_value(
        ("meetings.xlsx", Path(MEETINGS).read_bytes(), "application/octet-stream")
    ).run()
    at.selectbox(key="widget.import_table").set_value("meetings").run()
    at.button(key="widget.import_check").click().run()
    assert not at.exception
    assert not any(button.key == "widget.import_apply" for button in at.button)
    assert not any(button.key == "widget.undo" for button in at.button)
    assert not folder.exists()


# ---------------------------------------------------------------- a fresh process, as a user runs it


def _run(*argv: str, **env: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key != "OVERSIGHT_DEBUG"}
    return subprocess.run(
        [sys.executable, "-m", "oversight", *argv],
        cwd=ROOT,
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_data_folder_that_is_a_file_as_a_user_meets_it(tmp_path):
    """The reviewer's case: a full traceback, then 处理失败（FileExistsError），数据未作任何改动."""
    folder = tmp_path / "issues.csv"
    folder.write_text("x", encoding="utf-8")
    result = _run("import", MEETINGS, "--table", "meetings", "--mode", "append", OVERSIGHT_DATA_DIR=str(folder))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == SAID_A_FILE["zh"].format(folder=folder)


@pytest.mark.parametrize("command", [["import", MEETINGS, "--table", "meetings"], ["undo"]])
def test_an_unexpected_failure_is_one_sentence_without_a_traceback(tmp_path, command):
    """describe_failure logged the traceback wherever logging had a handler, and the CLI's own basicConfig is one:
    every unexpected failure printed the whole traceback above its sentence. With OVERSIGHT_DEBUG it is shown."""
    folder = shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data", ignore=shutil.ignore_patterns(".*"))
    (folder / folder_lock.LOCK_FILE).mkdir()  # the lock cannot be opened: an error no sentence foresees
    before = _tree(folder)
    result = _run(*command, OVERSIGHT_DATA_DIR=str(folder))
    assert (result.returncode, result.stderr) == (2, "处理失败（IsADirectoryError），数据未作任何改动。\n")
    assert _tree(folder) == before
    english = _run(*command, "--lang", "en", OVERSIGHT_DATA_DIR=str(folder))
    assert english.stderr == "Processing failed (IsADirectoryError); the data was left unchanged.\n"
    debugged = _run(*command, OVERSIGHT_DATA_DIR=str(folder), OVERSIGHT_DEBUG="1")
    assert debugged.returncode == 1 and "Traceback" in debugged.stderr and "IsADirectoryError" in debugged.stderr


ENCODING = (
    "The terminal's character encoding (ascii) cannot show this text; set PYTHONIOENCODING=utf-8 or a UTF-8 locale "
    "(LANG=C.UTF-8) and try again.\n"
)


@pytest.mark.parametrize("argv", [["history"], ["--help"]])
def test_a_terminal_that_cannot_show_chinese_is_told_so_in_english(tmp_path, argv):
    """PYTHONIOENCODING=ascii: history printed a traceback (UnicodeEncodeError), then its sentence as \\uXXXX escapes;
    then the sentence alone, opened in lower case ("the terminal's …"): a line of its own opens as a sentence."""
    folder = shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data", ignore=shutil.ignore_patterns(".*"))
    result = _run(*argv, OVERSIGHT_DATA_DIR=str(folder), PYTHONIOENCODING="ascii")
    assert (result.returncode, result.stderr) == (2, ENCODING)
    utf8 = _run(*argv, OVERSIGHT_DATA_DIR=str(folder), PYTHONIOENCODING="utf-8")
    assert utf8.returncode == 0 and utf8.stderr == ""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_pages_and_the_checks_name_a_file_as_a_file(tmp_path, lang):
    """The dashboard's pages (``checked_folder``) and the Data page's check (``import_plan``) said a data folder that
    is a file "does not exist", while the commands said it is a file: one function says it for all of them."""
    from oversight.ingest import ValidationError, checked_folder

    a_file = tmp_path / "ledgers.csv"
    a_file.write_text("x\n", encoding="utf-8")
    with pytest.raises(ValidationError) as raised:
        checked_folder.read_folder(a_file)
    assert [problem.message(lang) for problem in raised.value.problems] == [A_FILE[lang].format(folder=a_file)]
    plan = import_plan.plan_import([Path(MEETINGS)], folder=a_file, table="meetings", mode="append")
    assert [problem.message(lang) for problem in plan.problems] == [A_FILE[lang].format(folder=a_file)]
    missing = tmp_path / "no-such-folder"
    plan = import_plan.plan_import([Path(MEETINGS)], folder=missing, table="meetings", mode="append")
    assert [problem.message(lang) for problem in plan.problems] == [MISSING[lang].format(folder=missing)]
    assert not missing.exists() and a_file.read_text(encoding="utf-8") == "x\n"


UNREADABLE = {
    "zh": "数据文件夹无法读取（没有读取权限），请管理员检查它的权限：{folder}\n",
    "en": "The data folder cannot be read (no permission); an administrator should check its permissions: {folder}\n",
}


def _as_someone_the_folder_refuses() -> list[str]:
    """The command's prefix that makes a folder of mode 000 refuse it as it refuses a clerk's account: nothing when
    the tests run as an ordinary user; as root (whom no mode refuses), a user namespace, where root's files are no
    longer root's to override (``unshare --user``)."""
    return ["unshare", "--user"] if os.geteuid() == 0 else []


@pytest.mark.parametrize(
    ("command", "lang"),
    [("history", "zh"), ("validate", "en"), ("import", "zh"), ("undo", "en"), ("alerts", "zh"), ("brief", "en")],
)
def test_a_data_folder_that_cannot_be_read_is_named_as_such(tmp_path, command, lang):
    """A data folder the account may not read (mode 000, a share mounted for another account): ``history``,
    ``validate`` and ``alerts`` said 数据文件夹不可写入……数据未作任何改动, exit 2, of a folder they only read, a change
    none makes, no folder named. Now the folder is named as unreadable, exit 1 (a problem of the data folder)."""
    folder = shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data")
    (tmp_path / "conf").mkdir()
    args = {**COMMANDS, "validate": ["validate", MEETINGS]}[command]
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT),
        OVERSIGHT_DATA_DIR=str(folder),
        XDG_CONFIG_HOME=str(tmp_path / "conf"),
        OVERSIGHT_AUDIT_LOG=str(tmp_path / "conf" / "audit.jsonl"),
    )
    env.pop("OVERSIGHT_USERS_FILE", None)
    env.pop("OVERSIGHT_DEBUG", None)
    folder.chmod(0)
    try:
        done = subprocess.run(
            [*_as_someone_the_folder_refuses(), sys.executable, "-m", "oversight", *args, "--lang", lang],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        folder.chmod(0o755)
    assert (done.returncode, done.stdout, done.stderr) == (1, "", UNREADABLE[lang].format(folder=folder))
