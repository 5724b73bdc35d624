"""The Data page (数据管理): upload → check → import (atomic, with history), the history with undo, and the
current data and empty templates as .xlsx."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from oversight.auth import audit, roles
from oversight.contract import schema as contract_schema
from oversight.core import i18n, safe_text
from oversight.core.numbers import grouped
from oversight.ui import grid, partial_runs, session_guard, sign_in
from oversight.ui.page import Page, store_at

if TYPE_CHECKING:
    from oversight.ingest.import_plan import ImportPlan

_PLAN_KEY = "oversight.import_plan"


def _problem_rows(problems, lang: str) -> pd.DataFrame:
    # a problem of the whole file has no sheet, row or column: each is shown as "—" alike, not some blank
    return pd.DataFrame(
        [
            {
                i18n.t("data.ui.col_file", lang): p.file or None,
                i18n.t("data.ui.col_sheet", lang): p.sheet or None,
                i18n.t("data.ui.col_row", lang): p.row,
                i18n.t("data.ui.col_column", lang): " ".join(part for part in (p.column_letter, p.column) if part)
                or None,
                i18n.t("data.ui.col_problem", lang): p.message(lang),
            }
            for p in problems
        ]
    )


# The table cuts a long sentence at its cell's edge (on a phone after a dozen characters), and what to do is at
# the sentence's end: the first problems are written out whole under it as well.
_WRITTEN_OUT = 20


def _problems_written_out(page: Page, problems) -> None:
    shown = problems[:_WRITTEN_OUT]
    lines = "\n".join(f"- {safe_text.markdown(problem.render(page.lang))}" for problem in shown)
    st.markdown(lines)
    if len(problems) > len(shown):
        st.caption(page.t("data.report.more_in_table", count=grouped(len(problems) - len(shown))))


def _uploader_words(page: Page, limit_mb: int) -> str:
    """The upload box's own words ("Upload", "20MB per file • XLSX, CSV") have no parameter in Streamlit: the
    box's rules in assets/app.css hide them and write these, in the page's language, in their place."""
    from oversight import ingest

    button = safe_text.css_string(page.t("data.ui.upload_button"))
    kinds = i18n.listed(
        (suffix.removeprefix(".").upper() for suffix in ingest.ACCEPTED_SUFFIXES),
        page.lang,
    )
    limit = safe_text.css_string(page.t("data.ui.upload_limit", megabytes=limit_mb, kinds=kinds))
    return f"<style>:root{{--oversight-upload-button:{button};--oversight-upload-limit:{limit};}}</style>"


_IMPORTED_KEY = "data.imported"  # the import's outcome, said after the page reruns on the data it wrote


@dataclasses.dataclass
class _Outcome:
    """What an import or undo did, said on the Data page's next run, wherever the admin went meanwhile.

    Streamlit stops a run at its next touch of ``st.session_state`` once another run is asked for (a click on another
    page's link, or the button's second click, while the files were being written): the import was made, and the
    bookkeeping after it was not. Back on the page the clerk read 文件、数据表或导入方式已更改，请重新点击“检查文件”
    and no word of the import. So the session is touched only before
    the commit: this object is put there first, and the commit's result is written into it, not into the session."""

    done: str = ""
    failed: str = ""


def _say_outcome(key: str) -> None:
    outcome = st.session_state.pop(key, None)
    if outcome is None:
        return
    if outcome.done:
        st.success(outcome.done)
    elif outcome.failed:
        st.error(outcome.failed)
    # neither: the run stopped before the commit began; nothing was written, and the check stands or goes as it was


def _chosen_inputs(uploads, table: str, mode: str) -> tuple:
    """What a check was run on: each uploaded file (Streamlit's id for this upload, its name and size), the table
    and the mode. A plan is offered for import only while these are what the page shows."""
    return (tuple((upload.file_id, upload.name, upload.size) for upload in uploads or ()), table, mode)


