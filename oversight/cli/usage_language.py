"""argparse's own messages ("usage:", "error:", "expected one argument" …) in the command line's language.

argparse writes every message through ``gettext`` (``_('expected one argument')``), looked up by name in its
own module each time. gettext itself cannot serve us: it takes the language from the environment, not from
``--lang``, and reads compiled ``.mo`` catalogues, while our strings live in ``locales/*.json``. Overriding
``error()`` instead would leave the usage line and ``--help``'s headings in English, and would have to take
apart sentences argparse had already put together. So, for as long as our parser is built and reads the
command line (``speaking``), argparse's ``_`` and ``ngettext`` are swapped for a look-up of the same English
message ids in ``cli.argparse.*``; afterwards argparse is as it was. A message id a later Python adds or
rewords stays English rather than failing.

Our own texts in ``--help`` (each option's ``help=``, each command's ``help=`` and ``description=``) take the same
road: the parser-building code writes ``help=help_text("template.out")``, which reads ``cli.help.template.out`` in
the language being spoken when the parser is built. Built, not shown: argparse fixes its own "show this help
message and exit" then (``add_argument`` calls ``_``), so a parser is in one language from the start, whatever
prints it. A HelpFormatter translating ``action.help`` as a key at show time was the other way, and the worse one:
it would override argparse's private ``_get_help_string`` and ``_format_text`` to reach help, descriptions and the
subcommand list, would still need the language from here, and any other formatter would show raw keys. The texts
stay plain strings for argparse to expand when it shows them, so a translation keeps ``%(default)s`` (the
option's default, filled by argparse). A key missing from a language raises (``i18n.t``) while the parser is
built: every command fails at once, never a raw key in the help.

What the formatter (``Parser``'s, passed on to every subcommand) does do is lay Chinese out: textwrap counts
characters and breaks only at spaces, so a Chinese help ran past the terminal's edge in one piece. Text with
wide characters is wrapped by the columns it takes, between any two Chinese characters, never putting a
closing mark (，。）) at the start of a line or an opening one (（“) at the end; English is wrapped as before.
"""

from __future__ import annotations

import argparse
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, NoReturn

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

# the language ``speaking`` speaks, for ``help_text``; outside it, the default
_SPOKEN: ContextVar[str] = ContextVar("cli_language", default=i18n.DEFAULT_LANGUAGE)


def requested_language(argv: Sequence[str]) -> str:
    """The ``--lang`` on the command line (``--lang en``, ``--lang=en``), else the default: argparse reports
    mistakes before it has read ``--lang`` itself, so it is looked for by hand — the last one given, as argparse
    takes the last (``--lang en --lang zh`` errored in English and ran in Chinese)."""
    found = i18n.DEFAULT_LANGUAGE
    for index, token in enumerate(argv):
        if token == "--":
            break
        value = argv[index + 1] if token == "--lang" and index + 1 < len(argv) else None
        if token.startswith("--lang="):
            value = token.removeprefix("--lang=")
        if value in i18n.LANGUAGES:
            found = value
    return found


# argparse's sentences that name several options, as it joins them (", " or " ") → the value that holds the names
_LISTING = {
    "cli.argparse.required": (", ", None),  # the following arguments are required: --table, --out
    "cli.argparse.one_required": (" ", None),  # one of the arguments --a --b is required
    "cli.argparse.ambiguous": (", ", "matches"),  # ambiguous option: --f could match --from, --force
}


class _Listing(str):
    """A translated argparse sentence that lists options: argparse fills it with the names joined by its own ", "
    (缺少必需的参数：--table, --out, an English comma in a Chinese sentence) or by spaces; they are listed again in
    the reader's punctuation (--table、--out; --table, --out)."""

    lang: str
    joined_by: str
    field: str | None

    def __new__(cls, text: str, lang: str, joined_by: str, field: str | None) -> _Listing:
        made = super().__new__(cls, text)
        made.lang, made.joined_by, made.field = lang, joined_by, field
        return made

    def __mod__(self, values: Any) -> str:
        def relisted(names: object) -> str:
            return i18n.listed(str(names).split(self.joined_by), self.lang)

        if self.field is None:
            return str(self) % relisted(values)
        return str(self) % {**values, self.field: relisted(values[self.field])}


