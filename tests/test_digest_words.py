"""The digest's words: no stray space beside Chinese full-width punctuation, and a rule that found nothing said as the
Overview's 预警 strip says it."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from oversight import alerts
from oversight.alerts import digest_text
from oversight.alerts.configuration import Rules
from oversight.alerts.strip import AlertStrip
from oversight.auth.unit_scope import Scope

# full-width punctuation carries its own room: a space beside it is a stray ("（截至11月8日） 5次"); the one space
# kept is the one after an issue's number, a code, before its description ("WT2020-022 “三重一大”事项…")
_FULL_WIDTH = "（）：，；。、“”《》！？"
_STRAY = re.compile(f"[{_FULL_WIDTH}] |(?<![A-Za-z0-9-]) [{_FULL_WIDTH}]")


def _digest(connection, day: date, units: tuple[str, ...] = (), rules: Rules = alerts.DEFAULT_RULES) -> alerts.Digest:
    return alerts.collect_alerts(alerts.scoped_runner(connection, Scope.everything()), day, rules, units)


def _days():
    """Every ninth day from the sample's second quarter to past its data date: quarters begun and ended, to date."""
    day = date(2019, 4, 1)
    while day <= date(2021, 2, 1):
        yield day
        day += timedelta(days=9)


def test_no_chinese_line_of_any_digest_has_a_space_beside_full_width_punctuation(connection):
    """The 会议增多 line read "2019年第4季度（截至11月8日） 5次": found on 46 lines of these days' digests."""
    stray = []
    for day in _days():
        digest = _digest(connection, day)
        texts = [
            digest_text.render_text(digest, "zh"),
            digest_text.render_markdown(digest, "zh", 20000),
            digest_text.subject(digest, "zh"),
            *AlertStrip(digest).parts("zh"),
        ]
        stray += [(day, line) for text in texts for line in text.splitlines() if _STRAY.search(line)]
    assert stray == []


def test_the_year_earlier_meetings_are_said_after_their_quarter_and_its_day(connection):
    lines = digest_text.render_text(_digest(connection, date(2020, 11, 8)), "zh").splitlines()
    rising = [line for line in lines if "会议增多：" in line]
    assert "  - 会议增多：2020年第4季度（截至11月8日）召开会议5次，2019年第4季度（截至11月8日）为3次，增加2次" in rising


@pytest.mark.parametrize(
    "day, units, zh, en",
    [
        # the Overview's strip over the same day says 无逾期未整改问题 / none overdue: so does the digest now
        (
            date(2019, 4, 10),
            ("gov_office",),
            "无逾期未整改问题 · 30天内无到期问题",
            "None overdue · none due within 30 days",
        ),
    ],
    ids=["2019-04-10, gov_office"],
)
def test_a_rule_that_found_nothing_is_said_as_the_strip_says_it(connection, day, units, zh, en):
    """The count line said "逾期未整改0项" / "0 overdue" where the strip above the same figures said none."""
    digest = _digest(connection, day, units)
    assert digest.counts()["overdue"] == 0 and digest.counts()["due_soon"] == 0
    assert digest_text.counts_line(digest, "zh").startswith(zh)
    assert digest_text.counts_line(digest, "en").startswith(en)
    strip = AlertStrip(digest)
    assert strip.parts("zh")[:2] == zh.split(" · ") and strip.parts("en")[0] == "none overdue"
    assert "**" not in digest_text.counts_line(digest, "zh", bold=True).split(" · ")[0]  # no number to set in bold
