"""``setup_page``: what every page script starts with — sign-in, page config, data, session, sidebar, header."""

from __future__ import annotations

import dataclasses
import functools
import json
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from oversight import config, ingest
from oversight.auth import audit, roles, unit_scope
from oversight.charts import dark
from oversight.core import i18n, safe_text
from oversight.data import filters, store
from oversight.data.filters import DataSpan
from oversight.export import marking
from oversight.ingest import table_files
from oversight.present import summary
from oversight.ui import (
    bare_start,
    data_page,
    download_errors,
    kept_downloads,
    profile,
    session,
    session_guard,
    setup_problems,
    sidebar,
    sign_in,
)
from oversight.ui.page import Page, cached_header_only_ledgers, cached_span


def _init_session(span: DataSpan, every_unit: tuple[str, ...]) -> None:
    """On a session's first run, take language and filter from the URL; later, follow the browser's history."""
    if session.LANG_KEY not in st.session_state:
        st.session_state[session.LANG_KEY] = i18n.normalise_language(session.first_query_value("lang"))
    chosen_on_screen = session.take_chosen_on_screen()
    if session.FILTER_KEY not in st.session_state:
        _filter_from_url(span)
    elif not chosen_on_screen:
        _follow_history(span)
    _keep_units_offered(span, every_unit)
    _keep_quarters_offered(span)


def _keep_quarters_offered(span: DataSpan) -> None:
    """The filter's quarters, on every run, are quarters the data offers. A link's are moved into the data as it is
    read, but a session keeps its filter across runs, and an undo or a replacing import can take its quarters out of
    the data: the quarter slider, given a quarter no longer among its choices, stopped the page with Streamlit's
    English error. They are moved to the nearest the data offers, and the page says so."""
    filter_ = st.session_state[session.FILTER_KEY]
    kept = span.within(filter_)
    if kept == filter_:
        return
    outside = tuple(dict.fromkeys(q for q in (filter_.start, filter_.end) if q not in (kept.start, kept.end)))
    notes = st.session_state.get(session.IGNORED_KEY) or filters.UrlNotes()
    st.session_state[session.IGNORED_KEY] = dataclasses.replace(notes, outside=outside)
    session.set_filter(kept, from_address=True)


def _keep_units_offered(span: DataSpan, every_unit: tuple[str, ...]) -> None:
    """The filter's units, on every run, are units the view offers (``span``: the data's, within the account's
    scope). A link's are checked as it is read; but the sidebar, a chart's bar and the profile's picker pass on
    whatever value their widget sends, and an import may remove a unit a session has chosen: a unit account sent
    the sidebar another unit's id (scope line "数据范围：；", every figure 0, no audit line), the profile failed on
    a unit the data no longer had. Such units are dropped, named back and audited as a link's are."""
    filter_ = st.session_state[session.FILTER_KEY]
    offered = set(span.unit_ids)
    if all(isinstance(unit, str) and unit in offered for unit in filter_.units):
        return
    # a value that is not text (a forged chart click's [["x"]]) is dropped as text: it cannot name a unit
    dropped = list(dict.fromkeys(str(u) for u in filter_.units if not (isinstance(u, str) and u in offered)))
    notes = st.session_state.get(session.IGNORED_KEY) or filters.UrlNotes()
    st.session_state[session.IGNORED_KEY] = dataclasses.replace(
        notes, dropped=_kept_in_order_sent(dropped, set(every_unit)), dropped_count=len(dropped)
    )
    kept = span.chosen_units(unit for unit in filter_.units if isinstance(unit, str) and unit in offered)
    session.set_filter(filter_.with_units(kept), from_address=True)


def _kept_in_order_sent(dropped: list[str], known: set[str]) -> tuple[str, ...]:
    """At most ``MAX_URL_UNIT_VALUES`` of the dropped values, the data's units among them first (a refusal is
    audited for those, never cut off by a long list), but named back in the order they were sent: put first, they
    told a unit account which of its guesses around another unit's id the data holds, which a link's notice
    ("不在数据中或不在本账号可见范围内") leaves untold."""
    keep = sorted(range(len(dropped)), key=lambda i: dropped[i] not in known)[: filters.MAX_URL_UNIT_VALUES]
    return tuple(dropped[i] for i in sorted(keep))


