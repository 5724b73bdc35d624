"""Charts of bars per unit at a province's scale draw the top units and one bar of the rest (其他N家单位): the units
tied at the cut without a bar of their own are said to be in the rest, in the chart's title and its reading; a
stack's rest bar keeps its breakdown in the parts' own colours.

Found in review at 504 units (``python -m oversight sample --scale 100000``): 7 units had 10 issues, 6 of them were
drawn among "the top 15" and 株洲市体育局 was folded into 其他489家单位 without a word (a leader reads the chart as "the
units with 10 issues"); every by-unit chart cut a tie so (activities: 3 of 5 units at 18 left out). Drawing the tied
units too (up to 19 bars) left a document's picture with bars too thin for any count, so the tie is said. The rest's
bar of a stack cut at the plot's end was one slate bar of its total, out of the legend: how many of the rest's issues
were still open was nowhere in the picture.

The expectations are worked out here with pandas from the spreadsheets themselves (not from the app's queries).
"""

from __future__ import annotations

import pandas as pd
import pytest

from oversight import charts
from oversight.briefing import takeaways
from oversight.charts import catalog, kinds
from oversight.charts.style import CARD_WIDTH_PX, label_width
from oversight.core import i18n
from oversight.data import queries, store
from oversight.data.filters import Filter, Quarter
from oversight.devdata import scale
from oversight.ingest import checked_folder

TOP = MOST = 15  # the units drawn by name; the most drawn where the units tied at the cut would be drawn too

# chart → (sheet file, its code column, the codes as the sheet writes them, in the chart's order)
CHARTS = {
    "issues_suggestions_by_unit": ("issues", None, None),
    "issues_by_unit_status": ("issues", "整改状态", {"open": "未整改", "in_progress": "整改中", "rectified": "已整改"}),
    "suggestions_by_unit": (
        "suggestions",
        "采纳状态",
        {"proposed": "已提出", "adopted": "已采纳", "implemented": "已落实"},
    ),
    "reminders_by_unit": (
        "reminders",
        "提醒方式",
        {"written": "书面提醒", "in_person": "面对面提醒", "meeting": "会议提醒"},
    ),
    "activities_by_unit": (
        "activities",
        "活动类型",
        {
            "consultation": "定期会商",
            "special_study": "专题研究",
            "notification": "工作通报",
            "secondment": "抽调参与办案",
        },
    ),
}
DATE_COLUMN = {"issues": "发现日期", "suggestions": "提出日期", "reminders": "提醒日期", "activities": "活动日期"}


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    folder = tmp_path_factory.mktemp("province")
    scale.write(folder, 100_000)  # 504 units, as the review's sample
    connection = store.connect(checked_folder.read_folder(folder))
    sheets = {
        name: pd.read_excel(folder / f"{name}.xlsx", engine="openpyxl")
        for name in ("units", "issues", "suggestions", "reminders", "activities")
    }
    return connection, queries.data_span(connection), sheets


def _in_view(sheet: pd.DataFrame, table: str, filter_: Filter) -> pd.DataFrame:
    days = pd.to_datetime(sheet[DATE_COLUMN[table]])
    keys = days.dt.year * 10 + days.dt.quarter
    kept = (keys >= filter_.start.key) & (keys <= filter_.end.key)
    if filter_.cutoff is not None:
        kept &= days.dt.date <= filter_.cutoff
    return sheet[kept]


