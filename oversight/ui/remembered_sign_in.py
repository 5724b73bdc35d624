"""A password sign-in that survives a reload, under ``python -m oversight.ui.serve`` (see ``auth.remembered``).

Streamlit gives a page no way to set a cookie, and a cookie set by a page's script could not be HttpOnly. So after a
sign-in the session keeps a one-time token (random, 60 s) and the page's script sends it to a route of our own
(``POST <base>/_oversight/remember``, in the ASGI middleware); the route trades it for the signed value in an
HttpOnly, SameSite=Strict cookie. A later session (a reload, a new tab) reads the cookie from its websocket's
request (``st.context.cookies``) and is signed in if ``auth.remembered.check`` accepts it. The sign-in form clears
a cookie it finds (``POST <base>/_oversight/forget``), and a sign-out revokes the value on the server as well, for
a browser whose request to clear it never arrives. Under a bare ``streamlit run`` the route does not exist: nothing
is handed over, and a reload asks for the password, as before.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import threading
import time
from typing import Any

import streamlit as st

from oversight.auth import access_mode, audit, client_address, remembered, roles
from oversight.ui import session, streamlit_middleware

log = logging.getLogger(__name__)

REMEMBER_ROUTE, FORGET_ROUTE = "/_oversight/remember", "/_oversight/forget"
HANDOFF_SECONDS = 60.0
_MAX_BODY = 256
# the sign-in this session remembered or was restored from (``remembered.Remembered``): a sign-out revokes it
REMEMBERED_KEY = "oversight.remembered"
_HANDOFF_KEY = "oversight.remember_handoff"
_SIGNED_OUT_KEY = "oversight.signed_out_here"

_handoffs: dict[str, tuple[str, float, float]] = {}  # token → (cookie value, its seconds, hand over before)
_handoffs_lock = threading.Lock()
_route = {"installed": False}
# refused cross-site POSTs already audited: (address, origin) → when, for at most one line a minute of each
REFUSAL_RECORDED_EVERY = 60.0
_MAX_ORIGIN_RECORDED = 200
_refusals_recorded: dict[tuple[str | None, str], float] = {}
_refusals_lock = threading.Lock()


def after_password_sign_in(account: roles.Account, fingerprint: str | None) -> None:
    """Keep the token the next run hands to the browser (nothing where the route is missing or nothing is kept)."""
    if not _route["installed"] or fingerprint is None:
        return
    try:
        issued = remembered.issue(account.username, fingerprint)
    except (OSError, roles.AccountError) as error:  # no key file: signed in, not remembered
        log.error("sign-in of %s not remembered: %s", account.username, error)
        return
    if issued is None:
        return
    value, made = issued
    token = secrets.token_urlsafe(24)
    now = time.monotonic()
    with _handoffs_lock:
        for stale in [key for key, (_, _, before) in _handoffs.items() if before < now]:
            del _handoffs[stale]
        _handoffs[token] = (value, made.expires - time.time(), now + HANDOFF_SECONDS)
    st.session_state[_HANDOFF_KEY] = token
    st.session_state[REMEMBERED_KEY] = made


def send_pending() -> None:
    """The script that hands the token over, once, in the first run after the sign-in."""
    token = st.session_state.pop(_HANDOFF_KEY, None)
    if token:
        _post(REMEMBER_ROUTE, token)


def restored_account(address: str | None) -> roles.Account | None:
    """The account a valid cookie remembers, signed in (and audited) for this session; else None. Not in a session
    that signed out: its request's cookies are those it opened with, and a sign-out must hold even where the
    revocation could not be written."""
    if st.session_state.get(_SIGNED_OUT_KEY):
        return None
    value = _cookie()
    if not value:
        return None
    try:
        found = remembered.check(value)
    except OSError as error:  # the key file unreadable: nobody is restored, the form asks
        log.error("remembered sign-in not read: %s", error)
        found = None
    if found is None:
        return None
    from oversight.auth import accounts

    record = accounts.load_users().get(found.username)
    if record is None:
        return None
    account = record.account()
    audit.record("sign_in", account=account, address=address, details={"method": "remembered"})
    session.begin_signed_in(account, found.fingerprint)
    st.session_state[REMEMBERED_KEY] = found
    return account


def signed_out_elsewhere(made: Any) -> bool:
    """Whether the sign-in a session remembered or was restored from (``REMEMBERED_KEY``, read by the caller) has been
    signed out since in another tab that held it (``remembered.signed_out``); nothing remembered: never."""
    return isinstance(made, remembered.Remembered) and remembered.signed_out(made)


def forget_in_browser() -> None:
    """On the sign-in form: a cookie the browser still sends (signed out, expired, revoked) is cleared."""
    if _route["installed"] and _cookie():
        _post(FORGET_ROUTE, "")


def signed_out(made: Any) -> None:
    """At sign-out (after the session has started over): the remembered value is refused from now on, whatever the
    browser keeps, and this session restores nothing from the cookie it opened with."""
    st.session_state[_SIGNED_OUT_KEY] = True
    if isinstance(made, remembered.Remembered):
        try:
            remembered.revoke(made.id, made.expires)
        except OSError as error:
            log.error("remembered sign-in %s not revoked: %s", made.id, error)


def _cookie() -> str | None:
    try:
        value = st.context.cookies.get(remembered.COOKIE_NAME)
    except Exception:  # no request to read (a test, a script run without a browser)
        return None
    return value if isinstance(value, str) else None


def _post(route: str, body: str) -> None:
    from streamlit import config

    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    url = ("/" + base if base else "") + route
    # the token is random and good for one request within a minute; json.dumps writes it as a safe JS string
    script = f"fetch({json.dumps(url)},{{method:'POST',credentials:'same-origin',body:{json.dumps(body)}}})"
    st.html(f"<script>{script}.catch(function(){{}})</script>", unsafe_allow_javascript=True)


class RememberMiddleware:
    """Answers ``POST …/_oversight/remember`` (a valid token → the cookie) and ``POST …/_oversight/forget``."""

    def __init__(self, app: Any, base_url: str = "") -> None:
        self.app, self.base_url = app, base_url

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST":
            await self.app(scope, receive, send)
            return
        path = streamlit_middleware.path_below(scope.get("path", ""), scope.get("root_path", ""), self.base_url)
        if path not in (REMEMBER_ROUTE, FORGET_ROUTE):
            await self.app(scope, receive, send)
            return
        headers = {key.decode("latin-1").lower(): val.decode("latin-1") for key, val in scope.get("headers", [])}
        secure = scope.get("scheme") == "https" or headers.get("x-forwarded-proto", "") == "https"
        cookie_path = "/" + self.base_url.strip("/") if self.base_url.strip("/") else "/"
        if not access_mode.is_same_origin_post(headers):
            # a page on another site posting here (review of 5 Dec): it signed a leader out of the remembered sign-in
            await asyncio.to_thread(_record_cross_site, scope, headers, path)
            await _answer(send, 403, None)
            return
        if path == FORGET_ROUTE:
            await _answer(send, 204, remembered.expired_cookie_header(secure=secure, path=cookie_path))
            return
        token = (await _body(receive)).decode("ascii", "replace").strip()
        with _handoffs_lock:
            handed = _handoffs.pop(token, None)
        if handed is None or handed[2] < time.monotonic():
            await _answer(send, 403, None)
            return
        value, seconds, _ = handed
        await _answer(send, 204, remembered.cookie_header(value, seconds, secure=secure, path=cookie_path))


def _record_cross_site(scope: Any, headers: dict[str, str], path: str) -> None:
    """The ``refused`` audit line of a POST from another site's page, once a minute for each address and page: a
    page that posts in a loop must not flood the log (each line is written to disk before the next)."""
    peer = scope.get("client")
    address = client_address.client_address(peer[0] if peer else None, headers)
    origin = headers.get("origin", headers.get("referer", ""))[:_MAX_ORIGIN_RECORDED]
    now = time.monotonic()
    with _refusals_lock:
        for stale in [key for key, at in _refusals_recorded.items() if at + REFUSAL_RECORDED_EVERY <= now]:
            del _refusals_recorded[stale]
        if (address, origin) in _refusals_recorded:
            return
        _refusals_recorded[(address, origin)] = now
    try:
        audit.record(
            audit.REFUSED, address=address, details={"reason": "cross_site_request", "route": path, "origin": origin}
        )
    except (OSError, roles.AccountError) as error:  # refused all the same; the operator's log says the line is missing
        log.error("refused cross-site %s from %s, not audited: %s", path, address, error)


async def _body(receive: Any) -> bytes:
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body") or len(body) > _MAX_BODY:
            return body[:_MAX_BODY]


async def _answer(send: Any, status: int, cookie: str | None) -> None:
    headers = [(b"content-length", b"0"), (b"cache-control", b"no-store")]
    if cookie:
        headers.append((b"set-cookie", cookie.encode("latin-1")))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


def install_middleware() -> None:
    """For ``python -m oversight.ui.serve``: the routes that set and clear the cookie."""

    def middleware() -> Any:
        from starlette.middleware import Middleware
        from streamlit import config

        return Middleware(RememberMiddleware, base_url=config.get_option("server.baseUrlPath") or "")

    _route["installed"] = streamlit_middleware.append(middleware, "a reload asks for the password again")
