"""The cards a page is made of: key figures, chart cards with their audited download menu, tables; and a click
on a unit's bar narrowing the dashboard to it."""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Mapping

import pandas as pd
import streamlit as st

from oversight import charts
from oversight.auth import audit, roles
from oversight.core import atomic, i18n, safe_text
from oversight.core.numbers import grouped, is_missing
from oversight.export import card_downloads, data_files, marking, names, rendering
from oversight.present import drill
from oversight.present.kpis import Kpi
from oversight.ui import chart_view, download_errors, drill_dialog, grid, partial_runs, session, setup_problems, sign_in
from oversight.ui.page import Page


def kpi_card(container, card: Kpi) -> None:
    """One key figure, bordered, with its comparison and, under it and inside the same border, its secondary line
    (环比 …, 全部单位平均 …): under the border it stood between two rows of a phone's grid, belonging to neither."""
    if card.secondary:
        container = container.container(border=True, gap=None)
    # a help text may name a unit (the profile's "compared with the average of …"): data, so escaped
    container.metric(
        card.label,
        card.display,
        card.delta,
        # Grey, every card: the arrow and the sign carry the direction. Streamlit's green up and red down judged
        # figures the team does not judge (more issues found, more reminders: neither good nor bad), read backwards
        # to a Chinese reader (red is the rise), and were one olive to a red-green colour-blind reader (Streamlit's
        # delta green and red, as the browser computes them, differ by a CIEDE2000 of 3.5 to a protanope on the light
        # page, 6.1 to a deuteranope on the dark one: tests/colour_vision.py). Where the team
        # does judge, it says so in words: the 预警 strip names the overdue issues, the takeaways the quarters with
        # fewer meetings than a year before.
        delta_color="off",
        help=safe_text.markdown(card.help),
        border=not card.secondary,
        delta_arrow=card.delta_arrow,
        delta_description=card.basis,
    )
    if card.secondary:
        container.caption(safe_text.kept_together(card.secondary))


def named_for_screen_readers(shown: str, what: str) -> str:
    """A button's label: ``shown`` on the screen, where the card around the button says what it is for, and ``shown
    what`` to a screen reader, which lists a page's buttons by name alone (app.css hides the emphasised words from
    the eye only). A page's four or five 下载 were as many buttons named 下载, its two 查看清单 two of one name."""
    return f"{shown} *{safe_text.markdown(what)}*"


def download_menu(page: Page, what: str):  # noqa: ANN201 — Streamlit's popover container
    """The 下载 menu of a chart or a table, named to a screen reader by ``what`` it downloads."""
    return st.popover(named_for_screen_readers(page.t("download.menu"), what), icon=":material/download:")


def kpi_row(cards: list[Kpi], page: Page | None = None, lists: Mapping[str, drill.ListBehind] | None = None) -> None:
    """The key figures; a card named in ``lists`` (``drill.ISSUE_CARDS`` …) has a 查看清单 button under it that
    opens the list it counts."""
    lists = lists or {}
    # One row of columns; assets/app.css wraps five or more cards three to a row (two on a phone), so no value
    # is cut and a phone shows a compact grid.
    for column, card in zip(st.columns(len(cards)), cards):
        kpi_card(column, card)
        if page is not None and card.key in lists:
            column.button(
                named_for_screen_readers(page.t("drill.open"), card.label),
                key=f"drill.card.{card.key}",
                icon=":material/list:",
                type="tertiary",
                help=page.t(_list_help_key(page, card), what=card.label),
                on_click=drill_dialog.request,
                args=(lists[card.key].key,),
                # a card of 0 opened an empty list; the button stays (greyed) so the cards' rows keep one height
                disabled=_counts_nothing(card),
            )
    if page is not None and lists:
        drill_dialog.open_if_requested(page, {behind.key for behind in lists.values()})


def _counts_nothing(card: Kpi) -> bool:
    return is_missing(card.value) or card.value == 0


def _list_help_key(page: Page, card: Kpi) -> str:
    """The 查看清单 button's tooltip: an empty list is said to be empty, and an account that may not download is
    not promised a download (a unit account's tooltip said 可下载)."""
    if _counts_nothing(card):
        return "drill.open_empty_help"
    return "drill.open_help" if page.can_download else "drill.open_help_no_download"


