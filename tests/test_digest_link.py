"""The pushed digest's link (``push.dashboard_url``) opens the Overview at the digest's own day: the figures a leader
finds there are the digest's. The link opened the page as of its quarter's end, and a 20 November digest's issue
overdue 173 days was 214 days overdue on the page it linked to."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest

from oversight import alerts
from oversight.alerts import digest_text
from oversight.alerts.strip import AlertStrip
from oversight.auth.unit_scope import Scope
from oversight.data import filters
from oversight.data.filters import Filter, Quarter
from tests.apptest import as_read, run_page

BASE = "https://db.example.gov.cn/oversight/"
# the sample's ledgers run to 31 December 2020: days inside quarters, a quarter's first and last, the data date
DAYS = ["2020-11-20", "2020-11-08", "2020-10-01", "2020-08-14", "2020-06-30", "2019-12-30", "2020-12-31"]


def _digest(connection, day: date, units: tuple[str, ...]) -> alerts.Digest:
    """The digest as ``alerts --push`` collects it (an account that sees every unit)."""
    return alerts.collect_alerts(alerts.scoped_runner(connection, Scope.everything()), day, alerts.DEFAULT_RULES, units)


def _linked_page(connection, span, link: str) -> tuple[Filter, filters.UrlNotes, alerts.Digest]:
    """What the Overview does with the link: its filter read from the URL, resolved against the data, and the 预警
    strip's digest taken at that filter's as-of date (``ui.page.cached_alerts``)."""
    filter_, notes = filters.from_query_params(parse_qs(urlsplit(link).query), span)
    view = span.resolve(filter_)
    return view, notes, alerts.alerts_for(connection, Scope.everything(), view.as_of, alerts.DEFAULT_RULES, view.units)


@pytest.mark.parametrize("units", [(), ("research", "foreign_affairs")], ids=str)
@pytest.mark.parametrize("day", DAYS)
def test_the_linked_page_shows_the_digests_figures(connection, span, day, units):
    digest = _digest(connection, date.fromisoformat(day), units)
    link = digest_text.dashboard_link(digest, BASE, units, "zh")
    view, notes, shown = _linked_page(connection, span, link)
    assert not notes, notes
    assert view.as_of == digest.as_of
    assert shown.counts() == digest.counts()
    overdue = [(i.unit_id, i.issue_id, i.facts["days_overdue"]) for i in digest.items if i.rule == "overdue"]
    assert [(i.unit_id, i.issue_id, i.facts["days_overdue"]) for i in shown.items if i.rule == "overdue"] == overdue
    assert [i.as_dict() for i in shown.items] == [i.as_dict() for i in digest.items]
    for lang in ("zh", "en"):
        assert AlertStrip(shown).parts(lang) == AlertStrip(digest).parts(lang)


def test_a_digest_of_20_november_links_to_its_day_and_the_page_says_its_days_overdue(connection, span):
    """Through the page itself (AppTest): the strip's longest overdue is the digest's, 215 days, not the 256 of the
    quarter's end (the data date)."""
    digest = _digest(connection, date(2020, 11, 20), ())
    link = digest_text.dashboard_link(digest, BASE, (), "zh")
    assert parse_qs(urlsplit(link).query) == {"from": ["2020Q4"], "to": ["2020Q4"], "day": ["2020-11-20"]}
    oldest = max(int(i.facts["days_overdue"]) for i in digest.items if i.rule == "overdue")
    assert oldest == 215
    at = run_page(query={name: values for name, values in parse_qs(urlsplit(link).query).items()})
    strip = next(text for text in (as_read(block.value) for block in at.markdown) if "预警（截至" in text)
    assert "预警（截至2020年11月20日）" in strip and "（215天）" in strip and "256" not in strip
    assert span.last_day == date(2020, 12, 31)
    captions = [as_read(caption.value) for caption in at.caption]
    # what the figures run to, and why: "所选期间止于数据日期之后" said of a quarter that ends before the data date
    assert "各项数据截至所选日期2020年11月20日，同比与上年同期截至2019年11月20日的数据比较。" in captions
    assert not any("止于数据日期之后" in caption for caption in captions)
    assert at.query_params["day"] == "2020-11-20"  # the address keeps it: a reload shows the same figures
    # the 较上季度 box too: it read the whole of 2020 Q4 against the whole of Q3 (会议数量65次（上季度58次）)
    box = next(text for text in (as_read(block.value) for block in at.markdown) if "较" in text and "会议数量" in text)
    assert "2020年第4季度（截至11月20日）较2020年第3季度同期（截至8月20日）" in box and "会议数量35次" in box


