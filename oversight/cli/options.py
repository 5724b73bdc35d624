"""What several commands share: the ledger options, the language option, the admin's sign-in options, the password
prompt, why a file could not be written, whether a folder is the data folder, whether the data folder is one, and the
exit statuses."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from oversight.cli.usage_language import help_text
from oversight.contract.schema import TABLES
from oversight.core import i18n

REFUSED = 3  # exit status: sign-in failed, not an admin, unreadable users file
INTERRUPTED = 130  # exit status: Ctrl+C (as a shell counts a program SIGINT ended: 128 + 2)


def table_options(parser: argparse.ArgumentParser, mode_help: str | None = None) -> None:
    """``--table`` and ``--mode`` of the commands that read a ledger (``validate``, ``import``)."""
    parser.add_argument("--table", choices=sorted(TABLES), help=help_text("common.table"))
    # None when not given: import then refuses a replace that would remove rows (see data._replace_not_asked_for)
    parser.add_argument(
        "--mode", choices=("replace", "append"), default=None, help=mode_help or help_text("common.mode")
    )


def mode(args: argparse.Namespace) -> str:
    """The import mode asked for, replace when none was."""
    return args.mode or "replace"


def inside(folder: Path, data_folder: Path) -> bool:
    """Whether ``folder`` is the data folder or one inside it, however either is spelled (links resolved)."""
    try:
        folder.resolve().relative_to(data_folder.resolve())
    except (ValueError, OSError):
        return False
    return True


def language_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang",
        choices=i18n.LANGUAGES,
        default=i18n.DEFAULT_LANGUAGE,
        help=help_text("common.lang"),
    )


def language_before_command(parser: argparse.ArgumentParser) -> None:
    """``--lang`` where a reader puts an option of the whole tool (or of a group such as ``user``): before the command.
    ``python -m oversight --lang en --help`` and ``user --lang en list`` read "en" as the command ("invalid choice:
    'en'"). The command's own ``--lang``, if also given, is the same option: the last one given decides (``main``).
    No default, so a group's absent option does not overwrite the tool's."""
    parser.add_argument(
        "--lang",
        dest="lang_before_command",
        choices=i18n.LANGUAGES,
        default=argparse.SUPPRESS,
        help=help_text("main_lang"),
    )


def admin_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", metavar="USERNAME", help=help_text("common.user"))
    parser.add_argument("--password-stdin", action="store_true", help=help_text("common.password_stdin"))


def write_problem(error: OSError, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
    """Why a file could not be written, in ``lang`` (``i18n.write_problem``, which the push's record uses too)."""
    return i18n.write_problem(error, lang)


def audit_unwritable(error: OSError, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
    """Why an action was not carried out when its audit line could not be written, and the log's file, the reason in
    words and what to do on a line of its own: the sentence alone named no file, and an admin looked for the log."""
    from oversight.auth import audit

    where = i18n.t("cli.audit_unwritable_where", lang, path=audit.audit_log_path(), reason=write_problem(error, lang))
    return f"{i18n.t('error.audit_unwritable', lang)}\n{where}"


def data_folder_problem(lang: str = i18n.DEFAULT_LANGUAGE) -> str | None:
    """Why ``OVERSIGHT_DATA_DIR`` is no data folder (not there, or a file), in a sentence; None when it is a folder.

    Asked before a command touches the folder: taking its lock made a mistyped one (after which every command read
    an empty folder), and a file there failed as 处理失败（FileExistsError） after a traceback.
    """
    from oversight.data import store
    from oversight.ingest.problems import not_a_folder

    try:
        problem = not_a_folder(store.data_dir())
    except OSError:
        problem = None  # a folder that cannot be looked at (no permission): said below
    if problem is None:
        return data_folder_unreadable(lang)
    # a line on its own on stderr: its reason opens it ("the data folder does not exist: …" read as half a line)
    return i18n.sentence_start(problem.message(lang))


def data_folder_unreadable(lang: str = i18n.DEFAULT_LANGUAGE) -> str | None:
    """Why the data folder cannot be read (no permission to list it or to open what is in it), in a sentence naming
    it; None when it can, or is not there (``data_folder_problem`` says that).

    ``history``, ``validate`` and ``alerts`` of such a folder said 数据文件夹不可写入……数据未作任何改动, exit 2: a
    folder they only read, a change none of them makes, and no folder named."""
    import os

    from oversight.data import store
    from oversight.ingest.problems import shown_text

    folder = str(store.data_dir())
    try:
        with os.scandir(folder) as entries:  # listing it needs its read permission
            next(entries, None)
        os.stat(os.path.join(folder, "."))  # opening what is in it, its search (x) permission
    except PermissionError:
        return i18n.t("cli.data_folder_unreadable", lang, folder=shown_text(folder))
    except OSError:
        return None
    return None


def read_password(args: argparse.Namespace, confirm: bool = False) -> str:
    """The password from the first line of standard input (``--password-stdin``) or asked for at the terminal;
    ``ValueError`` (its sentence in ``args.lang``) when no terminal can be asked (a pipe, a cron job): Python's
    prompt then read the piped text with a GetPassWarning and the password echoed."""
    if getattr(args, "password_stdin", False):
        return sys.stdin.readline().rstrip("\r\n")
    if sys.stdin is None or not sys.stdin.isatty():
        raise ValueError(i18n.t("auth.cli.password_needs_stdin", args.lang))
    import getpass

    password = getpass.getpass(i18n.t("auth.cli.password_prompt", args.lang))
    if confirm and getpass.getpass(i18n.t("auth.cli.password_confirm", args.lang)) != password:
        raise ValueError(i18n.t("auth.cli.password_mismatch", args.lang))
    return password
