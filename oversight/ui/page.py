"""Shared Streamlit pieces: page setup, the filter sidebar, the nav, KPI cards and chart cards.

The only module that imports streamlit. The filter lives in a non-widget
session key, so it survives moving between pages, and is mirrored into the
URL so a leader can bookmark or send a view.
"""
from __future__ import annotations

import dataclasses
import functools
import json
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from oversight import briefing, charts, config, export, ingest
from oversight.auth import accounts, audit, access_mode, login, roles, unit_scope
from oversight.data import scoped
from oversight.core import i18n, safe_text
from oversight.data import filters, queries, store
from oversight.data.filters import DataSpan, Filter, Quarter, same_day_years_earlier
from oversight.export import marking
from oversight.present import summary
from oversight.present.kpis import Kpi

FILTER_KEY = "oversight.filter"
LANG_KEY = "oversight.lang"
IGNORED_KEY = "oversight.ignored_url_values"
# A range select_slider only stays a range when built with value=(a, b), which cannot be combined with
# setting its state; so it is rebuilt under a new key whenever the filter changes from elsewhere.
QUARTER_WIDGET_VERSION = "oversight.quarter_widget_version"
SELECTION_VERSION = "oversight.selection_version"
# (script path, label key): drawn by hand because the automatic nav cannot be translated.
NAVIGATION = (  # (script, page id for the access rules in oversight.accounts)
    ("app.py", "overview"),
    ("pages/01_meetings.py", "meetings"),
    ("pages/02_issues.py", "issues"),
    ("pages/03_suggestions.py", "suggestions"),
    ("pages/04_reminders.py", "reminders"),
    ("pages/05_unit_profile.py", "unit_profile"),
    ("pages/06_briefing.py", "briefing"),
    ("pages/07_data.py", "data"),
    ("pages/08_audit.py", "audit"),
)
ACCOUNT_KEY = "oversight.account"
ACCOUNT_FINGERPRINT_KEY = "oversight.account_fingerprint"
REFUSAL_LOGGED_KEY = "oversight.refusal_logged"
# Tests set this to stand in for a browser's address; a browser cannot set a session key that is not a widget.
TEST_ADDRESS_KEY = "oversight.test_client_address"
LANGUAGE_NAMES = {"zh": "中文", "en": "English"}


@dataclass(frozen=True)
class Page:
    """What a page script needs after ``setup_page``: language, filter, and the data."""

    lang: str
    filter: Filter
    span: DataSpan
    folder: str
    fingerprint: str
    units: pd.DataFrame
    account: roles.Account

    def query(self, name: str, filter_: Filter | None = None) -> pd.DataFrame:
        """Every read goes through here, within the account's unit scope, whatever filter is asked for."""
        return _cached_query(self.folder, self.fingerprint, name, filter_ or self.filter, (),
                             self.account.scope.allowed_units)

    def query_with(self, name: str, **extra: object) -> pd.DataFrame:
        """A query with parameters beyond the filter (e.g. ``limit``), all bound, never spliced into SQL."""
        return _cached_query(self.folder, self.fingerprint, name, self.filter, tuple(sorted(extra.items())),
                             self.account.scope.allowed_units)

    @property
    def scoped_filter(self) -> Filter:
        """The filter as the queries apply it (a unit account's "all units" is its own units)."""
        return unit_scope.scoped_filter(self.filter, self.account.scope)

    @property
    def sees_all_units(self) -> bool:
        return self.account.scope.unrestricted

    @property
    def can_download(self) -> bool:
        return roles.can_download(self.account)

    def t(self, key: str, **params: object) -> str:
        return i18n.t(key, self.lang, **params)

    def period(self, filter_: Filter | None = None) -> str:
        return i18n.span_label(filter_ or self.filter, self.lang)

    @functools.cached_property
    def marking(self) -> marking.Marking:
        """The confidentiality marking and this viewer's watermark (name and time), for the screen and exports."""
        return marking.for_viewer(self.account.username, self.account.source == roles.LOCAL, self.lang)

    @functools.cached_property
    def export_context(self) -> export.ExportContext:
        # built once per page run, not once per chart card
        return export.ExportContext.build(self.lang, self.filter, self.units, self.span.last_day, self.marking)

    def year_on_year(self, name: str) -> tuple[pd.Series, pd.Series | None, str]:
        """A one-row query for the filter and for the same span a year earlier (同比; None where the data
        does not cover it, shown as 无可比数据), and that span's label."""
        earlier = self.span.year_earlier(self.filter)  # None where the data does not cover it
        label = self.period(self.filter.previous_year())
        return self.query(name).iloc[0], None if earlier is None else self.query(name, earlier).iloc[0], label

    def span_before(self, name: str) -> tuple[pd.Series | None, str | None]:
        """The one-row query for the span just before (环比; None where not covered) and its label; the label is
        None for a whole calendar year, whose span before is the year before (同比 already says it)."""
        before = self.filter.previous_span()
        if before.start == self.filter.start.shift(-4):
            return None, None
        earlier = self.span.span_before(self.filter)  # None where the data does not cover it
        return None if earlier is None else self.query(name, earlier).iloc[0], self.period(before)

    def unit_name(self, unit_id: str) -> str:
        row = self.units.loc[self.units["unit_id"] == unit_id].iloc[0]
        return row["name_zh"] if self.lang == "zh" else row["name_en"]


