"""The scheduled commands: ``brief`` (the briefing pack, headless) and ``alerts`` (the 预警 digest).

    python -m oversight brief [--from 2020Q1 --to 2020Q4 | --period year|quarter] [--as-of DATE]
                              [--unit ID ...] [--lang zh|en] [--format pptx,docx,pdf,zip] [--out DIR]
                              [--push [--force]] [--as USERNAME] [--settings FILE]
    python -m oversight alerts [--as-of DATE] [--due-within 30] [--unit ID ...] [--json] [--lang zh|en]
                               [--push [--force]] [--as USERNAME] [--settings FILE]

Exit status: 0 done; 1 the input, the data or the settings have a problem (a push's too: a webhook
address that redirects or names no robot is not retried, and no timer restarts 1); 2 bad usage;
3 refused (no such account, or it may not do this); 4 at least one push failed after its
retries and nothing of it went out, or went out to some recipients only and is recorded (the
next run retries only what failed, and may be started again at once), or another run was
still sending after as long as a run can take (nothing sent); 5 no Chromium to render the
charts; 6 a message may have gone out that is not recorded as sent (it went out whole and no
answer came, or its record could not be written): running again would send it again, so look
first (a timer must not restart on 6). docs/ALERTS.md has the settings file and timer examples.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import math
import re
import sys
from datetime import date
from pathlib import Path

from oversight import config
from oversight.cli import options, stderr
from oversight.cli.usage_language import help_text, path_argument
from oversight.core import i18n

OK, INPUT_PROBLEM, REFUSED, PUSH_FAILED, NO_RENDERER, MAY_HAVE_SENT = 0, 1, 3, 4, 5, 6
# what a timer may start again a while later: the failures of this code left nothing out unrecorded
RETRY_SAFE = (PUSH_FAILED,)


class _Stop(Exception):
    """End the command with ``status`` after printing ``message`` on stderr."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def _common_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=i18n.LANGUAGES, help=help_text("scheduled.lang"))
    parser.add_argument("--unit", action="append", default=[], metavar="UNIT_ID", help=help_text("scheduled.unit"))
    parser.add_argument("--as", dest="run_as", metavar="USERNAME", help=help_text("scheduled.as"))
    parser.add_argument("--settings", type=path_argument, metavar="FILE", help=help_text("scheduled.settings"))
    parser.add_argument("--push", action="store_true", help=help_text("scheduled.push"))
    parser.add_argument("--force", action="store_true", help=help_text("scheduled.force"))
    parser.add_argument("--as-of", dest="as_of", metavar="DATE", help=help_text("scheduled.as_of"))


def add_brief(commands) -> None:
    command = commands.add_parser("brief", help=help_text("brief"), description=help_text("brief"))
    command.add_argument("--from", dest="start", metavar="QUARTER", help=help_text("brief.from"))
    command.add_argument("--to", dest="end", metavar="QUARTER", help=help_text("brief.to"))
    command.add_argument("--period", choices=("year", "quarter"), default="year", help=help_text("brief.period"))
    command.add_argument("--format", dest="formats", action="append", metavar="LIST", help=help_text("brief.format"))
    command.add_argument(
        "--out", type=path_argument, default=Path("."), metavar="DIR", help=help_text("common.out_folder")
    )
    _common_options(command)
    command.set_defaults(run=run_brief)


def add_alerts(commands) -> None:
    command = commands.add_parser("alerts", help=help_text("alerts"), description=help_text("alerts"))
    command.add_argument(
        "--due-within", dest="due_within", type=int, metavar="DAYS", help=help_text("alerts.due_within")
    )
    command.add_argument("--json", action="store_true", help=help_text("common.json"))
    _common_options(command)
    command.set_defaults(run=run_alerts)


# ---------------------------------------------------------------- shared steps


