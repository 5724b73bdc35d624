"""The audit log as an admin reads it: Beijing time to the second, "—" where nothing was recorded, details as
words rather than JSON."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

import pandas as pd

from oversight import config
from oversight.auth import roles
from oversight.core import i18n, safe_text
from oversight.data.filters import Quarter
from oversight.present.summary import date_text

TEAM_TIME_ZONE = config.TEAM_TIME_ZONE  # the log is written in UTC; the team reads Beijing time
# names a detail holds in words elsewhere: the tables of an import's row counts (data.table.meetings → 会议), the
# 预警 rules of a pushed digest's counts (alerts.rule.overdue → 逾期)
_NAMES_ELSEWHERE = ("data.table", "alerts.rule")
NOTHING = "—"


def local_time(at: str | None) -> str:
    """``2021-01-05T01:30:12.345+00:00`` → ``2021-01-05 09:30:12`` (Beijing time); unreadable text as it is."""
    return config.team_time_text(at, NOTHING)


def day_range(since: date | None, until: date | None) -> tuple[datetime | None, datetime | None]:
    """The audit page's 起始/截止 dates as the moments the log is compared with: from Beijing midnight of ``since``
    to Beijing midnight after ``until``. The column shows Beijing time, so a dates filter must mean Beijing days:
    an event at 23:30 UTC on 4 January is on 5 January in the column, and is found under 5 January."""
    start = datetime.combine(since, time(), tzinfo=TEAM_TIME_ZONE) if since else None
    end = datetime.combine(until + timedelta(days=1), time(), tzinfo=TEAM_TIME_ZONE) if until else None
    return start, end


def _word(kind: str, name: str, lang: str) -> str:
    """A detail's name or a known value in ``lang`` (``auth.audit.detail.reason`` → 原因, a table's name as the data
    page writes it); else as recorded."""
    catalog = i18n.catalog(i18n.normalise_language(lang))
    # a page by the name the navigation gives it (页面：data read as a code)
    elsewhere = ("nav", *_NAMES_ELSEWHERE) if kind == "value.page" else _NAMES_ELSEWHERE
    for key in (f"auth.audit.{kind}.{name}", *(f"{prefix}.{name}" for prefix in elsewhere)):
        if key in catalog:
            return catalog[key]
    return name


def _in_words(prefix: str, code: str, lang: str) -> str:
    """A recorded code in words of ``lang`` (``auth.role.admin`` → 管理员); a code this version has no words for as
    recorded: a shared log holds lines of other versions (an action added by a newer one, read during an upgrade of a
    cluster), and one unknown code stopped the whole audit page."""
    return i18n.catalog(i18n.normalise_language(lang)).get(f"{prefix}.{code}", code)


def action_label(action: str, lang: str) -> str:
    """An audit line's action in words (``sign_in`` → 登录); one this version does not know, as recorded."""
    return _in_words("auth.audit.action", action, lang)


def _filter_text(covered: Mapping[str, Any], lang: str, unit_names: Mapping[str, str]) -> str:
    """``audit.describe_filter``'s record in words: the units (all, none visible, or their names; the id of a unit
    no longer in the data) and the quarters; a pushed digest's record, its as-of day and its count of each rule's
    alerts (it has no quarters: its filter read 全部单位，— and lost the day and the counts)."""
    scope = _units_text(covered.get("units") or (), lang, unit_names, nothing=bool(covered.get("nothing")))
    item = i18n.t("auth.audit.separator.item", lang)
    if "as_of" in covered and "from" not in covered:
        return item.join([scope, _as_of_text(covered.get("as_of"), lang), *_counts_text(covered.get("counts"), lang)])
    return f"{scope}{item}{_span_text(covered.get('from'), covered.get('to'), lang)}"


def _units_text(units: Iterable[Any], lang: str, unit_names: Mapping[str, str], nothing: bool = False) -> str:
    """Units by name (the id of a unit no longer in the data); none is all units (an admin's or a leader's account,
    a filter of every unit) unless ``nothing`` was visible."""
    names = [unit_names.get(str(unit), str(unit)) for unit in units]
    if names:
        return i18n.listed(names, lang)
    return i18n.t("auth.audit.filter_none" if nothing else "auth.audit.filter_all", lang)