# ---------------------------------------------------------------- data, cached per data fingerprint

# One store at a time: after the data change, the old one (≈170 MB at 1M meetings) must not linger.
@st.cache_resource(show_spinner=False, max_entries=1)
def _open_store(folder: str, fingerprint: str) -> duckdb.DuckDBPyConnection:
    # fingerprint is part of the key: a replaced file gives a new connection, never stale data
    return store.open_folder(Path(folder))


@st.cache_data(show_spinner=False, max_entries=1024)
def _cached_query(folder: str, fingerprint: str, name: str, filter_: Filter,
                  extra: tuple[tuple[str, object], ...] = (),
                  allowed_units: tuple[str, ...] | None = None) -> pd.DataFrame:
    # the scope is part of the cache key: two accounts never share a cached result
    frame = scoped.scoped_run(_open_store(folder, fingerprint), name, filter_, unit_scope.Scope(allowed_units),
                                **dict(extra))
    return safe_text.printable_frame(frame)  # what the screen and every export receive has no control characters


@st.cache_data(show_spinner=False, max_entries=4)
def _cached_span(folder: str, fingerprint: str) -> tuple[DataSpan, pd.DataFrame]:
    connection = _open_store(folder, fingerprint)
    return queries.data_span(connection), queries.run(connection, "units")


# ---------------------------------------------------------------- page setup

def _first_query_value(name: str) -> str | None:
    values = st.query_params.get_all(name)
    return values[0] if values else None


def _init_session(span: DataSpan) -> None:
    """On a session's first run, take language and filter from the URL."""
    if LANG_KEY not in st.session_state:
        st.session_state[LANG_KEY] = i18n.normalise_language(_first_query_value("lang"))
    if FILTER_KEY not in st.session_state:
        url = {name: st.query_params.get_all(name) for name in ("unit", "from", "to")}
        st.session_state[FILTER_KEY], st.session_state[IGNORED_KEY] = filters.from_query_params(url, span)


def _show_data_error(error: ingest.ValidationError) -> None:
    lang = i18n.normalise_language(_first_query_value("lang"))
    st.error(i18n.t("app.data_error", lang))
    st.code(error.render(lang), language=None)
    st.stop()


@functools.cache
def _app_css() -> str:
    return (config.ASSET_DIR / "app.css").read_text(encoding="utf-8")


def _recover_interrupted_import(folder: Path, account: roles.Account) -> None:
    """A commit that crashed half-way is rolled back before anyone reads the folder (once; cheap otherwise)."""
    from oversight.ingest import importer

    rolled_back = importer.recover_if_interrupted(folder)
    if rolled_back:
        lang = st.session_state.get(LANG_KEY) or i18n.normalise_language(_first_query_value("lang"))
        st.warning(i18n.t("data.ui.recovered", lang, id=rolled_back))


def _repair_page(folder: str, account: roles.Account, error: ingest.ValidationError) -> None:
    """The Data page for an admin when the folder does not load: the problems, then import and undo to repair."""
    lang = i18n.normalise_language(st.session_state.get(LANG_KEY) or _first_query_value("lang"))
    st.title(i18n.t("nav.data", lang))
    st.error(i18n.t("data.ui.broken_folder", lang))
    st.code(error.render(lang), language=None)
    page = Page(lang, None, None, folder, "", pd.DataFrame(columns=["unit_id", "name_zh", "name_en"]), account)
    import_section(page)
    history_section(page)
    st.stop()


def setup_page(page_id: str) -> Page:
    """Sign-in, page config, data, the filter sidebar and nav; every page script starts here."""
    # "auto": open on a desktop, closed on a phone, where it would cover the page on load
    st.set_page_config(page_title=i18n.t("app.title"), layout="wide", initial_sidebar_state="auto")
    st.html(f"<style>{_app_css()}</style>")
    account = _signed_in_account(page_id)
    folder = str(store.data_dir())
    _recover_interrupted_import(Path(folder), account)
    fingerprint = store.fingerprint(Path(folder))
    try:
        span, units = _cached_span(folder, fingerprint)
    except ingest.ValidationError as error:
        if page_id == "data" and roles.can_import(account):
            _repair_page(folder, account, error)  # undo or import to repair; stops the page
        _show_data_error(error)
    # a unit account is offered, and can ask the URL for, its own units only
    span = unit_scope.scoped_span(span, account.scope)
    units = unit_scope.scoped_rows(units, account.scope)
    _init_session(span)
    _sidebar(span, units, account)
    lang, filter_ = st.session_state[LANG_KEY], st.session_state[FILTER_KEY]
    st.query_params.from_dict({**filter_.to_query_params(), "lang": lang})
    # figures are taken as of the data date where the range runs past it (a year to date)
    page = Page(lang, span.resolve(filter_), span, folder, fingerprint, units, account)
    overlay = marking.screen_overlay_html(page.marking)
    if overlay:  # built from escaped text only (marking.screen_overlay_html); st.html adds no block of text
        st.html(overlay)
    _page_header(page, f"nav.{page_id}" if page_id != "overview" else "app.title")
    return page


