"""An import, an undo or a failure told to the person who did it, in their language.

The plan's report (each table's change, the rows read as no record, every problem), a history entry as
one line, and why a change did not happen, without a server path or a traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from oversight.core import i18n, safe_text
from oversight.core.numbers import grouped
from oversight.ingest.folder_lock import LOCK_FILE
from oversight.ingest.import_history import HISTORY_DIR, HistoryEntry
from oversight.ingest.import_plan import MODES, ImportPlan, TableChange
from oversight.ingest.problems import Problem, ValidationError, shown_text

# A leader's figures may count hidden rows: each is named, but a sheet of 5,000 filtered-out rows is not a report.
HIDDEN_ROWS_SHOWN = 20


def render_plan(plan: ImportPlan, lang: str = i18n.DEFAULT_LANGUAGE, checked_only: bool = False) -> str:
    """A readable report of a plan: each table's change, then every problem. ``checked_only`` for ``validate``,
    which imports nothing anyway: "nothing was imported" over its problems read as if it had tried."""
    lines = [change_line(change, lang) for change in plan.changes.values()]
    lines += unread_lines(plan, lang)
    lines += header_only_lines(plan, lang)
    lines += skipped_lines(plan, lang)
    lines += hidden_lines(plan, lang)
    if plan.problems:
        lines.append(failed_line(plan, lang, checked_only))
        lines += [f"  - {problem.render(lang)}" for problem in plan.problems]
    else:
        lines.append(i18n.t(plan.nothing_to_import_key if plan.unchanged else "data.report.ok", lang))
    return "\n".join(lines)


def change_line(
    change: TableChange, lang: str = i18n.DEFAULT_LANGUAGE, quote: Callable[[str], str] = shown_text
) -> str:
    """What the import does to one table, in a line; ``quote`` shows a file's name (the page escapes it for markdown).

    A replace of a file that does not read whole gives no "now" and "removed": they counted only the rows that read
    (a damaged meetings.xlsx read "0 now, removed 0"); ``unread_lines`` says why."""
    return i18n.t(
        "data.report.table_unread" if change.unread_before else "data.report.table",
        lang,
        table=i18n.t(f"data.table.{change.table}", lang),
        sources=i18n.listed(map(quote, change.sources), lang),
        mode=i18n.t(f"data.mode.{change.mode}", lang),
        # counts grouped as the cards write them: a province's 1,048,575 rows, not 1048575
        rows=grouped(change.rows_in_file),
        before=grouped(change.rows_before),
        after=grouped(change.rows_after),
        added=grouped(len(change.added)),
        changed=grouped(len(change.changed)),
        removed=grouped(len(change.removed)),
    )


def unread_lines(plan: ImportPlan, lang: str = i18n.DEFAULT_LANGUAGE) -> list[str]:
    """A line per table whose current file a replace discards without it reading whole: the file, what is wrong
    with it (the first problem, and how many there are), and that the history keeps it."""
    lines = []
    for change in plan.changes.values():
        if not change.unread_before:
            continue
        first = change.unread_before[0]
        lines.append(
            i18n.t(
                "data.report.replaces_unread",
                lang,
                table=i18n.t(f"data.table.{change.table}", lang),
                file=shown_text(first.file),
                problem=first.message(lang),
                count=grouped(len(change.unread_before)),
            )
        )
    return lines


def failed_line(plan: ImportPlan, lang: str = i18n.DEFAULT_LANGUAGE, checked_only: bool = False) -> str:
    """The sentence over a refused import's problems (or a check's, ``checked_only``): how many, and "more than"
    that when a file had more than a report lists (its checking stopped; its last line says so)."""
    key = "data.report." + ("found" if checked_only else "failed") + ("_stopped" if plan.checking_stopped else "")
    return i18n.t(key, lang, count=grouped(plan.problem_count))


def header_only_lines(plan: ImportPlan, lang: str = i18n.DEFAULT_LANGUAGE) -> list[str]:
    """A line per file read with its header and no record: it is accepted (a ledger may be empty, as the dashboard
    reads it), and whoever imports it is told what the pages will read, by file and sheet."""
    lines = []
    for change in plan.changes.values():
        if change.rows_in_file or change.mode == "append":  # an empty append adds nothing: "nothing to import" says so
            continue
        sheet = change.sheets[0] if change.sheets else ""
        where = Problem(file=change.sources[0], message_key="", sheet=sheet or None).location(lang)
        table = i18n.t(f"data.table.{change.table}", lang)
        lines.append(i18n.t("data.report.header_only", lang, where=where, table=table))
    return lines


def skipped_lines(plan: ImportPlan, lang: str = i18n.DEFAULT_LANGUAGE) -> list[str]:
    """One line per table that had rows read as no record (totals, notes, sign-off lines), naming them."""
    lines = []
    for change in plan.changes.values():
        if not change.skipped:
            continue
        # each sheet named once, its rows after it, in the reader's list punctuation (、 in Chinese)
        separator = i18n.t("export.list.separator", lang)
        by_sheet: dict[str, list[str]] = {}
        for sheet, row in change.skipped:
            by_sheet.setdefault(sheet or "", []).append(i18n.t("where.row", lang, row=row))
        rows = separator.join(
            separator.join(shown)
            if not sheet
            else f"{i18n.t('where.sheet', lang, sheet=shown_text(sheet))} {separator.join(shown)}"
            for sheet, shown in by_sheet.items()
        )
        lines.append(i18n.t("data.report.skipped", lang, table=i18n.t(f"data.table.{change.table}", lang), rows=rows))
    return lines


def hidden_lines(plan: ImportPlan, lang: str = i18n.DEFAULT_LANGUAGE) -> list[str]:
    """One line per hidden sheet, per sheet's hidden rows and per sheet's hidden columns that hold records: they
    are imported (the ledger is the record), and the clerk who hid them as withdrawn is told, by file, sheet and row."""
    lines = []
    separator = i18n.t("export.list.separator", lang)
    for change in plan.changes.values():
        for part in change.hidden:
            where = Problem(file=change.sources[0], message_key="", sheet=part.sheet or None).location(lang)
            if part.sheet_hidden:
                lines.append(i18n.t("data.report.hidden.sheet", lang, where=where, count=grouped(part.records)))
            if part.rows:
                shown = separator.join(str(row) for row in part.rows[:HIDDEN_ROWS_SHOWN])
                more = len(part.rows) - HIDDEN_ROWS_SHOWN
                rows = (
                    i18n.t(
                        "data.report.hidden.rows_more",
                        lang,
                        rows=shown,
                        more=grouped(more),
                        total=grouped(len(part.rows)),
                    )
                    if more > 0
                    else i18n.t("data.report.hidden.rows_list", lang, rows=shown, count=grouped(len(part.rows)))
                )
                key = "data.report.hidden.filtered_rows" if part.filtered else "data.report.hidden.rows"
                lines.append(i18n.t(key, lang, where=where, rows=rows, count=grouped(len(part.rows))))
            if part.columns:
                columns = separator.join(
                    i18n.t("where.column_letter", lang, letter=letter, column=shown_text(header))
                    for header, letter in part.columns
                )
                lines.append(
                    i18n.t("data.report.hidden.columns", lang, where=where, columns=columns, count=len(part.columns))
                )
    return lines


# The reasons that say themselves that nothing was changed (…，数据未作任何改动): after 导入未完成，数据未作任何改动：
# the sentence said it twice, so the wrapper then only says what did not complete.
_SAYS_NOTHING_CHANGED = frozenset(
    {
        "error.disk_full",
        "error.temp_disk_full",
        "error.folder_not_writable",
        "error.history_not_writable",
        "error.lock_not_openable",
        "error.lock_is_a_link",
        "error.journal_damaged",
        "error.unexpected",
    }
)


def describe_failure(
    error: BaseException, lang: str = i18n.DEFAULT_LANGUAGE, change: str | None = "import", keep_traceback: bool = True
) -> str:
    """Why an import or undo (``change``) or a command (``None``) did not happen, in the reader's language,
    without a server path or a traceback (those go to the server's log where ``keep_traceback``; the CLI passes
    False: its log handler is the user's terminal, which showed the whole traceback above the sentence)."""
    import errno
    import logging

    from oversight.auth import audit
    from oversight.core import atomic, locking

    reason = ""  # the key of the reason, where it is one sentence of ours
    if isinstance(error, ValidationError):
        detail = error.render(lang)
        if len({problem.message_key for problem in error.problems}) == 1:
            reason = error.problems[0].message_key
    elif isinstance(error, audit.AuditError):
        detail = i18n.t("error.audit_unwritable", lang)
    elif isinstance(error, atomic.TemporaryFolderFull):  # not the data folder's disk, which had room
        reason = "error.temp_disk_full"
        detail = i18n.t(reason, lang)
    elif isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        reason = "error.disk_full"
        detail = i18n.t(reason, lang)
    elif isinstance(error, locking.LockIsALink):  # planted in the folder: not followed, and said as what it is
        reason = "error.lock_is_a_link"
        detail = i18n.t(reason, lang, name=Path(str(error.filename or "")).name)
    elif isinstance(error, OSError) and error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        # said 处理失败（PermissionError）; then "the data folder" of a refusal by its .history, which an admin found
        # writable and nothing to mend. Named by its name in the folder only: no server path reaches a page.
        refused = Path(str(error.filename or ""))
        if refused.name == LOCK_FILE:  # another account's, from before the lock followed the umask
            reason = "error.lock_not_openable"
        elif HISTORY_DIR in refused.parts:
            reason = "error.history_not_writable"
        else:
            reason = "error.folder_not_writable"
        detail = i18n.t(reason, lang)
    else:
        log = logging.getLogger(__name__)
        if keep_traceback and log.hasHandlers():  # the server's log keeps the traceback
            log.error("import or undo failed", exc_info=error)
        reason = "error.unexpected"
        detail = i18n.t(reason, lang, kind=type(error).__name__)
    if change is None:  # the line on its own: one of our reasons opens it ("the disk is full; …" read as half a line)
        return detail if isinstance(error, ValidationError) else i18n.sentence_start(detail)
    key = "data.ui.undo_failed" if change == "undo" else "data.ui.commit_failed"
    if reason in _SAYS_NOTHING_CHANGED:
        key += "_said_unchanged"
    return i18n.t(key, lang, detail=detail)


def shown_sources(sources: Iterable[str], lang: str) -> str:
    """An import's file names as a line about it shows them (the history's, the undo's confirmation): each spelled out
    ("\\u202excod.xlsx" drew as xlsx.docx) and quoted where it holds the line's separators ("x.csv；方式：替换",
    "x，记录号 …" read as more of the line), listed with the reader's separator."""
    return i18n.listed((safe_text.unambiguous(shown_text(source)) for source in sources), lang)


def render_entry(entry: HistoryEntry, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
    """A history entry as one line: what was done when, by whom, from which files, to which tables."""
    tables = i18n.t("export.clause.separator", lang).join(
        i18n.t(
            "data.history.table",
            lang,
            table=i18n.t(f"data.table.{name}", lang),
            before=grouped(info.get("rows_before")),
            after=grouped(info.get("rows_after")),
        )
        for name, info in entry.tables.items()
    )
    # everything a manifest says is spelled out where it is not plain text: a name claimed through OVERSIGHT_USER
    # with a line break and an ESC in it forged a second history line, attributed to another admin, in a terminal
    claimed, os_user = shown_text(entry.user), shown_text(entry.os_user or "")
    user = (
        claimed
        if not entry.os_user or entry.os_user == entry.user
        else i18n.t("data.history.user_and_os_user", lang, user=claimed, os_user=os_user)
    )
    return i18n.t(
        f"data.history.{entry.action}",
        lang,
        id=shown_text(entry.id),
        # recorded in UTC, read in Beijing time as on the audit page, and saying so: beside the entry's id, which is
        # stamped in UTC (20261204-143905-… beside 2026-12-04 22:39:05), a time without its zone read as a mistake
        at=shown_text(i18n.team_time(entry.at, lang)),
        user=user,
        # a name holding the line's separators is quoted: "x.csv (replace): Issues 34 → 0, y.csv" was one file's name
        sources=shown_sources(entry.sources, lang),
        mode=i18n.t(f"data.mode.{entry.mode}", lang) if entry.mode in MODES else shown_text(entry.mode),
        tables=tables,
        undoes=shown_text(entry.undoes or ""),
    )
