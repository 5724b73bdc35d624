"""One message to every channel that takes it: skip what was already sent, push, audit, record.

Each push is audited as a ``download`` with ``via: push`` — data leaving the dashboard, as a
download is — once before the first attempt (``status: sending``: the audit line exists before
the data leaves, as for a download on screen) and once with the outcome (``sent`` or
``failed``, with the attempts and the last error). A push whose first audit line cannot be
written is not sent; one whose outcome's line cannot be written went out all the same: it is recorded as sent first
(the next run does not send it again) and ``AuditStopped`` ends the run with it, no further channel tried.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from oversight.alerts.configuration import Channel, Settings
from oversight.auth import audit
from oversight.auth.roles import Account
from oversight.core import i18n, locking
from oversight.push import Delivery, Message, deliver, redacted
from oversight.push.sent_log import SENDING_SINCE, SentLog, entry_key


class RecordUnwritable(OSError):
    """The push record (``path``) or the locks beside it cannot be written (``error``): nothing was pushed, as what
    went out could not be recorded and the next run would send it again."""

    def __init__(self, path: Path, error: OSError) -> None:
        super().__init__(error.errno, error.strerror, str(path))
        self.path, self.error = path, error


class AuditStopped(audit.AuditError):
    """The audit log refused a line partway through a run: ``outcomes`` are the channels pushed to before it (the
    last may be the one whose outcome's line was refused), to be said; no channel after them was tried."""

    def __init__(self, error: audit.AuditError, outcomes: list[Outcome]) -> None:
        super().__init__(error.errno, str(error))  # its errno kept: the command says the reason in words
        self.outcomes = outcomes


@dataclass(frozen=True)
class Outcome:
    channel: str
    # "sent", "skipped", "failed", "unrecorded" (sent, and the record of it could not be written), "partly" (sent,
    # and the mail server refused some of the recipients, named in ``error``) or "unconfirmed" (the message went out
    # whole and no answer came: it may have been delivered; not recorded, not tried again) or "misconfigured"
    # (failed for a fault of the settings, a webhook address that redirects or names no robot: not tried again) or
    # "interrupted" (an earlier run was stopped while sending it: it may have been delivered; not sent without --force)
    # or "not_tried" (its mark could not be written to the push record: not sent)
    status: str
    attempts: int = 0
    error: str | None = None
    sent_at: str | None = None
    changed: bool = False  # skipped, but what would be sent now differs from what was sent

    def line(self, kind: str, period: str, lang: str) -> str:
        params = {"channel": self.channel, "kind": kind, "period": period}
        if self.status == "sent":
            return i18n.t("alerts.cli.pushed", lang, attempts=self.attempts, **params)
        if self.status == "partly":
            return i18n.t("alerts.cli.pushed_partly", lang, attempts=self.attempts, error=self.error, **params)
        if self.status == "unrecorded":
            return i18n.t("alerts.cli.pushed_unrecorded", lang, attempts=self.attempts, error=self.error, **params)
        if self.status == "unconfirmed":
            return i18n.t("alerts.cli.push_unconfirmed", lang, attempts=self.attempts, error=self.error, **params)
        if self.status == "misconfigured":
            return i18n.t("alerts.cli.push_misconfigured", lang, error=self.error, **params)
        if self.status == "interrupted":
            return i18n.t("alerts.cli.push_interrupted", lang, since=i18n.team_time(self.sent_at, lang), **params)
        if self.status == "not_tried":
            return i18n.t("alerts.cli.push_not_tried", lang, error=self.error, **params)
        if self.status == "skipped":
            key = "alerts.cli.skipped_changed" if self.changed else "alerts.cli.skipped"
            # the sending log keeps UTC (as the audit log); the line is read in Beijing time, as the audit page's
            return i18n.t(key, lang, sent_at=i18n.team_time(self.sent_at, lang), **params)
        # count: one attempt (attempts = 1) is not "all 1 attempts"
        return i18n.t(
            "alerts.cli.push_failed", lang, count=self.attempts, attempts=self.attempts, error=self.error, **params
        )


def push_message(
    message: Message,
    *,
    period: str,
    fingerprint: str,
    settings: Settings,
    account: Account,
    lang: str,
    audit_details: Mapping[str, Any],
    force: bool = False,
    channels: Sequence[Channel] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.time,
) -> list[Outcome]:
    """Push ``message`` to each channel of ``settings`` that takes its kind (or to ``channels``, some of them); one
    outcome per channel.

    ``period`` names what the message covers (``2020-11-08`` for a digest, ``2020Q1-2020Q4`` for a brief);
    with ``fingerprint`` (of the content) it decides whether this exact message went out already.
    ``locking.LockBusy`` (nothing sent) when another run has held the sending lock for longer than a run can take;
    ``SettingsError`` (nothing sent) when the state file exists and is not a push record.
    """
    sent_log = SentLog(settings.state_file)
    channels = settings.channels_for(message.kind) if channels is None else channels
    # the whole run under one lock: two runs started together must not both find nothing sent and both send
    with contextlib.ExitStack() as run:
        try:
            run.enter_context(sent_log.sending(settings.push.longest_run_seconds(len(channels))))
            sent_log.check()  # a file that is not a push record is refused before anything is sent, not written over
        except locking.LockBusy:
            raise
        except OSError as error:  # its folder read-only or full: said as the record's, not as the data folder's
            raise RecordUnwritable(sent_log.path, error) from error
        outcomes = []
        for channel in channels:
            key = entry_key(channel.name, message.kind, period, account.username, lang)
            previous = sent_log.lookup(key)
            if previous is not None and SENDING_SINCE in previous and not force:
                # a run stopped mid-try (killed, a reboot) left its mark: the robot may have posted it
                outcomes.append(Outcome(channel.name, "interrupted", sent_at=previous[SENDING_SINCE]))
                continue
            if previous is not None and not force:
                outcomes.append(
                    Outcome(
                        channel.name,
                        "skipped",
                        sent_at=previous.get("sent_at"),
                        changed=previous.get("fingerprint") != fingerprint,
                    )
                )
                continue
            where = (
                redacted(channel.url)
                if channel.url
                else f"smtp://{channel.host}:{channel.port} → {', '.join(channel.to)}"
            )
            details = {
                **audit_details,
                "via": "push",
                "kind": message.kind,
                "period": period,
                "channel": channel.name,
                "channel_kind": channel.kind,
                "to": where,
                "lang": lang,
                "forced": force,
            }
            if message.attachment is not None:
                details["file"] = message.attachment.file_name if channel.kind == "email" else None
            try:
                audit.record(audit.PUSH, account=account, details={**details, "status": "sending"})
            except audit.AuditError as error:  # not sent: no line, no push (the channels before it did go out)
                raise AuditStopped(error, outcomes) from error
            try:
                sent_log.mark_sending(key)
            except OSError as unwritten:  # nothing sent: a run killed while sending it would have left no trace
                unmarked = i18n.t(
                    "alerts.cli.unrecorded_reason", lang, path=sent_log.path, error=i18n.write_problem(unwritten, lang)
                )
                outcome = Outcome(channel.name, "not_tried", 0, unmarked)
                try:
                    audit.record(
                        audit.PUSH,
                        account=account,
                        details={**details, "status": "failed", "attempts": 0, "error": unmarked},
                    )
                except audit.AuditError as error:
                    raise AuditStopped(error, [*outcomes, outcome]) from error
                outcomes.append(outcome)
                continue
            delivery: Delivery = deliver(channel, message, settings.push, sleep=sleep, clock=clock)
            # in the run's language, as the command's own line says it (brief's write failures are too)
            said = delivery.error.text(lang) if delivery.error else None
            # delivered with an error: the mail server took it for some recipients and refused the others; failed after
            # the message went out whole: it may have been delivered
            if delivery.ok:
                status = "partly" if said else "sent"
            else:
                status = "unconfirmed" if delivery.error is not None and delivery.error.sent else "failed"
            # recorded as sent before its outcome's audit line: a disk that fills between the two must not leave a
            # message the group has unrecorded, to be posted again by the next run
            entry, unrecorded = None, None
            if delivery.ok:
                try:
                    entry = sent_log.record(key, fingerprint, delivery.attempts)
                except OSError as unwritten:
                    # it went out: the next channels are still tried, and the run says the next one may send it again
                    # (a full disk here stopped the run, the channels after it untried)
                    unrecorded = i18n.t(
                        "alerts.cli.unrecorded_reason",
                        lang,
                        path=sent_log.path,
                        error=i18n.write_problem(unwritten, lang),
                    )
            if not delivery.ok:
                # the run says this try's outcome itself (a failure, or may have been sent and sent again by the next
                # run, as docs/ALERTS.md promises); a message sent and unrecorded keeps the mark: it did go out
                with contextlib.suppress(OSError):
                    sent_log.clear_sending(key)
            if unrecorded is not None:
                outcome = Outcome(channel.name, "unrecorded", delivery.attempts, unrecorded)
            elif entry is not None:
                outcome = Outcome(channel.name, status, delivery.attempts, said, sent_at=entry["sent_at"])
            elif status == "failed" and delivery.error is not None and delivery.error.settings_fault:
                outcome = Outcome(channel.name, "misconfigured", delivery.attempts, said)
            else:
                outcome = Outcome(channel.name, status, delivery.attempts, said)
            try:
                audit.record(
                    audit.PUSH,
                    account=account,
                    details={**details, "status": status, "attempts": delivery.attempts, "error": said},
                )
                if unrecorded is not None:
                    audit.record(
                        audit.PUSH, account=account, details={**details, "status": "unrecorded", "error": unrecorded}
                    )
            except audit.AuditError as error:  # it went out (or was tried): said, and nothing more is pushed
                raise AuditStopped(error, [*outcomes, outcome]) from error
            outcomes.append(outcome)
        return outcomes