def translator(lang: str) -> Callable[[str], str]:
    texts = i18n.catalog(lang)

    def translate(message: str) -> str:
        key = MESSAGES.get(message)
        if key not in texts:
            return message
        if key in _LISTING:
            return _Listing(texts[key], lang, *_LISTING[key])
        return texts[key]

    return translate


def help_text(key: str) -> str:
    """The help of a command or option, ``cli.help.<key>``, in the language being spoken (a missing key raises)."""
    return i18n.t(f"cli.help.{key}", _SPOKEN.get())


def path_argument(text: str) -> Path:
    """A path given on the command line; an empty one is refused. ``Path("")`` is the current folder: ``brief --out
    "$DIR"`` with DIR unset wrote the pack marked 内部资料 where the command happened to run, and ``sample --out ""``
    six ledgers, exit 0. Used as ``type=`` while the parser reads (``speaking``), so it speaks the line's language."""
    if not text.strip():
        raise argparse.ArgumentTypeError(i18n.t("cli.argparse.empty_path", _SPOKEN.get()))
    option = _option_typed_with_other_dashes(text)
    if option is not None and not Path(text).exists():
        raise argparse.ArgumentTypeError(
            i18n.t("cli.argparse.not_ascii_dashes", _SPOKEN.get(), typed=text, option=option)
        )
    return Path(text)


# what a Chinese input method or a word processor makes of "--": a dash, a full-width hyphen-minus, a hyphen
_OTHER_DASHES = re.compile(
    r"^[\u2010-\u2015\u2212\ufe58\ufe63\uff0d-]*[\u2010-\u2015\u2212\ufe58\ufe63\uff0d][\u2010-\u2015\u2212\ufe58\ufe63\uff0d-]*(?=[A-Za-z])"
)


def _option_typed_with_other_dashes(text: str) -> str | None:
    """``--table`` when ``text`` is ``—table`` or ``－－table`` (an option typed with a dash that is not "-"); None for
    any other text. ``validate f.xlsx —table issues`` looked for the files “—table” and “issues”: 找不到文件“—table”."""
    match = _OTHER_DASHES.match(text)
    if match is None:
        return None
    name = text[match.end() :].split("=", 1)[0]
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*", name) is None:  # —x.xlsx: a file's name, odd as it is
        return None
    return f"--{name}" if len(name) > 1 else f"-{name}"


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """argparse's messages and our help texts in ``lang`` inside the block (building the parser and parsing), as
    before after it."""
    translate = translator(lang)
    spoken = _SPOKEN.set(lang)
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._ = translate  # type: ignore[attr-defined]
    argparse.ngettext = lambda singular, plural, n: translate(singular if n == 1 else plural)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]
        _SPOKEN.reset(spoken)


_NO_LINE_START = frozenset("，。、；：？！）》」』”’…")
_NO_LINE_END = frozenset("（《「『“‘")


def columns(text: str) -> int:
    """How many terminal columns ``text`` takes: two for a Chinese character or full-width mark, else one."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pieces(text: str) -> Iterator[str]:
    """The words, single spaces and single wide characters of ``text``: a line may break between any two."""
    word = ""
    for char in " ".join(text.split()):
        if char == " " or columns(char) == 2:
            if word:
                yield word
            yield char
            word = ""
        else:
            word += char
    if word:
        yield word


def _units(text: str) -> list[str]:
    """The pieces of ``text`` a line is not broken inside: a word or a wide character, with the closing marks
    after it and the opening marks before it (a break between ``ZIP``, ``）`` and ``，`` would start a line with a
    mark); and the single spaces between them."""
    units: list[str] = []
    glued = False  # the piece before was an opening mark: this one joins it
    for piece in _pieces(text):
        if units and piece != " " and units[-1] != " " and (glued or piece in _NO_LINE_START):
            units[-1] += piece
        else:
            units.append(piece)
        glued = piece in _NO_LINE_END
    return units


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns, broken at spaces and between wide characters, never before a
    closing mark or after an opening one (a piece wider than ``width`` alone stays whole, as textwrap keeps a path)."""
    lines: list[str] = []
    line = ""
    for unit in _units(text):
        if unit == " ":
            line += " " if line else ""
        elif line and columns(line + unit) > width:
            lines.append(line.rstrip())
            line = unit
        else:
            line += unit
    return [*lines, line.rstrip()] if line.strip() else lines