def _setup(args: argparse.Namespace, command: str):
    """Settings, language, account and the data, or ``_Stop`` saying which of them is wrong."""
    from oversight import ingest
    from oversight.alerts import configuration
    from oversight.auth import accounts, roles, run_as
    from oversight.data import store
    from oversight.ingest.problems import shown_text

    try:
        path = configuration.outside_repository(args.settings, "--settings") if args.settings else None
        if path is not None and path.is_dir():
            raise configuration.SettingsError(path, "--settings", "alerts.settings.detail.is_folder")
        if path is not None and not path.exists():
            # a file named on the command line and not there is a mistake, not "use the defaults"; a device or a
            # pipe is there, and refused by load_settings as not a regular file
            raise configuration.SettingsError(path, "--settings", "alerts.settings.missing")
        settings = configuration.load_settings(path)
    except configuration.SettingsError as error:
        raise _Stop(INPUT_PROBLEM, error.render(args.lang or i18n.DEFAULT_LANGUAGE)) from None
    lang = args.lang or settings.lang
    stderr.speak(lang)
    asked = accounts.normalise_username(args.run_as) if args.run_as else None
    if asked and settings.account and asked != settings.account:
        # the settings name the account their channels are for (a unit's group chat): --as another one would send
        # that chat what the other account sees, every unit's issues for an admin
        run_as.refuse(asked, "run_as_differs", command, username=settings.account)
        raise _Stop(
            REFUSED,
            i18n.t("alerts.cli.as_differs", lang, asked=shown_text(asked), account=shown_text(settings.account)),
        )
    unreadable = options.data_folder_unreadable(lang)  # before the folder's note of its accounts is read from it
    if unreadable is not None:
        raise _Stop(INPUT_PROBLEM, unreadable)
    try:
        account = run_as.account_for(args.run_as or settings.account, command)
    except roles.AccountError as error:
        raise _Stop(REFUSED, error.render(lang)) from None
    except run_as.RunAsRefused as refused:
        raise _Stop(REFUSED, i18n.t(refused.key, lang, **refused.params)) from None
    problem = options.data_folder_problem(lang)  # a file named as one, not as a folder that "does not exist"
    if problem is not None:
        raise _Stop(INPUT_PROBLEM, problem)
    try:
        connection = store.open_folder()
    except ingest.ValidationError as error:
        raise _Stop(INPUT_PROBLEM, error.render(lang).strip()) from None
    return settings, lang, account, connection


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


def _as_of(args: argparse.Namespace, lang: str) -> date:
    from oversight.data.filters import FIRST_YEAR, LAST_YEAR

    if args.as_of is None:
        return config.team_now().date()  # the team's day: a run at 07:00 in Beijing is still yesterday in UTC
    # an empty --as-of "" (a script's unset variable) is refused below: taken for no date, it ran for today
    text = args.as_of.strip()
    try:
        # only the form the message names (2020-12-31): fromisoformat also reads 2020-W01 (30 December 2019) and
        # 20200101, and a week number taken for a date moved the digest into another quarter without a word
        if not _ISO_DAY.fullmatch(text):
            raise ValueError(text)
        day = date.fromisoformat(text)
    except ValueError:
        raise _Stop(INPUT_PROBLEM, i18n.t("alerts.cli.bad_date", lang, value=args.as_of)) from None
    # the years a quarter may have (Quarter.parse): 9999-12-31 counted every issue overdue by 2.9 million days
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise _Stop(
            INPUT_PROBLEM,
            i18n.t("alerts.cli.as_of_out_of_range", lang, date=day.isoformat(), first=FIRST_YEAR, last=LAST_YEAR),
        )
    return day


def _span(connection, lang: str):
    """What the data covers, or ``_Stop`` where it holds no dated record."""
    from oversight.data import queries

    try:
        return queries.data_span(connection)
    except (TypeError, ValueError):  # no dated record: the span's quarters are null
        raise _Stop(INPUT_PROBLEM, i18n.t("alerts.cli.no_data", lang)) from None


def _refuse_as_of_before_data(as_of: date, span, lang: str) -> None:
    """``_Stop`` where ``as_of`` falls before the data's first quarter begins: nothing is known of that day."""
    if as_of < span.first.first_day:
        first = i18n.quarter_label(span.first, lang)
        raise _Stop(INPUT_PROBLEM, i18n.t("alerts.cli.as_of_before_data", lang, date=as_of.isoformat(), first=first))


