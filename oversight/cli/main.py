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
    python -m oversight user set USERNAME [--role ROLE] [--unit U ...]
    python -m oversight user disable USERNAME | enable USERNAME
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
has problems, 2 bad usage or an unexpected failure, 3 refused (sign-in failed,
not an admin, unreadable users file), 130 interrupted (Ctrl+C; an import, undo
or account change interrupted is not made); ``brief`` and ``alerts`` add 4, 5
and 6 (docs/ALERTS.md's table, checked by tests/test_docs_match_code.py).
"""

from __future__ import annotations

import argparse
import codecs
import logging
import os
import sys

from oversight import config
from oversight.cli import closed_pipe, data, options, sample, schedule, stderr, usage_language, users
from oversight.cli.usage_language import help_text
from oversight.core import i18n


def build_parser() -> argparse.ArgumentParser:
    parser = usage_language.Parser(prog="python -m oversight", description=help_text("main"))
    options.language_before_command(parser)
    # no dest: argparse then names a missing command by its choices ({sample,validate,…}), not by "command"
    commands = parser.add_subparsers(required=True)
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
    lang = usage_language.requested_language(arguments)
    stderr.speak(lang)
    try:
        return _main(arguments, lang)
    except KeyboardInterrupt:  # Ctrl+C anywhere a command has no sentence of its own for it: one, and 130
        stderr.interrupted("cli.interrupted")
        return options.INTERRUPTED


def _main(arguments: list[str], lang: str) -> int:
    _quiet_logging()
    try:
        with usage_language.speaking(lang):
            args = build_parser().parse_args(arguments)
    except UnicodeEncodeError as error:  # --help on a terminal that cannot show Chinese
        return _report_failure(error, lang)
    if getattr(args, "lang_before_command", None) is not None and hasattr(args, "lang"):
        args.lang = lang
    stderr.speak(getattr(args, "lang", None) or lang)
    try:
        # `validate bad.xlsx | head -1` still exits 1, `alerts --push | head` still pushes
        from oversight.auth import audit

        with closed_pipe.reader_may_leave(), audit.from_command_line():
            return args.run(args)
    except BrokenPipeError:
        # written past sys.stdout (a stream held from before): the reader has what it wanted; nothing more is written
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as error:  # noqa: BLE001 — every failure becomes a sentence, never a traceback
        return _report_failure(error, getattr(args, "lang", None) or lang)


def _report_failure(error: Exception, lang: str) -> int:
    """The sentence for a command that failed: a refused input (1), a refusal (3), anything else (2).

    With OVERSIGHT_DEBUG set, an unexpected failure is raised on, for its traceback; unset, none is printed (the
    library's log handler is this terminal's, README: the CLI prints a sentence, never a traceback).
    """
    from oversight import ingest
    from oversight.auth import audit, roles
    from oversight.ingest import import_report

    if isinstance(error, ingest.ValidationError):
        stderr.say(error.render(lang).strip(), lang)
        return 1
    if isinstance(error, roles.AccountError):
        stderr.say(error.render(lang), lang)
        return options.REFUSED
    if isinstance(error, audit.AuditError):  # the log's file and what to do, beside the sentence
        stderr.say(options.audit_unwritable(error, lang), lang)
        return 2
    if config.setting("OVERSIGHT_DEBUG"):
        raise error
    encoding = _terminal_encoding(error)
    if encoding is not None:
        _say(i18n.t("error.terminal_encoding", lang, encoding=encoding), "error.terminal_encoding", encoding, lang)
        return 2
    stderr.say(import_report.describe_failure(error, lang, change=None, keep_traceback=False), lang)
    return 2


def _terminal_encoding(error: Exception) -> str | None:
    """The encoding of this terminal's output when ``error`` is its failing to take a text (``PYTHONIOENCODING=ascii``,
    ``LANG=C`` on an old system); None for any other failure (a file written in GBK is not the terminal's)."""
    if not isinstance(error, UnicodeEncodeError):
        return None
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None)
        if encoding and _codec(encoding) == _codec(error.encoding):
            return encoding
    return None


def _codec(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return name


def _say(text: str, key: str, encoding: str, lang: str) -> None:
    """``text`` on stderr; in English where stderr cannot show it (Chinese on an ASCII terminal came out as
    \\uXXXX escapes), since a sentence nobody can read says nothing."""
    stream_encoding = getattr(sys.stderr, "encoding", None) or "utf-8"
    try:
        text.encode(stream_encoding)
    except (UnicodeEncodeError, LookupError):
        text, lang = i18n.t(key, "en", encoding=encoding), "en"
    stderr.say(i18n.sentence_start(text), lang)  # a line of its own: "the terminal's …" opened in lower case
