"""A password sign-in remembered across a reload: the cookie's value signed, expiring, bound to the account's entry
and revocable (``oversight.auth.remembered``), and the routes that set and clear the HttpOnly cookie
(``oversight.ui.remembered_sign_in``). The browser's side: ``tests/browser/test_accounts_browser.py``."""

from __future__ import annotations

import base64
import json
import stat
import time

import pytest
from argon2 import PasswordHasher

from oversight.auth import accounts, remembered
from oversight.ui import remembered_sign_in
from tests.event_loop import run_apart


@pytest.fixture(autouse=True)
def private_home(tmp_path, monkeypatch):
    monkeypatch.setenv("OVERSIGHT_USERS_FILE", str(tmp_path / "conf" / "users.toml"))
    monkeypatch.setenv("OVERSIGHT_AUDIT_LOG", str(tmp_path / "conf" / "audit.jsonl"))
    monkeypatch.delenv("OVERSIGHT_REMEMBER_HOURS", raising=False)
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    accounts.add_user("chief", "admin-pass-1", "admin")
    accounts.add_user("lead", "leader-pass-1", "leader")
    return tmp_path


def _issued(name: str = "lead", now: float | None = None):
    value, made = remembered.issue(name, accounts.account_fingerprint(name), now=now)
    return value, made


def test_a_value_is_signed_expiring_and_names_no_secret(private_home):
    value, made = _issued(now=1_000_000.0)
    assert made.expires - made.issued == 8 * 3600  # a working day by default
    assert remembered.check(value, now=1_000_000.0 + 8 * 3600 - 1) == made
    assert remembered.check(value, now=1_000_000.0 + 8 * 3600) is None  # expired
    payload = json.loads(base64.urlsafe_b64decode(value.split(".")[0] + "=="))
    assert set(payload) == {"u", "f", "i", "e", "t"} and "argon2" not in value
    key = private_home / "conf" / "users.toml.session-key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_a_forged_or_altered_value_is_refused():
    value, _ = _issued()
    payload, signature = value.split(".")
    fields = json.loads(base64.urlsafe_b64decode(payload + "=="))
    as_chief = base64.urlsafe_b64encode(json.dumps({**fields, "u": "chief"}).encode()).rstrip(b"=").decode()
    for forged in (f"{as_chief}.{signature}", f"{payload}.{signature[:-2]}AA", payload, "", "x" * 5000):
        assert remembered.check(forged) is None
    assert remembered.check(value) is not None


@pytest.mark.parametrize(
    "change",
    [
        lambda: accounts.set_password("lead", "another-pass-1"),
        lambda: accounts.change_user("lead", role="unit", units=["research"]),
        lambda: accounts.remove_user("lead"),
        lambda: accounts.set_disabled("lead", True),
    ],
)
def test_a_new_password_role_removal_or_disabling_ends_it(change):
    value, _ = _issued()
    change()
    assert remembered.check(value) is None


def test_enabling_a_disabled_account_does_not_bring_its_remembered_sign_ins_back():
    value, _ = _issued()
    accounts.set_disabled("lead", True)
    accounts.set_disabled("lead", False)
    assert remembered.check(value) is None
    again, _ = _issued(now=time.time() + 1)  # a sign-in after it was enabled is remembered as any other
    assert remembered.check(again) is not None


def test_a_lost_revocation_list_does_not_bring_them_back_either(private_home):
    """The revocation list alone held them off: with it gone (moved, restored from an older backup), a cookie
    issued before the disable let its holder in again. The entry's generation, in the fingerprint, keeps it out."""
    value, _ = _issued()
    accounts.set_disabled("lead", True)
    accounts.set_disabled("lead", False)
    (private_home / "conf" / "users.toml.revoked").unlink()
    assert remembered.check(value) is None


def test_a_sign_out_revokes_its_value_and_a_damaged_list_refuses_all(private_home):
    value, made = _issued()
    other, _ = _issued("chief")
    remembered.revoke(made.id, made.expires)
    assert remembered.check(value) is None and remembered.check(other) is not None
    (private_home / "conf" / "users.toml.revoked").write_text("{damaged", encoding="utf-8")
    assert remembered.check(other) is None


def test_an_open_session_is_signed_out_by_its_own_sign_ins_sign_out_only(private_home):
    """A tab made from a remembered sign-in ends when that sign-in is signed out in another tab; another sign-in's
    sign-out leaves it, and a damaged list (which refuses every cookie) ends no session with a false "signed out"."""
    _, made = _issued()
    _, other = _issued()
    remembered.revoke(other.id, other.expires)
    assert remembered.signed_out(other) and not remembered.signed_out(made)
    (private_home / "conf" / "users.toml.revoked").write_text("{damaged", encoding="utf-8")
    assert not remembered.signed_out(made)


def test_remember_hours_zero_remembers_nothing(monkeypatch):
    value, _ = _issued()
    monkeypatch.setenv("OVERSIGHT_REMEMBER_HOURS", "0")
    assert remembered.issue("lead", accounts.account_fingerprint("lead")) is None
    assert remembered.check(value) is None
    monkeypatch.setenv("OVERSIGHT_REMEMBER_HOURS", "nan")
    assert remembered.remember_seconds() == 0


# what the dashboard's own page sends with its POST (``remembered_sign_in._post``)
OWN_PAGE = {"host": "dashboard.example:8501", "origin": "http://dashboard.example:8501"}


