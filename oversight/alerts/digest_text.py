"""A digest in words: the terminal's list grouped by unit, the robots' markdown and the e-mail's text.

Every sentence comes from ``locales/<lang>/alerts.json``. Data text (an issue's description, a
unit's name) is escaped before it goes into markdown, so a ``*`` or ``[link](…)`` typed into a
ledger is shown, not obeyed, in a 企业微信 or 钉钉 group.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from oversight import config
from oversight.alerts import AlertItem, Digest, year_earlier_unrecorded
from oversight.core import i18n, safe_text
from oversight.core.numbers import grouped
from oversight.data.filters import Quarter, same_day_years_earlier
from oversight.present.summary import date_text

# 企业微信 caps a markdown message at 4096 bytes of UTF-8, the smaller of the robots' limits: the default budget. A push
# writes each robot's message to its own limit (``push.robot_budget``: 钉钉 takes a 20,000-byte request).
ROBOT_MAX_BYTES = 4096
DESCRIPTION_CHARS = 40  # enough to recognise an issue; the dashboard has the rest
# the most of the robots' budget the scope line may take naming its units; more are counted (监督范围：所选 300 家单位)
SCOPE_SHARE = 4


def _day(iso: str | None, lang: str) -> str:
    return date_text(date.fromisoformat(iso), lang) if iso else "—"


def title(digest: Digest, lang: str) -> str:
    return i18n.t("alerts.digest.title", lang)


def subject(digest: Digest, lang: str) -> str:
    """The e-mail's subject and the robot's notification title: the title and its day, so that one day's digest is
    told from the last in an inbox or a group's list of messages (the same words every day said nothing)."""
    return i18n.t("alerts.digest.subject", lang, title=title(digest, lang), date=date_text(digest.as_of, lang))


def as_of_line(digest: Digest, lang: str) -> str:
    """The as-of date and its quarter, and, where the records stop before it, what each day governs (README,
    口径说明, 预警摘要): days overdue and days left run to the digest's day, a deadline being a date and not a record,
    while the statuses are the ledgers' as recorded to the data date. It said only "数据截至 12月31日" over 55 days
    overdue counted to 1 January: read as counted to the data date, that was a day too many."""
    behind = digest.data_date is not None and digest.data_date < digest.as_of
    return i18n.t(
        "alerts.digest.as_of_data" if behind else "alerts.digest.as_of",
        lang,
        date=date_text(digest.as_of, lang),
        quarter=i18n.quarter_label(digest.quarter, lang),
        data_date=date_text(digest.data_date, lang) if digest.data_date else "",
    )


def scope_lines(digest: Digest, lang: str, markdown: bool = False, max_bytes: int | None = None) -> list[str]:
    """For a digest of some units, the line naming them (监督范围：省政府办公厅、省政务服务和大数据管理局), as a brief of
    some units names them: "逾期未整改 2 项 · 本季度未会商 2 家" pushed for two units read as the whole team's.

    With ``max_bytes`` (a robot's message), names that take more than that are counted instead: 300 units named
    took all of 企业微信's 4096 bytes, cut mid-name, and pushed out every count; the e-mail names them all."""
    if not digest.scope_names:
        return []
    names = [zh if i18n.normalise_language(lang) == "zh" else en for zh, en in digest.scope_names]
    names = [safe_text.robot_markdown(name) if markdown else safe_text.one_line(name) for name in names]
    line = i18n.t("export.briefing.scope", lang, scope=i18n.t("export.scope.separator", lang).join(names))
    if max_bytes is not None and len(line.encode("utf-8")) > max_bytes:
        line = i18n.t("alerts.digest.scope_counted", lang, count=grouped(len(names)))
    return [line]


