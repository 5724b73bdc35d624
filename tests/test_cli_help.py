"""``--help`` speaks the command line's language, for the top level and every subcommand: Chinese by default,
English with ``--lang en``; its texts are ``cli.help.*`` keys that both languages define."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from oversight.cli import usage_language
from oversight.cli.main import build_parser
from oversight.core import i18n
from tests.test_cli_usage import exit_of

CLI_SOURCES = Path(__file__).resolve().parent.parent / "oversight" / "cli"


def _walk(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    yield path
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, subparser in action.choices.items():
                yield from _walk(subparser, (*path, name))


# every command's words, () for the top level: ("import",), ("user", "add") … — a new command is checked unasked
COMMANDS = list(_walk(build_parser(), ()))


def help_output(capsys, *argv: str) -> str:
    status, out, err = exit_of(capsys, *argv)
    assert (status, err) == (0, "")
    return out


# What may stay ASCII in a Chinese help: the program's name, option strings, {choices}, metavars (FILE, UNIT_ID),
# and names of things in any language (PPTX, OIDC, .xlsx, 2020Q1, pptx,docx,pdf,zip, admin、leader …)
_NOT_PROSE = re.compile(r"python -m oversight|(?<![\w.])--?[A-Za-z][\w-]*|\{[^}\s]*\}|\b[A-Z][A-Z0-9_]+\b")
# an English sentence or clause: three words in a row, or one of English's commonest little words
_ENGLISH = re.compile(
    r"[A-Za-z]{2,}(?:[ ,:;()']+[A-Za-z]{2,}){2,}"
    r"|\b(?:the|an?|of|to|in|for|with|from|and|or|not|only|default|instead|into|its?|this|these)\b",
    re.IGNORECASE,
)
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def english_in(text: str) -> list[str]:
    return _ENGLISH.findall(_NOT_PROSE.sub(" ", text))


def test_every_command_is_found():
    assert len(COMMANDS) >= 14  # the top level, 9 commands, user's 4 actions
    assert ("import",) in COMMANDS and ("user", "add") in COMMANDS


@pytest.mark.parametrize("command", COMMANDS, ids=lambda words: " ".join(words) or "top")
def test_help_is_all_chinese_by_default(capsys, command):
    out = help_output(capsys, *command, "--help")
    assert out.startswith("用法：") and "显示本帮助并退出" in out
    assert english_in(out) == []


def test_the_check_finds_english():
    """The check above is not vacuous: it finds the English help texts that were there before."""
    assert english_in("  --table {a,b}        the table the file holds (default: detect)") != []
    assert english_in("  --lang {zh,en}        language (default: zh)") != []
    assert english_in("  --out DIR            输出文件夹（默认：.）\n  --as-of DATE  截至日期（默认：今天）") == []


@pytest.mark.parametrize("command", COMMANDS, ids=lambda words: " ".join(words) or "top")
@pytest.mark.parametrize("spelling", [("--lang", "en"), ("--lang=en",)])
def test_help_is_all_english_when_asked_for(capsys, command, spelling):
    out = help_output(capsys, *command, "--help", *spelling)
    assert out.startswith("usage: ") and "show this help message and exit" in out
    assert _CJK.findall(out) == []


def flat(text: str) -> str:
    """The help without its line breaks and indents: a sentence argparse wrapped reads whole."""
    return re.sub(r"\s*\n\s*", " ", text)


@pytest.mark.parametrize(
    ("command", "zh", "en"),
    [
        (
            (),
            ["派驻监督工作看板", "检查文件是否符合现有数据，不写入任何内容", "生成预警摘要"],
            ["Oversight", "check files"],
        ),
        (
            ("validate",),
            [
                "检查文件是否符合现有数据，不写入任何内容",
                "输出语言（默认：zh）",
                "replace 替换整表，append 追加记录（默认：replace）",
            ],
            ["check files against the current data; write nothing", "language of the report (default: zh)"],
        ),
        (
            ("import",),
            ["将文件导入台账", "管理员账号（已设置账号时必填）", "从标准输入的第一行读取密码"],
            ["an admin account (needed once accounts are configured)"],
        ),
        (("undo",), ["撤销最近一次导入"], ["restore the data as it was before the latest import"]),
        (("template",), ["要写入的模板文件（.xlsx）", "文件已存在时覆盖"], ["replace the file if it exists"]),
        (("sample",), ["写入的文件夹（默认：data）"], ["folder to write into (default: data)"]),
        (("brief",), ["生成简报", "写入的文件夹（默认：.）", "起始季度，如2020Q1"], ["(default: .)", "first quarter"]),
        (("alerts",), ["推送到设置文件中配置的渠道", "截至日期（默认：今天）"], ["send to the channels"]),
        (("user", "add"), ["admin（管理员）、leader（领导）或 unit（单位）"], ["admin, leader or unit"]),
    ],
    ids=lambda value: " ".join(value) or "top" if isinstance(value, tuple) else None,
)
def test_options_say_what_they_do(capsys, command, zh, en):
    out = flat(help_output(capsys, *command, "--help"))
    for text in zh:
        assert text in out
    out = flat(help_output(capsys, *command, "--help", "--lang", "en"))
    for text in en:
        assert text in out


def test_defaults_are_filled_in_by_argparse(capsys):
    """``%(default)s`` in a translation is argparse's: filled when the help is shown, never printed as is."""
    for lang in i18n.LANGUAGES:
        for command in COMMANDS:
            assert "%(" not in help_output(capsys, *command, "--help", "--lang", lang)


