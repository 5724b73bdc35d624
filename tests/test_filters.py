"""The shared filter: quarters, the year-earlier span, SQL parameters and the URL form."""

from __future__ import annotations

from datetime import date

import pytest

from oversight.data import filters
from oversight.data.filters import Filter, Quarter

Q = Quarter.parse


def test_quarter_parsing_arithmetic_and_days():
    assert Q("2020q3") == Quarter(2020, 3)
    assert Q("2020Q1").shift(-1) == Q("2019Q4")
    assert Q("2019Q4").shift(1) == Q("2020Q1")
    assert Q("2020Q1").last_day == date(2020, 3, 31)
    assert Q("2020Q4").last_day == date(2020, 12, 31)
    assert Q("2020Q2").key == 20202
    with pytest.raises(ValueError):
        Q("2020Q5")


def test_previous_year_and_params():
    filter_ = Filter(("gov_office",), Q("2020Q2"), Q("2020Q3"))
    assert filter_.previous_year() == Filter(("gov_office",), Q("2019Q2"), Q("2019Q3"))
    assert filter_.sql_params() == {
        "units": ["gov_office"],
        "q_from": 20202,
        "q_to": 20203,
        "period_start": date(2020, 4, 1),
        "period_end": date(2020, 9, 30),
        "prev_start": date(2019, 4, 1),
        "prev_end": date(2019, 9, 30),
    }


def test_a_range_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        Filter((), Q("2020Q3"), Q("2020Q1"))


def test_url_round_trip(span):
    filter_ = Filter(("research", "petitions"), Q("2019Q2"), Q("2020Q1"))
    parsed, notes = filters.from_query_params(filter_.to_query_params(), span)
    assert parsed == filter_ and not notes


def test_every_unit_named_is_no_unit_filter(span):
    """A link naming every unit (in any order, some twice) is the view of all units, not of nine named ones."""
    every = list(reversed(span.unit_ids)) + [span.unit_ids[0]]
    parsed, notes = filters.from_query_params({"unit": every}, span)
    assert parsed.units == () and not notes
    assert span.chosen_units(span.unit_ids[:-1]) == span.unit_ids[:-1]
    assert span.chosen_units(span.unit_ids) == ()
    assert span.chosen_units(()) == ()


def test_url_with_nonsense_falls_back_and_says_what_it_ignored(span):
    parsed, notes = filters.from_query_params({"unit": ["nowhere", "research"], "from": "yesterday"}, span)
    assert parsed == Filter(("research",), Q("2020Q1"), Q("2020Q4"))
    assert notes == filters.UrlNotes(ignored=("unit=nowhere", "from=yesterday"))
    parsed, notes = filters.from_query_params({"from": "2020Q4", "to": "2020Q1"}, span)
    assert parsed == span.default_filter() and notes == filters.UrlNotes(reversed=("2020Q4", "2020Q1"))
    # a language that is neither Chinese nor English is named with the rest; en-GB, EN and zh-CN are languages
    _, notes = filters.from_query_params({"lang": "xx", "unit": "nowhere"}, span)
    assert notes == filters.UrlNotes(ignored=("lang=xx", "unit=nowhere"))
    for language in ("en", "EN", "en-GB", "zh", "zh-CN", "ZH_cn", "zh-Hans-CN", " en "):
        assert not filters.from_query_params({"lang": language}, span)[1], language
    for language in ("enzyme", "zhx", "en-", "en--GB", "en GB", "fr-FR", "english"):  # began with en or zh, no more
        assert filters.from_query_params({"lang": language}, span)[1] == filters.UrlNotes(
            ignored=(f"lang={language}",)
        ), language
    # a second value, known or not, is a repeat rather than "not recognised"; the first is judged as it is
    _, notes = filters.from_query_params({"lang": ["enzyme", "en"], "from": ["2020Q1", "2020Q1"]}, span)
    assert notes == filters.UrlNotes(ignored=("lang=enzyme",), repeated=("lang=en", "from=2020Q1"))


def test_spaces_around_a_unit_in_a_link_are_read_past_as_around_a_quarter(span):
    """h4's tour: from=%202020Q3 was read, unit=%20research named back as unknown."""
    parsed, notes = filters.from_query_params({"unit": [" research", "research\u3000 "], "from": " 2020Q3"}, span)
    assert parsed == Filter(("research",), Q("2020Q3"), Q("2020Q4")) and not notes


@pytest.mark.parametrize(
    ("asked", "shown"),
    [
        ({"from": "2018Q1", "to": "2021Q2"}, ("2019Q1", "2020Q4")),  # wider than the data on both sides
        ({"from": "2020Q2", "to": "2025Q1"}, ("2020Q2", "2020Q4")),  # a link made later, beyond the data date
        ({"from": "2017Q3", "to": "2019Q2"}, ("2019Q1", "2019Q2")),  # starts before the first records
        ({"from": "2021Q1", "to": "2021Q4"}, ("2020Q4", "2020Q4")),  # wholly after: the nearest quarter
    ],
)
def test_url_quarters_outside_the_data_move_to_the_nearest_and_say_so(span, asked, shown):
    parsed, notes = filters.from_query_params(asked, span)
    assert (str(parsed.start), str(parsed.end)) == shown
    assert notes.ignored == ()
    assert notes.moved == tuple(f"{name}={value}" for name, value in asked.items() if value not in shown)


