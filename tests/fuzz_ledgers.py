"""Seeded, reproducible ledger files a clerk could drop, each with what an exact import of it must store.

``case(seed)`` writes one file (a table of the contract, as .xlsx, CSV in three encodings or legacy .xls) with
mutated headers, cells and layout, and says for every record what the stored row must be: a cell the generator
wrote in a form the contract refuses is marked, so a check that passes such a file has let a wrong value through.
``check(case, folder)`` runs it through the check the ``validate`` command and the Data page call
(``import_plan.plan_import``) and returns the invariants it broke.
"""

from __future__ import annotations

import csv
import io
import random
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd

from oversight.contract.schema import TABLES, Column
from oversight.core import i18n
from oversight.ingest import Upload, import_plan
from tests import legacy_xls

BAD = object()  # a value the contract refuses: a file holding one must not pass
ANY = object()  # either read or refused (a formula without its saved value, say): not compared
TODAY = date.today()
_UNIT_AT: list[Any] = [None]  # the unit column's position in the case being written
_EPOCH: list[Any] = [
    date(1899, 12, 30),
    "xlsx",
]  # serial day 0 of the case being written (a 1904 workbook's is 1904-01-01)

# what a Chinese message must never show: a Python or pandas word, or an English error class
JARGON = re.compile(
    r"\b(?:ValueError|TypeError|KeyError|IndexError|Exception|Traceback|NaN|NaT|nan|None|dtype|object|int64|float64|"
    r"Timestamp|datetime|errno|Errno|b'|\\x[0-9a-f]{2})\b"
)
CJK = re.compile(r"[\u4e00-\u9fff]")

_UNITS = [
    ("gov_office", "省政府办公厅", "General Office of the Provincial Government", "办公厅"),
    ("research", "省政府研究室", "Research Office of the Provincial Government", "研究室"),
]


@dataclass
class Case:
    seed: int
    table: str
    name: str
    data: bytes
    mode: str
    expected: list[dict[str, Any]] | None  # None: the file is broken as a whole and must be refused
    bad: bool  # some cell or the layout is refused by the contract
    notes: list[str] = field(default_factory=list)


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _padded(rng: random.Random, text: str) -> str:
    pads = ["", " ", "  ", "\u00a0", "\u3000", "\t"]
    return rng.choice(pads) + text + rng.choice(pads)


