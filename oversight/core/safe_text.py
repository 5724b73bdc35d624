"""Text from users and data, made inert for the two places that would otherwise interpret it.

- ``markdown``: Streamlit renders captions, warnings, button labels and
  ``st.markdown`` as Markdown with extensions: ``[text](url)`` becomes a link,
  ``![](url)`` fetches an image, ``$$…$$`` typesets, ``:red[…]`` colours. A
  unit name or a URL parameter must show as the characters it is.
- ``robot_markdown``: a 企业微信 or 钉钉 group robot renders its message as
  Markdown with HTML tags of its own (``<font color>``); a ledger's text in a
  pushed digest or brief must not bold, link or colour itself.
- ``plotly``: Plotly draws labels, legends and titles through a small HTML
  subset (``<a href>``, ``<b>``, ``<br>``, ``<span style>``) and decodes
  entities; a unit name ``<a href=…>`` would be a live link in the chart and
  in every exported image.

Every place where such text meets Markdown or a figure calls one of these, so
there is one definition of "escaped" to test.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is imported by the callers; this module stays light
    import pandas as pd

# The ASCII punctuation that starts Markdown syntax (links, images, emphasis, code, HTML, headings, lists),
# plus what Streamlit adds on top ($ for LaTeX, : for directives and icons, ~ strikethrough, | tables), and & (an
# entity: "&lt;b&gt;" showed as "<b>", not as what was typed). Characters that mean something only at the start
# of a line (=, ') need nothing: line breaks are removed.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|$~:&])")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


# A number and what it counts, where the screen wraps our sentences: the 预警 strip broke "（217天）" between 217 and
# 天 and "(217 days)" before "days". A word joiner holds a digit to the Chinese character after it (a browser may
# break between any two Chinese characters, and between a digit and one); a no-break space is the space before an
# English word. Brackets need nothing: no line ends in an opening one or starts with a closing one.
_DIGIT_THEN_CHINESE = re.compile(r"(?<=\d)(?=[\u3400-\u9fff％])")
# a number standing alone, not the 3 of "Q3 to": (217 days), 14 Aug, 2020 Q3
_DIGIT_SPACE_WORD = re.compile(r"(?<![\w.,\\])(\d[\d,.\\]*) (?=[A-Za-z])")
NO_BREAK_SPACE = "\u00a0"
# Items set side by side on one line of the screen ("2020-06-01 · 张三 导入 …", the 预警 strip's counts, a problem's
# file · sheet · row): the space before the dot does not break, so a wrapped line never starts with "·" (seen at
# 390 px); the line may end after it. Only the screen's text: the CLI's and the files' lines keep plain spaces.
ITEM_SEPARATOR = NO_BREAK_SPACE + "· "


def items_kept(text: str) -> str:
    """``text`` with each " · " between two items made unbreakable before the dot."""
    return text.replace(" · ", ITEM_SEPARATOR)


def kept_together(text: str) -> str:
    """``text`` (already escaped) with each number held to its unit: 217⁠天, 217 days with a no-break space."""
    return _DIGIT_SPACE_WORD.sub(rf"\1{NO_BREAK_SPACE}", _DIGIT_THEN_CHINESE.sub(WORD_JOINER, text))


# GitHub-flavoured Markdown turns bare ``http://…``, ``www.…`` and ``name@host.tld`` into live links even when
# every punctuation mark is escaped; an invisible word joiner (U+2060) inside the trigger keeps them text.
_AUTOLINK_TRIGGERS = re.compile(r"(?i)(?<=h)(?=ttps?\\?:)|(?<=f)(?=tps?\\?:)|(?<=w)(?=ww\\?\.)|(?=@)")
WORD_JOINER = "\u2060"
# Streamlit draws ``:material/name:`` as an icon, ``:streamlit:`` as its logo and ``:smile:`` as an emoji from the
# text its parser leaves, after backslash escapes are resolved: a word joiner after a colon that starts such a name
# keeps ``省信访局:material/warning:`` text (a colon before a digit too: 10:30 reads the same, and nothing is left to
# decide which names Streamlit knows).
_SHORTCODE_STARTS = re.compile(r"(?<=:)(?=[\w+\-])")


def markdown(value: object) -> str:
    """``value`` as Markdown that renders exactly its characters: no link, image, formula, heading or HTML.

    The only addition is an invisible word joiner inside ``http``, ``ftp``, ``www`` and before ``@``, so that no
    bare address becomes a link, and after a colon that starts a word, so that no ``:material/…:`` icon, ``:smile:``
    emoji or ``:streamlit:`` logo is drawn; and a no-break space before the dot of " · " (``items_kept``).
    """
    text = _CONTROL.sub("", str(value))
    # a line break would let the next line start a block of its own (a heading, a list, a quote)
    text = _LINE_BREAKS.sub(" ", text)
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", _SHORTCODE_STARTS.sub(WORD_JOINER, items_kept(text)))
    return _AUTOLINK_TRIGGERS.sub(WORD_JOINER, text)


# Inline markdown a robot's one-line list item can trigger: emphasis, code, links, strikethrough. Line-start syntax
# (#, >, -, 1.) cannot occur because the text is flattened onto a line that starts with "- ".
_ROBOT_ACTIVE = re.compile(r"([\\`*_\[\]~])")
# A backslash stops neither a robot's HTML tag (企业微信's <font>) nor an entity (&lt;font&gt; is decoded into
# one), so the characters that start them become their full-width forms, which read the same to a person.
_ROBOT_LOOKALIKES = str.maketrans({"<": "＜", ">": "＞", "&": "＆"})


def robot_markdown(value: object) -> str:
    """``value`` as text inside a group robot's markdown message: inline markdown punctuation backslash-escaped,
    ``<``, ``>`` and ``&`` full-width, line breaks (which would end the list item) and control characters gone, and a
    bare address kept from becoming a link as ``markdown`` keeps it (a description could carry one into the group)."""
    flat = " ".join(_CONTROL.sub("", str(value)).split()).translate(_ROBOT_LOOKALIKES)
    return _AUTOLINK_TRIGGERS.sub(WORD_JOINER, _ROBOT_ACTIVE.sub(r"\\\1", flat))


def unlinked(value: object) -> str:
    """Plain text in which no bare address becomes a link, with ``markdown``'s word joiner inside ``http``, ``ftp``,
    ``www`` and before ``@``: what a mail client shows of a plain-text e-mail, where Outlook, Foxmail and webmail turn
    ``http://…``, ``www.…`` and ``name@host`` in a ledger's description into live links."""
    return _AUTOLINK_TRIGGERS.sub(WORD_JOINER, str(value))