def not_judged_lines(digest: Digest, lang: str) -> list[str]:
    """The rules that could not be judged (no records yet in the as-of date's quarter; for 会议增多, none in the
    quarter a year earlier), as one line, or none."""
    if not digest.not_judged:
        return []
    if digest.not_judged == ("meetings_rising",) and year_earlier_unrecorded(digest.as_of, digest.data_start):
        earlier = i18n.quarter_label(digest.quarter.shift(-4), lang)
        return [i18n.t("alerts.digest.not_judged_year_earlier", lang, quarter=earlier)]
    rules = i18n.listed((rule_in_sentence(rule, lang) for rule in digest.not_judged), lang)
    return [i18n.t("alerts.digest.not_judged", lang, quarter=i18n.quarter_label(digest.quarter, lang), rules=rules)]


def rule_in_sentence(rule: str, lang: str) -> str:
    """A rule's name as a sentence uses it after its start: "so not judged: not consulted" (``alerts.rule.*`` is the
    name that starts a line, "Not consulted: …", and read "not judged: Not consulted"). No Chinese character changes."""
    return i18n.t(f"alerts.rule.{rule}", lang).lower()


def counts_line(digest: Digest, lang: str, bold: bool = False) -> str:
    counts = digest.counts()
    if not digest.rules.enabled():
        return i18n.t("alerts.digest.no_rules", lang)
    if not counts:
        return ""  # every enabled rule was left unjudged: the line after this one says which, and why
    mark = "**" if bold else ""
    days = digest.rules.due_within_days
    within = within_days(days, lang)
    # 未会商 over part of a quarter names the day counted to (the data date where the records stop before the
    # digest's day): "本季度未会商" read as the whole quarter's, or as the quarter's to the day in the heading
    counted_to = digest.quarter_counted_to
    partial = counted_to < digest.quarter.last_day
    quarter = quarter_to(digest.quarter, counted_to, lang)
    today = config.team_now().date()
    parts = [
        i18n.t(
            _none_key(rule, days, digest.as_of == today)
            if not n
            else _count_key(rule, days, partial, digest.as_of == today, digest.quarter == Quarter.of(today)),
            lang,
            # grouped as the Issues page's 逾期未整改 card writes the same count: 7,220, not 7220
            n=f"{mark}{grouped(n)}{mark}",
            count=grouped(n),
            days=days,
            within=within,
            quarter=quarter,
            date=date_text(digest.as_of, lang),
        )
        for rule, n in counts.items()
    ]
    line = i18n.t("alerts.digest.separator", lang).join(parts)
    return line[:1].upper() + line[1:]  # "None overdue · …" (no Chinese character has a case)


def _none_key(rule: str, days: int, on_its_day: bool) -> str:
    """A rule that found nothing, said as the Overview's 预警 strip says it of the same day: 无逾期未整改问题 / none
    overdue, not "逾期未整改 0 项" / "0 overdue" under a strip that said none (one fact, one wording)."""
    if rule == "overdue":
        return "alerts.strip.overdue_none"
    if rule == "due_soon":
        due = "due_soon" if days else "due_today" if on_its_day else "due_on_day"
        return f"alerts.strip.{due}_none"
    if rule == "no_consultation":
        return "alerts.strip.no_consultation_none"
    return "alerts.count.meetings_rising_none"  # the strip has no such rule


def _count_key(
    rule: str, days: int, partial_quarter: bool = False, on_its_day: bool = True, in_its_quarter: bool = True
) -> str:
    """A window of 0 days is the as-of day's deadlines: "0 天内到期 1 项" / "1 due within 0 days" said it as a span;
    "今天到期" only on that day (``on_its_day``, the team's today), else the day is named: a digest for 8 November
    2020 read years later said 今天到期 under its heading 截至 2020年11月8日. 未会商 over part of a quarter names the
    days counted (``partial_quarter``); over a whole quarter, 本季度 only within it (``in_its_quarter``)."""
    if rule == "due_soon" and days == 0:
        return "alerts.count.due_today" if on_its_day else "alerts.count.due_on_day"
    if rule == "no_consultation" and (partial_quarter or not in_its_quarter):
        return "alerts.count.no_consultation_to_date"
    return f"alerts.count.{rule}"


