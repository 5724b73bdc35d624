"""Every line the command line writes to standard error ends one way, in both languages (``oversight.cli.stderr``):
a sentence with its full stop (。 / .), a line introducing the ones under it with its colon, an item under it as
it is. Some ended in 。 and some had nothing (账号“nobody”不存在 beside 模板未写入。请先建好该文件夹，或换一个位置。)."""

from __future__ import annotations

import ast
import io
import shutil
from pathlib import Path

import pytest

from oversight.cli import stderr
from oversight.cli.main import main
from oversight.data import store

CLI = Path(__file__).resolve().parent.parent / "oversight" / "cli"


@pytest.mark.parametrize(
    ("text", "lang", "ended"),
    [
        ("账号“nobody”不存在", "zh", "账号“nobody”不存在。"),
        ("模板未写入。请先建好该文件夹。", "zh", "模板未写入。请先建好该文件夹。"),
        ("There is no account “nobody”", "en", "There is no account “nobody”."),
        ("发现 2 个问题：\n  - 第 2 行：不能为负数\n  - 第 3 行：不能为负数", "zh", None),
        ("Is it you?", "en", None),
        (
            "无法写入审计日志\n日志文件：/x/audit.jsonl（找不到该位置）",
            "zh",
            "无法写入审计日志。\n日志文件：/x/audit.jsonl（找不到该位置）。",
        ),
    ],
)
def test_the_rule(text, lang, ended):
    assert stderr.finished(text, lang) == (text if ended is None else ended)


@pytest.mark.parametrize(
    ("text", "lang", "ended"),
    [
        # an ending in the other language's punctuation, or inside a bracket or quote, is an ending: no “.。” or “。。”
        ("无法写入 /x/a.xlsx：Connection refused.", "zh", None),
        ("Could not write /x/a.xlsx: 设备上没有空间。", "en", None),
        ("页面上写着“请先导入。”", "zh", None),
        ("(It was sent once already.)", "en", None),
        # a line ending in what a reader copies: a stop after it would be copied with it
        ("The data file's name must be in lower case, or it is not read: rename it issues.xlsx", "en", None),
        ("数据文件的文件名须为小写，否则不会读取：请将它改名为 issues.xlsx", "zh", None),
        ("请将它改名为issues.xlsx", "zh", None),
        ("日志文件：/srv/oversight/audit.jsonl", "zh", None),
        ("Log file: C:\\oversight\\audit.jsonl", "en", None),
        ("Copy the webhook again from https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc", "en", None),
        ("the mail server refused the sender office@example.cn", "en", None),
        ("标准输入不是终端，无法提示输入密码；请加 --password-stdin", "zh", None),
        ("Keep the users file outside the repository: set OVERSIGHT_USERS_FILE", "en", None),
        ("未知单位编码：X1、X2", "zh", None),
        ("Unknown unit ID(s): X1, X2", "en", None),
        ("oversight import: error: unrecognized arguments: --mod", "en", None),
        # words after a colon, a number, a closing bracket or quote: a sentence, ended
        ("无法写入 /x/a.xlsx：权限不足，请检查", "zh", "无法写入 /x/a.xlsx：权限不足，请检查。"),
        ("问题：权限、磁盘", "zh", "问题：权限、磁盘。"),
        (
            "Unknown role “boss”: choose one of admin, leader, unit",
            "en",
            "Unknown role “boss”: choose one of admin, leader, unit.",
        ),
        (
            "The password is too long (at most 128 characters)",
            "en",
            "The password is too long (at most 128 characters).",
        ),
        ("文件“/x/a.xlsx”无法读取", "zh", "文件“/x/a.xlsx”无法读取。"),
        ("Open “issues.xlsx”", "en", "Open “issues.xlsx”."),
        ("The limit is 2.5", "en", "The limit is 2.5."),
        ("{where} answered HTTP 500", "en", "{where} answered HTTP 500."),
    ],
)
def test_no_ending_doubled_and_none_after_what_a_reader_copies(text, lang, ended):
    assert stderr.finished(text, lang) == (text if ended is None else ended)
    assert stderr.is_finished(stderr.finished(text, lang), lang)


def _writes_to_stderr(node: ast.AST) -> bool:
    """A call that writes to sys.stderr itself: ``print(..., file=sys.stderr)`` or ``sys.stderr.write(...)``."""
    if not isinstance(node, ast.Call):
        return False
    text = ast.unparse(node)
    return "sys.stderr.write" in text or any(
        keyword.arg == "file" and ast.unparse(keyword.value) == "sys.stderr" for keyword in node.keywords
    )


def test_every_line_for_stderr_goes_through_the_one_rule():
    # the rule lives in one function; a print of its own to stderr would be a line that need not keep it
    found = [
        f"{path.name}:{node.lineno}"
        for path in sorted(CLI.glob("*.py"))
        if path.name != "stderr.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if _writes_to_stderr(node)
    ]
    assert found == []


def test_the_scan_finds_a_print_to_stderr():
    assert _writes_to_stderr(ast.parse('print("x", file=sys.stderr)').body[0].value)  # type: ignore[attr-defined]
    assert not _writes_to_stderr(ast.parse('print("x")').body[0].value)  # type: ignore[attr-defined]


def _mistakes(tmp_path: Path) -> list[list[str]]:
    """Ordinary mistakes, one for each kind of line the commands print on stderr."""
    a_file = tmp_path / "a_file.txt"
    a_file.write_text("x", encoding="utf-8")
    return [
        ["validate", "f.xlsx", "--mode", "sideways"],  # argparse's own line
        ["validate"],
        ["template", "--table", "issues", "--out", str(tmp_path / "x.csv")],
        ["template", "--table", "issues", "--out", str(tmp_path / "missing" / "x.xlsx")],
        ["user", "remove", "nobody"],
        ["user", "add", "clerk", "--role", "leader"],  # no terminal to ask for the password at
        ["sample", "--scale", "0", "--out", str(tmp_path / "sample")],
        ["sample", "--out", str(a_file / "inside")],
        ["undo"],  # nothing to undo
        ["import", str(tmp_path / "data" / "issues.xlsx")],  # accounts exist: an admin must sign in
        ["import", str(tmp_path / "data" / "issues.xlsx"), "--user", "boss", "--password-stdin"],  # wrong password
    ]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_line_an_ordinary_mistake_prints_on_stderr_ends_as_the_rule_says(lang, tmp_path, monkeypatch, capsys):
    shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data")
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr("sys.stdin", io.StringIO("right-pass-123\n"))
    assert main(["user", "add", "boss", "--role", "admin", "--password-stdin"]) == 0
    printed = []
    for argv in _mistakes(tmp_path):
        monkeypatch.setattr("sys.stdin", io.StringIO("wrong-pass-123\n"))
        try:
            status = main([*argv, "--lang", lang])
        except SystemExit as exited:
            status = exited.code
        err = capsys.readouterr().err
        assert status != 0 and err.strip(), argv
        lines = err.strip().splitlines()
        if lines[0].startswith(("用法：", "usage:")):  # argparse's usage is no sentence; the line under it is
            lines = lines[-1:]
        printed += [(argv[0], line) for line in lines]
    unfinished = [(command, line) for command, line in printed if not stderr.is_finished(line, lang)]
    assert unfinished == []
    assert len(printed) >= len(_mistakes(tmp_path))
