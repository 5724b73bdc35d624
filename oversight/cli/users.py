"""``user add|passwd|remove|list``: the dashboard's accounts (the users file), each change in the audit log."""

from __future__ import annotations

import argparse
import sys

from oversight import config
from oversight.cli import options
from oversight.cli.usage_language import help_text
from oversight.core import i18n


def add_user(commands) -> None:
    user = commands.add_parser("user", help=help_text("user"), description=help_text("user"))
    actions = user.add_subparsers(dest="user_command", required=True)
    add = actions.add_parser("add", help=help_text("user.add"), description=help_text("user.add"))
    add.add_argument("username", help=help_text("user.username"))
    add.add_argument("--role", required=True, help=help_text("user.add.role"))
    add.add_argument("--unit", action="append", default=[], metavar="UNIT_ID", help=help_text("user.add.unit"))
    add.add_argument("--email", help=help_text("user.add.email"))
    secret = add.add_mutually_exclusive_group()
    secret.add_argument("--password-stdin", action="store_true", help=help_text("common.password_stdin"))
    secret.add_argument("--no-password", action="store_true", help=help_text("user.add.no_password"))
    add.set_defaults(run=_run_user_add)
    passwd = actions.add_parser("passwd", help=help_text("user.passwd"), description=help_text("user.passwd"))
    passwd.add_argument("username", help=help_text("user.username"))
    passwd.add_argument("--password-stdin", action="store_true", help=help_text("common.password_stdin"))
    passwd.set_defaults(run=_run_user_passwd)
    remove = actions.add_parser("remove", help=help_text("user.remove"), description=help_text("user.remove"))
    remove.add_argument("username", help=help_text("user.username"))
    remove.set_defaults(run=_run_user_remove)
    listing = actions.add_parser("list", help=help_text("user.list"), description=help_text("user.list"))
    listing.set_defaults(run=_run_user_list)
    for parser in (add, passwd, remove, listing):
        options.language_option(parser)


def _known_unit_ids() -> list[str] | None:
    """The unit ids of the current data, or None if its units table cannot be read."""
    from oversight.data import store
    from oversight.ingest import import_plan

    try:
        current, _ = import_plan.load_current(store.data_dir())
    except Exception:  # an unreadable data folder must not stop account management; ids are then checked for form only
        return None
    units = current.get("units")
    return None if units is None else [str(unit) for unit in units["unit_id"]]


def _user_command(args: argparse.Namespace, change) -> int:
    from oversight.auth import accounts, audit, roles

    try:  # no line, no change: an account added without its line could not be traced
        audit.ensure_writable()
    except audit.AuditError:
        print(i18n.t("error.audit_unwritable", args.lang), file=sys.stderr)
        return 1
    try:
        message, action, details = change(accounts)
    except roles.AccountError as error:
        print(error.render(args.lang), file=sys.stderr)
        return 1
    except (ValueError, EOFError, KeyboardInterrupt) as error:
        print(str(error), file=sys.stderr)
        return 1
    print(message)
    try:
        # the name is OVERSIGHT_USER's claim (no password is asked for): the OS account beside it is who did it
        audit.record(
            action,
            account=roles.local_account().username,
            details={**details, "via": "cli", "os_user": config.os_user()},
        )
    except audit.AuditError:  # writable a moment ago (a disk filled meanwhile): said plainly, not hidden
        print(i18n.t("auth.cli.audit_failed_after_change", args.lang), file=sys.stderr)
        return 1
    return 0


def _run_user_add(args: argparse.Namespace) -> int:
    def change(accounts):
        password = None if args.no_password else options.read_password(args, confirm=True)
        account = accounts.add_user(
            args.username, password, args.role, args.unit, args.email, known_units=_known_unit_ids()
        )
        return (
            i18n.t("auth.cli.user_added", args.lang, username=account.username, role=account.role),
            "user_added",
            {"username": account.username, "role": account.role, "units": list(account.units), "email": account.email},
        )

    return _user_command(args, change)


def _run_user_passwd(args: argparse.Namespace) -> int:
    def change(accounts):
        username = accounts.normalise_username(args.username)
        if username not in accounts.load_users():
            raise accounts.AccountError("auth.error.no_such_user", username=username)
        accounts.set_password(username, options.read_password(args, confirm=True))
        return (
            i18n.t("auth.cli.password_changed", args.lang, username=username),
            "password_changed",
            {"username": username},
        )

    return _user_command(args, change)


def _run_user_remove(args: argparse.Namespace) -> int:
    def change(accounts):
        username = accounts.normalise_username(args.username)
        accounts.remove_user(username)
        return i18n.t("auth.cli.user_removed", args.lang, username=username), "user_removed", {"username": username}

    return _user_command(args, change)


def _run_user_list(args: argparse.Namespace) -> int:
    from oversight.auth import accounts, roles

    try:
        path = accounts.users_file()
        users = accounts.list_users(path)
    except roles.AccountError as error:
        print(error.render(args.lang), file=sys.stderr)
        return 1
    if not users:
        print(i18n.t("auth.cli.no_users", args.lang, path=path))
    for account in users:
        print(
            i18n.t(
                "auth.cli.user_line",
                args.lang,
                username=account.username,
                role=account.role,
                units=",".join(account.units) or "-",
                email=account.email or "-",
            )
        )
    return 0
