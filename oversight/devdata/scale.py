"""A province-sized data folder for load and speed tests: N meetings over ~500 units and 12 quarters.

``python -m oversight sample --scale 1000000 --out DIR`` writes it. Everything
is drawn with one seeded numpy generator, column by column, so the same N
gives the same files and a million meetings take seconds to draw. The other
tables grow with N in the sample's proportions (issues and suggestions 1 in
20 meetings, reminders and activities 1 in 10), and every row obeys the
contract, so the folder validates like the office's own.

Tables are written as the office keeps them (Chinese headers, labels, unit
names, 是/否, real dates) with xlsxwriter's ``constant_memory`` mode, which
streams rows to disk; a table with more rows than a worksheet holds
(1,048,575 under the header) is written as UTF-8 CSV instead, which
``table_files.table_path`` reads the same way.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from oversight.contract.schema import (
    ACTIVITY_KINDS,
    BOOL,
    CATEGORIES,
    DATE,
    ENUM,
    INT,
    ISSUE_SOURCES,
    MEETING_KINDS,
    REMINDER_FORMS,
    SUGGESTION_STATUSES,
    TABLES,
    UNIT,
    Table,
)
from oversight.core import atomic
from oversight.devdata.sample import ISSUE_TEXT, REMINDER_TEXT, SUGGESTION_TEXT
from oversight.ingest.sheet_bounds import MAX_SHEET_CELLS
from oversight.ingest.workbook import neutralise_formula

SEED = 2021
FIRST_DAY, LAST_DAY = date(2018, 1, 1), date(2020, 12, 31)  # 2018 Q1 – 2020 Q4: twelve quarters
XLSX_MAX_DATA_ROWS = 1_048_575  # a worksheet's 1,048,576 rows, less the header
CREATED = datetime(2021, 1, 4, 9, 0, 0)

# 14 cities × 36 departments = 504 units, each with a distinct Chinese and English name.
CITIES = (
    ("changsha", "长沙市", "Changsha"),
    ("zhuzhou", "株洲市", "Zhuzhou"),
    ("xiangtan", "湘潭市", "Xiangtan"),
    ("hengyang", "衡阳市", "Hengyang"),
    ("shaoyang", "邵阳市", "Shaoyang"),
    ("yueyang", "岳阳市", "Yueyang"),
    ("changde", "常德市", "Changde"),
    ("zhangjiajie", "张家界市", "Zhangjiajie"),
    ("yiyang", "益阳市", "Yiyang"),
    ("chenzhou", "郴州市", "Chenzhou"),
    ("yongzhou", "永州市", "Yongzhou"),
    ("huaihua", "怀化市", "Huaihua"),
    ("loudi", "娄底市", "Loudi"),
    ("xiangxi", "湘西州", "Xiangxi"),
)
DEPARTMENTS = (
    ("finance", "财政局", "Finance Bureau"),
    ("education", "教育局", "Education Bureau"),
    ("health", "卫生健康委", "Health Commission"),
    ("transport", "交通运输局", "Transport Bureau"),
    ("water", "水利局", "Water Resources Bureau"),
    ("agriculture", "农业农村局", "Agriculture Bureau"),
    ("commerce", "商务局", "Commerce Bureau"),
    ("culture", "文化旅游局", "Culture and Tourism Bureau"),
    ("audit", "审计局", "Audit Bureau"),
    ("statistics", "统计局", "Statistics Bureau"),
    ("civil", "民政局", "Civil Affairs Bureau"),
    ("justice", "司法局", "Justice Bureau"),
    ("hr", "人力资源社会保障局", "Human Resources Bureau"),
    ("resources", "自然资源局", "Natural Resources Bureau"),
    ("ecology", "生态环境局", "Ecology and Environment Bureau"),
    ("housing", "住房城乡建设局", "Housing Bureau"),
    ("market", "市场监管局", "Market Regulation Bureau"),
    ("emergency", "应急管理局", "Emergency Management Bureau"),
    ("forestry", "林业局", "Forestry Bureau"),
    ("sports", "体育局", "Sports Bureau"),
    ("veterans", "退役军人事务局", "Veterans Affairs Bureau"),
    ("medical", "医疗保障局", "Medical Security Bureau"),
    ("petitions", "信访局", "Letters and Calls Bureau"),
    ("data", "政务服务和大数据局", "Big Data Bureau"),
    ("development", "发展和改革委", "Development and Reform Commission"),
    ("industry", "工业和信息化局", "Industry and IT Bureau"),
    ("science", "科技局", "Science and Technology Bureau"),
    ("ethnic", "民族宗教事务委", "Ethnic and Religious Affairs Commission"),
    ("assets", "国资委", "State Assets Commission"),
    ("tax", "税务局", "Taxation Bureau"),
    ("grain", "粮食和物资储备局", "Grain Reserves Bureau"),
    ("archives", "档案馆", "Archives"),
    ("chronicles", "地方志办", "Local Chronicles Office"),
    ("office", "政府办", "General Office"),
    ("research", "政策研究室", "Policy Research Office"),
    ("admin", "机关事务局", "Offices Administration"),
)
NUMBER_OF_UNITS = len(CITIES) * len(DEPARTMENTS)
MERGED_NOTE = "与同类会议合并召开"
ACTIVITY_NOTES = {
    "consultation": "与单位党组（党委）联席会商",
    "special_study": "与机关纪委专题研究",
    "notification": "通报派驻监督工作情况",
    "secondment": "抽调单位纪检干部参与办案",
}


def make_units() -> pd.DataFrame:
    rows = []
    for city_id, city_zh, city_en in CITIES:
        for dept_id, dept_zh, dept_en in DEPARTMENTS:
            rows.append(
                (
                    f"{city_id}_{dept_id}",
                    city_zh + dept_zh,
                    f"{city_en} {dept_en}",
                    None,
                    "党委" if dept_id in ("education", "health") else "党组",
                    None,
                )
            )
    return pd.DataFrame(rows, columns=[c.name for c in TABLES["units"].columns])


def _days(rng: np.random.Generator, count: int, year_weights: tuple[float, float, float] = (1, 1, 1)) -> np.ndarray:
    """``count`` days in 2018–2020 as datetime64[D], each year drawn with its weight, sorted."""
    starts = np.array(["2018-01-01", "2019-01-01", "2020-01-01"], dtype="datetime64[D]")
    lengths = np.array([365, 365, 366])
    weights = np.asarray(year_weights, dtype=float) / sum(year_weights)
    years = rng.choice(3, size=count, p=weights)
    offsets = (rng.random(count) * lengths[years]).astype(np.int64)
    return np.sort(starts[years] + offsets)


def _unit_picks(rng: np.random.Generator, unit_ids: np.ndarray, count: int) -> np.ndarray:
    """Units drawn with uneven weights: a big bureau holds more meetings than an archive."""
    weights = rng.gamma(2.0, 1.0, size=len(unit_ids))
    return unit_ids[rng.choice(len(unit_ids), size=count, p=weights / weights.sum())]


def _numbered(prefix: str, days: np.ndarray, width: int) -> np.ndarray:
    """``HY2019-0000042``: the prefix, the record's year and a running number over the whole table."""
    years = days.astype("datetime64[Y]").astype(np.int64) + 1970
    numbers = np.char.zfill(np.arange(1, len(days) + 1).astype(str), width)
    return np.char.add(np.char.add(np.char.add(prefix, years.astype(str)), "-"), numbers).astype(object)


