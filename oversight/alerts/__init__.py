"""The alert rules (预警): what is overdue, due soon, missing or rising at an as-of date.

Each rule is one ``queries/alert_*.sql`` with bound parameters; this module runs the enabled
ones and turns their rows into ``AlertItem``s grouped by unit. The CLI digest, the pushes and
the Overview's 预警 strip all call ``collect_alerts``, so they agree.

The definitions (README, 口径说明), at as-of date D:

- 逾期 overdue: due date < D and not rectified by D (no rectified date, or one after D),
  whatever the date raised;
- 即将到期 due soon: not rectified by D and D <= due date <= D + N days;
- 未会商: a unit in scope with no 定期会商 in D's quarter;
- 会议增多: a unit's meetings in D's quarter exceed those of the same quarter a year earlier,
  compared only when the data (its earliest date in any ledger) covers that earlier quarter.

The two quarter rules judge D's quarter from its records: where the data date falls before that quarter
began (a digest run today on ledgers not imported since), there is nothing to judge, and a unit is not
said to have held no consultation; the digest names the rules it could not judge and the data date. Where
the records stop inside D's quarter, the quarter rules count it to the data date (and 会议增多 the year
earlier to the same day), and the digest names that date.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from oversight.alerts.configuration import Rules
from oversight.auth import unit_scope
from oversight.core import i18n
from oversight.data import scoped
from oversight.data.filters import Quarter, same_day_years_earlier

# run_query(name, **params) -> DataFrame, already confined to an account's scope (see ``scoped_runner``).
AlertQueryRunner = Callable[..., pd.DataFrame]
RULES = ("overdue", "due_soon", "no_consultation", "meetings_rising")
QUARTER_RULES = ("no_consultation", "meetings_rising")  # judged from the records of the as-of date's quarter
_QUERIES = {
    "overdue": "alert_overdue_issues",
    "due_soon": "alert_due_soon_issues",
    "no_consultation": "alert_units_without_consultation",
    "meetings_rising": "alert_meetings_rising",
}


@dataclass(frozen=True)
class AlertItem:
    """One alert: the rule that fired, the unit, and the facts the message states."""

    rule: str
    unit_id: str
    unit_name_zh: str
    unit_name_en: str
    issue_id: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)

    def unit_name(self, lang: str) -> str:
        return getattr(self, i18n.localized_column("unit_name", lang))

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "unit_id": self.unit_id,
            "issue_id": self.issue_id,
            **{key: _plain(value) for key, value in self.facts.items()},
        }


def unjudged_rules(
    rules: Rules, as_of: date, data_date: date | None, data_start: date | None = None
) -> tuple[str, ...]:
    """The enabled quarter rules left unjudged: all of them where the data date falls before the as-of date's
    quarter began; 会议增多 also where the records begin after the quarter a year earlier (there is nothing to
    compare with, and a count of 0 said "no unit held more meetings than a year before" of a year never recorded)."""
    if data_date is not None and data_date < Quarter.of(as_of).first_day:
        return tuple(rule for rule in rules.enabled() if rule in QUARTER_RULES)
    if rules.meetings_rising and year_earlier_unrecorded(as_of, data_start):
        return ("meetings_rising",)
    return ()


def year_earlier_unrecorded(as_of: date, data_start: date | None) -> bool:
    """Whether the records begin after the quarter a year before the as-of date's (queries/alert_meetings_rising.sql
    compares only from the first quarter on record)."""
    return data_start is not None and Quarter.of(data_start) > Quarter.of(as_of).shift(-4)


def quarter_counted_to(as_of: date, data_date: date | None) -> date:
    """The day the quarter rules count the as-of date's quarter to: the last recorded day where the records stop
    before the as-of date, so that 会议增多 compares it with the same days a year earlier rather than with more."""
    return as_of if data_date is None else min(as_of, data_date)


@dataclass(frozen=True)
class Digest:
    """Every alert at ``as_of`` within a scope; ``by_unit`` groups them, the worst unit first, each unit's items by rule."""

    as_of: date
    rules: Rules
    items: tuple[AlertItem, ...]
    unit_order: tuple[str, ...] = ()
    data_date: date | None = None  # the newest date recorded in any ledger (None: not known to the caller)
    data_start: date | None = None  # the oldest (None: not known)
    # the units a digest of some units was asked for, as (Chinese name, English short name), in the sheet's order;
    # empty for every unit the scope allows. Its counts are theirs only, and the digest names them. How the request
    # is worded, not what the ledgers hold: two digests with the same alerts are equal whether or not it is known
    scope_names: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    # each unit's English short name (英文简称) where the units sheet gives one: how the screen names units in English
    short_names_en: Mapping[str, str] = field(default_factory=dict, compare=False)

    @property
    def quarter(self) -> Quarter:
        return Quarter.of(self.as_of)

    @property
    def quarter_counted_to(self) -> date:
        """The day the quarter rules count the as-of quarter to, named wherever it falls before the quarter's last day
        (README, 口径说明): "未会商 8家" on a quarter's first day was true and read as a quarter's neglect;
        2021年第1季度（截至1月1日）未会商 8家 says how little of it has passed, on the strip and in the digest."""
        return quarter_counted_to(self.as_of, self.data_date)

    @property
    def not_judged(self) -> tuple[str, ...]:
        return unjudged_rules(self.rules, self.as_of, self.data_date, self.data_start)

    def unit_label(self, item: AlertItem, lang: str) -> str:
        """The item's unit as the screen names it beside the charts and tables: in English the units sheet's 英文简称
        where it has one ("Foreign Affairs Office of the Provincial Government" on the Overview's strip, over charts
        that read Foreign Affairs), in Chinese its name. The pushed digest keeps the full names (read on its own)."""
        short = self.short_names_en.get(item.unit_id) if i18n.normalise_language(lang) == "en" else None
        return short if short else item.unit_name(lang)

    def counts(self) -> dict[str, int]:
        """Alerts per judged rule (a rule left unjudged has no count: zero would say all is well)."""
        return {
            rule: sum(item.rule == rule for item in self.items)
            for rule in self.rules.enabled()
            if rule not in self.not_judged
        }

    def by_unit(self) -> list[tuple[str, list[AlertItem]]]:
        """``[(unit_id, items), …]`` for units with at least one alert, the worst first (README, 口径说明, 预警摘要的单位
        顺序: ``worst_first``); each unit's items by rule, an issue overdue longest (due soonest) first. In the units
        sheet's order, 300 units pushed to a phone began with those that had one consultation missing, and a unit with
        five issues overdue for two years came after the message's room had run out."""
        position = {unit: index for index, unit in enumerate(self.unit_order)}
        grouped_items: dict[str, list[AlertItem]] = {}
        for item in self.items:  # the queries' own order within a rule: most days overdue, fewest days left first
            grouped_items.setdefault(item.unit_id, []).append(item)
        units = sorted(
            grouped_items,
            key=lambda unit: (*worst_first(grouped_items[unit]), position.get(unit, len(position)), unit),
        )
        return [(unit, sorted(grouped_items[unit], key=lambda i: RULES.index(i.rule))) for unit in units]

    def as_dict(self) -> dict[str, Any]:
        """The digest as JSON-ready data (the ``--json`` output)."""
        return {
            "as_of": self.as_of.isoformat(),
            "quarter": str(self.quarter),
            "data_date": self.data_date.isoformat() if self.data_date else None,
            "not_judged": list(self.not_judged),
            "rules": {
                "enabled": list(self.rules.enabled()),
                "due_within_days": self.rules.due_within_days,
                "min_increase": self.rules.min_increase,
            },
            "counts": self.counts(),
            "units": [
                {
                    "unit_id": unit,
                    "name_zh": items[0].unit_name_zh,
                    "name_en": items[0].unit_name_en,
                    "alerts": [item.as_dict() for item in items],
                }
                for unit, items in self.by_unit()
            ],
        }

    def fingerprint(self) -> str:
        """Changes whenever what the digest says changes: the record of what was sent keeps it."""
        text = json.dumps(self.as_dict(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def worst_first(items: Sequence[AlertItem]) -> tuple[Any, ...]:
    """A unit's place in the digest, smallest first, from its alerts (README, 口径说明, 预警摘要的单位顺序): more issues
    逾期 first, then the longer its longest overdue; then more 即将到期, the sooner its nearest deadline; then 未会商,
    the longer without one (none on record before the quarter first, then the earlier its last); then 会议增多, the
    larger the increase. Units equal in all of these keep the units sheet's order (the caller's last key)."""
    overdue = [int(i.facts.get("days_overdue") or 0) for i in items if i.rule == "overdue"]
    due_soon = [int(i.facts.get("days_left") or 0) for i in items if i.rule == "due_soon"]
    consultation = [i for i in items if i.rule == "no_consultation"]
    # ISO dates sort as days do; "" (none on record) before any
    last = min((str(i.facts.get("last_consultation") or "") for i in consultation), default="~")
    increase = max((int(i.facts.get("increase") or 0) for i in items if i.rule == "meetings_rising"), default=0)
    return (
        -len(overdue),
        -max(overdue, default=0),
        -len(due_soon),
        min(due_soon, default=367),
        not consultation,
        last,
        -increase,
    )


def scoped_runner(connection: Any, scope: unit_scope.Scope) -> AlertQueryRunner:
    """Rule queries on ``connection`` confined to ``scope``: a digest never holds another unit's data."""
    return lambda name, **params: scoped.scoped_run(connection, name, None, scope, **params)


def alerts_for(
    connection: Any, scope: unit_scope.Scope, as_of: date, rules: Rules | None = None, units: Sequence[str] = ()
) -> Digest:
    """The alerts an account with ``scope`` may see at ``as_of``: what the Overview's 预警 strip shows.

    ``rules`` default to the settings file's (``alert_settings.load_settings().rules``), so the screen
    and the pushed digest apply the same thresholds; that call raises ``SettingsError`` for a broken file.
    """
    if rules is None:
        from oversight.alerts.configuration import load_settings

        rules = load_settings().rules
    return collect_alerts(scoped_runner(connection, scope), as_of, rules, units)


DEFAULT_RULES = Rules()  # the settings file's defaults, when a caller has no settings of its own


def collect_alerts(
    run_query: AlertQueryRunner, as_of: date, rules: Rules = DEFAULT_RULES, units: Sequence[str] = ()
) -> Digest:
    """The digest at ``as_of`` for ``units`` (empty = every unit the runner's scope allows).

    ``run_query(name, **params)`` runs ``queries/<name>.sql``; pass ``scoped_runner(connection, scope)``
    (or the UI's cached equivalent) so the account's scope applies.
    """
    if rules.due_within_days < 0:
        raise ValueError("due_within_days must not be negative")
    params: dict[str, dict[str, Any]] = {
        "overdue": {},
        "due_soon": {"due_within": int(rules.due_within_days)},
        "no_consultation": {},
        "meetings_rising": {"min_increase": int(rules.min_increase)},
    }
    span = run_query("data_span").iloc[0]
    data_date, data_start = (
        None if pd.isna(day) else pd.Timestamp(day).date() for day in (span.last_day, span.first_day)
    )
    skipped = unjudged_rules(rules, as_of, data_date, data_start)
    recorded_to = quarter_counted_to(as_of, data_date)
    items: list[AlertItem] = []
    for rule in rules.enabled():
        if rule in skipped:
            continue
        day = recorded_to if rule in QUARTER_RULES else as_of
        if (
            rule == "meetings_rising"
        ):  # the same days a year earlier, as every comparison with a year earlier takes them
            params[rule]["year_earlier"] = same_day_years_earlier(day)
        frame = run_query(_QUERIES[rule], units=list(units), as_of=day, **params[rule])
        items += [_item(rule, row) for row in frame.to_dict("records")]
    sheet = run_query("units")
    order = tuple(sheet["unit_id"])
    named = tuple(
        (row["name_zh"], row.get("short_name_en") or row["name_en"])
        for row in sheet.to_dict("records")
        if row["unit_id"] in set(units)
    )
    short_names = {
        row["unit_id"]: row["short_name_en"].strip()
        for row in sheet.to_dict("records")
        if isinstance(row.get("short_name_en"), str) and row["short_name_en"].strip()
    }
    return Digest(as_of, rules, tuple(items), order, data_date, data_start, named, short_names)


_FACTS = {
    "overdue": ("date_raised", "category", "description", "due_date", "days_overdue"),
    "due_soon": ("date_raised", "category", "description", "due_date", "days_left"),
    "no_consultation": ("quarter_key", "last_consultation"),
    "meetings_rising": ("quarter_key", "meetings", "prev_meetings", "increase"),
}


def _item(rule: str, row: dict[str, Any]) -> AlertItem:
    facts = {key: _plain(row[key]) for key in _FACTS[rule]}
    if "quarter_key" in facts:
        facts["quarter"] = str(Quarter.from_key(int(facts.pop("quarter_key"))))
    return AlertItem(rule, row["unit_id"], row["name_zh"], row["name_en"], row.get("issue_id"), facts)


def _plain(value: Any) -> Any:
    """Dates as ISO text, numpy numbers as Python ones, missing as None: what JSON and the state file hold."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return value
