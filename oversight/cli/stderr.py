"""Every line the command line writes to standard error, ended one way (``say``).

The rule: a line is a sentence and ends as one — 。 in Chinese, a full stop in English — unless it ends in a
question or exclamation mark already, or in a colon that introduces the lines under it, or is one of those lines
(an item, indented or opened with "- "), which are parts of the sentence above them. Some lines ended in 。 and some
had nothing (账号“nobody”不存在 beside 模板未写入。请先建好该文件夹，或换一个位置。), in both languages; the ending is
now added here rather than in each catalog entry, so that a new message cannot forget it.
"""

from __future__ import annotations

import sys
from contextvars import ContextVar
from typing import TextIO

# the language of the command's lines where a caller does not know it (a brief's language may come from its settings)
_SPEAKING: ContextVar[str] = ContextVar("stderr_language", default="zh")

_ENDS = {"zh": ("。", "？", "！", "：", "……"), "en": (".", "?", "!", ":", "…")}
_FULL_STOP = {"zh": "。", "en": "."}


def finished(text: str, lang: str) -> str:
    """``text`` with each of its sentence lines ended in ``lang``'s full stop (the module's rule)."""
    return "\n".join(_ended(line, lang) for line in text.rstrip().splitlines())


def _ended(line: str, lang: str) -> str:
    line = line.rstrip()
    if not line or line[0].isspace() or line.startswith("- "):
        return line
    language = "zh" if lang == "zh" else "en"
    if line.endswith(_ENDS[language]):
        return line
    return line + _FULL_STOP[language]


def speak(lang: str) -> None:
    """The command's language, once it is known, for ``say`` without one."""
    _SPEAKING.set(lang)


def say(text: str, lang: str | None = None, stream: TextIO | None = None) -> None:
    """``text`` on standard error (or ``stream``), each sentence line ended as the module's rule says."""
    print(finished(str(text), lang or _SPEAKING.get()), file=stream or sys.stderr)


def is_finished(line: str, lang: str) -> bool:
    """Whether a line written to standard error keeps the rule (for the tests that read what a command printed)."""
    return _ended(line, lang) == line.rstrip()