def _expected(sheets, key: str, filter_: Filter) -> dict:
    """From the spreadsheets: each unit's counts by part, the ranking figure, and which units the chart draws."""
    table, code_column, codes = CHARTS[key]
    units = sheets["units"].set_index("单位名称")["单位编码"]
    rows = _in_view(sheets[table], table, filter_)
    if key == "issues_suggestions_by_unit":
        issues = _in_view(sheets["issues"], "issues", filter_)["单位"].value_counts()
        suggestions = _in_view(sheets["suggestions"], "suggestions", filter_)["单位"].value_counts()
        parts = pd.DataFrame({"issues": issues, "suggestions": suggestions}).reindex(units.index).fillna(0)
        rank = parts["issues"]
    else:
        parts = pd.crosstab(rows["单位"], rows[code_column]).reindex(index=units.index, columns=list(codes.values()))
        parts = parts.fillna(0).set_axis(list(codes), axis=1)
        rank = parts.sum(axis=1)
    order = sorted(units.index, key=lambda name: (-rank[name], units[name]))  # most first, then the unit's code
    if key == "issues_suggestions_by_unit":  # ranked by issues, then suggestions, then the unit's code
        order = sorted(units.index, key=lambda name: (-rank[name], -parts["suggestions"][name], units[name]))
    some = [name for name in order if parts.loc[name].sum() > 0]
    cut = rank[some[TOP - 1]]
    tied = [name for name in some if rank[name] == cut]
    through = some.index(tied[-1]) + 1
    drawn = some[:through] if through <= MOST else some[:TOP]
    ids = [units[name] for name in drawn]
    return dict(
        parts=parts, rank=rank, drawn=drawn, ids=ids, cut=cut, tied=tied, left=[n for n in tied if n not in drawn]
    )


def _figure(connection, span, key: str, filter_: Filter, lang: str):
    spec = {spec.key: spec for spec in (*charts.OVERVIEW_CHARTS, *catalog.all_charts())}[key]
    frame = queries.run(connection, spec.query, span.resolve(filter_))
    return spec, frame, spec.build(frame, lang)


def _drawn(figure) -> list[str]:
    """The ids of the units drawn by name, top first, the rest row left out."""
    return [unit for unit in figure.data[0].customdata if unit][::-1]


def _said(expected: dict, noun: str, lang: str, reading: bool) -> str:
    """The words for the units tied at the cut left in the rest, worked out here."""
    left, rest = len(expected["left"]), len(expected["parts"]) - len(expected["drawn"])
    value = i18n.t(
        f"export.count.{noun}.{'one' if expected['cut'] == 1 else 'other'}", lang, n=f"{expected['cut']:,.0f}"
    )
    if lang == "zh":
        return f"另有{left}家单位同为{value}，{'图中未单独列出，' if reading else ''}计入“其他{rest}家单位”"
    unit, verb = ("unit", "is") if left == 1 else ("units", "are")
    if reading:
        return f"{left} more {unit} also at {value} {verb} not drawn apart but counted in “{rest} other units”"
    return f"{left} more {unit} also at {value}, counted in “{rest} other units”"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("key", list(CHARTS))
def test_the_units_tied_at_the_cut_without_a_bar_are_said_to_be_in_the_rest(province, key, lang):
    connection, span, sheets = province
    filter_ = span.resolve(span.default_filter())
    expected = _expected(sheets, key, filter_)
    # the review's case: the cut falls inside a tie (chart 1: 7 units at 10 issues, 6 of them among the first 15)
    assert len(expected["tied"]) > 1 and expected["left"], (key, expected["tied"])
    spec, frame, figure = _figure(connection, span, key, filter_, lang)
    assert _drawn(figure) == expected["ids"], key
    rest = len(expected["parts"]) - len(expected["drawn"])
    assert figure.data[0].y[0] == (f"其他{rest}家单位" if lang == "zh" else f"{rest} other units")
    noun = kinds.unit_rank(frame, spec.value_columns).name
    title = figure.layout.title.text.replace("<br>", "" if lang == "zh" else " ")
    assert _said(expected, noun, lang, reading=False) in title, title
    assert _said(expected, noun, lang, reading=True) in takeaways.takeaway(spec, frame, lang)
    if key == "issues_suggestions_by_unit":  # 株洲市体育局 (10 issues, as 6 units drawn) is the one said
        assert expected["cut"] == 10 and len(expected["tied"]) == 7 and expected["left"] == ["株洲市体育局"]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    "key", ["issues_by_unit_status", "suggestions_by_unit", "reminders_by_unit", "activities_by_unit"]
)
def test_a_stacks_rest_bar_keeps_its_breakdown_in_the_parts_colours(province, key, lang):
    connection, span, sheets = province
    filter_ = span.resolve(span.default_filter())
    expected = _expected(sheets, key, filter_)
    _, _, figure = _figure(connection, span, key, filter_, lang)
    rest = [name for name in expected["parts"].index if name not in expected["drawn"]]
    breakdown = expected["parts"].loc[rest].sum()
    bars = [trace for trace in figure.data if trace.type == "bar"]
    # one bar trace per part (colour, legend entry), none of its own for the rest: the rest row is in each part's
    assert [trace.customdata[0] for trace in bars] == [""] * len(bars)
    assert all(trace.showlegend is not False for trace in bars)
    got = {trace.name: kinds.bar_values(trace)[0] for trace in bars}
    names = {i18n.label(f"code:{code}", lang): code for code in breakdown.index}
    assert {names[name]: value for name, value in got.items()} == {
        code: float(value) for code, value in breakdown.items() if value
    }
    # drawn cut at the plot's end: each part its share of the plot's width, the parts end to end reaching it
    axis_end = figure.layout.xaxis.range[1]
    assert sum(trace.x[0] for trace in bars) == pytest.approx(axis_end)
    for trace in bars:
        share = kinds.bar_values(trace)[0] / breakdown.sum()
        assert trace.x[0] == pytest.approx(share * axis_end)
        # the hover gives its true count, the bar's text too (never the drawn length)
        assert f"{kinds.bar_values(trace)[0]:,.0f}" in trace.hovertemplate[0]
        assert trace.text[0] in ("", f"{kinds.bar_values(trace)[0]:,.0f}")
    # the figure at its end is the rest's total
    ends = [note.text for note in figure.layout.annotations if note.y == figure.data[0].y[0]]
    assert ends == [f"{breakdown.sum():,.0f} ▸"]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("key", ["issues_suggestions_by_unit", "issues_by_unit_status", "suggestions_by_unit"])
