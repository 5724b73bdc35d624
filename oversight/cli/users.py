"""``user add|passwd|set|disable|enable|remove|list``: the dashboard's accounts (the users file), each change in the
audit log (who, the OS account, and what changed from what to what)."""

from __future__ import annotations

import argparse

from oversight import config
from oversight.cli import options, stderr
from oversight.cli.usage_language import help_text
from oversight.core import i18n


def add_user(commands) -> None:
    user = commands.add_parser("user", help=help_text("user"), description=help_text("user"))
    options.language_before_command(user)
    # no dest: a missing action is named by its choices ({add,passwd,…}), not by the attribute "user_command"
    actions = user.add_subparsers(required=True)
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
    change = actions.add_parser("set", help=help_text("user.set"), description=help_text("user.set"))
    change.add_argument("username", help=help_text("user.username"))
    change.add_argument("--role", help=help_text("user.set.role"))
    change.add_argument("--unit", action="append", metavar="UNIT_ID", help=help_text("user.set.unit"))
    change.set_defaults(run=_run_user_set)
    disable = actions.add_parser("disable", help=help_text("user.disable"), description=help_text("user.disable"))
    disable.add_argument("username", help=help_text("user.username"))
    disable.set_defaults(run=_run_user_disable)
    enable = actions.add_parser("enable", help=help_text("user.enable"), description=help_text("user.enable"))
    enable.add_argument("username", help=help_text("user.username"))
    enable.set_defaults(run=_run_user_enable)
    remove = actions.add_parser("remove", help=help_text("user.remove"), description=help_text("user.remove"))
    remove.add_argument("username", help=help_text("user.username"))
    remove.set_defaults(run=_run_user_remove)
    listing = actions.add_parser("list", help=help_text("user.list"), description=help_text("user.list"))
    listing.set_defaults(run=_run_user_list)
    for parser in (add, passwd, change, disable, enable, remove, listing):
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


def _user_command(args: argparse.Namespace, action: str, change) -> int:
    """Run ``change(accounts)`` (its message, and whether it changed the account) with its audit line ``action``
    written before the users file is replaced: no line, no change. Written after it, a kill in between (kill -9, a
    power cut) left an account added, changed or removed unrecorded."""
    from oversight.auth import accounts, audit, roles

    try:  # no line, no change: an account added without its line could not be traced
        audit.ensure_writable()
    except audit.AuditError as error:
        stderr.say(options.audit_unwritable(error, args.lang), args.lang)
        return 1
    recorded: list[dict] = []

    def record(before, after) -> None:
        # the name is OVERSIGHT_USER's claim (no password is asked for): the OS account beside it is who did it
        details = {**_account_details(action, before, after), "via": "cli", "os_user": config.os_user()}
        recorded.append(audit.record(action, account=roles.local_account().username, details=details))

    users = before = None
    try:
        users = accounts.users_file()
        before = _file_bytes(users)  # what a change interrupted before its line is taken back to
        with accounts.before_replacing(record):
            message = change(accounts)
    except roles.AccountError as error:
        stderr.say(error.render(args.lang), args.lang)
        return 1
    except ValueError as error:
        stderr.say(str(error), args.lang)
        return 1
    except (EOFError, KeyboardInterrupt) as error:
        # Ctrl+C or Ctrl+D at the password prompt said an empty line, exit 1; a change the interrupt caught already
        # written without its line is taken back (one with its line stands, as recorded)
        changed = None if users is None else _file_bytes(users)
        if users is not None and changed != before and not recorded:
            _put_back(accounts, users, before, changed)
        stderr.interrupted("auth.cli.cancelled", args.lang)
        return options.INTERRUPTED if isinstance(error, KeyboardInterrupt) else 1
    except audit.AuditError as error:
        # writable a moment ago (a disk filled meanwhile, a quota reached, /dev/full): the users file is not replaced,
        # so no account is added, changed or removed unaudited
        stderr.say(options.audit_unwritable(error, args.lang), args.lang)
        return 1
    except OSError as error:
        # the users file or its folder cannot be written (read-only, a folder by that name, a full disk): said
        # 处理失败（FileNotFoundError），数据未作任何改动, exit 2, naming neither the file nor why
        from oversight.ingest.problems import shown_text

        path = users if users is not None else error.filename
        reason = options.write_problem(error, args.lang)
        stderr.say(
            i18n.t("auth.cli.users_file_unwritable", args.lang, path=shown_text(str(path)), reason=reason), args.lang
        )
        return 1
    print(message)  # also for what the account already was: nothing changed, nothing recorded
    return 0


