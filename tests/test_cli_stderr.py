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
