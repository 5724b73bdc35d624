"""Every chart's one-line reading: its own (no generic sum), and every number in it is the chart's own data.

The expected figures are recomputed here with plain pandas from the same frame the chart is drawn from,
independently of ``briefing_takeaways``; a shown figure may differ from the exact one only by its rounding.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import pytest

from oversight import charts, config
from oversight.briefing import takeaways
from oversight.charts import catalog
from oversight.charts.style import own_short_names
from oversight.core import i18n
from oversight.data import queries, store
from oversight.data.filters import Filter, Quarter
from tests import oracle

FILTERS = {
    "2020, all units": Filter((), Quarter(2020, 1), Quarter(2020, 4)),
    "2019 H1 (no year earlier)": Filter((), Quarter(2019, 1), Quarter(2019, 2)),
    "2020 Q4, one quarter": Filter((), Quarter(2020, 4), Quarter(2020, 4)),
    "one unit, 2020": Filter(("gov_office",), Quarter(2020, 1), Quarter(2020, 4)),
    "one unit, Q2-Q3 (some charts empty)": Filter(("petitions",), Quarter(2020, 2), Quarter(2020, 3)),
    "two units, 2020 Q3": Filter(("research", "data_admin"), Quarter(2020, 3), Quarter(2020, 3)),
    "one unit without an issue, 2020 Q1-Q2": Filter(("counsellors",), Quarter(2020, 1), Quarter(2020, 2)),
    "two years, 2019 Q1 to 2020 Q4": Filter((), Quarter(2019, 1), Quarter(2020, 4)),
    "empty (before the records)": Filter((), Quarter(2017, 1), Quarter(2017, 4)),
    # ranges reaching past either end of the records: their quarters outside the data have no figures (NA), which
    # a reading must pass over rather than rank (the unit trends' busiest quarter crashed on them)
    "2018 Q3 to 2019 Q2 (starts before the records)": Filter((), Quarter(2018, 3), Quarter(2019, 2)),
    "2020 Q4 to 2021 Q2 (runs past the data date)": Filter(
        (), Quarter(2020, 4), Quarter(2021, 2), cutoff=date(2020, 12, 31)
    ),
}
_QUARTER = {"zh": re.compile(r"(\d{4})年第(\d)季度"), "en": re.compile(r"(\d{4}) Q(\d)")}
# thousands grouped as the cards group them (1,440 minutes is one number, not 1 and 440)
_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DAY = {
    "zh": re.compile(r"(?:\d{4}年)?\d{1,2}月\d{1,2}日"),
    "en": re.compile(rf"\d{{1,2}} (?:{_MONTHS})(?: \d{{4}})?"),
}


def _half_up(value: float) -> float:
    return float(Decimal(str(float(value))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _share(part: float, whole: float) -> float:
    return part / whole * 100


def _facts(key: str, frame: pd.DataFrame) -> tuple[list[float], list[float]]:
    """(figures the reading must state, further figures it may state), from the chart's frame."""
    total = lambda column: float(frame[column].sum())  # noqa: E731
    if key == "issues_suggestions_by_unit":
        return [total("issues"), total("suggestions")], [frame["issues"].max()]
    if key == "meetings_by_quarter":
        must = [total("meetings")]
        reached = frame[frame["meetings"].notna()]  # a quarter after the data date has no figure, not a zero
        # a quarter whose year earlier is a bar of the range (a range longer than a year) is compared with that bar
        # (README: meetings per quarter), which the frame holds as that quarter's meetings, not as its prev_meetings
        own = dict(zip(zip(frame["year"], frame["quarter"]), frame["meetings"]))
        reached = reached.assign(
            prev_meetings=[
                own.get((year - 1, quarter), prev) if pd.isna(prev) else prev
                for year, quarter, prev in zip(reached["year"], reached["quarter"], reached["prev_meetings"])
            ]
        )
        covered = reached[reached["prev_meetings"].notna()]  # a year earlier the data cover, even with 0 meetings
        before = covered["prev_meetings"].sum()
        if len(covered) == len(reached) and before > 0:
            must.append(abs(_share(total("meetings") - before, before)))
        return must, [float((covered["meetings"] < covered["prev_meetings"]).sum()), len(covered), 0]
    if key in ("issues_by_category", "issues_by_source", "suggestions_by_category", "reminders_by_form"):
        value = frame.columns[-1]
        return [total(value)], [frame[value].max(), _share(frame[value].max(), total(value))]
    if key == "meeting_duration_by_quarter":
        held = frame.dropna(subset=["avg_duration_min"])
        minutes = [_half_up(v) for v in held["avg_duration_min"]]
        return [minutes[0], minutes[-1]], [abs(minutes[-1] - minutes[0]), *held["prev_avg_duration_min"].dropna()]
    if key == "meeting_shares_by_quarter":
        held = frame[frame["meetings"] > 0]
        overall = [_share(held[c].sum(), held["meetings"].sum()) for c in ("prereviewed", "attended", "merged")]
        return overall, [_share(p, m) for p, m in zip(held["prereviewed"], held["meetings"])]
    if key == "meetings_by_unit_quarter":
        per_unit = frame.groupby("unit_id")["meetings"].sum()
        per_quarter = frame.groupby("quarter_key")["meetings"].sum()
        return [per_unit.max()] if len(per_unit) == 1 else [per_unit.max(), per_unit.min()], [
            *per_quarter,
            per_unit.sum(),
        ]
    if key == "issues_by_unit_status":
        rectified, in_progress, still_open = total("rectified"), total("in_progress"), total("open")
        whole, unfinished = rectified + in_progress + still_open, in_progress + still_open
        # a status with no issues is not named; the two are named when both have some
        must = [whole, *([rectified] if rectified else []), _share(rectified, whole)]  # none rectified: in words
        must += [unfinished] if unfinished else []
        must += [in_progress, still_open] if in_progress and still_open else []
        return must, [in_progress, still_open, (frame["open"] + frame["in_progress"]).max()]
    if key == "suggestions_by_unit":
        parts = [total("implemented"), total("adopted"), total("proposed")]
        # a status none of the suggestions has is not stated (the chart does not draw it either)
        return [sum(parts), *(p for p in parts if p), _share(parts[0] + parts[1], sum(parts))], [
            frame["proposed"].max()
        ]
    if key == "suggestions_by_status":
        counts = dict(zip(frame["status"], frame["suggestions"]))
        whole = total("suggestions")
        parts = [counts.get(s, 0) for s in ("implemented", "adopted", "proposed")]
        stated = [p for p in parts if p]
        shares = [_share(p, whole) for p in stated]
        if whole == 1:  # one suggestion: its status in words, not "1 proposed (100.0%)" (Chinese still says 占100.0%)
            return [whole, _share(parts[0] + parts[1], whole)], [*stated, *shares]
        return [whole, *stated, *shares, _share(parts[0] + parts[1], whole)], []
    if key == "suggestions_by_link":
        counts = dict(zip(frame["link"], frame["suggestions"]))
        whole = total("suggestions")
        linked, standalone = counts.get("linked", 0), counts.get("standalone", 0)
        if not linked or not standalone:  # all of one kind, said so (均为单独提出), without a 0 or its 0.0%
            return [whole], []
        return [whole, linked, standalone, _share(linked, whole)], []
    if key in ("reminders_by_quarter_form", "reminders_by_unit"):
        forms = frame[["written", "in_person", "meeting"]].dropna(how="all")  # before the data start: unknown
        per_row = forms.sum(axis=1)
        return [per_row.sum()], [*per_row, *forms.sum(), *(_share(v, per_row.sum()) for v in forms.sum())]
    if key in ("activities_by_unit", "activities_by_quarter"):
        kinds = frame[["consultation", "special_study", "notification", "secondment"]]
        # a kind not held is said in words (未开展抽调参与办案; _NONE_SAID), not as 0次
        return [n for n in kinds.sum() if n], [*kinds.sum(axis=1)]
    if key == "unit_trends":
        totals = [total(c) for c in ("meetings", "issues", "suggestions", "reminders")]
        return [n for n in totals if n], [frame["meetings"].max()]
    raise AssertionError(f"no expected figures written for {key}: add them here with the takeaway")