class HelpFormatter(argparse.HelpFormatter):
    """argparse's help layout, with Chinese wrapped by the columns it takes (``wrap``); English as argparse does.

    A section's heading ends in argparse's own ASCII colon, written by its ``_Section`` and not through ``_``, so no
    translation reaches it: a Chinese heading (位置参数, 选项) is given the full-width one instead (位置参数：), an
    English one keeps ``options:``."""

    def start_section(self, heading: str | None) -> None:
        if heading and columns(heading) != len(heading):
            self._wide_headings = {*getattr(self, "_wide_headings", ()), heading}
        super().start_section(heading)

    def format_help(self) -> str:
        text = super().format_help()
        for heading in getattr(self, "_wide_headings", ()):
            text = re.sub(rf"(?m)^( *{re.escape(heading)}):$", lambda found: f"{found.group(1)}：", text)
        return text

    def _split_lines(self, text: str, width: int) -> list[str]:
        if columns(text) == len(text):
            return super()._split_lines(text, width)
        return wrap(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if columns(text) == len(text):
            return super()._fill_text(text, width, indent)
        return "\n".join(indent + line for line in wrap(text, width - len(indent)))


_COMMAND_PARSER = "_command_parser"


def _close_option(parser: argparse.ArgumentParser, extras: Sequence[str]) -> str | None:
    """The option of ``parser`` closest to the first left-over word that reads as an option (``--tabel``, ``--mdoe``,
    ``--table=issue`` for ``--table``), None when none is close."""
    import difflib

    options = [option for action in parser._actions for option in action.option_strings if option.startswith("--")]
    for word in extras:
        if word.startswith("--"):
            close = difflib.get_close_matches(word.split("=", 1)[0], options, n=1, cutoff=0.75)
            if close:
                return close[0]
    return None


class Parser(argparse.ArgumentParser):
    """The command line's parser: ``HelpFormatter`` for it and, through ``add_subparsers`` (which makes every
    subcommand's parser of the same class), for each subcommand."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(**kwargs)
        # the command's own parser, for its words left over: each subcommand's default replaces the one above it
        self.set_defaults(**{_COMMAND_PARSER: self})

    def parse_args(self, args: Sequence[str] | None = None, namespace: Any = None) -> argparse.Namespace:  # type: ignore[override]
        """argparse's ``parse_args``, with the words no option or argument took said under the usage of the command
        they were given to, a misspelled option with the option it is close to: ``undo now`` and ``validate f.xlsx
        --tabel issues`` were refused under the whole tool's usage, which does not show --table, and no hint."""
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            parser = getattr(parsed, _COMMAND_PARSER, self)
            lang = _SPOKEN.get()
            message = i18n.t("cli.argparse.unrecognized", lang) % " ".join(extras)
            close = _close_option(parser, extras)
            if close is not None:
                message += i18n.t("cli.argparse.did_you_mean", lang, option=close)
            parser.error(message)
        if hasattr(parsed, _COMMAND_PARSER):
            delattr(parsed, _COMMAND_PARSER)
        return parsed

    def error(self, message: str) -> NoReturn:
        """A mistake on the command line, under the usage: its sentence ended as every line on stderr is
        (``stderr.finished``)."""
        from oversight.cli import stderr

        super().error(stderr.finished(message, _SPOKEN.get()))

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        """A value that is not one of the option's choices: the choices listed in the reader's punctuation, the value
        in its quotes (argparse wrote Python's reprs, “sideways”不是可选的值（可选：'replace', 'append'）)."""
        if action.choices is not None and value not in action.choices:
            lang = _SPOKEN.get()
            choices = i18n.listed(action.choices, lang)
            raise argparse.ArgumentError(
                action, i18n.t("cli.argparse.not_a_choice", lang, value=value, choices=choices)
            )