def _filter_from_url(span: DataSpan) -> None:
    # every name, not only the view's: a name the view does not read is named back, not dropped (st.query_params
    # leaves out Streamlit's own embed and embed_options)
    url = {name: st.query_params.get_all(name) for name in st.query_params}
    filter_, st.session_state[session.IGNORED_KEY] = filters.from_query_params(url, span)
    session.set_filter(filter_, from_address=True)


def _follow_history(span: DataSpan) -> None:
    """Back (or Forward) in the browser: Streamlit reruns the page with the address of that history entry, which
    is not the view the app last wrote there. Show that entry's view. A widget's run never gets here (its callback
    has changed the filter already), even when it comes with an older address: on a busy machine a leader can choose
    before the address the app wrote has reached the browser."""
    written = st.session_state.get(session.URL_WRITTEN_KEY)
    if written is None or session.url_view() == written:
        return
    _filter_from_url(span)
    st.session_state[session.LANG_KEY] = i18n.normalise_language(session.first_query_value("lang"))


def _audit_units_outside_the_scope(account: roles.Account, every_unit: tuple, allowed: tuple) -> None:
    """A unit account's link asking for another unit (``?unit=research``, tampered or passed on) is shown as any
    unknown value is, and written to the audit log as a refusal, once per session and set of units: the page is
    not refused, only the units, and an admin reading the log should see who asked for whose."""
    notes = st.session_state.get(session.IGNORED_KEY)
    asked = [value.removeprefix("unit=") for value in (notes.ignored if notes else ()) if value.startswith("unit=")]
    asked += list(notes.dropped) if notes else []
    outside = sorted({unit for unit in asked if unit in every_unit and unit not in allowed})
    if outside:
        sign_in.record_refusal_once(
            account,
            sign_in.client_address(),
            {"reason": "unit_out_of_scope", "units": outside},
            once_per=("unit_out_of_scope", tuple(outside)),
        )


def _warn_about_the_url(page: Page, page_id: str) -> None:
    notes = st.session_state.get(session.IGNORED_KEY)
    if notes and page_id in _UNFILTERED_PAGES:
        notes = notes.beyond_the_filter()
    if not notes:
        return
    if notes.unit_values:
        st.warning(page.t("app.url_too_many_units", count=notes.unit_values, limit=filters.MAX_URL_UNIT_VALUES))
    if notes.unknown:
        st.warning(
            page.t(
                _one_or_more("app.url_unknown_names", notes.unknown),
                names=_url_values(notes.unknown, page.lang),
                known=summary.join_list(filters.URL_KEYS, page.lang),
            )
        )
    if notes.ignored:
        st.warning(page.t(_one_or_more("app.url_ignored", notes.ignored), values=_url_values(notes.ignored, page.lang)))
    if notes.day_outside:
        st.warning(page.t("app.url_day_outside", values=_url_values(notes.day_outside, page.lang), shown=page.period()))
    if notes.repeated:
        key = _one_or_more("app.url_repeated", notes.repeated)
        st.warning(page.t(key, values=_url_values(notes.repeated, page.lang)))
    if notes.dropped:
        st.warning(page.t("app.units_dropped", values=_url_values(notes.dropped, page.lang, notes.dropped_count)))
    if notes.reversed:
        start, end = notes.reversed
        st.warning(
            page.t(
                "app.url_reversed", values=_url_values((f"from={start}", f"to={end}"), page.lang), shown=page.period()
            )
        )
    if notes.outside:
        known = page.span.quarters
        st.warning(
            page.t(
                _one_or_more("app.quarters_outside_data", notes.outside),
                values=i18n.listed((i18n.quarter_label(q, page.lang) for q in notes.outside), page.lang),
                first=i18n.quarter_label(known[0], page.lang),
                last=i18n.quarter_label(known[-1], page.lang),
                shown=page.period(),
            )
        )
    if notes.moved:
        known = page.span.quarters
        st.warning(
            page.t(
                _one_or_more("app.url_out_of_range", notes.moved),
                values=_url_values(notes.moved, page.lang),
                first=i18n.quarter_label(known[0], page.lang),
                last=i18n.quarter_label(known[-1], page.lang),
                shown=page.period(),
            )
        )


