"""Review of 4 Dec (r4, the English reader): one spelling of a word across every English text.

The import's refusals said "ids must be unique" and "expected a unit id" (an abbreviation a native reader writes
ID, IDs), and the sign-in's "no account for this email" stood beside ten texts' "e-mail". Checked over every
English template, with its {placeholders} taken out."""

from __future__ import annotations

import re

from oversight.core import i18n

# texts that quote a settings file's own keys (role, units, email, …), which must stay as the file spells them
QUOTES_FILE_KEYS = {"auth.users_entry.unknown_key"}
PLACEHOLDER = re.compile(r"\{[^}]*\}")
UNWANTED = {
    "lower-case id": re.compile(r"\bids?\b"),
    "email": re.compile(r"(?<!-)\bemail\b", re.IGNORECASE),  # --email is the option as the CLI spells it
    # the glossary's "special study session" (专题研究): the key figures said "Special studies 17" over the summary's
    # "17 special study sessions", the activities charts' titles "special studies" over their readings' sessions
    "special studies": re.compile(r"\bspecial studies\b", re.IGNORECASE),
}


def _offenders(catalog: dict[str, str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key, text in catalog.items():
        if key in QUOTES_FILE_KEYS:
            continue
        prose = PLACEHOLDER.sub(" ", text)
        hits = [name for name, pattern in UNWANTED.items() if pattern.search(prose)]
        if hits:
            found[key] = hits
    return found


def test_english_writes_id_e_mail_and_special_study_sessions_one_way():
    assert _offenders(i18n.catalog("en")) == {}


def test_the_check_finds_what_it_is_for():
    assert _offenders({"a": "'{value}' repeats row 3; ids must be unique", "b": "no account for this email"}) == {
        "a": ["lower-case id"],
        "b": ["email"],
    }
    assert _offenders({"c": "kept as {id}; IDs must be unique; e-mail", "auth.users_entry.unknown_key": "email"}) == {}
    assert _offenders({"d": "give its e-mail with --email"}) == {}
    assert _offenders({"e": "Special studies"}) == {"e": ["special studies"]}
    assert _offenders({"f": "17 special study sessions; Special study"}) == {}


def test_the_summary_names_special_study_sessions_as_the_glossary_and_the_takeaways_do(connection, default_filter):
    """The summary read "The team held 17 sessions of special study" (a word-for-word 专题研究工作17次) where the
    activities chart's reading and the glossary say "17 special study sessions"; of one unit with none, "no sessions
    of special study". The figure is the sample's 17 special_study rows of 2020, counted from the spreadsheet."""
    from oversight.briefing import takeaways
    from oversight.charts import catalog
    from oversight.data import queries
    from oversight.present import summary
    from tests import oracle

    studies = oracle.View(
        oracle.read_ledgers(oracle.Path(__file__).resolve().parent.parent / "data"), (), (2020, 1), (2020, 4)
    ).activities
    assert (studies["kind"] == "special_study").sum() == 17

    def run(name, filter_):
        return queries.run(connection, name, filter_)

    paragraphs = summary.written_summary(run, default_filter, "en")
    assert paragraphs[1].startswith("The team held 17 special study sessions with the units' organ discipline")
    spec = next(spec for spec in catalog.all_charts() if spec.key == "activities_by_unit")
    assert "17 special study sessions" in takeaways.takeaway(spec, run(spec.query, default_filter), "en")
    assert not any("sessions of special study" in text for text in i18n.catalog("en").values())


def test_the_meetings_card_says_in_english_that_the_span_before_has_no_data():
    """A range from the data start (2019 Q1 to 2020 Q3) left the meetings card's second line "no comparable data vs
    the span before": a comparison with nothing, word for word 环比 无可比数据."""
    from oversight.present.kpis import span_change_line

    assert span_change_line({"meetings": 501}, None, "en", "") == "no comparable data for the span before"
    assert span_change_line({"meetings": 501}, None, "zh", "") == "环比无可比数据"


def test_a_size_is_written_with_a_space_before_its_unit():
    """The Data page's uploader said "Up to 20MB per file" where the refusals say "over the 20 MB limit"."""
    glued = {key: text for key, text in i18n.catalog("en").items() if re.search(r"(\}|\d)(MB|KB|GB)\b", text)}
    assert glued == {}
    assert i18n.t("data.ui.upload_limit", "en", megabytes=20, kinds="XLSX").startswith("Up to 20 MB per file")


def test_a_rate_is_called_a_rate_in_english_as_in_chinese():
    """The suggestions page's cards read 采纳率 63.2% and 落实率 36.8% in Chinese, and "Adoption rate 63.2%" beside
    "Implemented 36.8%" in English: a share of suggestions under the name of their status (README: 采纳率 / 落实率
    adoption / implementation)."""
    zh, en = i18n.catalog("zh"), i18n.catalog("en")
    rates = {key: en[key] for key, text in zh.items() if key.startswith("kpi.") and text.endswith("率")}
    assert len(rates) >= 4
    assert {key: label for key, label in rates.items() if not label.endswith(" rate")} == {}