# ---------------------------------------------------------------- who is asking

def _client_address() -> str | None:
    """The browser's address: the websocket's peer, or, when that peer is a trusted proxy
    (``OVERSIGHT_TRUSTED_PROXIES``), the client the proxy names (``oversight.client_address``)."""
    from oversight.auth import client_address

    return client_address.client_address(_peer_address(), dict(st.context.headers or {}))


def _peer_address() -> str | None:
    """The address the websocket came from (a proxy's, behind one); None where it cannot be known."""
    if TEST_ADDRESS_KEY in st.session_state:
        return st.session_state[TEST_ADDRESS_KEY]
    from streamlit.runtime import Runtime, exists
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    context = get_script_run_ctx()
    client = Runtime.instance().get_client(context.session_id) if exists() and context else None
    # st.context.ip_address hides loopback addresses, so read the peer the websocket came from;
    # anything but an address string (no client, a test double) is unknown, and unknown is not local
    remote_ip = getattr(getattr(client, "client_context", None), "remote_ip", None)
    return remote_ip if isinstance(remote_ip, str) else None


def _secrets() -> dict:
    try:
        return st.secrets.to_dict()
    except Exception:  # no secrets file: nothing configured
        return {}


def _refuse(message: str, reason: str, account: roles.Account | None = None, address: str | None = None,
            page: str | None = None) -> None:
    # one line per kind of refusal and page in a session: a reload loop must not flood the log
    logged = st.session_state.setdefault(REFUSAL_LOGGED_KEY, set())
    if not isinstance(logged, set):
        logged = st.session_state[REFUSAL_LOGGED_KEY] = set()
    if (reason, page) not in logged:
        audit.record("refused", account=account, address=address, details={"reason": reason, "page": page})
        logged.add((reason, page))
    st.error(message)
    st.stop()


def _signed_in_account(page_id: str) -> roles.Account:
    """The account this session acts as; draws the sign-in (and stops the page) until there is one."""
    lang = st.session_state.get(LANG_KEY) or i18n.normalise_language(_first_query_value("lang"))
    mode = access_mode.auth_mode(accounts.users_file(), _secrets())
    address = _client_address()
    if mode == roles.LOCAL:
        # a loopback peer, a loopback Host and Origin (no DNS rebinding), and no proxy relaying someone else
        if not access_mode.is_local_request(_peer_address(), dict(st.context.headers or {}),
                                         st.get_option("server.port")):
            _refuse(i18n.t("auth.local_mode.refused", lang), "non_local_client", address=address, page=page_id)
        account = roles.local_account()
    elif mode == roles.OIDC:
        account = _oidc_account(lang, address)
    else:
        account = _current_password_account(lang, address) or _login_form(lang, address)
    if not roles.can_open_page(account, page_id):
        _refuse(i18n.t("auth.forbidden_page", lang), "forbidden_page", account, address, page=page_id)
    return account


def _current_password_account(lang: str, address: str | None) -> roles.Account | None:
    """The session's account if the users file still holds it unchanged; a removed, demoted or re-keyed
    account ends its session here, on the next click, not at the next sign-in."""
    account = st.session_state.get(ACCOUNT_KEY)
    if account is None:
        return None
    try:
        current = accounts.account_fingerprint(account.username)
    except roles.AccountError:
        current = None  # a users file that cannot be read keeps nobody signed in
    if current is not None and current == st.session_state.get(ACCOUNT_FINGERPRINT_KEY):
        return account
    st.session_state.pop(ACCOUNT_KEY, None)
    st.session_state.pop(ACCOUNT_FINGERPRINT_KEY, None)
    audit.record("sign_out", account=account, address=address, details={"reason": "account_changed"})
    st.warning(i18n.t("auth.session_ended", lang))
    return None


def _login_form(lang: str, address: str | None) -> roles.Account:
    st.title(i18n.t("auth.login.title", lang))
    with st.form("login"):
        # the browser bounds what it sends; login.sign_in bounds it again for a client that does not
        username = st.text_input(i18n.t("auth.login.username", lang), key="widget.login_user",
                                 max_chars=accounts.MAX_USERNAME_LENGTH)
        password = st.text_input(i18n.t("auth.login.password", lang), type="password", key="widget.login_password",
                                 max_chars=accounts.MAX_PASSWORD_LENGTH)
        submitted = st.form_submit_button(i18n.t("auth.login.submit", lang), type="primary")
    if submitted:
        try:
            result = login.sign_in(username, password, address)
        except roles.AccountError:  # a damaged users file: say so, without its path or content
            st.error(i18n.t("auth.users_file_broken", lang))
            st.stop()
        if result.ok:
            st.session_state[ACCOUNT_KEY] = result.account
            st.session_state[ACCOUNT_FINGERPRINT_KEY] = accounts.account_fingerprint(result.account.username)
            st.rerun()
        st.error(safe_text.markdown(result.message(lang)))
    st.stop()


