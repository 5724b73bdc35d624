"""Translations: every user-facing string lives in ``oversight/locales/<lang>/<area>.json``.

zh-CN is the default because that is what the team reads; English is for
visitors and for the developers' own checks. One file per area of the
product (dashboard, errors, export, data …) keeps edits apart; a key defined
in two files of one language is an error.
"""

from __future__ import annotations

import errno
import json
import re
import string
from collections.abc import Iterable
from functools import cache

from oversight import config

LANGUAGES = ("zh", "en")  # the one list of languages: the sidebar, the CLI's --lang and the locale folders
DEFAULT_LANGUAGE = "zh"
# The contract (oversight/contract/schema.py) holds its codes' Chinese labels; every other language has its
# labels in its locale files, as ``code.<code>``.
CONTRACT_LANGUAGE = "zh"
_LOCALE_FOLDERS = {"zh": "zh-CN", "en": "en"}
_LOCALE_DIR = config.LOCALE_DIR


@cache
def catalog(lang: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted((_LOCALE_DIR / _LOCALE_FOLDERS[lang]).glob("*.json")):
        for key, text in json.loads(path.read_text(encoding="utf-8")).items():
            if key in merged:
                raise ValueError(f"translation key {key!r} is defined twice ({path.name})")
            merged[key] = text
    return merged


# A language as a link or a browser writes it: ours alone (zh, en) or with a region or script after it, as a language
# tag (zh-CN, en-GB, zh-Hans-CN) or a system locale (en_US) has; any case. "enzyme" began with "en" and was read as
# English, with no word that the link's language was not one (review of 5 Dec).
_LANGUAGE_TAG = re.compile(r"([a-z]{2})(?:[-_][a-z0-9]{1,8})*")


def language_of(value: str | None) -> str | None:
    """The language of ours ``value`` names (``"en"`` for ``en-GB``), or None: not one of ours, not a language."""
    match = _LANGUAGE_TAG.fullmatch((value or "").strip().lower())
    return match.group(1) if match and match.group(1) in LANGUAGES else None


def normalise_language(value: str | None) -> str:
    """The language ``value`` names, else the default (``?lang=fr`` shows Chinese, and the page says so)."""
    return language_of(value) or DEFAULT_LANGUAGE


def is_language(value: str | None) -> bool:
    """Whether ``value`` names one of our languages (zh, zh-CN, en, EN, en-GB …) rather than falling back to the
    default in ``normalise_language``: a link's ``?lang=xx`` shows Chinese and is named as not recognised."""
    return language_of(value) is not None


def localized_column(base: str, lang: str) -> str:
    """The column holding ``base`` in ``lang``: ``name`` → ``name_zh`` / ``name_en`` (the units sheet's pairs).

    The one place that picks a language's column; a column a language lacks (``short_name_zh``) is simply absent.
    """
    return f"{base}_{normalise_language(lang)}"


def other_language(lang: str) -> str:
    """The language ``lang`` is not (a bilingual table shows one name column and drops the other's)."""
    return next(other for other in LANGUAGES if other != normalise_language(lang))


def t(key: str, lang: str = DEFAULT_LANGUAGE, **params: object) -> str:
    """The text for ``key`` in ``lang``, with ``{placeholders}`` filled from ``params``.

    A missing key raises: a silent fallback would show a leader a raw key. With ``count=1``, ``key.one`` is used
    where the language has one ("1 row", not "1 rows"), also for a count given as text (``numbers.grouped``);
    Chinese needs none.
    """
    texts = catalog(normalise_language(lang))
    # a count may come grouped as the cards write it ("7,220", so "1"): one all the same
    text = texts.get(f"{key}.one", texts[key]) if params.get("count") in (1, "1") else texts[key]
    if not params:
        return text
    if _NOTE_AFTER_FIELD.search(text) or any(isinstance(value, SpanText) for value in params.values()):
        return _with_one_note(text, params)
    return text.format(**params)


def listed(items: Iterable[object], lang: str) -> str:
    """Values named one after another in the reader's punctuation: ``lang=fr、unit=nope`` / ``lang=fr, unit=nope``
    (a Chinese sentence read "已忽略：lang=fr, unit=nope" with the English comma)."""
    return t("export.list.separator", lang).join(str(item) for item in items)


class SpanText(str):
    """A span's label that ends in a note of its own, 2019年第4季度（截至8月14日）, carrying the same span worded
    without a bracket (``inside``: 2018年第1季度至2019年8月14日) for a template that puts it inside a bracket of its own:
    上年同期（2018年第1季度至2019年第4季度（截至8月14日）） was a bracket in a bracket, and "Q4 to 14 Aug" read oddly."""

    inside: str

    def __new__(cls, text: str, inside: str) -> SpanText:
        made = super().__new__(cls, text)
        made.inside = inside
        return made

    def __reduce__(self) -> tuple[type[SpanText], tuple[str, str]]:
        # kept whole through a cache's pickle (str's own would call __new__ without ``inside``)
        return SpanText, (str(self), self.inside)


def to_date_label(period: str, as_of: object, lang: str, *, with_year: bool = False, start: str | None = None) -> str:
    """``period`` counted to the day ``as_of``: 2020年第3季度（截至8月14日）, with its wording for inside a bracket
    (2020年第3季度，截至8月14日); for a range give its first quarter as ``start``, and inside a bracket the range runs
    from it to the day: 2018年第1季度至2019年8月14日."""
    parts = {**day_parts(as_of), "year": as_of.year}  # type: ignore[attr-defined]
    text = t("period.to_date_with_year" if with_year else "period.to_date", lang, period=period, **parts)
    if start is not None:
        inside = t("period.range_to_day", lang, start=start, **parts)
    else:
        inside = t(
            "period.to_date_with_year_inside" if with_year else "period.to_date_inside", lang, period=period, **parts
        )
    return SpanText(text, inside)


# A placeholder the template follows with a bracketed note of its own: "in {quarter} (last one {last})"
_NOTE_AFTER_FIELD = re.compile(r"\}\s*[(（]")
_FORMATTER = string.Formatter()
# The fields whose values are spans of time or moments, the only values that end in a note of our own ("2020 Q3 (to
# 14 August)", "09:30 (Beijing time)").
# A name that ends in a bracket is the name: 省委办公厅（机要局） followed by （5个） stays two brackets, as a path does,
# since "省委办公厅（机要局，5个）" would read as the 机要局's five.
_SPAN_FIELDS = frozenset(
    {"period", "quarter", "quarters", "now", "since", "last", "before", "year", "date", "at", "sent_at", "time"}
)


def _with_one_note(template: str, params: dict[str, object]) -> str:
    """``template`` filled, where a value that ends in a note of its own (2020 Q3 (to 14 August)) meets the note the
    template puts after it, the two said in one bracket: "2020 Q3 (to 14 August; last one 26 March 2020)", not
    "(to 14 August) (last one 26 March 2020)"; in Chinese 2020年第3季度（截至8月14日，…）."""
    pieces: list[str] = []
    last_field: str | None = None
    depth = 0  # the template's own brackets open where a field lands
    for literal, field, spec, conversion in _FORMATTER.parse(template):
        depth = _depth_after(literal, depth)
        opened = literal.lstrip()
        if pieces and opened[:1] in ("(", "（") and last_field in _SPAN_FIELDS and pieces[-1].endswith((")", "）")):
            separator = "，" if opened[0] == "（" or pieces[-1].endswith("）") else "; "
            pieces[-1] = pieces[-1][:-1]
            literal = separator + opened[1:]
        pieces.append(literal)
        if field is not None:
            value, _ = _FORMATTER.get_field(field, (), params)
            if isinstance(value, SpanText) and depth > 0:  # inside a bracket already: its note said without one
                value = value.inside
            value = _FORMATTER.convert_field(value, conversion)
            pieces.append(_FORMATTER.format_field(value, spec or ""))
        last_field = field
    return "".join(pieces)


def _depth_after(literal: str, depth: int) -> int:
    for character in literal:
        if character in "(（":
            depth += 1
        elif character in ")）" and depth:
            depth -= 1
    return depth


@cache
def _contract_labels() -> dict[str, str]:
    from oversight.contract import schema  # the contract holds the Chinese labels

    merged: dict[str, str] = {}
    for choices in (
        schema.ISSUE_STATUSES,
        schema.SUGGESTION_STATUSES,
        schema.REMINDER_FORMS,
        schema.ACTIVITY_KINDS,
        schema.ISSUE_SOURCES,
        schema.CATEGORIES,
        schema.MEETING_KINDS,
    ):
        merged.update(choices)
    return merged


def code_label(code: str, lang: str) -> str:
    """The label of any enumeration code of the contract (statuses, forms, kinds …)."""
    return choice_label(_contract_labels(), code, lang)


def label(key: str, lang: str) -> str:
    """A series or column name: ``code:<code>`` names an enumeration value, anything else is a translation key."""
    if key.startswith("code:"):
        return code_label(key.removeprefix("code:"), lang)
    return t(key, lang)


def choice_label(choices: dict[str, str], code: str, lang: str) -> str:
    """The display label of an enumeration code: the contract's Chinese label, or the English text."""
    if normalise_language(lang) == CONTRACT_LANGUAGE:
        return choices.get(code, code)
    return catalog("en").get(f"code.{code}", code.replace("_", " "))


def quarter_label(quarter: object, lang: str) -> str:
    """``2020年第1季度`` / ``2020 Q1`` for a ``filters.Quarter``: the one way each language writes a quarter for a
    reader (sidebar, chart axes, tables, exports, captions, takeaways); ``2020Q1`` is only for URLs and file names."""
    return t("quarter.label", lang, year=quarter.year, quarter=quarter.quarter)  # type: ignore[attr-defined]


def span_label(filter_: object, lang: str) -> str:
    """A filter's quarters, with ``（截至8月14日）`` where the range runs past the data date (a span to date)."""
    text = period_label(filter_.start, filter_.end, lang)  # type: ignore[attr-defined]
    if getattr(filter_, "is_not_begun", False):  # 2020年第4季度（截至9月30日） named a day before the quarter began
        return SpanText(t("period.no_data_yet", lang, period=text), t("period.no_data_yet_inside", lang, period=text))
    if getattr(filter_, "is_to_date", False):
        as_of = filter_.as_of  # type: ignore[attr-defined]
        # the year too where the range ends in a later year than the data: 2020年第3季度至2021年第2季度（截至12月31日）
        # read as 31 December 2021, after the range's end
        with_year = as_of.year != filter_.end.year  # type: ignore[attr-defined]
        start = None if filter_.start == filter_.end else quarter_label(filter_.start, lang)  # type: ignore[attr-defined]
        text = to_date_label(text, as_of, lang, with_year=with_year, start=start)
    return text


def full_name_with_short(name: str, short: str | None, lang: str) -> str:
    """A unit's full name where a scope line states it once (the page's caption, the pack's cover and slide feet),
    with the short name every other sentence uses after it in brackets where a reader could not tell the one from the
    other: "Provincial Bureau of Letters and Calls (Petitions Bureau)", then "no regular consultation with the
    Petitions Bureau" below. A short name made of the full name's own words ("Offices Admin.", "Local Chronicles")
    needs no such key. Chinese names the unit in full everywhere."""
    if normalise_language(lang) != "en" or not short or short == name:
        return name
    words = [word.lower() for word in re.findall(r"[\w']+", name)]
    if all(any(word.startswith(part.lower()) for word in words) for part in re.findall(r"[\w']+", short)):
        return name
    return t("unit.full_with_short", lang, name=name, short=short)


def span_in_sentence(filter_: object, lang: str) -> str:
    """The span as a sentence places it after its preposition: "in 2020 Q4", "from 2020 Q1 to 2020 Q4" (an empty chart
    read "No reminders for the General Office in 2020 Q1 to 2020 Q4"); Chinese puts the span itself (2020年第4季度)."""
    several = filter_.start != filter_.end  # type: ignore[attr-defined]
    return t("period.in_sentence_range" if several else "period.in_sentence", lang, period=span_label(filter_, lang))


def team_time(at: str | None, lang: str, nothing: str = "—") -> str:
    """A recorded moment (UTC, as the logs keep it) as every line shows a time: in Beijing time, and saying so
    (2021-01-05 09:30:12（北京时间）), whatever the server's clock zone. A pushed line said "09:30:12 已推送过" and
    read as the reader's own clock, while the import history said （北京时间）."""
    shown = config.team_time_text(at, nothing)
    return shown if shown == nothing else t("time.team", lang, time=shown)


def day_parts(day: object) -> dict[str, object]:
    """The pieces a to-date label needs: ``month``, ``day`` and the English ``month_name``, whole.

    Whole, as every other date a reader meets ("data as of 14 August 2020"): abbreviated, the alerts read "2020 Q3
    (to 14 Aug; last one 26 March 2020)", two styles in one bracket. Only a chart's tick, about 37 px wide on a
    phone, shortens it (``charts.style.quarter_ticks``)."""
    import calendar

    return {"month": day.month, "day": day.day, "month_name": calendar.month_name[day.month]}  # type: ignore[attr-defined]


# The nouns an English name of a body ends in ("… Office", "… Bureau", "… Admin."): such a name takes "the" where a
# sentence names it, as one of "X of Y" does ("the Office of the Provincial Local Chronicles Compilation Committee").
_BODY_NOUNS = frozenset(
    """office offices bureau administration admin commission committee department agency ministry council
    centre center government group team institute academy association federation court procuratorate league union
    station service services authority board hall secretariat congress conference corps school university college
    hospital company corporation bank library museum archives headquarters branch division section unit""".split()
)


def unit_in_sentence(name: str, lang: str) -> str:
    """A unit's name where a sentence names it (after a verb or a preposition, or opening the sentence, which
    capitalises it): in English with "the" where the name is a body's — "the General Office had the most issues
    raised", "no regular consultation with the Petitions Bureau" — and bare where it names a field of work, as a
    native reader writes "Foreign Affairs" and "Local Chronicles". "General Office had the most issues" read as a
    word-for-word translation. A chart's, table's or chip's label stays bare; Chinese takes no article."""
    if normalise_language(lang) != "en":
        return name
    # a name's own closing bracket is no part of its head: "General Office (Confidential Bureau)"
    words = re.sub(r"\s*[(（][^()（）]*[)）]$", "", name).split()
    if not words or words[0].lower() == "the":
        return name
    if " of " in f" {name.lower()} " or words[-1].lower().rstrip(".,") in _BODY_NOUNS:
        return f"the {name}"
    return name


def sentence_start(text: str) -> str:
    """``text`` opening a sentence: its first letter a capital ("the General Office …" → "The General Office …")."""
    return text[:1].upper() + text[1:]


def period_label(start: object, end: object, lang: str) -> str:
    if start == end:
        return t("period.single", lang, start=quarter_label(start, lang))
    return t("period.range", lang, start=quarter_label(start, lang), end=quarter_label(end, lang))


# The reasons a file cannot be written that a user can act on; the system's own words are English only.
_WRITE_PROBLEMS = {
    errno.EACCES: "permission",
    errno.EPERM: "permission",
    errno.EROFS: "read_only",
    errno.ENOENT: "not_found",
    errno.ENOTDIR: "not_a_folder",
    errno.EISDIR: "is_a_folder",
    errno.EEXIST: "exists",
    errno.ENOSPC: "disk_full",
    errno.EDQUOT: "disk_full",
    errno.EFBIG: "too_large",  # a file-size limit (ulimit -f, a filesystem's largest file): said 系统错误 EFBIG
    errno.ENAMETOOLONG: "name_too_long",
    errno.ELOOP: "is_a_link",  # a lock file planted as a link is not followed (locking): it said 系统错误 ELOOP
}


def read_problem(error: OSError | UnicodeDecodeError, lang: str = DEFAULT_LANGUAGE) -> str:
    """Why a file could not be read, in ``lang``: 没有读取权限, 这是一个文件夹, 不是 UTF-8 编码的文本 (else the system's
    error code). Python's own words ("[Errno 21] Is a directory: '…'") are English inside a Chinese sentence."""
    if isinstance(error, UnicodeDecodeError):
        return t("cli.read_problem.not_utf8", lang)
    problem = {errno.EACCES: "permission", errno.EPERM: "permission", errno.EISDIR: "is_a_folder"}.get(error.errno or 0)
    if problem is None:
        return t("cli.write_problem.other", lang, code=errno.errorcode.get(error.errno or 0, "?"))
    return t(f"cli.read_problem.{problem}", lang)


def write_problem(error: OSError, lang: str = DEFAULT_LANGUAGE) -> str:
    """Why a file could not be written, in ``lang``: 没有写入权限, 磁盘空间不足 … (else the system's error code)."""
    problem = _WRITE_PROBLEMS.get(error.errno or 0)
    if problem is None:
        return t("cli.write_problem.other", lang, code=errno.errorcode.get(error.errno or 0, "?"))
    return t(f"cli.write_problem.{problem}", lang)
