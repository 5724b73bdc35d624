"""The sidebar: language, the unit and quarter filter, the nav, the account box; and the URL that mirrors them,
so a leader can bookmark or send a view."""

from __future__ import annotations

import streamlit as st

from oversight.auth import roles
from oversight.charts.style import own_short_names
from oversight.core import i18n, safe_text
from oversight.data.filters import DataSpan, Filter, Quarter, UrlNotes
from oversight.ui import session, sign_in
from oversight.ui.page import Page

# pages whose content the unit and quarter filter does not cut: the data page's whole ledgers, the audit log (it has
# its own dates). Their sidebar says so instead of offering the filter; the view stays in the URL and the nav links.
UNFILTERED_PAGES = frozenset({"data", "audit"})

# (script, page id for the access rules in oversight.auth.roles): drawn by hand because the automatic nav
# cannot be translated.
NAVIGATION = (
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


def sync_url(lang: str, filter_: Filter) -> None:
    """The URL says the view on screen: units, quarters and language. Streamlit's page pushes a browser history
    entry when the address changes, so each filter change is a step Back can undo (``setup._follow_history``)."""
    st.query_params.from_dict(session.view_params(filter_, lang))
    st.session_state[session.URL_WRITTEN_KEY] = session.written_view(filter_, lang)


def _language_name(lang: str) -> str:
    return i18n.t("sidebar.language_name", lang)


def _on_language_change() -> None:
    st.session_state[session.LANG_KEY] = st.session_state["widget.lang"]
    session.note_chosen_on_screen()


def _on_units_change(span: DataSpan) -> None:
    chosen = span.chosen_units(st.session_state["widget.units"])
    session.set_filter(st.session_state[session.FILTER_KEY].with_units(chosen))


def _quarter_widget_key() -> str:
    return f"widget.quarters.{st.session_state.get(session.QUARTER_WIDGET_VERSION, 0)}"


def _on_quarters_change() -> None:
    start, end = (Quarter.parse(text) for text in st.session_state[_quarter_widget_key()])
    session.set_filter(Filter(st.session_state[session.FILTER_KEY].units, start, end), from_quarter_widget=True)


def _on_reset(span: DataSpan) -> None:
    session.set_filter(span.default_filter())
    st.session_state[session.IGNORED_KEY] = UrlNotes()  # the default view has nothing from the URL left to warn about


def _account_box(account: roles.Account, lang: str) -> None:
    if account.source == roles.LOCAL:
        st.caption(i18n.t("auth.local_mode.banner", lang))
        return
    # a name may be an e-mail address (zhang.san@gov.cn), which Markdown made a mailto link
    named = safe_text.markdown(account.username)
    st.caption(i18n.t("auth.signed_in_as", lang, username=named, role=roles.role_label(account.role, lang)))
    st.button(i18n.t("auth.logout", lang), key="widget.logout", on_click=sign_in.sign_out, icon=":material/logout:")


def _units_placeholder(span: DataSpan, names: dict[str, str], account: roles.Account, lang: str) -> str:
    """What the empty unit filter stands for: every unit for a full-scope account; for a unit account its own units,
    by name where it has one. "全部单位" over a unit account's page read, in a screenshot, as the whole team's."""
    if account.scope.unrestricted:
        return i18n.t("sidebar.units_placeholder", lang)
    if len(span.unit_ids) == 1:
        return names.get(span.unit_ids[0], span.unit_ids[0])
    return i18n.t("sidebar.units_placeholder_scoped", lang, count=len(span.unit_ids))


def _filter_widgets(span: DataSpan, names: dict[str, str], account: roles.Account, lang: str) -> None:
    filter_ = st.session_state[session.FILTER_KEY]
    quarter_options = [str(q) for q in span.quarters]
    by_text = {str(q): q for q in span.quarters}
    st.multiselect(
        i18n.t("sidebar.units", lang),
        list(span.unit_ids),
        format_func=lambda u: names.get(u, u),
        key="widget.units",
        placeholder=_units_placeholder(span, names, account, lang),
        on_change=_on_units_change,
        args=(span,),
    )
    st.select_slider(
        i18n.t("sidebar.quarters", lang),
        options=quarter_options,
        key=_quarter_widget_key(),
        value=(str(filter_.start), str(filter_.end)),
        format_func=lambda text: i18n.quarter_label(by_text[text], lang),
        on_change=_on_quarters_change,
    )
    st.button(i18n.t("sidebar.reset", lang), key="widget.reset", on_click=_on_reset, args=(span,), width="stretch")


def sidebar(page: Page, page_id: str) -> None:
    span, units, account = page.span, page.units, page.account
    lang, filter_ = st.session_state[session.LANG_KEY], st.session_state[session.FILTER_KEY]
    # in English the chips name units as the charts do (Page.unit_label)
    shown = own_short_names(units, lang) if lang == "en" else list(units[i18n.localized_column("name", lang)])
    names = dict(zip(units["unit_id"], shown))
    # Widgets are set from the non-widget keys on every run: that is what carries them across pages.
    st.session_state["widget.lang"] = lang
    st.session_state["widget.units"] = list(filter_.units)
    with st.sidebar:
        # each language offered in its own name
        st.radio(
            i18n.t("sidebar.language", lang),
            list(i18n.LANGUAGES),
            format_func=_language_name,
            key="widget.lang",
            horizontal=True,
            on_change=_on_language_change,
        )
        st.subheader(i18n.t("sidebar.filters", lang), anchor=False)
        if page_id in UNFILTERED_PAGES:
            # the view is kept (URL, nav links), only not offered here: the caption says which view the other pages
            # show, so a leader back on the Overview finds the units and quarters left there
            st.caption(i18n.t("sidebar.filters_not_here", lang, units=page.scope_text(), period=page.period()))
        else:
            _filter_widgets(span, names, account, lang)
        st.divider()
        st.caption(i18n.t("nav.heading", lang))
        query_params = session.view_params(filter_, lang)
        for script, nav_id in NAVIGATION:
            if roles.can_open_page(account, nav_id):
                st.page_link(script, label=i18n.t(f"nav.{nav_id}", lang), query_params=query_params)
        st.divider()
        _account_box(account, lang)