# what a reading says of a count of 0 (a briefing read 指出问题0个, "raised 0 issues"): column → words, by language
_NONE_SAID = {
    "activities_by_unit": {
        "consultation": ("定期会商", "regular consultations"),
        "special_study": ("专题研究", "special study sessions"),
        "notification": ("工作通报", "work notifications"),
        "secondment": ("抽调参与办案", "secondments to case work"),
    },
    "unit_trends": {
        "meetings": ("未召开会议", "no meetings"),
        "issues": ("未指出问题", "no issues"),
        "suggestions": ("未提出意见建议", "no suggestions"),
        "reminders": ("未开展日常提醒", "no reminders"),
    },
}
_NONE_SAID["activities_by_quarter"] = _NONE_SAID["activities_by_unit"]


def _assert_nothing_said_in_words(key: str, frame: pd.DataFrame, text: str, lang: str) -> None:
    """Each count of 0 a reading states is said in words; no figure 0 stands for it."""
    said = _NONE_SAID.get(key, {})
    nothing = [words[lang == "en"] for column, words in said.items() if frame[column].sum() == 0]
    if not nothing:
        return
    if key == "unit_trends":
        # the first may open the sentence: "No meetings, no issues … and 1 reminder in the period."
        assert all(words in text[:1].lower() + text[1:] for words in nothing), (nothing, text)
    else:  # the kinds not held, after 未开展 / "; no"
        # in one clause of their own; a further clause may name the units without a regular consultation
        # (; no regular consultation with Local Chronicles and the General Office.)
        clauses = text.split("，未开展" if lang == "zh" else "; no ")[1:]
        assert any(all(w in clause for w in nothing) for clause in clauses), text
    assert not re.search(
        r"(?<![\d.])0(次|个|条| (meeting|issue|suggestion|reminder|session|regular|work|second))", text
    ), text


