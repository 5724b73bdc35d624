"""Chinese text uses Chinese punctuation — ，。：；（）“” — everywhere a user reads it: every zh-CN template and the
sentences the code puts together (a problem's location before its message, values listed in a note, ``--help``'s
headings). Import problems read 列“关联问题编号”: …, the link note 已忽略：lang=fr, unit=nope, the reversed range's
note ended without its 。 and ``--help`` said 位置参数: and 选项: with ASCII colons.

What keeps its own characters inside a Chinese sentence, and why (the allow-list):
- a quotation, “…”: it quotes what a file or a link holds, character for character (“用户:密码@”, “时长(分钟)”);
- a URL, ``key=value`` and ``HH:MM``: codes a user types or reads as they are (unit=nope, 09:30);
- a column header as the office's ledgers write it (时长(分钟)): a name in the data contract, matched on import.
Numbers with units, file names and English words (63.6%, .xlsx, 2020Q1, Excel) hold no , : ; ( ) ! ? next to a
Chinese character, so they need no exception.
"""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest

from oversight.auth import accounts
from oversight.auth.roles import AccountError
from oversight.contract import schema
from oversight.core import i18n
from oversight.ingest import commit, import_history
from oversight.ingest.problems import Problem, ValidationError
from tests.apptest import run_page
from tests.test_cli_help import COMMANDS, help_output

LOCALES = Path(__file__).resolve().parent.parent / "oversight" / "locales"

_CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
# Chinese characters and the full-width marks that sit among them
_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff60“”‘’…—"
_KEPT_AS_WRITTEN = (
    (re.compile(r"“[^”]*”"), "“□”"),  # a quotation: its marks stay, to be checked beside what follows
    (re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s，。；）“”]*"), "□"),  # a URL
    (re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\b"), "□"),  # a time of day
    (re.compile(r"[\w.-]+=[^\s,;，。；、）]*"), "□"),  # key=value, as a link carries it
)
# a template's placeholder stands for words of the sentence: "{where}: {message}" is Chinese once filled
_PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\([a-z_]+\)[sdr]|%[sdr]")
_NEXT_TO_CHINESE = re.compile(rf"(?<=[{_CJK}]) ?[,:;()!?]|[,:;()!?] ?(?=[{_CJK}])")
_ENGLISH_SEPARATOR = re.compile(r"[,;:!?] ")  # "a, b", "x: y" — English's marks, each followed by its space
_ENGLISH_FULL_STOP = re.compile(rf"(?<=[{_CJK}]) ?\.$")


def ascii_punctuation(text: str) -> list[str]:
    """Each ASCII mark a Chinese ``text`` should not have, with a few characters either side; [] for English."""
    if not _CHINESE.search(text):
        return []
    text = _PLACEHOLDER.sub("字", text)
    for kept, stand_in in _KEPT_AS_WRITTEN:
        text = kept.sub(stand_in, text)
    marks = {
        m.start() for rule in (_NEXT_TO_CHINESE, _ENGLISH_SEPARATOR, _ENGLISH_FULL_STOP) for m in rule.finditer(text)
    }
    return [text[max(0, at - 4) : at + 5] for at in sorted(marks)]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("列“关联问题编号”: 不能为空", ["列“□”: 不能为"]),
        ("已忽略：lang=fr, unit=nope。", ["忽略：□, □。"]),
        ("现显示默认范围2020年第1季度.", ["第1季度."]),
        ("选项:", ["选项:"]),
        ("单位(党组)", ["单位(党组)", "位(党组)"]),
        ("{where}: 必填项为空", ["字: 必填项"]),
        # what stays as written
        ("应为 https://主机/路径?key=… 的地址，不能含“用户:密码@”", []),
        ("每天 09:30 推送；链接中的 unit=nope 已忽略。", []),
        ("占 63.6%，见 meetings.xlsx 与 2020Q1，可用 Excel、WPS 打开。", []),
        ("Issues raised: 16 (2020 Q1).", []),
    ],
)
def test_the_scan_finds_english_marks_in_chinese_and_only_there(text, found):
    assert ascii_punctuation(text) == found


def _contract_headers() -> set[str]:
    return {column.zh for table in schema.TABLES.values() for column in table.columns}


