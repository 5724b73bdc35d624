"""Whose scope a headless command (``brief``, ``alerts``) reads the data in.

Without accounts (local mode) it is the local user, who sees everything, as on screen. Once the
users file holds accounts, the command must name one (``--as`` or ``account`` in the alerts
settings file) and reads only what that account may read: a digest for a unit's group runs as
that unit's account and can hold nothing of another unit. Naming an account chooses a scope; it
is not a sign-in (whoever can run the command on the server can read the data folder anyway), so
no password is asked, which is what lets a timer run it.
"""

from __future__ import annotations

from oversight import config
from oversight.auth import accounts, audit, roles


class RunAsRefused(Exception):
    """The command may not run as asked; ``key``/``params`` are the message for the user."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key, self.params = key, params


def account_for(username: str | None, command: str) -> roles.Account:
    """The account to run as; raises ``roles.AccountError`` (unreadable or missing users file, or one without
    accounts for a folder accounts have guarded: ``accounts.accounts_for_cli``) or ``RunAsRefused``."""
    try:
        path, users = accounts.accounts_for_cli(config.data_dir())
    except roles.AccountError as error:  # a named users file missing, or emptied under a guarded folder
        try:
            refuse(roles.local_account().username, error.key.rsplit(".", 1)[-1], command)
        except audit.AuditError:
            pass  # refused all the same; the log's default place is beside the users file that may be missing
        raise
    if not users and username is None:
        return roles.local_account()
    if username is None:
        refuse(roles.local_account().username, "sign_in_required", command)
        raise RunAsRefused("alerts.cli.account_missing")
    record = users.get(accounts.normalise_username(username))
    if record is None:
        refuse(roles.local_account().username, "sign_in_required", command, asked_for=username)
        raise RunAsRefused("alerts.cli.account_unknown", username=username, path=path)
    if record.disabled:  # a timer's digest must not go on reading as an account its admin has switched off
        refuse(roles.local_account().username, "account_disabled", command, asked_for=record.username)
        raise RunAsRefused("alerts.cli.account_disabled", username=record.username)
    account = record.account(source="cli")
    if command == "brief" and not roles.can_download(account):
        refuse(account, "forbidden_action", command)
        raise RunAsRefused("alerts.cli.brief_forbidden", username=account.username, role=roles.role_label(account.role))
    return account


def refuse(account: object, reason: str, command: str, **details: object) -> None:
    """The audit line of a headless command refused (``reason``: ``auth.audit.value.reason.*``)."""
    audit.record(
        audit.REFUSED, account=account, details={"reason": reason, "command": command, "via": "cli", **details}
    )