def _choice(
    rng: np.random.Generator, codes: dict[str, str] | list[str], count: int, weights: tuple[float, ...] | None = None
) -> np.ndarray:
    options = np.array(list(codes), dtype=object)
    p = None if weights is None else np.asarray(weights, dtype=float) / sum(weights)
    return options[rng.choice(len(options), size=count, p=p)]


def _as_dates(days: np.ndarray) -> np.ndarray:
    return pd.to_datetime(days).date.astype(object) if len(days) else np.array([], dtype=object)


def make_meetings(rng: np.random.Generator, unit_ids: np.ndarray, count: int) -> pd.DataFrame:
    """Fewer, shorter, more often merged and pre-reviewed meetings each year, as in the sample."""
    days = _days(rng, count, (1.25, 1.1, 0.85))
    year = days.astype("datetime64[Y]").astype(np.int64) + 1970 - 2018  # 0, 1, 2
    kind = _choice(rng, MEETING_KINDS, count, (35, 30, 25, 10))
    party_group = kind == "party_group"
    duration = (rng.integers(14, 31, size=count) - 3 * year) * 5  # 55–150 minutes, shorter each year
    prereviewed = rng.random(count) < np.where(party_group, 0.45, 0.2) + 0.2 * year
    attended = rng.random(count) < np.where(party_group, 0.3, 0.05) + 0.15 * year
    merged = rng.random(count) < 0.05 + 0.1 * year
    return pd.DataFrame(
        {
            "meeting_id": _numbered("HY", days, 7),
            "unit": _unit_picks(rng, unit_ids, count),
            "date": _as_dates(days),
            "kind": kind,
            "duration_min": duration.astype(np.int64),
            "agenda_items": rng.integers(1, 11, size=count),
            "agenda_prereviewed": prereviewed,
            "attended_by_team": attended,
            "merged": merged,
            "notes": np.where(merged, MERGED_NOTE, None),  # type: ignore[call-overload]  # object column, None = blank
        }
    )