def _click_action(spec: charts.ChartSpec):  # noqa: ANN202 — (on_points callback, hint key) or None
    """What a click on a bar does: a unit's bar narrows the dashboard to it; a bar that stands for a code
    (``drill.BY_CHART``) opens the list behind it; other charts take no clicks."""
    if spec.selects_unit:
        return _narrow_to_clicked_unit, "chart.click_hint"
    if spec.key in drill.BY_CHART:
        return functools.partial(drill_dialog.request_from_click, spec.key), "drill.click_hint"
    return None


def chart_card(page: Page, spec: charts.ChartSpec) -> None:
    """One chart in a bordered card, or a translated "no data" note where the selection has nothing."""
    frame = page.query(spec.query)
    with st.container(border=True):
        if charts.is_empty(frame, spec.value_columns):
            st.markdown(f"**{spec.title(page.lang)}**")
            st.info(page.in_view(spec.empty_key))
            return
        figure = spec.build(frame, page.lang)
        alt = _chart_alt(page, spec, frame)
        context = page.export_context
        # no camera in the modebar: images leave through the 下载 menu, marked and audited
        config = names.plotly_config(page.lang)
        click = _click_action(spec)
        if click is None:
            chart_view.show(figure, key=f"chart.{spec.key}", config=config, lang=page.lang, alt=alt)
        else:
            on_points, hint_key = click
            key = f"chart.{spec.key}.{st.session_state.get(session.SELECTION_VERSION, 0)}"
            chart_view.show(figure, key=key, config=config, lang=page.lang, on_points=on_points, alt=alt)
            # an account without downloads is not promised one (a unit account's hint said 可下载)
            st.caption(page.t(hint_key if page.can_download else f"{hint_key}_no_download"))
            if not spec.selects_unit:
                drill_dialog.open_if_requested(page, {spec.key})
        if page.can_download:
            _download_row(
                page, spec.key, spec.title(page.lang), card_downloads.chart_downloads(spec, frame, figure, context)
            )


def _chart_alt(page: Page, spec: charts.ChartSpec, frame: pd.DataFrame) -> str:
    """What a screen reader says for the chart: its title and the reading the briefing pack prints under it."""
    return _alt_for(spec, spec.key, frame, page.lang)


# kept per chart, data and language: the reading took a fifth of the chart's own build on every rerun (a filter
# change, a click), 2-40 ms a chart
@st.cache_data(max_entries=512, show_spinner=False)
def _alt_for(_spec: charts.ChartSpec, key: str, frame: pd.DataFrame, lang: str) -> str:
    from oversight.briefing import takeaways

    reading = takeaways.takeaway(_spec, frame, lang)
    title = _spec.title(lang)
    return i18n.t("chart.alt", lang, title=title, reading=reading) if reading else title


# What a download holds, for its audit line: what the page's filter shows, a ledger whole (every unit and day, the
# data page's), or a template (no data). A ledger's line said "units [research], 2020Q3" over all 27 issues.
FILTERED, WHOLE_LEDGER, TEMPLATE = "filtered", "whole_ledger", "template"