def test_a_long_tie_in_one_quarter_is_said_too(province, key, lang):
    connection, span, sheets = province
    last = span.last
    filter_ = span.resolve(Filter((), Quarter(last.year, 1), Quarter(last.year, 1)))  # one quarter: many tie
    expected = _expected(sheets, key, filter_)
    assert len(expected["left"]) > 1, key
    spec, frame, figure = _figure(connection, span, key, filter_, lang)
    assert len(_drawn(figure)) == TOP and _drawn(figure) == expected["ids"]
    noun = kinds.unit_rank(frame, spec.value_columns).name
    assert _said(expected, noun, lang, reading=False) in figure.layout.title.text.replace(
        "<br>", "" if lang == "zh" else " "
    )
    assert _said(expected, noun, lang, reading=True) in takeaways.takeaway(spec, frame, lang)


def _hand(values: list[int]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit_id": [f"u{at:03d}" for at in range(len(values))],
            "name_zh": [f"单位{at}" for at in range(len(values))],
            "name_en": [f"Unit {at}" for at in range(len(values))],
            "issues": values,
            "suggestions": [0] * len(values),
        }
    )


def test_the_cut_says_the_units_tied_with_the_last_bar():
    # 14 above, 3 tied at the 15th place: 15 drawn, the 2 others at 5 said to be in the rest
    frame = _hand([20] * 14 + [5, 5, 5] + [1] * 10)
    drawn = kinds.top_units(frame, ["issues", "suggestions"])
    assert list(drawn["unit_id"][:-1]) == list(frame["unit_id"][:15]) and drawn.iloc[-1]["name_zh"] == "其他12家单位"
    note = kinds.tie_in_rest_note(frame, ["issues", "suggestions"], "zh", "chart.tie_in_rest_suffix")
    assert note == "（另有2家单位同为5个，计入“其他12家单位”）"
    assert kinds.tie_in_rest_note(frame, ["issues", "suggestions"], "en", "chart.tie_in_rest_suffix") == (
        " (2 more units also at 5 issues, counted in “12 other units”)"
    )
    frame = _hand([20] * 14 + [5, 5] + [1] * 10)  # one left: said as one
    assert kinds.tie_in_rest_note(frame, ["issues", "suggestions"], "en", "chart.tie_in_rest_suffix") == (
        " (1 more unit also at 5 issues, counted in “11 other units”)"
    )
    # no tie at the cut: the first 15 as before, nothing said
    frame = _hand(list(range(40, 0, -1)))
    assert len(kinds.top_units(frame, ["issues", "suggestions"])) == TOP + 1
    assert kinds.tie_in_rest_note(frame, ["issues", "suggestions"], "zh", "chart.tie_in_rest_suffix") == ""
    # 16 units or fewer: all drawn, nothing cut
    assert kinds.top_units(_hand([5] * 16), ["issues", "suggestions"]).equals(_hand([5] * 16))