def make_issues(rng: np.random.Generator, unit_ids: np.ndarray, count: int) -> pd.DataFrame:
    days = _days(rng, count)
    category = _choice(rng, CATEGORIES, count, (3, 3, 3, 2, 2, 3, 1))
    texts = {code: np.array(ISSUE_TEXT[code], dtype=object) for code in CATEGORIES}
    pick = rng.integers(0, 2, size=count)
    description = np.empty(count, dtype=object)
    for code, options in texts.items():
        mask = category == code
        description[mask] = options[pick[mask]]
    finished = days + rng.integers(20, 131, size=count).astype("timedelta64[D]")
    done = (finished <= np.datetime64(LAST_DAY)) & (rng.random(count) < 0.85)
    status = np.where(done, "rectified", _choice(rng, ["open", "in_progress", "in_progress"], count)).astype(object)
    rectified = np.where(done, _as_dates(finished), None)  # type: ignore[call-overload]  # None = not yet
    return pd.DataFrame(
        {
            "issue_id": _numbered("WT", days, 6),
            "unit": _unit_picks(rng, unit_ids, count),
            "date_raised": _as_dates(days),
            "source": _choice(rng, ISSUE_SOURCES, count, (4, 3, 2, 2, 1)),
            "category": category,
            "description": description,
            "status": status,
            "due_date": _as_dates(days + np.timedelta64(90, "D")),
            "rectified_date": rectified,
        }
    )