class DownloadRefused(Exception):
    """A download's maker declining to make its file, with the audit log's reason (``auth.audit.value.reason.*``)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def audited(  # noqa: ANN201 — Streamlit's deferred download data
    page: Page,
    file_name: str,
    make,
    made_with: marking.Marking | None = None,
    *,
    holds: str = FILTERED,
    conditions: Mapping[str, object] | None = None,
):
    """The bytes of a download, with an audit line saying who took what, what it holds (``holds``: the filter's
    view, a whole ledger or a template), and the marking and watermark the file carries: ``made_with`` (a pack built
    on an earlier run carries that run's; ``marking.NO_MARKING`` for a file that carries none, as CSV and Excel
    files do, whose line then claims none)."""
    made_with = page.marking if made_with is None else made_with
    # read now: the bytes are made later, on Streamlit's media request, outside this session's context
    address = sign_in.client_address()
    sign_in_ended = sign_in.sign_in_ended(page.account)

    def make_and_record() -> bytes:
        # removed, demoted or signed out in another tab since the page was drawn: no file, and the log says why
        ended = sign_in_ended()
        if ended is not None:
            audit.record("refused", account=page.account, address=address, details={"reason": ended, "file": file_name})
            raise PermissionError(f"the sign-in ended since the page was drawn ({ended})")
        try:
            data = make() if callable(make) else make
        except DownloadRefused as refused:  # no file: the log says which and why, as for an ended sign-in
            audit.record(
                "refused", account=page.account, address=address, details={"reason": refused.reason, "file": file_name}
            )
            raise
        details: dict[str, object] = {"file": file_name}
        if holds == FILTERED:
            details["filter"] = audit.describe_filter(page.scoped_filter)
        else:
            details["holds"] = holds
        if conditions:  # what narrowed a list that is not the page's filter (the audit log's account, dates …)
            details["conditions"] = dict(conditions)
        details |= made_with.audit_details
        audit.record("download", account=page.account, address=address, details=details)
        return data

    return make_and_record


# How long a PNG or SVG click waits for the image browser: its start is 2–3 s, but took the whole minute of
# browser_thread.START_TIMEOUT_SECONDS on a loaded machine, a minute of a spinning button and nothing said.
IMAGE_CLICK_WAIT_SECONDS = 15


def image_click(page: Page, make: Callable[[], bytes]) -> Callable[[], bytes]:
    """``make`` of an image, waiting for the image browser at most ``IMAGE_CLICK_WAIT_SECONDS``: one still starting,
    or whose start failed, or found the temporary folder's disk full, is said under the button in the page's language,
    with what to do (``download_errors``)."""

    def made() -> bytes:
        try:
            rendering.images_ready(IMAGE_CLICK_WAIT_SECONDS)
            return make()  # a browser gone since is started again by the render: its room is wanted there too
        except rendering.ImagesNotReady as not_ready:
            raise download_errors.Said(not_ready.key, page.lang) from not_ready
        except atomic.TemporaryFolderFull as full:  # not a browser to retry: the disk to free, and by whom
            raise download_errors.Said("export.error.images_temp_full", page.lang) from full

    return made


def _download_row(page: Page, key: str, title: str, downloads: list[card_downloads.ChartDownload]) -> None:
    """PNG, SVG, CSV and XLSX buttons of the chart ``title``; without a browser the image buttons give way to how to
    install one."""
    has_browser = rendering.find_browser() is not None
    # one popover per chart: the buttons inside are drawn only when it opens, which keeps the page quick
    row = download_menu(page, title)
    for download in downloads:
        if download.needs_browser and not has_browser:
            continue
        # data=callable: made (and audited) only when someone clicks, not on every rerun
        row.download_button(
            page.t(f"download.{download.kind}"),
            # the pictures carry the marking and watermark; a CSV or Excel file carries none, and its line says so
            data=audited(
                page,
                download.file_name,
                image_click(page, download.make) if download.needs_browser else download.make,
                None if download.needs_browser else marking.NO_MARKING,
            ),
            file_name=download.file_name,
            mime=download.mime,
            key=f"download.{key}.{download.kind}",
            on_click="ignore",
            icon=":material/download:",
            width="content",
            help=page.t("download.help", file_name=safe_text.markdown(download.file_name)),
        )
    if not has_browser:
        st.caption(rendering.ImageRendererMissing().message(page.lang))


def chart_grid(page: Page, specs: tuple[charts.ChartSpec, ...], columns: int = 2) -> None:
    for start in range(0, len(specs), columns):
        for column, spec in zip(st.columns(columns), specs[start : start + columns]):
            with column:
                chart_card(page, spec)


def table_card(
    page: Page,
    title_key: str,
    frame: pd.DataFrame,
    *,
    search_key: str | None = None,
    height: int | None = None,
    empty_key: str = "empty.no_rows",
    row_count: str | None = None,
) -> None:
    """A sortable table (click a header) under a title; with ``search_key``, a search box filters its rows.
    ``row_count`` replaces the caption's 共 N 条 where the rows are not all there are (the latest ten of a period's
    meetings: 共 10 条 under a card of 11次 read as the period's count)."""
    if search_key:
        _searchable_table(page, title_key, frame, search_key, height, empty_key)
    else:
        _table(page, title_key, frame, None, height, empty_key, row_count)


@partial_runs.fragment
def _searchable_table(
    page: Page, title_key: str, frame: pd.DataFrame, search_key: str, height: int | None, empty_key: str
) -> None:
    # a fragment: typing in the search box reruns this table only, not every chart above it; the sign-in is
    # checked first (``partial_runs``): the rows are the page run's, of the scope the account had then
    _table(page, title_key, frame, search_key, height, empty_key)


