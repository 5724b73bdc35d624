"""The data commands, on the same code as the Data page: ``validate``, ``import``, ``history``, ``undo``,
``template``. ``import`` and ``undo`` need an admin once accounts exist, and write an audit line first."""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

from oversight import config
from oversight.cli import options, stderr, stop_signals
from oversight.cli.usage_language import help_text, path_argument
from oversight.contract.schema import TABLES
from oversight.core import i18n
from oversight.core.numbers import grouped


def add_validate(commands) -> None:
    validate = commands.add_parser("validate", help=help_text("validate"), description=help_text("validate"))
    validate.add_argument("files", nargs="+", type=path_argument, metavar="FILE", help=help_text("validate.files"))
    options.table_options(validate)
    validate.add_argument("--json", action="store_true", help=help_text("common.json"))
    options.language_option(validate)
    validate.set_defaults(run=_run_validate)


def _run_validate(args: argparse.Namespace) -> int:
    from oversight.ingest import import_plan, import_report

    unreadable = options.data_folder_unreadable(args.lang)  # (one not there is a problem of the check, below)
    if unreadable is not None:
        stderr.say(unreadable, args.lang)
        return 1
    plan = import_plan.plan_import(args.files, table=args.table, mode=options.mode(args))
    refused = _replaces_not_asked_for(plan, args) if plan.ok else []
    removing = [entry["message"] for entry in refused]
    if args.json:
        # the refusal the text's stderr carries, for a script that reads only the JSON ("ok": true alone promised it
        # an import that `import` with the same arguments refuses)
        report = {**plan.as_dict(args.lang), "replace_not_asked": refused}
        print(json.dumps(report, ensure_ascii=False, indent=1, default=str))
    else:
        print(import_report.render_plan(plan, args.lang, checked_only=True))
    if removing:  # what `import` with the same arguments refuses: "检查通过" alone promised an import it would not make
        stderr.say("\n".join([*removing, i18n.t("data.cli.validate.give_the_mode", args.lang)]), args.lang)
    return 0 if plan.ok or (plan.unchanged and not plan.problems) else 1


def add_import(commands) -> None:
    command = commands.add_parser("import", help=help_text("import"), description=help_text("import"))
    command.add_argument("files", nargs="+", type=path_argument, metavar="FILE", help=help_text("import.files"))
    options.table_options(command, mode_help=help_text("import.mode"))
    options.language_option(command)
    options.admin_options(command)
    command.set_defaults(run=_run_import)


# A second import started at the same moment waits this long for the first, then is checked against its result.
CLI_LOCK_TIMEOUT_S = 120.0


def _run_import(args: argparse.Namespace) -> int:
    if _no_data_folder(args.lang):
        return 1
    committed: list = []
    try:
        with stop_signals.as_interrupt():
            return _import(args, committed)
    except KeyboardInterrupt as interrupt:
        if committed:  # made, and interrupted while saying so: main's plain "interrupted"
            raise
        return _interrupted("data.cli.import.interrupted", args.lang, interrupt)


def _import(args: argparse.Namespace, committed: list) -> int:
    from oversight.data import store
    from oversight.ingest import commit, folder_lock, import_plan, import_report

    _recover_and_say(args.lang)
    admin = _admin_for_data_change(args, "import")
    if admin is None:
        return options.REFUSED
    account, users_path = admin
    # plan and apply under the folder's lock: no other import can slip in between the check and the write
    with folder_lock.exclusive(store.data_dir(), CLI_LOCK_TIMEOUT_S):
        plan = import_plan.plan_import(args.files, table=args.table, mode=options.mode(args))
        print(import_report.render_plan(plan, args.lang))
        if plan.unchanged and not plan.problems:
            return 0  # the data are as the files say already: done, and nothing written
        if not plan.ok:
            return 1
        removing = _rows_a_default_replace_removes(plan, args)
        if removing:
            stderr.say("\n".join([*removing, i18n.t("data.cli.import.give_the_mode", args.lang)]), args.lang)
            return 1
        entry = commit.apply_import(
            plan,
            user=account.username,
            before_commit=lambda entry: _before_data_change("import", account, users_path, entry),
        )
        committed.append(entry)
    print(i18n.t("data.report.imported", args.lang, id=entry.id))
    return 0


def _rows_a_default_replace_removes(plan, args: argparse.Namespace) -> list[str]:  # noqa: ANN001 — an ImportPlan
    """A line per table whose existing rows a replace would remove when ``--mode`` was not given; none when it was."""
    return [entry["message"] for entry in _replaces_not_asked_for(plan, args)]