def _oidc_account(lang: str, address: str | None) -> roles.Account:
    if not st.user.is_logged_in:
        st.title(i18n.t("auth.login.title", lang))
        st.button(i18n.t("auth.oidc.login", lang), on_click=st.login, type="primary")
        st.stop()
    try:
        users = accounts.load_users()
    except roles.AccountError:  # a damaged users file: say so, without its path or content
        st.error(i18n.t("auth.users_file_broken", lang))
        st.stop()
    account = accounts.account_for_email(st.user.get("email"), users, st.user.get("email_verified"))
    if account is None:
        _refuse(i18n.t("auth.oidc.no_account", lang, email=safe_text.markdown(st.user.get("email"))),
                "no_account_for_email", address=address)
    if st.session_state.get(ACCOUNT_KEY) != account:  # one sign-in line per session
        audit.record("sign_in", account=account, address=address, details={"method": "oidc"})
        st.session_state[ACCOUNT_KEY] = account
    return account


def _sign_out() -> None:
    account = st.session_state.pop(ACCOUNT_KEY, None)
    audit.record("sign_out", account=account, address=_client_address())
    if access_mode.auth_mode(accounts.users_file(), _secrets()) == roles.OIDC:
        st.logout()


# ---------------------------------------------------------------- sidebar

def _set_filter(filter_: Filter, *, from_quarter_widget: bool = False) -> None:
    previous = st.session_state.get(FILTER_KEY)
    st.session_state[FILTER_KEY] = filter_
    if not from_quarter_widget and previous is not None and (previous.start, previous.end) != (filter_.start, filter_.end):
        st.session_state[QUARTER_WIDGET_VERSION] = st.session_state.get(QUARTER_WIDGET_VERSION, 0) + 1


def _on_language_change() -> None:
    st.session_state[LANG_KEY] = st.session_state["widget.lang"]


def _on_units_change() -> None:
    _set_filter(st.session_state[FILTER_KEY].with_units(st.session_state["widget.units"]))


def _quarter_widget_key() -> str:
    return f"widget.quarters.{st.session_state.get(QUARTER_WIDGET_VERSION, 0)}"


def _on_quarters_change() -> None:
    start, end = (Quarter.parse(text) for text in st.session_state[_quarter_widget_key()])
    _set_filter(Filter(st.session_state[FILTER_KEY].units, start, end), from_quarter_widget=True)


def _on_reset(span: DataSpan) -> None:
    _set_filter(span.default_filter())
    st.session_state[IGNORED_KEY] = ()  # the default view has nothing from the URL left to warn about


def _account_box(account: roles.Account, lang: str) -> None:
    if account.source == roles.LOCAL:
        st.caption(i18n.t("auth.local_mode.banner", lang))
        return
    st.caption(i18n.t("auth.signed_in_as", lang, username=account.username,
                      role=roles.role_label(account.role, lang)))
    st.button(i18n.t("auth.logout", lang), key="widget.logout", on_click=_sign_out, icon=":material/logout:")


def _sidebar(span: DataSpan, units: pd.DataFrame, account: roles.Account) -> None:
    lang, filter_ = st.session_state[LANG_KEY], st.session_state[FILTER_KEY]
    names = dict(zip(units["unit_id"], units["name_zh"] if lang == "zh" else units["name_en"]))
    quarter_options = [str(q) for q in span.quarters]
    by_text = {str(q): q for q in span.quarters}
    # Widgets are set from the non-widget keys on every run: that is what carries them across pages.
    st.session_state["widget.lang"] = lang
    st.session_state["widget.units"] = list(filter_.units)
    with st.sidebar:
        st.radio(i18n.t("sidebar.language", lang), list(LANGUAGE_NAMES), format_func=LANGUAGE_NAMES.get,
                 key="widget.lang", horizontal=True, on_change=_on_language_change)
        st.subheader(i18n.t("sidebar.filters", lang))
        st.multiselect(i18n.t("sidebar.units", lang), list(span.unit_ids), format_func=lambda u: names.get(u, u),
                       key="widget.units", placeholder=i18n.t("sidebar.units_placeholder", lang),
                       on_change=_on_units_change)
        st.select_slider(i18n.t("sidebar.quarters", lang), options=quarter_options, key=_quarter_widget_key(),
                         value=(str(filter_.start), str(filter_.end)), format_func=lambda text: i18n.quarter_label(by_text[text], lang), on_change=_on_quarters_change)
        st.button(i18n.t("sidebar.reset", lang), key="widget.reset", on_click=_on_reset, args=(span,),
                  width="stretch")
        st.divider()
        st.caption(i18n.t("nav.heading", lang))
        query_params = {**filter_.to_query_params(), "lang": lang}
        for script, page_id in NAVIGATION:
            if roles.can_open_page(account, page_id):
                st.page_link(script, label=i18n.t(f"nav.{page_id}", lang), query_params=query_params)
        st.divider()
        _account_box(account, lang)