def _one_or_more(key: str, values: tuple[str, ...]) -> str:
    """The sentence for one value (``<key>_one``: "This link parameter was …") or for several."""
    return f"{key}_one" if len(values) == 1 else key


_URL_VALUE_CHARS = 60  # a value quoted back from the URL: enough to recognise it, never a screenful
_URL_VALUES_SHOWN = 10  # and so many of them: a link of a thousand values is named by its first ten and a count


def _url_values(values: tuple[str, ...], lang: str, count: int = 0) -> str:
    """The first values, quoted short, then how many more (of ``count`` where more were had than are kept)."""
    shown = i18n.listed(
        (
            safe_text.markdown(safe_text.shortened(safe_text.visible(value), _URL_VALUE_CHARS))
            for value in values[:_URL_VALUES_SHOWN]
        ),
        lang,
    )
    total = max(count, len(values))
    more = total - _URL_VALUES_SHOWN
    return i18n.t("app.url_more", lang, values=shown, more=more, count=total) if more > 0 else shown


def _show_data_error(error: ingest.ValidationError, account: roles.Account) -> None:
    """The folder does not load: an admin reads what is wrong; anyone else only that it is, since the problems quote
    cells, rows and ids of every unit's ledgers (a unit account read another unit's 整改状态 cell here)."""
    lang = i18n.normalise_language(session.first_query_value("lang"))
    if not setup_problems.detail_shown_to(account, "data folder does not load", error.render("en")):
        st.error(i18n.t("app.data_error_not_admin", lang))
        st.stop()
    st.error(i18n.t("app.data_error", lang))
    st.code(error.render(lang), language=None, wrap_lines=True)  # the file and its fix, read whole on a phone
    st.stop()


@functools.cache
def _widget_words(lang: str) -> str:
    """Streamlit's multiselect writes "Select all", "Select N matches" and "No results" in English, with no
    parameter to change them: app.css hides them and writes these, in the page's language, in their place."""
    words = {
        "--oversight-select-all": i18n.t("widget.select_all", lang),
        "--oversight-select-matches": i18n.t("widget.select_matches", lang),
        "--oversight-no-options": i18n.t("widget.no_options", lang),
    }
    return (
        "<style>:root{" + "".join(f"{name}:{safe_text.css_string(text)};" for name, text in words.items()) + "}</style>"
    )


@functools.cache
def _app_css() -> str:
    # the charts' dark-page colours are written from the colours they repaint (charts/dark.py), not by hand here;
    # the same for every page run of the process: read and written once, not at every rerun
    return (config.ASSET_DIR / "app.css").read_text(encoding="utf-8") + dark.dark_theme_css()


def _page_language_js(lang: str) -> str:
    """Sets ``<html lang>`` to the page's language tag (zh-CN, en), the one the briefing's HTML carries."""
    return f"document.documentElement.lang = {json.dumps(i18n.t('export.report.html_lang', lang))};"


@functools.cache
def _scheme_js() -> str:
    return (config.ASSET_DIR / "scheme.js").read_text(encoding="utf-8")