@pytest.mark.parametrize(
    "query, ignored, outside",
    [
        ({"from": "2020Q4", "to": "2020Q4", "day": "2020-11-31"}, ("day=2020-11-31",), ()),  # not a day
        ({"from": "2020Q4", "to": "2020Q4", "day": "20 November"}, ("day=20 November",), ()),
        # forms date.fromisoformat reads but no link writes and README does not name: not read as 20 November
        ({"from": "2020Q4", "to": "2020Q4", "day": "20201120"}, ("day=20201120",), ()),
        ({"from": "2020Q4", "to": "2020Q4", "day": "2020-W47-5"}, ("day=2020-W47-5",), ()),
        ({"from": "2020Q4", "to": "2020Q4", "day": "٢٠٢٠-١١-٢٠"}, ("day=٢٠٢٠-١١-٢٠",), ()),
        ({"from": "2020Q3", "to": "2020Q4", "day": "2020-08-14"}, (), ("day=2020-08-14",)),  # not of the last quarter
        ({"from": "2020Q4", "to": "2021Q2", "day": "2021-05-01"}, (), ("day=2021-05-01",)),  # its quarter was moved
    ],
)
def test_a_day_the_view_cannot_take_is_named_back_and_the_range_shown_whole(span, query, ignored, outside):
    filter_, notes = filters.from_query_params(query, span)
    assert filter_.day is None and notes.ignored == ignored and notes.day_outside == outside
    assert span.resolve(filter_).as_of == date(2020, 12, 31)


@pytest.mark.parametrize(
    "lang, warning",
    [
        (
            "zh",
            "链接中的日期不在所显示范围的最后一个季度内，已忽略：day=2020-08-14；现显示2020年第3季度至2020年第4季度。",
        ),
        (
            "en",
            "The link's day is not in the last quarter shown, and was ignored: day=2020-08-14. Showing 2020 Q3 to 2020 Q4.",
        ),
    ],
)
def test_the_page_says_a_day_outside_its_last_quarter_was_ignored(lang, warning):
    at = run_page(query={"from": "2020Q3", "to": "2020Q4", "day": "2020-08-14", "lang": lang})
    # the value is escaped for markdown (day=2020\\-08\\-14), shown as written
    assert [as_read(w.value).replace("\\-", "-") for w in at.warning if "day=" in w.value] == [warning]


def test_a_days_note_goes_once_quarters_are_chosen_on_screen(span):
    _filter, notes = filters.from_query_params({"day": "nonsense", "unit": "nowhere"}, span)
    assert notes.after_choosing(quarters=True, units=False).ignored == ("unit=nowhere",)
    _filter, notes = filters.from_query_params({"day": "2019-05-01"}, span)
    assert notes.day_outside == ("day=2019-05-01",) and not notes.after_choosing(quarters=True, units=False)


def test_the_range_s_last_day_and_a_repeated_day():
    span = filters.DataSpan(("a",), Quarter(2020, 1), Quarter(2020, 4))
    filter_, notes = filters.from_query_params({"to": "2020Q4", "day": ["2020-12-31", "2020-11-01"]}, span)
    assert filter_.day is None and filter_.as_of == date(2020, 12, 31)  # the range's own last day: nothing to add
    assert notes.repeated == ("day=2020-11-01",)
    filter_, _notes = filters.from_query_params({"to": "2020Q4", "day": " 2020-11-20 "}, span)
    assert filter_.to_query_params() == {"from": "2020Q1", "to": "2020Q4", "day": "2020-11-20"}
    assert filter_.previous_year().as_of == date(2019, 11, 20)  # 同比 to the same day, as for a year to date
