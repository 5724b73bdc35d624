"""Who is asking: the sign-in (password form or OIDC), the refusal of a page or a client, sign-out, and the
browser's address every audit line carries."""

from __future__ import annotations

import logging
from collections.abc import Callable

import streamlit as st

from oversight.auth import access_mode, accounts, audit, login, roles
from oversight.core import i18n, safe_text
from oversight.ui import remembered_sign_in, session, setup_problems


def client_address() -> str | None:
    """The browser's address: the websocket's peer, or, when that peer is a trusted proxy
    (``OVERSIGHT_TRUSTED_PROXIES``), the client the proxy names (``oversight.auth.client_address``)."""
    from oversight.auth import client_address as addresses

    return addresses.client_address(_peer_address(), dict(st.context.headers or {}))


def _peer_address() -> str | None:
    """The address the websocket came from (a proxy's, behind one); None where it cannot be known."""
    if session.TEST_ADDRESS_KEY in st.session_state:
        return st.session_state[session.TEST_ADDRESS_KEY]
    from streamlit.runtime import Runtime, exists
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    context = get_script_run_ctx()
    client = Runtime.instance().get_client(context.session_id) if exists() and context else None
    # st.context.ip_address hides loopback addresses, so read the peer the websocket came from;
    # anything but an address string (no client, a test double) is unknown, and unknown is not local
    remote_ip = getattr(getattr(client, "client_context", None), "remote_ip", None)
    return remote_ip if isinstance(remote_ip, str) else None


def configured_secrets() -> dict:
    try:
        return st.secrets.to_dict()
    except Exception:  # no secrets file: nothing configured
        return {}


def record_refusal_once(
    account: roles.Account | None, address: str | None, details: dict[str, object], *, once_per: tuple
) -> None:
    """A ``refused`` audit line, once per session for each ``once_per`` (the reason and what it was about): a reload
    loop, or a link carried from page to page, must not flood the log."""
    logged = st.session_state.setdefault(session.REFUSAL_LOGGED_KEY, set())
    if not isinstance(logged, set):
        logged = st.session_state[session.REFUSAL_LOGGED_KEY] = set()
    if once_per not in logged:
        audit.record("refused", account=account, address=address, details=details)
        logged.add(once_per)


def _refuse(
    message: str, reason: str, account: roles.Account | None = None, address: str | None = None, page: str | None = None
) -> None:
    record_refusal_once(account, address, {"reason": reason, "page": page}, once_per=(reason, page))
    st.error(message)
    st.stop()


def signed_in_account(page_id: str) -> roles.Account:
    """The account this session acts as; draws the sign-in (and stops the page) until there is one. Where the audit
    log cannot be written, nobody is let in (a sign-in, a refusal, a sign-out are audited) and the page says why in
    the reader's language: Streamlit's own English error box, with its "Ask Google" link, showed instead."""
    try:
        return _signed_in_account(page_id)
    except audit.AuditError as error:
        stop_for_audit(error)
        raise  # not reached: stop_for_audit stops the run


def stop_for_audit(error: audit.AuditError) -> None:
    """Say that the audit log cannot be written (the operator's log has the path and the reason) and stop."""
    logging.getLogger(__name__).error("audit log unwritable: %s", error)
    message = i18n.t("error.audit_unwritable", session.session_language())
    st.error(message[:1].upper() + message[1:])  # a sentence of its own here (the CLI's follows a file name)
    st.stop()