# Streamlit's own words (streamlit 1.67's frontend, English on every page) and the keys of ours: its text before a
# label, after it, and our text with {label} where the label goes (a key without {label}: the whole text)
STREAMLIT_WORDS = (
    ("Connection error", "", "connection.lost.title"),
    ("Streamlit server is not responding. Are you connected to the internet?", "", "connection.lost.body"),
    ("Skip to main content", "", "streamlit.skip_to_content"),
    ("Sidebar", "", "streamlit.sidebar"),
    ("Collapse sidebar", "", "streamlit.collapse_sidebar"),
    ("Expand sidebar", "", "streamlit.expand_sidebar"),
    ("Open", "", "streamlit.open_options"),
    ("", " — start", "streamlit.range_start"),
    ("", " — end", "streamlit.range_end"),
    ("Help for ", "", "streamlit.help_for"),
    # a table's toolbar and its hover tips
    ("Show/hide columns", "", "streamlit.show_hide_columns"),
    ("Search", "", "streamlit.search"),
    ("Fullscreen", "", "streamlit.fullscreen"),
    ("Close fullscreen", "", "streamlit.close_fullscreen"),
    ("Download as CSV", "", "streamlit.download_csv"),
    # a multiselect's chips and buttons, a selectbox with nothing chosen
    ("Selected values", "", "streamlit.selected_values"),
    ("Remove ", "", "streamlit.remove"),
    ("Clear all", "", "streamlit.clear_all"),
    ("Clear value", "", "streamlit.clear_value"),
    ("Choose an option", "", "streamlit.choose_option"),
    ("Choose options", "", "streamlit.choose_options"),
    ("No results", "", "streamlit.no_results"),
    ("file upload", "", "streamlit.file_upload"),
    ("Add files", "", "streamlit.add_files"),  # the file box's button once a file is chosen
    # a date field: its parts' names and empty marks, its calendar button
    ("Choose date", "", "streamlit.choose_date"),
    ("Clear date", "", "streamlit.clear_date"),
    ("year, ", "", "streamlit.date_year"),
    ("month, ", "", "streamlit.date_month"),
    ("day, ", "", "streamlit.date_day"),
    ("Empty", "", "streamlit.date_empty"),
    ("yyyy", "", "streamlit.date_yyyy"),
    ("mm", "", "streamlit.date_mm"),
    ("dd", "", "streamlit.date_dd"),
    # its calendar: what Streamlit writes there itself (the months, weekdays and days are the browser's, see
    # streamlit_words_js), "Choose date, " before the month shown
    ("Use arrow keys to navigate dates. Enter to select. Escape to close.", "", "streamlit.calendar_keys"),
    ("Choose date, ", "", "streamlit.choose_date_in"),
    ("Previous month", "", "streamlit.previous_month"),
    ("Next month", "", "streamlit.next_month"),
    # under a download button whose file was not made (its audit line could not be written, say): five seconds of
    # "Failed to generate file for download" in English, and nothing saying what to do
    ("Failed to generate file for download", "", "streamlit.download_failed"),
    ("Download failed", "", "streamlit.download_failed"),
    # under a text field being typed in
    ("Press Enter to apply", "", "streamlit.press_enter_apply"),
    ("Press Enter to submit form", "", "streamlit.press_enter_submit"),
    # an address of no page (an old bookmark, a mistyped link): Streamlit's dialog over the Overview, and its close
    ("Page not found", "", "streamlit.page_not_found"),
    (
        "The page that you have requested does not seem to exist. Running the app's main page.",
        "",
        "streamlit.page_not_found_body",
    ),
    ("Close", "", "streamlit.close"),
)
# a field's own buttons (a chooser's, a date field's), the same word in every field: Streamlit's word and the key of
# ours, which names the field ({label}, its label) so that six of them on one page are not six buttons of one name
STREAMLIT_FIELD_WORDS = (
    ("Clear all", "streamlit.clear_all_of"),
    ("Clear value", "streamlit.clear_value_of"),
    ("Open", "streamlit.open_options_of"),
    ("Choose date", "streamlit.choose_date_of"),
    ("Clear date", "streamlit.clear_date_of"),
)


