"""The Overview's 预警 strip, recomputed with pandas from the spreadsheets for many filters: the overdue count
and the oldest item (as the Issues page's 逾期未整改), what falls due within 30 days, the units without a
regular consultation this quarter; and the strip on the page in both languages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from oversight import alerts
from oversight.alerts import digest_text
from oversight.alerts.configuration import Rules
from oversight.alerts.strip import AlertStrip
from oversight.auth.unit_scope import Scope
from oversight.data import store
from oversight.data.filters import Filter, Quarter
from tests import oracle
from tests.apptest import as_read, run_page
from tests.test_definitions import EDGE_DAYS

CASES = [
    ((), (2020, 1), (2020, 4)),
    ((), (2019, 1), (2019, 4)),
    ((), (2020, 2), (2020, 2)),
    (("foreign_affairs",), (2020, 1), (2020, 4)),
    (("research", "petitions"), (2019, 3), (2020, 2)),
    (("counsellors",), (2019, 1), (2019, 1)),
]


@pytest.fixture(scope="module")
def ledgers():
    return oracle.read_ledgers(store.SAMPLE_DATA_DIR)


def _strip(connection, span, units, start, end, day=None) -> AlertStrip:
    filter_ = span.resolve(Filter(units, Quarter(*start), Quarter(*end), day=day))
    return AlertStrip(alerts.alerts_for(connection, Scope.everything(), filter_.as_of, alerts.DEFAULT_RULES, units))


@pytest.mark.parametrize("units, start, end", CASES, ids=str)
def test_the_strip_says_what_the_spreadsheets_say(connection, span, ledgers, units, start, end, day=None):
    # ``day``: a link's day= (test_figure_sweep's days), the day the strip is taken at where it is the earliest
    strip = _strip(connection, span, units, start, end, day)
    view = oracle.View(ledgers, units, start, end, day=day)
    day = view.as_of
    assert strip.digest.as_of == day
    assert [(i.issue_id, int(i.facts["days_overdue"])) for i in strip.overdue] == view.overdue_list()

    issues = view.scoped(ledgers.issues)
    open_then = issues[(issues["raised"] <= day) & ~view.rectified_by(issues, day)]
    soon = open_then[(open_then["due"] >= day) & (open_then["due"] <= day + timedelta(days=30))]
    assert sorted(i.issue_id for i in strip.due_soon) == sorted(soon["issue_id"])

    first = oracle.quarter_first(day.year, (day.month - 1) // 3 + 1)  # the as-of date's quarter
    activities = ledgers.activities
    consulted = set(
        activities[
            (activities["kind"] == "consultation") & (activities["date"] >= first) & (activities["date"] <= day)
        ]["unit"]
    )
    in_scope = list(units) or list(ledgers.units["unit_id"])
    assert sorted(i.unit_id for i in strip.without_consultation) == sorted(set(in_scope) - consulted)


def test_the_default_view_reads_like_the_issues_page(connection, span):
    strip = _strip(connection, span, (), (2020, 1), (2020, 4))
    zh, en = " · ".join(strip.parts("zh")), " · ".join(strip.parts("en"))
    assert (
        strip.heading("zh") == "预警（截至2020年12月31日）" and strip.heading("en") == "Alerts (as of 31 December 2020)"
    )
    assert zh.startswith("逾期未整改6个 · 逾期最久：省人民政府外事办公室“") and "（256天）" in zh
    assert en.startswith("6 overdue · longest overdue: Foreign Affairs, “")
    assert "30天内无到期问题" in zh and "none due within 30 days" in en  # nothing due: none, not a count of 0


def _english_short_names(folder) -> dict[str, str]:
    """The units sheet's 英文简称, read with pandas under its Chinese headers (the charts' and tables' English names)."""
    import pandas as pd

    sheet = pd.read_excel(folder / "units.xlsx", engine="openpyxl")
    return dict(zip(sheet["单位编码"], sheet["英文简称"]))


