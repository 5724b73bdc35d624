"""Mistakes argparse itself catches (a missing value, an unknown option, a wrong choice, a missing required
argument) are told in the command line's language, with argparse's exit status 2."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import pytest

from oversight.cli.main import main


def exit_of(capsys, *argv: str) -> tuple[int, str, str]:
    """The exit status argparse ends the command line with, and what it wrote to stdout and stderr."""
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    captured = capsys.readouterr()
    return exited.value.code, captured.out, captured.err


def usage_error(capsys, *argv: str) -> str:
    status, out, err = exit_of(capsys, *argv)
    assert (status, out) == (2, "")
    return err


def test_a_missing_value_is_told_in_chinese(capsys):
    err = usage_error(capsys, "brief", "--from")
    assert err.startswith("用法：python -m oversight brief ")
    assert err.splitlines()[-1] == "python -m oversight brief：错误：参数 --from：缺少取值。"


@pytest.mark.parametrize(
    ("argv", "last_line"),
    [
        (["brief", "--bogus"], "python -m oversight brief：错误：无法识别的参数：--bogus"),  # no 。 to copy with it
        (
            ["validate", "--mode", "x", "f.xlsx"],
            "python -m oversight validate：错误：参数 --mode：“x”不是可选的值（可选：replace、append）。",
        ),
        (["template", "--table", "meetings"], "python -m oversight template：错误：缺少必需的参数：--out"),
        (
            [],
            "python -m oversight：错误：缺少必需的参数：{sample,validate,import,history,undo,template,user,brief,alerts}。",
        ),
        (["alerts", "--due-within", "x"], "python -m oversight alerts：错误：参数 --due-within：“x”不是有效的取值。"),
        (["alerts", "--json=yes"], "python -m oversight alerts：错误：参数 --json：此选项不带取值（给了 'yes'）。"),
    ],
)
def test_usage_mistakes_are_told_in_chinese(capsys, argv, last_line):
    assert usage_error(capsys, *argv).splitlines()[-1] == last_line


@pytest.mark.parametrize(
    ("argv", "usage", "last_line"),
    [
        (["undo", "now"], "用法：python -m oversight undo ", "python -m oversight undo：错误：无法识别的参数：now"),
        (
            ["validate", "f.xlsx", "--tabel", "issues"],
            "用法：python -m oversight validate ",
            "python -m oversight validate：错误：无法识别的参数：--tabel issues（是否要写 --table？）",
        ),
        (
            ["user", "add", "x", "--role", "admin", "--pasword-stdin"],
            "用法：python -m oversight user add ",
            "python -m oversight user add：错误：无法识别的参数：--pasword-stdin（是否要写 --password-stdin？）",
        ),
        (
            ["import", "f.xlsx", "--lang", "en", "--mdoe=append"],
            "usage: python -m oversight import ",
            "python -m oversight import: error: unrecognized arguments: --mdoe=append (did you mean --mode?)",
        ),
    ],
)
def test_words_left_over_are_told_under_the_commands_own_usage(capsys, argv, usage, last_line):
    """``undo now``, ``validate f.xlsx --tabel issues``: refused under the whole tool's usage (python -m oversight
    [-h] [--lang …] {sample,validate,…}), which shows neither --table nor the command's options, and with no word of
    the option meant. Now under the command's usage, a misspelled option with the one it is close to."""
    err = usage_error(capsys, *argv)
    assert err.startswith(usage)
    assert err.splitlines()[-1] == last_line


@pytest.mark.parametrize(
    ("argv", "last_line"),
    [
        (
            ["validate", "f.xlsx", "—table", "issues"],
            "python -m oversight validate：错误：参数 FILE：“—table”像是选项，但开头的短横不是英文的“-”（中文输入法常打成"
            "破折号）；请写 --table",
        ),
        (
            ["import", "--lang", "en", "f.xlsx", "－－mode", "append"],
            "python -m oversight import: error: argument FILE: “－－mode” looks like an option, but its dashes are not "
            "the keyboard's hyphen-minus “-” (as a word processor or a Chinese input method types them); write --mode",
        ),
        (
            ["brief", "--out", "—format=pdf"],
            "python -m oversight brief：错误：参数 --out：“—format=pdf”像是选项，但开头的短横不是英文的“-”（中文输入法常打成"
            "破折号）；请写 --format",
        ),
    ],
)
def test_an_option_typed_with_a_chinese_dash_is_named(capsys, argv, last_line):
    """``validate f.xlsx —table issues`` (a Chinese input method's dash): read as two more files, 找不到文件“—table”
    and 找不到文件“issues”, exit 1; the clerk saw no word of the option. Now it is named, with the dashes to type."""
    assert usage_error(capsys, *argv).splitlines()[-1] == last_line


