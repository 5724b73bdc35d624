"""What several commands share: the language option, the admin's sign-in options, the password prompt, and the
exit statuses."""

from __future__ import annotations

import argparse
import sys

from oversight.core import i18n

REFUSED = 3  # exit status: sign-in failed, not an admin, unreadable users file


def language_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang",
        choices=i18n.LANGUAGES,
        default=i18n.DEFAULT_LANGUAGE,
        help=f"language of the report (default: {i18n.DEFAULT_LANGUAGE})",
    )


def admin_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", metavar="USERNAME", help="an admin account (needed once accounts are configured)")
    parser.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")


def read_password(args: argparse.Namespace, confirm: bool = False) -> str:
    if getattr(args, "password_stdin", False):
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    password = getpass.getpass(i18n.t("auth.cli.password_prompt", args.lang))
    if confirm and getpass.getpass(i18n.t("auth.cli.password_confirm", args.lang)) != password:
        raise ValueError(i18n.t("auth.cli.password_mismatch", args.lang))
    return password