def make_suggestions(rng: np.random.Generator, unit_ids: np.ndarray, issues: pd.DataFrame, count: int) -> pd.DataFrame:
    """Most suggestions follow an issue (same unit and category, a few days later); the rest stand alone."""
    linked = min(len(issues), int(count * 0.6))
    chosen = np.sort(rng.choice(len(issues), size=linked, replace=False)) if linked else np.array([], dtype=int)
    issue_days = pd.to_datetime(issues["date_raised"].to_numpy()[chosen]).to_numpy().astype("datetime64[D]")
    linked_days = np.minimum(
        issue_days + rng.integers(0, 11, size=linked).astype("timedelta64[D]"), np.datetime64(LAST_DAY)
    )
    alone = count - linked
    days = np.concatenate([linked_days, _days(rng, alone)])
    unit = np.concatenate([issues["unit"].to_numpy()[chosen], _unit_picks(rng, unit_ids, alone)])
    issue_id = np.concatenate([issues["issue_id"].to_numpy()[chosen], np.full(alone, None, dtype=object)])
    category = np.concatenate([issues["category"].to_numpy()[chosen], _choice(rng, CATEGORIES, alone)])
    order = np.argsort(days, kind="stable")
    days, unit, issue_id, category = days[order], unit[order], issue_id[order], category[order]
    return pd.DataFrame(
        {
            "suggestion_id": _numbered("JY", days, 6),
            "unit": unit,
            "date_made": _as_dates(days),
            "issue_id": issue_id,
            "category": category,
            "content": pd.Series(category).map(SUGGESTION_TEXT).to_numpy(dtype=object),
            "status": _choice(rng, SUGGESTION_STATUSES, count, (3, 4, 3)),
        }
    )


def make_reminders(rng: np.random.Generator, unit_ids: np.ndarray, count: int) -> pd.DataFrame:
    days = _days(rng, count, (0.8, 1.0, 1.2))
    return pd.DataFrame(
        {
            "reminder_id": _numbered("TX", days, 6),
            "unit": _unit_picks(rng, unit_ids, count),
            "date": _as_dates(days),
            "form": _choice(rng, REMINDER_FORMS, count, (3, 4, 3)),
            "subject": _choice(rng, REMINDER_TEXT, count),
        }
    )


def make_activities(rng: np.random.Generator, unit_ids: np.ndarray, count: int) -> pd.DataFrame:
    days = _days(rng, count)
    kind = _choice(rng, ACTIVITY_KINDS, count, (3, 4, 2, 1))
    return pd.DataFrame(
        {
            "activity_id": _numbered("HD", days, 6),
            "unit": _unit_picks(rng, unit_ids, count),
            "date": _as_dates(days),
            "kind": kind,
            "notes": pd.Series(kind).map(ACTIVITY_NOTES).to_numpy(dtype=object),
        }
    )


