"""The Overview's 预警 strip: what is overdue at the page's as-of date, the oldest of it, what falls due soon and
which units had no regular consultation in the as-of date's quarter (named), in one line a leader reads before the charts.

The same rules, queries and thresholds as the pushed digest (``oversight.alerts``), taken at the page's as-of
date, so the strip's overdue count is the Issues page's 逾期未整改 card.
"""

from __future__ import annotations

from dataclasses import dataclass

from oversight import config
from oversight.alerts import AlertItem, Digest
from oversight.alerts.digest_text import quarter_to, within_days
from oversight.core import i18n, safe_text
from oversight.core.numbers import grouped
from oversight.present.summary import date_text

DESCRIPTION_CHARS = 24  # the oldest item's description on one line; the issue list has it whole
# units without a regular consultation named up to this many (a leader reads out which); more are counted
NAMED_UNITS_AT_MOST = 3


@dataclass(frozen=True)
class AlertStrip:
    digest: Digest

    def _items(self, rule: str) -> list[AlertItem]:
        return [item for item in self.digest.items if item.rule == rule]

    @property
    def overdue(self) -> list[AlertItem]:
        """Overdue at the as-of date, longest overdue first (then by issue id, as the overdue table sorts)."""
        return sorted(self._items("overdue"), key=lambda i: (-int(i.facts["days_overdue"]), i.issue_id or ""))

    @property
    def due_soon(self) -> list[AlertItem]:
        return self._items("due_soon")

    @property
    def without_consultation(self) -> list[AlertItem]:
        return self._items("no_consultation")

    @property
    def empty(self) -> bool:
        return not (self.overdue or self.due_soon or self.without_consultation)

    def parts(self, lang: str) -> list[str]:
        """The strip's phrases in ``lang``, plain text (the UI escapes them): only the rules that are switched on."""
        enabled = set(self.digest.rules.enabled())
        parts = []
        if "overdue" in enabled:
            # nothing overdue is said as none, as a leader reads it out: 无逾期未整改问题, not 逾期未整改 0个
            key = "alerts.strip.overdue" if self.overdue else "alerts.strip.overdue_none"
            parts.append(i18n.t(key, lang, count=grouped(len(self.overdue))))
            if self.overdue:
                oldest = self.overdue[0]
                days = int(oldest.facts["days_overdue"])
                # issues as long overdue as the first: "the longest" is not one of them alone (等3个（各256天）)
                tied = sum(1 for item in self.overdue if int(item.facts["days_overdue"]) == days)
                parts.append(
                    i18n.t(
                        # one issue overdue is not "the longest" of one (逾期最久 over 逾期未整改 1个): its days overdue
                        "alerts.strip.oldest_tied"
                        if tied > 1
                        else "alerts.strip.oldest"
                        if len(self.overdue) > 1
                        else "alerts.strip.only_overdue",
                        lang,
                        unit=self.digest.unit_label(oldest, lang),
                        description=_quoted_inside(safe_text.shortened(oldest.facts["description"], DESCRIPTION_CHARS)),
                        count=grouped(days),
                        tied=grouped(tied),
                        others=grouped(tied - 1),
                    )
                )
        if "due_soon" in enabled:
            due = self._due_key()
            parts.append(
                i18n.t(
                    # a window of 0 days is the as-of day's deadlines, not "0天内到期"; "today" only on that day (the
                    # strip is taken at the page's as-of date, the data date at the latest: 今天到期 of 31 December
                    # 2020 read as of the day the page was opened); nothing due, none (30天内无到期问题)
                    due if self.due_soon else f"{due}_none",
                    lang,
                    date=date_text(self.digest.as_of, lang),
                    count=grouped(len(self.due_soon)),
                    days=self.digest.rules.due_within_days,
                    within=within_days(self.digest.rules.due_within_days, lang),
                )
            )
        if "no_consultation" in enabled:
            # the as-of date's quarter by name: "this quarter" of a range that ended in 2019 read as the present one
            # and, for a quarter not over, the day counted to, as the digest names it (2021年第1季度（截至1月1日）):
            # "未开展定期会商 8家单位" on a quarter's first day read as a quarter's neglect
            quarter = quarter_to(self.digest.quarter, self.digest.quarter_counted_to, lang)
            missing = self.without_consultation
            if 0 < len(missing) <= NAMED_UNITS_AT_MOST:  # which units, not "1家单位" over a view of that one unit
                units = i18n.listed(
                    (self.digest.unit_label(item, lang) for item in missing),
                    lang,
                )
                parts.append(i18n.t("alerts.strip.no_consultation_named", lang, units=units, quarter=quarter))
            elif not missing:  # "未开展定期会商 0家单位" over a view of one unit that held its consultation
                parts.append(i18n.t("alerts.strip.no_consultation_none", lang, quarter=quarter))
            else:
                parts.append(i18n.t("alerts.strip.no_consultation", lang, count=grouped(len(missing)), quarter=quarter))
        return parts

    def _due_key(self) -> str:
        if self.digest.rules.due_within_days:
            return "alerts.strip.due_soon"
        return "alerts.strip.due_today" if self.digest.as_of == config.team_now().date() else "alerts.strip.due_on_day"

    def heading(self, lang: str) -> str:
        # the day as the page's head and tables write it: 31 December 2020, not 31 Dec 2020 beside it
        return i18n.t("alerts.strip.heading", lang, day=date_text(self.digest.as_of, lang))


def _quoted_inside(text: str) -> str:
    """A description set inside the strip's “…” with its own double quotes made single, as quotes nest in Chinese:
    “““三重一大”事项…” read as a stray mark before the description."""
    return text.replace("“", "‘").replace("”", "’")