@pytest.mark.parametrize("units, start, end", CASES, ids=str)
def test_the_strip_names_units_as_the_charts_and_tables_do(connection, span, ledgers, units, start, end):
    """Seen on the Overview in English: "longest overdue: Foreign Affairs Office of the Provincial Government" above
    charts and tables that name the unit Foreign Affairs. In English the strip names units by the units sheet's
    英文简称, in Chinese by their names, as the tables do; the pushed digest keeps full names."""
    strip = _strip(connection, span, units, start, end)
    short = _english_short_names(store.SAMPLE_DATA_DIR)
    zh_names = dict(zip(ledgers.units["unit_id"], ledgers.units["name_zh"]))
    en_names = dict(zip(ledgers.units["unit_id"], ledgers.units["name_en"]))
    en, zh = " · ".join(strip.parts("en")), " · ".join(strip.parts("zh"))
    named = [strip.overdue[0]] if strip.overdue else []
    named += strip.without_consultation if len(strip.without_consultation) <= 3 else []
    for item in named:
        assert short[item.unit_id] in en and zh_names[item.unit_id] in zh
        assert en_names[item.unit_id] not in en
    assert strip.overdue or strip.without_consultation  # each case names at least one unit
    if strip.overdue:
        # the digest read on its own keeps the full name
        assert en_names[strip.overdue[0].unit_id] in digest_text.render_text(strip.digest, "en")