def _outside_data(span, start, end, lang: str) -> _Stop:
    from oversight.present.summary import date_text

    return _Stop(
        INPUT_PROBLEM,
        i18n.t(
            "alerts.cli.range_outside_data",
            lang,
            # one quarter is named once: --from 2100Q4 --to 2100Q4 read 2100年第4季度至2100年第4季度
            period=i18n.period_label(start, end, lang),
            first=i18n.quarter_label(span.first, lang),
            last=i18n.quarter_label(span.last, lang),
            data_date=date_text(span.last_day, lang) if span.last_day else "—",
        ),
    )


def _units(args: argparse.Namespace, connection, account, lang: str, command: str) -> tuple[str, ...]:
    """The --unit values, each checked against the data and the account's scope (never silently widened)."""
    from oversight.auth import run_as
    from oversight.data import queries
    from oversight.data.filters import chosen_units

    known = set(queries.run(connection, "units")["unit_id"])
    for unit in args.unit:
        allowed = account.scope.allows(unit)
        if not allowed:  # audited as the pages audit it; unknown or another's, one sentence
            run_as.refuse(account, "unit_out_of_scope", command, units=[unit])
        if unit not in known or not allowed:
            raise _Stop(INPUT_PROBLEM, i18n.t("alerts.cli.bad_unit", lang, unit=unit, username=account.username))
    return chosen_units(args.unit, known)


def _warn_if_readable(settings, lang: str) -> None:
    from oversight.alerts import configuration

    if settings.channels and configuration.readable_by_others(settings.path):
        stderr.say(i18n.t("alerts.cli.settings_readable", lang, path=settings.path), lang)


def _before_pushing(kind: str, settings, lang: str) -> None:
    """Refuse a push nothing takes; warn, once a run, of a settings file others can read."""
    if not settings.channels_for(kind):
        raise _Stop(INPUT_PROBLEM, i18n.t("alerts.cli.no_channels", lang, path=settings.path, kind=kind))
    _warn_if_readable(settings, lang)


def _run_by() -> dict[str, str]:
    """The operating-system account beside the account the line is written under, as an import's line has it: ``--as
    chief`` (or the settings' ``account``) needs no password, so the account alone does not say who ran it."""
    return {"os_user": config.os_user()}


def _push(
    message,
    *,
    period: str,
    fingerprint: str,
    settings,
    account,
    lang: str,
    force: bool,
    audit_details: dict,
    out,
    channels=None,
) -> list:
    """Push to every channel that takes the message (or to ``channels``) and print one line per channel; the
    outcomes (``delivery.Outcome``). ``_before_pushing`` has checked there is a channel."""
    from oversight.alerts import configuration
    from oversight.auth import audit
    from oversight.core import locking
    from oversight.ingest.problems import shown_text
    from oversight.push import delivery

    try:
        outcomes = delivery.push_message(
            message,
            period=period,
            fingerprint=fingerprint,
            settings=settings,
            account=account,
            lang=lang,
            audit_details=audit_details,
            force=force,
            channels=channels,
        )
    except delivery.AuditStopped as stopped:  # the log refused a line partway: what went out is said, then why it ended
        if not stopped.outcomes:  # no audit line, no push
            raise _Stop(INPUT_PROBLEM, options.audit_unwritable(stopped, lang)) from None
        _print_outcomes(stopped.outcomes, message.kind, period, lang, out)
        status = MAY_HAVE_SENT if {o.status for o in stopped.outcomes} & set(_MAY_HAVE_SENT) else INPUT_PROBLEM
        raise _Stop(status, i18n.t("alerts.cli.push_audit_stopped", lang)) from None
    except audit.AuditError as error:  # no audit line, no push
        raise _Stop(INPUT_PROBLEM, options.audit_unwritable(error, lang)) from None
    except delivery.RecordUnwritable as unwritable:  # nothing went out: it could not have been recorded
        reason = options.write_problem(unwritable.error, lang)
        path = shown_text(str(unwritable.path))
        raise _Stop(INPUT_PROBLEM, i18n.t("alerts.cli.state_unwritable", lang, path=path, reason=reason)) from None
    except locking.LockBusy as busy:  # another run hung while sending: nothing went out, the next run sends
        raise _Stop(PUSH_FAILED, _busy_text(busy, lang)) from None
    except configuration.SettingsError as error:  # the state file is not a push record: nothing went out
        raise _Stop(INPUT_PROBLEM, error.render(lang)) from None
    _print_outcomes(outcomes, message.kind, period, lang, out)
    return outcomes


