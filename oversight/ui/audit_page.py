"""The audit log page (审计日志, admins): who signed in, downloaded, imported or was refused, newest first."""

from __future__ import annotations

import streamlit as st

from oversight import config
from oversight.auth import audit
from oversight.core import safe_text
from oversight.core.numbers import grouped
from oversight.present import audit_rows
from oversight.ui import cards, grid
from oversight.ui.page import Page


def audit_section(page: Page) -> None:
    """The audit log, newest first, filtered by account, action and dates."""
    # indexed once and kept: each run reads only what was written since; the first (2 s of processor at 100 MB, more
    # on a busy server) said nothing while it read: the spinner shows after half a second, so never on a kept view
    with st.spinner(page.t("auth.audit.reading")):
        log = audit.audit_log()
    columns = st.columns(4)
    names = sorted({name or "" for name in log.accounts} - {""})
    actions = sorted(log.actions)
    account = columns[0].selectbox(
        page.t("auth.audit.filter.account"),
        ["", *names],
        key="widget.audit_account",
        # as the table shows it ("\u202enimda" is not admin); no choice is every account, said so (it read "—")
        format_func=lambda n: safe_text.spelled_out(n) or page.t("auth.audit.filter.every_account"),
    )
    action = columns[1].selectbox(
        page.t("auth.audit.filter.action"),
        ["", *actions],
        key="widget.audit_action",
        format_func=lambda a: (
            safe_text.spelled_out(audit_rows.action_label(a, page.lang))
            if a
            else page.t("auth.audit.filter.every_action")
        ),
    )
    since = columns[2].date_input(page.t("auth.audit.filter.since"), value=None, key="widget.audit_since")
    until = columns[3].date_input(page.t("auth.audit.filter.until"), value=None, key="widget.audit_until")
    if since and until and since > until:  # it said only 没有符合条件的审计记录, as if the log had nothing then
        st.warning(page.t("auth.audit.reversed", since=since.isoformat(), until=until.isoformat()))
        return
    start, end = audit_rows.day_range(since, until)  # Beijing days, as the time column shows them
    shown = log.select(account=account or None, action=action or None, since=start, until=end)
    if log.skipped:
        st.warning(page.t("auth.audit.skipped", count=log.skipped))
    # "没有符合条件的审计记录" over a log with nothing in it, and no condition set, read as a filter's doing
    if not log:
        st.info(page.t("auth.audit.log_empty"))
        return
    if not shown:  # which conditions found nothing, and that the log has entries
        chosen = {
            "account": safe_text.markdown(safe_text.spelled_out(account)) if account else None,  # data: escaped
            "action": page.t(f"auth.audit.action.{action}") if action else None,
            "since": since.isoformat() if since else None,
            "until": until.isoformat() if until else None,
        }
        filters = page.t("auth.audit.filter_text.separator").join(
            page.t(f"auth.audit.filter_text.{name}", **{"day" if name in ("since", "until") else name: value})
            for name, value in chosen.items()
            if value
        )
        st.info(page.t("auth.audit.empty", filters=filters, count=grouped(len(log))))
        return
    newest = log.entries(shown[-audit_rows.SHOWN_AT_MOST :])  # only the lines listed are read again
    table = audit_rows.audit_table(reversed(newest), page.lang, page.unit_names())
    count = (
        page.t("table.row_count", count=grouped(len(table)))
        if len(shown) <= audit_rows.SHOWN_AT_MOST
        else page.t("auth.audit.newest_only", shown=grouped(len(newest)), count=grouped(len(shown)))
    )
    st.caption(count + safe_text.ITEM_SEPARATOR + page.t("auth.audit.time_zone"))
    if page.can_download:
        conditions = {"account": account, "action": action, "since": since, "until": until}
        _downloads(page, log, shown, {name: str(value) for name, value in conditions.items() if value})
    grid.data_table(table, page.lang)


def _downloads(page: Page, log: audit.AuditLog, shown: list, conditions: dict[str, str]) -> None:
    """Every matching entry (not only the newest listed), newest first as listed, as CSV and Excel: formulas in a
    name or a file's name neutralised, and the download itself audited with the conditions it was made under. The
    inspector had no way to hand the trail on but copying the server's file."""
    what = page.t("export.file.audit_log")
    day = config.team_now().date().isoformat()
    menu = cards.download_menu(page, what)
    cards.table_download_buttons(
        menu,
        page,
        # built on the click only, the lines read again then
        lambda: audit_rows.newest_first_table(log, shown, page.lang, page.unit_names()),
        f"{what}_{day}",
        what,
        "audit.download",
        holds="audit_log",
        conditions=conditions,
    )
