"""The unit profile: one unit beside the average of all units, or up to four units side by side, each in its own
column of the same cards, with one small trend chart per measure and a line per unit."""

from __future__ import annotations

import dataclasses

import streamlit as st

from oversight.charts import catalog
from oversight.core import i18n, safe_text
from oversight.core.numbers import grouped
from oversight.export import data_files
from oversight.present import compare, kpis, tables
from oversight.ui import session
from oversight.ui.cards import chart_grid, figure_card, for_unit, kpi_card, kpi_row, table_card
from oversight.ui.page import Page

_REFUSED_KEY = "oversight.profile_refused"  # the fifth unit someone tried to add, said once on the next run
_PICKER_VERSION = "oversight.profile_picker_version"
LATEST_MEETINGS = 10  # the latest meetings listed under a unit's cards


def shown_units(page: Page) -> compare.ProfileUnits:
    """The units the profile shows: the filter's, at most four; with none chosen, the first unit listed."""
    return compare.profile_units(page.filter.units, page.span.unit_ids)


def _on_pick(widget_key: str) -> None:
    chosen = list(st.session_state[widget_key])
    if compare.too_many(chosen):
        # refused: the filter keeps its units, and a fresh widget shows them again
        st.session_state[_REFUSED_KEY] = True
        st.session_state[_PICKER_VERSION] = st.session_state.get(_PICKER_VERSION, 0) + 1
        return
    session.set_filter(st.session_state[session.FILTER_KEY].with_units(chosen))


def unit_picker(page: Page, shown: compare.ProfileUnits) -> None:
    """Choose the units to show; they become the dashboard's unit filter (so they follow to other pages and
    into the URL). Merely opening the page narrows nothing. A unit account is offered its own units only."""
    if st.session_state.pop(_REFUSED_KEY, False):
        st.warning(page.t("profile.too_many", max=compare.MAX_COMPARED, count=compare.MAX_COMPARED + 1))
    if shown.left_out:  # more units in the filter (sidebar, URL) than the profile compares
        st.warning(page.t("profile.left_out", max=compare.MAX_COMPARED, units=page.unit_names_text(shown.left_out)))
    options = list(page.span.unit_ids)
    if len(options) < 2:  # an account that sees one unit has nothing to choose or compare
        return
    # rebuilt when the filter changes elsewhere, or after a refusal
    key = f"widget.profile_units.{st.session_state.get(_PICKER_VERSION, 0)}.{','.join(shown.shown)}"
    st.multiselect(
        page.t("profile.pick_units", max=compare.MAX_COMPARED),
        options,
        default=list(shown.shown),
        format_func=page.unit_label,
        key=key,
        help=page.t("profile.pick_units_help"),
        on_change=_on_pick,
        args=(key,),
        select_all=False,  # "select all" would ask for every unit, which a comparison of four always refuses
    )


def one_unit(page: Page, unit_id: str) -> None:
    """One unit's cards beside the average of all units, its trends, open issues and latest meetings."""
    unit_name = page.unit_name(unit_id)
    beside = catalog.unit_beside_average(page.query("unit_metrics"), unit_id)
    kpi_row(kpis.unit_profile_kpis(beside, page.lang, unit_name, with_average=page.sees_all_units))
    unit_page = for_unit(page, unit_id)  # its downloads are named after the unit they show, and audited as such
    if page.sees_all_units:  # a unit account must not be able to work the totals out from the average
        figure_card(
            unit_page,
            "unit_vs_average",
            # the legend names it as the charts do (英文简称 in English): the full name ran off a phone's card
            catalog.make_unit_vs_average_figure(beside, page.lang, page.unit_label(unit_id)),
            lambda: data_files.unit_vs_average_table(beside, page.lang, unit_name),
        )
    chart_grid(unit_page, catalog.UNIT_PROFILE_CHARTS, columns=1)
    _tables(page, unit_page)


def side_by_side(page: Page, unit_ids: tuple[str, ...]) -> None:
    """Each unit a column of the same cards (its own values and its gap to the all-unit average), then one small
    trend chart per measure with a line per unit, then the open issues and latest meetings of these units."""
    metrics = page.query("unit_metrics")
    if page.sees_all_units:  # the same average under every column would only repeat itself: said once, here
        averages = kpis.all_unit_averages(catalog.unit_beside_average(metrics, unit_ids[0]), page.lang)
        st.caption(page.t("profile.averages", figures=i18n.listed(averages, page.lang)))
    for column, unit_id in zip(st.columns(len(unit_ids)), unit_ids):
        unit_name = page.unit_name(unit_id)
        beside = catalog.unit_beside_average(metrics, unit_id)
        with column, st.container(key=f"profile_column_{unit_id}"):
            # the column's head: a short name, on at most two lines the same height in every column, so each
            # measure's card sits level with its neighbours; the full name on hover
            with st.container(key=f"profile_head_{unit_id}"):
                short = page.unit_short_name(unit_id)
                st.markdown(
                    f"**{safe_text.markdown(short)}**",
                    help=safe_text.markdown(unit_name) if short != unit_name else None,
                )
            cards = kpis.unit_profile_kpis(beside, page.lang, unit_name, with_average=page.sees_all_units)
            for card in cards:  # stacked: one column per unit, the same measure at the same height in each
                kpi_card(st, dataclasses.replace(card, secondary=None))
    trends = compare.trends_side_by_side(
        lambda unit_id: page.query("trends_by_quarter", page.filter.with_units([unit_id])), unit_ids, page.units
    )
    # the units shown (not a fifth the filter also holds): the downloads' names and audit line, and the lists
    shown_page = dataclasses.replace(page, filter=page.filter.with_units(unit_ids))
    figure_card(
        shown_page,
        "compared_trends",
        catalog.make_compared_trends_figure(trends, page.lang),
        lambda: data_files.compared_trends_table(trends, page.lang),
    )
    _tables(page, shown_page, with_unit=True)


def _tables(page: Page, unit_page: Page, *, with_unit: bool = False) -> None:
    unit = (tables.UNIT_COLUMN,) if with_unit else ()
    table_card(
        unit_page,
        "table.unresolved_issues",
        tables.present(
            unit_page.query("unresolved_issues"), tables.unresolved_columns(with_unit), page.lang, page.units
        ),
        empty_key="empty.no_unresolved",  # whenever raised: not "nothing in the period"
    )
    latest = unit_page.query_with("latest_meetings", limit=LATEST_MEETINGS)
    table_card(
        unit_page,
        "table.latest_meetings",
        tables.present(latest, unit + tables.MEETING_COLUMNS, page.lang, page.units),
        row_count=_latest_meetings_count(page, unit_page, len(latest)),
    )


def _latest_meetings_count(page: Page, unit_page: Page, shown: int) -> str | None:
    """The caption of a list cut at the latest ten: the period's meetings of these units (the 会议数量 card's count,
    from the same ``unit_metrics`` rows) beside how many are listed; None (共 N 条) where the list is all of them."""
    metrics = page.query("unit_metrics")
    held = int(metrics.loc[metrics["unit_id"].isin(unit_page.filter.units), "meetings"].sum())
    return page.t("table.latest_meetings_capped", count=grouped(held), shown=shown) if held > shown else None


def unit_profile(page: Page) -> None:
    shown = shown_units(page)
    unit_picker(page, shown)
    if shown.compares:
        side_by_side(page, shown.shown)
    else:
        one_unit(page, shown.shown[0])