def within_days(days: int, lang: str) -> str:
    """The due-soon rule's window in words: "within 30 days", "within a day" (a threshold of 1 read "1 days")."""
    return i18n.t("alerts.within_days", lang, count=days)


def quarter_to(quarter: Quarter, counted_to: date | None, lang: str) -> str:
    """``2020年第3季度`` for a quarter counted whole, ``2020年第3季度（截至8月14日）`` for one counted to a day in it."""
    label = i18n.quarter_label(quarter, lang)
    if counted_to is None or counted_to >= quarter.last_day:
        return label
    return i18n.to_date_label(label, counted_to, lang)


def item_text(
    item: AlertItem,
    lang: str,
    markdown: bool = False,
    counted_to: date | None = None,
    data_start: date | None = None,
) -> str:
    """One alert as a sentence; with ``markdown``, the ledger's text in it (the issue's number and its shortened
    description) is escaped for a robot's message. ``counted_to`` is the day the quarter rules counted the
    quarter to (``Digest.quarter_counted_to``): 会议增多 names it for both quarters it compares, 未会商 where the
    quarter is not over. ``data_start`` is
    the first recorded day (``Digest.data_start``): a unit with no consultation on record has none since then —
    before it nothing is known (README, 口径说明), so the digest does not say it was "never" consulted."""
    facts = item.facts
    if item.rule in ("overdue", "due_soon"):
        text = facts.get("description")
        issue = item.issue_id
        if markdown:
            text = safe_text.robot_markdown(safe_text.shortened(text, DESCRIPTION_CHARS))
            issue = safe_text.robot_markdown(issue)
        else:  # a line of the terminal's list and the e-mail's: a line break in the ledger's text would start another
            text, issue = safe_text.one_line(text), safe_text.one_line(issue)
        days = facts.get("days_overdue", facts.get("days_left"))
        key = f"alerts.item.{item.rule}"
        if item.rule == "due_soon" and days == 0:  # due on the as-of day: "today" only where that is the team's today
            today = str(facts.get("due_date")) == config.team_now().date().isoformat()
            key = "alerts.item.due_today" if today else "alerts.item.due_on_day"
        return i18n.t(
            key,
            lang,
            issue=issue,
            description=text,
            due=_day(facts.get("due_date"), lang),
            days=i18n.t(f"alerts.days.{'one' if days == 1 else 'other'}", lang, n=grouped(days)),
            category=i18n.code_label(str(facts.get("category")), lang),
        )
    if item.rule == "no_consultation":
        # to the data date where the records stop before the digest's day: a consultation held since has not been
        # imported yet, and "2020年第3季度未开展定期会商" on 20 September of ledgers to 14 August said it had not been held
        quarter = quarter_to(Quarter.parse(facts["quarter"]), counted_to, lang)
        if facts.get("last_consultation"):
            return i18n.t(
                "alerts.item.no_consultation", lang, quarter=quarter, last=_day(facts["last_consultation"], lang)
            )
        if data_start is None:
            return i18n.t("alerts.item.never_consulted_no_start", lang, quarter=quarter)
        since = i18n.quarter_label(Quarter.of(data_start), lang)
        return i18n.t("alerts.item.never_consulted", lang, quarter=quarter, since=since)
    rising_in = Quarter.parse(facts["quarter"])
    return i18n.t(
        "alerts.item.meetings_rising",
        lang,
        quarter=quarter_to(rising_in, counted_to, lang),
        earlier=quarter_to(rising_in.shift(-4), counted_to and same_day_years_earlier(counted_to), lang),
        meetings=grouped(facts["meetings"]),
        count=grouped(facts["meetings"]),  # "1 meeting in 2020 Q4 against 0"
        prev=grouped(facts["prev_meetings"]),
        increase=grouped(facts["increase"]),
    )