def row_counts(meetings: int) -> dict[str, int]:
    """How many rows each table gets for ``meetings`` meetings."""
    return {
        "units": NUMBER_OF_UNITS,
        "meetings": meetings,
        "issues": max(1, meetings // 20),
        "suggestions": max(1, meetings // 20),
        "reminders": max(1, meetings // 10),
        "activities": max(1, meetings // 10),
    }


def build(meetings: int, seed: int = SEED) -> dict[str, pd.DataFrame]:
    """Every table for ``meetings`` meetings, in the contract's columns; the same seed gives the same frames."""
    if meetings < 1:
        raise ValueError("the scale is the number of meetings, at least 1")
    counts = row_counts(meetings)
    rng = np.random.default_rng(seed)
    units = make_units()
    unit_ids = units["unit_id"].to_numpy(dtype=object)
    issues = make_issues(rng, unit_ids, counts["issues"])
    tables = {
        "units": units,
        "meetings": make_meetings(rng, unit_ids, counts["meetings"]),
        "issues": issues,
        "suggestions": make_suggestions(rng, unit_ids, issues, counts["suggestions"]),
        "reminders": make_reminders(rng, unit_ids, counts["reminders"]),
        "activities": make_activities(rng, unit_ids, counts["activities"]),
    }
    return {name: frame[[c.name for c in TABLES[name].columns]] for name, frame in tables.items()}


# ---------------------------------------------------------------- writing, a column at a time


def office_columns(table: Table, frame: pd.DataFrame, units: pd.DataFrame) -> list[np.ndarray]:
    """Each column as clerks write it (labels, unit names, 是/否), converted with one vectorised map per column."""
    names = dict(zip(units["unit_id"], units["name_zh"]))
    columns = []
    for column in table.columns:
        values = frame[column.name]
        if column.kind == ENUM:
            values = values.map(column.choices)
        elif column.kind == UNIT:
            values = values.map(names)
        elif column.kind == BOOL:
            values = values.map({True: "是", False: "否"})
        columns.append(values.to_numpy(dtype=object))
    return columns


def _write_xlsx(path: Path, table: Table, columns: list[np.ndarray], rows: int) -> None:
    # made in memory, written in one step: xlsxwriter writing the file itself turned a full disk into its
    # FileCreateError (处理失败（FileCreateError）) and a traceback from the ZipFile it left open, on the terminal
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False},
    )
    book.set_properties({"title": table.zh, "created": CREATED})
    sheet = book.add_worksheet(table.zh)
    header_format = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    for position, column in enumerate(table.columns):
        sheet.write_string(0, position, column.zh, header_format)
        sheet.set_column(position, position, 12 if column.kind in (DATE, BOOL, ENUM) else 18)
    # constant_memory streams a row at a time: rows must be written in order, so walk rows, not columns.
    writers = []
    for column, values in zip(table.columns, columns):
        if column.kind == DATE:
            serial = np.full(rows, np.nan)
            present = pd.notna(values)
            if present.any():
                serial[present] = (
                    pd.to_datetime(values[present]).to_numpy().astype("datetime64[D]") - np.datetime64("1899-12-30")
                ).astype(np.int64)
            writers.append(("date", serial))
        elif column.kind == INT:
            writers.append(("number", values))
        else:
            writers.append(("text", values))
    write_number, write_string = sheet.write_number, sheet.write_string
    for row in range(rows):
        excel_row = row + 1
        for position, (kind, values) in enumerate(writers):
            value = values[row]
            if kind == "date":
                if value == value:
                    write_number(excel_row, position, value, date_format)
            elif value is None or value != value:
                continue
            elif kind == "number":
                write_number(excel_row, position, value)
            else:
                write_string(excel_row, position, neutralise_formula(value) if value[:1] in "=+-@\t\r" else value)
    sheet.freeze_panes(1, 0)
    book.close()
    atomic.write_bytes(path, buffer.getvalue())


def _write_csv(path: Path, table: Table, columns: list[np.ndarray]) -> None:
    frame = pd.DataFrame({column.zh: values for column, values in zip(table.columns, columns)})
    for column in table.columns:
        if column.kind == DATE:
            frame[column.zh] = pd.to_datetime(frame[column.zh]).dt.strftime("%Y-%m-%d")
    temporary = path.with_name(f".{path.name}.tmp")
    frame.to_csv(temporary, index=False, encoding="utf-8-sig")
    temporary.replace(path)


def write(out: Path, meetings: int, seed: int = SEED, csv: bool = False) -> list[Path]:
    """Write the scale folder under ``out``: ``<table>.xlsx`` (or ``.csv`` when asked, or too big for a sheet)."""
    out.mkdir(parents=True, exist_ok=True)
    tables = build(meetings, seed)
    written = []
    for name, frame in tables.items():
        table = TABLES[name]
        # a sheet the reader would refuse (Excel's rows, or the cell bound of ingest.sheet_bounds) goes to CSV
        as_csv = csv or len(frame) > XLSX_MAX_DATA_ROWS or (len(frame) + 1) * len(frame.columns) > MAX_SHEET_CELLS
        path = out / f"{name}{'.csv' if as_csv else '.xlsx'}"
        other = out / f"{name}{'.xlsx' if as_csv else '.csv'}"
        other.unlink(missing_ok=True)  # table_files.table_path prefers .xlsx: never leave a stale twin behind
        columns = office_columns(table, frame, tables["units"])
        if as_csv:
            _write_csv(path, table, columns)
        else:
            _write_xlsx(path, table, columns, len(frame))
        written.append(path)
    return written