def import_section(page: Page) -> None:
    """Upload → check (validation report and preview, nothing written) → import (atomic, with history)."""
    from oversight import ingest
    from oversight.contract.schema import LOAD_ORDER
    from oversight.ingest import commit, import_plan, import_report

    st.subheader(page.t("data.ui.import_heading"), anchor=False)
    _say_outcome(_IMPORTED_KEY)
    limit_mb = max(1, ingest.max_upload_bytes() // (1024 * 1024))
    st.html(_uploader_words(page, limit_mb))
    if roles.can_import(page.account):  # the only page whose session may send the server a file
        session_guard.allow_uploads()
    # the limit the importer enforces, so the box does not promise Streamlit's default 200 MB
    uploads = st.file_uploader(
        page.t("data.ui.upload"),
        type=list(ingest.ACCEPTED_SUFFIXES),  # what the importer reads, as the CLI: an .xls was refused here only
        accept_multiple_files=True,
        key="widget.uploads",
        help=page.t("data.ui.upload_help"),
        max_upload_size=limit_mb,
    )
    table_options = ["", *LOAD_ORDER]
    columns = st.columns(2)
    table = columns[0].selectbox(
        page.t("data.ui.table"),
        table_options,
        key="widget.import_table",
        format_func=lambda n: page.t("data.ui.detect") if not n else page.t(f"data.table.{n}"),
    )
    mode = columns[1].radio(
        page.t("data.ui.mode"),
        list(import_plan.MODES),
        key="widget.import_mode",
        horizontal=True,
        format_func=lambda m: page.t(f"data.ui.mode_option.{m}"),
        help=page.t("data.ui.mode_help"),
    )
    chosen = _chosen_inputs(uploads, table, mode)
    if st.button(
        page.t("data.ui.check"), key="widget.import_check", disabled=not uploads, icon=":material/fact_check:"
    ):
        sources = [ingest.Upload(upload.name, upload.getvalue()) for upload in uploads]
        try:
            planned = import_plan.plan_import(sources, table or None, mode, Path(page.folder))
        except Exception as error:  # a full temporary disk, say: a sentence in the admin's language, not Streamlit's
            st.session_state.pop(_PLAN_KEY, None)
            st.error(_commit_failure(page, error, None))
            return
        st.session_state[_PLAN_KEY] = (chosen, planned)
    checked = st.session_state.get(_PLAN_KEY)
    if checked is None:
        return
    checked_inputs, plan = checked
    if checked_inputs != chosen:
        # a check is of the files, table and mode it was run on: with another file added or 追加 chosen after it,
        # 确认导入 replaced the table from the file checked first and ignored the one added
        del st.session_state[_PLAN_KEY]
        # no file at all: the box empties when its page is left (the clerk went to 总览 and came back), and
        # "the files have changed" described nothing the clerk had done
        st.info(
            page.t("data.report.check_again" if uploads else "data.report.upload_again"), icon=":material/fact_check:"
        )
        return
    for change in plan.changes.values():
        st.markdown("- " + import_report.change_line(change, page.lang, quote=safe_text.markdown))
    for line in import_report.unread_lines(plan, page.lang):  # the file a replace discards, said before anything
        st.warning(safe_text.markdown(line), icon=":material/warning:")
    for line in import_report.header_only_lines(plan, page.lang):  # accepted: its figures will read none
        st.warning(safe_text.markdown(line), icon=":material/info:")
    for line in import_report.skipped_lines(plan, page.lang):
        st.caption(safe_text.markdown(line))
    for line in import_report.hidden_lines(plan, page.lang):  # counted all the same: for the clerk to confirm
        st.warning(safe_text.markdown(line), icon=":material/visibility_off:")
    if plan.problems:
        # a clerk who meant to add one row, with 替换整表 left chosen, got 27 problems in ledgers never uploaded and
        # no word of why: the replacement's deletions come first, with the way out
        for change in plan.changes.values():
            if change.mode == "replace" and change.removed:
                st.warning(
                    page.t(
                        "data.report.replace_would_remove",
                        table=page.t(f"data.table.{change.table}"),
                        removed=grouped(len(change.removed)),
                    )
                )
        st.error(import_report.failed_line(plan, page.lang))
        grid.data_table(_problem_rows(plan.problems, page.lang), page.lang)
        _problems_written_out(page, plan.problems)
        return
    if plan.unchanged:  # nothing to import: no button that would write a history entry changing nothing
        st.info(page.t(plan.nothing_to_import_key))
        return
    if not plan.ok:
        return
    for change in plan.changes.values():
        if change.removed:  # said plainly before the button: replacing keeps only what the file holds
            st.warning(
                page.t(
                    "data.report.removes",
                    table=page.t(f"data.table.{change.table}"),
                    removed=grouped(len(change.removed)),
                )
            )
    st.success(page.t("data.report.ok"))
    _previews(page, plan)
    if st.button(page.t("data.ui.apply"), key="widget.import_apply", type="primary", icon=":material/upload:"):
        address = sign_in.client_address()

        def record(entry) -> None:  # before the first file is replaced: no audit line, no import
            audit.record(
                "import",
                account=page.account,
                address=address,
                details={
                    "history": entry.id,
                    "sources": list(entry.sources),
                    "mode": entry.mode,
                    "tables": {name: info.get("rows_after") for name, info in entry.tables.items()},
                },
            )
            _remember_accounts(page)

        # said after the page reruns on the new data (its header kept the old data date until the next click), and
        # settled before the commit: see _Outcome
        outcome = _Outcome()
        st.session_state[_IMPORTED_KEY] = outcome
        del st.session_state[_PLAN_KEY]  # the last touch of the session before the commit: a plan is applied once
        try:
            entry = commit.apply_import(
                plan, user=page.account.username, before_commit=record, signed_in=_signed_in(page)
            )
        except Exception as error:  # the folder is left as it was; say so in the user's language
            outcome.failed = _commit_failure(page, error)
        else:
            outcome.done = page.t("data.report.imported_here", id=entry.id)
        st.rerun()


_PREVIEW_ROWS = 50


def _previews(page: Page, plan: ImportPlan) -> None:
    """What each table gets from the files, as the ledger reads (its headers, unit names, labels) in the page's
    language: a misread date or a duration read as 0 is seen before 确认导入. It showed the whole would-be table in
    contract names and codes, so an append's rows were never on screen (50 rows of 2019 above them)."""
    from oversight.contract.schema import TABLES
    from oversight.ingest import workbook

    units = plan.frames.get("units", page.units)  # a unit the same batch adds is named too
    for name, change in plan.changes.items():
        rows = plan.from_files[name]
        shown = (
            page.t("data.ui.preview_shown.all")
            if len(rows) <= _PREVIEW_ROWS
            else page.t("data.ui.preview_shown.first", first=_PREVIEW_ROWS)
        )
        title = page.t(
            f"data.ui.preview.{change.mode}", table=page.t(f"data.table.{name}"), count=grouped(len(rows)), shown=shown
        )
        with st.expander(title):
            grid.data_table(
                workbook.to_office_values(TABLES[name], rows.head(_PREVIEW_ROWS), units, page.lang), page.lang
            )


_UNDONE_KEY = "data.undone"  # the undo's message, shown after the page reruns with the history as it now is
_UNDO_CONFIRMED_KEY = "data.undo_confirmed"  # the import the admin's click confirmed, as the popover named it


# How often the open page looks at the history again. Another admin's import (or one by the command line) left the
# page listing the history before it, its 撤销 naming an import no longer the last, until something else reran it.
HISTORY_REFRESH_S = 30


def history_section(page: Page) -> None:
    st.subheader(page.t("data.ui.history_heading"), anchor=False)
    _history(page)


@partial_runs.fragment_every(HISTORY_REFRESH_S)
def _history(page: Page) -> None:
    """The history and its undo; rerun on its own, it reruns the whole page where the data changed since the page's
    run (``partial_runs``), so the import section's counts and every figure follow the history it lists."""
    from oversight.ingest import import_history, import_report

    _say_outcome(_UNDONE_KEY)
    entries = import_history.list_history(Path(page.folder))
    for key, ids in (("data.history.damaged", entries.broken), ("data.history.unreadable", entries.unreadable)):
        if ids:
            st.warning(safe_text.markdown(page.t(key, ids=i18n.listed(ids, page.lang))))
    if not entries:
        if not entries.damaged:  # damaged entries are imports all the same: the warning above names them
            st.caption(page.t("data.history.empty"))
        return
    for entry in reversed(entries[-10:]):
        st.markdown("- " + safe_text.markdown(import_report.render_entry(entry, page.lang)))
    target = entries.undoable()
    if entries.damaged:  # undo refuses until they are seen to (the warning above says so): no button that must fail
        return
    if target is None:  # every import is undone already: no button that can only fail
        st.caption(page.t("data.history.nothing_to_undo"))
        return
    # undoing replaces the data: the admin sees which import it takes back and confirms it
    with st.popover(page.t("data.ui.undo"), icon=":material/undo:"):
        st.markdown(
            safe_text.markdown(
                page.t(
                    "data.ui.undo_confirm",
                    id=target.id,
                    at=i18n.team_time(target.at, page.lang),  # as the history lines
                    sources=import_report.shown_sources(target.sources, page.lang),  # as the history line names them
                )
            )
        )
        # the import named above travels with the click: worked out again on the click's run, it was whatever was
        # newest by then (an undo from the CLI in between, or a second click of a double-click, took back an import
        # nobody had confirmed)
        st.button(
            page.t("data.ui.undo_apply"),
            key="widget.undo",
            type="primary",
            on_click=_confirm_undo,
            args=(target.id,),
        )
    confirmed_id = st.session_state.pop(_UNDO_CONFIRMED_KEY, None)
    if confirmed_id is not None:
        _undo(page, confirmed_id)


def _confirm_undo(confirmed_id: str) -> None:
    st.session_state[_UNDO_CONFIRMED_KEY] = confirmed_id


def _undo(page: Page, confirmed_id: str) -> None:
    from oversight.ingest import commit

    address = sign_in.client_address()

    def record(entry) -> None:  # before the first file is restored: no audit line, no undo
        audit.record(
            "undo", account=page.account, address=address, details={"history": entry.id, "undoes": entry.undoes}
        )
        _remember_accounts(page)

    outcome = _Outcome()  # settled before the undo, as an import's (see _Outcome)
    st.session_state[_UNDONE_KEY] = outcome
    try:
        entry = commit.undo_last(
            Path(page.folder),
            user=page.account.username,
            before_commit=record,
            expected=confirmed_id,
            signed_in=_signed_in(page),
        )
    except Exception as error:
        outcome.failed = _commit_failure(page, error, "undo")
    else:
        outcome.done = page.t("data.report.undone", undoes=entry.undoes, id=entry.id)
    st.rerun()


def _remember_accounts(page: Page) -> None:
    """For a change by a signed-in account, the folder remembers that accounts guard it, as for one from the command
    line (``auth.accounts_marker``): local mode will not open it again by accident. Written after the change's audit
    line, before its first file is replaced: written after the change, a kill in between left the folder unguarded."""
    from oversight.auth import accounts, accounts_marker

    if page.account.source != roles.LOCAL:
        accounts_marker.remember_accounts(Path(page.folder), accounts.users_file())


def _commit_failure(page: Page, error: Exception, change: str | None = "import") -> str:
    """What to tell an admin whose import or undo (or, ``None``, check) did not happen: the reason in their language,
    no server path."""
    from oversight.ingest import import_report

    return safe_text.markdown(import_report.describe_failure(error, page.lang, change))


def data_downloads_section(page: Page) -> None:
    """The current data of every table, and an empty template with drop-down lists, as .xlsx."""
    from oversight.contract.schema import LOAD_ORDER, TABLES, Table
    from oversight.export import marking
    from oversight.ingest import templates
    from oversight.ui.cards import TEMPLATE, WHOLE_LEDGER, audited

    if not page.can_download:
        # the audit log cannot take a line (the page's head says so, 本页的下载已暂停): its twelve buttons were offered
        # under that sentence, and each click ended in 文件未能生成 with "refresh and try again"
        return
    st.subheader(page.t("data.ui.downloads_heading"), anchor=False)
    for name in LOAD_ORDER:
        table = TABLES[name]
        label = page.t(f"data.table.{name}")
        left, right = st.columns(2)

        def template(table: Table = table) -> bytes:
            # the units' drop-down of the units as they are when clicked: a unit just added is in it
            return templates.template_xlsx_bytes(table, _data_now(page)[2], page.lang)

        # every table's ledger leaves the building whole: audited as every other download (cards.audited)
        current_name, template_name = ledger_file_names(table, page.lang, page.span.last_day)
        left.download_button(
            page.t("data.ui.download_current", table=label),
            data=audited(page, current_name, current_ledger(page, table), marking.NO_MARKING, holds=WHOLE_LEDGER),
            file_name=current_name,
            key=f"download.current.{name}",
            on_click="ignore",
            icon=":material/table:",
            width="stretch",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        right.download_button(
            page.t("data.ui.download_template", table=label),
            data=audited(page, template_name, template, marking.NO_MARKING, holds=TEMPLATE),
            file_name=template_name,
            key=f"download.template.{name}",
            on_click="ignore",
            icon=":material/edit_note:",
            width="stretch",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )


def current_ledger(page: Page, table: contract_schema.Table) -> Callable[[], bytes]:
    """The maker of a ledger's 当前数据 file: the ledger as it is when clicked, not as it was when the page was drawn.

    Made from the page run's store, a clerk who downloaded after an import by another admin (or the command line)
    got the old ledger, edited it and imported it back as a replace, dropping that import's rows. The data are read
    again where the folder changed since; where the change moved the data date the button's file name carries
    (问题_2020-12-31.xlsx), the file is refused (audited, reason data_changed) rather than named with a wrong day,
    and the page's next run offers the button with the right name."""
    from oversight.ingest import table_files, workbook
    from oversight.ui.cards import DownloadRefused

    def make() -> bytes:
        try:
            fingerprint, last_day, units = _data_now(page)
            if last_day != page.span.last_day:
                raise DownloadRefused("data_changed")
            rows = store_at(page.folder, fingerprint).cursor().table(table.name).df()
        except table_files.DataChanged:  # changed again while it was being read: refused as above, not a traceback
            raise DownloadRefused("data_changed") from None
        return workbook.ledger_xlsx_bytes(table, rows, units)

    return make


def _data_now(page: Page) -> tuple[str, object, pd.DataFrame]:
    """The data folder's fingerprint now, its data date and its units: the page run's where nothing changed since."""
    from oversight.ingest import table_files
    from oversight.ui.page import cached_span

    fingerprint = table_files.fingerprint(Path(page.folder))
    if fingerprint == page.fingerprint:
        return fingerprint, page.span.last_day, page.units
    span, units = cached_span(page.folder, fingerprint)
    return fingerprint, span.last_day, units


def ledger_file_names(table: contract_schema.Table, lang: str, data_date: object) -> tuple[str, str]:
    """A ledger's current data and its template, named in the page's language as every other download (an English
    page gave 会议_template.xlsx and 问题_2020-12-31.xlsx)."""
    stem = table.zh if i18n.normalise_language(lang) == "zh" else table.name
    return f"{stem}_{data_date}.xlsx", f"{stem}_{i18n.t('data.ui.template_suffix', lang)}.xlsx"


def _signed_in(page: Page) -> bool:
    """Whether the page's account proved who it is (not local mode, where the name is the machine's user)."""
    return page.account.source != roles.LOCAL
