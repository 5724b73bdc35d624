"""Review of 4 Dec (session 33, the English reader, round three): one English house style, checked over every template.

Before: three quotation styles in the English messages (65 templates quoted 'x', 15 "x", 25 “x”, some two of them
in one line: `two columns of the header are '单位' … column B '单位'` beside the strip's “…”); CLI lines that opened in
lower case (`account 'clerk' added (unit)`, `there is no account 'ghost'`) beside others that did not; "YoY" on the
cards and slides beside "Year on year" in the report's column and README's glossary (同比 year on year); and unit names
without their article ("General Office had the most issues raised", "No reminders for General Office in 2020 Q4.").
"""

from __future__ import annotations

import re

import pandas as pd

from oversight.core import i18n

# Straight quotes that are not quotation marks: the character a CSV quotes with, named as itself, and a TOML table's
# own syntax, which the users file must be written in.
LITERAL_QUOTES = {"error.csv_bad_quote", "error.csv_unclosed_quote", "auth.users_entry.not_a_table"}
# A single quote that opens a quotation: one not after a letter, digit or placeholder (an apostrophe is: units' …,
# {username}'s, Word's).
OPENING_SINGLE = re.compile(r"(?<![\w}])'")


def _quoted_straight(catalog: dict[str, str]) -> list[str]:
    return sorted(
        key
        for key, text in catalog.items()
        if key not in LITERAL_QUOTES and ('"' in text or OPENING_SINGLE.search(text))
    )


def test_english_quotes_with_curly_double_quotes_only():
    assert _quoted_straight(i18n.catalog("en")) == []
    # the style the templates keep: “…”, apostrophes straight
    assert i18n.t("error.date_impossible", "en", value="2020-02-30") == "“2020-02-30” is not a real date"
    assert i18n.t("where.column_letter", "en", letter="C", column="发现日期") == "column C “发现日期”"


def test_the_quote_check_finds_what_it_is_for():
    assert _quoted_straight(
        {"a": "'{value}' is not a date", "b": 'marked "recalculate on opening"', "c": "account '{username}' added"}
    ) == ["a", "b", "c"]
    assert _quoted_straight({"d": "the units' party groups", "e": "{username}'s scope", "f": "Word's box"}) == []


# Templates the CLI prints as a line of their own (a result, a refusal): each opens as a sentence does.
CLI_LINES = re.compile(r"^(auth\.cli\.(?!state\.|user_line)|auth\.error\.|alerts\.cli\.|cluster\.(?!help\.))")
CLI_LINES_NAMED = {
    "cli.audit_unwritable_where",
    "data.report.failed_stopped",
    "data.report.found_stopped",
    "data.history.damaged",
    "error.undo_history_damaged",
    "data.history.unreadable",
    "error.undo_history_unreadable",
    "error.audit_unwritable",
    "auth.login.disabled",
}


def _lower_case_lines(catalog: dict[str, str]) -> list[str]:
    return sorted(
        key
        for key, text in catalog.items()
        if (CLI_LINES.match(key) or key in CLI_LINES_NAMED) and re.match(r"[a-z]", text)
    )


def test_every_line_the_cli_prints_opens_with_a_capital(capsys, monkeypatch, tmp_path):
    assert _lower_case_lines(i18n.catalog("en")) == []
    from oversight.cli.main import main

    monkeypatch.setenv("OVERSIGHT_USERS_FILE", str(tmp_path / "users.toml"))
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("good-pass-123\n"))
    assert main(["--lang", "en", "user", "add", "clerk", "--role", "leader", "--password-stdin"]) == 0
    assert capsys.readouterr().out.strip() == "Account “clerk” added (leader)"
    assert main(["--lang", "en", "user", "remove", "ghost"]) == 1
    assert capsys.readouterr().err.strip() == "There is no account “ghost”."


def test_the_capital_check_finds_what_it_is_for():
    assert _lower_case_lines({"auth.cli.user_added": "account added", "auth.cli.state.enabled": "enabled"}) == [
        "auth.cli.user_added"
    ]
    assert _lower_case_lines({"cluster.help.port": "the port", "cluster.stopped": "Stopped {name}"}) == []


def test_year_on_year_is_written_as_the_glossary_writes_it():
    """README's glossary: 同比 year on year. The cards' and slides' "YoY" stood beside the report's "Year on year"."""
    english = i18n.catalog("en")
    assert [key for key, text in english.items() if re.search(r"\bYoY\b|year-on-year|year over year", text, re.I)] == []
    assert i18n.t("kpi.basis_yoy", "en") == "year on year"
    assert i18n.t("kpi.delta_yoy", "en", delta="+3") == "+3 year on year"