def _span_text(start: Any, end: Any, lang: str) -> str:
    start, end = _quarter_text(start, lang), _quarter_text(end, lang)
    # as i18n.period_label writes a span, from labels: a bound may be text that is no quarter (a line written by hand)
    return start if start == end else i18n.t("period.range", lang, start=start, end=end)


def _as_of_text(recorded: Any, lang: str) -> str:
    """``2020-11-08`` → 截至2020年11月8日, as the digest itself writes the day; other text as recorded."""
    words = _as_of_words(str(recorded), lang)
    if words is not None:
        return words
    return NOTHING if recorded is None else str(recorded)


def _as_of_words(text: str, lang: str) -> str | None:
    try:
        return i18n.t("auth.audit.as_of", lang, date=date_text(date.fromisoformat(text), lang))
    except ValueError:
        return None


_A_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")  # a day as the log keeps it (起始日期2021-01-05)


def _named(name: str, raw: object, shown: str, lang: str) -> str:
    """A word and its value: a number right after a Chinese word, as 公文 write it (导入后行数574, 逾期5); words kept
    apart from words by a space (会议 导入后行数574)."""
    if (isinstance(raw, int | float) and not isinstance(raw, bool)) or _A_DAY.fullmatch(str(raw)):
        return i18n.t("auth.audit.named_value", lang, name=name, value=shown)
    return f"{name} {shown}"


def _counts_text(counts: Any, lang: str) -> list[str]:
    """A digest's alerts per rule (逾期5、即将到期2: no space between Chinese and a number), or nothing where none
    was recorded."""
    if not isinstance(counts, Mapping) or not counts:
        return []
    listed = i18n.listed(
        (_named(_word("detail", str(rule), lang), count, str(count), lang) for rule, count in counts.items()),
        lang,
    )
    return [i18n.t("auth.audit.alert_counts", lang, counts=listed)]


def _period_text(recorded: str, lang: str, unit_names: Mapping[str, str]) -> str:
    """What a push's sent-log calls its message, in words: ``2020-11-08/all`` (a digest: its day and units) →
    截至2020年11月8日，全部单位; ``2020Q1-2020Q4/gov_office`` (a brief) → 2020年第1季度至2020年第4季度，省政府办公厅.
    Text of another form is shown as recorded."""
    what, _, units = recorded.rpartition("/")
    words = _period_words(what, lang)
    if words is None or not units:
        return recorded
    scope = _units_text(() if units == "all" else units.split("+"), lang, unit_names)
    return f"{words}{i18n.t('auth.audit.separator.item', lang)}{scope}"


def _period_words(what: str, lang: str) -> str | None:
    """A digest's day (``2020-11-08``) or a brief's quarters (``2020Q3``, ``2020Q1-2020Q4``) in words; else None."""
    day = _as_of_words(what, lang)
    if day is not None:
        return day
    try:
        quarters = [Quarter.parse(code) for code in what.split("-")]
    except ValueError:
        return None
    if len(quarters) not in (1, 2):
        return None
    return _span_text(str(quarters[0]), str(quarters[-1]), lang)


def _quarter_text(recorded: Any, lang: str) -> str:
    try:
        return i18n.quarter_label(Quarter.parse(str(recorded)), lang)
    except ValueError:
        return NOTHING if recorded is None else str(recorded)