def _replaces_not_asked_for(plan, args: argparse.Namespace) -> list[dict]:  # noqa: ANN001 — an ImportPlan
    """Each table whose existing rows a replace would remove when ``--mode`` was not given (its name, the rows it
    removes, None when the ledger does not read whole, and the line saying so); none when it was.

    Replacing is the default, and a file of a few new records (the mode forgotten) replaced a table of 573 meetings
    with one, exit 0, no question asked (the Data page says how many rows a replace deletes before its button):
    ``import`` refuses such a replace until it is asked for by name. So it does a replace of a file that does not
    read whole: a damaged meetings.xlsx counted as "0 now, removed 0", and a few meetings replaced it, exit 0."""
    if args.mode is not None:
        return []
    entries = []
    for name, change in plan.changes.items():
        table = i18n.t(f"data.table.{name}", args.lang)
        if change.unread_before:
            line = i18n.t("data.cli.import.replace_unread_not_asked", args.lang, table=table)
            entries.append({"table": name, "removed": None, "message": line})
        elif change.removed:
            removed = len(change.removed)
            line = i18n.t("data.cli.import.replace_not_asked", args.lang, table=table, removed=grouped(removed))
            entries.append({"table": name, "removed": removed, "message": line})
    return entries


def add_history(commands) -> None:
    command = commands.add_parser("history", help=help_text("history"), description=help_text("history"))
    options.language_option(command)
    command.set_defaults(run=_run_history)


def _run_history(args: argparse.Namespace) -> int:
    from oversight.ingest import import_history, import_report

    if _no_data_folder(args.lang):
        return 1  # not 还没有导入记录 for a mistyped OVERSIGHT_DATA_DIR
    _recover_and_say(args.lang)
    entries = import_history.list_history()
    if not entries and not entries.damaged:  # damaged entries are imports all the same: named below, not "none yet"
        print(i18n.t("data.history.empty", args.lang))
    for entry in entries:
        print(import_report.render_entry(entry, args.lang))
    for key, ids in (("data.history.damaged", entries.broken), ("data.history.unreadable", entries.unreadable)):
        if ids:
            stderr.say(i18n.t(key, args.lang, ids=i18n.listed(ids, args.lang)), args.lang)
    return 0


def add_undo(commands) -> None:
    command = commands.add_parser("undo", help=help_text("undo"), description=help_text("undo"))
    command.add_argument("--entry", metavar="ID", help=help_text("undo.entry"))
    options.language_option(command)
    options.admin_options(command)
    command.set_defaults(run=_run_undo)


def _why_not_that_entry(entry_id: str) -> str:
    """Why ``undo --entry`` did not undo ``entry_id``, the newest import not undone being another: each was said as
    "no longer the latest import not undone", also of an id no history holds (a typo, another folder's, ``../x``), of
    an undo's own entry and of an import undone already."""
    from oversight.ingest import import_history

    history = import_history.list_history()
    named = next((entry for entry in history if entry.id == entry_id), None)
    if named is None:
        return "data.cli.undo.entry_unknown"
    if named.action == "undo":
        return "data.cli.undo.entry_is_an_undo"
    if any(entry.action == "undo" and entry.undoes == entry_id for entry in history):
        return "data.cli.undo.entry_undone"
    return "data.cli.undo.entry_not_latest"


def _run_undo(args: argparse.Namespace) -> int:
    from oversight import ingest
    from oversight.ingest import commit

    if _no_data_folder(args.lang):
        return 1
    if args.entry is not None:
        # copied from a terminal with a space before or after (no id holds one): refused as "X is no longer the latest
        # import (the latest is now X)", the same id twice; an empty one read 导入  已不是最近一次…
        args.entry = args.entry.strip()
        if not args.entry:
            stderr.say(i18n.t("data.cli.undo.entry_empty", args.lang), args.lang)
            return 1
    try:
        with stop_signals.as_interrupt():
            _recover_and_say(args.lang)
            admin = _admin_for_data_change(args, "undo")
            if admin is None:
                return options.REFUSED
            account, users_path = admin
            entry = commit.undo_last(
                user=account.username,
                before_commit=lambda entry: _before_data_change("undo", account, users_path, entry),
                expected=args.entry,
            )
    except ingest.ValidationError as error:
        # the page's sentence asks to confirm again under its History; here the import is named with --entry
        if any(problem.message_key == "error.undo_target_changed" for problem in error.problems):
            error = ingest.ValidationError(
                [
                    dataclasses.replace(problem, message_key=_why_not_that_entry(args.entry or ""))
                    if problem.message_key == "error.undo_target_changed"
                    else problem
                    for problem in error.problems
                ]
            )
        stderr.say(error.render(args.lang).strip(), args.lang)
        return 1
    except KeyboardInterrupt as interrupt:
        return _interrupted("data.cli.undo.interrupted", args.lang, interrupt)
    print(i18n.t("data.report.undone", args.lang, id=entry.id, undoes=entry.undoes))
    return 0