def _heatmap(per_unit: list[int]) -> pd.DataFrame:
    """One unit a row of the units sheet (``ordinal``), over two quarters, ``per_unit[k]`` meetings in each."""
    return pd.DataFrame(
        [
            {
                "unit_id": f"u{k:02d}",
                "name_zh": f"第{k}单位",
                "name_en": f"Unit {k}",
                "ordinal": k,
                "quarter_key": key,
                "year": 2020,
                "quarter": key % 10,
                "meetings": meetings,
            }
            for k, meetings in enumerate(per_unit)
            for key in (20201, 20202)
        ]
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_heatmap_says_how_many_more_units_held_as_many_as_its_fewest(lang):
    """The heatmap of more than 20 units draws the 20 with the most meetings, a tie at the cut going to the first in
    the sheet: 3 more units with as many meetings as its fewest were left out without a word, under a title saying
    "the 20 with most" and a reading naming "the fewest of these"."""
    spec = {spec.key: spec for spec in catalog.all_charts()}["meetings_by_unit_quarter"]
    frame = _heatmap([5] * 3 + [50 + k for k in range(18)] + [5] * 4)  # 18 above, 7 at 5 (2 drawn)
    totals = frame.groupby("ordinal")["meetings"].sum()
    cut = totals.sort_values(ascending=False).iloc[19]
    left = int((totals == cut).sum()) - int((totals.sort_values(ascending=False).iloc[:20] == cut).sum())
    assert (cut, left) == (10, 5)
    figure = spec.build(frame, lang)
    title = figure.layout.title.text.replace("<br>", "" if lang == "zh" else " ")
    reading = takeaways.takeaway(spec, frame, lang)
    if lang == "zh":
        assert "（会议最多的20家；另有5家单位同为10次，未列出）" in title
        assert "；另有5家单位同为10次，图中未列出。" in reading
    else:
        assert "(the 20 with most; 5 more units also at 10 meetings not drawn)" in title
        assert "; 5 more units also at 10 meetings are not drawn." in reading
    # no tie at the cut: nothing said
    plain = spec.build(_heatmap(list(range(1, 26))), lang)
    assert "10" not in plain.layout.title.text and "another" not in plain.layout.title.text
    assert takeaways.takeaway(spec, _heatmap(list(range(1, 26))), lang).count("另有") == 0


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_one_unit_left_out_of_the_heatmap_at_its_fewest_is_said_as_one(lang):
    """At 504 units in 2020 Q1 the heatmap's 20th unit held 33 meetings and one more unit did too: the English
    reading said "1 more units also at 33 meetings are not drawn"."""
    spec = {spec.key: spec for spec in catalog.all_charts()}["meetings_by_unit_quarter"]
    frame = _heatmap([50 + k for k in range(19)] + [5, 5] + [1] * 4)  # 19 above, 2 at 5 (1 drawn)
    reading = takeaways.takeaway(spec, frame, lang)
    title = spec.build(frame, lang).layout.title.text.replace("<br>", "" if lang == "zh" else " ")
    if lang == "zh":
        assert (
            "另有1家单位同为10次，图中未列出。" in reading
            and "（会议最多的20家；另有1家单位同为10次，未列出）" in title
        )
    else:
        assert reading.endswith("; 1 more unit also at 10 meetings is not drawn.")
        assert "(the 20 with most; 1 more unit also at 10 meetings not drawn)" in title


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_units_left_out_of_the_heatmap_with_no_meetings_are_said_in_words(lang):
    """Fewer than 20 of the units held meetings: the heatmap draws some with none among "the 20 with most", its
    reading says "of these, X held none"; the units left out are said to have held none too, not "also at 0"."""
    spec = {spec.key: spec for spec in catalog.all_charts()}["meetings_by_unit_quarter"]
    frame = _heatmap([3 + k for k in range(12)] + [0] * 13)  # 12 with meetings, 8 of 13 with none drawn
    reading = takeaways.takeaway(spec, frame, lang)
    title = spec.build(frame, lang).layout.title.text.replace("<br>", "" if lang == "zh" else " ")
    if lang == "zh":
        assert reading.endswith("；另有5家单位同样未召开会议，图中未列出。") and "同为0" not in reading
        assert "（会议最多的20家；另有5家单位同样未召开会议，未列出）" in title
    else:
        assert reading.endswith("; 5 more units with no meetings either are not drawn.") and "at 0" not in reading
        assert "(the 20 with most; 5 more units with no meetings either not drawn)" in title


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_cut_stacks_total_does_not_cover_its_last_parts_count(province, lang):
    """On a phone the rest's total (1,478 ▸), written over the bar's end, hid the count of its last part: 其他489家单位
    read "9 1,478 ▸" (980 rectified). Where it would run under the total on a phone's card, that count is left to the
    hover."""
    connection, span, _ = province
    _, _, figure = _figure(connection, span, "issues_by_unit_status", span.resolve(span.default_filter()), lang)
    (note,) = [note for note in figure.layout.annotations if "▸" in note.text]
    bars = [trace for trace in figure.data if trace.type == "bar"]
    end = figure.layout.xaxis.range[1]
    plot_px = CARD_WIDTH_PX - figure.layout.margin.l - figure.layout.margin.r
    for trace in bars:
        if trace.text[0]:
            centre = (sum(other.x[0] for other in bars[: bars.index(trace)]) + trace.x[0] / 2) / end * plot_px
            assert centre + label_width(trace.text[0], 13) / 2 <= plot_px - label_width(note.text, 12) - 8, trace.name
    assert bars[-1].text[0] == ""  # 已整改 985, under "1,478 ▸" on a phone
    assert f"{kinds.bar_values(bars[-1])[0]:,.0f}" in bars[-1].hovertemplate[0]


def _mentions(text: str, names) -> dict[str, int]:
    """How often each of ``names`` stands in ``text``, a name inside a longer one (长沙市住房局 in 长沙市住房局机关) not
    counted as it."""
    counted: dict[str, int] = {}
    for name in sorted({name for name in names if isinstance(name, str) and name}, key=len, reverse=True):
        counted[name] = text.count(name)
        text = text.replace(name, "\0")
    return counted


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_reading_names_each_unit_once(province, lang):
    """At 504 units the activities reading said "no regular consultation with the Changde Agriculture Bureau, the
    Zhuzhou Medical Security Bureau, the Changsha Housing Bureau and 320 other units, of which the Changsha Housing
    Bureau, the Chenzhou Market Regulation Bureau, … not drawn apart": the rest's note listed again the units the
    sentence had named (and one more, so the two lists' counts disagreed); the suggestions reading named the one unit
    most awaiting adoption without a bar twice ("… and the Zhangjiajie Water Resources Bureau (3 suggestions each),
    of which the Zhangjiajie Water Resources Bureau not drawn apart"). Every by-unit reading, over the year and each
    of its quarters: a unit named at most once, and one named without a bar said to be in the rest's bar."""
    connection, span, sheets = province
    units = sheets["units"]
    columns = ["单位名称"] if lang == "zh" else ["英文名称", "英文简称"]
    code = {name: unit for column in columns for unit, name in zip(units["单位编码"], units[column]) if pd.notna(name)}
    last = span.last
    filters = [span.default_filter(), *(Filter((), Quarter(last.year, q), Quarter(last.year, q)) for q in (1, 2, 3, 4))]
    checked = 0
    for filter_ in filters:
        for key in CHARTS:
            spec, frame, figure = _figure(connection, span, key, filter_, lang)
            reading = str(takeaways.takeaway(spec, frame, lang))
            mentions = _mentions(reading, code)
            twice = {name: n for name, n in mentions.items() if n > 1}
            assert not twice, (filter_.start, key, twice, reading)
            rest = figure.data[0].y[0] if len(frame) > MOST else None  # the rest's bar, its label
            for name in (name for name, n in mentions.items() if n and code[name] not in _drawn(figure)):
                assert f"“{rest}”" in reading, (key, name, reading)
            checked += 1
    assert checked == 5 * len(CHARTS)
