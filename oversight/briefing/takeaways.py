"""One line under each chart in the briefing: what a reader should take from it, computed from the chart's own data.

Every ``ChartSpec`` has its own reading here, written for what its chart means (a share's highest and
lowest quarter, an average's trend, status counts and the rectification rate …). There is no generic
fallback: a sum of whatever the first column holds reads wrongly for averages, shares and statuses, so a
chart without its own reading gets none, and ``tests/test_takeaways.py`` fails until it has one.

Each reading takes the frame the chart is drawn from (never a second query), so the words and the picture
agree. A comparison value the data does not cover (NaN) reads "no comparable data", never as a zero.
Numbers are rounded half up (``numbers.round_half_up``), as the KPI cards round them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypeVar

import pandas as pd

from oversight import charts
from oversight.charts import kinds
from oversight.charts.catalog import ADOPTION_ORDER, ISSUE_STATUS_ORDER
from oversight.charts.style import own_short_names
from oversight.contract.schema import (
    CATEGORIES,
    ISSUE_SOURCES,
    REMINDER_FORMS,
    SUGGESTION_STATUSES,
)
from oversight.core import i18n
from oversight.core.numbers import grouped, round_half_up
from oversight.data.filters import Quarter
from oversight.present.summary import code_label_in_sentence, count, did, join_list

MOST_NAMED = 3  # beyond this many tied names, the line says how many tie instead of listing them all


@dataclass(frozen=True)
class AlikeQuarters:
    """A reading that compared its quarters and found them alike, so named none (各季度提前审核占比均为60.0%,
    2个季度会议各13次): ``takeaway`` must still say which quarter under way it left out, or "every quarter" takes
    that one in. A builder returns its text wrapped in this where that is so, plain ``str`` otherwise."""

    text: str


Reading = str | AlikeQuarters  # what a builder returns


_ACTIVITY_KINDS = ("consultation", "special_study", "notification", "secondment")


# ---------------------------------------------------------------- wording helpers


def _t(key: str, lang: str, **params: object) -> str:
    return i18n.t(f"export.takeaway.{key}", lang, **params)


Number = TypeVar("Number", float, Decimal)  # counts and means (float), or shares already rounded (Decimal)


def percent(part: float, whole: float) -> Decimal:
    """``part`` of ``whole`` in percent, one decimal, half up (9 of 16 → 56.3)."""
    return round_half_up(part / whole * 100, 1)


def _minutes(value: float | Decimal, lang: str) -> str:
    return count(round_half_up(value, 1), "minutes", lang)


def _names(names: Sequence[str], lang: str, what: str = "items") -> str:
    """``A、B`` or, for a long tie, ``A、B、C等5家单位`` — the reader still learns how many share the place. One name
    beyond the limit is named rather than counted: "A, B, C and others, 4 in all" stood for a single name."""
    if len(names) <= MOST_NAMED + 1:
        return join_list(names, lang)
    # in English the others, not the total: "5 units tie …: A, B, C and others, 5 units in all" said it twice
    return _t(
        f"and_more_{what}",
        lang,
        names=i18n.listed(names[:MOST_NAMED], lang),
        count=grouped(len(names)),
        others=grouped(len(names) - MOST_NAMED),
    )


def _each(text: str, tied: bool, lang: str) -> str:
    """``各4个`` / ``4 issues each`` where several share the value."""
    return _t("each", lang, count=text) if tied else text


def _each_or_none(some: int, of: int) -> str:
    """The key's ending for "``some`` of the ``of`` quarters": 均 where it is every one of several, 均不 where none
    (有上年同期数据的2个季度中，2个季度少于上年同期 read as if some were not)."""
    if some == 0:
        return "_none"
    return "_all" if some == of and of > 1 else ""


def _alike(leaders: Sequence[str], values: Sequence[Number]) -> bool:
    """Every one of several in view holds the top value: there is no "most" (最多的是 naming every unit, 各1个, read as
    a finding) and no "fewest" either."""
    return len(values) > 1 and len(leaders) == len(values)


def _only(leaders: Sequence[str], values: Sequence[Number]) -> str:
    """The key's ending where one of several holds every one there is: "仅省信访局有1个问题", not "最多的是省信访局（1个）",
    a "most" of one (and of one that had all of them)."""
    return "_only" if len(leaders) == 1 and len(values) > 1 and sum(1 for value in values if value > 0) == 1 else ""


def _extremes(values: Sequence[Number], labels: Sequence[str]) -> tuple[list[str], list[str], Number, Number]:
    """Labels at the highest and at the lowest value (ties kept together, in the frame's order), and the values."""
    values = list(values)
    top, bottom = max(values), min(values)
    return (
        [label for label, v in zip(labels, values) if v == top],
        [label for label, v in zip(labels, values) if v == bottom],
        top,
        bottom,
    )


def _least_is_none(bottom: Number) -> str:
    """The key's variant for a ranking whose least is nothing, said in words: "the fewest in 2020 Q4 (0 reminders)"
    read as a count of something (as 0 as a figure did elsewhere)."""
    return "_none" if bottom == 0 else ""


def _quarter_names(frame: pd.DataFrame, lang: str) -> list[str]:
    return [i18n.quarter_label(Quarter(int(y), int(q)), lang) for y, q in zip(frame["year"], frame["quarter"])]


def _unit_names(frame: pd.DataFrame, lang: str) -> list[str]:
    """The units as the chart beside the reading names them: in English the units sheet's own short name (英文简称)
    where it has one (README 口径说明, 单位名称), one unit alone too — "The Counsellors' Office of the Provincial
    Government held 6 meetings." stood beside a heatmap row and an empty slide's sentence reading "Counsellors'
    Office". Full English names hold "and" themselves ("… Services and Big Data Administration and Office of …"): a
    list of them could not be read aloud as a list. Each with its article in English, as a sentence names it
    (``i18n.unit_in_sentence``: "the General Office had the most issues raised")."""
    return [i18n.unit_in_sentence(name, lang) for name in own_short_names(frame, lang)]


@dataclass(frozen=True)
class DrawnUnits:
    """Which units a by-unit bar chart draws a bar of its own (``kinds.top_units``: the first ones and one bar of the
    rest): a reading that names a unit the picture does not draw apart must say where it is. At a province's scale
    "no regular consultation with Changsha Justice Bureau" named a unit the chart had folded into "483 other units"."""

    names: frozenset[str]  # every unit's name where the chart draws all of them
    rest_bar: str | None  # the rest's bar ("其他484家单位"), None where there is none

    def listed(self, named: Sequence[str], lang: str) -> str:
        """``named`` as a sentence lists them (``_names``), where some have a bar of their own and some are counted in
        the rest's bar in two parts: ``A、B以及计入“其他489家单位”的C``. Each unit is named once: a note after the list
        naming those without a bar (其中C图中未单独列出) named them a second time, and where the list stopped at three
        names its own three (其中B、C、D等321家单位) named two of the list's again and one it had not."""
        apart = [name for name in named if name not in self.names]
        if not apart or len(apart) == len(named) or self.rest_bar is None:
            return _names(named, lang, "units")  # one part: ``note`` says where they all are
        # the names the whole list would give (``_names``: three and a count past four), each part its own of them
        shown = set(named if len(named) <= MOST_NAMED + 1 else named[:MOST_NAMED])
        drawn = [name for name in named if name not in apart]
        return _t(
            "drawn_and_rest",
            lang,
            # "the A, the B and, counted in …, the C": one list, its "and" before the last part ("the A and the B and,
            # counted in …" read as two)
            drawn=_part(drawn, shown, lang, i18n.listed),
            others=self.rest_bar,
            rest=_part(apart, shown, lang, join_list),
        )

    def note(self, named: Sequence[str], lang: str) -> str:
        """Where every unit ``named`` is counted in the rest's bar, that; nothing where some have a bar of their own
        (``listed`` says which are where) or all do."""
        if self.rest_bar is None or any(name in self.names for name in named):
            return ""
        return _t("not_drawn", lang, others=self.rest_bar)


def _part(names: Sequence[str], shown: set[str], lang: str, join: Callable[[Sequence[str], str], str]) -> str:
    """One part of a list split by ``DrawnUnits.listed``: its names among ``shown`` (joined by ``join``) and how many more
    ("A、B等5家单位", "5 units" where the list names none of them, a single one beyond them named rather than counted)."""
    named = [name for name in names if name in shown]
    if len(names) <= len(named) + 1 and (named or len(names) == 1):
        return join(names, lang)
    if not named:
        return _t("units_unnamed", lang, count=count(len(names), "units", lang))
    return _t(
        "and_more_units",
        lang,
        names=i18n.listed(named, lang),
        count=grouped(len(names)),
        others=grouped(len(names) - len(named)),
    )


def _drawn_units(frame: pd.DataFrame, names: Sequence[str], value_columns: Sequence[str], lang: str) -> DrawnUnits:
    drawn = kinds.top_units(frame, value_columns)  # the chart's own cut, so words and picture cannot part
    if len(drawn) == len(frame):
        return DrawnUnits(frozenset(names), None)
    apart = len(drawn) - 1  # the last row adds up the rest
    return DrawnUnits(frozenset(names[:apart]), str(drawn.iloc[-1][i18n.localized_column("name", lang)]))


def _leading(values: Sequence[float], labels: Sequence[str], noun: str, lang: str, key: str) -> str:
    """ "X leads with n (s% of the total)", "k tie with n each", or, where every one in view holds as many, "n in each
    of k" — for categories, sources, forms. The leaders are named all (a handful of categories at most): "A, B, C and
    others, 4 in all" stood for one more name, and its count repeated the line's own."""
    total = sum(values)
    leaders, _, top, _ = _extremes(values, labels)
    if top == total:  # one category holds everything: a share of 100% would read oddly
        # count: one alone takes its own wording (所指出问题1个均属… said "all" of one)
        return _t(f"{key}_all", lang, names=leaders[0], total=count(total, noun, lang), count=grouped(total))
    tied = len(leaders) > 1
    # every category with any issue ties: there is no "most", only an even spread (意见建议集中在 all of them)
    even = tied and len(leaders) == sum(1 for value in values if value > 0)
    return _t(
        key + ("_even" if even else "_tie" if tied else ""),
        lang,
        names=join_list(leaders, lang),
        tied=len(leaders),
        count=_each(count(top, noun, lang), tied, lang),
        one=count(top, noun, lang),
        share=percent(top, total),
        total=count(total, noun, lang),
    )


# ---------------------------------------------------------------- Overview


def _issues_suggestions_by_unit(frame: pd.DataFrame, lang: str) -> str:
    issues, suggestions = (
        did("issues", frame["issues"].sum(), lang),
        did("suggestions", frame["suggestions"].sum(), lang),
    )
    names = _unit_names(frame, lang)
    if len(frame) == 1:
        return _t("unit_issues_suggestions_one", lang, unit=names[0], issues=issues, suggestions=suggestions)
    leaders, _, top, _ = _extremes(frame["issues"], names)
    if top == 0:
        return _t("unit_issues_suggestions_no_issues", lang, suggestions=suggestions)
    tied = len(leaders) > 1
    return _t(
        "unit_issues_suggestions"
        + ("_even" if _alike(leaders, frame["issues"]) else "_tie" if tied else _only(leaders, frame["issues"])),
        lang,
        units=_names(leaders, lang, "units"),
        tied=len(leaders),
        one=count(top, "issues", lang),
        count=_each(count(top, "issues", lang), tied, lang),
        issues=issues,
        suggestions=suggestions,
    )


def _meetings_by_quarter(frame: pd.DataFrame, lang: str) -> str:
    frame = kinds.with_earlier_bars_of_the_range(frame, "meetings", "prev_meetings")
    meetings = count(frame["meetings"].sum(), "meetings", lang)
    # a quarter whose year earlier the data does not cover (blank) is left out; one covered with no meeting is
    # compared (read as 上年同期无可比数据 beside a card of 1次 +1次 and a grey 0 bar, the two contradicted each other)
    comparable = frame[frame["prev_meetings"].notna()]
    if comparable.empty:
        return _t("meetings_no_comparison", lang, meetings=meetings)
    fewer = int((comparable["meetings"] < comparable["prev_meetings"]).sum())
    if len(comparable) < len(frame):
        return _t(
            "meetings_partial" + _each_or_none(fewer, len(comparable)),
            lang,
            meetings=meetings,
            fewer=fewer,
            comparable=count(len(comparable), "quarters", lang),
        )
    now, before = frame["meetings"].sum(), comparable["prev_meetings"].sum()
    if before == 0:  # no percentage of nothing: the two counts, as a card from zero gives the change alone
        return _t("meetings_from_none", lang, meetings=meetings)
    change = percent(now - before, before)
    if len(frame) > 1 and fewer == len(frame):
        return _t("meetings_all_fewer", lang, meetings=meetings, percent=abs(change))
    direction = "down" if change < 0 else "up" if change > 0 else "same"
    text = _t("meetings_change", lang, meetings=meetings, change=_t(f"change_{direction}", lang, percent=abs(change)))
    if len(frame) > 1:
        text += _t(
            "meetings_fewer_in" + ("_none" if fewer == 0 else ""),
            lang,
            fewer=fewer,
            quarters=count(len(frame), "quarters", lang),
        )
    return text


def _issues_by_category(frame: pd.DataFrame, lang: str) -> str:
    labels = [code_label_in_sentence(CATEGORIES, code, lang) for code in frame["category"]]
    return _leading(frame["issues"], labels, "issues", lang, "issue_category")


def _reminders_by_form(frame: pd.DataFrame, lang: str) -> str:
    labels = [code_label_in_sentence(REMINDER_FORMS, code, lang) for code in frame["form"]]
    return _leading(frame["reminders"], labels, "reminders", lang, "reminder_form")


# ---------------------------------------------------------------- meeting supervision


def _meeting_duration_by_quarter(frame: pd.DataFrame, lang: str) -> str:
    frame = kinds.with_earlier_bars_of_the_range(frame, "avg_duration_min", "prev_avg_duration_min")
    held = frame[frame["avg_duration_min"].notna()]
    names = _quarter_names(held, lang)
    minutes = [round_half_up(v, 1) for v in held["avg_duration_min"]]
    comparable = held[held["prev_avg_duration_min"].notna()]
    if len(held) == 1:
        text = _t("duration_one", lang, quarter=names[0], minutes=_minutes(minutes[0], lang))
        if comparable.empty:
            return text + _t("duration_no_comparison", lang)
        return text + _t(
            "duration_one_before", lang, minutes=_minutes(comparable["prev_avg_duration_min"].iloc[0], lang)
        )
    # the difference of the rounded figures, so the reader's own subtraction agrees
    difference = minutes[-1] - minutes[0]
    direction = "shorter" if difference < 0 else "longer" if difference > 0 else "same"
    text = _t(
        f"duration_trend_{direction}",
        lang,
        first=names[0],
        last=names[-1],
        first_minutes=_minutes(minutes[0], lang),
        last_minutes=_minutes(minutes[-1], lang),
        difference=_minutes(abs(difference), lang),
    )
    if comparable.empty:
        return text + _t("duration_no_comparison", lang)
    shorter = int((comparable["avg_duration_min"] < comparable["prev_avg_duration_min"]).sum())
    if shorter == len(held):
        return text + _t("duration_all_shorter", lang)
    return text + _t(
        "duration_shorter_in" + _each_or_none(shorter, len(comparable)),
        lang,
        shorter=shorter,
        comparable=count(len(comparable), "quarters", lang),
    )


def _meeting_shares_by_quarter(frame: pd.DataFrame, lang: str) -> Reading:
    held = frame[frame["meetings"] > 0]
    total = held["meetings"].sum()
    shares = {column: percent(held[column].sum(), total) for column in ("prereviewed", "attended", "merged")}
    # a practice no meeting had in words, as the summary says it (纪检监察组未列席会议), not 纪检监察组列席占0.0%
    text = _t(
        "shares_overall",
        lang,
        **{
            column: _t(f"shares_part.{column}" + ("" if held[column].sum() else "_none"), lang, share=share)
            for column, share in shares.items()
        },
    )
    if len(held) < 2:
        return text
    ranked = _whole_quarters(held)
    if len(ranked) < 2:
        return text
    quarterly = [percent(part, whole) for part, whole in zip(ranked["prereviewed"], ranked["meetings"])]
    highest, lowest, top, bottom = _extremes(quarterly, _quarter_names(ranked, lang))
    if top == bottom:
        return AlikeQuarters(text + _t("shares_prereviewed_even", lang, share=top))
    # quarters tied for a share each have it, as every tie of the readings says: 最低为A、B、C（50.0%） read as theirs together
    return text + _t(
        "shares_prereviewed_range",
        lang,
        highest=_names(highest, lang),
        top=_each(f"{top}%", len(highest) > 1, lang),
        lowest=_names(lowest, lang),
        bottom=_each(f"{bottom}%", len(lowest) > 1, lang),
    )


def _quarter_key_name(key: int, lang: str) -> str:
    return i18n.quarter_label(Quarter(int(key) // 10, int(key) % 10), lang)


def _meetings_by_unit_quarter(frame: pd.DataFrame, lang: str) -> Reading:
    names_of = ["ordinal", "name_zh", "name_en", *(["short_name_en"] if "short_name_en" in frame.columns else [])]
    per_unit = frame.groupby(names_of, sort=True, dropna=False)["meetings"].sum().reset_index()
    names = _unit_names(per_unit, lang)
    if len(per_unit) == 1:
        per_quarter = _whole_quarters(frame).groupby("quarter_key", sort=True)["meetings"].sum()
        meetings = count(frame["meetings"].sum(), "meetings", lang)
        if len(per_quarter) < 2:  # one quarter is no ranking: 最多的是2020年第4季度（8次） of 8 meetings in all
            return _t("heatmap_one_unit_alone", lang, unit=names[0], meetings=meetings)
        busiest, _, top, _ = _extremes(per_quarter, [_quarter_key_name(k, lang) for k in per_quarter.index])
        alike = _alike(busiest, per_quarter)
        text = _t(
            "heatmap_one_unit" + ("_even" if alike else ""),
            lang,
            unit=names[0],
            meetings=meetings,
            tied=len(busiest),
            one=count(top, "meetings", lang),
            quarters=_names(busiest, lang),
            count=_each(count(top, "meetings", lang), len(busiest) > 1, lang),
        )
        return AlikeQuarters(text) if alike else text
    if len(per_unit) > kinds.MAX_UNIT_ROWS:
        return _heatmap_top_units(per_unit, names, lang)
    most, fewest, top, bottom = _extremes(per_unit["meetings"], names)
    if _alike(most, per_unit["meetings"]):
        return _t("heatmap_units_even", lang, tied=len(most), one=count(top, "meetings", lang))
    return _t(
        "heatmap_units" + _least_is_none(bottom),
        lang,
        most=_names(most, lang, "units"),
        top=_each(count(top, "meetings", lang), len(most) > 1, lang),
        fewest=_names(fewest, lang, "units"),
        bottom=_each(count(bottom, "meetings", lang), len(fewest) > 1, lang),
    )


def _heatmap_top_units(per_unit: pd.DataFrame, names: Sequence[str], lang: str) -> str:
    """The heatmap of more than ``kinds.MAX_UNIT_ROWS`` units draws only those with the most meetings
    (``kinds.heatmap_rows``, over the units in the units sheet's order, as ``per_unit`` is):
    the reading ranks the units drawn and says they are the top N of M. Read from every unit, it named the fewest,
    "Yueyang Transport Bureau (12 meetings)", a unit the picture does not show."""
    drawn = sorted(kinds.heatmap_rows(per_unit["meetings"]))  # positions, in the sheet's order
    meetings = per_unit["meetings"].iloc[drawn]
    most, fewest, top, bottom = _extremes(meetings, [names[position] for position in drawn])
    shown, units = grouped(len(drawn)), count(len(per_unit), "units", lang)
    # the units left out at the fewest's figure (a tie at the cut): "其中最少的是…" is not the fewest of the province's
    # top 20 where more held as many
    tie = kinds.heatmap_tie_words(per_unit["meetings"], lang, "export.takeaway.heatmap_tie")
    if _alike(most, meetings):
        return _t("heatmap_units_top_even", lang, shown=shown, units=units, one=count(top, "meetings", lang)) + tie
    return (
        _t(
            "heatmap_units_top" + _least_is_none(bottom),
            lang,
            shown=shown,
            units=units,
            most=_names(most, lang, "units"),
            top=_each(count(top, "meetings", lang), len(most) > 1, lang),
            fewest=_names(fewest, lang, "units"),
            bottom=_each(count(bottom, "meetings", lang), len(fewest) > 1, lang),
        )
        + tie
    )


# ---------------------------------------------------------------- issues and rectification


def _issues_by_unit_status(frame: pd.DataFrame, lang: str) -> str:
    parts = {column: int(frame[column].sum()) for column in ISSUE_STATUS_ORDER}
    total = sum(parts.values())
    counts = {
        **{name: count(n, "issues", lang) for name, n in parts.items()},
        # the bare counts of the English wording ("Of 7,220 issues, 3,615 rectified"), grouped as the cards write them
        **{f"{name}_n": grouped(n) for name, n in parts.items()},
    }
    text = _t(
        # none rectified in words (已整改0个, "0 rectified")
        "status_counts" + ("" if parts["rectified"] else "_none_rectified"),
        lang,
        total=count(total, "issues", lang),
        rate=percent(parts["rectified"], total),
        count=total,  # one issue is said as one: "1 issue raised, rectified", not "Of 1 issue, 1 rectified"
        **counts,
    )
    # 逾期未整改 on the same page counts issues in progress too: the reading says first how many are not yet
    # rectified in that sense, then which statuses they are in, and names no status that has none ("未整改0个"
    # beside 逾期未整改6个 read as if nothing were left)
    unfinished = parts["open"] + parts["in_progress"]
    if unfinished:
        # in the chart's order (未整改, then 整改中), as its legend lists them
        statuses = [name for name in ISSUE_STATUS_ORDER if name != "rectified" and parts[name]]
        key = "status_unfinished_" + ("both" if len(statuses) == 2 else statuses[0])
        # none rectified: not 其余1个 ("the rest" of one issue, nothing set aside) but 该问题正在整改中 / 2个均在整改中
        text += _t(
            key + ("_all" if not parts["rectified"] and len(statuses) == 1 else ""),
            lang,
            unfinished=count(unfinished, "issues", lang),
            unfinished_n=grouped(unfinished),
            count=unfinished,
            **counts,
        )
    pending = frame["open"] + frame["in_progress"]
    names = _unit_names(frame, lang)
    leaders, _, top, _ = _extremes(pending, names)
    # "most" says nothing when most units share it, or all of them
    if len(frame) > 1 and top > 0 and len(leaders) <= MOST_NAMED and not _alike(leaders, pending):
        drawn = _drawn_units(frame, names, ISSUE_STATUS_ORDER, lang)  # the bars: the most issues, not the most open
        text += _t(
            "status_most_pending" + _only(leaders, pending),
            lang,
            units=drawn.listed(leaders, lang),
            count=_each(count(top, "issues", lang), len(leaders) > 1, lang),
        )
        text += drawn.note(leaders, lang)
    return text


def _issues_by_source(frame: pd.DataFrame, lang: str) -> str:
    labels = [code_label_in_sentence(ISSUE_SOURCES, code, lang) for code in frame["source"]]
    return _leading(frame["issues"], labels, "issues", lang, "issue_source")


# ---------------------------------------------------------------- suggestions


def _suggestions_by_unit(frame: pd.DataFrame, lang: str) -> str:
    parts = {column: int(frame[column].sum()) for column in ADOPTION_ORDER}  # in the chart's order
    total = sum(parts.values())
    # a status with none in view is not listed, as the chart beside it neither draws nor names it
    shown = [
        _t(f"adoption_part_{name}", lang, n=grouped(n), count=count(n, "suggestions", lang))
        for name, n in parts.items()
        if n
    ]
    text = _t(
        "adoption_counts",
        lang,
        total=count(total, "suggestions", lang),
        parts=join_list(shown, lang),
        rate=percent(parts["adopted"] + parts["implemented"], total),
        **_single_suggestion(parts, lang),
    )
    names = _unit_names(frame, lang)
    leaders, _, top, _ = _extremes(frame["proposed"], names)
    if len(frame) > 1 and top > 0 and len(leaders) <= MOST_NAMED and not _alike(leaders, frame["proposed"]):
        drawn = _drawn_units(frame, names, ADOPTION_ORDER, lang)  # the bars: the most suggestions, not most waiting
        text += _t(
            "adoption_most_waiting" + _only(leaders, frame["proposed"]),
            lang,
            units=drawn.listed(leaders, lang),
            count=_each(count(top, "suggestions", lang), len(leaders) > 1, lang),
        )
        text += drawn.note(leaders, lang)
    return text


def _suggestions_by_category(frame: pd.DataFrame, lang: str) -> str:
    labels = [code_label_in_sentence(CATEGORIES, code, lang) for code in frame["category"]]
    return _leading(frame["suggestions"], labels, "suggestions", lang, "suggestion_category")


def _suggestions_by_status(frame: pd.DataFrame, lang: str) -> str:
    counts = dict(zip(frame["status"], frame["suggestions"]))
    total = frame["suggestions"].sum()
    parts = [
        _t(
            "status_part",
            lang,
            label=code_label_in_sentence(SUGGESTION_STATUSES, status, lang),
            n=grouped(counts.get(status, 0)),
            count=count(counts.get(status, 0), "suggestions", lang),
            share=percent(counts.get(status, 0), total),
        )
        for status in ADOPTION_ORDER  # in the chart's order
        if counts.get(status, 0)  # none in view: neither drawn nor listed
    ]
    return _t(
        "adoption_status",
        lang,
        total=count(total, "suggestions", lang),
        parts=join_list(parts, lang),
        rate=percent(counts.get("adopted", 0) + counts.get("implemented", 0), total),
        **_single_suggestion({status: int(counts.get(status, 0)) for status in ADOPTION_ORDER}, lang),
    )


def _single_suggestion(parts: Mapping[str, int], lang: str) -> dict[str, object]:
    """``count`` and ``single`` for a template's ``.one`` wording: one suggestion is said with its status, "1
    suggestion made, implemented", where it read "Of 1 suggestion, 1 implemented" and "Of 1 suggestion: 1 proposed
    (100.0%)"."""
    total = sum(parts.values())
    if total != 1:
        return {"count": total}
    status = next(status for status, n in parts.items() if n)
    return {"count": total, "single": _t(f"adoption_single.{status}", lang)}


def _suggestions_by_link(frame: pd.DataFrame, lang: str) -> str:
    counts = dict(zip(frame["link"], frame["suggestions"]))
    total = frame["suggestions"].sum()
    linked, standalone = int(counts.get("linked", 0)), int(counts.get("standalone", 0))
    if not linked or not standalone:  # all of one kind: 针对所指出问题提出0条（占0.0%） read as a figure to report
        key = "link_counts_linked_only" if linked else "link_counts_standalone_only"
        return _t(key, lang, total=count(total, "suggestions", lang), count=grouped(total))
    return _t(
        "link_counts",
        lang,
        total=count(total, "suggestions", lang),
        linked=count(linked, "suggestions", lang),
        linked_n=grouped(linked),
        share=percent(linked, total),
        standalone=count(standalone, "suggestions", lang),
        standalone_n=grouped(standalone),
    )


# ---------------------------------------------------------------- reminders and consultations

_FORMS = ("written", "in_person", "meeting")


def _form_totals(frame: pd.DataFrame, lang: str) -> str:
    labels = [code_label_in_sentence(REMINDER_FORMS, form, lang) for form in _FORMS]
    return _leading([frame[form].sum() for form in _FORMS], labels, "reminders", lang, "forms_leading")


def _reminders_by_quarter_form(frame: pd.DataFrame, lang: str) -> Reading:
    per_quarter = frame[list(_FORMS)].sum(axis=1)
    total = count(per_quarter.sum(), "reminders", lang)
    if len(frame) == 1:
        return _t("reminders_total", lang, total=total) + _form_totals(frame, lang)
    ranked = _whole_quarters(frame)
    if len(ranked) < 2:  # one whole quarter is no ranking (最多的是 and 最少的是 the same quarter)
        return _t("reminders_total", lang, total=total) + _form_totals(frame, lang)
    per_whole_quarter = ranked[list(_FORMS)].sum(axis=1)
    most, fewest, top, bottom = _extremes(per_whole_quarter, _quarter_names(ranked, lang))
    alike = _alike(most, per_whole_quarter)
    text = _t(
        "reminders_quarters" + ("_even" if alike else _least_is_none(bottom)),
        lang,
        total=total,
        tied=len(most),
        one=count(top, "reminders", lang),
        most=_names(most, lang),
        top=_each(count(top, "reminders", lang), len(most) > 1, lang),
        fewest=_names(fewest, lang),
        bottom=_each(count(bottom, "reminders", lang), len(fewest) > 1, lang),
    ) + _form_totals(frame, lang)
    return AlikeQuarters(text) if alike else text


def _reminders_by_unit(frame: pd.DataFrame, lang: str) -> str:
    per_unit = frame[list(_FORMS)].sum(axis=1)
    total = count(per_unit.sum(), "reminders", lang)
    names = _unit_names(frame, lang)
    if len(frame) == 1:
        return _t("reminders_one_unit", lang, unit=names[0], total=total) + _form_totals(frame, lang)
    most, _, top, _ = _extremes(per_unit, names)
    text = _t(
        "reminders_units" + ("_even" if _alike(most, per_unit) else _only(most, per_unit)),
        lang,
        total=total,
        tied=len(most),
        one=count(top, "reminders", lang),
        units=_names(most, lang, "units"),
        count=_each(count(top, "reminders", lang), len(most) > 1, lang),
    )
    silent = [name for name, n in zip(names, per_unit) if n == 0]
    if silent:
        # the bars are the units with the most reminders (so the one with most is drawn); those with none are the last
        drawn = _drawn_units(frame, names, _FORMS, lang)
        text += _t("reminders_units_none", lang, units=drawn.listed(silent, lang)) + drawn.note(silent, lang)
    return text


def _activity_totals(frame: pd.DataFrame, lang: str) -> str:
    """The kinds held, with their counts, then those not held by name (工作通报0次 read as a figure to report)."""
    totals = {kind: frame[kind].sum() for kind in _ACTIVITY_KINDS}
    held = [_t(f"activity_part.{kind}", lang, count=count(n, kind, lang)) for kind, n in totals.items() if n]
    text = _t("activity_totals", lang, parts=join_list(held, lang))
    not_held = [_t(f"activity_kind.{kind}", lang) for kind, n in totals.items() if not n]
    if not_held:
        # "no regular consultations, special study sessions or secondments", not "… or … or …"
        kinds = not_held[-1]
        if len(not_held) > 1:
            kinds = (
                _t("activity_none_separator", lang).join(not_held[:-1])
                + _t("activity_none_last_separator", lang)
                + kinds
            )
        text += _t("activity_none", lang, kinds=kinds)
    return text


def _activities_by_unit(frame: pd.DataFrame, lang: str) -> str:
    names = _unit_names(frame, lang)
    text = _activity_totals(frame, lang)
    without = [name for name, n in zip(names, frame["consultation"]) if n == 0]
    if len(without) == len(frame):  # the totals said no consultation was held: naming each unit said it twice
        return text
    if without:
        drawn = _drawn_units(frame, names, _ACTIVITY_KINDS, lang)  # the bars are the units with the most activities
        return text + _t("consulted_not", lang, units=drawn.listed(without, lang)) + drawn.note(without, lang)
    if len(frame) > 1:
        return text + _t("consulted_all", lang, units=count(len(frame), "units", lang))
    return text


def _activities_by_quarter(frame: pd.DataFrame, lang: str) -> Reading:
    text = _activity_totals(frame, lang)
    if len(frame) == 1:
        return text
    ranked = _whole_quarters(frame)
    per_whole_quarter = ranked[list(_ACTIVITY_KINDS)].sum(axis=1)
    if len(ranked) < 2 or per_whole_quarter.max() == 0:  # one whole quarter, or none busy, is no ranking
        return text
    most, _, top, _ = _extremes(per_whole_quarter, _quarter_names(ranked, lang))
    if _alike(most, per_whole_quarter):
        return AlikeQuarters(text + _t("activities_even", lang, tied=len(most), one=count(top, "activities", lang)))
    return text + _t(
        "activities_busiest",
        lang,
        quarters=_names(most, lang),
        count=_each(count(top, "activities", lang), len(most) > 1, lang),
    )


# ---------------------------------------------------------------- unit profile


def _unit_trends(frame: pd.DataFrame, lang: str) -> Reading:
    text = _t(
        "trend_totals",
        lang,
        meetings=did("meetings", frame["meetings"].sum(), lang),
        issues=did("issues", frame["issues"].sum(), lang),
        suggestions=did("suggestions", frame["suggestions"].sum(), lang),
        reminders=did("reminders", frame["reminders"].sum(), lang),
    )
    # quarters the data does not reach (before its first record, after its data date) have no figure to rank
    recorded = _whole_quarters(frame[frame["meetings"].notna()])
    if len(recorded) < 2 or recorded["meetings"].max() == 0:
        return text
    most, _, top, _ = _extremes(recorded["meetings"], _quarter_names(recorded, lang))
    if _alike(most, recorded["meetings"]):
        return AlikeQuarters(text + _t("trend_even", lang, tied=len(most), one=count(top, "meetings", lang)))
    return text + _t(
        "trend_busiest",
        lang,
        quarters=_names(most, lang),
        count=_each(count(top, "meetings", lang), len(most) > 1, lang),
    )


TAKEAWAYS: Mapping[str, Callable[[pd.DataFrame, str], Reading]] = {
    "issues_suggestions_by_unit": _issues_suggestions_by_unit,
    "meetings_by_quarter": _meetings_by_quarter,
    "issues_by_category": _issues_by_category,
    "reminders_by_form": _reminders_by_form,
    "meeting_duration_by_quarter": _meeting_duration_by_quarter,
    "meeting_shares_by_quarter": _meeting_shares_by_quarter,
    "meetings_by_unit_quarter": _meetings_by_unit_quarter,
    "issues_by_unit_status": _issues_by_unit_status,
    "issues_by_source": _issues_by_source,
    "suggestions_by_unit": _suggestions_by_unit,
    "suggestions_by_category": _suggestions_by_category,
    "suggestions_by_status": _suggestions_by_status,
    "suggestions_by_link": _suggestions_by_link,
    "reminders_by_quarter_form": _reminders_by_quarter_form,
    "reminders_by_unit": _reminders_by_unit,
    "activities_by_unit": _activities_by_unit,
    "activities_by_quarter": _activities_by_quarter,
    "unit_trends": _unit_trends,
}


def takeaway(spec: charts.ChartSpec, frame: pd.DataFrame, lang: str) -> str | None:
    """The one-line reading of ``spec``'s chart for this data; None for a chart that has no reading of its own."""
    lang = i18n.normalise_language(lang)
    builder = TAKEAWAYS.get(spec.key)
    if builder is None:
        return None
    if charts.is_empty(frame, spec.value_columns):
        return _t("no_data", lang) + _t("end", lang)
    frame = _known(_reached(frame), spec.value_columns)
    # every builder writes one sentence without its full stop, so pieces join without doubled punctuation
    reading = builder(frame, lang)
    compared_unnamed = isinstance(reading, AlikeQuarters)
    text = reading.text if isinstance(reading, AlikeQuarters) else reading
    text = text[:1].upper() + text[1:]  # "the General Office … held 4 meetings" opens a sentence
    if spec.selects_unit:  # bars per unit: the units tied at the cut that the picture has no rows for
        text += kinds.tie_in_rest_note(frame, spec.value_columns, lang, "export.takeaway.tie_in_rest")
    text += _cut_quarters_note(frame, text, lang, compared_unnamed)
    end = _t("end", lang)
    # a sentence ending in a short name's own full stop ("… with Big Data Admin.") takes no second one
    return text if end == "." and text.endswith(".") else text + end


def _row_quarters(frame: pd.DataFrame) -> list[Quarter]:
    if "quarter_key" in frame.columns:
        return [Quarter(int(key) // 10, int(key) % 10) for key in frame["quarter_key"]]
    return [Quarter(int(y), int(q)) for y, q in zip(frame["year"], frame["quarter"])]


def _reached(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of quarters the data reaches: one that starts after the data date has no figure (its chart says
    尚无数据, no bar), not a zero to rank — a reading named 2020年第4季度 among the quarters with the fewest
    reminders (0 each) beside a chart that marks it as not yet recorded."""
    if "through_day" not in frame.columns or frame.empty:
        return frame
    reached = [
        quarter.reached_by(through) in ("to_date", "whole")
        for through, quarter in zip(frame["through_day"], _row_quarters(frame))
    ]
    return frame[reached]


def _known(frame: pd.DataFrame, value_columns: Sequence[str]) -> pd.DataFrame:
    """Without the quarters before the data start: the query leaves their figures blank (unknown, not zero), and a
    reading that summed them as 0 named 2020年第3季度、2020年第4季度 among the quarters with the fewest reminders
    (各0次) beside a chart with no bar there."""
    columns = [column for column in value_columns if column in frame.columns]
    if "through_day" not in frame.columns or frame.empty or not columns:
        return frame
    return frame[frame[columns].notna().any(axis=1)]


def _whole_quarters(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows a reading ranks quarters by: the whole quarters, where there are any beside one the data stop inside.
    Six weeks of 2020 Q3 were read out as 最少的是2020年第3季度（3次）, a footnote after; a quarter under way is not
    the fewest of anything yet (``_cut_quarters_note`` says it was left out). One whole quarter is not a ranking:
    最多的是2022年第1季度（0次），最少的是2022年第1季度（0次）, its one reminder in the quarter under way, left out; so
    with fewer than two whole quarters every quarter reached is ranked, the one under way named with its cut."""
    if "through_day" not in frame.columns or frame.empty:
        return frame
    quarters = _row_quarters(frame)
    whole = [quarter.reached_by(through) == "whole" for through, quarter in zip(frame["through_day"], quarters)]
    # counted by quarter, not by row: the heatmap's frame has a row per unit and quarter
    whole_quarters = {quarter for quarter, is_whole in zip(quarters, whole) if is_whole}
    return frame[whole] if len(whole_quarters) >= 2 else frame


def _cut_quarters_note(frame: pd.DataFrame, text: str, lang: str, compared_unnamed: bool = False) -> str:
    """For each quarter the data stop inside: ``；2020年第3季度统计至8月14日`` where the reading names it (the chart's
    tick says （截至8月14日）, and a reading that named it without it compared 45 days with whole quarters), or
    ``…，未列入比较`` where the reading ranks the other quarters without it (``_whole_quarters``)."""
    if "through_day" not in frame.columns:
        return ""
    quarters = list(_row_quarters(frame))
    # a reading that compared quarters says which it left out, whether it named them or found them all alike
    named_any = compared_unnamed or any(i18n.quarter_label(quarter, lang) in text for quarter in quarters)
    # a quarter under way is left out of a ranking only beside two whole quarters or more (``_whole_quarters``);
    # with fewer it was ranked with them, and "未列入比较" (not compared) under 最多的是2020年第2季度 was untrue
    whole = {
        quarter for through, quarter in zip(frame["through_day"], quarters) if quarter.reached_by(through) == "whole"
    }
    left_out = len(whole) >= 2
    notes: dict[str, tuple[str, date]] = {}  # by label: a quarter named once, whatever number of rows (units) it has
    for through, quarter in zip(frame["through_day"], quarters):
        label = i18n.quarter_label(quarter, lang)
        if quarter.reached_by(through) != "to_date":
            continue
        if label in text:
            notes.setdefault(label, ("quarter_cut", pd.Timestamp(through).date()))
        elif named_any:
            key = "quarter_cut_unranked" if left_out else "quarter_cut"
            notes.setdefault(label, (key, pd.Timestamp(through).date()))
    return "".join(_t(key, lang, quarter=label, **i18n.day_parts(day)) for label, (key, day) in notes.items())
