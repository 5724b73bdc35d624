"""Every line the command line writes to standard error, ended one way (``say``).

The rule: a line is a sentence and ends as one — 。 in Chinese, a full stop in English — unless it ends in a
question or exclamation mark already, or in a colon that introduces the lines under it, or is one of those lines
(an item, indented or opened with "- "), which are parts of the sentence above them. Some lines ended in 。 and some
had nothing (账号“nobody”不存在 beside 模板未写入。请先建好该文件夹，或换一个位置。), in both languages; the ending is
now added here rather than in each catalog entry, so that a new message cannot forget it.

Two kinds of line get no full stop of their own. A line that already ends in either language's full stop, question
or exclamation mark, colon or ellipsis, also inside a closing bracket or quote (an English reason from the system in
a Chinese line, “请先导入。”): a second one would read “。。” or “.。”. A line that ends in what a reader copies: a
path, a URL, an e-mail address, a file name, an option or an environment variable, or a list of such names after a
colon (未知单位编码：X1、X2): a stop after it would be copied with it (rename it issues.xlsx. — the file is not
“issues.xlsx.”).
"""

from __future__ import annotations

import re
import sys
from contextvars import ContextVar
from typing import TextIO

# the language of the command's lines where a caller does not know it (a brief's language may come from its settings)
_SPEAKING: ContextVar[str] = ContextVar("stderr_language", default="zh")

# a line ending in any of these has its ending already, whichever language the line (or the part quoted) is in
_ENDS = ("。", "？", "！", "：", "…", ".", "?", "!", ":")
_CLOSING = "”’\"')）」』]】"
_FULL_STOP = {"zh": "。", "en": "."}
# the last thing on a line made of what paths, URLs, options and names are made of (改名为issues.xlsx: issues.xlsx)
_LAST_NAME = re.compile(r"[\w./\\~$#@%:+=?&-]+$", re.ASCII)
# a list after the line's last colon: one or more names (codes, values, files) of letters, digits and ._-/~, joined as
# i18n.listed joins them (X1、X2 / X1, X2); a clause in words (权限不足，请检查) is no such list
_LIST_AFTER_COLON = re.compile(r"(?:：|: )[\w./~-]+(?:(?:、|, |, and | and )[\w./~-]+)*$", re.ASCII)


def _copied(name: str) -> bool:
    """Whether the last name on a line is one a reader copies as it is (a full stop after it would be copied too)."""
    return (
        "/" in name  # a path, a URL
        or "\\" in name  # a Windows path
        or "@" in name  # an e-mail address
        or name.startswith("-")  # an option
        or re.fullmatch(r"[\w~$#.-]*\.[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*", name) is not None  # a file name, not 2.5
        or re.fullmatch(r"[A-Z][A-Z0-9]*_[A-Z0-9_]+", name) is not None  # an environment variable
    )


def finished(text: str, lang: str) -> str:
    """``text`` with each of its sentence lines ended in ``lang``'s full stop (the module's rule)."""
    return "\n".join(_ended(line, lang) for line in text.rstrip().splitlines())


def _ended(line: str, lang: str) -> str:
    line = line.rstrip()
    if not line or line[0].isspace() or line.startswith("- "):
        return line
    if line.rstrip(_CLOSING).endswith(_ENDS) or _LIST_AFTER_COLON.search(line):
        return line
    name = _LAST_NAME.search(line)
    if name is not None and _copied(name.group()):
        return line
    return line + _FULL_STOP["zh" if lang == "zh" else "en"]


def speak(lang: str) -> None:
    """The command's language, once it is known, for ``say`` without one."""
    _SPEAKING.set(lang)


def say(text: str, lang: str | None = None, stream: TextIO | None = None) -> None:
    """``text`` on standard error (or ``stream``), each sentence line ended as the module's rule says."""
    print(finished(str(text), lang or _SPEAKING.get()), file=stream or sys.stderr)


def is_finished(line: str, lang: str) -> bool:
    """Whether a line written to standard error keeps the rule (for the tests that read what a command printed)."""
    return _ended(line, lang) == line.rstrip()


def interrupted(key: str, lang: str | None = None) -> None:
    """The sentence ``key`` said after Ctrl+C, on a line of its own: at a terminal the interrupt leaves the cursor where
    it was, after the password prompt or the terminal's ``^C``, and the sentence went on that line (or only an empty
    line was printed). In English where the terminal cannot show Chinese (``PYTHONIOENCODING=ascii``): the sentence
    failing to print raised again, inside the interrupt's handler, with a traceback."""
    from oversight.core import i18n

    lang = lang or _SPEAKING.get()
    try:
        at_terminal = sys.stderr.isatty()
    except (AttributeError, ValueError):
        at_terminal = False
    text = i18n.t(key, lang)
    try:
        text.encode(getattr(sys.stderr, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        text, lang = i18n.t(key, "en"), "en"
    try:
        if at_terminal:
            print(file=sys.stderr)
        say(text, lang)
    except OSError:  # the terminal is gone (a window closed: SIGHUP): nobody is there to read it
        pass