@functools.cache  # the same for every page run of a language: read and written once
def streamlit_words_js(lang: str) -> str:
    """Streamlit's own words on the page in the page's language (assets/streamlit_words.js), and the page's language
    tag for what Streamlit writes in the browser's language (a date field's calendar: its months, weekdays, days)."""
    rules = [{"before": before, "after": after, "ours": i18n.t(key, lang)} for before, after, key in STREAMLIT_WORDS]
    field_rules = [{"before": before, "ours": i18n.t(key, lang)} for before, key in STREAMLIT_FIELD_WORDS]
    script = (config.ASSET_DIR / "streamlit_words.js").read_text(encoding="utf-8")
    return (
        script.replace("__STREAMLIT_WORDS__", _script_literal(rules))
        .replace("__FIELD_WORDS__", _script_literal(field_rules))
        .replace("__PAGE_LOCALE__", json.dumps(i18n.t("export.report.html_lang", lang)))
    )


@functools.cache
def _download_failed_js(lang: str) -> str:
    """The page's own note of a download that made no file, kept until read (assets/download_failed.js): Streamlit's
    line under the button goes after five seconds."""
    words = {
        "message": i18n.t("streamlit.download_failed", lang),
        "close": i18n.t("streamlit.close", lang),
        # the failures said in our words under the button (``download_errors``): the note keeps that sentence
        "said": [i18n.t(key, lang) for key in download_errors.SAID_KEYS],
    }
    script = (config.ASSET_DIR / "download_failed.js").read_text(encoding="utf-8")
    return script.replace("__DOWNLOAD_FAILED_WORDS__", _script_literal(words))


