"""The written summary: sentences in the register of the team's own reports, generated from the figures.

The numbers are the Overview's own (``kpi_totals`` for the filter and for the
year before, rounded as ``kpis`` rounds them), so what the report says and
what the dashboard shows always agree.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pandas as pd

from oversight import config
from oversight.contract.schema import CATEGORIES, REMINDER_FORMS
from oversight.core import i18n
from oversight.core.numbers import grouped, plain
from oversight.data.filters import DataSpan, Filter, Quarter, same_day_years_earlier
from oversight.present.kpis import percent_change, rate, round_half_up

QueryRunner = Callable[[str, Filter], pd.DataFrame]


@dataclass(frozen=True)
class Figures:
    """Everything the summary and the briefing's key-figure slide read, fetched once."""

    filter: Filter
    current: Mapping[str, float]
    previous: Mapping[str, float] | None  # the same span a year earlier; None where the data does not cover it
    meetings: pd.DataFrame  # meetings_by_quarter
    reminders: pd.DataFrame  # reminders_by_form
    categories: pd.DataFrame  # issues_by_category
    data_start: Quarter | None = None  # the quarter of the first record: says why a year earlier is not compared


def gather_figures(run_query: QueryRunner, filter_: Filter) -> Figures:
    # the same rules as the cards: as of the data date, and a year earlier only where the data covers it
    span = DataSpan.from_row(run_query("data_span", filter_).iloc[0].to_dict())
    filter_ = span.resolve(filter_)
    earlier = span.year_earlier(filter_)
    return Figures(
        filter_,
        run_query("kpi_totals", filter_).iloc[0].to_dict(),
        None if earlier is None else run_query("kpi_totals", earlier).iloc[0].to_dict(),
        run_query("meetings_by_quarter", filter_),
        run_query("reminders_by_form", filter_),
        run_query("issues_by_category", filter_),
        span.first,
    )


# ---------------------------------------------------------------- wording helpers, shared with the takeaways


def count(n: float | int | Decimal, noun: str, lang: str) -> str:
    """``16个`` / ``16 issues``: the number with its measure word or (singular or plural) noun."""
    form = "one" if n == 1 else "other"
    # grouped as the cards and the charts' labels write it (a province's "266394 meetings" beside a card's 266,394),
    # without a whole number's ".0" (平均时长74分钟)
    return i18n.t(f"export.count.{noun}.{form}", lang, n=plain(n, 1, grouping=True))


def did(noun: str, n: float | int, lang: str) -> str:
    """What was done, or plainly that it was not: ``指出问题3个`` / ``未指出问题``; in English the noun phrase the
    sentence's verb takes (``3 issues`` / ``no issues``). A briefing read 指出问题0个 and "raised 0 issues"."""
    return i18n.t(f"export.did.{noun}" + (".none" if n == 0 else ""), lang, count=count(n, noun, lang))