def _page_header(page: Page, title_key: str) -> None:
    st.title(page.t(title_key))
    names = dict(zip(page.units["unit_id"], page.units["name_zh" if page.lang == "zh" else "name_en"]))
    shown_units = page.filter.units or (() if page.sees_all_units else tuple(page.span.unit_ids))
    if shown_units:  # chosen units, or the only units a unit account may see
        scope = ("、" if page.lang == "zh" else ", ").join(safe_text.markdown(names[u]) for u in shown_units
                                                         if u in names)
    else:
        scope = page.t("app.all_units", count=len(page.span.unit_ids))
    st.caption(page.t("app.caption", units=scope, period=page.period(),
                      data_date=page.span.last_day.isoformat() if page.span.last_day else "—"))
    if page.filter.is_to_date:  # the range runs past the data date: say what the figures are as of
        earlier = same_day_years_earlier(page.filter.as_of)
        st.caption(page.t("app.to_date_note", date=summary.date_text(page.filter.as_of, page.lang),
                          earlier=summary.date_text(earlier, page.lang)))
    ignored = st.session_state.get(IGNORED_KEY)
    if ignored:
        st.warning(page.t("app.url_ignored", values=", ".join(safe_text.markdown(value) for value in ignored)))
    if page.filter.units:
        st.button(page.t("filter.clear_units", units=scope), key="widget.clear_units", icon=":material/close:",
                  on_click=_clear_units, type="secondary")


def _clear_units() -> None:
    _set_filter(st.session_state[FILTER_KEY].with_units(()))


def _narrow_to_clicked_unit(chart_key: str) -> None:
    """A click on a unit's bar narrows the whole dashboard to that unit (the chip above clears it)."""
    points = st.session_state[chart_key].selection.points
    # the "other units" bar of a long list carries no unit id: a click on it narrows nothing
    unit_ids = [point.get("customdata") for point in points if point.get("customdata")]
    if unit_ids:
        unit_id = unit_ids[0][0] if isinstance(unit_ids[0], list) else unit_ids[0]
        _set_filter(st.session_state[FILTER_KEY].with_units([unit_id]))
        # a fresh chart key drops the stale selection highlight from the redrawn chart
        st.session_state[SELECTION_VERSION] = st.session_state.get(SELECTION_VERSION, 0) + 1


# ---------------------------------------------------------------- cards

def kpi_row(cards: list[Kpi]) -> None:
    # One row of columns; assets/app.css wraps five or more cards three to a row (two on a phone), so no value
    # is cut and a phone shows a compact grid.
    for column, card in zip(st.columns(len(cards)), cards):
        # a help text may name a unit (the profile's "compared with the average of …"): data, so escaped
        column.metric(card.label, card.display, card.delta, delta_color=card.delta_color,
                      help=safe_text.markdown(card.help), border=True, delta_arrow=card.delta_arrow,
                      delta_description=card.basis)
        if card.secondary:
            column.caption(card.secondary)


def chart_card(page: Page, spec: charts.ChartSpec) -> None:
    """One chart in a bordered card, or a translated "no data" note where the selection has nothing."""
    frame = page.query(spec.query)
    with st.container(border=True):
        if charts.is_empty(frame, spec.value_columns):
            st.markdown(f"**{spec.title(page.lang)}**")
            st.info(f"{page.t('empty.no_data')}。{page.t('empty.hint')}" if page.lang == "zh"
                    else f"{page.t('empty.no_data')}. {page.t('empty.hint')}")
            return
        figure = spec.build(frame, page.lang)
        context = page.export_context
        # no camera in the modebar: images leave through the 下载 menu, marked and audited
        config = export.chart_plotly_config(spec, figure, context)
        if spec.selects_unit:
            key = f"chart.{spec.key}.{st.session_state.get(SELECTION_VERSION, 0)}"
            st.plotly_chart(figure, theme=None, key=key, config=config, selection_mode="points",
                            on_select=functools.partial(_narrow_to_clicked_unit, key))
            st.caption(page.t("chart.click_hint"))
        else:
            st.plotly_chart(figure, theme=None, key=f"chart.{spec.key}", config=config)
        if page.can_download:
            _download_row(page, spec, export.chart_downloads(spec, frame, figure, context))


def _audited(page: Page, file_name: str, make, made_with: marking.Marking | None = None):
    """The bytes of a download, with an audit line saying who took what under which filter, and the marking
    and watermark the file carries (``made_with``: a pack built on an earlier run carries that run's)."""
    made_with = made_with or page.marking
    # read now: the bytes are made later, on Streamlit's media request, outside this session's context
    address = _client_address()

    def make_and_record() -> bytes:
        data = make() if callable(make) else make
        audit.record("download", account=page.account, address=address,
                     details={"file": file_name, "filter": audit.describe_filter(page.scoped_filter),
                              "marking": made_with.label, "watermark": made_with.watermark})
        return data
    return make_and_record


def _download_row(page: Page, spec: charts.ChartSpec, downloads: list[export.ChartDownload]) -> None:
    """PNG, SVG, CSV and XLSX buttons; without a browser the image buttons give way to how to install one."""
    has_browser = export.find_browser() is not None
    # one popover per chart: the buttons inside are drawn only when it opens, which keeps the page quick
    row = st.popover(page.t("download.menu"), icon=":material/download:")
    for download in downloads:
        if download.needs_browser and not has_browser:
            continue
        # data=callable: made (and audited) only when someone clicks, not on every rerun
        row.download_button(page.t(f"download.{download.kind}"), data=_audited(page, download.file_name, download.make),
                               file_name=download.file_name,
                               mime=download.mime, key=f"download.{spec.key}.{download.kind}", on_click="ignore",
                               icon=":material/download:", width="content",
                               help=page.t("download.help", file_name=download.file_name))
    if not has_browser:
        st.caption(export.ImageRendererMissing().message(page.lang))


