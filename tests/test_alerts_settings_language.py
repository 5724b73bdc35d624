"""A broken alerts settings file is told wholly in the reader's language: the file, the setting and what is wrong
with it (the detail was English inside the Chinese sentence: "…：rules.due_soon.days：expected a whole number")."""

from __future__ import annotations

from pathlib import Path

import pytest

from oversight.alerts import configuration
from oversight.cli.main import main

CASES = [
    (
        '[rules.due_soon]\ndays = "thirty"\n',
        "rules.due_soon.days",
        '应为整数，实际是 "thirty"',
        'expected a whole number, got "thirty"',
    ),
    (
        "[rules.due_soon]\ndays = 400\n",
        "rules.due_soon.days",
        "应在0到366之间，实际是400",
        "must be between 0 and 366, got 400",
    ),
    (
        '[rules.overdue]\nenabled = "yes"\n',
        "rules.overdue.enabled",
        '应为布尔值（true 或 false），实际是 "yes"',
        'expected true/false, got "yes"',
    ),
    (
        "[push]\ntimeout_seconds = true\n",
        "push.timeout_seconds",
        "应为整数或数字，实际是 true",
        "expected a whole number or a number, got true",
    ),
    (
        "[push]\nbackoff_seconds = 900\n",
        "push.backoff_seconds",
        "应在0到600之间，实际是900",
        "must be between 0 and 600, got 900",
    ),
    (
        "[push]\ntimeout_seconds = 0\n",
        "push.timeout_seconds",
        "应大于0且不超过300，实际是0",
        "must be more than 0 and at most 300, got 0",
    ),
    ('[push]\nstate_file = "/tmp"\n', "push.state_file", "应为一个已有文件夹中的文件", "a file in an existing folder"),
    ("[rules.sometimes]\n", "rules.sometimes", "无法识别的规则", "unknown rule"),
    ('acount = "chief"\n', "acount", "无法识别的设置项", "unknown setting"),
    ('lang = "fr"\n', "lang", "应为以下之一：zh、en", "one of zh, en"),
    ("rules = 3\n", "rules", "应为一个表（[rules]）", "not a table ([rules])"),
    ("channels = 3\n", "channels", "应写成 [[channels]] 表", "expected [[channels]] tables"),
    (
        '[[channels]]\nkind = "sms"\n',
        "channels[1].kind",
        "应为以下之一：wecom、dingtalk、email",
        "one of wecom, dingtalk, email",
    ),
    (
        '[[channels]]\nkind = "wecom"\nsend = ["news"]\n',
        "channels[1].send",
        "应为由 alerts、brief 组成的列表",
        "a list of alerts, brief",
    ),
    (
        '[[channels]]\nkind = "wecom"\n',
        "channels[1].url",
        "应为机器人的 webhook 地址（https://…），不含空格",
        "the robot's webhook address (https://…), without spaces",
    ),
    (
        '[[channels]]\nkind = "wecom"\nurl = "ftp://x/y"\n',
        "channels[1].url",
        "应为机器人的 webhook 地址（https://…）",
        "the robot's webhook address (https://…)",
    ),
    (
        '[[channels]]\nname = "a"\nkind = "wecom"\nurl = "https://x/y"\n[[channels]]\nname = "a"\nkind = "wecom"\nurl = "https://x/z"\n',
        "channels",
        '有两个通道都叫 "a"',
        'two channels are called "a"',
    ),
    (
        '[[channels]]\nkind = "email"\nsecurity = "tls"\n',
        "channels[1].security",
        "应为以下之一：ssl、starttls、none",
        "one of ssl, starttls, none",
    ),
    ('[[channels]]\nkind = "email"\n', "channels[1].host", "应填写 SMTP 服务器的名称", "the SMTP server's name"),
    (
        '[[channels]]\nkind = "email"\nhost = "h"\nto = ["nobody"]\n',
        "channels[1].to",
        "应为电子邮件地址的列表",
        "a list of e-mail addresses",
    ),
    (
        '[[channels]]\nkind = "email"\nhost = "h"\nto = ["a@b.c"]\n',
        "channels[1].sender",
        "应填写发件人地址",
        "the From address",
    ),
    (
        '[[channels]]\nkind = "email"\nhost = "h"\nto = ["a@b.c"]\nsender = "a@b.c"\nusername = "u"\n',
        "channels[1].password",
        "用户名和密码须同时填写",
        "username and password go together",
    ),
    # a typo in a nested table is named with its table, as one at the top is
    (
        '[[channels]]\nkind = "dingtalk"\nurl = "https://x/y"\nsecrett = "SEC1"\n',
        "channels[1].secrett",
        "无法识别的设置项",
        "unknown setting",
    ),
    ("[rules.due_soon]\ndayz = 7\n", "rules.due_soon.dayz", "无法识别的设置项", "unknown setting"),
    ("[push]\nbackof_seconds = 0\n", "push.backof_seconds", "无法识别的设置项", "unknown setting"),
    (
        '[[channels]]\nname = "群\\u001b[2J"\nkind = "wecom"\nurl = "https://x/y"\n',
        "channels[1].name",
        "不能含换行、制表符、ESC 等控制字符或不可见的格式字符",
        "may not contain a line break, tab, ESC or other control or invisible formatting character",
    ),
    (
        '[[channels]]\nkind = "wecom"\nurl = "https://x/send?key=群机器人"\n',
        "channels[1].url",
        "应为机器人的 webhook 地址（https://…），只含 ASCII 字符：中文等字符须先按 URL 编码（如 %E7%BE%A4）",
        "the robot's webhook address (https://…), ASCII characters only: percent-encode Chinese and other characters"
        " (e.g. %E7%BE%A4)",
    ),
    ("this is not toml", "-", "不是有效的 TOML（第1行第6列附近）", "not valid TOML (near line 1, column 6)"),
    (b'lang = "\xff"\n', "-", "不是 UTF-8 编码的文本", "not UTF-8 text"),
]