def _print_outcomes(outcomes, kind: str, period: str, lang: str, out) -> None:  # noqa: ANN001 — delivery.Outcome
    """A line per channel: on ``out`` what went as asked, on stderr what did not."""
    for outcome in outcomes:
        if outcome.status in _NOT_DONE:
            stderr.say(outcome.line(kind, period, lang), lang)
        else:  # as asked: the same record wherever it goes (--json puts it on stderr), as on standard output
            print(outcome.line(kind, period, lang), file=out)


# a push that failed, went out without its record, went out unanswered, was left half-sent by a stopped run, or not to
# every recipient: the timer's run is not clean
_NOT_DONE = ("failed", "misconfigured", "unrecorded", "partly", "unconfirmed", "interrupted", "not_tried")
# of those, what may have gone out and is not recorded as sent: another run sends it again
_MAY_HAVE_SENT = ("unrecorded", "unconfirmed", "interrupted")


def _push_status(outcomes) -> int:
    """6 over 4: a run started again for the channels that failed would also send again what may have gone out. 4 over
    1: a channel that failed for a while is worth the timer's restart, which the wrong address only says again; a
    wrong address alone is the settings' 1, which no timer restarts (it will not mend by itself)."""
    statuses = {outcome.status for outcome in outcomes}
    if statuses & set(_MAY_HAVE_SENT):
        return MAY_HAVE_SENT
    if statuses & (set(_NOT_DONE) - {"misconfigured"}):
        return PUSH_FAILED
    return INPUT_PROBLEM if "misconfigured" in statuses else OK


def _busy_text(busy, lang: str) -> str:  # noqa: ANN001 — a locking.LockBusy
    holder = busy.holder
    return i18n.t(
        "alerts.cli.push_busy",
        lang,
        pid=holder.get("pid", "?"),
        since=i18n.team_time(holder.get("since"), lang, "?"),
        waited=math.ceil(busy.waited),
    )


def _run(command, args: argparse.Namespace) -> int:
    try:
        return command(args)
    except _Stop as stop:
        stderr.say(stop.message)
        return stop.status


# ---------------------------------------------------------------- alerts


def run_alerts(args: argparse.Namespace) -> int:
    return _run(_alerts, args)


def _alerts(args: argparse.Namespace) -> int:
    from oversight import alerts
    from oversight.alerts import digest_text
    from oversight.push import DINGTALK_MAX_BYTES, WECOM_MAX_BYTES, Message, robot_budget

    settings, lang, account, connection = _setup(args, "alerts")
    as_of = _as_of(args, lang)
    _refuse_as_of_before_data(as_of, _span(connection, lang), lang)  # no rule has anything to go on
    units = _units(args, connection, account, lang, "alerts")
    if args.due_within is not None and not 0 <= args.due_within <= 366:  # the settings file's own bounds
        raise _Stop(INPUT_PROBLEM, i18n.t("alerts.cli.bad_due_within", lang, value=args.due_within, high=366))
    rules = settings.rules.with_due_within(args.due_within)
    if args.push:  # say so before the digest, not after it
        _before_pushing("alerts", settings, lang)
    # a unit account's digest is of its units, and names them as one of units asked for does
    covered = units or (tuple(sorted(account.scope.allowed_units)) if not account.scope.unrestricted else ())
    digest = alerts.collect_alerts(alerts.scoped_runner(connection, account.scope), as_of, rules, covered)
    if args.json:
        print(json.dumps(digest.as_dict(), ensure_ascii=False, indent=1))
    else:
        print(digest_text.render_text(digest, lang), end="")
    if not args.push:
        return OK
    title = digest_text.subject(digest, lang)
    # each robot's message to its own limit: 钉钉 takes 20,000 bytes of request, 企业微信 4,096 of markdown
    base = settings.push.dashboard_url
    link = digest_text.dashboard_link(digest, base, units, lang) if base else None
    robots = {
        kind: digest_text.render_markdown(digest, lang, limit, budget=robot_budget(kind, title), link=link)
        for kind, limit in (("wecom", WECOM_MAX_BYTES), ("dingtalk", DINGTALK_MAX_BYTES))
    }
    message = Message(
        "alerts",
        title,
        robots["wecom"],
        digest_text.render_text(digest, lang),
        robot_markdown=robots,
        link_line=digest_text.link_line(link, lang) if link else None,
    )
    scope = {
        "units": list(units) or (list(account.scope.allowed_units) if not account.scope.unrestricted else []),
        "as_of": as_of.isoformat(),
        "counts": digest.counts(),
    }
    pushed = _push(
        message,
        # the units sorted: the same digest named by a job whose --unit options were put in another order is sent once
        period=f"{as_of.isoformat()}/{'+'.join(sorted(units)) or 'all'}",
        fingerprint=digest.fingerprint(),
        settings=settings,
        account=account,
        lang=lang,
        force=args.force,
        audit_details={"filter": scope, **_run_by()},
        out=sys.stderr if args.json else sys.stdout,
    )
    return _push_status(pushed)