def join_list(items: Sequence[str], lang: str) -> str:
    """``a、b、c`` / ``a, b and c``."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return i18n.listed(items[:-1], lang) + i18n.t("export.list.last_separator", lang) + items[-1]


def date_text(day: date, lang: str) -> str:
    """``2024年8月14日`` / ``14 August 2024``."""
    return i18n.t(
        "export.date.long", lang, year=day.year, month=day.month, day=day.day, month_name=calendar.month_name[day.month]
    )


def to_date_note(filter_: Filter, lang: str, compared: bool) -> str | None:
    """What the figures run to, under a page's caption and in a pack's key figures: nothing yet where the range
    starts after the data date; where it runs past it, the day, and (``compared``: the page compares with the year
    before and the data cover it) the same day a year earlier the 同比 stops at. None for a range the data cover."""
    as_of = filter_.as_of
    if filter_.is_not_begun:
        return i18n.t("app.not_begun_note", lang, date=date_text(as_of, lang))
    if not filter_.is_to_date:
        return None
    # a link's day (``day=``, a pushed digest's) before the data date: "所选期间止于数据日期之后" was not so
    key = "app.day_note" if filter_.is_at_chosen_day else "app.to_date_note"
    return i18n.t(
        key if compared else f"{key}_no_comparison",
        lang,
        date=date_text(as_of, lang),
        earlier=date_text(same_day_years_earlier(as_of), lang),
    )


def partly_covered_year_note(filter_: Filter, span: DataSpan, lang: str) -> str | None:
    """Where the span a year earlier begins before the data and ends inside them (2019年第4季度至2020年第4季度: the
    year before runs from 2018年第4季度, and the data from 2019年第1季度), every card reads 无可比数据 although
    part of that year is in the data: the caption says why (口径说明: a span partly before the data is not compared
    at all, not by its overlapping quarters). None where the year before is covered, or wholly before the data."""
    if filter_.is_not_begun or span.year_earlier(filter_) is not None or not _begins_before(filter_, span.first):
        return None
    return i18n.t(
        "app.year_before_partly_covered",
        lang,
        period=i18n.span_label(filter_.previous_year(), lang),
        start=i18n.quarter_label(span.first, lang),
    )


def figure_notes(filter_: Filter, span: DataSpan, lang: str, compares_year: bool = True) -> list[str]:
    """The lines under a page's caption that say what its cards are counted to and compared with, and the same lines
    under the pack's key figures: what the figures run to (``to_date_note``) and, where the year before is partly
    before the data, why every card reads 无可比数据 (``partly_covered_year_note``). ``compares_year=False`` for a view
    whose cards compare no year before (the unit profile's compare a unit with the units' average). The pack's key
    figures said 无可比数据 six times without the reason the page gave under its title."""
    compared = compares_year and span.year_earlier(filter_) is not None
    notes = [to_date_note(filter_, lang, compared)]
    if compares_year:
        notes.append(partly_covered_year_note(filter_, span, lang))
    return [note for note in notes if note]


def _begins_before(filter_: Filter, data_start: Quarter | None) -> bool:
    """Whether the span a year earlier begins before the data start and ends inside the data."""
    earlier = filter_.previous_year()
    return data_start is not None and earlier.start < data_start <= earlier.end


def opening(filter_: Filter, lang: str) -> str:
    """``今年以来，`` for the whole of the year under way, as the source article writes; ``2020年，`` for another
    whole year (a 2020 report made in 2026 said 今年以来, since the start of this year); otherwise the quarters."""
    # a span to date says so: 2020年，指出问题11个 over figures that stop on 14 August read as the whole year's
    to_date = filter_.is_to_date and not filter_.is_not_begun
    if filter_.is_whole_year:
        today = config.team_now().date()
        if filter_.start.year == today.year:
            # 今年以来 is to today: to a data date before it (ledgers last imported in August, read out in November)
            # the day is named, or 今年以来，指出问题11个 claimed the months since
            if to_date and filter_.as_of < today:
                return i18n.t(
                    "export.summary.opening_this_year_to_date",
                    lang,
                    year=filter_.start.year,
                    **i18n.day_parts(filter_.as_of),
                )
            return i18n.t("export.summary.opening_this_year", lang, year=filter_.start.year)
        key = "export.summary.opening_year_to_date" if to_date else "export.summary.opening_year"
        return i18n.t(key, lang, year=filter_.start.year, **(i18n.day_parts(filter_.as_of) if to_date else {}))
    start = i18n.quarter_label(filter_.start, lang)
    end = i18n.quarter_label(filter_.end, lang)
    if to_date:  # the cut after the last quarter, as the pack's period gives it (with the year where it differs)
        end = i18n.to_date_label(end, filter_.as_of, lang, with_year=filter_.as_of.year != filter_.end.year)
    if filter_.start == filter_.end:
        return i18n.t("export.summary.opening_single", lang, start=end)
    return i18n.t("export.summary.opening_range", lang, start=start, end=end)


def code_label_in_sentence(choices: Mapping[str, str], code: str, lang: str) -> str:
    """An enumeration code's label as a sentence uses it: ``整改中`` / ``in progress`` (``i18n.code_label`` gives
    the label that stands alone, as in a table cell: ``In progress``). Lower case changes no Chinese character."""
    return i18n.choice_label(dict(choices), code, lang).lower()


# ---------------------------------------------------------------- the three paragraphs, one per mechanism


def _consultation_key(units_consulted: float, one_unit: bool) -> str:
    """The opening sentence's wording: of one unit chosen, 该单位 by name of its role (与1家综合监督单位 read as if
    one of many); none consulted said plainly (与0家综合监督单位…开展定期会商 claimed a consultation)."""
    if not units_consulted:
        return "export.summary.consultation_no_the_unit" if one_unit else "export.summary.consultation_no"
    if one_unit:
        return "export.summary.consultation_the_unit"
    return "export.summary.consultation_one" if units_consulted == 1 else "export.summary.consultation"


def _consultation(figures: Figures, lang: str) -> str:
    now, before = figures.current, figures.previous
    if not (now["units_consulted"] or now["issues"] or now["suggestions"]):
        # "consulted 0 units, raised 0 issues" reads like a fault; say plainly that nothing was recorded.
        return i18n.t("export.summary.consultation_none", lang, opening=opening(figures.filter, lang))
    text = i18n.t(
        _consultation_key(now["units_consulted"], one_unit=len(figures.filter.units) == 1),
        lang,
        opening=opening(figures.filter, lang),
        units=count(now["units_consulted"], "units", lang),
        issues=did("issues", now["issues"], lang),
        suggestions=did("suggestions", now["suggestions"], lang),
    )
    rate_now = rate(now["issues_rectified"], now["issues"])
    if rate_now is not None:
        text += i18n.t(
            # none in words: 尚无问题整改完成, not 已整改问题0个 ("0 issues had been rectified")
            "export.summary.rectification" + ("" if now["issues_rectified"] else ".none"),
            lang,
            period_end=date_text(figures.filter.as_of, lang),
            rectified=count(now["issues_rectified"], "issues", lang),
            rate=round_half_up(rate_now, 1),
        )
        rate_before = None if before is None else rate(before["issues_rectified"], before["issues"])
        if rate_before is not None:
            text += i18n.t("export.summary.rectification_prev", lang, rate=round_half_up(rate_before, 1))
        text += i18n.t("export.summary.sentence_end", lang)
    categories = figures.categories
    if not categories.empty and categories["issues"].max() > 0:
        most = categories["issues"].max()
        # every category at the top is named: picking one of a tie would read as if it led alone
        leaders = [
            code_label_in_sentence(CATEGORIES, code, lang)
            for code in categories.loc[categories["issues"] == most, "category"]
        ]
        # every category with an issue holds as many: an even spread, not several "most common" ones
        even = len(leaders) > 1 and len(leaders) == int((categories["issues"] > 0).sum())
        key = "top_category" if len(leaders) == 1 else "top_categories_even" if even else "top_categories_tie"
        if int((categories["issues"] > 0).sum()) == 1:
            # every issue of one category: "最多" of a single category read out over one issue (作风建设方面问题最多，共1个)
            key = "only_category" if most > 1 else "only_category_single"
        text += i18n.t(
            f"export.summary.{key}",
            lang,
            category=join_list(leaders, lang),
            count=count(most, "issues", lang),
            tied=len(leaders),
            total=grouped(most),
        )
    return text


def _collaboration(figures: Figures, lang: str) -> str:
    # of one unit, "the unit's" (该单位): 与综合监督单位机关纪委 read as if of many units
    key = "export.summary.studies_one_unit" if len(figures.filter.units) == 1 else "export.summary.studies"
    studies = figures.current["special_studies"]
    text = i18n.t(key + ("_none" if studies == 0 else ""), lang, studies=count(studies, "special_study", lang))
    reminders = figures.reminders
    total = int(reminders["reminders"].sum()) if not reminders.empty else 0
    if total:
        forms = [
            i18n.t(
                "export.summary.reminder_form",
                lang,
                label=code_label_in_sentence(REMINDER_FORMS, form, lang),
                n=grouped(n),
            )
            for form, n in zip(reminders["form"], reminders["reminders"])
        ]
        text += i18n.t(
            # one form: 以书面提醒方式开展日常提醒1次, not 采取书面提醒1次等方式 (等, "and other ways", of one form)
            "export.summary.reminders" if len(forms) > 1 else "export.summary.reminders_one_form",
            lang,
            form=code_label_in_sentence(REMINDER_FORMS, reminders["form"].iloc[0], lang),
            forms=i18n.listed(forms, lang),
            total=count(total, "reminders", lang),
        )
    return text + i18n.t("export.summary.sentence_end", lang)


def _meetings(figures: Figures, lang: str) -> str:
    now, before = figures.current, figures.previous
    if not now["meetings"]:
        return i18n.t("export.summary.no_meetings", lang)
    one_unit = len(figures.filter.units) == 1  # "the units held 18 meetings" read oddly of one unit
    key = "export.summary.meetings_one_unit" if one_unit else "export.summary.meetings"
    text = i18n.t(key, lang, meetings=count(now["meetings"], "meetings", lang))
    if before is None and _begins_before(figures.filter, figures.data_start):
        # part of that year is in the data: 上年同期无可比数据 read as if it held nothing
        text += i18n.t("summary.no_comparison_partly", lang, start=i18n.quarter_label(figures.data_start, lang))
    elif before is None:
        text += i18n.t("summary.no_comparison", lang)
    change = None if before is None else percent_change(now["meetings"], before["meetings"])
    if change is not None and before is not None:
        rounded = round_half_up(change, 1)
        key = "down" if rounded < 0 else "up" if rounded > 0 else "same"
        text += i18n.t(
            f"export.summary.meetings_{key}",
            lang,
            percent=abs(rounded),
            previous=count(before["meetings"], "meetings", lang),
        )
    minutes_now = now.get("avg_duration_min")
    if minutes_now is not None and not pd.isna(minutes_now):
        shown_now = round_half_up(minutes_now, 1)
        text += i18n.t("export.summary.duration", lang, minutes=count(shown_now, "minutes", lang))
        minutes_before = None if before is None else before.get("avg_duration_min")
        if minutes_before is not None and not pd.isna(minutes_before):
            # The difference of the means, rounded once, as the 平均会议时长 card's 同比 says it: the difference of
            # the rounded means said 缩短39分钟 beside a card's -38.9分钟 (data to 14 August: 73.345 against 112.28)
            difference = round_half_up(minutes_before - minutes_now, 1)
            if difference:
                key = "shorter" if difference > 0 else "longer"
                text += i18n.t(f"export.summary.duration_{key}", lang, minutes=count(abs(difference), "minutes", lang))
    meetings = figures.meetings
    # each practice said in words where no meeting had it: 纪检监察组列席0次 and "it attended 0 meetings" read as
    # figures to report
    practice = {}
    for column in ("merged", "prereviewed", "attended"):
        n = int(meetings[column].sum())
        key = f"export.summary.practice.{column}" + (".none" if n == 0 else "")
        # count: "1 meeting was merged", not "were"
        practice[column] = i18n.t(key, lang, count=n, meetings=count(n, "meetings", lang))
    return text + i18n.t("export.summary.meeting_practice", lang, **practice)


def summary_paragraphs(figures: Figures, lang: str) -> list[str]:
    """Three paragraphs: consultation (issues, suggestions), collaboration (studies, reminders), meetings."""
    lang = i18n.normalise_language(lang)
    return [_consultation(figures, lang), _collaboration(figures, lang), _meetings(figures, lang)]


def written_summary(run_query: QueryRunner, filter_: Filter, lang: str) -> list[str]:
    """The report's opening paragraphs for the filter; ``run_query(name, filter)`` returns a query's frame."""
    return summary_paragraphs(gather_figures(run_query, filter_), lang)
