"""Ordinary mistakes and odd but legal inputs at the command line: a sentence and an exit code, never a traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from oversight.__main__ import main
from oversight.auth import audit
from oversight.data import store
from oversight.data.filters import Quarter
from oversight.ingest import commit, import_plan
from tests.bad_files import HEADERS, meeting, write_xlsx


@pytest.fixture
def data_folder(tmp_path, monkeypatch):
    import shutil

    folder = shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data")
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(folder))
    return folder


@pytest.mark.parametrize("text", ["0000Q1", "1899Q4", "3000Q1"])
def test_a_quarter_outside_any_sensible_year_is_not_a_quarter(text):
    with pytest.raises(ValueError):
        Quarter.parse(text)  # "0000Q1" passed and then failed as a date (year 0), with a traceback


def test_brief_from_year_zero_says_so(capsys):
    assert main(["brief", "--from", "0000Q1", "--to", "2020Q1"]) == 1
    error = capsys.readouterr().err
    assert "0000Q1" in error and "Traceback" not in error


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("zh", "日期2018-12-31早于数据中最早的季度（2019年第1季度），那时的情况无从得知。"),
        ("en", "2018-12-31 is before the first quarter in the data (2019 Q1): nothing is known about it."),
    ],
)
def test_brief_as_of_a_day_before_the_data_is_refused_as_alerts_refuses_it(capsys, tmp_path, lang, said):
    """The latest period complete on a day before the records begin is none: brief wrote the first quarter's pack
    and exited 0 (a year mistyped 2018 in a timer's command), where alerts refused the same day."""
    out = tmp_path / "out"
    out.mkdir()
    for command in ("brief", "alerts"):
        argv = [command, "--as-of", "2018-12-31", "--lang", lang]
        assert main(argv + (["--format", "docx", "--out", str(out)] if command == "brief" else [])) == 1
        captured = capsys.readouterr()
        assert captured.err.strip() == said and captured.out == ""
    assert list(out.iterdir()) == []


@pytest.mark.parametrize(
    "argv",
    [
        ["brief", "--format", "docx", "--out", ""],
        ["sample", "--out", " "],
        ["validate", ""],
        ["import", "", "--table", "meetings"],
        ["template", "--table", "issues", "--out", ""],
        ["alerts", "--settings", ""],
    ],
    ids=lambda argv: argv[0],
)
@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("zh", "不能为空（常见于未设置的变量），请写出路径。"),
        ("en", "must not be empty (as an unset variable gives it); give a path."),
    ],
)
def test_an_empty_path_is_refused_not_read_as_the_current_folder(capsys, tmp_path, monkeypatch, argv, lang, said):
    """Path("") is ".": brief --out "$DIR" with DIR unset wrote the pack marked 内部资料 into whatever folder the
    command ran in, and sample --out "" six ledgers, both exit 0."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stopped:
        main([*argv, "--lang", lang])
    assert stopped.value.code == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert error.endswith(said) and ("--" in error or "FILE" in error)
    assert list(tmp_path.iterdir()) == []


def test_brief_with_an_empty_range_is_refused_not_briefed_for_the_default_period(capsys, tmp_path):
    """--from "$FROM" --to "$TO" with both unset was taken as no range: the default year's pack, exit 0."""
    argv = ["brief", "--format", "docx", "--out", str(tmp_path), "--from", "", "--to", ""]
    assert main(argv) == 1
    assert capsys.readouterr().err.strip() == "季度“”无法识别，请写成2020Q4。"
    assert main(["brief", "--format", "docx", "--out", str(tmp_path), "--from", "", "--lang", "en"]) == 1
    # a quarter given but not one is named first, even alone (not "give --to as well", then a second refusal)
    assert capsys.readouterr().err.strip() == "“” is not a quarter: write it as 2020Q4."
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "zh",
            "会议：替换整表将删除现有记录573行（文件中没有它们）。\n"
            "未导入任何数据。如只是新增记录，请加 --mode append；确需替换整表，请加 --mode replace。",
        ),
        (
            "en",
            "Meetings: replacing the whole table would remove 573 existing rows (the file does not hold them).\n"
            "Nothing was imported. To add the file's records, give --mode append; to replace the whole table, give "
            "--mode replace.",
        ),
    ],
)
def test_import_without_a_mode_does_not_replace_away_the_tables_rows(
    data_folder, tmp_path, monkeypatch, capsys, lang, said
):
    """--mode forgotten on a file of one new meeting: the default replace left the table that one meeting (573 rows
    deleted), exit 0, nothing asked. Asked for by name, the replace is made; a replace that removes nothing is too."""
    monkeypatch.setenv("OVERSIGHT_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    new = write_xlsx(tmp_path / "new.xlsx", {"会议": [HEADERS["meetings"], meeting("HY2021-0801")]})
    before = {path.name: path.read_bytes() for path in data_folder.glob("*.xlsx")}
    assert main(["import", str(new), "--lang", lang]) == 1
    assert capsys.readouterr().err.strip() == said
    assert {path.name: path.read_bytes() for path in data_folder.glob("*.xlsx")} == before
    assert not (data_folder / ".history").exists() or not any((data_folder / ".history").iterdir())
    # validate with the same arguments says so, where it said only 检查通过，可以导入 (its status is the file's: 0)
    assert main(["validate", str(new), "--lang", lang]) == 0
    assert capsys.readouterr().err.splitlines()[0] == said.splitlines()[0]
    assert main(["import", str(new), "--mode", "append"]) == 0
    assert main(["import", str(new), "--mode", "replace"]) == 0  # by name: the table becomes the file
    from oversight.ingest import checked_folder

    assert list(checked_folder.read_folder(data_folder)["meetings"]["meeting_id"]) == ["HY2021-0801"]


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("zh", "会议：替换整表将删除现有记录573行（文件中没有它们）"),
        ("en", "Meetings: replacing the whole table would remove 573 existing rows (the file does not hold them)"),
    ],
)
def test_validate_json_carries_the_replace_that_import_would_refuse(data_folder, tmp_path, capsys, lang, said):
    """``validate --json`` of a file of one new meeting, --mode forgotten: the text said on stderr that ``import``
    would refuse to replace 573 meetings away; the JSON, all a script reads, said "ok": true and nothing more."""
    new = write_xlsx(tmp_path / "new.xlsx", {"会议": [HEADERS["meetings"], meeting("HY2021-0801")]})
    assert main(["validate", str(new), "--json", "--lang", lang]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True
    assert report["replace_not_asked"] == [{"table": "meetings", "removed": 573, "message": said}]
    assert main(["validate", str(new), "--json", "--mode", "append"]) == 0  # the mode given: nothing to refuse
    assert json.loads(capsys.readouterr().out)["replace_not_asked"] == []


def test_a_file_whose_name_is_not_utf8_imports(data_folder, tmp_path, monkeypatch):
    """A file unzipped from a GBK archive keeps bytes in its name that are not UTF-8: the import's history entry
    could not be written ("处理失败（UnicodeEncodeError）") after its check had passed."""
    monkeypatch.setenv("OVERSIGHT_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    good = write_xlsx(tmp_path / "ok.xlsx", {"会议": [HEADERS["meetings"], meeting()]})
    odd = Path(os.fsdecode(bytes(tmp_path) + b"/\xff\xfe_meetings.xlsx"))
    good.rename(odd)
    plan = import_plan.plan_import(odd, mode="append", folder=data_folder)
    assert plan.ok
    entry = commit.apply_import(plan, user="test")
    assert "��_meetings.xlsx" in json.dumps(
        entry.as_dict() if hasattr(entry, "as_dict") else str(entry), ensure_ascii=False
    )


def test_an_audit_line_with_a_name_that_is_not_utf8_is_still_utf8(tmp_path):
    path = tmp_path / "audit.jsonl"
    audit.record("download", account="a", details={"file": os.fsdecode(b"\xffdir/x.docx")}, path=path)
    assert json.loads(path.read_bytes().decode("utf-8"))["details"]["file"] == os.fsdecode(b"\xffdir/x.docx")


def test_alerts_with_a_settings_file_that_is_not_there_says_so(capsys, tmp_path):
    """It ran with the defaults, silently, as if no file had been named."""
    missing = tmp_path / "alerts.toml"
    assert main(["alerts", "--settings", str(missing)]) == 1
    error = capsys.readouterr().err
    assert str(missing) in error and "文件不存在" in error


def test_brief_with_an_empty_format_list_is_refused(capsys):
    """`--format ""` wrote nothing, exited 0 and audited a download of no file."""
    assert main(["brief", "--format", ""]) == 1
    assert "pptx" in capsys.readouterr().err


@pytest.mark.parametrize(("days", "lang"), [("-1", "zh"), ("999", "en")])
def test_alerts_due_within_out_of_range_is_a_sentence(capsys, tmp_path, monkeypatch, days, lang):
    """It printed "--due-within: 0 … 366" in either language."""
    monkeypatch.setenv("OVERSIGHT_ALERTS_FILE", str(tmp_path / "alerts.toml"))
    assert main(["alerts", "--due-within", days, "--lang", lang]) == 1
    expected = {
        "zh": f"--due-within 应为0到366之间的天数（现为{days}）。",
        "en": f"--due-within takes a number of days from 0 to 366 (it is {days}).",
    }
    assert capsys.readouterr().err.strip() == expected[lang]


def test_alerts_settings_naming_a_folder_says_it_is_a_folder(capsys, tmp_path):
    """It said the file did not exist."""
    assert main(["alerts", "--settings", str(tmp_path)]) == 1
    assert capsys.readouterr().err.strip() == f"预警设置文件 {tmp_path} 有误：--settings：这是文件夹，不是文件。"


def test_sample_out_where_nothing_can_be_written(capsys):
    """It said 处理失败（FileNotFoundError）."""
    assert main(["sample", "--out", "/proc/oversight-sample"]) == 1
    error = capsys.readouterr().err.strip()
    assert error.startswith("无法写入 /proc/oversight-sample：") and "Error" not in error


def test_sample_out_that_is_a_file(capsys, tmp_path):
    """It said 处理失败（FileExistsError）."""
    (tmp_path / "notes.txt").write_text("x")
    assert main(["sample", "--out", str(tmp_path / "notes.txt")]) == 1
    assert capsys.readouterr().err.strip() == f"无法写入 {tmp_path / 'notes.txt'}：已有同名的文件。"
    assert (tmp_path / "notes.txt").read_text() == "x"


def test_sample_speaks_the_language_asked_for_as_every_command_does(capsys, tmp_path):
    """sample alone refused --lang en (无法识别的参数) and said everything in Chinese, its list of files joined by 、."""
    (tmp_path / "meetings.xlsx").write_bytes(b"a ledger of the office")
    (tmp_path / "issues.csv").write_text("问题编号\n")
    assert main(["sample", "--out", str(tmp_path), "--lang", "en"]) == 1
    assert capsys.readouterr().err.strip() == (
        f"The folder {tmp_path} holds ledgers that differ from what would be written: meetings.xlsx, issues.csv. "
        "Writing the sample would overwrite them; nothing was changed. To overwrite them, add --force, or choose "
        "another folder with --out."
    )
    assert main(["sample", "--out", str(tmp_path / "x"), "--scale", "0", "--lang", "en"]) == 2
    assert capsys.readouterr().err.strip() == "--scale needs at least 1 meeting."
    assert main(["sample", "--out", "/proc/oversight-sample", "--lang", "en"]) == 1
    assert capsys.readouterr().err.strip() == (
        "Could not write /proc/oversight-sample: the place does not exist or does not take new files."
    )
    assert main(["sample", "--out", str(tmp_path)]) == 1  # Chinese by default, as before
    assert "中已有与要生成的数据不同的台账：meetings.xlsx、issues.csv。" in capsys.readouterr().err
    assert (tmp_path / "meetings.xlsx").read_bytes() == b"a ledger of the office"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("what", ["missing", "a file"])
def test_a_data_folder_that_is_not_there_is_named_once(capsys, tmp_path, monkeypatch, what, lang):
    """A mistyped OVERSIGHT_DATA_DIR read as six missing ledgers (units.xlsx: 缺少监督单位数据文件, …)."""
    folder = tmp_path / "dta"
    if what == "a file":
        folder.write_text("not a folder", "utf-8")
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(folder))
    assert main(["brief", "--lang", lang, "--out", str(tmp_path / "out"), "--format", "pdf"]) == 1
    error = capsys.readouterr().err
    # on stderr a line of its own, opened as a sentence; in validate's report, a problem after its place
    said, expected = {
        ("missing", "zh"): ("数据文件夹不存在", "数据文件夹不存在"),
        ("missing", "en"): ("The data folder does not exist", "the data folder does not exist"),
        # not "does not exist": it is there, as a file
        ("a file", "zh"): ("数据文件夹是一个文件，不是文件夹", "数据文件夹是一个文件，不是文件夹"),
        ("a file", "en"): ("The data folder is a file, not a folder", "the data folder is a file, not a folder"),
    }[what, lang]
    assert error.strip().splitlines() == [error.strip()] and error.startswith(said) and str(folder) in error
    assert ".xlsx" not in error and "Traceback" not in error
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    # checking a file against it named the folder too, not each row's unit as "not registered"
    assert main(["validate", str(store.SAMPLE_DATA_DIR / "meetings.xlsx"), "--lang", lang]) == 1
    error = capsys.readouterr()
    assert expected in error.out + error.err and "Traceback" not in error.err
    assert len([line for line in (error.out + error.err).splitlines() if line.strip()]) == 2


@pytest.mark.parametrize("inside", ["", "packs"])
def test_brief_into_the_data_folder_is_refused(data_folder, capsys, inside):
    """`brief --out <data folder>` wrote the pack's ZIP beside the ledgers and exited 0; the template command refuses
    the same folder."""
    before = sorted(path.name for path in data_folder.rglob("*"))
    out = data_folder / inside if inside else data_folder
    assert main(["brief", "--out", str(out), "--format", "zip"]) == 1
    error = capsys.readouterr().err
    assert "简报不能写入数据文件夹" in error and "Traceback" not in error
    assert sorted(path.name for path in data_folder.rglob("*")) == before


@pytest.mark.parametrize(
    ("where", "lang", "expected"),
    [
        (
            "briefs",
            "zh",
            "简报含内部资料，不能写入代码仓库内（{folder}）：仓库里的文件离被提交共享只差一次 git add。"
            "请用 --out 指定仓库外的文件夹。",
        ),
        (
            "",  # no --out, run from the checkout: the default "." is the repository
            "en",
            "The briefing pack is marked internal and must not be written inside the code repository ({folder}): "
            "there it is one git add from being shared. Name a folder outside the repository with --out.",
        ),
        (
            "link",  # a link outside the repository to a folder inside it
            "zh",
            "简报含内部资料，不能写入代码仓库内（{folder}）：仓库里的文件离被提交共享只差一次 git add。"
            "请用 --out 指定仓库外的文件夹。",
        ),
    ],
    ids=["briefs-zh", "default-en", "link-zh"],
)
def test_brief_into_the_repository_is_refused_before_the_pack_is_built(
    tmp_path, capsys, monkeypatch, where, lang, expected
):
    """`brief --out /srv/oversight/briefs` (ALERTS.md's own example, the checkout of DEPLOY.md) wrote packs marked
    内部资料 into the checkout, where `git status` listed them: the settings file is refused there for its secrets."""
    from oversight import config
    from oversight.push import brief_job

    monkeypatch.setenv("OVERSIGHT_ALERTS_FILE", str(tmp_path / "conf" / "alerts.toml"))
    monkeypatch.setattr(brief_job, "build", lambda *a, **k: pytest.fail("built a pack it may not write"))
    inside = config.PROJECT_ROOT / "test-output" / "briefs-refused"
    argv = ["brief", "--format", "pdf", "--lang", lang]
    if where == "briefs":
        out = inside
        argv += ["--out", str(out)]
    elif where == "link":
        out = tmp_path / "link"
        out.symlink_to(config.PROJECT_ROOT / "test-output", target_is_directory=True)
        argv += ["--out", str(out)]
    else:
        out = config.PROJECT_ROOT
        monkeypatch.chdir(config.PROJECT_ROOT)
    assert main(argv) == 1
    assert capsys.readouterr().err.strip() == expected.format(folder=out)
    assert not inside.exists() and audit.read_audit(action="download") == []


class _ReaderLeavesAfterOneLine:
    """A pipe whose reader (``head -1``) takes one write and goes."""

    def __init__(self, descriptor: int) -> None:
        self.taken: list[str] = []
        self.descriptor = descriptor  # what the command points at /dev/null once the reader has gone

    def fileno(self) -> int:
        return self.descriptor

    def write(self, text: str) -> int:
        if self.taken:
            raise BrokenPipeError(32, "Broken pipe")
        self.taken.append(text)
        return len(text)

    def flush(self) -> None:
        pass


def test_a_reader_that_stops_reading_does_not_change_the_exit_status(data_folder, tmp_path, monkeypatch):
    """The BrokenPipeError of `validate bad.xlsx | head -1` was caught around the whole command and read as done:
    exit 0 for a file with problems (documented: 1), and a command with work left after printing stopped there."""
    bad = write_xlsx(tmp_path / "bad.xlsx", {"会议": [HEADERS["meetings"], meeting(duration=-5), meeting(duration=-6)]})
    descriptor = os.open(tmp_path / "stdout", os.O_WRONLY | os.O_CREAT)
    for argv in (["validate", str(bad), "--mode", "append"], ["validate", str(bad), "--mode", "append", "--json"]):
        pipe = _ReaderLeavesAfterOneLine(descriptor)
        monkeypatch.setattr("sys.stdout", pipe)
        assert main(argv) == 1
        assert len(pipe.taken) == 1
    # an import whose report fills the pipe before it is done is still done
    good = write_xlsx(tmp_path / "good.xlsx", {"会议": [HEADERS["meetings"], meeting("HY2021-0777")]})
    monkeypatch.setattr("sys.stdout", _ReaderLeavesAfterOneLine(descriptor))
    monkeypatch.setenv("OVERSIGHT_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    assert main(["import", str(good), "--mode", "append"]) == 0
    assert "HY2021-0777" in store_ids(data_folder)
    os.close(descriptor)


def store_ids(folder: Path) -> set[str]:
    from oversight.ingest import checked_folder

    return set(checked_folder.read_folder(folder)["meetings"]["meeting_id"])