# ---------------------------------------------------------------- brief


def run_brief(args: argparse.Namespace) -> int:
    return _run(_brief, args)


def _formats(args: argparse.Namespace, lang: str) -> tuple[str, ...]:
    from oversight import briefing

    if not args.formats:
        return briefing.FORMATS
    chosen = [item.strip().lower() for value in args.formats for item in value.split(",") if item.strip()]
    for item in chosen or [" ".join(args.formats)]:  # --format "" named no format: it wrote nothing and said done
        if item not in briefing.FORMATS:
            raise _Stop(INPUT_PROBLEM, i18n.t("alerts.cli.bad_formats", lang, value=item))
    return tuple(fmt for fmt in briefing.FORMATS if fmt in chosen)


def _brief_range(args: argparse.Namespace, connection, lang: str):
    from oversight.data.filters import Filter, Quarter
    from oversight.push import brief_job

    # a mistyped quarter is said first, even alone: "give --to as well" would send the user on to a second refusal
    bounds = []
    for value in (args.start, args.end):
        if value is None:
            continue
        try:
            bounds.append(Quarter.parse(value))
        except ValueError:
            raise _Stop(INPUT_PROBLEM, i18n.t("alerts.cli.bad_quarter", lang, value=value)) from None
    # given empty (--from "$FROM" with FROM unset) is given: it was taken as not given, the default period briefed
    if (args.start is None) != (args.end is None):
        raise _Stop(INPUT_PROBLEM, i18n.t("alerts.cli.from_to_together", lang))
    as_of = _as_of(args, lang)  # read even where --from/--to decide the range: a mistyped date is said, not ignored
    if args.start is not None:
        if bounds[1] < bounds[0]:
            raise _Stop(INPUT_PROBLEM, i18n.t("alerts.cli.bad_range", lang, start=bounds[0], end=bounds[1]))
        start, end = bounds
        span = _span(connection, lang)
        # a range wholly after the data date or before the first record would be a brief of "no records" for a
        # time the data says nothing about; a range that overlaps the data is briefed as the pages show it
        if not span.has_data_in(Filter((), start, end)) or end < span.first:
            raise _outside_data(span, start, end, lang)
        # partly outside: the nearest quarters the data has, as a link's range on the pages (a pack of 2018年第3季度至
        # 2019年第2季度 counted from 2019 on, its cover and summary reading as a whole year's figures)
        known = span.quarters
        moved = [
            f"--{name} {quarter}"
            for name, quarter in (("from", start), ("to", end))
            if not known[0] <= quarter <= known[-1]
        ]
        if moved:
            start, end = max(start, known[0]), min(end, known[-1])
            stderr.say(
                i18n.t(
                    "alerts.cli.range_moved",
                    lang,
                    first=i18n.quarter_label(known[0], lang),
                    last=i18n.quarter_label(known[-1], lang),
                    values=i18n.listed(moved, lang),
                    shown=i18n.span_label(Filter((), start, end), lang),
                ),
                lang,
            )
        return start, end, None
    span = _span(connection, lang)
    # the latest period complete at a day before the records begin is none: it gave the first quarter's brief, exit 0
    # (a year mistyped 2018 for 2021 in a timer's command), where alerts refuses the same day
    _refuse_as_of_before_data(as_of, span, lang)
    start, end = brief_job.default_range(span, as_of, args.period)
    due = brief_job.period_just_over(as_of, args.period)
    if due[1] < span.first:
        # the period just over lies before the records (--as-of in the data's first year): the brief is of the data's
        # first period instead, which silently read as the year asked for
        return start, end, _before_the_data(due, (start, end), span.first, lang)
    if end < due[1] and span.last_day is not None:
        # the ledgers do not reach the end of the period just over (imported after the timer ran): the brief is of an
        # earlier one, pushed already last time, so nothing went out and nothing said why
        return start, end, _not_yet_covered(due, (start, end), span.last_day, lang)
    return start, end, None