def plotly(value: object) -> str:
    """``value`` as a Plotly label that shows its characters: no tag, no entity is interpreted."""
    text = _CONTROL.sub("", str(value))
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def shortened(value: object, limit: int) -> str:
    """``value`` on one line (each run of white space one space), cut to ``limit`` characters ending in "…": a
    description or a link's value quoted back whole could fill a screen."""
    flat = " ".join(str(value or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# Characters that change how the text around them reads without being seen: bidi overrides and isolates (U+202E
# turned the rest of a notice around) and zero-width ones; with the control characters, what ``spelled_out`` writes out.
_INVISIBLE = "\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff"
_UNSEEN = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff{_INVISIBLE}]")


def spelled_out(value: object) -> str:
    """``value`` with what a reader cannot see for what it is spelled out: control characters (``\\x1b``: an ESC must
    not reach a terminal, a NUL not a log) and invisible ones (``\\u202e``: "gov\\u202eabc" showed as govcba, and
    "\\u202enimda" as admin)."""
    return _UNSEEN.sub(
        lambda match: f"\\x{ord(match.group()):02x}" if ord(match.group()) < 0x100 else f"\\u{ord(match.group()):04x}",
        str(value),
    )


def visible(value: object) -> str:
    """``value`` spelled out (``\\u202e``), and ``""`` for nothing at all: what a link or a file said, quoted back so the
    reader sees what is there."""
    text = spelled_out(value)
    return text if text.strip() else f'"{text}"'


# What separates the parts of a line of details (the audit page's, the import history's) in either language: a value
# holding one could pass for more details ("x.csv；方式：替换；…" as a file name read as a replace that never was)
_DETAIL_SEPARATORS = re.compile(r"[；;：，、（）\"“”\r\n]|: |, ")


def unambiguous(value: str) -> str:
    """``value`` as it is, or quoted as a JSON string (its own quotes escaped) where it holds a separator of the
    details it sits among, so that the reader sees where it ends."""
    return json.dumps(value, ensure_ascii=False) if _DETAIL_SEPARATORS.search(value) else value


def one_line(value: object) -> str:
    """``value`` without control characters, each run of white space (line breaks too) one space: text placed in a
    line of a plain-text list, where a line break inside a description forged the next item and a unit's heading."""
    return " ".join(plain(value).split())


def plain(value: object) -> str:
    """``value`` without the control characters that Word, slide and image writers refuse."""
    return _CONTROL.sub("", str(value))


def printable_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with control characters taken out of its text columns (the same frame when there are none).

    The importer refuses such characters, so none should be in the data; this keeps a query result that
    carries one anyway (a folder written by hand, an older version's file) from breaking the Word writer,
    the image renderer or the briefing pack far downstream.
    """
    cleaned = None
    for column in frame.columns:
        values = frame[column]
        if values.dtype != object and str(values.dtype) not in ("string", "str"):
            continue
        texts = values.map(lambda v: isinstance(v, str) and _CONTROL.search(v) is not None)
        if texts.any():
            cleaned = frame.copy() if cleaned is None else cleaned
            cleaned[column] = values.map(lambda v: _CONTROL.sub("", v) if isinstance(v, str) else v)
    return frame if cleaned is None else cleaned


def css_string(text: str) -> str:
    """Text as a CSS string literal for a ``content:`` or a custom property: every character but letters, digits and
    plain punctuation escaped (quotes, backslashes, line breaks and ``<``: it sits in a <style>)."""
    escaped = "".join(ch if ch.isalnum() or ch in " .,:;()（）、·•-" else f"\\{ord(ch):x} " for ch in text)
    return f'"{escaped}"'
