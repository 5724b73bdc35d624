"""The audit log as an admin reads it: Beijing time to the second, "—" where nothing was recorded, details as
words rather than JSON."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from oversight.auth import roles
from oversight.core import i18n

TEAM_TIME_ZONE = ZoneInfo("Asia/Shanghai")  # the log is written in UTC; the team reads Beijing time
NOTHING = "—"


def local_time(at: str | None) -> str:
    """``2021-01-05T01:30:12.345+00:00`` → ``2021-01-05 09:30:12`` (Beijing time); unreadable text as it is."""
    if not at:
        return NOTHING
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        return at
    if moment.tzinfo is None:
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    return moment.astimezone(TEAM_TIME_ZONE).strftime("%Y-%m-%d %H:%M:%S")


def day_range(since: date | None, until: date | None) -> tuple[datetime | None, datetime | None]:
    """The audit page's 起始/截止 dates as the moments the log is compared with: from Beijing midnight of ``since``
    to Beijing midnight after ``until``. The column shows Beijing time, so a dates filter must mean Beijing days:
    an event at 23:30 UTC on 4 January is on 5 January in the column, and is found under 5 January."""
    start = datetime.combine(since, time(), tzinfo=TEAM_TIME_ZONE) if since else None
    end = datetime.combine(until + timedelta(days=1), time(), tzinfo=TEAM_TIME_ZONE) if until else None
    return start, end


def _value(value: Any) -> str:
    if isinstance(value, Mapping):
        return ", ".join(f"{key} {_value(item)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_value(item) for item in value)
    return NOTHING if value is None else str(value)


def details_text(details: Mapping[str, Any] | None) -> str:
    """``{"reason": "throttled", "retry_after_s": 30}`` → ``reason: throttled; retry_after_s: 30``."""
    if not details:
        return NOTHING
    return "; ".join(f"{key}: {_value(value)}" for key, value in details.items())


def audit_table(entries: Iterable[Mapping[str, Any]], lang: str) -> pd.DataFrame:
    """The entries as the audit page's table, in the order given, with headers in ``lang``."""
    rows = [
        {
            i18n.t("auth.audit.column.at", lang): local_time(entry.get("at")),
            i18n.t("auth.audit.column.account", lang): entry.get("account") or NOTHING,
            i18n.t("auth.audit.column.role", lang): roles.role_label(entry["role"], lang) if entry.get("role") else "",
            i18n.t("auth.audit.column.action", lang): i18n.t(f"auth.audit.action.{entry['action']}", lang),
            i18n.t("auth.audit.column.address", lang): entry.get("address") or NOTHING,
            i18n.t("auth.audit.column.details", lang): details_text(entry.get("details")),
        }
        for entry in entries
    ]
    return pd.DataFrame(rows)