def add_template(commands) -> None:
    command = commands.add_parser("template", help=help_text("template"), description=help_text("template"))
    command.add_argument("--table", choices=sorted(TABLES), required=True, help=help_text("template.table"))
    command.add_argument("--out", type=path_argument, required=True, metavar="FILE", help=help_text("template.out"))
    command.add_argument("--force", action="store_true", help=help_text("template.force"))
    options.language_option(command)
    command.set_defaults(run=_run_template)


def _run_template(args: argparse.Namespace) -> int:
    from oversight.auth import audit, roles
    from oversight.data import store
    from oversight.ingest import import_plan, templates
    from oversight.ingest.problems import shown_text

    problem = _template_out_problem(args)
    if problem:
        stderr.say(problem, args.lang)
        return 1
    current, _ = import_plan.load_current(store.data_dir())
    account = roles.local_account().username
    details = {"file": args.out.name, "kind": "template", "table": args.table, "out": str(args.out), "via": "cli"}
    try:  # as the data page's template download is: the line before the file
        audit.record(audit.DOWNLOAD, account=account, details=details)
    except audit.AuditError as error:
        stderr.say(options.audit_unwritable(error, args.lang), args.lang)
        return 1
    try:
        path = templates.write_template(args.out, TABLES[args.table], current.get("units"), args.lang)
    except OSError as error:
        reason = options.write_problem(error, args.lang)
        try:  # the line above is read "asked for, not delivered", as the brief's files that could not be written
            audit.record(audit.DOWNLOAD_FAILED, account=account, details={**details, "error": reason})
        except audit.AuditError:
            pass  # best effort: the disk that refused the file may refuse this line too
        shown = shown_text(str(args.out))
        stderr.say(i18n.t("data.cli.template.write_failed", args.lang, path=shown, reason=reason), args.lang)
        return 1
    print(i18n.t("data.report.template_written", args.lang, path=shown_text(str(path))))
    return 0


def _template_out_problem(args: argparse.Namespace) -> str | None:
    """What is wrong with ``--out`` as the template's file, in a sentence; None when it can be written.

    Checked before writing: the writer would create a missing folder (a typo in it gave a new folder), replace a
    ledger of the same name with an empty template, and write Excel bytes under a .csv name.
    """
    from oversight.data import store
    from oversight.ingest.problems import shown_text

    out, lang = args.out, args.lang
    shown = lambda path: shown_text(str(path))  # noqa: E731 — a path typed with an ESC in it is spelled out, not run
    if out.is_dir():
        example = out / f"{args.table}.xlsx"
        return i18n.t("data.cli.template.is_folder", lang, path=shown(out), example=shown(example))
    if out.suffix.lower() != ".xlsx":
        return i18n.t("data.cli.template.not_xlsx", lang, name=shown(out.name))
    folder = out.parent
    if not folder.exists():
        return i18n.t("data.cli.template.no_folder", lang, folder=shown(folder))
    if not folder.is_dir():
        return i18n.t("data.cli.template.not_a_folder", lang, folder=shown(folder))
    if options.inside(folder, store.data_dir()):
        # with --force too: an empty template over issues.xlsx emptied a live ledger with no history, undo or lock
        return i18n.t("data.cli.template.in_data_folder", lang, folder=shown(store.data_dir()))
    if out.exists() and not args.force:
        return i18n.t("data.cli.template.exists", lang, path=shown(out))
    return None


def _recover_and_say(lang: str) -> None:
    """A change a kill or a power cut left half made is put back before the command reads or changes the folder, and
    said, as the dashboard says it: the command line put it back without a word (a clerk whose import had been killed
    found its rows gone, and ``history`` without it, unexplained)."""
    from oversight.data import store
    from oversight.ingest import folder_lock

    rolled_back = folder_lock.recover_if_interrupted(store.data_dir())
    if rolled_back is not None:
        stderr.say(i18n.t(rolled_back.message_key, lang, id=rolled_back.entry), lang)


