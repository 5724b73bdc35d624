"""Accounts: the users file, validation, passwords, throttling, OIDC mapping, local mode, permissions."""

from __future__ import annotations

import json
import os
import stat
import time
import tomllib
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from oversight.auth import access_mode, accounts, audit, login, roles, throttle
from oversight.auth.roles import Account, AccountError
from oversight.auth.throttle import Throttle, ThrottlePolicy
from oversight.core import i18n

UNITS = ["gov_office", "research", "petitions"]
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def private_home(tmp_path, monkeypatch):
    """Users file and audit log under tmp_path; a cheap argon2 so the tests stay quick."""
    monkeypatch.setenv("OVERSIGHT_USERS_FILE", str(tmp_path / "conf" / "users.toml"))
    monkeypatch.setenv("OVERSIGHT_AUDIT_LOG", str(tmp_path / "conf" / "audit.jsonl"))
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    monkeypatch.setattr(accounts, "_dummy_hash", None)
    return tmp_path


@pytest.fixture
def users(private_home) -> Path:
    path = accounts.users_file()
    accounts.add_user("Boss", "admin-pass-1", "admin", email="Boss@Example.org")
    accounts.add_user("lead", "leader-pass-1", "leader")
    accounts.add_user("clerk", "clerk-pass-1", "unit", ["research"], known_units=UNITS)
    return path


class Clock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def error_key(call, *args, **kwargs) -> str:
    with pytest.raises(AccountError) as caught:
        call(*args, **kwargs)
    for lang in ("zh", "en"):
        assert caught.value.render(lang)  # every error has a sentence in both languages
    return caught.value.key


# ---------------------------------------------------------------- the users file


def test_added_users_round_trip_and_authenticate(users):
    assert [(a.username, a.role, a.units, a.email) for a in accounts.list_users()] == [
        ("boss", "admin", (), "boss@example.org"),
        ("clerk", "unit", ("research",), None),
        ("lead", "leader", (), None),
    ]
    assert accounts.authenticate("boss", "admin-pass-1") == Account("boss", "admin", (), "boss@example.org")
    assert accounts.authenticate("  BOSS ", "admin-pass-1").username == "boss"
    clerk = accounts.authenticate("clerk", "clerk-pass-1")
    assert clerk.scope.allowed_units == ("research",)


def test_the_file_is_private_toml_with_argon2_hashes_and_no_password(users):
    text = users.read_text(encoding="utf-8")
    assert stat.S_IMODE(users.stat().st_mode) == 0o600
    document = tomllib.loads(text)
    assert set(document["users"]) == {"boss", "lead", "clerk"}
    assert all(entry["password_hash"].startswith("$argon2id$") for entry in document["users"].values())
    assert "admin-pass-1" not in text and "clerk-pass-1" not in text
    assert [p.name for p in users.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_the_default_hasher_is_argon2id_with_rfc9106_parameters():
    import argon2

    assert PasswordHasher().type is argon2.Type.ID
    assert PasswordHasher().memory_cost >= 65536


def test_wrong_unknown_and_empty_passwords_fail_alike(users):
    assert accounts.authenticate("boss", "admin-pass-2") is None
    assert accounts.authenticate("nobody", "admin-pass-1") is None
    assert accounts.authenticate("boss", "") is None
    assert accounts.authenticate("", "") is None
    assert accounts.authenticate("boss", "x" * 5000) is None


def test_validation_errors(users):
    assert error_key(accounts.add_user, "x1", "good-pass-1", "chief") == "auth.error.unknown_role"
    assert error_key(accounts.add_user, "x1", "good-pass-1", "unit", []) == "auth.error.unit_account_without_units"
    assert (
        error_key(accounts.add_user, "x1", "good-pass-1", "unit", ["nowhere"], known_units=UNITS)
        == "auth.error.unknown_units"
    )
    assert error_key(accounts.add_user, "x1", "good-pass-1", "unit", ["Not A Slug"]) == "auth.error.unknown_units"
    assert (
        error_key(accounts.add_user, "x1", "good-pass-1", "leader", ["research"])
        == "auth.error.units_only_for_unit_role"
    )
    assert error_key(accounts.add_user, "x1", "", "leader") == "auth.error.password_empty"
    assert error_key(accounts.add_user, "x1", None, "leader") == "auth.error.no_password_needs_email"
    assert error_key(accounts.add_user, "x1", "7-chars", "leader") == "auth.error.password_short"
    assert error_key(accounts.add_user, "x1", "aaaaaaaaaa", "leader") == "auth.error.password_weak"
    assert error_key(accounts.add_user, "longname1", "LongName1", "leader") == "auth.error.password_weak"
    assert error_key(accounts.add_user, "CLERK", "good-pass-1", "leader") == "auth.error.duplicate_username"
    assert (
        error_key(accounts.add_user, "x1", "good-pass-1", "leader", email="boss@EXAMPLE.org")
        == "auth.error.duplicate_email"
    )
    assert error_key(accounts.add_user, "x1", "good-pass-1", "leader", email="not-mail") == "auth.error.bad_email"
    assert error_key(accounts.add_user, "bad name", "good-pass-1", "leader") == "auth.error.bad_username"
    assert error_key(accounts.add_user, "-dash", "good-pass-1", "leader") == "auth.error.bad_username"
    assert len(accounts.list_users()) == 3  # nothing refused was written


def test_error_messages_are_translated():
    error = AccountError("auth.error.password_short", min=8)
    assert error.render("zh") == "密码太短：至少需要8个字符"
    assert error.render("en") == "The password is too short: at least 8 characters"


def test_eight_characters_is_enough(private_home):
    assert accounts.add_user("x1", "8-chars!", "leader").role == "leader"


def test_set_password_and_remove_user(users):
    accounts.set_password("lead", "new-leader-pass")
    assert accounts.authenticate("lead", "leader-pass-1") is None
    assert accounts.authenticate("lead", "new-leader-pass").role == "leader"
    assert error_key(accounts.set_password, "lead", "short") == "auth.error.password_short"
    assert error_key(accounts.set_password, "ghost", "good-pass-1") == "auth.error.no_such_user"
    accounts.remove_user("lead")
    assert accounts.authenticate("lead", "new-leader-pass") is None
    assert [a.username for a in accounts.list_users()] == ["boss", "clerk"]
    assert error_key(accounts.remove_user, "lead") == "auth.error.no_such_user"


def test_an_oidc_only_account_has_no_password(users):
    account = accounts.add_user("sso", None, "leader", email="sso@example.org")
    assert account.email == "sso@example.org"
    assert "password_hash" not in tomllib.loads(users.read_text(encoding="utf-8"))["users"]["sso"]
    assert accounts.authenticate("sso", "") is None


def test_an_outdated_hash_is_upgraded_on_sign_in(users, monkeypatch):
    old_hash = tomllib.loads(users.read_text(encoding="utf-8"))["users"]["lead"]["password_hash"]
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1))
    assert accounts.authenticate("lead", "leader-pass-1").username == "lead"
    new_hash = tomllib.loads(users.read_text(encoding="utf-8"))["users"]["lead"]["password_hash"]
    assert new_hash != old_hash and "m=2048,t=2" in new_hash
    assert accounts.authenticate("lead", "leader-pass-1").username == "lead"


