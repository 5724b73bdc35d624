"""argparse's own messages ("usage:", "error:", "expected one argument" …) in the command line's language.

argparse writes every message through ``gettext`` (``_('expected one argument')``), looked up by name in its
own module each time. gettext itself cannot serve us: it takes the language from the environment, not from
``--lang``, and reads compiled ``.mo`` catalogues, while our strings live in ``locales/*.json``. Overriding
``error()`` instead would leave the usage line and ``--help``'s headings in English, and would have to take
apart sentences argparse had already put together. So, for as long as our parser is built and reads the
command line (``speaking``), argparse's ``_`` and ``ngettext`` are swapped for a look-up of the same English
message ids in ``cli.argparse.*``; afterwards argparse is as it was. A message id a later Python adds or
rewords stays English rather than failing.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from oversight.core import i18n

# argparse's message ids (Python 3.11) → our keys; each translation keeps the id's %-placeholders.
MESSAGES = {
    "usage: ": "cli.argparse.usage",
    "positional arguments": "cli.argparse.positionals",
    "options": "cli.argparse.options",
    "show this help message and exit": "cli.argparse.help",
    "%(prog)s: error: %(message)s\n": "cli.argparse.error",
    "argument %(argument_name)s: %(message)s": "cli.argparse.argument",
    "unrecognized arguments: %s": "cli.argparse.unrecognized",
    "the following arguments are required: %s": "cli.argparse.required",
    "one of the arguments %s is required": "cli.argparse.one_required",
    "expected one argument": "cli.argparse.expected_one",
    "expected at most one argument": "cli.argparse.expected_at_most_one",
    "expected at least one argument": "cli.argparse.expected_at_least_one",
    "expected %s argument": "cli.argparse.expected_n.one",
    "expected %s arguments": "cli.argparse.expected_n",
    "invalid choice: %(value)r (choose from %(choices)s)": "cli.argparse.invalid_choice",
    "invalid %(type)s value: %(value)r": "cli.argparse.invalid_value",
    "not allowed with argument %s": "cli.argparse.not_allowed_with",
    "ignored explicit argument %r": "cli.argparse.ignored_value",
    "ambiguous option: %(option)s could match %(matches)s": "cli.argparse.ambiguous",
}


def requested_language(argv: Sequence[str]) -> str:
    """The ``--lang`` on the command line (``--lang en``, ``--lang=en``), else the default: argparse reports
    mistakes before it has read ``--lang`` itself, so it is looked for by hand."""
    for index, token in enumerate(argv):
        if token == "--":
            break
        value = argv[index + 1] if token == "--lang" and index + 1 < len(argv) else None
        if token.startswith("--lang="):
            value = token.removeprefix("--lang=")
        if value in i18n.LANGUAGES:
            return value
    return i18n.DEFAULT_LANGUAGE


def translator(lang: str) -> Callable[[str], str]:
    texts = i18n.catalog(lang)

    def translate(message: str) -> str:
        key = MESSAGES.get(message)
        return texts[key] if key in texts else message

    return translate


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """argparse's messages in ``lang`` inside the block (building the parser and parsing), as before after it."""
    translate = translator(lang)
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._ = translate  # type: ignore[attr-defined]
    argparse.ngettext = lambda singular, plural, n: translate(singular if n == 1 else plural)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]