def chart_grid(page: Page, specs: tuple[charts.ChartSpec, ...], columns: int = 2) -> None:
    for start in range(0, len(specs), columns):
        for column, spec in zip(st.columns(columns), specs[start:start + columns]):
            with column:
                chart_card(page, spec)


def table_card(page: Page, title_key: str, frame: pd.DataFrame, *, search_key: str | None = None,
               height: int | None = None, empty_key: str = "empty.no_rows") -> None:
    """A sortable table (click a header) under a title; with ``search_key``, a search box filters its rows."""
    if search_key:
        _searchable_table(page, title_key, frame, search_key, height, empty_key)
    else:
        _table(page, title_key, frame, None, height, empty_key)


@st.fragment
def _searchable_table(page: Page, title_key: str, frame: pd.DataFrame, search_key: str, height: int | None,
                      empty_key: str) -> None:
    # a fragment: typing in the search box reruns this table only, not every chart above it
    _table(page, title_key, frame, search_key, height, empty_key)


def _table(page: Page, title_key: str, frame: pd.DataFrame, search_key: str | None, height: int | None,
           empty_key: str) -> None:
    from oversight.present import tables

    with st.container(border=True):
        st.markdown(f"**{page.t(title_key)}**")
        if search_key:
            text = st.text_input(page.t("table.search"), key=search_key, placeholder=page.t("table.search_hint"))
            frame = tables.search(frame, text)
        if frame.empty:
            st.info(page.t(empty_key))
            return
        st.caption(page.t("table.row_count", count=len(frame)))
        st.dataframe(frame, hide_index=True, width="stretch", height=height or "auto")


def figure_card(page: Page, key: str, figure) -> None:
    """A figure built on the page (not from a ChartSpec), in the same bordered card."""
    with st.container(border=True):
        st.plotly_chart(figure, theme=None, key=f"chart.{key}",
                        config={"displaylogo": False, "modeBarButtonsToRemove": ["toImage"]})


def for_unit(page: Page, unit_id: str) -> Page:
    """The same page, its queries narrowed to one unit (the profile's unit) without touching the shared filter."""
    return dataclasses.replace(page, filter=page.filter.with_units([unit_id]))


def _on_profile_unit_change(widget_key: str) -> None:
    _set_filter(st.session_state[FILTER_KEY].with_units([st.session_state[widget_key]]))


def unit_picker(page: Page) -> str:
    """Pick one unit for the profile: the filter's first unit, else the first unit listed.

    Picking one makes it the dashboard's unit filter (so it follows to other pages and into the URL);
    merely opening the page narrows nothing.
    """
    options = list(page.span.unit_ids)
    current = page.filter.units[0] if page.filter.units else options[0]
    key = f"widget.profile_unit.{current}"  # rebuilt when the filter changes elsewhere
    st.selectbox(page.t("profile.pick_unit"), options, index=options.index(current), format_func=page.unit_name,
                 key=key, on_change=_on_profile_unit_change, args=(key,))
    return current


def section(page: Page, title_key: str) -> None:
    st.subheader(page.t(title_key))


@st.fragment
def briefing_panel(page: Page, specs: tuple[charts.ChartSpec, ...], key: str, build_label_key: str) -> None:
    """Build the briefing pack for the current filter, with a progress bar, then offer its four files.

    A fragment: the build (2–3 s) and its progress bar rerun this panel only, not the charts above it.
    """
    if not page.can_download:
        return
    if export.find_browser() is None:
        st.warning(export.ImageRendererMissing().message(page.lang))
        return
    state_key = f"oversight.briefing.{key}"
    if st.button(page.t(build_label_key), key=f"widget.build_{key}", type="primary", icon=":material/slideshow:",
                 disabled=not specs):
        bar = st.progress(0.0, text=page.t("export.progress.queries"))
        pack = briefing.build_briefing_pack(page.query, page.filter, page.lang, specs,
                                            progress=lambda fraction, message: bar.progress(min(fraction, 1.0), text=message),
                                            marking=page.marking)
        st.session_state[state_key] = (page.filter, page.lang, tuple(s.key for s in specs), pack)
    stored = st.session_state.get(state_key)
    if not stored:
        return
    built_for, built_lang, built_specs, pack = stored
    if (built_for, built_lang, built_specs) != (page.filter, page.lang, tuple(s.key for s in specs)):
        st.info(page.t("briefing.stale"))
        return
    st.success(page.t("briefing.ready", period=page.period()))
    for column, file_format in zip(st.columns(len(pack.files)), pack.files):
        column.download_button(page.t(f"briefing.{file_format}"),
                               data=_audited(page, pack.file_names[file_format], pack.files[file_format],
                                             pack.report.marking),
                               file_name=pack.file_names[file_format], mime=pack.mime(file_format),
                               key=f"download.{key}.{file_format}", on_click="ignore", icon=":material/download:",
                               width="stretch")


def _on_group_all(all_key: str, choice_key: str, keys: tuple[str, ...]) -> None:
    st.session_state[choice_key] = list(keys) if st.session_state[all_key] else []


def _on_group_choice(all_key: str, choice_key: str, keys: tuple[str, ...]) -> None:
    st.session_state[all_key] = set(st.session_state[choice_key]) == set(keys)