def _sample_units() -> pd.DataFrame:
    from oversight.data import store

    return pd.read_excel(store.SAMPLE_DATA_DIR / "units.xlsx", engine="openpyxl")


def test_a_unit_named_in_an_english_sentence_takes_its_article():
    """A body's name takes "the" ("the General Office", "the Office of the Provincial Local Chronicles Compilation
    Committee"); a field's name does not ("Foreign Affairs", "Local Chronicles"); a label keeps the name bare."""
    units = _sample_units().set_index("单位编码")
    shorts = {uid: i18n.unit_in_sentence(units.at[uid, "英文简称"], "en") for uid in units.index}
    assert shorts == {
        "gov_office": "the General Office",
        "research": "the Research Office",
        "offices_admin": "the Offices Admin.",
        "petitions": "the Petitions Bureau",
        "counsellors": "the Counsellors' Office",
        "foreign_affairs": "Foreign Affairs",
        "data_admin": "the Big Data Admin.",
        "beijing_office": "the Beijing Office",
        "chronicles": "Local Chronicles",
    }
    # every full English name is a body's
    assert all(i18n.unit_in_sentence(name, "en") == f"the {name}" for name in units["英文名称"])
    assert i18n.unit_in_sentence("The Provincial Archives", "en") == "The Provincial Archives"
    assert (
        i18n.unit_in_sentence("General Office (Confidential Bureau)", "en")
        == "the General Office (Confidential Bureau)"
    )
    assert i18n.unit_in_sentence("省政府办公厅", "zh") == "省政府办公厅"


def test_the_reading_beside_the_chart_names_the_unit_with_most_issues_with_its_article(connection, default_filter):
    """The sample's 2020: the General Office had the most issues raised, recounted from issues.xlsx."""
    from oversight.briefing import takeaways
    from oversight.charts import OVERVIEW_CHARTS
    from oversight.data import queries, store

    issues = pd.read_excel(store.SAMPLE_DATA_DIR / "issues.xlsx", engine="openpyxl")
    in_2020 = issues[pd.to_datetime(issues["发现日期"]).dt.year == 2020]
    per_unit = in_2020.groupby("单位").size().sort_values(ascending=False)
    assert len(in_2020) == 16 and per_unit.iloc[0] == 3 and per_unit.iloc[1] < 3
    units = _sample_units()
    leader = units.loc[
        (units["单位编码"] == per_unit.index[0]) | (units["单位名称"] == per_unit.index[0]), "英文简称"
    ].item()
    assert leader == "General Office"

    spec = next(spec for spec in OVERVIEW_CHARTS if spec.key == "issues_suggestions_by_unit")
    text = takeaways.takeaway(spec, queries.run(connection, spec.query, default_filter), "en")
    assert text == "The General Office had the most issues raised (3 issues); 16 issues and 19 suggestions in all."


def test_the_summary_counts_reminders_by_form_number_first(connection, default_filter):
    """The summary's "(written 15, face-to-face 15, at a meeting 12)" was the Chinese order word for word (书面提醒15次);
    English puts the number first. The counts are the sample's 2020 reminders, recounted from reminders.xlsx."""
    from oversight.data import queries, store
    from oversight.present import summary

    reminders = pd.read_excel(store.SAMPLE_DATA_DIR / "reminders.xlsx", engine="openpyxl")
    in_2020 = reminders[pd.to_datetime(reminders["提醒日期"]).dt.year == 2020]["提醒方式"].value_counts()
    counts = {form: int(in_2020.get(form, 0)) for form in ("书面提醒", "面对面提醒", "会议提醒")}
    assert counts == {"书面提醒": 15, "面对面提醒": 15, "会议提醒": 12}

    paragraphs = summary.written_summary(lambda name, f: queries.run(connection, name, f), default_filter, "en")
    assert paragraphs[1].endswith(
        f"issued 42 reminders to unit leaders ({counts['书面提醒']} written, {counts['面对面提醒']} face-to-face, "
        f"{counts['会议提醒']} at a meeting)."
    )


def test_a_list_of_kinds_takes_no_comma_before_its_last():
    """A bad upload's refusal listed "(.xlsx, .xlsm, .xls, or WPS .et)", the one serial comma beside every other list
    ("a, b and c", ``summary.join_list``)."""
    assert "(.xlsx, .xlsm, .xls or WPS .et)" in i18n.t("error.not_a_spreadsheet", "en")