def test_a_failed_write_leaves_the_file_as_it_was(users, monkeypatch):
    before = users.read_bytes()

    def broken_replace(source, target):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        accounts.add_user("x1", "good-pass-1", "leader")
    assert users.read_bytes() == before
    assert [p.name for p in users.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_names_and_emails_are_escaped_in_the_file(private_home):
    accounts.add_user("o.brien@gov", "good-pass-1", "leader", email="o'brien+x@gov.example")
    assert accounts.list_users()[0].email == "o'brien+x@gov.example"
    assert accounts._toml_string('a"b\\c\n\x7f中') == '"a\\"b\\\\c\\u000a\\u007f中"'
    assert tomllib.loads("v = " + accounts._toml_string('a"b\\c\n\x7f中'))["v"] == 'a"b\\c\n\x7f中'


def test_a_damaged_users_file_is_an_error_not_an_empty_list(private_home):
    path = accounts.users_file()
    path.parent.mkdir(parents=True)
    for text in (
        "[users\n",
        '[users.x]\nrole = "chief"\n',
        '[users.x]\nrole = "unit"\nunits = []\n',
        '[users."Upper"]\nrole = "leader"\n',
        "users = 3\n",
    ):
        path.write_text(text, encoding="utf-8")
        unreadable = {"auth.error.users_file_invalid", "auth.error.users_entry"}  # the file, or one account in it
        assert error_key(accounts.load_users, path) in unreadable
        assert access_mode.auth_mode(path, {}) == "accounts"  # fail closed: never local mode by accident
        assert error_key(accounts.authenticate, "x", "whatever-1") in unreadable


def test_default_users_file_is_in_the_config_folder_not_the_repository(tmp_path, monkeypatch):
    monkeypatch.delenv("OVERSIGHT_USERS_FILE")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert accounts.users_file() == tmp_path / "xdg" / "oversight" / "users.toml"
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert accounts.users_file() == tmp_path / "home" / ".config" / "oversight" / "users.toml"
    monkeypatch.setenv("OVERSIGHT_USERS_FILE", str(ROOT / "users.toml"))
    assert error_key(accounts.users_file) == "auth.error.users_file_in_repo"
    monkeypatch.setenv("OVERSIGHT_USERS_FILE", str(ROOT / "data" / ".." / "conf" / "users.toml"))
    assert error_key(accounts.users_file) == "auth.error.users_file_in_repo"


# ---------------------------------------------------------------- mode, OIDC, client address


def test_auth_mode(private_home, users):
    empty = private_home / "empty.toml"
    empty.write_text("# nobody yet\n", encoding="utf-8")
    assert access_mode.auth_mode(private_home / "absent.toml", {}) == "local"
    assert access_mode.auth_mode(empty, None) == "local"
    assert access_mode.auth_mode(users, {}) == "accounts"
    oidc = {"auth": {"redirect_uri": "https://x/oauth2callback", "cookie_secret": "s", "client_id": "c"}}
    assert access_mode.auth_mode(users, oidc) == "oidc"
    assert access_mode.auth_mode(private_home / "absent.toml", oidc) == "oidc"
    assert access_mode.auth_mode(users, {"auth": {}}) == "accounts"


def test_secrets_that_raise_do_not_mean_oidc(users):
    class NoSecretsFile:
        def get(self, key, default=None):
            raise FileNotFoundError("no secrets.toml")

        def __len__(self):
            return 1

    assert access_mode.oidc_configured(NoSecretsFile()) is False


def test_a_disabled_account_gets_no_oidc_sign_in_and_no_session_fingerprint(users):
    """An open OIDC session asks ``account_for_email`` on every run, a password session compares its fingerprint:
    both end once the account is disabled, and come back with it enabled."""
    records = accounts.load_users()
    assert accounts.account_for_email("boss@example.org", records, email_verified=True) is not None
    fingerprint = accounts.account_fingerprint("boss")
    assert fingerprint is not None
    accounts.add_user("deputy", "deputy-pass-1", "admin")  # so that boss is not the last enabled admin
    accounts.set_disabled("boss", True)
    assert accounts.account_for_email("boss@example.org", accounts.load_users(), email_verified=True) is None
    assert accounts.account_fingerprint("boss") is None
    assert accounts.load_users()["boss"].disabled and "disabled = true" in users.read_text(encoding="utf-8")
    accounts.set_disabled("boss", False)
    assert accounts.account_fingerprint("boss") not in (None, fingerprint)  # enabled, its old sessions not revived


def test_disabled_then_enabled_before_the_next_click_still_ends_the_sessions_made_before(users):
    """An admin who disables an account means its sessions end. Enabled again before the session's next click, the
    entry was the same as when it signed in, and the session carried on: disabling advances the account's
    generation, which the fingerprint covers; a sign-in after the enable is as good as any other."""
    before = accounts.account_fingerprint("lead")
    accounts.set_disabled("lead", True)
    accounts.set_disabled("lead", False)
    after = accounts.account_fingerprint("lead")
    assert after is not None and after != before
    assert accounts.load_users()["lead"].generation == 1 and "generation = 1" in users.read_text(encoding="utf-8")
    accounts.set_disabled("lead", False)  # already enabled: nothing changes, the session made since stays
    assert accounts.account_fingerprint("lead") == after
    accounts.set_disabled("lead", True)
    accounts.set_disabled("lead", True)  # already disabled: counted once
    assert accounts.load_users()["lead"].generation == 2


@pytest.mark.parametrize("value", ["-1", "true", '"1"', "1.5"])
def test_a_hand_edited_generation_that_is_no_count_is_refused_by_name(users, value):
    users.write_text(
        users.read_text(encoding="utf-8").replace('role = "leader"', f'role = "leader"\ngeneration = {value}'),
        encoding="utf-8",
    )
    with pytest.raises(accounts.UsersEntryError) as refused:
        accounts.load_users()
    assert "generation 应是大于或等于0的整数" in refused.value.render("zh")
    assert 'the account "lead" has a generation that is not a whole number' in refused.value.render("en")


def test_account_for_email(users):
    records = accounts.load_users(users)
    assert accounts.account_for_email("BOSS@example.org ", records, True) == Account(
        "boss", "admin", (), "boss@example.org", "oidc"
    )
    assert accounts.account_for_email("stranger@example.org", records, True) is None
    assert accounts.account_for_email(None, records, True) is None
    assert accounts.account_for_email("", records, True) is None
    assert accounts.account_for_email("boss@example.org", records, email_verified=False) is None
    # a provider that does not say the address is verified gets no account either
    assert accounts.account_for_email("boss@example.org", records) is None
    assert accounts.account_for_email("boss@example.org", records, email_verified=True).role == "admin"
    twice = [
        accounts.UserRecord("a", "leader", email="same@x.org"),
        accounts.UserRecord("b", "admin", email="same@x.org"),
    ]
    assert accounts.account_for_email("same@x.org", twice, True) is None
    unit = accounts.UserRecord("u", "unit", ("research",), "u@x.org")
    assert accounts.account_for_email("u@x.org", [unit], True).scope.allowed_units == ("research",)


@pytest.mark.parametrize("address", ["127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1", "[::1]", " 127.0.0.1 "])
def test_local_clients(address):
    assert access_mode.is_local_client(address)


@pytest.mark.parametrize(
    "address",
    [
        None,
        "",
        "localhost",
        "garbage",
        "10.0.0.5",
        "192.168.1.20",
        "0.0.0.0",
        "::",
        "::ffff:10.0.0.5",
        "8.8.8.8",
        "fe80::1%eth0",
        "2001:db8::1",
        "128.0.0.1",
    ],
)
def test_other_clients(address):
    assert not access_mode.is_local_client(address)


def test_a_loopback_peer_relaying_for_a_proxy_is_not_local():
    assert access_mode.is_local_request("127.0.0.1", {"Host": "localhost:8501"})
    assert not access_mode.is_local_request("127.0.0.1", {"X-Forwarded-For": "203.0.113.9"})
    assert not access_mode.is_local_request("::1", {"forwarded": "for=203.0.113.9"})
    assert not access_mode.is_local_request("10.0.0.5", {})


def test_permissions_by_role():
    matrix = {
        role: (
            roles.can_import(Account("x", role)),
            roles.can_download(Account("x", role)),
            roles.can_view_audit(Account("x", role)),
        )
        for role in roles.ROLES
    }
    assert matrix == {"admin": (True, True, True), "leader": (False, True, False), "unit": (False, False, False)}
    assert not roles.can_import(None) and not roles.can_download(None) and not roles.can_view_audit(None)
    local = roles.local_account("someone")
    assert (local.role, local.source, local.scope.unrestricted) == ("admin", "local", True)


def test_pages_by_role():
    pages = [
        "overview",
        "meetings",
        "issues",
        "suggestions",
        "reminders",
        "unit_profile",
        "briefing",
        "data",
        "audit",
        "users",
        "some_new_page",
    ]
    matrix = {
        role: [page for page in pages if roles.can_open_page(Account("x", role, ("research",)), page)]
        for role in roles.ROLES
    }
    reading = pages[:6]
    assert matrix == {"admin": pages, "leader": reading + ["briefing"], "unit": reading}
    assert not any(roles.can_open_page(None, page) for page in pages)
    assert [roles.role_label(r, "zh") for r in roles.ROLES] == ["管理员", "领导", "单位"]


# ---------------------------------------------------------------- throttling (pure)


def test_five_failures_lock_for_a_growing_delay():
    policy = ThrottlePolicy(max_failures=5, window_s=900, base_delay_s=30, max_delay_s=3600)
    state, now = {}, 0.0
    for _ in range(4):
        state = throttle.record_failure(state, "user:a", now, policy)
        assert throttle.retry_after(state, "user:a", now, policy) == 0
        now += 1
    state = throttle.record_failure(state, "user:a", now, policy)
    assert throttle.retry_after(state, "user:a", now, policy) == 30
    assert throttle.retry_after(state, "user:a", now + 10, policy) == 20
    assert throttle.retry_after(state, "user:b", now, policy) == 0
    now += 30
    assert throttle.retry_after(state, "user:a", now, policy) == 0
    delays = []
    for _ in range(4):  # each failure still within the window locks again, twice as long
        state = throttle.record_failure(state, "user:a", now, policy)
        delays.append(throttle.retry_after(state, "user:a", now, policy))
        now += delays[-1]
    assert delays == [60, 120, 240, 480]
    for _ in range(5):
        state = throttle.record_failure(state, "user:a", now, policy)
    assert throttle.retry_after(state, "user:a", now, policy) == 3600  # capped


def test_a_quiet_window_forgives_and_success_clears():
    policy = ThrottlePolicy(max_failures=3, window_s=100, base_delay_s=10, max_delay_s=1000)
    state = {}
    for t in (0, 1, 2):
        state = throttle.record_failure(state, "user:a", t, policy)
    assert throttle.retry_after(state, "user:a", 2, policy) == 10
    state = throttle.record_failure(state, "user:a", 500, policy)  # long after: counts as the first again
    assert throttle.retry_after(state, "user:a", 500, policy) == 0
    assert state["user:a"]["lockouts"] == 0 and len(state["user:a"]["failures"]) == 1
    assert throttle.forget_stale(state, 700, policy) == {}
    assert throttle.record_success(state, "user:a") == {}


def test_failures_spread_over_more_than_the_window_never_lock():
    policy = ThrottlePolicy(max_failures=5, window_s=60, base_delay_s=30)
    state = {}
    for minute in range(20):
        state = throttle.record_failure(state, "user:a", minute * 61.0, policy)
        assert throttle.retry_after(state, "user:a", minute * 61.0, policy) == 0


# ---------------------------------------------------------------- throttling and sign-in, with the file


def test_throttle_state_is_kept_in_a_private_file(private_home):
    clock = Clock()
    path = private_home / "conf" / "login-throttle.json"
    first = Throttle(path, clock)
    for _ in range(5):
        first.failure("someone")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert set(json.loads(path.read_text())) == {"user:someone"}
    assert Throttle(path, clock).retry_after("someone") == 30  # another process sees it
    clock.advance(31)
    assert Throttle(path, clock).retry_after("someone") == 0


def test_throttle_works_in_memory_when_the_file_cannot_be_written(private_home, monkeypatch):
    def read_only(path, text):
        raise PermissionError(13, "Read-only file system")

    monkeypatch.setattr(accounts, "write_private", read_only)
    throttle = Throttle(private_home / "conf" / "login-throttle.json", Clock())
    for _ in range(5):
        throttle.failure("someone")
    assert throttle.retry_after("someone") == 30
    assert not (private_home / "conf" / "login-throttle.json").exists()
    memory_only = Throttle(None, Clock())
    for _ in range(5):
        memory_only.failure("someone")
    assert memory_only.retry_after("someone") == 30


def test_throttle_keeps_counting_when_a_file_it_wrote_before_can_no_longer_be_written(private_home, monkeypatch):
    """A full disk (or a folder remounted read-only) after the file was written: each check read the old file again
    and dropped the count kept in memory, so any number of passwords could be tried against a name."""
    path = private_home / "conf" / "login-throttle.json"
    throttle = Throttle(path, Clock())
    throttle.failure("other")  # the file exists, as on any server that has seen a wrong password

    def disk_full(path, text):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(accounts, "write_private", disk_full)
    for _ in range(5):
        assert throttle.claim("someone", "10.0.0.9") == 0
        throttle.failure("someone", "10.0.0.9", claimed=True)
    assert throttle.claim("someone", "10.0.0.9") == 30 and throttle.retry_after("someone") == 30
    assert throttle.retry_after("other") == 0  # what the file held is still there
    monkeypatch.undo()
    throttle.failure("third")  # written again: the file now holds what memory kept meanwhile
    assert Throttle(path, Clock()).retry_after("someone") == 30


def test_a_damaged_throttle_file_does_not_lock_everyone_out(private_home):
    path = private_home / "conf" / "login-throttle.json"
    path.parent.mkdir(parents=True)
    path.write_text("{not json", encoding="utf-8")
    throttle = Throttle(path, Clock())
    assert throttle.retry_after("someone") == 0
    throttle.failure("someone")
    assert json.loads(path.read_text())["user:someone"]["failures"]
    path.write_text(
        json.dumps(
            {
                "user:someone": {"failures": "many", "locked_until": "soon"},
                "user:x": 3,
                "user:ok": {"failures": [], "locked_until": 1_000_100.0, "lockouts": 1},
            }
        )
    )
    assert throttle.retry_after("someone") == 0 and throttle.retry_after("ok") == 100
    throttle.failure("someone")
    assert set(json.loads(path.read_text())) == {"user:someone", "user:ok"}


def test_the_sign_in_forms_throttle_holds_while_its_file_cannot_be_written(users, monkeypatch):
    """The form made a new ``Throttle`` for every attempt: with its file unwritable (a full disk) each one read the
    old file again, and every wrong password of a loop was checked (20 of 20 measured), none throttled."""
    login.sign_in("lead", "wrong-pass", "10.0.0.5")  # the file now exists

    def disk_full(path, text):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(accounts, "write_private", disk_full)
    outcomes = [login.sign_in("clerk", "wrong-pass", "10.0.0.5").outcome for _ in range(20)]
    assert outcomes[:4] == ["invalid"] * 4 and set(outcomes[4:]) == {"throttled"}
    assert login.sign_in("clerk", "clerk-pass-1", "10.0.0.5").outcome == "throttled"


def test_a_right_password_whose_sign_in_cannot_be_audited_does_not_clear_the_failures(users, private_home, monkeypatch):
    gate = Throttle(throttle.throttle_file(users), Clock())
    assert [login.sign_in("lead", "wrong-pass", "10.0.0.5", throttle=gate).outcome for _ in range(4)] == ["invalid"] * 4
    blocked = private_home / "blocked"
    blocked.mkdir()
    monkeypatch.setenv("OVERSIGHT_AUDIT_LOG", str(blocked))  # a folder where the log should be
    with pytest.raises(audit.AuditError):
        login.sign_in("lead", "leader-pass-1", "10.0.0.5", throttle=gate)
    monkeypatch.setenv("OVERSIGHT_AUDIT_LOG", str(private_home / "conf" / "audit.jsonl"))
    # not signed in, and counted: the fifth attempt locks the name as a fifth wrong password would
    assert login.sign_in("lead", "leader-pass-1", "10.0.0.5", throttle=gate).outcome == "throttled"


def test_sign_in_throttles_then_lets_the_right_password_in(users):
    clock = Clock()
    gate = Throttle(throttle.throttle_file(users), clock)
    outcomes = [login.sign_in("lead", "wrong-pass", "10.0.0.5", throttle=gate).outcome for _ in range(5)]
    assert outcomes == ["invalid"] * 4 + ["throttled"]
    refused = login.sign_in("lead", "leader-pass-1", "10.0.0.5", throttle=gate)
    assert (refused.outcome, refused.account, refused.retry_after) == ("throttled", None, 30)
    assert refused.message("zh") == "登录失败次数过多，请约30秒后再试"  # the wait as it is, not "about 1 minute(s)"
    assert refused.message("en") == "Too many failed sign-ins: try again in about 30 seconds"
    assert (
        login.SignIn("throttled", retry_after=61).message("en")
        == "Too many failed sign-ins: try again in about 2 minutes"
    )
    assert (
        login.SignIn("throttled", retry_after=60).message("en")
        == "Too many failed sign-ins: try again in about a minute"
    )
    assert login.SignIn("throttled", retry_after=0.4).message("en") == "Too many failed sign-ins: try again in a second"
    other = login.sign_in("boss", "admin-pass-1", "10.0.0.6", throttle=gate)
    assert other.ok  # another user is not held back by lead's failures
    clock.advance(30)
    done = login.sign_in("LEAD", "leader-pass-1", "10.0.0.5", throttle=gate)
    assert done.ok and done.account.role == "leader" and done.message("en") == "Welcome, lead"
    assert gate.retry_after("lead") == 0
    assert login.sign_in("lead", "wrong-pass", "10.0.0.5", throttle=gate).outcome == "invalid"

    lines = audit.read_audit()
    assert [e["action"] for e in lines] == ["sign_in_failed"] * 5 + ["refused", "sign_in", "sign_in", "sign_in_failed"]
    assert lines[5]["details"] == {"reason": "throttled", "retry_after_s": 30}
    assert lines[5]["account"] == "lead" and lines[5]["address"] == "10.0.0.5"
    assert lines[6]["account"] == "boss" and lines[6]["role"] == "admin"
    assert lines[4]["details"] == {"throttled_for_s": 30}


def test_many_names_from_one_address_are_throttled(users):
    gate = Throttle(throttle.throttle_file(users), Clock())
    for n in range(20):
        result = login.sign_in(f"guess{n}", "wrong-pass", "203.0.113.9", throttle=gate)
    assert result.outcome == "throttled"
    assert login.sign_in("boss", "admin-pass-1", "203.0.113.9", throttle=gate).outcome == "throttled"
    assert login.sign_in("boss", "admin-pass-1", "203.0.113.10", throttle=gate).ok


def test_invalid_message_does_not_say_which_part_was_wrong(users):
    throttle = Throttle(None, Clock())
    unknown = login.sign_in("nobody", "admin-pass-1", throttle=throttle)
    wrong = login.sign_in("boss", "not-it-at-all", throttle=throttle)
    assert unknown.message("zh") == wrong.message("zh") == i18n.t("auth.login.invalid", "zh")


def test_nobody_can_keep_an_account_locked_from_elsewhere(users):
    """Five wrong passwords for a name every half hour, from anywhere, kept that account out all day: the right
    password was refused before it was looked at. A name that has signed in from an address is held there only by
    its own failures from that address; from a new address the name's lock still holds (guessing from many places)."""
    clock = Clock()
    gate = Throttle(throttle.throttle_file(users), clock)
    assert login.sign_in("lead", "leader-pass-1", "10.0.0.5", throttle=gate).ok  # lead's own desk
    for _ in range(5):
        login.sign_in("lead", "wrong-pass", "198.51.100.1", throttle=gate)  # someone else, elsewhere
    assert login.sign_in("lead", "leader-pass-1", "198.51.100.1", throttle=gate).outcome == "throttled"
    assert login.sign_in("lead", "leader-pass-1", "10.0.0.7", throttle=gate).outcome == "throttled"  # a new place
    assert login.sign_in("lead", "leader-pass-1", "10.0.0.5", throttle=gate).ok  # lead's desk still lets lead in
    # guessing from lead's own desk is held there, as before
    for _ in range(5):
        login.sign_in("lead", "wrong-pass", "10.0.0.5", throttle=gate)
    assert login.sign_in("lead", "leader-pass-1", "10.0.0.5", throttle=gate).outcome == "throttled"


def test_an_office_behind_one_address_is_not_locked_out_by_one_persons_guesses(users):
    """Twenty made-up names from the office's one address locked every name there: one that has signed in from it
    before is held only by its own failures."""
    gate = Throttle(throttle.throttle_file(users), Clock())
    assert login.sign_in("boss", "admin-pass-1", "203.0.113.9", throttle=gate).ok
    for n in range(20):
        login.sign_in(f"guess{n}", "wrong-pass", "203.0.113.9", throttle=gate)
    assert login.sign_in("clerk", "clerk-pass-1", "203.0.113.9", throttle=gate).outcome == "throttled"  # new here
    assert login.sign_in("boss", "admin-pass-1", "203.0.113.9", throttle=gate).ok


def test_a_loop_of_attempts_under_one_lock_writes_one_line(users):
    """Every throttled attempt wrote a line, at no cost to the one sending them: 100,000 lines in a minute, and the
    audit page took 10 s to draw. The lock's failures are audited, each; its refusals once a lock."""
    clock = Clock()
    gate = Throttle(throttle.throttle_file(users), clock)
    for n in range(20):
        login.sign_in(f"guess{n}", "wrong-pass", "203.0.113.9", throttle=gate)
    for n in range(500):
        assert login.sign_in(f"made-up-{n}", "x", "203.0.113.9", throttle=gate).outcome == "throttled"
    actions = [line["action"] for line in audit.read_audit()]
    assert actions.count("sign_in_failed") == 20 and actions.count("refused") == 1
    clock.advance(31)  # the lock ends; failing again locks again, and that lock's first refusal is written
    for n in range(20):
        login.sign_in(f"again{n}", "wrong-pass", "203.0.113.9", throttle=gate)
    login.sign_in("one-more", "x", "203.0.113.9", throttle=gate)
    assert [line["action"] for line in audit.read_audit()].count("refused") == 2


def test_a_flood_of_failures_does_not_push_out_the_names_known_at_their_addresses(users):
    gate = Throttle(throttle.throttle_file(users), Clock())
    assert login.sign_in("lead", "leader-pass-1", "10.0.0.5", throttle=gate).ok
    state = json.loads(throttle.throttle_file(users).read_text())
    flooded = {f"user:n{i}": {"failures": [1_000_000.0], "locked_until": 0.0, "lockouts": 0} for i in range(12_000)}
    kept = throttle.forget_stale({**state, **flooded}, 1_000_001.0)
    assert "known:lead@10.0.0.5" in kept and len(kept) == throttle.MAX_THROTTLE_ENTRIES + 1


def _signed_in_at_once(users, clock, count: int, password: str) -> list[str]:
    """``count`` sign-ins of "lead" from one address, released together, each through a throttle of its own (as each
    submitted form makes its own); their outcomes."""
    import threading

    start = threading.Barrier(count)
    outcomes: list[str] = []

    def attempt() -> None:
        gate = Throttle(throttle.throttle_file(users), clock)
        start.wait()
        outcomes.append(login.sign_in("lead", password, "10.0.0.5", throttle=gate).outcome)

    threads = [threading.Thread(target=attempt) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_attempts_sent_at_once_are_counted_before_any_password_is_checked(users):
    """Twelve tabs submitted at once each passed the lock's check before any failure was counted (the password
    check is slow): eleven wrong passwords were tried against one name, and the twelfth, right, got in. Each attempt
    is counted as it is let through, so no more than five passwords are ever checked for a name."""

    clock = Clock()
    outcomes = _signed_in_at_once(users, clock, 12, "wrong-pass")
    checked = [line for line in audit.read_audit() if line["action"] == "sign_in_failed"]
    # five checked (a checked one that ends after the fifth is counted is told to wait, as the fifth is)
    assert len(checked) == 5 and len(outcomes) == 12 and outcomes.count("invalid") <= 4
    right = login.sign_in("lead", "leader-pass-1", "10.0.0.5", throttle=Throttle(throttle.throttle_file(users), clock))
    assert right.outcome == "throttled"  # the lock holds the right password back too, until it ends
    clock.advance(30)
    assert login.sign_in(
        "lead", "leader-pass-1", "10.0.0.5", throttle=Throttle(throttle.throttle_file(users), clock)
    ).ok


def test_one_account_signed_in_from_many_tabs_at_once_is_let_in_every_time(users, monkeypatch):
    """Thirty sign-ins of one shared account at once with its right password (the office's tabs after a replica
    restarted, from one address): 15 were refused for 30 s, each attempt counted a failure before its password was
    looked at, so the sixth in flight locked the name. Attempts in flight are pending, not failures: every one gets in,
    and no more than five passwords are ever checked at once (the twelve-wrong-at-once test above still holds)."""
    import threading

    clock = Clock()
    # as on a busy server: no password check ends before every attempt has had the throttle's answer (or, where
    # the throttle holds an attempt until others' outcomes are known, for two seconds)
    answered = threading.Condition()
    claims = [0]
    claim, authenticate = Throttle.claim, login.authenticate

    def counted_claim(self, *args):
        wait = claim(self, *args)
        with answered:
            claims[0] += 1
            answered.notify_all()
        return wait

    def slow_authenticate(*args, **kwargs):
        with answered:
            answered.wait_for(lambda: claims[0] == 30, timeout=2)
        return authenticate(*args, **kwargs)

    monkeypatch.setattr(Throttle, "claim", counted_claim)
    monkeypatch.setattr(login, "authenticate", slow_authenticate)
    assert _signed_in_at_once(users, clock, 30, "leader-pass-1") == ["ok"] * 30
    assert [line["action"] for line in audit.read_audit()].count("sign_in") == 30
    assert Throttle(throttle.throttle_file(users), clock).retry_after("lead", "10.0.0.5") == 0


def test_a_check_that_never_ended_counts_as_a_failure_after_a_while(users):
    """An attempt let through whose process died in the password check has no outcome: pending for PENDING_S, then
    a failure like any other (five such lock the name as five wrong passwords do)."""
    clock = Clock()
    gate = Throttle(throttle.throttle_file(users), clock, busy_wait_s=0)
    for _ in range(5):
        assert gate.claim("lead", "10.0.0.5") == 0  # and never an outcome
    assert gate.claim("lead", "10.0.0.5") == throttle.PENDING_S  # over the limit while five are pending
    clock.advance(throttle.PENDING_S)
    assert gate.claim("lead", "10.0.0.5") == 30  # the five became failures: the name is locked
    assert gate.retry_after("lead") == 30


def test_a_sign_in_refused_after_waiting_for_pending_checks_is_audited(users):
    """A sign-in that waited busy_wait_s for other attempts' pending checks and was then refused left no audit line
    (only a lock's refusals were written): it is a refusal like the others, with its reason."""
    clock = Clock()
    gate = Throttle(throttle.throttle_file(users), clock, busy_wait_s=0)
    for _ in range(5):
        assert gate.claim("lead", "10.0.0.5") == 0  # five checks under way, none ended yet
    result = login.sign_in("lead", "leader-pass-1", "10.0.0.5", path=users, throttle=gate)
    assert (result.outcome, result.retry_after) == ("throttled", throttle.PENDING_S)
    [line] = audit.read_audit()
    assert (line["action"], line["account"], line["address"], line["details"]) == (
        "refused",
        "lead",
        "10.0.0.5",
        {"reason": "busy", "retry_after_s": round(throttle.PENDING_S)},
    )


@pytest.mark.parametrize(
    ("table", "zh", "en"),
    [
        (
            '[users.lead2]\nrole = "leader"\nunits = ["gov_office"]\n',
            'lead2"：只有 unit 角色的账号才可列出单位（units）',
            'the account "lead2" lists units, which only a unit account may',
        ),
        (
            '[users.bgt]\nrole = "unit"\nunits = ["gov_office\\n"]\n',
            'bgt"：units 应是单位编码的列表',
            'the account "bgt" has units that are not a list of unit IDs',
        ),
        (
            '[users."Chief"]\nrole = "admin"\n',
            'Chief"：账号名不符合要求',
            'the account "Chief" has a name that is not allowed',
        ),
        (
            '[users.lead3]\nrole = "leader"\ndisabled = "no"\n',
            'lead3"：disabled 应是 true 或 false',
            'the account "lead3" has a disabled that is not true or false',
        ),
        ('[users."a\\nb"]\nrole = "admin"\n', '"a\\u000ab"：账号名不符合要求', 'the account "a\\u000ab" has a name'),
        # "disable" for "disabled" was read as nothing: the account meant to be switched off stayed enabled
        (
            '[users.lead4]\nrole = "leader"\ndisable = true\n',
            'lead4"：含有无法识别的键：可用的键只有 role、units、email、password_hash、disabled、generation',
            'the account "lead4" has a key that is none of role, units, email, password_hash, disabled, generation',
        ),
    ],
)
def test_a_hand_edited_account_that_is_wrong_is_named_in_the_readers_language(private_home, table, zh, en):
    """A leader given units by hand read every unit (its scope looked narrowed and was not); a unit id with a line
    break after it passed ("$" matches before one); the reasons came out in English inside a Chinese sentence, and a
    name with a line break was printed across two lines. The file is refused, in words, with the name escaped."""
    path = accounts.users_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(table, encoding="utf-8")
    with pytest.raises(AccountError) as raised:
        accounts.load_users(path)
    assert raised.value.render("zh").startswith(f"账号文件 {path} 无法读取：账号 ") and zh in raised.value.render("zh")
    assert en in raised.value.render("en") and "\n" not in raised.value.render("zh")


def _hand_edit(path: Path, username: str, disabled: bool) -> None:
    """What an admin's editor does to the users file: the flag typed in, or taken out, nothing else touched."""
    text = path.read_text(encoding="utf-8")
    header = f'[users."{username}"]\n'
    if disabled:
        text = text.replace(header, header + "disabled = true\n")
    else:
        start = text.index(header)
        text = text[:start] + text[start:].replace("disabled = true\n", "", 1)
    path.write_text(text, encoding="utf-8")


def test_an_account_disabled_by_hand_and_enabled_again_keeps_none_of_the_sessions_made_before(users):
    """``disabled = true`` typed into the users file did not advance the generation (only ``user disable`` did): taken
    out again before the session's next click, the entry was the one it signed in with, and the session, its
    remembered sign-in and an OIDC session carried on. Found disabled once (a page run, or the app server's watch of
    the file), the account's sign-ins made before end for good; a sign-in after the enable keeps."""
    from oversight.auth import remembered

    before = accounts.account_fingerprint("lead")
    cookie, _ = remembered.issue("lead", before, now=time.time() - 1)
    assert remembered.check(cookie) is not None
    _hand_edit(users, "lead", disabled=True)
    assert accounts.load_users()["lead"].disabled and accounts.load_users()["lead"].generation == 0
    accounts.watch_disabled()  # the app server's watch reads the file that changed
    _hand_edit(users, "lead", disabled=False)
    after = accounts.account_fingerprint("lead")
    assert after is not None and after != before  # the open session's fingerprint no longer matches
    assert remembered.check(cookie) is None  # nor does the cookie remembered before
    assert not accounts.load_users()["lead"].disabled and accounts.load_users()["lead"].generation == 0
    fresh, _ = remembered.issue("lead", after)
    accounts.watch_disabled()
    assert accounts.account_fingerprint("lead") == after and remembered.check(fresh) is not None
    assert accounts.account_fingerprint("clerk") is not None  # the others' sessions are untouched


def test_the_app_server_watches_the_users_file_for_accounts_disabled_by_hand(users, monkeypatch):
    """No page need run between the hand edit and its undoing: the watch started by ``oversight.ui.serve`` reads the
    file when it changes."""
    from oversight.auth import remembered
    from oversight.ui import account_watch

    before = accounts.account_fingerprint("lead")
    monkeypatch.setattr(account_watch, "INTERVAL_S", 0.01)
    monkeypatch.setattr(account_watch, "_thread", None)
    account_watch.stopping.clear()
    account_watch.start()
    try:
        _hand_edit(users, "lead", disabled=True)
        deadline = time.monotonic() + 5
        while remembered.account_revoked_at("lead") is None and time.monotonic() < deadline:
            time.sleep(0.02)  # only the watch reads the users file meanwhile
        _hand_edit(users, "lead", disabled=False)
    finally:
        account_watch.stopping.set()
        account_watch._thread.join(5)  # type: ignore[union-attr]
    assert accounts.account_fingerprint("lead") not in (None, before)


def _changed_while_checking(monkeypatch, change) -> None:
    """``change`` made to the users file while argon2 checks the password (the file was read before it)."""
    real = login.authenticate

    def authenticate(name, password, *, path=None):
        account = real(name, password, path=path)
        change()
        return account

    monkeypatch.setattr(login, "authenticate", authenticate)


def _actions() -> list[tuple[str, str | None]]:
    return [(entry["action"], entry["details"].get("reason")) for entry in audit.read_audit()]


def test_an_account_disabled_while_its_password_is_checked_is_refused_not_logged_as_signed_in(users, monkeypatch):
    """The log said sign_in for the right password, then the page found the account disabled and ended the session
    (sign_out): nobody had been in. Now the sign-in is refused and the log says so, once."""
    _changed_while_checking(monkeypatch, lambda: accounts.set_disabled("lead", True))
    result = login.sign_in("lead", "leader-pass-1", "10.0.0.5")
    assert (result.outcome, result.account) == ("disabled", None)  # before: ok, and the line said sign_in
    assert _actions() == [("refused", "account_disabled")]


def test_a_sign_in_carries_the_fingerprint_it_was_audited_with(users):
    result = login.sign_in("lead", "leader-pass-1", "10.0.0.5")
    assert result.ok and result.fingerprint == accounts.account_fingerprint("lead") is not None
    assert _actions() == [("sign_in", None)]


def test_an_admin_demoted_while_its_password_is_checked_signs_in_as_what_the_users_file_now_says(users, monkeypatch):
    """The account came from the users file read before argon2 checked the password, the fingerprint from the file
    read after: an admin demoted to a unit account in between signed in as admin with the demoted entry's fingerprint,
    which every later check found unchanged, so the session kept the admin's pages until the entry changed again.
    Now the session gets the account that fingerprint describes, and the sign-in line says that role."""
    accounts.add_user("chief", "chief-pass-1", "admin")  # Boss stays an admin: the last one cannot be demoted
    _changed_while_checking(
        monkeypatch, lambda: accounts.change_user("chief", role="unit", units=["research"], known_units=UNITS)
    )
    result = login.sign_in("chief", "chief-pass-1", "10.0.0.5")
    assert result.ok and result.fingerprint == accounts.account_fingerprint("chief")
    assert (result.account.role, result.account.units) == ("unit", ("research",))  # before: ("admin", ())
    assert [(entry["action"], entry["role"]) for entry in audit.read_audit()] == [("sign_in", "unit")]


def test_a_users_file_damaged_while_the_password_is_checked_logs_no_sign_in(users, monkeypatch):
    """The line said sign_in, then the page's own read of the users file stopped the form with a traceback."""
    _changed_while_checking(monkeypatch, lambda: users.write_text("[users\n", encoding="utf-8"))
    with pytest.raises(AccountError):  # the form says auth.users_file_broken (test_app_hardening's sign-in)
        login.sign_in("lead", "leader-pass-1", "10.0.0.5")
    assert ("sign_in", None) not in _actions()


def test_a_password_changed_while_the_old_one_is_checked_signs_nobody_in(users, monkeypatch):
    """The lead's password leaked and an admin ran ``user passwd lead`` while someone signed in with the old one:
    argon2 checked the old password against the entry read before, the fingerprint came from the entry after (the new
    password's), and the session with the old password was signed in and kept, every later check finding that entry
    unchanged. Now the password is checked against the entry the session keeps: the old one signs nobody in, the new
    one does."""
    _changed_while_checking(monkeypatch, lambda: accounts.set_password("lead", "leader-pass-2"))
    result = login.sign_in("lead", "leader-pass-1", "10.0.0.5")
    assert (result.outcome, result.account) == ("invalid", None)  # before: ok, with the new entry's fingerprint
    assert _actions() == [("sign_in_failed", None)]

    monkeypatch.setattr(login, "authenticate", accounts.authenticate)
    assert login.sign_in("lead", "leader-pass-2", "10.0.0.5").ok


def test_a_hash_upgraded_at_sign_in_still_signs_in(users, monkeypatch):
    """A hash made with older parameters is replaced at sign-in (``authenticate``): the entry after is not the entry
    before, and the password is still the account's."""
    from argon2 import PasswordHasher

    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=2, memory_cost=1024, parallelism=1))
    before = accounts.load_users()["lead"].password_hash
    result = login.sign_in("lead", "leader-pass-1", "10.0.0.5")
    assert result.ok and accounts.load_users()["lead"].password_hash != before
    assert result.fingerprint == accounts.account_fingerprint("lead")