_HELP_KEY = re.compile(r"""help_text\(\s*["']([a-z_.]+)["']""")


def help_keys_in_code() -> set[str]:
    return {
        f"cli.help.{key}" for path in CLI_SOURCES.glob("*.py") for key in _HELP_KEY.findall(path.read_text("utf-8"))
    }


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_help_key_is_in_both_languages(lang):
    used = help_keys_in_code()
    assert len(used) >= 40, "the pattern found few keys: it is broken, or the help texts are not translated"
    texts = i18n.catalog(lang)
    assert sorted(used - set(texts)) == []
    # and none is left over from an option since removed
    assert sorted(key for key in texts if key.startswith("cli.help.") and key not in used) == []
    for key in used:  # argparse formats every help with %: a bare % would break --help
        texts[key] % {"default": "x", "prog": "p", "choices": "c", "metavar": "M"}


def test_a_missing_help_key_fails_loudly():
    """A key missing from the locale files stops the parser from being built, rather than showing a raw key."""
    with usage_language.speaking("en"), pytest.raises(KeyError):
        usage_language.help_text("no_such_command.option")


@pytest.mark.parametrize("command", COMMANDS, ids=lambda words: " ".join(words) or "top")
def test_chinese_help_fits_the_terminal(capsys, monkeypatch, command):
    """Chinese is wrapped by the columns it takes (two a character), not run past the terminal's edge."""
    monkeypatch.setenv("COLUMNS", "60")
    out = help_output(capsys, *command, "--help")
    help_part = out.split("\n\n", 1)[1]  # after the usage lines, whose "用法：" argparse counts as three columns
    too_wide = [line for line in help_part.splitlines() if usage_language.columns(line) > 58]
    # an option's own name or argparse's list of subcommands may be wider: then the help starts on the next line
    assert [line for line in too_wide if not line.lstrip().startswith(("-", "{"))] == []


def test_wrapping_keeps_punctuation_with_its_words():
    lines = usage_language.wrap("改为生成约500家单位、12个季度共 N 次会议的数据，用于压力测试（不给时生成示例）", 20)
    assert len(lines) > 3 and all(usage_language.columns(line) <= 20 for line in lines)
    assert (
        "".join(lines).replace(" ", "")
        == "改为生成约500家单位、12个季度共N次会议的数据，用于压力测试（不给时生成示例）"
    )
    assert not any(line.startswith(("，", "、", "）")) or line.endswith("（") for line in lines)
    assert usage_language.wrap("~/.config/oversight/alerts.toml 或默认", 10)[0] == "~/.config/oversight/alerts.toml"
    assert usage_language.wrap("  ", 10) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("command", "choices"), [((), ("sample", "validate", "alerts")), (("user",), ("add", "list"))])
def test_a_missing_command_is_named_by_its_choices_not_an_attribute(capsys, lang, command, choices):
    """``python -m oversight`` alone said 缺少必需的参数：command (and ``user`` alone: user_command), the name of an
    attribute in our code: a clerk is told which words may follow instead."""
    status, out, err = exit_of(capsys, *command, *(("--lang", lang) if lang == "en" and not command else ()))
    last = err.strip().splitlines()[-1]
    assert status == 2 and out == ""
    assert "command" not in last.split(":", 1)[-1].replace("python -m oversight", "")
    assert all(choice in last for choice in choices), last
    assert ("缺少必需的参数" in last) == (lang == "zh" or bool(command))