def _script_literal(value: object) -> str:
    """``value`` as JSON to write inside a ``<script>``: no less-than sign that could end it or look like markup."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")


def _recover_interrupted_import(folder: Path) -> None:
    """A commit that crashed half-way is rolled back before anyone reads the folder (once; cheap otherwise)."""
    from oversight.ingest import folder_lock

    rolled_back = folder_lock.recover_if_interrupted(folder)
    if rolled_back:
        lang = session.session_language()
        st.warning(i18n.t(rolled_back.message_key, lang, id=rolled_back.entry))


def _repair_page(folder: str, fingerprint: str, account: roles.Account, error: ingest.ValidationError) -> None:
    """The Data page for an admin when the folder does not load: the problems, then import and undo to repair.
    ``fingerprint``: the folder's as this run read it, so that the history, rerunning on its own, reruns the page only
    where the folder changed since (given none, it found it "changed" on every rerun, and reran the page forever)."""
    lang = session.session_language()
    st.title(i18n.t("nav.data", lang), anchor=False)
    st.error(i18n.t("data.ui.broken_folder", lang))
    st.code(error.render(lang), language=None, wrap_lines=True)  # the file and its fix, read whole on a phone
    # the repair page reads no data: no filter and no span, only the import section that can mend the folder
    no_units = pd.DataFrame(columns=["unit_id", "name_zh", "name_en"])
    page = Page(lang, None, None, folder, fingerprint, no_units, account)  # type: ignore[arg-type]
    data_page.import_section(page)
    data_page.history_section(page)
    st.stop()


def setup_page(page_id: str) -> Page:
    """Sign-in, page config, data, the filter sidebar and nav; every page script starts here."""
    # the tab's title names the page in its language: a screen reader says it on arriving and in the list of tabs,
    # and every page in both languages was 派驻监督工作看板 (an English voice read it to an English page)
    lang = session.session_language()
    title = i18n.t("app.page_title", lang, page=i18n.t(f"nav.{page_id}", lang), app=i18n.t("app.title", lang))
    # "auto": open on a desktop, closed on a phone, where it would cover the page on load
    st.set_page_config(page_title=title, layout="wide", initial_sidebar_state="auto")
    session_guard.install()  # once per process: uploads and cache clearing as this app allows them
    kept_downloads.install()  # once per process: a file made on a click is not swept before it is fetched
    download_errors.install()  # once per process: a download that failed for a known reason says it
    bare_start.start()  # a bare `streamlit run app.py`: the warm-up, the stop's wait, once
    session_guard.forget()  # a session may upload only while its page shows the import form (the data page allows)
    st.html(f"<style>{_app_css()}</style>")
    # our own file, no data in it: marks the page light or dark for app.css's chart colours; and names the page's
    # language on the root element (Streamlit leaves <html lang="en">: a screen reader read 指出问题 as English)
    st.html(
        f"<script>{_page_language_js(lang)}{_scheme_js()}{streamlit_words_js(lang)}{_download_failed_js(lang)}</script>",
        unsafe_allow_javascript=True,
    )
    account = sign_in.signed_in_account(page_id)
    folder = str(store.data_dir())
    _recover_interrupted_import(Path(folder))
    fingerprint = table_files.fingerprint(Path(folder))
    try:
        span, units = cached_span(folder, fingerprint)
    except ingest.ValidationError as error:
        if page_id == "data" and roles.can_import(account):
            _repair_page(folder, fingerprint, account, error)  # undo or import to repair; stops the page
        _show_data_error(error, account)
    # a unit account is offered, and can ask the URL for, its own units only
    every_unit = span.unit_ids
    span = unit_scope.scoped_span(span, account.scope)
    units = unit_scope.scoped_rows(units, account.scope)
    if not span.unit_ids:
        # a unit account whose units the units sheet no longer lists (renamed, removed): nothing to show, and no
        # page that assumes a unit (the profile took the first of none and failed)
        lang = i18n.normalise_language(session.first_query_value("lang"))
        named = safe_text.markdown(i18n.listed(account.scope.allowed_units or (), lang))
        st.warning(i18n.t("auth.units_not_in_data", lang, units=named))
        st.stop()
    _init_session(span, every_unit)
    try:
        _audit_units_outside_the_scope(account, every_unit, span.unit_ids)
    except audit.AuditError as error:
        sign_in.stop_for_audit(error)
    # the widgets' callbacks have run: the filter is the one this run shows, and the sidebar names it
    lang, filter_ = st.session_state[session.LANG_KEY], st.session_state[session.FILTER_KEY]
    # figures are taken as of the data date where the range runs past it (a year to date)
    downloads_audited = _downloads_can_be_audited(account)
    page = Page(lang, span.resolve(filter_), span, folder, fingerprint, units, account, downloads_audited)
    sidebar.sidebar(page, page_id)
    sidebar.sync_url(lang, filter_)
    # after the sidebar (the pages it may open, sign-out), before anything of this page
    sign_in.refuse_forbidden_page(account, page_id, lang, session.view_params(filter_, lang))
    st.html(_widget_words(page.lang))
    overlay = marking.screen_overlay_html(page.marking)
    if overlay:  # built from escaped text only (marking.screen_overlay_html); st.html adds no block of text
        st.html(overlay)
    _page_header(page, f"nav.{page_id}" if page_id != "overview" else "app.title", page_id)
    if not downloads_audited:
        st.warning(page.t("download.paused_audit_unwritable"), icon=":material/block:")
    if page.filter.is_not_begun and page_id not in _UNFILTERED_PAGES:
        # a range that starts after the data date has no figure yet: its cards read 会议数量 0次, 指出问题 0个 and a
        # table of nine units with 0 meetings, zeros that are really unknowns. The header says so; the sidebar stays
        # to choose another range.
        st.stop()
    return page


def _downloads_can_be_audited(account: roles.Account) -> bool:
    """Whether a download could be audited now. Anything that cannot be audited does not happen: offered anyway,
    its button failed on the click with Streamlit's own "Failed to generate file for download", in English and
    with no reason. Asked once a page run, only for an account that downloads."""
    if not roles.can_download(account):
        return True
    try:
        audit.ensure_writable()
    except audit.AuditError:
        return False
    return True


def view_link(base: str | None, page: Page) -> str:
    """The address of this view: the page's own address with the filter and language (what the URL holds)."""
    query = urlencode(session.view_params(page.filter, page.lang), doseq=True)
    return f"{(base or '').split('?', 1)[0]}?{query}"


def _copy_link(page: Page) -> None:
    # A code block carries Streamlit's own copy button: one click puts the link on the clipboard, no script of ours.
    with st.popover(page.t("app.copy_link"), icon=":material/link:"):
        st.code(view_link(st.context.url, page), language=None, wrap_lines=True)
        st.caption(page.t("app.copy_link_hint"))


