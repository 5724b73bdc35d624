"""Tables for people: query rows with translated headers, unit names and enumeration labels, and a search."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from oversight.core import i18n
from oversight.core.numbers import fixed, is_missing, round_half_up


@dataclass(frozen=True)
class TableColumn:
    source: str
    header_key: str
    kind: str = "text"  # text · unit · code · date · number · decimal (one place) · percent · bool
    # a comparison with an earlier span: where the row's ``comparable`` is false the cell says 无可比数据
    compares: bool = False


def _unit_name(frame: pd.DataFrame, lang: str) -> pd.Series:
    return frame[i18n.localized_column("name", lang)]


def _short_unit_names(frame: pd.DataFrame, lang: str, units: pd.DataFrame | None) -> pd.Series | None:
    """In English, each row's unit by the units sheet's English short name (英文简称, the charts' label), or None
    where no row has one. English names run to 60 letters: on a phone the unit column took the whole width and a
    ranking showed names without numbers. Chinese names (at most about 14 characters) leave room for the numbers
    and stay whole."""
    if i18n.normalise_language(lang) != "en" or units is None or not {"unit_id"} <= set(frame.columns):
        return None
    own = dict(zip(units["unit_id"], units.get("short_name_en", pd.Series(index=units.index, dtype=object))))
    names = _unit_name(frame, lang)
    short = [
        label.strip() if isinstance(label := own.get(unit), str) and label.strip() else name
        for unit, name in zip(frame["unit_id"], names)
    ]
    return None if short == list(names) else pd.Series(short, index=frame.index)


# ``present``'s frame names, in its attrs, the columns of numbers shown to one place (75.7 and 70.0, not 70)
ONE_DECIMAL_PLACE = "one_decimal_place"


def present(
    frame: pd.DataFrame, columns: Sequence[TableColumn], lang: str, units: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The frame as a person reads it: headers in ``lang``, unit names, labels instead of codes. Given the units
    sheet (``units``), an English table names each unit by its short name and adds the full names as its last
    column (on screen, where a phone has 360 pixels for the row)."""
    shown = pd.DataFrame(index=frame.index)
    one_place: list[str] = []
    short_names = _short_unit_names(frame, lang, units) if any(c.kind == "unit" for c in columns) else None
    if "comparable" in frame.columns and not frame.empty and not frame["comparable"].fillna(False).astype(bool).any():
        # nothing to compare with in any row (a range of two years, or before the records): no column of 无可比数据,
        # which on a phone pushed the meetings themselves off the screen; the table's title says why
        columns = [column for column in columns if not column.compares]
    for column in columns:
        header = i18n.t(column.header_key, lang)
        if column.kind == "unit":
            values = _unit_name(frame, lang) if short_names is None else short_names
        elif column.kind == "code":
            values = frame[column.source].map(lambda code: None if pd.isna(code) else i18n.code_label(code, lang))
        elif column.kind == "bool":
            yes, no = i18n.t("value.yes", lang), i18n.t("value.no", lang)
            values = frame[column.source].map(lambda v, yes=yes, no=no: None if pd.isna(v) else (yes if v else no))
        elif column.kind == "date":
            values = pd.to_datetime(frame[column.source]).dt.date
        elif column.kind in ("percent", "decimal"):
            values = frame[column.source].map(lambda v: None if is_missing(v) else float(round_half_up(v, 1)))
            one_place.append(header)
        else:
            values = frame[column.source]
        if column.compares and "comparable" in frame.columns:
            comparable = frame["comparable"].fillna(False).astype(bool)
            if not comparable.all():
                if column.kind in ("percent", "decimal"):  # text beside text: the place written out (70.0)
                    values = values.map(lambda v: None if v is None else fixed(v, 1))
                values = values.astype(object).where(comparable, i18n.t("kpi.no_comparison", lang))
        shown[header] = values
    if short_names is not None:
        shown[i18n.t("column.unit_full_name", lang)] = _unit_name(frame, lang)
    shown = shown.reset_index(drop=True)
    shown.attrs[ONE_DECIMAL_PLACE] = [h for h in one_place if pd.api.types.is_numeric_dtype(shown[h])]
    return shown


def meeting_ranking(frame: pd.DataFrame) -> tuple[str, pd.DataFrame]:
    """The title and rows of the units' meeting table: ranked by the reduction against a year earlier (the query's
    order) where the range has one to compare with; else by meetings, most first, under a title that says there is
    no comparison (a range of two years listed every row as 无可比数据 under 按同比降幅, in no order at all)."""
    if frame.empty or frame["comparable"].fillna(False).astype(bool).any():
        return "table.meeting_reduction", frame
    ordered = frame.sort_values(["meetings", "unit_id"], ascending=[False, True], kind="stable")
    return "table.meeting_reduction_uncompared", ordered


def search(frame: pd.DataFrame, text: str) -> pd.DataFrame:
    """Rows where any cell contains every word of ``text`` (case-insensitive); plain matching, never SQL."""
    words = [word.casefold() for word in (text or "").split()]
    if not words or frame.empty:
        return frame
    cells = frame.map(lambda value: "" if pd.isna(value) else str(value))
    haystack = cells.apply(lambda row: " ".join(row).casefold(), axis=1)
    mask = haystack.map(lambda cell: all(word in cell for word in words))
    return frame[mask]


# the unit of a row, first, where a table lists several units' rows (the profile's units side by side)
UNIT_COLUMN = TableColumn("name_zh", "column.unit", "unit")

# The ranking's measure next to the unit: on a phone 增减 and 降幅(%) were off the screen's edge, and nothing on it said
# why 办公厅 ranked first
MEETING_REDUCTION_COLUMNS = (
    TableColumn("name_zh", "column.unit", "unit"),
    TableColumn("change_pct", "column.change_pct", "percent", compares=True),
    TableColumn("change", "column.change", "number", compares=True),
    TableColumn("meetings", "column.meetings", "number"),
    TableColumn("prev_meetings", "column.prev_meetings", "number", compares=True),
    TableColumn("avg_duration_min", "column.avg_duration", "decimal"),
    TableColumn("prev_avg_duration_min", "column.prev_avg_duration", "decimal", compares=True),
    TableColumn("merged", "column.merged", "number"),
    TableColumn("prereviewed", "column.prereviewed", "number"),
)

# The decisive columns first (status, deadline, days), the long description last: a leader reads the row
# without scrolling sideways. Status, rectified date and days are all as of the same as-of date. The status (and in
# the overdue list the days overdue) comes before the unit: on a phone a long unit name pushed it to the screen's
# edge, where 256 days showed as "25".
ISSUE_COLUMNS = (
    TableColumn("issue_id", "column.issue_id"),
    TableColumn("status_at_end", "column.status", "code"),
    TableColumn("name_zh", "column.unit", "unit"),
    TableColumn("due_date", "column.due_date", "date"),
    TableColumn("rectified_date", "column.rectified_date", "date"),
    TableColumn("days_to_rectify", "column.days_to_rectify", "number"),
    TableColumn("date_raised", "column.date_raised", "date"),
    TableColumn("category", "column.category", "code"),
    TableColumn("source", "column.source", "code"),
    TableColumn("description", "column.description"),
)

# the status too (未整改 or 整改中: overdue either way), after the deadline: the briefing's ZIP had it and the screen not
OVERDUE_COLUMNS = (
    TableColumn("issue_id", "column.issue_id"),
    TableColumn("days_overdue", "column.days_overdue", "number"),
    TableColumn("name_zh", "column.unit", "unit"),
    TableColumn("due_date", "column.due_date", "date"),
    TableColumn("status", "column.status", "code"),
    TableColumn("age_days", "column.age_days", "number"),
    TableColumn("date_raised", "column.date_raised", "date"),
    TableColumn("category", "column.category", "code"),
    TableColumn("description", "column.description"),
)

# The issues not rectified at the as-of date (``open_issues``, the briefing's list): the issues' columns but the
# rectified date and the days it took, which none of them has.
OPEN_ISSUE_COLUMNS = (
    TableColumn("issue_id", "column.issue_id"),
    TableColumn("status", "column.status", "code"),
    TableColumn("name_zh", "column.unit", "unit"),
    TableColumn("due_date", "column.due_date", "date"),
    TableColumn("date_raised", "column.date_raised", "date"),
    TableColumn("category", "column.category", "code"),
    TableColumn("description", "column.description"),
)

# The unit profile's issues not rectified at the as-of date, decisive columns first as in ``ISSUE_COLUMNS``: the
# description second pushed the status, deadline and 是否逾期 off a phone's screen, and at 1440 px past the card's edge.
UNRESOLVED_COLUMNS = (
    TableColumn("issue_id", "column.issue_id"),
    TableColumn("status", "column.status", "code"),
    TableColumn("overdue", "column.overdue", "bool"),
    TableColumn("due_date", "column.due_date", "date"),
    TableColumn("age_days", "column.age_days", "number"),
    TableColumn("date_raised", "column.date_raised", "date"),
    TableColumn("category", "column.category", "code"),
    TableColumn("description", "column.description"),
)


def unresolved_columns(with_unit: bool) -> tuple[TableColumn, ...]:
    """``UNRESOLVED_COLUMNS``, with the unit after the status and whether overdue where several units' issues are
    listed (units side by side): first, a long unit name pushed them to the screen's edge."""
    if not with_unit:
        return UNRESOLVED_COLUMNS
    return (*UNRESOLVED_COLUMNS[:3], UNIT_COLUMN, *UNRESOLVED_COLUMNS[3:])


# the adoption status before the unit, as the issues' status (on a phone it was off the screen's edge)
SUGGESTION_COLUMNS = (
    TableColumn("suggestion_id", "column.suggestion_id"),
    TableColumn("status", "column.adoption", "code"),
    TableColumn("name_zh", "column.unit", "unit"),
    TableColumn("date_made", "column.date_made", "date"),
    TableColumn("category", "column.category", "code"),
    TableColumn("content", "column.content"),
    TableColumn("issue_id", "column.linked_issue"),
    TableColumn("issue_description", "column.linked_issue_description"),
)

MEETING_COLUMNS = (
    TableColumn("date", "column.date", "date"),
    TableColumn("meeting_id", "column.meeting_id"),
    TableColumn("kind", "column.kind", "code"),
    TableColumn("duration_min", "column.duration", "number"),
    TableColumn("agenda_items", "column.agenda_items", "number"),
    TableColumn("agenda_prereviewed", "column.prereviewed", "bool"),
    TableColumn("attended_by_team", "column.attended", "bool"),
    TableColumn("merged", "column.merged_meeting", "bool"),
)

NO_CONSULTATION_COLUMNS = (
    TableColumn("name_zh", "column.unit", "unit"),
    TableColumn("last_consultation", "column.last_consultation", "date"),
)


# The briefing's issue lists' columns by their query: one set of headers wherever a list goes (the page's table and
# its CSV and Excel, the briefing's ZIP, the documents' tables of some of its columns). The ZIP headed its lists with
# the charts' data headers (Issue number, Rectification status) beside the screen's download of the same list (Issue,
# Status). The pages name their lists' columns themselves (``drill``, ``ui.profile``).
LIST_COLUMNS: dict[str, Sequence[TableColumn]] = {
    "open_issues": OPEN_ISSUE_COLUMNS,
    "overdue_issues": OVERDUE_COLUMNS,
}


def issue_list(query: str, frame: pd.DataFrame, lang: str, sources: Sequence[str] | None = None) -> pd.DataFrame:
    """A list query's rows (``LIST_COLUMNS``) as the screen shows them, for a file: each unit named as the page's table
    names it (in English its short name, the full name last, from the rows' own ``short_name_en``). ``sources``, the
    list's columns a document has room for, in the document's order."""
    columns = LIST_COLUMNS[query]
    if sources is not None:
        by_source = {column.source: column for column in columns}
        columns = [by_source[source] for source in sources]
    return present(frame, columns, lang, frame if "short_name_en" in frame else None)