def _period_named(period, lang: str) -> str:  # noqa: ANN001 — a (Quarter, Quarter) pair
    from oversight.data.filters import Filter

    start, end = period
    if (start.year, start.quarter, end.year, end.quarter) == (start.year, 1, start.year, 4):
        return i18n.t("export.briefing.year_period", lang, year=start.year)  # 2020年度, as the pack's title
    return i18n.span_label(Filter((), start, end), lang)


def _not_yet_covered(due, chosen, data_date: date, lang: str) -> str:  # noqa: ANN001 — (Quarter, Quarter) pairs
    from oversight.present.summary import date_text

    return i18n.t(
        "alerts.cli.period_not_covered",
        lang,
        due=_period_named(due, lang),
        data_date=date_text(data_date, lang),
        shown=_period_named(chosen, lang),
    )


def _before_the_data(due, chosen, first, lang: str) -> str:  # noqa: ANN001 — (Quarter, Quarter) pairs, a Quarter
    return i18n.t(
        "alerts.cli.period_before_data",
        lang,
        due=_period_named(due, lang),
        first=i18n.quarter_label(first, lang),
        shown=_period_named(chosen, lang),
    )


def _refuse_out_in_repository(out: Path, lang: str) -> None:
    """``_Stop`` where ``out`` lies in the checkout the code runs from: a pack marked 内部资料 written there is one
    ``git add`` from being shared, as a settings file there would be, so the settings file's own test decides.
    Checked after the other options, so that a mistyped option run from the checkout (``--out`` defaults to the
    current folder) is still named first."""
    from oversight.alerts import configuration
    from oversight.ingest.problems import shown_text

    try:
        configuration.outside_repository(out, "--out")
    except configuration.SettingsError:
        raise _Stop(
            INPUT_PROBLEM, i18n.t("alerts.cli.out_in_repository", lang, folder=shown_text(str(out.absolute())))
        ) from None