_UNFILTERED_PAGES = sidebar.UNFILTERED_PAGES


def _page_header(page: Page, title_key: str, page_id: str) -> None:
    # no 🔗 anchor: a Tab stop named "Link to heading" in English on a Chinese page, leading to the page itself
    st.title(page.t(title_key), anchor=False)
    # the day written as the page's other dates are (预警（截至2020年12月31日）, 逾期未整改问题（截至…）), not 2020-12-31
    data_date = summary.date_text(page.span.last_day, page.lang) if page.span.last_day else "—"
    if page_id == "audit":
        # the log of what people did: the ledgers' data date says nothing of it
        st.caption(page.t("app.caption_audit"))
    elif page_id in _UNFILTERED_PAGES:
        # the ledgers and the audit log are whole whatever the filter: a scope line (省信访局；2020年第3季度) over the
        # data page's full ledgers read as if they were cut to it
        st.caption(page.t("app.caption_unfiltered", data_as_of=page.t("export.data_as_of", data_date=data_date)))
    else:
        # the units the profile shows (at most four, or the first): the caption names them
        scope = page.scope_text(profile.shown_units(page).shown if page_id == "unit_profile" else None, full_names=True)
        # the scope and the data date in the pack's words, from the same keys (the cover said 监督范围 where the page
        # said 数据范围, which elsewhere names the quarters the data cover)
        st.caption(
            safe_text.kept_together(
                page.t(
                    "app.caption",
                    scope_line=page.t("export.briefing.scope", scope=scope),
                    period=page.period(),
                    data_as_of=page.t("export.data_as_of", data_date=data_date),
                )
            )
        )
    # What comes and goes with the filter sits in containers that are always there (empty ones take no room): the
    # cards and charts below keep their place in Streamlit's element tree, so while a rerun after 清除单位筛选 runs,
    # the old card is not left standing faded beside the new one.
    with st.container():
        if page_id not in _UNFILTERED_PAGES:  # the figures are as of the data date
            # the profile's cards compare a unit with the units' average, not with a year earlier, and where the
            # data do not cover the year before every card says 无可比数据: a note on what 同比 compares explained a
            # comparison the page does not make; where part of that year is data, why the cards read 无可比数据
            # beside a chart that compares its quarters. The pack's key figures carry the same lines.
            for note in summary.figure_notes(
                page.filter, page.span, page.lang, compares_year=page_id != "unit_profile"
            ):
                st.caption(safe_text.kept_together(note))
    _copy_link(page)
    with st.container():
        _warn_about_the_url(page, page_id)
        _note_header_only_ledgers(page, page_id)
        # not where the filter does not apply: a button to clear it there said the page was cut to those units
        if page.filter.units and page_id not in _UNFILTERED_PAGES:
            st.button(
                page.t("filter.clear_units", units=page.unit_labels_text(page.filter.units)),
                key="widget.clear_units",
                icon=":material/close:",
                on_click=_clear_units,
                type="secondary",
            )


def _note_header_only_ledgers(page: Page, page_id: str) -> None:
    """A ledger with its header and no row loads as none: its zeros are "nothing recorded in that file", which a
    leader reading 日常提醒 0次 aloud must know (the file and sheet are named for whoever fills it in).

    Not to a unit account: "no record in the ledger" is every unit's count, 0 — a figure over units outside its
    scope (README, the rule for figures over several units). Its own zeros read as those of any unit without a
    record, as where the ledger holds only other units' rows."""
    if page_id == "audit" or not page.sees_all_units:  # the audit log reads no ledger; a unit account: above
        return
    for notice in cached_header_only_ledgers(page.folder, page.fingerprint):
        st.info(safe_text.markdown(notice.render(page.lang)), icon=":material/info:")


def _clear_units() -> None:
    session.set_filter(st.session_state[session.FILTER_KEY].with_units(()))