def _date_value(rng: random.Random, day: date, record: bool, notes: list[str]) -> tuple[object, object]:
    forms = [
        lambda: (day, day),
        lambda: (datetime(day.year, day.month, day.day, rng.randrange(24), rng.randrange(60)), day),
        lambda: (f"{day.year}.{day.month}.{day.day}", day),
        lambda: (f"{day.year}/{day.month}/{day.day}", day),
        lambda: (f"{day.year}年{day.month}月{day.day}日", day),
        lambda: (f"{day:%Y%m%d}", day),
        lambda: ((day - _EPOCH[0]).days, day),
        lambda: (str((day - _EPOCH[0]).days), day),
        lambda: (_full_width(f"{day.year}-{day.month:02d}-{day.day:02d}"), day),
        lambda: (f"{day:%Y-%m-%d} {rng.randrange(24):02d}:{rng.randrange(60):02d}", day),
        lambda: (_padded(rng, f"{day:%Y-%m-%d}"), day),
        lambda: (f"{day.year}年{day.month}月{day.day}日 星期{'一二三四五六日'[day.weekday()]}", day),
        lambda: ("#N/A", BAD),
        lambda: (f"{day.year}-02-30", BAD),
        lambda: (f"{day.month}月{day.day}日", BAD),
        lambda: (date(TODAY.year + 2, 1, 5), BAD if record else date(TODAY.year + 2, 1, 5)),
        lambda: (True, BAD),
    ]
    weights = [6, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
    return rng.choices(forms, weights)[0]()


def _int_value(rng: random.Random, column: Column) -> tuple[object, object]:
    top = min(column.maximum or 50, 200)
    n = rng.randrange(0, top)
    forms = [
        lambda: (n, n),
        lambda: (float(n), n),
        lambda: (str(n), n),
        lambda: (_full_width(str(n)), n),
        lambda: (f"{n}个" if not column.minutes else f"{n}分钟", n),
        lambda: (_padded(rng, str(n)), n),
        lambda: (-rng.randrange(1, 9), BAD),
        lambda: (10**20, BAD),
        lambda: (n + 0.5, BAD),
        lambda: ("#DIV/0!", BAD),
        lambda: (True, BAD),
        lambda: ("", BAD),
        # floating-point noise is no fraction in a workbook's number; a CSV holds the digits the clerk sees
        lambda: (n + 1e-12 if n else 0, n if not _EPOCH[1].startswith("csv") or not n else BAD),
        lambda: (f"{n // 60}小时{n % 60}分钟", n) if column.minutes and n >= 60 else (n, n),
        lambda: (f"{n / 60}小时", n) if column.minutes and n % 6 == 0 else (n, n),
    ]
    weights = [8, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
    return rng.choices(forms, weights)[0]()


def _bool_value(rng: random.Random) -> tuple[object, object]:
    b = rng.random() < 0.5
    forms = [
        lambda: (b, b),
        lambda: ("是" if b else "否", b),
        lambda: ("√" if b else "×", b),
        lambda: (int(b), b),
        lambda: ("Yes" if b else "No", b),
        lambda: (_padded(rng, "是" if b else "否"), b),
        lambda: ("也许", BAD),
        lambda: ("", BAD),
    ]
    return rng.choices(forms, [5, 3, 1, 1, 1, 1, 1, 1])[0]()


def _enum_value(rng: random.Random, column: Column) -> tuple[object, object]:
    code = rng.choice(list(column.choices))
    english = i18n.catalog("en").get(f"code.{code}", code)
    forms = [
        lambda: (column.choices[code], code),
        lambda: (code, code),
        lambda: (english, code),
        lambda: (_padded(rng, column.choices[code]), code),
        lambda: (english.upper(), code),
        lambda: ("不知道", BAD),
    ]
    return rng.choices(forms, [6, 1, 1, 1, 1, 1])[0]()


def _unit_value(rng: random.Random) -> tuple[object, object]:
    unit_id, zh, en, short = rng.choice(_UNITS)
    forms = [
        lambda: (zh, unit_id),
        lambda: (unit_id, unit_id),
        lambda: (en, unit_id),
        lambda: (short, unit_id),
        lambda: (_padded(rng, zh), unit_id),
        lambda: (zh + "\u200b", BAD),
        lambda: ("不存在的单位", BAD),
    ]
    return rng.choices(forms, [6, 1, 1, 1, 2, 1, 1])[0]()


def _text_value(rng: random.Random, column: Column, index: int, seed: int) -> tuple[object, object]:
    if column.unique:
        ident = f"FZ{seed}-{index:03d}"
        forms = [
            lambda: (ident, ident),
            lambda: (_padded(rng, ident), ident),
            lambda: (ident[:3] + "\u200b" + ident[3:], BAD),
        ]
        return rng.choices(forms, [8, 2, 1])[0]()
    words = "".join(rng.choice("会议议题整改落实监督检查责任制度") for _ in range(rng.randrange(1, 12)))
    forms = [
        lambda: (words, words),
        lambda: (_padded(rng, words), words.strip()),
        lambda: (12345, "12345"),
        # openpyxl cuts a text to Excel's 32,767 as it writes it: the most an .xlsx it writes holds, read whole
        lambda: ("中" * 32_767, "中" * 32_767) if _EPOCH[1] == "xlsx" else ("中" * 50_000, BAD),
    ]
    if column.multiline:
        forms.append(lambda: (words + "\n" + words, words + "\n" + words))
    chosen = rng.choices(forms, [8, 1, 1, 1] + ([1] if column.multiline else []))[0]()
    if not column.required and rng.random() < 0.2:
        return None, None
    return chosen


def _cell(rng: random.Random, column: Column, index: int, seed: int, record_date: bool) -> tuple[object, object]:
    roll = rng.random()
    if roll < 0.015:  # an Excel error value in any column: no value a record can take
        return rng.choice(["#N/A", "#DIV/0!", "#VALUE!", "#REF!", " #NAME? "]), BAD
    if roll < 0.025:  # a formula: openpyxl saves no value with it
        return "=1+2", ANY
    if not column.required and column.kind != "text" and rng.random() < 0.3:
        return None, None
    kind = column.kind
    if kind == "date":
        return _date_value(
            rng, date(2019, 1, 1) + timedelta(days=rng.randrange(0, (TODAY - date(2019, 1, 1)).days)), record_date, []
        )
    if kind == "int":
        return _int_value(rng, column)
    if kind == "bool":
        return _bool_value(rng)
    if kind == "enum":
        return _enum_value(rng, column)
    if kind == "unit":
        return _unit_value(rng)
    if kind == "ref":
        return None, None
    return _text_value(rng, column, index, seed)


def _header(rng: random.Random, column: Column) -> str:
    spellings = [column.zh, column.name, *column.aliases]
    text = rng.choice(spellings)
    mutation = rng.randrange(9)
    if mutation == 6:
        return "*" + text + "："
    if mutation == 7:
        return text.upper()
    if mutation == 0:
        text = _full_width(text)
    elif mutation == 1:
        text = " " + text + " "
    elif mutation == 2 and len(text) > 2:
        text = text[:2] + "\n" + text[2:]
    elif mutation == 3:
        text = text.replace("(", "（").replace(")", "）")
    return text


def case(seed: int, bad_rate: float = 0.3) -> Case:
    rng = random.Random(seed)
    fmt = rng.choices(["xlsx", "csv-utf8", "csv-bom", "csv-gbk", "xls"], [6, 1, 1, 1, 1])[0]
    mac = fmt == "xlsx" and rng.random() < 0.1
    _EPOCH[0] = date(1904, 1, 1) if mac else date(1899, 12, 30)
    _EPOCH[1] = fmt
    table = TABLES[rng.choice(["meetings", "issues", "suggestions", "reminders", "activities"])]
    columns = list(table.columns)
    if table.name == "issues":  # the status rules (a date rectified with 已整改) are checked elsewhere
        columns = [c for c in columns if c.name not in ("rectified_date",)]
    clean = rng.random() > bad_rate  # a clean case has no refused cell
    order = columns[:]
    if rng.random() < 0.4:
        rng.shuffle(order)
    headers = [_header(rng, c) for c in order]
    nrows = rng.randrange(1, 8)
    rows, expected, bad = [], [], False
    record_dates = {"date", "date_raised", "date_made"}
    for i in range(nrows):
        row, want = [], {}
        for column in order:
            for _ in range(50):
                written, value = _cell(rng, column, i, seed, column.name in record_dates)
                if not clean or (value is not BAD and value is not ANY):
                    break
            if table.name == "issues" and column.name == "status":
                written, value = "未整改", "open"  # no rectified date asked for
            row.append(written)
            want[column.name] = value
        if table.name == "issues":  # a deadline before the day the issue was raised is refused: written after it
            due, raised = want["due_date"], want["date_raised"]
            if isinstance(due, date) and isinstance(raised, date) and due < raised:
                shift = (raised - due).days + rng.randrange(1, 90)
                want["due_date"] = due + timedelta(days=shift)
                at = [c.name for c in order].index("due_date")
                row[at] = _shifted(row[at], shift) or want["due_date"]
        bad = bad or any(value is BAD for value in want.values())
        rows.append(row)
        expected.append(want)
    if len(rows) > 1 and rng.random() < 0.08:  # the first id again, as typed or in other case or width
        at = [c.name for c in order].index(table.key.name)
        first = rows[0][at]
        if isinstance(first, str):
            rows[-1][at] = rng.choice([first, first.lower(), _full_width(first)])
            bad = True
    # layout
    extra_cols = rng.random() < 0.1
    if extra_cols:
        width = rng.choice([5, 300])
        headers = headers + [f"备用{j}" for j in range(width)]
        rows = [row + [rng.choice([None, "x", 1])] * width for row in rows]
    if rng.random() < 0.05 and len(order) > 3:  # a required column missing
        drop = rng.randrange(len(order))
        if order[drop].required:
            bad = True
            headers.pop(drop)
            rows = [r[:drop] + r[drop + 1 :] for r in rows]
    if rng.random() < 0.05:  # a column twice
        headers.append(headers[0])
        rows = [r + [r[0]] for r in rows]
        bad = True
    title = rng.random() < 0.2
    if fmt == "xls" and any(isinstance(v, str) and len(v) > 2000 for r in rows for v in r):
        fmt = "csv-utf8"  # a BIFF record holds 8,224 bytes: the test writer has no CONTINUE records
    notes = [fmt]
    _UNIT_AT[0] = (
        headers.index(next(h for h, c in zip(headers, order) if c.name == "unit"))
        if any(c.name == "unit" for c in order[: len(headers)])
        else None
    )
    if fmt == "xlsx":
        data = _xlsx(rng, table.zh, headers, rows, title, notes, mac)
        name = f"{table.name}_{seed}.xlsx"
    elif fmt == "xls":
        data = legacy_xls.xls_bytes({table.zh: [headers, *[[_for_xls(v) for v in r] for r in rows]]})
        name = f"{table.name}_{seed}.xls"
    else:
        encoding = {"csv-utf8": "utf-8", "csv-bom": "utf-8-sig", "csv-gbk": "gbk"}[fmt]
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(headers)
        for r in rows:
            writer.writerow([_for_csv(v) for v in r])
        text = buffer.getvalue()
        try:
            data = text.encode(encoding)
        except UnicodeEncodeError:
            data = text.encode("utf-8-sig")
            notes.append("gbk->bom")
        name = f"{table.name}_{seed}.csv"
    mutilation = rng.random()
    whole_ok: bool = True
    if mutilation < 0.02:
        data, whole_ok = b"", False
    elif mutilation < 0.04 and not fmt.startswith("csv"):  # a CSV cut at a line is a shorter CSV: nothing tells
        data, whole_ok = data[: len(data) // 2], False
    elif mutilation < 0.05:
        data, whole_ok = legacy_xls.compound_file(b"\0" * 600, name="EncryptedPackage"), False
        name = name.rsplit(".", 1)[0] + ".xlsx"
    elif mutilation < 0.06:
        data, whole_ok = b"<html><body>not a workbook</body></html>", False
        name = name.rsplit(".", 1)[0] + ".xlsx"
    if not whole_ok:
        notes.append("mutilated")
    mode = "replace" if table.name in ("meetings", "reminders", "activities") and rng.random() < 0.3 else "append"
    return Case(seed, table.name, name, data, mode, expected if whole_ok else None, bad or not whole_ok, notes)


def _shifted(written: object, days: int) -> object:
    """A date written in its form, moved ``days`` later; a form the generator cannot move is written as a date."""
    if isinstance(written, datetime):
        return written + timedelta(days=days)
    if isinstance(written, date):
        return written + timedelta(days=days)
    if isinstance(written, int) and not isinstance(written, bool):
        return written + days
    return None


def _for_csv(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value


_BIFF_ERRORS = {
    "#NULL!": 0x00,
    "#DIV/0!": 0x07,
    "#VALUE!": 0x0F,
    "#REF!": 0x17,
    "#NAME?": 0x1D,
    "#NUM!": 0x24,
    "#N/A": 0x2A,
}


def _for_xls(value: object) -> object:
    if isinstance(value, str) and value.strip() in _BIFF_ERRORS and len(value) % 2:  # as an error cell, or its text
        return legacy_xls.ShownError(_BIFF_ERRORS[value.strip()])
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date()
    return value


def _xlsx(rng: random.Random, sheet: str, headers: list, rows: list, title: bool, notes: list[str], mac: bool) -> bytes:
    book = openpyxl.Workbook()
    if mac:
        book.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
        notes.append("1904")
    ws = book.active
    ws.title = sheet
    if rng.random() < 0.15:
        empty = book.create_sheet("说明", 0)
        empty["A1"] = rng.choice([None, "填表说明：请按模板填写"])
        notes.append("extra sheet")
    offset = 1
    if title:
        ws.cell(1, 1, f"{sheet}台账（2024年）")
        offset = 3
    for c, h in enumerate(headers, 1):
        ws.cell(offset, c, h)
    for r, row in enumerate(rows, offset + 1):
        for c, v in enumerate(row, 1):
            cell = ws.cell(r, c)
            if isinstance(v, str) and v.startswith("#") and v.endswith(("!", "A")) and rng.random() < 0.7:
                cell.value = v
                cell.data_type = "e"
            else:
                cell.value = v
    unit_at = _UNIT_AT[0]
    if unit_at is not None and len(rows) > 1 and rng.random() < 0.2:
        same = [r for r in range(len(rows)) if rows[r][unit_at] == rows[0][unit_at]]
        run = 1
        while run < len(rows) and run in same:
            run += 1
        if run > 1:
            for r in range(offset + 2, offset + 1 + run):
                ws.cell(r, unit_at + 1).value = None
            ws.merge_cells(start_row=offset + 1, start_column=unit_at + 1, end_row=offset + run, end_column=unit_at + 1)
            notes.append(f"merged unit x{run}")
    if rng.random() < 0.1 and rows:
        ws.row_dimensions[offset + 1].hidden = True
        notes.append("hidden row")
    if rng.random() < 0.05:
        hidden = book.create_sheet("旧表")
        hidden.sheet_state = "hidden"
        notes.append("hidden sheet")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def check(c: Case, folder: Path) -> list[str]:
    """The invariants ``c`` breaks: an exception, a message without its place or in the wrong language, a file passed
    that holds a refused value, or rows stored other than written."""
    try:
        plan = import_plan.plan_import([Upload(c.name, c.data)], mode=c.mode, folder=folder)
        texts = {lang: [p.render(lang) for p in plan.problems] for lang in ("zh-CN", "en")}
        dicts = [p.as_dict("en") for p in plan.problems]
    except Exception as error:  # noqa: BLE001 — the invariant under test
        return [f"exception {type(error).__name__}: {error}"]
    broken = []
    for problem, zh, en in zip(plan.problems, texts["zh-CN"], texts["en"]):
        shown = zh
        for value in problem.params.values():  # what the clerk wrote may be anything; the sentence may not
            if isinstance(value, str) and value:
                shown = shown.replace(i18n_shown(value), "")
        if JARGON.search(shown):
            broken.append(f"jargon in zh: {zh}")
        if problem.file and c.name not in zh:
            broken.append(f"file not named: {zh}")
        if "“”" in zh or "“”" in en:  # an empty quote: a sheet a CSV does not have, a value not passed
            broken.append(f"empty quote: {zh} | {en}")
        if problem.message_key.startswith("error.") and ("{" in zh or "{" in en):
            broken.append(f"placeholder left: {zh} | {en}")
        english = en
        # what the clerk wrote, the template's own examples (是/否) and a list of allowed labels may be Chinese
        quoted = [i18n.catalog("en").get(problem.message_key, ""), problem.sheet, problem.column, problem.file]
        quoted += [str(v) for v in problem.params.values()] + [problem.as_dict("en")["params"].get("allowed", "")]
        allowed = set(CJK.findall("".join(str(q) for q in quoted if q)))
        english = "".join(ch for ch in english if ch not in allowed)
        if CJK.search(english):
            broken.append(f"Chinese in en: {en}")
        if problem.params.get("value") is not None and problem.row is None and problem.file and c.expected is not None:
            broken.append(f"cell problem without its row: {zh}")
    del dicts
    if plan.ok and c.bad:
        broken.append("passed a file holding a refused value")
    if plan.ok and c.expected is not None:
        frame = plan.from_files.get(c.table)
        if frame is None or len(frame) != len(c.expected):
            broken.append(f"row count {None if frame is None else len(frame)} != {len(c.expected)}")
        else:
            for i, (want, got) in enumerate(zip(c.expected, frame.to_dict("records"))):
                for name, value in want.items():
                    if value is ANY:
                        continue
                    stored = got.get(name)
                    if value is None:
                        if not (stored is None or (isinstance(stored, float) and pd.isna(stored))):
                            broken.append(f"row {i} {name}: {stored!r} stored for a blank")
                        continue
                    if isinstance(stored, pd.Timestamp):
                        stored = stored.date()
                    if stored != value:
                        broken.append(f"row {i} {name}: stored {stored!r}, written as meaning {value!r}")
    return broken


def i18n_shown(value: str) -> str:
    from oversight.ingest.problems import shown_text

    return str(shown_text(value))