def test_a_file_whose_name_opens_with_a_dash_is_still_a_file(tmp_path, monkeypatch):
    """Only a word that is no file and reads as an option is refused: —x.xlsx is a file's name, and an existing file
    named —table is read as one."""
    from oversight.cli.usage_language import path_argument

    assert path_argument("—x.xlsx") == Path("—x.xlsx")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "—table").write_text("x", encoding="utf-8")
    assert path_argument("—table") == Path("—table")


def test_english_when_asked_for(capsys):
    err = usage_error(capsys, "brief", "--lang", "en", "--from")
    assert err.startswith("usage: python -m oversight brief ")
    assert err.splitlines()[-1] == "python -m oversight brief: error: argument --from: expected one argument."
    err = usage_error(capsys, "validate", "--lang=en", "--mode", "x", "f.xlsx")
    assert "argument --mode: invalid choice: “x”" in err


def test_help_headings_follow_the_language(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["template", "--help"])
    out = capsys.readouterr().out
    assert exited.value.code == 0
    # argparse adds the heading's colon itself, ASCII; a Chinese heading is given the full-width one
    assert out.startswith("用法：") and "\n选项：\n" in out and "显示本帮助并退出" in out
    with pytest.raises(SystemExit):
        main(["template", "--help", "--lang", "en"])
    assert "\noptions:\n" in capsys.readouterr().out


def test_argparse_is_left_as_it_was():
    """The translation is scoped to our parser: argparse used elsewhere in the process still speaks English."""
    with pytest.raises(SystemExit):
        main(["brief", "--from"])
    assert argparse.ArgumentParser(prog="x").format_usage() == "usage: x [-h]\n"


def test_the_last_lang_decides_as_argparse_does():
    """``--lang en --lang zh`` reported its mistakes in English and then ran in Chinese: argparse keeps the last."""
    from oversight.cli.usage_language import requested_language

    assert requested_language(["validate", "--lang", "en", "--lang", "zh", "x.xlsx"]) == "zh"
    assert requested_language(["validate", "--lang=zh", "--lang", "en"]) == "en"
    assert requested_language(["validate", "--lang", "en", "--", "--lang", "zh"]) == "en"


def test_lang_before_the_command_is_read(capsys, tmp_path, monkeypatch):
    """r4, 4 Dec: `python -m oversight --lang en --help`, a tool's option where a reader puts it, answered
    "invalid choice: 'en' (choose from 'sample', …)", and no English help of the tool was to be had that way;
    `user --lang en list` the same ("invalid choice: 'en' (choose from 'add', …)")."""
    status, out, err = exit_of(capsys, "--lang", "en", "--help")
    assert (status, err) == (0, "")
    assert out.startswith("usage: python -m oversight ") and "show this help message and exit" in out
    assert "Oversight tools" in out
    err = usage_error(capsys, "--lang", "en", "bogus")
    assert err.splitlines()[-1].startswith("python -m oversight: error: argument ")
    assert "invalid choice: “bogus”" in err
    # and the command runs in it: a bad file reported in English
    data = tmp_path / "data"
    shutil.copytree(Path(__file__).resolve().parent.parent / "data", data)
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(data))
    bad = tmp_path / "not_excel.xlsx"
    bad.write_bytes(b"hello, not a workbook")
    assert main(["--lang", "en", "validate", str(bad)]) == 1
    assert capsys.readouterr().out.startswith("1 problem found:\n  - not_excel.xlsx: the file is named .xlsx but")
    # a group's action likewise: `user --lang en list` read "en" as the action
    assert main(["user", "--lang", "en", "list"]) == 0
    assert capsys.readouterr().out.startswith("No accounts configured yet (local mode)")
    assert main(["--lang", "en", "user", "list"]) == 0
    assert capsys.readouterr().out.startswith("No accounts configured yet (local mode)")
    # the last --lang decides, wherever it stands
    assert main(["--lang", "en", "validate", "--lang", "zh", str(bad)]) == 1
    assert capsys.readouterr().out.startswith("发现1个问题")
