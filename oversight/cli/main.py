"""The command line, on the same code as the Data page.

    python -m oversight sample --out data
    python -m oversight sample --scale N --out DIR [--csv]
    python -m oversight validate FILE... [--table T] [--mode replace|append] [--json] [--lang zh|en]
    python -m oversight import FILE... [--table T] [--mode replace|append] [--user ADMIN [--password-stdin]]
    python -m oversight history
    python -m oversight undo [--user ADMIN [--password-stdin]]
    python -m oversight template --table T --out FILE.xlsx [--force]
    python -m oversight user add USERNAME --role admin|leader|unit [--unit U ...] [--email E]
                                 [--password-stdin | --no-password]
    python -m oversight user passwd USERNAME [--password-stdin]
    python -m oversight user remove USERNAME
    python -m oversight user list
    python -m oversight brief [--from Q --to Q | --period year|quarter] [--unit U ...] [--format LIST] [--out DIR] [--push]
    python -m oversight alerts [--as-of DATE] [--due-within 30] [--json] [--push]   (see oversight/cli/schedule.py)

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
import logging
import os
import sys

from oversight import config
from oversight.cli import data, options, sample, schedule, usage_language, users
from oversight.cli.usage_language import help_text
from oversight.core import i18n


def build_parser() -> argparse.ArgumentParser:
    parser = usage_language.Parser(prog="python -m oversight", description=help_text("main"))
    commands = parser.add_subparsers(dest="command", required=True)
    for add in (
        sample.add_sample,
        data.add_validate,
        data.add_import,
        data.add_history,
        data.add_undo,
        data.add_template,
        users.add_user,
        schedule.add_brief,
        schedule.add_alerts,
    ):
        add(commands)
    return parser


def _quiet_logging() -> None:
    """What the library logs reaches a terminal only when it is an error: its warnings are for a server's log
    (a damaged cache file read again from the spreadsheets, a printer restarted) and would reach a clerk in
    English beside the command's own sentences, which already say what they need to know. With OVERSIGHT_DEBUG
    set they are shown."""
    level = logging.WARNING if config.setting("OVERSIGHT_DEBUG") else logging.ERROR
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    _quiet_logging()
    with usage_language.speaking(usage_language.requested_language(arguments)):
        args = build_parser().parse_args(arguments)
    try:
        return args.run(args)
    except BrokenPipeError:
        # the reader stopped reading (`history | head -1`): it has what it wanted; nothing more is written
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
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
        return options.REFUSED
    print(import_report.describe_failure(error, lang, change=None), file=sys.stderr)
    return 2