def test_every_chinese_template_uses_chinese_punctuation():
    headers = _contract_headers()
    found = {}
    for path in sorted((LOCALES / "zh-CN").glob("*.json")):
        for key, text in json.loads(path.read_text(encoding="utf-8")).items():
            if key.startswith("ledger.column.") and text in headers:
                continue  # the office's own header, matched on import (时长(分钟))
            if problems := ascii_punctuation(text):
                found[f"{path.name} {key}"] = problems
    assert found == {}


def test_a_problem_is_located_then_told_with_the_readers_colon():
    problem = Problem(
        file="问题.xlsx",
        message_key="error.value_missing",
        sheet="问题",
        row=3,
        column="关联问题编号",
        column_letter="K",
    )
    zh, en = problem.render("zh"), problem.render("en")
    assert zh == f"问题.xlsx · 工作表“问题” · 第3行 · K列“关联问题编号”：{i18n.t('error.value_missing', 'zh')}"
    assert en == f"问题.xlsx · sheet “问题” · row 3 · column K “关联问题编号”: {i18n.t('error.value_missing', 'en')}"
    assert ascii_punctuation(zh) == []
    # a file's problem with no sheet or row: the file name, then the colon of the language
    assert Problem(file="meetings.xlsx", message_key="error.value_missing").render("zh").startswith("meetings.xlsx：")


def test_damaged_history_entries_are_listed_in_the_readers_punctuation(tmp_path):
    data_folder = tmp_path / "data"
    for name in ("20200101T000000-a", "20200102T000000-b"):
        (data_folder / ".history" / name).mkdir(parents=True)
        (data_folder / ".history" / name / import_history.MANIFEST).write_text("{", encoding="utf-8")
    with pytest.raises(ValidationError) as refused:
        commit.undo_last(data_folder, user="tester")
    zh = refused.value.render("zh")
    assert "20200101T000000-a、20200102T000000-b" in zh and ascii_punctuation(zh) == []
    assert "20200101T000000-a, 20200102T000000-b" in refused.value.render("en")


def test_an_account_errors_choices_are_listed_in_the_readers_punctuation():
    with pytest.raises(AccountError) as refused:
        accounts.add_user("x1", "good-pass-1", "chief")
    assert refused.value.render("zh") == "未知角色“chief”：可选 admin、leader、unit"
    assert refused.value.render("en") == "Unknown role “chief”: choose one of admin, leader, unit"


@pytest.mark.parametrize("command", COMMANDS, ids=lambda words: " ".join(words) or "top")
def test_help_headings_end_in_the_languages_colon(capsys, command):
    zh = help_output(capsys, *command, "--help")
    headings = [line for line in zh.splitlines() if line and not line.startswith(" ") and line.endswith(("：", ":"))]
    assert headings and all(line.endswith("：") for line in headings), headings
    assert "选项：" in headings
    en = help_output(capsys, "--lang", "en", *command, "--help")
    assert "options:" in en.splitlines()


def test_a_links_notes_list_its_values_and_end_in_a_full_stop():
    at = run_page(query={"lang": "fr", "unit": "nope"})
    assert [w.value for w in at.warning] == ["链接中的以下参数无法识别，已忽略：lang=fr、unit=nope。"]
    at = run_page(query={"from": "2020Q4", "to": "2020Q1"})
    assert [w.value for w in at.warning] == [
        "链接中的起始季度晚于结束季度（from=2020Q4、to=2020Q1），现显示默认范围2020年第1季度至2020年第4季度。"
    ]
    at = run_page(query={"from": "2018Q1", "to": "2018Q4", "quartr": "1", "unit": "atlantis"})
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 3 and all(w.endswith("。") for w in warnings), warnings
    assert {w: ascii_punctuation(w) for w in warnings} == {w: [] for w in warnings}


def test_the_links_notes_all_end_their_sentence():
    """The notes a link's odd parameters get, shown one under another, each a sentence with its full stop: the
    reversed range's alone ended without one (现显示默认范围2020年第1季度至2020年第4季度)."""
    notes = {
        lang: {
            key: text
            for path in (LOCALES / lang).glob("*.json")
            for key, text in json.loads(path.read_text(encoding="utf-8")).items()
            if key.startswith(("app.url_", "app.units_dropped")) and key != "app.url_more"  # a list, not a sentence
        }
        for lang in ("zh-CN", "en")
    }
    assert len(notes["zh-CN"]) == len(notes["en"]) >= 9
    assert {key: text[-1] for key, text in notes["zh-CN"].items()} == dict.fromkeys(notes["zh-CN"], "。")
    assert {key: text[-1] for key, text in notes["en"].items()} == dict.fromkeys(notes["en"], ".")