def _table(
    page: Page,
    title_key: str,
    frame: pd.DataFrame,
    search_key: str | None,
    height: int | None,
    empty_key: str,
    row_count: str | None = None,
) -> None:
    from oversight.present import tables
    from oversight.present.summary import date_text

    title = page.t(
        title_key,
        as_of=date_text(page.filter.as_of, page.lang),
        period=page.period(),
        in_period=i18n.span_in_sentence(page.filter, page.lang),
    )
    with st.container(border=True):
        # a title that counts "as of" names the day (the data date where the range runs past it), not "the end of
        # the selected period", which read 12月31日 over a list counted to 8月14日
        st.markdown(f"**{title}**")
        if frame.empty:  # said before a search box, which would have nothing to search
            st.info(page.in_view(empty_key))
            return
        if search_key:
            text = st.text_input(page.t("table.search"), key=search_key, placeholder=page.t("table.search_hint"))
            frame = tables.search(frame, text)
            if frame.empty:  # the search found nothing: not "nothing to list" of rows the table has
                st.info(page.t("empty.no_match", text=safe_text.markdown(text.strip())))
                return
        st.caption(row_count or page.t("table.row_count", count=grouped(len(frame))))
        grid.data_table(frame, page.lang, height=height)
        if page.can_download:
            _table_downloads(page, title_key, title, frame)


_TABLE_MIMES = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def table_download_buttons(
    container,
    page: Page,
    table: pd.DataFrame | Callable[[], pd.DataFrame],
    stem: str,
    sheet_title: str,
    key: str,
    *,
    holds: str = FILTERED,
    conditions: Mapping[str, object] | None = None,
) -> None:
    """CSV and Excel buttons in ``container`` for a table as shown (labels, the screen's headers): made, with
    formulas neutralised, and audited only when someone clicks. A page's tables and the lists behind the figures;
    ``table`` a function when it is built only on the click (the whole audit log)."""

    def rows() -> pd.DataFrame:
        return table() if callable(table) else table

    makers = {
        "csv": lambda: data_files.table_csv_bytes(rows()),
        "xlsx": lambda: data_files.table_xlsx_bytes(rows(), sheet_title),
    }
    for kind, make in makers.items():
        file_name = f"{stem}.{kind}"
        container.download_button(
            page.t(f"download.{kind}"),
            data=audited(page, file_name, make, marking.NO_MARKING, holds=holds, conditions=conditions),
            file_name=file_name,
            mime=_TABLE_MIMES[kind],
            key=f"{key}.{kind}",
            on_click="ignore",
            icon=":material/download:",
            width="content",
            help=page.t("download.help", file_name=safe_text.markdown(file_name)),
        )


def _table_downloads(page: Page, title_key: str, title: str, frame: pd.DataFrame) -> None:
    """The table's rows as shown (a search narrows them too) in the table's own 下载 menu: the tables' toolbar
    exports nothing (client.disableDataExport), so this is their way out, escaped and audited like a chart's data."""
    what = re.split(r"（| \(", title)[0]  # the file says what the table is; the title's (as of …) is in its stem
    menu = download_menu(page, what)
    # named as the same list is wherever it is downloaded (the briefing ZIP, the list behind a card)
    stem = page.export_context.named_file_stem(title_key.removeprefix("table."), what.lower())
    table_download_buttons(menu, page, frame, stem, what, f"table.download.{title_key}")


def figure_card(page: Page, key: str, figure, table: Callable[[], pd.DataFrame]) -> None:
    """A figure built on the page (not from a ChartSpec), in the same bordered card with the same 下载 menu:
    its images marked and audited like every chart's, its data from ``table``, its files named by ``key``
    (``export.file.<key>``) and the page's filter."""
    title = page.t(f"chart.{key}")
    context = page.export_context
    with st.container(border=True):
        chart_view.show(figure, key=f"chart.{key}", config=names.plotly_config(page.lang), lang=page.lang)
        if page.can_download:
            _download_row(page, key, title, card_downloads.figure_downloads(key, title, figure, table, context))


def for_unit(page: Page, unit_id: str) -> Page:
    """The same page, its queries narrowed to one unit (the profile's unit) without touching the shared filter."""
    return dataclasses.replace(page, filter=page.filter.with_units([unit_id]))


