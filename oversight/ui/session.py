"""The session's state: the keys that carry language, filter and account across pages, and the URL's values.

The filter lives in a non-widget session key, so it survives moving between pages; widgets are set from these
keys on every run. Every module of the package reads and writes the state through the names here.
"""

from __future__ import annotations

import streamlit as st

from oversight.core import i18n
from oversight.data.filters import Filter

FILTER_KEY = "oversight.filter"
LANG_KEY = "oversight.lang"
IGNORED_KEY = "oversight.ignored_url_values"
# A range select_slider only stays a range when built with value=(a, b), which cannot be combined with
# setting its state; so it is rebuilt under a new key whenever the filter changes from elsewhere.
QUARTER_WIDGET_VERSION = "oversight.quarter_widget_version"
SELECTION_VERSION = "oversight.selection_version"
ACCOUNT_KEY = "oversight.account"
# the account's entry when the session signed in (``accounts.account_fingerprint``), password and OIDC alike: a
# disable, by ``user disable`` or by hand, changes it for good, and the session ends even when the account is
# enabled again before the next click
ACCOUNT_FINGERPRINT_KEY = "oversight.account_fingerprint"
REFUSAL_LOGGED_KEY = "oversight.refusal_logged"
# The view the app last wrote to the address bar (``url_view`` form). A run that finds another view there was
# started by the browser moving in its history (Back, Forward): the app then shows the view the address holds.
URL_WRITTEN_KEY = "oversight.url_written"
# Set by a widget's callback, read once at the start of the run it starts: that run shows the widget's choice even
# when its address is not the one the app last wrote (the leader chose before that address reached a busy browser).
CHOSEN_ON_SCREEN_KEY = "oversight.chosen_on_screen"
# Tests set this to stand in for a browser's address; a browser cannot set a session key that is not a widget.
TEST_ADDRESS_KEY = "oversight.test_client_address"


def start_over() -> None:
    """Forget everything the session holds but its language (and a test's stand-in address): at a sign-in, a
    sign-out and an account changed under the session. A unit account signing in after an admin in the same tab
    kept the admin's filter (its units' figures showed as zeros under an empty scope) and was offered the admin's
    briefing pack, watermarked with the admin's name; from nothing, the next run reads the address as a new visit
    does, and drops units the account may not see, saying so."""
    for key in list(st.session_state.keys()):
        if key not in (LANG_KEY, TEST_ADDRESS_KEY):
            del st.session_state[key]


def begin_signed_in(account: object, fingerprint: object) -> None:
    """Start the session of an account that has just signed in (password, remembered or single sign-on).

    A data folder changed before this release marked folders (``accounts_marker``: only a signed-in change marks
    one) is marked now: an office upgraded with months of history would otherwise stay open to a command line
    whose users file is pointed at nothing, until its first signed-in import. A folder never changed is left
    unmarked, so a look at the sample data with an account does not close it to local mode."""
    from pathlib import Path

    from oversight.auth import accounts, accounts_marker
    from oversight.data import store
    from oversight.ingest.import_history import HISTORY_DIR

    start_over()
    st.session_state[ACCOUNT_KEY] = account
    st.session_state[ACCOUNT_FINGERPRINT_KEY] = fingerprint
    folder = Path(store.data_dir())
    if (folder / HISTORY_DIR).is_dir():
        accounts_marker.remember_accounts(folder, accounts.users_file())


def first_query_value(name: str) -> str | None:
    values = st.query_params.get_all(name)
    return values[0] if values else None


def session_language() -> str:
    """The session's language, or, before the session has one (sign-in, a data error), the URL's."""
    return i18n.normalise_language(st.session_state.get(LANG_KEY) or first_query_value("lang"))


def note_chosen_on_screen() -> None:
    """This run was started by a widget (a filter, the language): it is not a step in the browser's history."""
    st.session_state[CHOSEN_ON_SCREEN_KEY] = True


def take_chosen_on_screen() -> bool:
    """Whether a widget started this run; asked once, at the start of the run."""
    return bool(st.session_state.pop(CHOSEN_ON_SCREEN_KEY, False))


def set_filter(filter_: Filter, *, from_quarter_widget: bool = False, from_address: bool = False) -> None:
    previous = st.session_state.get(FILTER_KEY)
    st.session_state[FILTER_KEY] = filter_
    if not from_address:
        note_chosen_on_screen()
        notes = st.session_state.get(IGNORED_KEY)
        if notes and previous is not None:  # what the link's notes said of the part now chosen on screen is past
            st.session_state[IGNORED_KEY] = notes.after_choosing(
                quarters=(previous.start, previous.end) != (filter_.start, filter_.end),
                units=previous.units != filter_.units,
            )
    if (
        not from_quarter_widget
        and previous is not None
        and (previous.start, previous.end) != (filter_.start, filter_.end)
    ):
        st.session_state[QUARTER_WIDGET_VERSION] = st.session_state.get(QUARTER_WIDGET_VERSION, 0) + 1


def view_params(filter_: Filter, lang: str) -> dict[str, list[str] | str]:
    """The URL parameters of a view: its filter and language (the address bar, the nav, links to a view)."""
    return {**filter_.to_query_params(), "lang": lang}


VIEW_PARAMS = ("unit", "from", "to", "day", "lang")


def url_view() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The view the address bar holds now, in a form two addresses compare by (the parameters of ``view_params``)."""
    return tuple((name, tuple(st.query_params.get_all(name))) for name in VIEW_PARAMS)


def written_view(filter_: Filter, lang: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``url_view`` of the address ``view_params`` writes."""
    params = view_params(filter_, lang)

    def values(name: str) -> tuple[str, ...]:
        value = params.get(name, [])
        return tuple(value) if isinstance(value, list) else (value,)

    return tuple((name, values(name)) for name in VIEW_PARAMS)