@pytest.mark.parametrize(
    ("argv", "listed"),
    [
        (["template"], "缺少必需的参数：--table、--out"),
        (["user", "add"], "缺少必需的参数：username、--role"),
        (["brief", "--f", "2020Q1"], "可能是：--from、--format、--force"),
    ],
)
def test_options_argparse_lists_are_listed_in_the_readers_punctuation(capsys, argv, listed):
    """argparse joins the options it names with its own ", ": 缺少必需的参数：--table, --out, 可能是：--from, --format."""
    from oversight.cli.main import main

    with pytest.raises(SystemExit):
        main(argv)
    last = capsys.readouterr().err.splitlines()[-1]
    assert listed in last and ascii_punctuation(last) == [], last
    with pytest.raises(SystemExit):
        main(["--lang", "en", *argv])
    assert listed.split("：")[-1].replace("、", ", ") in capsys.readouterr().err


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_charts_hover_puts_the_languages_colon_before_its_value(connection, default_filter, lang):
    """The hovers read 2020年第1季度: 60 and 省政府办公厅: 3 — the same template in both languages, an English colon
    and its space in a Chinese label. Every chart of every page, and the unit profile's two."""
    from oversight.charts import catalog
    from oversight.data import queries

    figures = [spec.build(queries.run(connection, spec.query, default_filter), lang) for spec in catalog.all_charts()]
    templates = [trace.hovertemplate for figure in figures for trace in figure.data if trace.hovertemplate]
    valued = [template for template in templates if "%{x" in template or "%{y" in template or "%{z" in template]
    assert len(valued) >= 20
    colon, other = ("：%{", ": ") if lang == "zh" else (": %{", "：")
    assert [template for template in valued if colon not in template or other in template] == []


def test_the_digest_heads_each_unit_in_chinese_brackets(connection):
    """The terminal's digest and the e-mail's body headed each unit 省政府办公厅 (gov_office): its code in English
    brackets after a space, under lines in Chinese punctuation. Every line of the digest of a day with every rule
    firing, in the text, the robots' markdown and the subject."""
    from datetime import date

    from oversight import alerts
    from oversight.alerts import digest_text
    from oversight.auth.unit_scope import Scope

    digest = alerts.collect_alerts(
        alerts.scoped_runner(connection, Scope.everything()), date(2020, 11, 20), alerts.DEFAULT_RULES, ()
    )
    text = digest_text.render_text(digest, "zh")
    assert "省政府办公厅（gov_office）\n" in text
    lines = [
        *text.splitlines(),
        *digest_text.render_markdown(digest, "zh", 20000).splitlines(),
        digest_text.subject(digest, "zh"),
    ]
    assert {line: ascii_punctuation(line) for line in lines if ascii_punctuation(line)} == {}
    assert "General Office of the Provincial Government (gov_office)\n" in digest_text.render_text(digest, "en")


# House rule, as official documents (公文) write it: no space between a Chinese character and a number — 共指出问题16个,
# 第3行, 2020年第4季度, 逾期未整改6项. Pages wrote 共指出问题16个 while the digest and the CLI wrote 逾期未整改 6 项, the
# tables 共 9 条, the import report 发现 3 个问题 beside 第3行. What keeps its spaces (clreq's spacing between Chinese and
# Latin): a path, a file name, an id, an account, a URL, a Latin code or option — the placeholders below.
_LATIN_FIELDS = frozenset(
    "path folder file files file_name name url urls log run_dir option account asked user username os_user where "
    "target sender code ledger id ids entry undoes ref example english suffix expected owner cell channel said error "
    "detail reason encoding typed marker remembered roles role choices known values names email address sources "
    "action issue viewer".split()
) | {""}  # {} in 'http {}': nginx's own braces

