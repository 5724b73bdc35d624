"""A meeting's length as a clerk writes it in words: 1.5小时, 两小时, 一个半小时, 1小时30分, 半小时, 三刻钟.

One reading per spelling, into minutes; what has two readings or none is refused by the caller's rules (a cell
error at its cell): 约两小时 is an estimate, not the length; 1:30 may be a length or the time the meeting began.
"""

from __future__ import annotations

import re
from datetime import time, timedelta

from oversight.ingest.cell_text import with_arabic_numbers

# Hours, then minutes or not, after NFKC, spaces taken out and lower case: 1.5小时, 1小时30分, 2h, 1个半小时, 半小时
_HOURS_WORDS = r"(?:小时|钟头|h|hr|hrs|hour|hours)"
_MINUTE_WORDS = r"(?:分钟|分|min|mins|minutes)"
_HOURS = re.compile(
    rf"^(?:(\d+(?:\.\d+)?)个?(半)?|(半))个?{_HOURS_WORDS}(半)?(?:(\d{{1,2}}){_MINUTE_WORDS}?|(\d)刻钟?)?$"
)
_QUARTERS = re.compile(r"^(\d)刻钟?$")  # 三刻钟: three quarters of an hour
# A clock's h:mm, typed as text: a length of 1 h 30 min, or the time a meeting began
_CLOCK = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?$")
# An estimate, not a length, after NFKC, spaces out, lower case and with_arabic_numbers (so 十来分钟 is 10来分钟):
# a word before the number (约两小时, 近两小时, 不到两小时, about 2 hours), a word after the number or its unit
# (一小时许, 两小时左右, 1小时多, 一小时出头, 十来分钟), one hour "or so" (个把小时), a range in figures (1-2小时,
# 1小时—1.5小时) or in words (一两个小时, 三四十分钟: two numerals side by side, which with_arabic_numbers leaves).
# A count is estimated in the same words (约5个, 5个左右, 五六项, 十来个议题): its measure words end a number too.
_UNIT_AFTER = r"个?(?:小时|钟头|钟|分钟|分|h|hr|hrs|hour|hours|min|mins|minutes|议题|项|条|次|件|$)"
_ESTIMATE = re.compile(
    r"^(?:约|大约|大概|大致|差不多|估计|预计|近|将近|接近|不到|不足|不超过|超过|~|〜|about|around|approx|roughly|nearly"
    r"|almost|over|under|circa|ca\.)"
    rf"|(?:左右|上下|以上|以下|以内|之内|多|余|许|出头|来|不到)(?={_UNIT_AFTER})"
    r"|个把|\d\+"
    r"|(?<=.)[-~〜至到—–](?=\d)"
    rf"|(?:一两|二三|两三|三四|四五|五六|六七|七八|八九)十?(?={_UNIT_AFTER})"
)


def minutes_in_words(text: str) -> float | None:
    """The minutes ``text`` (NFKC, no spaces, lower case) writes a length in, or None where it writes none."""
    arabic = with_arabic_numbers(text)
    hours = _HOURS.match(arabic)
    if hours:
        whole, half_after_number, half_alone, half_after_word, minutes, quarters = hours.groups()
        if (half_after_number or half_alone) and half_after_word:
            return None
        half = 30 if half_after_number or half_alone or half_after_word else 0
        if half and (minutes or quarters):
            return None  # 一个半小时十分: no one writes a length so
        return float(whole or 0) * 60 + half + int(minutes or 0) + int(quarters or 0) * 15
    quarters_only = _QUARTERS.match(arabic)
    if quarters_only:
        return float(int(quarters_only.group(1)) * 15)
    return None


def is_estimate(text: str) -> bool:
    """约两小时, 一小时许, 两个多小时, 1-2小时: a length given as an estimate, which no figure can add up; 约5个,
    5个左右, 五六个: a count so given."""
    return _ESTIMATE.search(text) is not None


def is_clock(value: object) -> bool:
    """1:30 typed, or a cell formatted as a time of day: a length of 90 minutes, or the time the meeting began."""
    return isinstance(value, time) or (isinstance(value, str) and _CLOCK.match(value) is not None)


def minutes_of(length: timedelta) -> float:
    """A cell formatted as a length ([h]:mm, as =结束-开始 leaves it): its minutes, a fraction where it has seconds."""
    return length.total_seconds() / 60