def _signed_in_account(page_id: str) -> roles.Account:
    lang = session.session_language()
    try:
        users = accounts.users_file()
    except roles.AccountError as error:  # set up wrongly (the file inside the repository): say so, not a traceback
        setup_problems.detail_shown_to(None, "users file refused", error.render("en"))  # nobody signed in: the log
        st.error(i18n.t("auth.users_file_misplaced", lang))  # the path is for the operator's log, not the screen
        st.stop()
    mode = access_mode.auth_mode(users, configured_secrets())
    address = client_address()
    if mode == roles.LOCAL:
        # a loopback peer, a loopback Host and Origin (no DNS rebinding), and no proxy relaying someone else
        if not access_mode.is_local_request(
            _peer_address(), dict(st.context.headers or {}), st.get_option("server.port")
        ):
            _refuse(i18n.t("auth.local_mode.refused", lang), "non_local_client", address=address, page=page_id)
        _refuse_local_trust_on_a_guarded_folder(lang, address, page_id)
        account = roles.local_account()
    elif mode == roles.OIDC:
        account = _oidc_account(lang, address)
    else:
        account = (
            _current_password_account(lang, address)
            or remembered_sign_in.restored_account(address)
            or _login_form(lang, address)
        )
        remembered_sign_in.send_pending()  # the first run after a sign-in hands the browser its cookie
    return account  # whether it may open this page is asked once its sidebar is drawn (refuse_forbidden_page)


def refuse_forbidden_page(
    account: roles.Account, page_id: str, lang: str, back_params: dict[str, list[str] | str]
) -> None:
    """A page the account may not open is refused inside the page's frame, asked after the sidebar is drawn and
    before anything of the page: a link an admin sent to /data left a unit account on one line, with no page list,
    no sign-out and no way back but the address bar. ``back_params`` is the view the link back to the Overview
    keeps (filter and language)."""
    if roles.can_open_page(account, page_id):
        return
    try:
        details: dict[str, object] = {"reason": "forbidden_page", "page": page_id}
        record_refusal_once(account, client_address(), details, once_per=("forbidden_page", page_id))
    except audit.AuditError as error:
        stop_for_audit(error)
    st.error(i18n.t("auth.forbidden_page", lang))
    st.page_link(
        "app.py", label=i18n.t("auth.forbidden_page_back", lang), query_params=back_params, icon=":material/home:"
    )
    st.stop()


def _refuse_local_trust_on_a_guarded_folder(lang: str, address: str | None, page_id: str) -> None:
    """Local mode only where the install never had accounts (the command line's rule): an environment that
    points the users file at nothing does not turn a guarded folder into an open one. The reason, with its
    paths, goes to the audit log for the operator; the screen says what to do without them."""
    from oversight.data import store

    problem = accounts.local_trust_refusal(store.data_dir())
    if problem is None:
        return
    logged = st.session_state.setdefault(session.REFUSAL_LOGGED_KEY, set())
    if isinstance(logged, set) and ("accounts_required", page_id) not in logged:
        audit.record(
            "refused", address=address, details={"reason": "accounts_required", "problem": problem.render("en")}
        )
        logged.add(("accounts_required", page_id))
    st.error(i18n.t("auth.local_mode.accounts_required", lang))
    st.stop()


def _current_password_account(lang: str, address: str | None) -> roles.Account | None:
    """The session's account if the users file still holds it unchanged; a removed, demoted or re-keyed
    account ends its session here, on the next click, not at the next sign-in."""
    account = st.session_state.get(session.ACCOUNT_KEY)
    if account is None:
        return None
    try:
        current = accounts.account_fingerprint(account.username)
    except roles.AccountError:
        current = None  # a users file that cannot be read keeps nobody signed in
    if current is None or current != st.session_state.get(session.ACCOUNT_FINGERPRINT_KEY):
        session.start_over()
        audit.record("sign_out", account=account, address=address, details={"reason": ACCOUNT_CHANGED})
        st.warning(i18n.t("auth.session_ended", lang))
        return None
    # 退出登录 in another tab of the same sign-in (a reload, a new tab: signed in there by the cookie)
    if remembered_sign_in.signed_out_elsewhere(st.session_state.get(remembered_sign_in.REMEMBERED_KEY)):
        session.start_over()
        audit.record("sign_out", account=account, address=address, details={"reason": SIGNED_OUT_ELSEWHERE})
        st.warning(i18n.t("auth.signed_out_elsewhere", lang))
        return None
    return account