def _account_details(action: str, before, after) -> dict:
    """What an account change's audit line says, from the accounts before and after it: the one account it changed,
    and for an added one its role, units and e-mail, for a changed one its role and units from what to what."""
    username = next(name for name in sorted(before.keys() | after.keys()) if before.get(name) != after.get(name))
    if action == "user_added":
        added = after[username]
        return {"username": username, "role": added.role, "units": list(added.units), "email": added.email}
    if action == "user_changed":
        was, now = before[username], after[username]
        return {
            "username": username,
            "role_before": was.role,
            "role": now.role,
            "units_before": list(was.units),
            "units": list(now.units),
        }
    return {"username": username}


def _file_bytes(path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _put_back(accounts, users, before: bytes | None, after: bytes | None) -> bool:
    """Restore the users file as it was before a change interrupted before its audit line, unless it has changed since
    (another command's change would be lost). Returns whether it was restored."""
    try:
        with accounts.locked_file(users):
            if _file_bytes(users) != after:
                return False
            if before is None:
                users.unlink(missing_ok=True)
            else:
                accounts.write_private(users, before.decode("utf-8"))
    except OSError:
        return False
    return True


def _run_user_add(args: argparse.Namespace) -> int:
    def change(accounts):
        password = None if args.no_password else options.read_password(args, confirm=True)
        account = accounts.add_user(
            args.username, password, args.role, args.unit, args.email, known_units=_known_unit_ids()
        )
        return i18n.t("auth.cli.user_added", args.lang, username=account.username, role=account.role)

    return _user_command(args, "user_added", change)


def _run_user_passwd(args: argparse.Namespace) -> int:
    def change(accounts):
        username = accounts.normalise_username(args.username)
        if username not in accounts.load_users():
            raise accounts.AccountError("auth.error.no_such_user", username=username)
        accounts.set_password(username, options.read_password(args, confirm=True))
        return i18n.t("auth.cli.password_changed", args.lang, username=username)

    return _user_command(args, "password_changed", change)


def _run_user_set(args: argparse.Namespace) -> int:
    def change(accounts):
        if args.role is None and args.unit is None:
            raise accounts.AccountError("auth.error.nothing_to_set")
        done = accounts.change_user(args.username, role=args.role, units=args.unit, known_units=_known_unit_ids())
        after = done.after
        if not done.changed:
            return i18n.t("auth.cli.user_unchanged", args.lang, username=after.username)
        return i18n.t("auth.cli.user_changed", args.lang, username=after.username, role=after.role)

    return _user_command(args, "user_changed", change)


def _switch(args: argparse.Namespace, disabled: bool) -> int:
    def change(accounts):
        done = accounts.set_disabled(args.username, disabled)
        username = done.after.username
        if not done.changed:
            key = "auth.cli.user_already_disabled" if disabled else "auth.cli.user_already_enabled"
            return i18n.t(key, args.lang, username=username)
        return i18n.t("auth.cli.user_disabled" if disabled else "auth.cli.user_enabled", args.lang, username=username)

    return _user_command(args, "user_disabled" if disabled else "user_enabled", change)


def _run_user_disable(args: argparse.Namespace) -> int:
    return _switch(args, disabled=True)


def _run_user_enable(args: argparse.Namespace) -> int:
    return _switch(args, disabled=False)


def _run_user_remove(args: argparse.Namespace) -> int:
    def change(accounts):
        username = accounts.normalise_username(args.username)
        accounts.remove_user(username)
        return i18n.t("auth.cli.user_removed", args.lang, username=username)

    return _user_command(args, "user_removed", change)


def _run_user_list(args: argparse.Namespace) -> int:
    from oversight.auth import accounts, roles

    try:
        path = accounts.users_file()
        if config.setting("OVERSIGHT_USERS_FILE") and not path.exists():
            # named but missing is no "local mode": every other command refuses it, the app too
            raise roles.AccountError("auth.error.users_file_missing", path=path)
        users = accounts.list_records(path)
    except roles.AccountError as error:
        stderr.say(error.render(args.lang), args.lang)
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
                state=i18n.t("auth.cli.state.disabled" if account.disabled else "auth.cli.state.enabled", args.lang),
            )
        )
    return 0