def test_rules_switched_off_are_not_shown(connection, span):
    rules = Rules(overdue=True, due_soon=False, no_consultation=False, meetings_rising=False)
    filter_ = span.resolve(span.default_filter())
    strip = AlertStrip(alerts.alerts_for(connection, Scope.everything(), filter_.as_of, rules, ()))
    assert strip.parts("zh")[0] == "逾期未整改6个" and not any("到期" in p or "会商" in p for p in strip.parts("zh"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_overview_shows_the_strip_with_a_link_to_the_list(lang):
    at = run_page(query={"lang": lang})
    texts = [as_read(block.value) for block in at.markdown]
    strip = next(text for text in texts if "预警" in text or "Alerts" in text)
    assert ("逾期未整改6个" in strip) if lang == "zh" else ("6 overdue" in strip)


@pytest.mark.parametrize(
    "units, quarter, zh, en",
    [
        (
            ("gov_office",),
            (2020, 4),
            "2020年第4季度未开展定期会商：省政府办公厅",
            "no regular consultation in 2020 Q4: General Office",
        ),
        (
            ("gov_office", "petitions", "research"),
            (2020, 4),
            "2020年第4季度未开展定期会商：省政府办公厅、省政府研究室",
            "no regular consultation in 2020 Q4: General Office, Research Office",
        ),
        ((), (2020, 4), "2020年第4季度未开展定期会商8家单位", "8 units without a regular consultation in 2020 Q4"),
    ],
)
def test_a_few_units_without_a_consultation_are_named(connection, span, ledgers, units, quarter, zh, en):
    """Seen on the Overview narrowed to 省政府办公厅 in 2020 Q4: "本季度未开展定期会商1家单位", which unit left for the
    leader to infer; up to three are named (the petitions bureau held one on 19 December), more are counted."""
    strip = _strip(connection, span, units, quarter, quarter)
    consulted = ledgers.activities[
        ledgers.activities["kind"].eq("consultation")
        & ledgers.activities["date"].map(lambda day: (day.year, (day.month - 1) // 3 + 1) == quarter)
    ]["unit"]
    in_view = set(units) or set(ledgers.units["unit_id"])
    assert len(in_view - set(consulted)) == (8 if not units else len(units) - ("petitions" in units))
    assert strip.parts("zh")[-1] == zh and strip.parts("en")[-1] == en


def test_a_quoted_description_with_its_own_quotes_nests_them(connection, span):
    """Seen on the Overview narrowed to 大数据局 in 2020 Q4: 省政务服务和大数据管理局““三重一大”事项集体决策记录不完整”,
    a stray mark before the description; its own quotes are single inside the strip's, as Chinese nests them."""
    strip = _strip(connection, span, ("data_admin",), (2020, 4), (2020, 4))
    assert strip.overdue[0].facts["description"] == "“三重一大”事项集体决策记录不完整"  # the ledger's own words
    assert strip.parts("zh")[1] == "省政务服务和大数据管理局“‘三重一大’事项集体决策记录不完整”（逾期53天）"
    assert strip.parts("en")[1] == "Big Data Admin., “‘三重一大’事项集体决策记录不完整” (53 days overdue)"


def _consulted_in_its_quarter_to(ledgers, day) -> set[str]:
    """The units with a consultation from the first day of ``day``'s quarter to ``day``, from the spreadsheets."""
    activities = ledgers.activities
    first = oracle.quarter_first(day.year, (day.month - 1) // 3 + 1)
    held = activities[
        (activities["kind"] == "consultation") & (activities["date"] >= first) & (activities["date"] <= day)
    ]
    return set(held["unit"])


@pytest.mark.parametrize("units, start, end", CASES, ids=str)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_units_without_consultation_are_counted_in_the_quarter_named(
    connection, span, ledgers, units, start, end, lang
):
    """The strip names the as-of date's quarter: 本季度 under a range that ended in 2019 read as the present quarter."""
    strip = _strip(connection, span, units, start, end)
    day = oracle.View(ledgers, units, start, end).as_of
    quarter = (day.year, (day.month - 1) // 3 + 1)
    consulted = _consulted_in_its_quarter_to(ledgers, day)
    missing = len(set(list(units) or list(ledgers.units["unit_id"])) - consulted)
    part = strip.parts(lang)[-1]
    if 0 < missing <= 3:  # a few are named (test_a_few_units_without_a_consultation_are_named), in the same quarter
        head = (
            f"{quarter[0]}年第{quarter[1]}季度未开展定期会商："
            if lang == "zh"
            else f"no regular consultation in {quarter[0]} Q{quarter[1]}: "
        )
        assert part.startswith(head), part
        assert len(part[len(head) :].split("、" if lang == "zh" else ", ")) == missing or lang == "en"
    elif not missing:  # test_a_count_of_nothing_is_said_as_none
        assert part in (
            f"{quarter[0]}年第{quarter[1]}季度无未开展定期会商的单位",
            f"every unit in view had a regular consultation in {quarter[0]} Q{quarter[1]}",
        )
    elif lang == "zh":
        assert part == f"{quarter[0]}年第{quarter[1]}季度未开展定期会商{missing}家单位"
    else:
        noun = "unit" if missing == 1 else "units"
        assert part == f"{missing} {noun} without a regular consultation in {quarter[0]} Q{quarter[1]}"
    assert "本季度" not in part and "this quarter" not in part


def test_issues_tied_as_the_longest_overdue_are_counted_not_one_named_alone(tmp_path):
    """Two issues overdue as long: the strip says 等2个（各N天）, not one of them as "the longest". A copy of the sample
    with WT2020-013's deadline set to WT2020-012's; expected values recomputed from that copy with pandas."""
    import pandas as pd

    from oversight.data import queries as data_queries

    folder = tmp_path / "data"
    folder.mkdir()
    for path in store.SAMPLE_DATA_DIR.glob("*.xlsx"):
        frame = pd.read_excel(path, engine="openpyxl")
        if path.stem == "issues":
            deadline = frame.loc[frame["问题编号"] == "WT2020-012", "整改期限"].iloc[0]
            frame.loc[frame["问题编号"] == "WT2020-013", "整改期限"] = deadline
        frame.to_excel(folder / path.name, index=False)
    connection = store.open_folder(folder)
    span = data_queries.data_span(connection)
    copied = oracle.read_ledgers(folder)
    for units, start, end in (((), (2020, 1), (2020, 4)), (("foreign_affairs", "research"), (2020, 3), (2020, 3))):
        view = oracle.View(copied, units, start, end)
        longest = view.overdue_list()
        days = longest[0][1]
        tied = sum(1 for _, n in longest if n == days)
        assert tied == 2 and {i for i, n in longest if n == days} == {"WT2020-012", "WT2020-013"}
        strip = _strip(connection, span, units, start, end)
        zh, en = strip.parts("zh")[1], strip.parts("en")[1]
        assert zh.startswith("逾期最久：省人民政府外事办公室“") and zh.endswith(f"”等{tied}个（各{days}天）"), zh
        assert en.endswith(f"” and {tied - 1} more ({days} days each)"), en
    # one longest alone is named alone
    single = _strip(connection, span, ("research",), (2020, 1), (2020, 4)).parts("zh")[1]
    assert "等" not in single and single.endswith("（逾期256天）")  # one overdue: not "the longest" of one


def test_a_window_of_no_days_is_todays_deadlines(connection, span, ledgers, monkeypatch):
    """A settings file's days = 0 read "0天内到期1个" / "1 due within 0 days": it is what falls due on the as-of day,
    today on that day (Beijing) and named on any other: the strip is taken at the data date, and "今天到期1个" of
    8 November 2020 read as of the day the page was opened."""
    from datetime import datetime

    from oversight import config

    day = date(2020, 11, 8)
    issues = ledgers.issues
    open_then = issues[(issues["raised"] <= day) & ((issues["status"] != "rectified") | (issues["rectified"] > day))]
    today = sorted(open_then.loc[open_then["due"] == day, "issue_id"])
    assert today == ["WT2020-022"]
    rules = Rules(due_within_days=0)
    strip = AlertStrip(alerts.alerts_for(connection, Scope.everything(), day, rules, ()))
    monkeypatch.setattr(config, "team_now", lambda: datetime(2026, 12, 5, 9, 0, tzinfo=config.TEAM_TIME_ZONE))
    assert "2020年11月8日到期1个" in strip.parts("zh") and "1 due on 8 November 2020" in strip.parts("en")
    assert not any("今天" in part for part in strip.parts("zh"))
    monkeypatch.setattr(config, "team_now", lambda: datetime(2020, 11, 8, 0, 5, tzinfo=config.TEAM_TIME_ZONE))
    assert "今天到期1个" in strip.parts("zh") and "1 due today" in strip.parts("en")
    digest_lines = {lang: digest_text.counts_line(strip.digest, lang) for lang in ("zh", "en")}
    assert digest_lines["zh"].startswith("逾期未整改5项 · 今天到期1项 · ")
    assert digest_lines["en"].startswith("5 overdue · 1 due today · ")


@pytest.mark.parametrize("day", EDGE_DAYS, ids=str)
def test_not_consulted_names_how_far_into_its_quarter_it_is_counted(connection, ledgers, day):
    """ "未开展定期会商8家单位" on a quarter's first day was true and read aloud as a quarter without consultation. A
    quarter not over is named with the day counted to, on the strip, in the digest's counts and in each unit's line
    (README, 口径说明: 未会商); its last day names the quarter alone. The count recomputed from the spreadsheets."""
    quarter = (day.year, (day.month - 1) // 3 + 1)
    consulted = _consulted_in_its_quarter_to(ledgers, day)
    missing = len(set(ledgers.units["unit_id"]) - consulted)
    strip = AlertStrip(alerts.alerts_for(connection, Scope.everything(), day, alerts.DEFAULT_RULES, ()))
    assert len(strip.without_consultation) == missing
    whole = day == oracle.quarter_last(*quarter)
    zh = f"{quarter[0]}年第{quarter[1]}季度" + ("" if whole else f"（截至{day.month}月{day.day}日）")
    en = f"{quarter[0]} Q{quarter[1]}" + ("" if whole else f" (to {day.day} {day.strftime('%B')})")
    said_zh, said_en = (" ".join(strip.parts(lang)) for lang in ("zh", "en"))
    said = f"{zh}未开展定期会商{missing}家单位" if missing > 3 else f"{zh}未开展定期会商："
    assert (said if missing else f"{zh}无未开展定期会商的单位") in said_zh
    assert en in said_en, said_en
    counts = digest_text.counts_line(strip.digest, "zh")
    assert f"{zh}未会商{missing}家" in counts  # named, whole or not: 本季度 is said only within the quarter
    units = [line for line in digest_text.render_text(strip.digest, "zh").splitlines() if "未会商：" in line]
    assert len(units) == missing and all(f"未会商：{zh}未开展定期会商" in line for line in units)


# views where one of the strip's counts is nothing: a unit consulted in the as-of date's quarter, a quarter with no
# deadline within 30 days, a unit with nothing overdue (each checked against the spreadsheets below)
NOTHING_CASES = [
    (("petitions",), (2020, 4), (2020, 4)),
    (("beijing_office", "counsellors"), (2020, 3), (2020, 3)),
    ((), (2020, 1), (2020, 4)),
    (("counsellors",), (2019, 1), (2019, 1)),
    (("petitions",), (2019, 4), (2019, 4)),
]


@pytest.mark.parametrize("units, start, end", NOTHING_CASES, ids=str)
def test_a_count_of_nothing_is_said_as_none(connection, span, ledgers, units, start, end):
    """Seen on the Overview narrowed to 省信访局 in 2020 Q4, which held its regular consultation on 19 December:
    "2020年第4季度未开展定期会商0家单位" / "0 units without a regular consultation in 2020 Q4" over a view of that one
    unit, beside "30天内到期0个" / "0 due within 30 days". A leader reads out that nothing is missing, not a count
    of it: 2020年第4季度无未开展定期会商的单位 · 30天内无到期问题 / every unit in view had a regular consultation in
    2020 Q4 · none due within 30 days. Each count recomputed from the spreadsheets with pandas."""
    strip = _strip(connection, span, units, start, end)
    view = oracle.View(ledgers, units, start, end)
    day = view.as_of
    quarter = (day.year, (day.month - 1) // 3 + 1)
    overdue = len(view.overdue_list())
    issues = view.scoped(ledgers.issues)
    open_then = issues[(issues["raised"] <= day) & ~view.rectified_by(issues, day)]
    soon = int(((open_then["due"] >= day) & (open_then["due"] <= day + timedelta(days=30))).sum())
    missing = len(set(list(units) or list(ledgers.units["unit_id"])) - _consulted_in_its_quarter_to(ledgers, day))
    assert 0 in (overdue, soon, missing)  # each case has a count of nothing
    if not (overdue or soon or missing):
        assert strip.empty
        return
    zh, en = strip.parts("zh"), strip.parts("en")
    for said in zh + en:
        assert not said.startswith("0 ") and " 0个" not in said and " 0家" not in said, said
    quarter_zh, quarter_en = f"{quarter[0]}年第{quarter[1]}季度", f"{quarter[0]} Q{quarter[1]}"
    assert (zh[0] == "无逾期未整改问题") == (en[0] == "none overdue") == (overdue == 0)
    assert ("30天内无到期问题" in zh) == ("none due within 30 days" in en) == (soon == 0)
    assert (f"{quarter_zh}无未开展定期会商的单位" in zh) == (missing == 0)
    assert (f"every unit in view had a regular consultation in {quarter_en}" in en) == (missing == 0)
    if overdue:
        assert zh[0] == f"逾期未整改{overdue}个" and en[0] == f"{overdue} overdue"
    if soon:
        assert f"30天内到期{soon}个" in zh and f"{soon} due within 30 days" in en


def test_nothing_due_on_the_day_is_said_as_none(connection, ledgers, monkeypatch):
    """A window of 0 days with nothing due on the day: 2020年12月31日无到期问题 / none due on 31 December 2020, and on
    the team's today 今天无到期问题 / none due today — not "今天到期0个"."""
    day = date(2020, 12, 31)
    issues = ledgers.issues
    open_then = issues[(issues["raised"] <= day) & ((issues["status"] != "rectified") | (issues["rectified"] > day))]
    assert (open_then["due"] == day).sum() == 0
    strip = AlertStrip(alerts.alerts_for(connection, Scope.everything(), day, Rules(due_within_days=0), ()))
    assert "2020年12月31日无到期问题" in strip.parts("zh") and "none due on 31 December 2020" in strip.parts("en")
    from datetime import datetime

    from oversight import config

    monkeypatch.setattr(config, "team_now", lambda: datetime(2020, 12, 31, 10, 0, tzinfo=config.TEAM_TIME_ZONE))
    strip = AlertStrip(alerts.alerts_for(connection, Scope.everything(), day, Rules(due_within_days=0), ()))
    assert "今天无到期问题" in strip.parts("zh") and "none due today" in strip.parts("en")


@pytest.mark.parametrize(
    "units, start, end",
    [
        (("petitions",), (2020, 4), (2020, 4)),
        (("data_admin",), (2020, 4), (2020, 4)),
        (("research", "petitions"), (2020, 2), (2020, 2)),
        ((), (2020, 1), (2020, 4)),
    ],
    ids=str,
)
def test_one_overdue_issue_is_not_called_the_longest(connection, span, ledgers, units, start, end):
    """Seen on the Overview narrowed to 省信访局 in 2020 Q4: "逾期未整改1个 · 逾期最久：省信访局“…”（214天）" / "1 overdue ·
    longest overdue: Petitions Bureau, “…” (214 days)" — the longest of one. One issue overdue is named with its days
    overdue (省信访局“…”（逾期214天） / Petitions Bureau, “…” (214 days overdue)); of two or more, the longest is still
    named so. Recomputed with pandas."""
    overdue = oracle.View(ledgers, units, start, end).overdue_list()
    strip = _strip(connection, span, units, start, end)
    zh, en = strip.parts("zh"), strip.parts("en")
    if len(overdue) == 1:
        issue, days = overdue[0]
        unit = ledgers.issues.loc[ledgers.issues["issue_id"] == issue, "unit"].iloc[0]
        name = dict(zip(ledgers.units["unit_id"], ledgers.units["name_zh"]))[unit]
        assert zh[0] == "逾期未整改1个" and en[0] == "1 overdue"
        assert zh[1].startswith(f"{name}“") and zh[1].endswith(f"”（逾期{days}天）"), zh[1]
        assert en[1].endswith(f"” ({days} days overdue)"), en[1]
        assert "逾期最久" not in zh[1] and "longest" not in en[1]
    else:
        assert len(overdue) > 1
        assert zh[1].startswith("逾期最久：") and en[1].startswith("longest overdue: ")