def _login_form(lang: str, address: str | None) -> roles.Account:
    remembered_sign_in.forget_in_browser()
    st.title(i18n.t("auth.login.title", lang), anchor=False)
    with st.form("login"):
        # the browser bounds what it sends; login.sign_in bounds it again for a client that does not
        username = st.text_input(
            i18n.t("auth.login.username", lang), key="widget.login_user", max_chars=accounts.MAX_USERNAME_LENGTH
        )
        # no max_chars: its counter (5/1024) told anyone watching a projected screen the password's length;
        # login.sign_in bounds what is sent
        password = st.text_input(i18n.t("auth.login.password", lang), type="password", key="widget.login_password")
        submitted = st.form_submit_button(i18n.t("auth.login.submit", lang), type="primary")
    if submitted:
        try:
            result = login.sign_in(username, password, address)
        except roles.AccountError as error:  # a damaged users file: say so, without its path or content
            setup_problems.detail_shown_to(None, "users file refused", error.render("en"))  # the operator's log
            st.error(i18n.t("auth.users_file_broken", lang))
            st.stop()
        if result.ok and result.account is not None:
            # nothing here can fail once the sign-in is audited: the fingerprint was read before the line
            session.begin_signed_in(result.account, result.fingerprint)
            remembered_sign_in.after_password_sign_in(result.account, result.fingerprint)
            st.rerun()
        st.error(safe_text.markdown(result.message(lang)))
    st.stop()


def _oidc_account(lang: str, address: str | None) -> roles.Account:
    if not st.user.is_logged_in:
        st.title(i18n.t("auth.login.title", lang), anchor=False)
        st.button(i18n.t("auth.oidc.login", lang), on_click=st.login, type="primary")
        st.stop()
    try:
        users = accounts.load_users()
    except roles.AccountError as error:  # a damaged users file: say so, without its path or content
        setup_problems.detail_shown_to(None, "users file refused", error.render("en"))  # the operator's log
        st.error(i18n.t("auth.users_file_broken", lang))
        st.stop()
    email, verified = st.user.get("email"), st.user.get("email_verified")
    account = accounts.account_for_email(
        email if isinstance(email, str) else None, users, verified if isinstance(verified, bool) else None
    )
    if account is None:
        _refuse(
            i18n.t("auth.oidc.no_account", lang, email=safe_text.markdown(st.user.get("email"))),
            "no_account_for_email",
            address=address,
        )
    # None only where _refuse stopped; covers the entry's generation and when it was last found disabled
    fingerprint = accounts.account_fingerprint(account.username)  # type: ignore[union-attr]
    if (
        st.session_state.get(session.ACCOUNT_KEY) == account
        and st.session_state.get(session.ACCOUNT_FINGERPRINT_KEY) != fingerprint
    ):
        # disabled and enabled again since this session signed in: it ends, as a password session does, and the
        # identity provider is asked again (its sign-in cookie was issued before the disable)
        session.start_over()
        audit.record("sign_out", account=account, address=address, details={"reason": ACCOUNT_CHANGED})
        st.logout()
        st.stop()
    if st.session_state.get(session.ACCOUNT_KEY) != account:  # one sign-in line per session
        audit.record("sign_in", account=account, address=address, details={"method": "oidc"})
        session.begin_signed_in(account, fingerprint)
    return account  # type: ignore[return-value]  # None only where _refuse has stopped the run


# Why a download its page still offers is refused (``sign_in_ended``): the audit line's reason, as the sign-out the
# next click makes says it (``_current_password_account``)
ACCOUNT_CHANGED, SIGNED_OUT_ELSEWHERE = "account_changed", "signed_out_elsewhere"