def render_text(digest: Digest, lang: str) -> str:
    """The readable list grouped by unit: the terminal's output and the e-mail's body."""
    head = [
        title(digest, lang),
        as_of_line(digest, lang),
        *scope_lines(digest, lang),
        counts_line(digest, lang),
        *not_judged_lines(digest, lang),
    ]
    lines = [*(line for line in head if line), ""]
    groups = digest.by_unit()
    if not groups:
        lines.append(i18n.t("alerts.digest.none", lang))
    for unit_id, items in groups:
        lines.append(
            i18n.t(
                "alerts.digest.unit_heading",
                lang,
                name=safe_text.one_line(items[0].unit_name(lang)),
                unit_id=safe_text.one_line(unit_id),
            )
        )
        lines += [
            "  - "
            + i18n.t(
                "alerts.digest.line",
                lang,
                rule=i18n.t(f"alerts.rule.{item.rule}", lang),
                text=item_text(
                    item,
                    lang,
                    counted_to=digest.quarter_counted_to,
                    data_start=digest.data_start,
                ),
            )
            for item in items
        ]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _markdown_item(item: AlertItem, lang: str, digest: Digest) -> str:
    rule = i18n.t(f"alerts.rule.{item.rule}", lang)
    text = item_text(
        item,
        lang,
        markdown=True,
        counted_to=digest.quarter_counted_to,
        data_start=digest.data_start,
    )
    return f"- **{rule}** {text}"


def _count_line(rest: int, shown: int, lang: str) -> str:
    key = "alerts.digest.unit_more" if shown else "alerts.digest.unit_count"
    return i18n.t(key, lang, count=grouped(rest))


def _unit_lines(heading: str, shown_lines: list[str], alerts: int, lang: str) -> list[str]:
    """One unit's block with the lines of its first (worst) alerts; the rest of its ``alerts`` are counted, so the unit
    is never dropped whole."""
    shown = len(shown_lines)
    rest = alerts - shown
    lines = [heading, *shown_lines]
    if rest:
        lines.append(_count_line(rest, shown, lang))
    return [*lines, ""]


def _more_line(units: int, items: int, lang: str) -> str | None:
    """The last line, counting the ``units`` not named and their ``items`` alerts; none where every unit is named."""
    if not units:
        return None
    if units == 1:  # "… and 1 more alerts for 1 more units"
        return i18n.t("alerts.digest.more_one_unit", lang, count=grouped(items))
    return i18n.t("alerts.digest.more", lang, units=grouped(units), items=grouped(items))


@dataclass(frozen=True)
class Budget:
    """A robot's limit on a message: a text's ``size`` in what the robot counts, at most ``limit``.

    ``size`` must add up over concatenation (``size(a + b) == size(a) + size(b)``), as bytes of UTF-8 and bytes of
    JSON-escaped text do: the digest is fitted by adding up its lines' sizes, each line measured once. It wrote and
    measured the whole message for every trial, some 500 of them at 500 units: up to 2 s for one robot's message."""

    size: Callable[[str], int]
    limit: int

    def fits(self, text: str) -> bool:
        return self.size(text) <= self.limit


def utf8_bytes(text: str) -> int:
    return len(text.encode("utf-8"))