def _value(key: str, value: Any, lang: str, unit_names: Mapping[str, str]) -> str:
    if key == "filter" and isinstance(value, Mapping):
        return _filter_text(value, lang, unit_names)
    if key in ("units", "units_before") and isinstance(value, list | tuple):  # a refusal's or an account's, by name
        return _units_text(value, lang, unit_names)
    if key in ("role", "role_before") and value in roles.ROLES:  # an account's role as the role column writes one
        return roles.role_label(str(value), lang)
    if key == "action" and isinstance(value, str):  # the audit page's own condition, as its 操作 column says it
        return safe_text.unambiguous(action_label(value, lang))
    if key == "period" and isinstance(value, str):
        return _period_text(value, lang, unit_names)
    if isinstance(value, bool):
        # lower case in English, inside a sentence (the tables' value.yes is a cell's "Yes")
        return i18n.t("auth.audit.yes" if value else "auth.audit.no", lang)
    if isinstance(value, Mapping):  # e.g. the rows of each table after an import
        return i18n.t("auth.audit.separator.item", lang).join(
            _named(_word("detail", str(name), lang), item, _value(str(name), item, lang, unit_names), lang)
            for name, item in value.items()
        )
    if isinstance(value, list | tuple):
        return i18n.t("auth.audit.separator.item", lang).join(_value(key, item, lang, unit_names) for item in value)
    if value is None:
        return NOTHING
    word = _word(f"value.{key}", str(value), lang)
    # a recorded text (a file's name, a unit's) that holds the details' separators is quoted: a file named
    # "台账；方式：替换；各表行数：问题 导入前行数 34，导入后行数 0；…" made the page say a replace had emptied the table
    return safe_text.unambiguous(word) if word == str(value) else word


def details_text(
    details: Mapping[str, Any] | None, lang: str = i18n.DEFAULT_LANGUAGE, unit_names: Mapping[str, str] | None = None
) -> str:
    """``{"reason": "throttled", "retry_after_s": 30}`` → ``原因：尝试过多，暂时锁定；重试等待（秒）：30`` in words of
    ``lang``; a name or value without words in the catalog is shown as recorded."""
    if not details:
        return NOTHING
    colon, separator = i18n.t("auth.audit.separator.name", lang), i18n.t("auth.audit.separator.detail", lang)
    return separator.join(
        f"{_word('detail', key, lang)}{colon}{_value(key, value, lang, unit_names or {})}"
        for key, value in details.items()
    )


# The newest lines the page lists: a year of a team's sign-ins and downloads is tens of thousands, and the table of
# 200,000 took 29 s to build on every rerun (then had to reach the browser); a date, account or action narrows it.
SHOWN_AT_MOST = 2000


def audit_table(
    entries: Iterable[Mapping[str, Any]], lang: str, unit_names: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """The entries as the audit page's table, in the order given, with headers in ``lang``; a download's units by
    their names in ``unit_names`` (id → name)."""
    # who, what and its details first, the role and the client's address after them: on a phone the details (which
    # file, which units) stood past the screen's edge behind the role and the address
    rows = [
        {
            i18n.t("auth.audit.column.at", lang): local_time(entry.get("at")),
            i18n.t("auth.audit.column.account", lang): entry.get("account") or NOTHING,
            i18n.t("auth.audit.column.action", lang): action_label(entry["action"], lang),
            i18n.t("auth.audit.column.details", lang): details_text(entry.get("details"), lang, unit_names),
            i18n.t("auth.audit.column.role", lang): _in_words("auth.role", entry["role"], lang)
            if entry.get("role")
            else "",
            i18n.t("auth.audit.column.address", lang): entry.get("address") or NOTHING,
        }
        for entry in entries
    ]
    # every cell with its invisible characters spelled out: a line written before names were (or a file's name in
    # the details) must not draw as another account's
    return pd.DataFrame([{column: safe_text.spelled_out(text) for column, text in row.items()} for row in rows])


DOWNLOAD_CHUNK = 20_000  # entries parsed at a time for a download of the whole log


def newest_first_table(
    log: Any, rows: list[Any], lang: str, unit_names: Mapping[str, str] | None = None, chunk: int = DOWNLOAD_CHUNK
) -> pd.DataFrame:
    """The ``rows`` of an ``audit.AuditLog`` (oldest first, as ``select`` gives them) as ``audit_table``, newest
    first, its lines read and parsed ``chunk`` at a time: the download of a 100 MB log (383,762 entries) held every
    entry parsed at once beside the table, 1.4 GB; a chunk at a time, 0.44 GB, the same table."""
    newest = rows[::-1]
    tables = [
        audit_table(log.entries(newest[at : at + chunk]), lang, unit_names) for at in range(0, len(newest), chunk)
    ]
    return pd.concat(tables, ignore_index=True) if tables else audit_table([], lang, unit_names)