def settings_file(folder: Path, content: str | bytes) -> Path:
    path = folder / "alerts.toml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.mark.parametrize(("content", "setting", "zh", "en"), CASES)
def test_each_detail_is_in_the_readers_language(tmp_path, content, setting, zh, en):
    path = settings_file(tmp_path, content)
    with pytest.raises(configuration.SettingsError) as raised:
        configuration.load_settings(path)
    assert raised.value.setting == setting
    # the file as a whole ("-": not TOML, not UTF-8) names no setting: "有误：-：不是有效的 TOML" named a "-"
    named_zh, named_en = ("", "") if setting == "-" else (f"{setting}：", f"{setting}: ")
    assert raised.value.render("zh") == f"预警设置文件 {path} 有误：{named_zh}{zh}"
    assert raised.value.render("en") == f"The alerts settings file {path} has a problem: {named_en}{en}"


def test_a_folder_named_as_the_settings_file(tmp_path):
    with pytest.raises(configuration.SettingsError) as raised:
        configuration.load_settings(tmp_path)
    assert raised.value.render("zh").endswith("有误：这是文件夹，不是文件")  # no "-" where a setting would be named
    assert raised.value.render("en").endswith("has a problem: this is a folder, not a file")


def test_the_command_line_says_it_in_english_when_asked(tmp_path, capsys):
    path = settings_file(tmp_path, '[rules.due_soon]\ndays = "thirty"\n')
    assert main(["alerts", "--settings", str(path), "--lang", "en"]) == 1
    assert capsys.readouterr().err.strip() == (
        f'The alerts settings file {path} has a problem: rules.due_soon.days: expected a whole number, got "thirty".'
    )
    missing = tmp_path / "none.toml"
    assert main(["alerts", "--settings", str(missing), "--lang", "en"]) == 1
    assert capsys.readouterr().err.strip().endswith(f"{missing} has a problem: --settings: the file does not exist.")