@pytest.mark.parametrize(
    ("asked", "written"),
    [
        ({"from": "2100Q4", "to": "1999Q1"}, ("2100Q4", "1999Q1")),  # both outside the data, and reversed
        ({"from": "2020Q3", "to": "1999Q1"}, ("2020Q3", "1999Q1")),  # one outside
        ({"from": "1999Q1", "to": "1998q1"}, ("1999Q1", "1998Q1")),  # both before the data: both moved to 2019Q1
        ({"from": "2100q1", "to": "2099Q4"}, ("2100Q1", "2099Q4")),  # both after it: both moved to 2020Q4
    ],
)
def test_a_reversed_link_is_judged_as_written_not_after_moving_its_quarters(span, asked, written):
    """from=2100Q4&to=1999Q1 said 起始季度晚于结束季度（from=2020Q4、to=2019Q1） — quarters the link did not hold — and
    beside it 已改为最近的季度 while the default range was shown; 1999Q1 to 1998Q1 showed 2019Q1 as if asked for."""
    parsed, notes = filters.from_query_params(asked, span)
    assert parsed == span.default_filter()
    assert notes == filters.UrlNotes(reversed=written)


def test_the_default_view_starts_at_the_data_start_where_that_is_in_the_latest_year():
    """Records beginning in 2020 Q3 (a team's first half year on the dashboard): the default view is 2020 Q3–Q4, the
    whole of the data, not 2020 Q1–Q4, whose first half lies before the records (its figures unknown, not zero, and no
    card compared); a data start in an earlier year leaves the latest year whole."""
    recent = filters.DataSpan((), Q("2020Q3"), Q("2020Q4"), date(2020, 11, 18))
    assert recent.default_filter() == Filter((), Q("2020Q3"), Q("2020Q4"))
    assert recent.covers(recent.default_filter())
    older = filters.DataSpan((), Q("2019Q2"), Q("2020Q4"), date(2020, 11, 18))
    assert older.default_filter() == Filter((), Q("2020Q1"), Q("2020Q4"))


def test_previous_span_is_the_same_length_just_before():
    assert Filter((), Q("2020Q2"), Q("2020Q2")).previous_span() == Filter((), Q("2020Q1"), Q("2020Q1"))
    assert Filter((), Q("2020Q1"), Q("2020Q3")).previous_span() == Filter((), Q("2019Q2"), Q("2019Q4"))


def test_url_names_the_view_does_not_read_and_extra_values_are_noted(span):
    parsed, notes = filters.from_query_params({"quartr": "2020Q1", "to": ["2020Q3", "2020Q4"]}, span)
    assert parsed == Filter((), Q("2020Q1"), Q("2020Q3"))
    assert notes == filters.UrlNotes(unknown=("quartr",), repeated=("to=2020Q4",))
    parsed, notes = filters.from_query_params({"unit": ["research"] * 601 + ["petitions"]}, span)
    assert parsed.units == ("research",) and notes == filters.UrlNotes(unit_values=602)


def test_a_links_quarter_is_written_in_ascii_or_full_width_digits_only(span):
    """Review of 5 Dec: ``\\d`` took any script's digits, so ``from=٢٠٢٠Q1`` (Arabic-Indic) was read as 2020Q1 while
    nothing else of the app reads such digits. They are named as not a quarter now; full-width digits and Q, as a
    Chinese input method types them into a link, are still read."""
    for written in ("٢٠٢٠Q1", "२०२०Q1", "𝟐𝟎𝟐𝟎Q1", "2020Q١"):
        with pytest.raises(ValueError):
            Q(written)
        parsed, notes = filters.from_query_params({"from": written, "to": "2020Q4"}, span)
        assert parsed.start == Q("2020Q1") and notes == filters.UrlNotes(ignored=(f"from={written}",)), written
    parsed, notes = filters.from_query_params({"from": "２０２０Ｑ２", "to": "２０２０ｑ３"}, span)
    assert (parsed.start, parsed.end, notes) == (Q("2020Q2"), Q("2020Q3"), filters.UrlNotes())


def test_the_pages_the_filter_does_not_shape_keep_a_repeated_language_but_not_a_repeated_quarter(span):
    """数据管理 and 审计日志 say what a link asked of them (its language, names they do not read), not of the filter."""
    _, notes = filters.from_query_params({"lang": ["zh", "en"], "to": ["2020Q3", "2020Q4"], "quartr": "1"}, span)
    assert notes.repeated == ("lang=en", "to=2020Q4")
    assert notes.beyond_the_filter() == filters.UrlNotes(unknown=("quartr",), repeated=("lang=en",))