# a placeholder whose name says a number elsewhere but holds a Latin value in these templates (an import's entry id,
# a file's name, a cell's error value such as #DIV/0!, a settings value of the wrong kind such as "yes"); and a
# figure's number, parted from its title by a space as Chinese publications set a caption (图1 各单位指出问题数)
_LATIN_IN_KEY = {
    ("export.briefing.figure_caption", "number"),
    ("alerts.settings.detail.wrong_kind", "value"),
    ("error.cell_error_value", "value"),
    ("error.table_in_two_sources", "first"),
    ("error.table_in_two_sources", "second"),
    ("data.cli.undo.entry_not_latest", "latest"),
    ("data.cli.undo.entry_is_an_undo", "latest"),
    ("data.cli.undo.entry_undone", "latest"),
    ("data.cli.undo.entry_unknown", "latest"),
    ("error.undo_target_changed", "latest"),
}
_HAN = "\u3400-\u4dbf\u4e00-\u9fff"
_SPACE_BESIDE_A_NUMBER = re.compile(rf"(?<=[{_HAN}]) +(?=\d)|(?<=\d) +(?=[{_HAN}])")
_IN_A_LATIN_WORD = re.compile(r"[A-Za-z_-][\d.,]*$")  # the 8 of UTF-8, the 2 of Q2: part of a Latin word


def spaces_beside_numbers(text: str) -> list[str]:
    """Each place in ``text`` where a space parts a Chinese character from a number, two characters either side."""
    return [
        text[max(0, m.start() - 2) : m.end() + 2]
        for m in _SPACE_BESIDE_A_NUMBER.finditer(text)
        if not (text[m.start() - 1].isdigit() and _IN_A_LATIN_WORD.search(text[: m.start()]))
    ]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("逾期未整改 6 项", ["整改 6 ", " 6 项"]),
        ("共 9 条（点击列标题排序）", ["共 9 ", " 9 条（"]),
        ("指出问题 1.8个", ["问题 1."]),
        ("逾期未整改6项，第3行，2020年第4季度", []),
        ("请用 Excel 或 WPS 打开；UTF-8 编码；HTTP 200，chmod 600 /data", []),
        ("Page 3 of 9", []),
    ],
)
def test_the_scan_finds_spaces_between_chinese_and_numbers_and_only_there(text, found):
    assert spaces_beside_numbers(text) == found


def _rendered(key: str, text: str, number: str) -> str:
    def value(field: str) -> str:
        name = field.split(".")[0].split("[")[0]
        return "x" if name in _LATIN_FIELDS or (key, name) in _LATIN_IN_KEY else number

    return "".join(
        literal + (value(field) if field is not None else "") for literal, field, _, _ in string.Formatter().parse(text)
    )


def test_every_chinese_template_writes_numbers_without_a_space():
    """Every zh-CN template, its number placeholders filled with a bare number (12) and with a counted one (12个, as
    the cards' figures come): no space between a Chinese character and a digit, so {label} {now} fails as 共 {count}
    does; a path, an id or an option (Latin) keeps its spaces."""
    found = {}
    for path in sorted((LOCALES / "zh-CN").glob("*.json")):
        for key, text in json.loads(path.read_text(encoding="utf-8")).items():
            problems = [
                place for number in ("12", "12个") for place in spaces_beside_numbers(_rendered(key, text, number))
            ]
            if problems:
                found[f"{path.name} {key}"] = problems
    assert found == {}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_built_sentences_write_numbers_without_a_space_in_chinese(lang):
    """Sentences the code puts together from a word and a number: the averages above units side by side (指出问题 1.8个)
    and a pushed digest's counts on the audit page (逾期 5、即将到期 2) — 指出问题1.8个, 逾期5、即将到期2 in Chinese; English
    keeps its space."""
    import pandas as pd

    from oversight.present import audit_rows, kpis

    beside = pd.DataFrame({"measure": ["issues"], "unit": [3.0], "average": [1.8]})
    averages = kpis.all_unit_averages(beside, lang)
    counts = audit_rows._counts_text({"overdue": 5, "due_soon": 2}, lang)
    if lang == "zh":
        assert averages == ["指出问题1.8个"]
        assert counts == ["预警：逾期5、即将到期2"]
    else:
        assert averages[0].endswith(" 1.8") and counts[0].endswith(" 5, Due soon 2")