def _interrupted(key: str, lang: str, interrupt: KeyboardInterrupt) -> int:
    """Ctrl+C during an import or undo (at its password prompt, waiting for the folder, checking or writing), or the
    terminal closed or the process told to stop (``stop_signals``): said in a sentence, status 130 (129, 143). A commit interrupted between its files puts them back before the interrupt reaches here; one
    interrupted while putting them back (Ctrl+C twice) is put back now, before the sentence says the folder is as it
    was. Before, the command ended silently, 130 (3 at the password prompt, "refused", as if the password was wrong)."""
    from oversight.data import store
    from oversight.ingest import folder_lock

    folder = store.data_dir()
    folder_lock.recover_if_interrupted(folder)
    if folder_lock.needs_recovery(folder):  # another command holds the folder: its next change puts it back first
        key = "data.cli.interrupted_not_restored"
    stderr.interrupted(key, lang)
    return stop_signals.exit_status(interrupt)


def _no_data_folder(lang: str) -> bool:
    """Whether ``OVERSIGHT_DATA_DIR`` is not a folder (saying so on stderr): checked before anything is locked,
    read or asked, so that a typo is named and no folder is made."""
    problem = options.data_folder_problem(lang)
    if problem is not None:
        stderr.say(problem, lang)
    return problem is not None


def _admin_for_data_change(args: argparse.Namespace, command: str):
    """The account that may import or undo, and the users file it signed in against: the local user (and None)
    while no accounts exist, else a signed-in admin.

    None (after saying why on stderr, and auditing the refusal) when refused.
    """
    from oversight.auth import accounts, audit, login, roles
    from oversight.data import store

    try:
        path, users = accounts.accounts_for_cli(store.data_dir())
    except roles.AccountError as error:
        # a missing or emptied users file on a guarded folder: refused, and the refusal is kept where it can be
        # (the log's default place is beside the users file, which may be the thing that is missing)
        stderr.say(error.render(args.lang), args.lang)
        try:
            audit.record(
                audit.REFUSED,
                account=roles.local_account().username,
                details={"reason": error.key.rsplit(".", 1)[-1], "command": command, "via": "cli", **error.params},
            )
        except audit.AuditError:
            pass
        return None
    if not users:
        return roles.local_account(), None
    if not args.user:
        audit.record(
            audit.REFUSED,
            account=roles.local_account().username,  # the OS user who tried
            details={"reason": "sign_in_required", "command": command, "via": "cli"},
        )
        stderr.say(i18n.t("auth.cli.import_refused", args.lang), args.lang)
        return None
    try:
        password = options.read_password(args)
    except ValueError as error:  # no terminal to ask at: said, not a silent exit 3
        stderr.say(str(error), args.lang)
        return None
    except EOFError:  # Ctrl+D at the prompt: refused, said (Ctrl+C goes on up, to the command's "interrupted")
        stderr.interrupted("auth.cli.no_password_given", args.lang)
        return None
    result = login.sign_in(args.user, password, path=path)
    if not result.ok or result.account is None:
        stderr.say(result.message(args.lang), args.lang)
        return None
    if not roles.can_import(result.account):
        audit.record(
            audit.REFUSED,
            account=result.account,
            details={"reason": "forbidden_action", "command": command, "via": "cli"},
        )
        stderr.say(i18n.t("auth.cli.not_admin", args.lang, username=result.account.username), args.lang)
        return None
    return result.account, path


def _remember_accounts(users_path: Path | None) -> None:
    """For a signed-in change, the folder remembers that accounts guard it (``auth.accounts_marker``)."""
    from oversight.auth import accounts_marker
    from oversight.data import store

    if users_path is not None:
        accounts_marker.remember_accounts(store.data_dir(), users_path)


def _before_data_change(action: str, account, users_path: Path | None, entry) -> None:
    """What is written before an import's or undo's first file is replaced: its audit line, which raises ``AuditError``
    (and the change is rolled back) when it cannot be written; then, for a signed-in account, the folder's memory that
    accounts guard it (never raises). Written once the change had been made, a kill between the two (kill -9, a power
    cut) left a folder changed by an account that a users file of no accounts opened to anyone."""
    from oversight.auth import audit

    tables = {
        name: {"rows_before": info.get("rows_before"), "rows_after": info.get("rows_after")}
        for name, info in entry.tables.items()
    }
    audit.record(
        action,
        account=account,
        details={
            "entry": entry.id,
            "sources": list(entry.sources),
            "mode": entry.mode,
            "undoes": entry.undoes,
            "tables": tables,
            "via": "cli",
            "os_user": config.os_user(),
        },
    )
    _remember_accounts(users_path)