def _call(
    path: str,
    body: bytes = b"",
    scheme: str = "http",
    headers: dict[str, str] | None = None,
    client: tuple[str, int] = ("192.0.2.7", 50000),
) -> tuple[int, dict[str, str], bool]:
    """POST to the middleware from ``headers`` (the dashboard's own page by default); the status, the response's
    headers and whether the app behind it was reached."""
    reached = []

    async def app(scope, receive, send):
        reached.append(scope["path"])

    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message):
        sent.append(message)

    own = OWN_PAGE if scheme == "http" else {"host": "dashboard.example", "origin": f"{scheme}://dashboard.example"}
    sent_headers = [(key.encode(), value.encode()) for key, value in (own if headers is None else headers).items()]
    scope = {
        "type": "http",
        "method": "POST",
        "path": path,
        "root_path": "",
        "headers": sent_headers,
        "scheme": scheme,
        "client": client,
    }
    run_apart(remembered_sign_in.RememberMiddleware(app, base_url="")(scope, receive, send))
    if not sent:
        return 0, {}, bool(reached)
    headers = {key.decode(): value.decode() for key, value in sent[0]["headers"]}
    return sent[0]["status"], headers, bool(reached)


def test_the_route_trades_a_one_time_token_for_an_httponly_strict_cookie(monkeypatch):
    monkeypatch.setitem(remembered_sign_in._route, "installed", True)  # noqa: SLF001
    value, made = _issued()
    remembered_sign_in._handoffs["token-1"] = (value, 3600.0, time.monotonic() + 60)  # noqa: SLF001
    status, headers, _ = _call("/_oversight/remember", b"token-1")
    assert status == 204
    assert headers["set-cookie"] == f"oversight_signed_in={value}; Max-Age=3600; Path=/; HttpOnly; SameSite=Strict"
    assert _call("/_oversight/remember", b"token-1")[0] == 403  # once only
    assert _call("/_oversight/remember", b"guessed")[0] == 403
    remembered_sign_in._handoffs["late"] = (value, 3600.0, time.monotonic() - 1)  # noqa: SLF001
    assert _call("/_oversight/remember", b"late")[0] == 403
    status, headers, _ = _call("/_oversight/forget", scheme="https")
    assert status == 204 and headers["set-cookie"].startswith("oversight_signed_in=; Max-Age=0;")
    assert headers["set-cookie"].endswith("; Secure")
    assert _call("/_stcore/health") == (0, {}, True)  # anything else goes on to Streamlit


def _refusals(private_home) -> list[dict]:
    log = private_home / "conf" / "audit.jsonl"
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []
    return [line for line in lines if line["action"] == "refused"]


def test_a_post_from_another_sites_page_clears_no_cookie_and_is_audited(private_home, monkeypatch):
    """Review of 5 Dec: any web page could sign a leader out of the remembered sign-in with a form or a fetch to
    ``/_oversight/forget`` (the route cleared the cookie for whoever asked). A POST whose Origin, or lacking one
    whose Referer, is not the dashboard's own address is refused (403, no Set-Cookie) and audited; the handover of
    a token is held to the same rule."""
    monkeypatch.setattr(remembered_sign_in, "_refusals_recorded", {}, raising=False)
    elsewhere = {"host": "dashboard.example:8501", "origin": "https://attacker.example"}
    status, headers, reached = _call("/_oversight/forget", headers=elsewhere)
    assert (status, "set-cookie" in headers, reached) == (403, False, False)
    assert _refusals(private_home) == [
        {
            **_refusals(private_home)[0],
            "address": "192.0.2.7",
            "details": {"reason": "cross_site_request", "route": "/_oversight/forget", "origin": elsewhere["origin"]},
        }
    ]
    assert _call("/_oversight/forget", headers=elsewhere)[0] == 403
    assert len(_refusals(private_home)) == 1, "a page posting in a loop writes one line a minute, not one a request"
    for refused in (
        {"host": "dashboard.example:8501", "origin": "null"},  # a sandboxed frame, a page hiding where it is
        {"host": "dashboard.example:8501", "origin": "http://dashboard.example:8502"},  # another port: another site
        {"host": "dashboard.example:8501", "origin": "http://dashboard.example.attacker.example:8501"},
        {"host": "dashboard.example:8501", "referer": "https://attacker.example/page.html"},
        {"host": "dashboard.example:8501"},  # neither header: no browser's fetch
        {"host": "dashboard.example", "x-forwarded-proto": "https", "origin": "https://dashboard.example:8443"},
    ):
        assert _call("/_oversight/forget", headers=refused)[0] == 403, refused
    value, _ = _issued()
    remembered_sign_in._handoffs["token-2"] = (value, 3600.0, time.monotonic() + 60)  # noqa: SLF001
    assert _call("/_oversight/remember", b"token-2", headers=elsewhere)[:2] == (
        403,
        {
            "content-length": "0",
            "cache-control": "no-store",
        },
    )
    # the dashboard's own page, as a browser sends it: directly, by Referer alone, and behind nginx with TLS
    assert _call("/_oversight/remember", b"token-2")[0] == 204
    for own in (
        {"host": "Dashboard.Example:8501", "referer": "http://dashboard.example:8501/data?lang=en"},
        {"host": "dashboard.example", "x-forwarded-proto": "https", "origin": "https://dashboard.example"},
        {"host": "dashboard.example:443", "x-forwarded-proto": "https", "origin": "https://dashboard.example"},
        {"host": "[::1]:8501", "origin": "http://[::1]:8501"},
        # TLS ended in front of nginx: nginx says http, the page is https; the websocket is let in so, and so is this
        {"host": "dashboard.example", "x-forwarded-proto": "http", "origin": "https://dashboard.example"},
    ):
        assert _call("/_oversight/forget", headers=own)[0] == 204, own