def chart_choice(page: Page, groups: tuple[tuple[str, tuple[charts.ChartSpec, ...]], ...]) -> tuple[charts.ChartSpec, ...]:
    """Which charts go into the pack, grouped by the page they are on, each group with "select all"; all by default."""
    st.markdown(f"**{page.t('briefing.charts')}**")
    chosen: list[charts.ChartSpec] = []
    cells = [cell for _ in range(0, len(groups), 3) for cell in st.columns(3)]
    for cell, (page_id, specs) in zip(cells, groups):
        keys = tuple(spec.key for spec in specs)
        by_key = {spec.key: spec for spec in specs}
        all_key, choice_key = f"widget.briefing_all.{page_id}.{page.lang}", f"widget.briefing_charts.{page_id}.{page.lang}"
        # state set here, not as the widgets' defaults: the callbacks change it, and Streamlit refuses both
        st.session_state.setdefault(all_key, True)
        st.session_state.setdefault(choice_key, list(keys))
        with cell.container(border=True):
            st.checkbox(page.t("briefing.select_all", page=page.t(f"nav.{page_id}")), key=all_key,
                        on_change=_on_group_all, args=(all_key, choice_key, keys))
            picked = st.multiselect(page.t(f"nav.{page_id}"), list(keys), key=choice_key,
                                    format_func=lambda k, by_key=by_key: by_key[k].title(page.lang),
                                    label_visibility="collapsed", on_change=_on_group_choice,
                                    args=(all_key, choice_key, keys))
        chosen += [by_key[key] for key in picked]
    if not chosen:
        st.warning(page.t("briefing.none_selected"))
    return tuple(chosen)


def text(page: Page, key: str, **params: object) -> None:
    st.markdown(page.t(key, **{name: safe_text.markdown(value) for name, value in params.items()}))


# ---------------------------------------------------------------- data management (数据管理)

_PLAN_KEY = "oversight.import_plan"


def _problem_rows(problems, lang: str) -> pd.DataFrame:
    return pd.DataFrame([{
        i18n.t("data.ui.col_file", lang): p.file, i18n.t("data.ui.col_sheet", lang): p.sheet or "",
        i18n.t("data.ui.col_row", lang): p.row, i18n.t("data.ui.col_column", lang):
            f"{p.column_letter} {p.column}" if p.column_letter else (p.column or ""),
        i18n.t("data.ui.col_problem", lang): p.message(lang),
    } for p in problems])