def _shown_numbers(text: str, lang: str, frame: pd.DataFrame) -> list[float]:
    quarters = (
        set(zip(frame["year"], frame["quarter"]))
        if {"year", "quarter"} <= set(frame.columns)
        else {(k // 10, k % 10) for k in frame.get("quarter_key", [])}
    )
    for year, quarter in _QUARTER[lang].findall(text):
        assert (int(year), int(quarter)) in quarters, f"{year} Q{quarter} is not a quarter of the chart: {text}"
    # a day the figures run to (2021年第1季度统计至2月28日) is a date, not one of the chart's numbers
    return [float(n.replace(",", "")) for n in _NUMBER.findall(_DAY[lang].sub("", _QUARTER[lang].sub("", text)))]


def _matches(shown: float, expected: float) -> bool:
    return abs(shown - float(expected)) <= 0.05 + 1e-9  # shown with one decimal at most, rounded half up


def test_every_chart_has_a_reading_of_its_own():
    missing = [spec.key for spec in catalog.all_charts() if spec.key not in takeaways.TAKEAWAYS]
    assert not missing, f"charts without a takeaway (write one in briefing_takeaways): {missing}"
    unknown = charts.ChartSpec("new_chart", "issues_by_category", charts.make_issues_by_category_figure, ("issues",))
    assert takeaways.takeaway(unknown, pd.DataFrame({"category": ["conduct"], "issues": [3]}), "zh") is None


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("filter_name", list(FILTERS))
def test_every_number_in_every_reading_is_the_charts_own(connection, filter_name, lang):
    assert_every_number_is_the_charts_own(connection, FILTERS[filter_name], lang)


def assert_every_number_is_the_charts_own(connection, filter_: Filter, lang: str) -> None:
    """Every chart's reading for ``filter_``: the figures it must state are there, and each number it states is one
    of its chart's own (``tests/test_figure_sweep.py`` puts its random filters through this too)."""
    for spec in catalog.all_charts():
        frame = queries.run(connection, spec.query, filter_)
        text = takeaways.takeaway(spec, frame, lang)
        assert text and text.endswith("。" if lang == "zh" else ".")
        assert "合计" not in text and "in total" not in text
        if charts.is_empty(frame, spec.value_columns):
            assert text == i18n.t("export.takeaway.no_data", lang) + i18n.t("export.takeaway.end", lang)
            continue
        must, may = _facts(spec.key, frame)
        _assert_nothing_said_in_words(spec.key, frame, text, lang)
        shown = _shown_numbers(text, lang, frame)
        for expected in must:
            if expected == 0:  # none is said in words (No issues raised; none were merged), not as a 0
                continue
            assert any(_matches(n, expected) for n in shown), f"{spec.key}: {expected} missing from {text!r}"
        # small whole numbers are counts of quarters, units or tied names, which the frame's length bounds
        allowed = [*must, *may, *range(0, len(frame) + 1)]
        for number in shown:
            assert any(_matches(number, fact) for fact in allowed), f"{spec.key}: {number} is not the chart's: {text!r}"


def test_readings_for_the_article_year(connection, default_filter):
    frames = {spec.key: queries.run(connection, spec.query, default_filter) for spec in catalog.all_charts()}
    specs = {spec.key: spec for spec in catalog.all_charts()}

    def read(key: str, lang: str) -> str:
        return takeaways.takeaway(specs[key], frames[key], lang)

    assert (
        read("issues_suggestions_by_unit", "zh")
        == "省政府办公厅指出问题最多（3个）；共指出问题16个，提出意见建议19条。"
    )
    # the issue's examples: none of these is a sum of the first column any more
    # 逾期未整改 6个 counts issues in progress: the reading never says "未整改0个" beside it
    # 其余7个正在整改 read as reassuring beside 6 overdue: not finished, then the status
    assert read("issues_by_unit_status", "zh").startswith(
        "共指出问题16个，已整改9个，整改率56.3%；其余7个尚未整改完成（整改中）"
    )
    assert read("issues_by_unit_status", "en").startswith(
        "Of 16 issues, 9 rectified (rectification rate 56.3%); 7 not yet complete (in progress)"
    )
    assert read("suggestions_by_unit", "zh").startswith(
        "共提出意见建议19条，其中已提出待采纳7条、已采纳5条、已落实7条，采纳率63.2%"
    )
    assert read("reminders_by_quarter_form", "zh").startswith("共开展日常提醒42次")
    assert read("activities_by_unit", "zh").startswith(
        "共开展定期会商11次、专题研究17次、工作通报13次、抽调参与办案5次"
    )
    assert "73.3分钟" in read("meeting_duration_by_quarter", "zh") and "72.1分钟" in read(
        "meeting_duration_by_quarter", "zh"
    )
    assert "295.4" not in read("meeting_duration_by_quarter", "zh")
    assert read("meeting_shares_by_quarter", "zh").startswith("全期议题提前报送审核的会议占62.1%")
    # ties are named together, with the English plural right
    assert "省政务服务和大数据管理局、省地方志编纂委员会办公室（各33次）" in read("meetings_by_unit_quarter", "zh")
    assert read("suggestions_by_category", "en").startswith(
        "2 categories tie for the most suggestions, 4 suggestions each (21.1% each): conduct and decision procedure"
    )
    assert "the commonest forms, 15 reminders (35.7%) each: written and face-to-face" in read("reminders_by_form", "en")
    assert (
        read("issues_by_category", "en")
        == "The commonest category is decision procedure: 4 issues, 25.0% of the 16 issues."
    )


def test_singular_and_missing_comparisons(connection):
    one = Filter(("petitions",), Quarter(2020, 2), Quarter(2020, 3))
    specs = {spec.key: spec for spec in catalog.all_charts()}
    status = takeaways.takeaway(
        specs["issues_by_unit_status"], queries.run(connection, "issues_by_unit_status", one), "en"
    )
    assert status.startswith("1 issue raised, rectified (rectification rate 100.0%)")
    meetings = queries.run(connection, "meetings_by_quarter", Filter((), Quarter(2020, 1), Quarter(2020, 4)))
    unknown = meetings.assign(prev_meetings=float("nan"), prev_avg_duration_min=float("nan"))
    assert takeaways.takeaway(specs["meetings_by_quarter"], unknown, "zh") == "本期会议232次；上年同期无可比数据。"
    assert takeaways.takeaway(specs["meeting_duration_by_quarter"], unknown, "en").endswith(
        "; no comparable data for a year earlier."
    )
    partial = meetings.assign(prev_meetings=[float("nan"), 77, 84, 93])
    assert takeaways.takeaway(specs["meetings_by_quarter"], partial, "en") == (
        "232 meetings this period; fewer than a year earlier in each of the 3 quarters with comparable data."
    )
    # a year earlier the data cover with no meeting is compared, not "no comparable data" beside a card of +232次
    none_before = meetings.assign(prev_meetings=[0, 0, 0, 0])
    assert takeaways.takeaway(specs["meetings_by_quarter"], none_before, "zh") == "本期会议232次，上年同期0次。"
    assert takeaways.takeaway(specs["meetings_by_quarter"], none_before, "en") == (
        "232 meetings this period, none a year earlier."
    )
    some_none = meetings.assign(prev_meetings=[float("nan"), 0, 84, 93])
    assert takeaways.takeaway(specs["meetings_by_quarter"], some_none, "zh") == (
        "本期会议232次；有上年同期数据的3个季度中，2个季度少于上年同期。"
    )


def test_one_units_one_quarter_of_meetings_is_no_ranking(connection):
    """rev-j, 2 Dec: 省政务服务和大数据管理局本期召开会议8次，最多的是2020年第4季度（8次）."""
    spec = next(spec for spec in catalog.all_charts() if spec.key == "meetings_by_unit_quarter")
    one = Filter(("data_admin",), Quarter(2020, 4), Quarter(2020, 4))
    frame = queries.run(connection, spec.query, one)
    assert (
        takeaways.takeaway(spec, frame, "zh")
        == f"省政务服务和大数据管理局本期召开会议{int(frame['meetings'].sum())}次。"
    )
    two = queries.run(connection, spec.query, Filter(("data_admin",), Quarter(2020, 3), Quarter(2020, 4)))
    assert "最多的是" in takeaways.takeaway(spec, two, "zh")


@pytest.mark.parametrize(
    "lang, expected",
    [
        ("zh", "，最低为2020年第1季度、2020年第2季度、2020年第4季度（各50.0%）。"),
        ("en", " and lowest in 2020 Q1, 2020 Q2 and 2020 Q4 (50.0% each)."),
    ],
)
def test_quarters_tied_for_a_share_are_each_given_it(connection, lang, expected):
    """The General Office's 2020 pack read 最低为2020年第1季度、2020年第2季度、2020年第4季度（50.0%）: three quarters and
    one share, as if 50.0% were theirs together, where every other tie of the readings says 各 (each). Its meetings,
    4, 2, 4 and 4, had 2, 1, 3 and 2 agendas reviewed in advance."""
    spec = next(spec for spec in catalog.all_charts() if spec.key == "meeting_shares_by_quarter")
    frame = queries.run(connection, spec.query, Filter(("gov_office",), Quarter(2020, 1), Quarter(2020, 4)))
    assert list(frame["meetings"]) == [4, 2, 4, 4] and list(frame["prereviewed"]) == [2, 1, 3, 2]
    reading = takeaways.takeaway(spec, frame, lang)
    assert reading.endswith(expected), reading


def test_quarters_before_the_data_start_are_not_ranked_and_one_whole_quarter_is_no_ranking(connection):
    """Review of 2 Dec (random data): quarters before the data start (blank, unknown) were ranked as 0 — 最少的是
    2018年第3季度、2018年第4季度（各0次） — and one whole quarter beside one under way read 最多的是2020年第3季度（8次），
    最少的是2020年第3季度（8次）."""
    specs = {spec.key: spec for spec in catalog.all_charts()}
    spec = specs["reminders_by_quarter_form"]
    early = queries.run(connection, spec.query, Filter((), Quarter(2018, 3), Quarter(2019, 2)))
    assert early["written"].isna().sum() == 2  # the chart's own data leave 2018 Q3 and Q4 blank
    assert takeaways.takeaway(spec, early, "zh") == (
        "共开展日常提醒16次，最多的是2019年第1季度（10次），最少的是2019年第2季度（6次）；以面对面提醒为主（6次，占37.5%）。"
    )
    cut = queries.run(connection, spec.query, Filter((), Quarter(2020, 3), Quarter(2020, 4)))
    cut["through_day"] = [cut["through_day"].iloc[0], pd.Timestamp(2020, 11, 15)]
    assert takeaways.takeaway(spec, cut, "zh") == (
        "共开展日常提醒17次，最多的是2020年第4季度（9次），最少的是2020年第3季度（8次）；以书面提醒为主（8次，占47.1%）；"
        "2020年第4季度统计至11月15日。"
    )


_HALF_WIDTH_IN_CHINESE = re.compile(r"[\u4e00-\u9fff][(),:;!?]|[(),:;!?][\u4e00-\u9fff]")


def test_chinese_text_uses_full_width_punctuation(connection, default_filter):
    from oversight.present import summary

    texts = [
        takeaways.takeaway(spec, queries.run(connection, spec.query, f), "zh")
        for spec in catalog.all_charts()
        for f in (default_filter, FILTERS["one unit, Q2-Q3 (some charts empty)"])
    ]
    texts += summary.written_summary(lambda name, filter_: queries.run(connection, name, filter_), default_filter, "zh")
    texts += [text for key, text in i18n.catalog("zh").items() if key.startswith(("export.", "marking."))]
    offending = [text for text in texts if _HALF_WIDTH_IN_CHINESE.search(text)]
    assert not offending, offending  # 党组（党委）, not 党组(党委)
    assert any("党组（党委）" in text for text in texts)


def test_the_status_reading_names_only_statuses_that_have_issues(connection, default_filter):
    """The sample's issues are all rectified or in progress at a period's end; a frame with issues not yet started
    (2 at the first unit) reads both statuses, and one with none in progress says only the not-started ones."""
    spec = next(spec for spec in catalog.all_charts() if spec.key == "issues_by_unit_status")
    frame = queries.run(connection, spec.query, default_filter)
    both = frame.copy()
    both.loc[0, ["open", "issues"]] = [2, both.loc[0, "issues"] + 2]
    only_open = both.assign(in_progress=0)
    only_open["issues"] = only_open[["open", "rectified"]].sum(axis=1)
    assert takeaways.takeaway(spec, both, "zh").startswith(
        "共指出问题18个，已整改9个，整改率50.0%；尚未整改到位9个，其中未整改2个、整改中7个；"
    )
    assert takeaways.takeaway(spec, both, "en").startswith(
        "Of 18 issues, 9 rectified (rectification rate 50.0%); 9 still to complete: 2 not yet rectified and 7"
        " in progress;"
    )
    assert takeaways.takeaway(spec, only_open, "zh").startswith(
        "共指出问题11个，已整改9个，整改率81.8%；其余2个未整改；"
    )
    assert takeaways.takeaway(spec, only_open, "en").startswith(
        "Of 11 issues, 9 rectified (rectification rate 81.8%); 2 not yet rectified;"
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_reading_puts_two_asides_back_to_back(connection, lang):
    """A long tie named its first three and "others (4 units in all) (2 reminders each)": two brackets in a row read
    as a slip when spoken. Over the filters where the most ties are long, no reading has one aside after another."""
    span = queries.data_span(connection)
    back_to_back = re.compile(r"[)）]\s*[(（]")
    seen = []
    for units, start, end in (((), (2019, 1), (2019, 1)), ((), (2019, 1), (2020, 4)), ((), (2020, 2), (2020, 2))):
        filter_ = span.resolve(Filter(units, Quarter(*start), Quarter(*end)))
        for spec in catalog.all_charts():
            text = takeaways.takeaway(spec, queries.run(connection, spec.query, filter_), lang) or ""
            seen.append(text)
            assert not back_to_back.search(text), (spec.key, text)
    assert any(i18n.t("export.list.separator", lang) in text for text in seen)  # long lists were read


def test_english_readings_list_units_by_the_names_their_charts_show(connection):
    """ "Most meetings: Provincial Government Services and Big Data Administration and Office of the Provincial Local
    Chronicles Compilation Committee": full English names hold "and" themselves, and a list of them could not be read
    aloud as a list. A reading of several units names them as their chart does (the units sheet's 英文简称); one unit
    alone keeps its full name."""
    from oversight.ingest import checked_folder

    units = checked_folder.read_folder(config.SAMPLE_DATA_DIR)["units"]
    full_with_and = [name for name in units["name_en"] if " and " in name]
    assert full_with_and  # the sample has such names, or this test proves nothing
    span = queries.data_span(connection)
    whole = span.resolve(Filter((), Quarter(2020, 1), Quarter(2020, 4)))
    one = span.resolve(Filter(("data_admin",), Quarter(2020, 1), Quarter(2020, 4)))
    for spec in catalog.all_charts():
        if "unit" not in spec.key:
            continue
        text = takeaways.takeaway(spec, queries.run(connection, spec.query, whole), "en")
        assert not any(name in text for name in full_with_and), (spec.key, text)
    heatmap = next(spec for spec in catalog.all_charts() if spec.key == "meetings_by_unit_quarter")
    text = takeaways.takeaway(heatmap, queries.run(connection, heatmap.query, whole), "en")
    assert "Big Data Admin. and Local Chronicles (33 meetings each)" in text
    alone = takeaways.takeaway(heatmap, queries.run(connection, heatmap.query, one), "en")
    assert alone.startswith(
        "The Big Data Admin. held "
    )  # one unit too, as its row names it (README 口径说明, 单位名称)


def test_english_readings_end_once_and_name_a_source_as_a_reader_says_it(connection):
    """ "…no regular consultation with Big Data Admin.." (the short name's own full stop, then the sentence's) and
    "Every issue raised (3 issues) came from attended meeting."."""
    span = queries.data_span(connection)
    two = span.resolve(Filter(("gov_office", "data_admin"), Quarter(2019, 3), Quarter(2020, 2)))
    for spec in catalog.all_charts():
        text = takeaways.takeaway(spec, queries.run(connection, spec.query, two), "en")
        if text:
            assert not re.search(r"\.\.(?!\.)", text), (spec.key, text)
    sources = next(spec for spec in catalog.all_charts() if spec.key == "issues_by_source")
    text = takeaways.takeaway(sources, queries.run(connection, sources.query, two), "en")
    assert "came from meetings attended" in text, text


def test_readings_of_an_even_spread_a_long_tie_and_an_empty_status(connection):
    """Read by a leader (review of 2 Dec): all categories tie → no "most" or 集中在; four tied sources named, not "A, B, C
    and others, 4 in all; 4 issues in all"; a status no suggestion has is not listed beside a chart that omits it."""
    specs = {spec.key: spec for spec in catalog.all_charts()}

    def read(key: str, lang: str, *units: str) -> str:
        frame = queries.run(connection, specs[key].query, Filter(units, Quarter(2020, 1), Quarter(2020, 4)))
        return takeaways.takeaway(specs[key], frame, lang)

    assert read("issues_by_category", "zh", "gov_office") == "共指出问题3个，决策程序、廉洁风险、会风会纪3个方面各1个。"
    assert read("suggestions_by_category", "en", "gov_office") == (
        "3 suggestions in all, 1 suggestion in each of 3 categories: decision procedure, integrity risk and meeting "
        "discipline."
    )
    sources = read("issues_by_source", "en", "gov_office", "research")
    assert sources == (
        "4 issues in all, 1 issue from each of 4 sources: meetings attended, regular consultation, daily supervision "
        "and special study."
    )
    assert read("reminders_by_form", "en", "gov_office", "research") == (
        "8 reminders in all; the commonest forms, 3 reminders (37.5%) each: written and at a meeting."
    )
    assert (
        read("suggestions_by_unit", "zh", "gov_office")
        == "共提出意见建议3条，其中已提出待采纳2条、已采纳1条，采纳率33.3%。"
    )
    assert "implemented" not in read("suggestions_by_status", "en", "gov_office").split(";")[0]


def test_readings_say_one_none_and_every_one_in_words(connection):
    """A leader's read-through: 所指出问题1个均属… said "all" of one; 有上年同期数据的2个季度中，2个季度少于… left "every
    one" unsaid; 工作通报0次 and "raised 0 issues" read as figures; a tie of five named "5 units" twice in English;
    a chart with nothing said 当前筛选条件下暂无数据, the screen's words, in the report."""
    specs = {spec.key: spec for spec in catalog.all_charts()}

    def read(key: str, frame: pd.DataFrame, lang: str) -> str:
        return takeaways.takeaway(specs[key], frame, lang)

    one = pd.DataFrame({"category": ["conduct", "integrity"], "issues": [0, 1]})
    assert read("issues_by_category", one, "zh") == "所指出的1个问题属廉洁风险方面。"
    assert read("issues_by_category", one, "en").startswith("1 issue raised, concerning ")
    two = one.assign(issues=[0, 2])
    assert read("issues_by_category", two, "zh") == "所指出问题2个均属廉洁风险方面。"

    meetings = queries.run(connection, "meetings_by_quarter", Filter((), Quarter(2020, 1), Quarter(2020, 4)))
    partial = meetings.assign(prev_meetings=[float("nan"), float("nan"), 84, 93])
    assert (meetings["meetings"].iloc[2:] < partial["prev_meetings"].iloc[2:]).all()  # both comparable: fewer
    assert read("meetings_by_quarter", partial, "zh") == "本期会议232次；有上年同期数据的2个季度均少于上年同期。"
    more = partial.assign(prev_meetings=[float("nan"), float("nan"), 1, 1])
    assert read("meetings_by_quarter", more, "en") == (
        "232 meetings this period; not fewer than a year earlier in any of the 2 quarters with comparable data."
    )

    activities = queries.run(connection, "activities_by_unit", Filter((), Quarter(2020, 1), Quarter(2020, 4)))
    some = activities.assign(notification=0, secondment=0)
    assert read("activities_by_unit", some, "zh").startswith(
        f"共开展定期会商{some['consultation'].sum()}次、专题研究{some['special_study'].sum()}次，未开展工作通报、抽调参与办案"
    )
    assert read("activities_by_unit", some, "en").startswith(
        f"{some['consultation'].sum()} regular consultations and {some['special_study'].sum()} special study "
        "sessions; no work notifications or secondments to case work"
    )

    by_unit = queries.run(connection, "issues_suggestions_by_unit", Filter((), Quarter(2020, 1), Quarter(2020, 4)))
    tie = by_unit.assign(issues=[2] * 5 + [1] * (len(by_unit) - 5))
    english = read("issues_suggestions_by_unit", tie, "en")
    assert english.startswith("5 units tie for the most issues, 2 issues each: ") and " and 2 other units; " in english
    assert english.count("5 units") == 1 and english.count("in all") == 1

    nothing = activities.assign(consultation=0, special_study=0, notification=0, secondment=0)
    assert read("activities_by_unit", nothing, "zh") == "本期无相关记录。"
    assert read("activities_by_unit", nothing, "en") == "Nothing was recorded in this period."


@pytest.mark.parametrize("start", [(2019, 1), (2019, 3)])
def test_a_range_longer_than_a_year_compares_its_own_bars(connection, start):
    """On 2019Q1–2020Q4 the meetings reading said 上年同期无可比数据 beside a chart whose 2020 bars were each below
    2019's (the query draws each quarter once, so it leaves their year-earlier figures blank): the reading compares
    a quarter with the range's own bar a year earlier. Counted here from the meetings ledger (tests/oracle.py)."""
    view = oracle.View(
        oracle.read_ledgers(oracle.Path(__file__).resolve().parent.parent / "data"), (), start, (2020, 4)
    )
    quarters = view.meetings_by_quarter()
    rows = {row["quarter_key"]: row["meetings"] for row in quarters}
    # a quarter beside the range's own bar a year earlier, or beside the year earlier the query gives (before it)
    pairs = [(rows[key], rows[key - 10]) for key in rows if key - 10 in rows]
    pairs += [(row["meetings"], row["prev_meetings"]) for row in quarters if row["prev_meetings"] is not None]
    assert len(pairs) == 4 and all(now < before for now, before in pairs)  # the sample's headline: fewer every time
    spec = next(spec for spec in catalog.all_charts() if spec.key == "meetings_by_quarter")
    frame = queries.run(connection, spec.query, Filter((), Quarter(*start), Quarter(2020, 4)))
    total = sum(rows.values())
    assert takeaways.takeaway(spec, frame, "zh") == f"本期会议{total}次；有上年同期数据的4个季度均少于上年同期。"
    assert takeaways.takeaway(spec, frame, "en") == (
        f"{total} meetings this period; fewer than a year earlier in each of the 4 quarters with comparable data."
    )
    duration = next(spec for spec in catalog.all_charts() if spec.key == "meeting_duration_by_quarter")
    text = takeaways.takeaway(
        duration, queries.run(connection, duration.query, Filter((), Quarter(*start), Quarter(2020, 4))), "zh"
    )
    assert text.endswith("；有上年同期数据的4个季度均短于上年同期。")


def test_suggestions_all_of_one_link_are_said_so():
    """1条意见建议中，针对所指出问题提出0条（占0.0%），单独提出1条: a 0 and its 0.0% read as figures to report."""
    spec = next(spec for spec in catalog.all_charts() if spec.key == "suggestions_by_link")
    alone = pd.DataFrame({"link": ["linked", "standalone"], "suggestions": [0, 1]})
    assert takeaways.takeaway(spec, alone, "zh") == "所提1条意见建议为单独提出，并非针对所指出问题。"
    assert takeaways.takeaway(spec, alone.assign(suggestions=[0, 3]), "zh") == (
        "3条意见建议均为单独提出，无针对所指出问题提出的。"
    )
    assert (
        takeaways.takeaway(spec, alone.assign(suggestions=[2, 0]), "en")
        == "All 2 suggestions followed an issue raised."
    )
    both = takeaways.takeaway(spec, alone.assign(suggestions=[2, 1]), "zh")
    assert both == "3条意见建议中，针对所指出问题提出2条（占66.7%），单独提出1条。"


_RANKING = re.compile(r"最多|最少|最集中|最高|最低|\bmost\b|fewest|busiest|commonest|leads|highest|lowest")


@pytest.mark.parametrize("units", [(), ("gov_office", "research", "data_admin"), ("gov_office",)])
def test_where_every_one_in_view_holds_as_many_nothing_is_called_the_most(connection, units):
    """Three units with one open issue each read 尚未整改到位问题最多的是A、B、C（各1个）, and every quarter alike read
    "the most in Q1, Q2, Q3 and Q4 … and the fewest in Q1, Q2, Q3 and Q4": each chart's counts made alike must be read
    as an even spread. (The shares chart is left out: its counts make its percentages, not its ranking.)"""
    for spec in catalog.all_charts():
        frame = queries.run(connection, spec.query, Filter(units, Quarter(2020, 1), Quarter(2020, 4)))
        if spec.key == "meeting_shares_by_quarter" or charts.is_empty(frame, spec.value_columns):
            continue
        alike = frame.copy()
        for column in spec.value_columns:
            if pd.api.types.is_numeric_dtype(alike[column]):
                alike[column] = alike[column].where(alike[column].isna(), 2)
        for lang in ("zh", "en"):
            text = takeaways.takeaway(spec, alike, lang)
            assert text and not _RANKING.search(text), f"{spec.key}: {text}"


def test_three_units_with_one_open_issue_each_are_not_the_most(connection):
    spec = next(spec for spec in catalog.all_charts() if spec.key == "issues_by_unit_status")
    filter_ = Filter(("gov_office", "data_admin", "research"), Quarter(2020, 1), Quarter(2020, 4))
    frame = queries.run(connection, spec.query, filter_)
    assert list(frame["open"] + frame["in_progress"]) == [1, 1, 1]  # the reviewers' case, as the sample has it
    assert "最多" not in takeaways.takeaway(spec, frame, "zh")
    assert "most" not in takeaways.takeaway(spec, frame, "en")


def test_no_issue_rectified_is_said_in_words(connection):
    """A reviewer's pack: "Of 1 issue, 0 rectified" (已整改0个)."""
    spec = next(spec for spec in catalog.all_charts() if spec.key == "issues_by_unit_status")
    frame = pd.DataFrame(
        {"unit_id": ["chronicles"], "name_zh": ["省地方志编纂委员会办公室"], "name_en": ["Office of …"],
         "ordinal": [1], "rectified": [0], "in_progress": [1], "open": [0]}
    )  # fmt: skip
    zh, en = (takeaways.takeaway(spec, frame, lang) for lang in ("zh", "en"))
    assert zh.startswith("共指出问题1个，尚无已整改，整改率0.0%") and "已整改0" not in zh
    assert en == "1 issue raised (rectification rate 0.0%); it is being rectified." and "0 rectified" not in en


@pytest.mark.parametrize("unit", ["research", "offices_admin", "counsellors"])
def test_a_ranking_whose_least_is_nothing_says_none(connection, unit):
    """A reviewer's pack: "the most in 2020 Q2 (2 reminders) and the fewest in 2020 Q4 (0 reminders)", 最少的是…（0次）:
    nothing said as a count. The quarters without a reminder are named as having none; which they are is recomputed
    from the spreadsheets."""
    view = oracle.View(oracle.read_ledgers(config.SAMPLE_DATA_DIR), (unit,), (2020, 1), (2020, 4))
    dates = pd.to_datetime(view.reminders["date"])
    per_quarter = {q: int((dates.dt.quarter == q).sum()) for q in (1, 2, 3, 4)}
    empty = [q for q, n in per_quarter.items() if n == 0]
    assert empty and len(empty) < 4, per_quarter  # the cases chosen have a quarter without and one with
    spec = next(spec for spec in catalog.all_charts() if spec.key == "reminders_by_quarter_form")
    frame = queries.run(connection, spec.query, Filter((unit,), Quarter(2020, 1), Quarter(2020, 4)))
    zh, en = (takeaways.takeaway(spec, frame, lang) for lang in ("zh", "en"))
    assert "最少" not in zh and "（0次）" not in zh and "fewest" not in en and "(0 " not in en
    assert "、".join(f"2020年第{q}季度" for q in empty) + "未开展" in zh, zh
    assert "none in " + " and ".join(f"2020 Q{q}" for q in empty) in en.replace(", 2020", " and 2020"), en

    heatmap = next(spec for spec in catalog.all_charts() if spec.key == "meetings_by_unit_quarter")
    meetings = queries.run(connection, heatmap.query, Filter((unit, "petitions"), Quarter(2020, 1), Quarter(2020, 4)))
    quiet = meetings.assign(meetings=meetings["meetings"].where(meetings["unit_id"] != unit, 0))
    zh, en = (takeaways.takeaway(heatmap, quiet, lang) for lang in ("zh", "en"))
    assert zh.endswith("未召开会议。") and "最少" not in zh, zh
    assert " held none" in en and "fewest" not in en, en


@pytest.mark.parametrize(
    "filter_",
    [
        Filter((), Quarter(2020, 1), Quarter(2020, 4)),
        Filter((), Quarter(2019, 1), Quarter(2020, 4)),
        Filter(("gov_office", "chronicles"), Quarter(2020, 1), Quarter(2020, 4)),
        Filter((), Quarter(2020, 3), Quarter(2020, 3)),
    ],
)
def test_shares_of_one_whole_are_each_rounded_on_their_own_and_their_counts_add_up(connection, filter_):
    """README (Rounding): each share is the nearest to its own count, none nudged to total 100% (7, 5 and 7 of 19
    read 36.8%, 26.3%, 36.8%); the counts beside them add up to the whole. Recomputed from the spreadsheets."""
    from oversight.data import store

    ledgers = oracle.read_ledgers(store.SAMPLE_DATA_DIR)
    view = oracle.View(
        ledgers, filter_.units, (filter_.start.year, filter_.start.quarter), (filter_.end.year, filter_.end.quarter)
    )
    statuses = view.per_code(view.suggestions, "status")
    total = sum(statuses.values())
    spec = next(spec for spec in catalog.all_charts() if spec.key == "suggestions_by_status")
    text = takeaways.takeaway(spec, queries.run(connection, spec.query, filter_), "zh")
    labels = {"proposed": "已提出", "adopted": "已采纳", "implemented": "已落实"}
    for status, n in statuses.items():
        assert f"{labels[status]}{n}条（占{oracle.half_up(oracle.percent(n, total))}%）" in text, text
    assert f"{total}条意见建议中" in text and sum(statuses.values()) == len(view.suggestions)
    if filter_ == Filter((), Quarter(2020, 1), Quarter(2020, 4)):  # README's example: 99.9% together, not adjusted
        assert sum(oracle.half_up(oracle.percent(n, total)) for n in statuses.values()) == Decimal("99.9")


_STUTTER = {"zh": re.compile(r"([\u4e00-\u9fff]{3,})\1"), "en": re.compile(r"\b([A-Za-z]+)\s+\1\b")}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_reading_says_a_phrase_twice_in_a_row(connection, lang):
    """本期未指出问题，提出意见建议提出意见建议1条: a template wrote the verb its placeholder (``summary.did``) already
    carries. Over the filters, and a quarter of all units with suggestions but no issue (2019 Q2), no reading repeats
    a phrase back to back."""
    no_issue_quarter = Filter((), Quarter(2019, 2), Quarter(2019, 2))
    for filter_ in [*FILTERS.values(), no_issue_quarter]:
        for spec in catalog.all_charts():
            text = takeaways.takeaway(spec, queries.run(connection, spec.query, filter_), lang) or ""
            assert not _STUTTER[lang].search(text), (spec.key, text)
    view = oracle.View(oracle.read_ledgers(config.SAMPLE_DATA_DIR), (), (2019, 2), (2019, 2))
    made = len(view.suggestions)
    assert len(view.issues) == 0 and made > 1  # the case the reading is for
    spec = {spec.key: spec for spec in catalog.all_charts()}["issues_suggestions_by_unit"]
    frame = queries.run(connection, spec.query, no_issue_quarter)
    assert (
        takeaways.takeaway(spec, frame, lang)
        == {
            "zh": f"本期未指出问题，提出意见建议{made}条。",
            "en": f"No issues raised; {made} suggestions made.",
        }[lang]
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("units", [("counsellors",), ("counsellors", "research")])
def test_no_consultation_at_all_is_said_once(connection, units, lang):
    """未开展定期会商；本期未与省政府参事室开展定期会商 / "no regular consultations …; no regular consultation with the
    Counsellors' Office": where no unit in view had one, the totals say so and the units are not named again."""
    view = oracle.View(oracle.read_ledgers(config.SAMPLE_DATA_DIR), units, (2020, 1), (2020, 2))
    assert (view.activities["kind"] == "consultation").sum() == 0 and len(view.activities) > 0
    spec = {spec.key: spec for spec in catalog.all_charts()}["activities_by_unit"]
    filter_ = Filter(units, Quarter(2020, 1), Quarter(2020, 2))
    text = takeaways.takeaway(spec, queries.run(connection, spec.query, filter_), lang) or ""
    said = {"zh": "定期会商", "en": "regular consultation"}[lang]
    assert text.count(said) == 1, text


# the chart, the column the reading ranks the units by, and the words it must use for a "most" of one
_ONLY_ONE = {
    "issues_suggestions_by_unit": (
        ["issues"],
        {"zh": "仅{name}有{n}个问题", "en": "Only {name} had issues raised ({n} issue"},
    ),
    "issues_by_unit_status": (
        ["open", "in_progress"],
        {"zh": "仅{name}有尚未整改到位的问题（{n}个）", "en": "only {name} has issues still to rectify ({n} issue"},
    ),
    "suggestions_by_unit": (
        ["proposed"],
        {
            "zh": "仅{name}有待采纳的意见建议（{n}条）",
            "en": "only {name} has suggestions awaiting adoption ({n} suggestion",
        },
    ),
    "reminders_by_unit": (["written", "in_person", "meeting"], {"zh": "仅{name}收到提醒", "en": "only to {name}"}),
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_most_of_one_unit_alone_is_said_as_only_that_unit(connection, lang):
    """Review of 4 Dec: "待采纳建议最多的是省信访局（1条）", "most awaiting adoption: Petitions Bureau (1 suggestion)" where
    that unit had the only one: a ranking of one. Over every pair of units and quarter range, where the chart's frame
    has one unit alone with any, the reading says "only" and no "most"."""
    specs = {spec.key: spec for spec in catalog.all_charts() if spec.key in _ONLY_ONE}
    units = list(oracle.read_ledgers(oracle.Path(store.SAMPLE_DATA_DIR)).units["unit_id"])
    quarters = [Quarter(2019, q) for q in range(1, 5)] + [Quarter(2020, q) for q in range(1, 5)]
    found = 0
    for key, spec in specs.items():
        columns, wording = _ONLY_ONE[key]
        for first, second in zip(units, units[1:] + units[:1]):
            for start, end in zip(quarters, quarters[3:]):
                frame = queries.run(connection, spec.query, Filter((first, second), start, end))
                held = frame[columns].sum(axis=1)
                if len(frame) < 2 or (held > 0).sum() != 1:
                    continue
                found += 1
                # as a sentence names it: the Petitions Bureau, with its article in English
                name = i18n.unit_in_sentence(own_short_names(frame, lang)[int(held.to_numpy().argmax())], lang)
                text = takeaways.takeaway(spec, frame, lang)
                assert wording[lang].format(name=name, n=int(held.max())) in text, text
                assert not re.search("最多|the most|most awaiting|most still", text), text
    assert found >= 4