def _brief(args: argparse.Namespace) -> int:
    from oversight.auth import audit
    from oversight.auth.unit_scope import scoped_filter
    from oversight.data import store
    from oversight.data.filters import Filter
    from oversight.export import rendering
    from oversight.ingest.problems import shown_text
    from oversight.push import brief_job

    settings, lang, account, connection = _setup(args, "brief")
    if args.out.exists() and not args.out.is_dir():  # said before the pack is built and audited, not after
        raise _Stop(INPUT_PROBLEM, i18n.t("alerts.cli.out_not_a_folder", lang, path=shown_text(str(args.out))))
    if options.inside(args.out, store.data_dir()):
        # the ledgers' folder holds what the dashboard reads (the template command refuses it too): a pack's ZIP
        # and documents written there sat beside the ledgers, in the data folder's copies and backups
        raise _Stop(
            INPUT_PROBLEM, i18n.t("alerts.cli.out_in_data_folder", lang, folder=shown_text(str(store.data_dir())))
        )
    formats = _formats(args, lang)
    units = _units(args, connection, account, lang, "brief")
    start, end, not_covered = _brief_range(args, connection, lang)
    _refuse_out_in_repository(args.out, lang)
    if not_covered:  # said once the options are accepted: a mistyped option's refusal stays the run's only line
        stderr.say(not_covered, lang)
    if args.push:  # said before the pack is built (it takes a while) and written, as alerts --push does
        _before_pushing("brief", settings, lang)
    filter_ = Filter(units, start, end)
    mails = args.push and any(channel.kind == "email" for channel in settings.channels_for("brief"))
    try:
        pack = brief_job.build(
            connection, account, filter_, lang, tuple(dict.fromkeys(formats + (("pdf",) if mails else ())))
        )
    except rendering.ImageRendererMissing as missing:
        raise _Stop(NO_RENDERER, missing.message(lang, on_page=False)) from None
    for _, path in brief_job.targets(pack, args.out, formats):
        if path.is_dir():  # no file can replace it: said before any file is written, naming it, not --out
            detail = i18n.t("cli.write_problem.is_a_folder", lang)
            raise _Stop(
                INPUT_PROBLEM, i18n.t("alerts.cli.write_failed", lang, path=shown_text(str(path)), detail=detail)
            )
    scoped = audit.describe_filter(scoped_filter(filter_, account.scope))
    download = {
        "file": [pack.file_names[fmt] for fmt in formats if fmt in pack.file_names],
        "filter": scoped,
        "via": "cli",
        "out": str(args.out.resolve()),  # the folder, not --out as typed (rel, .): the line is read elsewhere
        **_run_by(),
    }
    download |= pack.report.marking.audit_details  # what the files carry, as a page's download line records it

    def failed(failure: brief_job.WriteFailed) -> _Stop:
        """The line saying which files were not written, and why; the message naming the file that failed."""
        detail = options.write_problem(failure.error, lang)
        try:
            audit.record(
                audit.DOWNLOAD_FAILED, account=account, details={**download, "file": failure.unwritten, "error": detail}
            )
        except OSError:  # best effort: the disk that refused the files may refuse this line too
            pass
        shown = shown_text(str(failure.path))
        return _Stop(INPUT_PROBLEM, i18n.t("alerts.cli.write_failed", lang, path=shown, detail=detail))

    try:  # every file written beside its name first: one that fails leaves none, and no download line
        staged = brief_job.stage(pack, args.out, formats)
    except brief_job.WriteFailed as failure:
        raise failed(failure) from None
    try:  # as on the page: the audit line is written before the files are handed over
        audit.record(audit.DOWNLOAD, account=account, details=download)
    except audit.AuditError as error:
        staged.discard()
        raise _Stop(INPUT_PROBLEM, options.audit_unwritable(error, lang)) from None
    try:
        written = staged.place()
    except brief_job.WriteFailed as failure:  # a rename refused midway: the line above named files not delivered
        _print_written(failure.written, filter_, lang)
        raise failed(failure) from None
    _print_written(written, filter_, lang)
    if not args.push:
        return OK
    return _push_brief(
        brief_job.message(connection, account, filter_, lang, pack), args, filter_, settings, account, lang, scoped
    )


def _print_written(written, filter_, lang: str) -> None:
    """One line per file, tab-separated for scripts; the path spelled out where it holds a control character."""
    from oversight.export.names import period_code
    from oversight.ingest.problems import shown_text

    for file in written:
        print(dataclasses.replace(file, path=Path(shown_text(str(file.path)))).line(period_code(filter_), lang))


def _push_brief(message, args: argparse.Namespace, filter_, settings, account, lang: str, scoped: dict) -> int:
    """The e-mail first, then the robots, told the PDF went by e-mail only if it did (sent now or by an earlier
    run): a group told so by a run whose e-mail failed waited for a PDF nobody sent."""
    from oversight.push import brief_job

    push = functools.partial(
        _push,
        period=brief_job.period_key(filter_),
        fingerprint=brief_job.fingerprint(message),  # of the summary: the same whichever line the robots get
        settings=settings,
        account=account,
        lang=lang,
        force=args.force,
        audit_details={"filter": scoped, **_run_by()},
        out=sys.stdout,
    )
    channels = settings.channels_for("brief")  # _brief has checked there is one, before building the pack
    mail = [channel for channel in channels if channel.kind == "email"]
    robots = [channel for channel in channels if channel.kind != "email"]
    outcomes = push(message, channels=mail) if mail else []
    # an e-mail that went out unanswered may not have arrived: the groups are not told the PDF went by e-mail
    mailed = (
        message.attachment is not None
        and bool(outcomes)
        and all(
            o.status not in ("failed", "misconfigured", "unconfirmed", "interrupted", "not_tried") for o in outcomes
        )
    )
    if robots:
        outcomes += push(brief_job.saying_pdf_mailed(message, lang) if mailed else message, channels=robots)
    return _push_status(outcomes)