def import_section(page: Page) -> None:
    """Upload → check (validation report and preview, nothing written) → import (atomic, with history)."""
    from oversight import ingest
    from oversight.contract.schema import LOAD_ORDER
    from oversight.ingest import importer

    st.subheader(page.t("data.ui.import_heading"))
    # the limit the importer enforces, so the box does not promise Streamlit's default 200 MB
    uploads = st.file_uploader(page.t("data.ui.upload"), type=["xlsx", "csv"], accept_multiple_files=True,
                               key="widget.uploads", help=page.t("data.ui.upload_help"),
                               max_upload_size=max(1, ingest.max_upload_bytes() // (1024 * 1024)))
    table_options = ["", *LOAD_ORDER]
    columns = st.columns(2)
    table = columns[0].selectbox(page.t("data.ui.table"), table_options, key="widget.import_table",
                                 format_func=lambda n: page.t("data.ui.detect") if not n else page.t(f"data.table.{n}"))
    mode = columns[1].radio(page.t("data.ui.mode"), list(importer.MODES), key="widget.import_mode", horizontal=True,
                            format_func=lambda m: page.t(f"data.mode.{m}"))
    if st.button(page.t("data.ui.check"), key="widget.import_check", disabled=not uploads, icon=":material/fact_check:"):
        sources = [ingest.Upload(upload.name, upload.getvalue()) for upload in uploads]
        st.session_state[_PLAN_KEY] = importer.plan_import(sources, table or None, mode, Path(page.folder))
    plan = st.session_state.get(_PLAN_KEY)
    if plan is None:
        return
    for change in plan.changes.values():
        st.markdown("- " + page.t("data.report.table", table=page.t(f"data.table.{change.table}"),
                                  sources="、".join(safe_text.markdown(source) for source in change.sources),
                                  mode=page.t(f"data.mode.{change.mode}"),
                                  rows=change.rows_in_file, before=change.rows_before, after=change.rows_after,
                                  added=len(change.added), changed=len(change.changed), removed=len(change.removed)))
    for line in importer.skipped_lines(plan, page.lang):
        st.caption(safe_text.markdown(line))
    if plan.problems:
        st.error(page.t("data.report.failed", count=len(plan.problems)))
        st.dataframe(_problem_rows(plan.problems, page.lang), hide_index=True, width="stretch")
        return
    if not plan.ok:
        return
    st.success(page.t("data.report.ok"))
    for name, frame in plan.frames.items():
        with st.expander(page.t("data.ui.preview", table=page.t(f"data.table.{name}"), rows=len(frame))):
            st.dataframe(frame.head(50), hide_index=True, width="stretch")
    if st.button(page.t("data.ui.apply"), key="widget.import_apply", type="primary", icon=":material/upload:"):
        address = _client_address()

        def record(entry) -> None:  # before the first file is replaced: no audit line, no import
            audit.record("import", account=page.account, address=address,
                         details={"history": entry.id, "sources": list(entry.sources), "mode": entry.mode,
                                  "tables": {name: info.get("rows_after") for name, info in entry.tables.items()}})
        try:
            entry = importer.apply_import(plan, user=page.account.username, before_commit=record)
        except Exception as error:  # the folder is left as it was; say so in the user's language
            st.error(_commit_failure(page, error))
            return
        del st.session_state[_PLAN_KEY]
        st.success(page.t("data.report.imported", id=entry.id))


def history_section(page: Page) -> None:
    from oversight.ingest import importer

    st.subheader(page.t("data.ui.history_heading"))
    entries = importer.list_history(Path(page.folder))
    if entries.damaged:
        st.warning(safe_text.markdown(page.t("data.history.damaged", ids=", ".join(entries.damaged))))
    if not entries:
        st.caption(page.t("data.history.empty"))
        return
    for entry in reversed(entries[-10:]):
        st.markdown("- " + safe_text.markdown(importer.render_entry(entry, page.lang)))
    if st.button(page.t("data.ui.undo"), key="widget.undo", icon=":material/undo:"):
        address = _client_address()

        def record(entry) -> None:  # before the first file is restored: no audit line, no undo
            audit.record("undo", account=page.account, address=address,
                         details={"history": entry.id, "undoes": entry.undoes})
        try:
            entry = importer.undo_last(Path(page.folder), user=page.account.username, before_commit=record)
        except Exception as error:
            st.error(_commit_failure(page, error))
            return
        st.success(page.t("data.report.undone", undoes=entry.undoes, id=entry.id))


def _commit_failure(page: Page, error: Exception) -> str:
    """What to tell an admin whose import or undo did not happen: the reason in their language, no server path."""
    from oversight.ingest import importer

    return safe_text.markdown(importer.describe_failure(error, page.lang))


def data_downloads_section(page: Page) -> None:
    """The current data of every table, and an empty template with drop-down lists, as .xlsx."""
    from oversight.contract.schema import LOAD_ORDER, TABLES
    from oversight.ingest import templates, workbook

    st.subheader(page.t("data.ui.downloads_heading"))
    connection = _open_store(page.folder, page.fingerprint)
    for name in LOAD_ORDER:
        table = TABLES[name]
        label = page.t(f"data.table.{name}")
        left, right = st.columns(2)
        current = lambda table=table: workbook.table_xlsx_bytes(table, connection.cursor().table(table.name).df(),
                                                                 page.units)
        left.download_button(page.t("data.ui.download_current", table=label), data=current,
                             file_name=f"{table.zh}_{page.span.last_day}.xlsx", key=f"download.current.{name}",
                             on_click="ignore", icon=":material/table:", width="stretch",
                             mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        right.download_button(page.t("data.ui.download_template", table=label),
                              data=lambda table=table: templates.template_xlsx_bytes(table, page.units, page.lang),
                              file_name=f"{table.zh}_{page.t('data.ui.template_suffix')}.xlsx",
                              key=f"download.template.{name}", on_click="ignore", icon=":material/edit_note:",
                              width="stretch",
                              mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# ---------------------------------------------------------------- audit log (admins)

def audit_section(page: Page) -> None:
    """The audit log, newest first, filtered by account, action and dates."""
    entries = audit.read_audit()
    columns = st.columns(4)
    names = sorted({e.get("account") or "" for e in entries} - {""})
    actions = sorted({e["action"] for e in entries})
    account = columns[0].selectbox(page.t("auth.audit.filter.account"), ["", *names], key="widget.audit_account",
                                   format_func=lambda n: n or "—")
    action = columns[1].selectbox(page.t("auth.audit.filter.action"), ["", *actions], key="widget.audit_action",
                                  format_func=lambda a: page.t(f"auth.audit.action.{a}") if a else "—")
    since = columns[2].date_input(page.t("auth.audit.filter.since"), value=None, key="widget.audit_since")
    until = columns[3].date_input(page.t("auth.audit.filter.until"), value=None, key="widget.audit_until")
    import datetime as _datetime

    shown = audit.read_audit(account=account or None, action=action or None,
                             since=_datetime.datetime.combine(since, _datetime.time()) if since else None,
                             until=_datetime.datetime.combine(until, _datetime.time()) + _datetime.timedelta(days=1)
                             if until else None)
    if getattr(entries, "skipped", 0):
        st.warning(page.t("auth.audit.skipped", count=entries.skipped))
    if not shown:
        st.info(page.t("auth.audit.empty"))
        return
    rows = [{
        page.t("auth.audit.column.at"): e.get("at"), page.t("auth.audit.column.account"): e.get("account"),
        page.t("auth.audit.column.role"): roles.role_label(e["role"], page.lang) if e.get("role") else "",
        page.t("auth.audit.column.action"): page.t(f"auth.audit.action.{e['action']}"),
        page.t("auth.audit.column.address"): e.get("address"),
        page.t("auth.audit.column.details"): json.dumps(e.get("details") or {}, ensure_ascii=False),
    } for e in reversed(shown)]
    st.caption(page.t("table.row_count", count=len(rows)))
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