def text(page: Page, key: str, **params: object) -> None:
    st.markdown(page.t(key, **{name: _markdown_value(value) for name, value in params.items()}))


def _markdown_value(value: object) -> str:
    """``value`` escaped for Markdown; a span that ends in a note of its own keeps its wording for inside a bracket
    (``i18n.SpanText``): the 简报导出 page's intro read 按当前筛选条件（全部9家综合监督单位；2020年第4季度（截至11月20日））,
    a bracket in a bracket, where the escaping had made the span a plain string."""
    escaped = safe_text.markdown(value)
    if isinstance(value, i18n.SpanText):
        return i18n.SpanText(escaped, safe_text.markdown(value.inside))
    return escaped


def _narrow_to_clicked_unit(points: list[dict[str, object]]) -> None:
    """A click on a unit's bar narrows the whole dashboard to that unit (the chip above clears it)."""
    # the "other units" bar of a long list carries no unit id: a click on it narrows nothing
    unit_ids = [point.get("customdata") for point in points if point.get("customdata")]
    if unit_ids:
        unit_id = unit_ids[0][0] if isinstance(unit_ids[0], list) and unit_ids[0] else unit_ids[0]
        if not isinstance(unit_id, str):  # a bar's customdata is a unit id: anything else was not sent by a bar
            return
        session.set_filter(st.session_state[session.FILTER_KEY].with_units([unit_id]))
        # a fresh chart key drops the stale selection highlight from the redrawn chart
        st.session_state[session.SELECTION_VERSION] = st.session_state.get(session.SELECTION_VERSION, 0) + 1


def quarter_changes(page: Page) -> None:
    """What changed since last quarter: the filter's last quarter against the one before, under the 预警 strip."""
    from oversight.present import changes

    found = changes.quarter_changes(lambda name, filter_: page.query(name, filter_), page.span, page.filter)
    if found is None:  # the last quarter starts after the data date: nothing to say yet
        return
    with st.container(border=True, key="quarter_changes"):
        lines = "\n".join(f"- {_wrapped(line)}" for line in found.lines(page.lang))
        st.markdown(f"**{_wrapped(found.heading(page.lang))}**\n\n{lines}")


def _wrapped(text: str) -> str:
    """Our sentence as escaped Markdown that the screen wraps without tearing a number from its unit."""
    return safe_text.kept_together(safe_text.markdown(text))


def alert_strip(page: Page) -> None:
    """The 预警 strip under the key figures: the digest's rules at the page's as-of date, for the page's units."""
    from oversight import alerts
    from oversight.alerts.configuration import SettingsError, load_settings
    from oversight.alerts.strip import AlertStrip
    from oversight.ui.page import cached_alerts

    try:
        rules = load_settings().rules
    except SettingsError as error:  # the strip still shows, with the default thresholds, and says why
        rules = alerts.DEFAULT_RULES
        if setup_problems.detail_shown_to(page.account, "alerts settings refused", str(error)):
            st.caption(safe_text.markdown(error.render(page.lang)))
        else:  # the file's path and setting are the admin's (setup_problems)
            st.caption(page.t("alerts.settings.problem_not_admin"))
    scope = page.account.scope.allowed_units
    strip = AlertStrip(
        cached_alerts(page.folder, page.fingerprint, page.filter.as_of, tuple(page.filter.units), scope, rules)
    )
    with st.container(border=True, key="alert_strip"):
        parts = strip.parts(page.lang) if not strip.empty else [page.t("alerts.strip.none")]
        # heading and items joined as the language joins them: a full-width space in Chinese, a colon in English
        # (the ideographic space was in both: "Alerts (as of 31 December 2020)　6 overdue")
        st.markdown(
            page.t(
                "alerts.strip.line",
                heading=f"**{_wrapped(strip.heading(page.lang))}**",
                items=safe_text.ITEM_SEPARATOR.join(_wrapped(part) for part in parts),
            )
        )
        if (strip.overdue or strip.due_soon) and roles.can_open_page(page.account, "issues"):
            st.page_link(
                "pages/02_issues.py",
                label=page.t("alerts.strip.open_list"),
                icon=":material/list:",
                query_params=session.view_params(page.filter, page.lang),
            )