class _Sizes:
    """The size of the message ``render_markdown`` writes for a plan (how many alerts each named unit shows), added up
    from its lines' sizes: the head, each unit's heading and alert lines (each written and measured once, and only
    where a plan tried shows it: 8,107 alerts of 499 units were all written for a message that shows 60), its count
    line (once per count) and the last line, less the trailing whitespace that ``rstrip`` drops."""

    def __init__(
        self,
        head: list[str],
        units: list[tuple[str, list[AlertItem]]],
        write: Callable[[AlertItem], str],
        size: Callable[[str], int],
        lang: str,
    ):
        self.size, self.lang, self.write, self.units = size, lang, write, units
        self.counts = [len(items) for _heading, items in units]
        self.alerts_after = [0] * (len(units) + 1)  # the alerts of the units from each one on
        for index in range(len(units) - 1, -1, -1):
            self.alerts_after[index] = self.alerts_after[index + 1] + self.counts[index]
        self.separator = size("\n")
        self.blank = size("")
        self.head = size("\n".join(head))
        self.headings = [(size(heading), self._trailing(heading)) for heading, _items in units]
        self.lines: list[list[str]] = [[] for _unit in units]  # a unit's alert lines written so far
        self.item_sums: list[list[int]] = [[0] for _unit in units]  # the sizes of its first n alert lines
        self.item_trailing: list[list[int]] = [[] for _unit in units]
        self._count_lines: dict[tuple[int, bool], tuple[int, int]] = {}

    def alert_lines(self, index: int, shown: int) -> list[str]:
        """A unit's first ``shown`` alert lines, written where not yet."""
        lines = self.lines[index]
        while len(lines) < shown:
            line = self.write(self.units[index][1][len(lines)])
            lines.append(line)
            self.item_sums[index].append(self.item_sums[index][-1] + self.size(line))
            self.item_trailing[index].append(self._trailing(line))
        return lines[:shown]

    def more_line(self, named: int) -> str | None:
        return _more_line(len(self.units) - named, self.alerts_after[named], self.lang)

    def _trailing(self, line: str) -> int:
        return self.size(line) - self.size(line.rstrip())

    def _count_line(self, rest: int, shown: int) -> tuple[int, int]:
        key = (rest, shown > 0)
        if key not in self._count_lines:
            line = _count_line(rest, shown, self.lang)
            self._count_lines[key] = (self.size(line), self._trailing(line))
        return self._count_lines[key]

    def block(self, index: int, shown: int) -> int:
        """One unit's lines (``_unit_lines``) and the separators before each."""
        rest = self.counts[index] - shown
        lines = 2 + shown + (1 if rest else 0)  # its heading, alerts, count line and blank line
        count = self._count_line(rest, shown)[0] if rest else 0
        self.alert_lines(index, shown)
        return self.headings[index][0] + self.item_sums[index][shown] + count + self.blank + lines * self.separator

    def end(self, named: int, last_shown: int) -> int:
        """The last line counting the units left out, less its trailing whitespace; where every unit is named, less
        what ``rstrip`` drops of the last unit: its blank line's separator and its last line's trailing whitespace."""
        line = self.more_line(named)
        if line is not None:
            return self.separator + self.size(line) - self._trailing(line)
        rest = self.counts[named - 1] - last_shown
        if rest:
            trailing = self._count_line(rest, last_shown)[1]
        elif last_shown:
            self.alert_lines(named - 1, last_shown)
            trailing = self.item_trailing[named - 1][last_shown - 1]
        else:
            trailing = self.headings[named - 1][1]
        return -self.separator - trailing

    def of(self, plan: list[int]) -> int:
        return self.head + sum(self.block(i, shown) for i, shown in enumerate(plan)) + self.end(len(plan), plan[-1])


def _fitting_plan(sizes: _Sizes, limit: int) -> list[int]:
    """How many alerts of each listed unit to show (the units come worst first): as many units as can be named each
    with its worst alert, every unit given the same number of alerts (a unit with fewer shows all of its own), then
    what room is left filled unit by unit; only where not one unit's worst alert fits are units named bare.

    One unit with sixty overdue issues used to take the whole message, and the units after it were only a count; 448
    units named bare, each "该单位有 1 条预警", showed the leader 46 names and not one issue or day overdue.
    """
    counts = sizes.counts
    most = max(counts)
    first = 1 if sizes.of([1]) <= limit else 0
    named_sizes = [0]  # the first n units, each with ``first`` alerts, for each n
    for index, count in enumerate(counts):
        named_sizes.append(named_sizes[-1] + sizes.block(index, min(first, count)))
    for named in range(len(counts), 0, -1):
        if sizes.head + named_sizes[named] + sizes.end(named, min(first, counts[named - 1])) > limit:
            continue
        listed = counts[:named]
        cap = 0
        while cap < most and sizes.of([min(cap + 1, n) for n in listed]) <= limit:
            cap += 1
        plan = [min(cap, n) for n in listed]
        total = sizes.head + sum(sizes.block(i, shown) for i, shown in enumerate(plan))
        for index, count in enumerate(listed):
            while plan[index] < count:
                grown = total - sizes.block(index, plan[index]) + sizes.block(index, plan[index] + 1)
                last = plan[-1] + 1 if index == named - 1 else plan[-1]
                if grown + sizes.end(named, last) > limit:
                    break
                plan[index], total = plan[index] + 1, grown
        return plan
    return []


