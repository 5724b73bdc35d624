"""The command line, on the same code as the Data page.

    python -m oversight sample --out data
    python -m oversight sample --scale N --out DIR [--csv]
    python -m oversight validate FILE... [--table T] [--mode replace|append] [--json] [--lang zh|en]
    python -m oversight import FILE... [--table T] [--mode replace|append] [--user ADMIN [--password-stdin]]
    python -m oversight history
    python -m oversight undo [--user ADMIN [--password-stdin]]
    python -m oversight template --table T --out FILE
    python -m oversight user add USERNAME --role admin|leader|unit [--unit U ...] [--email E]
                                 [--password-stdin | --no-password]
    python -m oversight user passwd USERNAME [--password-stdin]
    python -m oversight user remove USERNAME
    python -m oversight user list
    python -m oversight brief [--from Q --to Q | --period year|quarter] [--unit U ...] [--format LIST] [--out DIR] [--push]
    python -m oversight alerts [--as-of DATE] [--due-within 30] [--json] [--push]   (see oversight/schedule.py)

Every command but ``sample`` and ``user`` works on ``OVERSIGHT_DATA_DIR``
(default: the sample data). Once the users file (``OVERSIGHT_USERS_FILE``)
holds accounts, ``import`` and ``undo`` need an admin's ``--user`` and
password; imports, undos and account changes go to the audit log. Passwords
are read from a prompt or, with ``--password-stdin``, from the first line of
standard input, never from the command line. Exit status: 0 done, 1 the input
has problems, 3 refused (sign-in failed, not an admin, unreadable users file).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from oversight import config
from oversight.contract.schema import TABLES
from oversight.core import i18n


def _language_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=("zh", "en"), default=i18n.DEFAULT_LANGUAGE,
                        help="language of the report (default: zh)")


def _add_sample(commands) -> None:
    sample = commands.add_parser("sample", help="write the deterministic sample data")
    sample.add_argument("--out", type=Path, default=Path("data"), help="folder to write into (default: data)")
    sample.add_argument("--scale", type=int, metavar="N",
                        help="instead of the 9-unit sample, N meetings over ~500 units and 12 quarters (load tests)")
    sample.add_argument("--csv", action="store_true", help="with --scale: write CSV instead of xlsx")
    sample.set_defaults(run=_run_sample)


def _run_sample(args: argparse.Namespace) -> int:
    if args.scale is not None:
        from oversight.devdata import scale

        if args.scale < 1:
            print("--scale needs at least 1 meeting", file=sys.stderr)
            return 2
        written = scale.write(args.out, args.scale, csv=args.csv)
    else:
        from oversight.devdata import sample as sample_data

        written = sample_data.write(args.out)
    for path in written:
        print(path)
    return 0


def _add_validate(commands) -> None:
    validate = commands.add_parser("validate", help="check files against the current data; write nothing")
    validate.add_argument("files", nargs="+", type=Path, metavar="FILE")
    validate.add_argument("--table", choices=sorted(TABLES), help="the table the file holds (default: detect)")
    validate.add_argument("--mode", choices=("replace", "append"), default="replace")
    validate.add_argument("--json", action="store_true", help="machine-readable output")
    _language_option(validate)
    validate.set_defaults(run=_run_validate)


def _run_validate(args: argparse.Namespace) -> int:
    from oversight.ingest import import_plan, import_report

    plan = import_plan.plan_import(args.files, table=args.table, mode=args.mode)
    if args.json:
        print(json.dumps(plan.as_dict(args.lang), ensure_ascii=False, indent=1, default=str))
    else:
        print(import_report.render_plan(plan, args.lang))
    return 0 if plan.ok else 1


def _add_import(commands) -> None:
    command = commands.add_parser("import", help="import files into the data folder (previous version kept)")
    command.add_argument("files", nargs="+", type=Path, metavar="FILE")
    command.add_argument("--table", choices=sorted(TABLES), help="the table the file holds (default: detect)")
    command.add_argument("--mode", choices=("replace", "append"), default="replace")
    _language_option(command)
    _admin_options(command)
    command.set_defaults(run=_run_import)


# A second import started at the same moment waits this long for the first, then is checked against its result.
CLI_LOCK_TIMEOUT_S = 120.0


def _run_import(args: argparse.Namespace) -> int:
    from oversight.data import store
    from oversight.ingest import commit, folder_lock, import_plan, import_report

    account = _admin_for_data_change(args, "import")
    if account is None:
        return REFUSED
    # plan and apply under the folder's lock: no other import can slip in between the check and the write
    with folder_lock.exclusive(store.data_dir(), CLI_LOCK_TIMEOUT_S):
        plan = import_plan.plan_import(args.files, table=args.table, mode=args.mode)
        print(import_report.render_plan(plan, args.lang))
        if not plan.ok:
            return 1
        entry = commit.apply_import(plan, user=account.username,
                                    before_commit=lambda entry: _audit_data_change("import", account, entry))
    print(i18n.t("data.report.imported", args.lang, id=entry.id))
    return 0


def _add_history(commands) -> None:
    command = commands.add_parser("history", help="list recorded imports and undos")
    _language_option(command)
    command.set_defaults(run=_run_history)


def _run_history(args: argparse.Namespace) -> int:
    from oversight.data import store
    from oversight.ingest import folder_lock, import_history, import_report

    folder_lock.recover_if_interrupted(store.data_dir())
    entries = import_history.list_history()
    if not entries:
        print(i18n.t("data.history.empty", args.lang))
    for entry in entries:
        print(import_report.render_entry(entry, args.lang))
    if entries.damaged:
        print(i18n.t("data.history.damaged", args.lang, ids=", ".join(entries.damaged)), file=sys.stderr)
    return 0


def _add_undo(commands) -> None:
    command = commands.add_parser("undo", help="restore the data as it was before the latest import")
    _language_option(command)
    _admin_options(command)
    command.set_defaults(run=_run_undo)


def _run_undo(args: argparse.Namespace) -> int:
    from oversight import ingest
    from oversight.ingest import commit

    account = _admin_for_data_change(args, "undo")
    if account is None:
        return REFUSED
    try:
        entry = commit.undo_last(user=account.username,
                                 before_commit=lambda entry: _audit_data_change("undo", account, entry))
    except ingest.ValidationError as error:
        print(error.render(args.lang).strip(), file=sys.stderr)
        return 1
    print(i18n.t("data.report.undone", args.lang, id=entry.id, undoes=entry.undoes))
    return 0


def _add_template(commands) -> None:
    command = commands.add_parser("template", help="write a fill-in .xlsx template for a table")
    command.add_argument("--table", choices=sorted(TABLES), required=True)
    command.add_argument("--out", type=Path, required=True, metavar="FILE")
    _language_option(command)
    command.set_defaults(run=_run_template)


def _run_template(args: argparse.Namespace) -> int:
    from oversight.data import store
    from oversight.ingest import import_plan, templates

    current, _ = import_plan.load_current(store.data_dir())
    path = templates.write_template(args.out, TABLES[args.table], current.get("units"), args.lang)
    print(i18n.t("data.report.template_written", args.lang, path=path))
    return 0


# ---------------------------------------------------------------- accounts: who may change the data, and `user`

REFUSED = 3


def _admin_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", metavar="USERNAME", help="an admin account (needed once accounts are configured)")
    parser.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")


def _read_password(args: argparse.Namespace, confirm: bool = False) -> str:
    if getattr(args, "password_stdin", False):
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    password = getpass.getpass(i18n.t("auth.cli.password_prompt", args.lang))
    if confirm and getpass.getpass(i18n.t("auth.cli.password_confirm", args.lang)) != password:
        raise ValueError(i18n.t("auth.cli.password_mismatch", args.lang))
    return password


def _admin_for_data_change(args: argparse.Namespace, command: str):
    """The account that may import or undo: the local user while no accounts exist, else a signed-in admin.

    None (after saying why on stderr) when refused.
    """
    from oversight.auth import accounts, audit, login, roles

    try:
        path, users = accounts.accounts_for_cli()
    except roles.AccountError as error:
        print(error.render(args.lang), file=sys.stderr)
        return None
    if not users:
        return roles.local_account()
    if not args.user:
        audit.record(audit.REFUSED, account=roles.local_account().username,  # the OS user who tried
                     details={"reason": "sign_in_required", "command": command, "via": "cli"})
        print(i18n.t("auth.cli.import_refused", args.lang), file=sys.stderr)
        return None
    try:
        password = _read_password(args)
    except (ValueError, EOFError, KeyboardInterrupt):
        return None
    result = login.sign_in(args.user, password, path=path)
    if not result.ok:
        print(result.message(args.lang), file=sys.stderr)
        return None
    if not roles.can_import(result.account):
        audit.record(audit.REFUSED, account=result.account,
                     details={"reason": "forbidden_action", "command": command, "via": "cli"})
        print(i18n.t("auth.cli.not_admin", args.lang, username=result.account.username), file=sys.stderr)
        return None
    return result.account


def _audit_data_change(action: str, account, entry) -> None:
    """The audit line of an import or undo, written before its first file is replaced; raises ``AuditError``
    (and the change is rolled back) when it cannot be written."""
    from oversight.auth import audit

    tables = {name: {"rows_before": info.get("rows_before"), "rows_after": info.get("rows_after")}
              for name, info in entry.tables.items()}
    audit.record(action, account=account, details={"entry": entry.id, "sources": list(entry.sources),
                                                    "mode": entry.mode, "undoes": entry.undoes, "tables": tables,
                                                    "via": "cli", "os_user": config.os_user()})


def _add_user(commands) -> None:
    user = commands.add_parser("user", help="manage the dashboard's accounts (the users file)")
    actions = user.add_subparsers(dest="user_command", required=True)
    add = actions.add_parser("add", help="create an account")
    add.add_argument("username")
    add.add_argument("--role", required=True, help="admin, leader or unit")
    add.add_argument("--unit", action="append", default=[], metavar="UNIT_ID",
                     help="a unit the account may read (unit role; repeat for several)")
    add.add_argument("--email", help="the address single sign-on (OIDC) reports for this person")
    secret = add.add_mutually_exclusive_group()
    secret.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    secret.add_argument("--no-password", action="store_true", help="no password: signs in through OIDC only")
    add.set_defaults(run=_run_user_add)
    passwd = actions.add_parser("passwd", help="set an account's password")
    passwd.add_argument("username")
    passwd.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    passwd.set_defaults(run=_run_user_passwd)
    remove = actions.add_parser("remove", help="delete an account")
    remove.add_argument("username")
    remove.set_defaults(run=_run_user_remove)
    listing = actions.add_parser("list", help="list the accounts (name, role, units, e-mail)")
    listing.set_defaults(run=_run_user_list)
    for parser in (add, passwd, remove, listing):
        _language_option(parser)


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
        audit.record(action, account=roles.local_account().username, details={**details, "via": "cli"})
    except audit.AuditError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


def _run_user_add(args: argparse.Namespace) -> int:
    def change(accounts):
        password = None if args.no_password else _read_password(args, confirm=True)
        account = accounts.add_user(args.username, password, args.role, args.unit, args.email,
                                    known_units=_known_unit_ids())
        return (i18n.t("auth.cli.user_added", args.lang, username=account.username, role=account.role),
                "user_added", {"username": account.username, "role": account.role, "units": list(account.units),
                               "email": account.email})
    return _user_command(args, change)


def _run_user_passwd(args: argparse.Namespace) -> int:
    def change(accounts):
        username = accounts.normalise_username(args.username)
        if username not in accounts.load_users():
            raise accounts.AccountError("auth.error.no_such_user", username=username)
        accounts.set_password(username, _read_password(args, confirm=True))
        return (i18n.t("auth.cli.password_changed", args.lang, username=username), "password_changed",
                {"username": username})
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
        print(i18n.t("auth.cli.user_line", args.lang, username=account.username, role=account.role,
                     units=",".join(account.units) or "-", email=account.email or "-"))
    return 0



def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m oversight", description="Oversight (派驻监督工作看板) tools")
    commands = parser.add_subparsers(dest="command", required=True)
    for add in (_add_sample, _add_validate, _add_import, _add_history, _add_undo, _add_template, _add_user):
        add(commands)
    from oversight.cli import (
        schedule,  # the scheduled commands (issue 17) live in their own module
    )

    for add in (schedule.add_brief, schedule.add_alerts):
        add(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except Exception as error:  # noqa: BLE001 — every failure becomes a sentence, never a traceback
        if config.setting("OVERSIGHT_DEBUG"):
            raise
        return _report_failure(error, getattr(args, "lang", i18n.DEFAULT_LANGUAGE))
    except KeyboardInterrupt:
        return 130


def _report_failure(error: Exception, lang: str) -> int:
    """The sentence for a command that failed: a refused input (1), a refusal (3), anything else (2)."""
    from oversight import ingest
    from oversight.auth import roles
    from oversight.ingest import import_report

    if isinstance(error, ingest.ValidationError):
        print(error.render(lang).strip(), file=sys.stderr)
        return 1
    if isinstance(error, roles.AccountError):
        print(error.render(lang), file=sys.stderr)
        return REFUSED
    print(import_report.describe_failure(error, lang, during_change=False), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