def sign_in_ended(account: roles.Account | None) -> Callable[[], str | None]:
    """A check, made later, of why ``account`` would no longer be let in (``ACCOUNT_CHANGED``,
    ``SIGNED_OUT_ELSEWHERE``), None while it would: a download is made on Streamlit's media request, after the page was
    drawn and without a rerun, so an account removed or demoted since kept every button on its open page. Read now
    what the check compares with; the check itself reads only the users file (and the revoked sign-ins)."""
    if account is None or account.source == roles.LOCAL:
        # nobody signed in to be removed, but a users file made since (accounts switched on while a local page is
        # open) asks everyone to sign in: its downloads are refused then, as its fragments rerun into the sign-in
        secrets = configured_secrets()  # read now: the check runs outside the session's context

        def app_no_longer_local() -> str | None:
            try:
                still_local = access_mode.auth_mode(accounts.users_file(), secrets) == roles.LOCAL
            except roles.AccountError:
                still_local = False
            return None if still_local else ACCOUNT_CHANGED

        return app_no_longer_local
    if account.source != roles.OIDC:  # a password account
        signed_in_with = st.session_state.get(session.ACCOUNT_FINGERPRINT_KEY)
        # the sign-in the session shares with other tabs: a sign-out in any of them refuses this page's downloads too
        remembered_as = st.session_state.get(remembered_sign_in.REMEMBERED_KEY)

        def password_sign_in_ended() -> str | None:
            try:
                unchanged = (
                    signed_in_with is not None and accounts.account_fingerprint(account.username) == signed_in_with
                )
            except roles.AccountError:
                unchanged = False
            if not unchanged:  # asked first, as the next click does: a removed account's tab was not signed out
                return ACCOUNT_CHANGED
            # a sign-out in another tab was audited as account_changed here, while the tab's next click said
            # signed_out_elsewhere of the same sign-in (review of 5 Dec)
            return SIGNED_OUT_ELSEWHERE if remembered_sign_in.signed_out_elsewhere(remembered_as) else None

        return password_sign_in_ended
    email, verified = st.user.get("email"), st.user.get("email_verified")
    signed_in_with_entry = st.session_state.get(session.ACCOUNT_FINGERPRINT_KEY)

    def email_no_longer_maps_to_it() -> str | None:
        try:
            users = accounts.load_users()
            now = accounts.account_for_email(email if isinstance(email, str) else None, users, verified is True)
            unchanged = now == account and accounts.account_fingerprint(account.username) == signed_in_with_entry
        except roles.AccountError:
            unchanged = False
        return None if unchanged else ACCOUNT_CHANGED

    return email_no_longer_maps_to_it


def session_still_let_in() -> bool:
    """Whether this session's account would still be let in as the last page run let it in, without drawing
    anything (a fragment's or dialog's run, ``partial_runs``): signed in, its entry unchanged (not disabled,
    demoted, narrowed, re-keyed); with nobody signed in, the app still in local mode (a users file made since
    asks everyone to sign in)."""
    return sign_in_ended(st.session_state.get(session.ACCOUNT_KEY))() is None


def sign_out() -> None:
    account = st.session_state.get(session.ACCOUNT_KEY)
    made = st.session_state.get(remembered_sign_in.REMEMBERED_KEY)
    address = client_address()
    session.start_over()
    remembered_sign_in.signed_out(made)
    # the next account in this tab starts from the default view, not from the last one's address: a unit account
    # signing in after an admin was warned of, and audited for, the admin's ?unit=research it never asked for
    lang = session.first_query_value("lang")
    st.query_params.from_dict({"lang": lang} if lang else {})  # one step in the browser's history, not two
    try:
        audit.record("sign_out", account=account, address=address)
    except audit.AuditError as error:  # signed out all the same: keeping someone signed in is no safer
        logging.getLogger(__name__).error("sign-out of %s not audited: %s", getattr(account, "username", None), error)
    if access_mode.auth_mode(accounts.users_file(), configured_secrets()) == roles.OIDC:
        st.logout()