def dashboard_link(digest: Digest, base: str, units: Sequence[str], lang: str) -> str:
    """The Overview at ``base`` filtered as the digest is: its units (none: all the scope allows), the quarter of its
    day — the data date's where the ledgers stop before it, as a page of a later quarter would show nothing —, the
    day itself where it is inside that quarter (``day=``: the page's figures are taken at it, not at the quarter's end
    or the data date; a 20 November digest's link showed 214 days overdue of an issue the digest said 173 of) and its
    language (the URL parameters of README)."""
    day = min(digest.as_of, digest.data_date) if digest.data_date is not None else digest.as_of
    quarter = Quarter.of(day)
    query = [("unit", unit) for unit in sorted(units)] + [("from", str(quarter)), ("to", str(quarter))]
    # past the data date the page stops at it, as a link's day would: the digest's header names both days
    query += [("day", day.isoformat())] if day == digest.as_of and day < quarter.last_day else []
    query += [("lang", "en")] if lang == "en" else []
    return f"{base}?{urlencode(query)}"


def link_line(link: str, lang: str) -> str:
    """The e-mail's line with the link the robots' messages give (``dashboard_link``): 在看板中查看：https://…"""
    return i18n.t("alerts.digest.open_dashboard_at", lang, url=link)


def render_markdown(
    digest: Digest,
    lang: str,
    max_bytes: int = ROBOT_MAX_BYTES,
    budget: Budget | None = None,
    link: str | None = None,
) -> str:
    """The robots' message: heading, counts, then the units, the worst first (``Digest.by_unit``), with as many of
    their alerts as the budget allows: ``max_bytes`` of UTF-8, or ``budget`` (a robot's own measure and limit;
    ``max_bytes`` is then the robot's nominal limit, for the scope line's share).

    A unit whose alerts do not all fit shows its first (worst) ones and how many more are on the dashboard; units that
    do not fit even by name are counted in a last line (only what no line above counts).
    """
    if budget is None:
        budget = Budget(utf8_bytes, max_bytes)
    head = [
        f"### {title(digest, lang)}",
        as_of_line(digest, lang),
        *scope_lines(digest, lang, markdown=True, max_bytes=max_bytes // SCOPE_SHARE),
        "",
        *(f"> {line}" for line in (counts_line(digest, lang, bold=True), *not_judged_lines(digest, lang)) if line),
        "",
        # in the head, so that the budget keeps room for it: the way to the whole list behind the counts
        *([f"[{i18n.t('alerts.digest.open_dashboard', lang)}]({link})", ""] if link else []),
    ]
    groups = digest.by_unit()
    if not groups:
        return "\n".join(head + [i18n.t("alerts.digest.none", lang)])
    units = [(f"**{safe_text.robot_markdown(items[0].unit_name(lang))}**", items) for _unit_id, items in groups]
    sizes = _Sizes(head, units, lambda item: _markdown_item(item, lang, digest), budget.size, lang)
    plan = _fitting_plan(sizes, budget.limit)
    body = [
        line
        for index, ((heading, items), shown) in enumerate(zip(units, plan))
        for line in _unit_lines(heading, sizes.alert_lines(index, shown), len(items), lang)
    ]
    more = sizes.more_line(len(plan))
    return "\n".join(head + body + ([more] if more is not None else [])).rstrip()
