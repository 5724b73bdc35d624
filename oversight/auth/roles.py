"""Roles and what each may do: an account is a name, a role and (for a ``unit`` account) its units.

Three roles: ``admin`` (everything, manages data), ``leader`` (reads every unit, downloads) and ``unit`` (reads
only the units assigned to the account). Where an account comes from (users file, OIDC, local mode) is ``source``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from oversight import config
from oversight.auth.unit_scope import Scope
from oversight.core import i18n

ADMIN, LEADER, UNIT = "admin", "leader", "unit"
ROLES = (ADMIN, LEADER, UNIT)
LOCAL, ACCOUNTS, OIDC = "local", "accounts", "oidc"


class AccountError(ValueError):
    """A problem with an account or the users file; ``render(lang)`` is the sentence to show."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(f"{key} {params}" if params else key)
        self.key = key
        self.params = params

    def render(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        return i18n.t(self.key, lang, **{name: _said(value, lang) for name, value in self.params.items()})


def _said(value: object, lang: str) -> object:
    # a tuple (the unknown units, the roles to choose from) is listed in the reader's punctuation; a file's read error
    # in the reader's words, not Python's English
    if isinstance(value, tuple):
        return i18n.listed(value, lang)
    if isinstance(value, (OSError, UnicodeDecodeError)):
        return i18n.read_problem(value, lang)
    return value


@dataclass(frozen=True)
class Account:
    """A signed-in person: what they are called, their role and, for a ``unit`` account, its units."""

    username: str
    role: str
    units: tuple[str, ...] = ()
    email: str | None = None
    source: str = "password"  # "password", "oidc" or "local"

    @property
    def scope(self) -> Scope:
        return Scope(tuple(self.units)) if self.role == UNIT else Scope.everything()


def local_account(username: str | None = None) -> Account:
    """Who uses the app in local mode: the person at this machine, with every right."""
    return Account(username=username or config.claimed_user(), role=ADMIN, source=LOCAL)


def can_import(account: Account | None) -> bool:
    """The Data page, CLI import and undo."""
    return account is not None and account.role == ADMIN


def can_download(account: Account | None) -> bool:
    """Chart images, data files and the briefing pack (always within the account's scope)."""
    return account is not None and account.role in (ADMIN, LEADER)


def can_view_audit(account: Account | None) -> bool:
    return account is not None and account.role == ADMIN


def can_manage_users(account: Account | None) -> bool:
    return account is not None and account.role == ADMIN


def can_read_setup_problems(account: Account | None) -> bool:
    """What is wrong with a settings file or the data folder, in full: its path, the setting, the cell it quotes.
    An admin mends them; anyone else reads that something is wrong, no path of the server, no other unit's cell."""
    return account is not None and account.role == ADMIN


# Pages by the name of their file without the number (``pages/07_data.py`` → ``data``); ``overview`` is app.py.
READ_PAGES = frozenset({"overview", "meetings", "issues", "suggestions", "reminders", "unit_profile"})
_PAGE_RULES: dict[str, Callable[[Account | None], bool]] = {
    "data": can_import,
    "audit": can_view_audit,
    "users": can_manage_users,
    "briefing": can_download,
}


def can_open_page(account: Account | None, page: str) -> bool:
    """Whether the page may render for the account. An admin opens everything; a page this module does not
    know is closed to everyone else until it is listed (a new page must not open to unit accounts by default)."""
    if account is None:
        return False
    if account.role == ADMIN or page in READ_PAGES:
        return True
    rule = _PAGE_RULES.get(page)
    return rule is not None and rule(account)


def role_label(role: str, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
    return i18n.t(f"auth.role.{role}", lang)
