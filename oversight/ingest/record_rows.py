"""Which rows under a header are records: totals, notes, repeated headers and sign-off lines are not.

A hand-kept ledger (台账) ends in a 合计 row, a note or two and the lines where it is signed and stamped,
and a printed one repeats its header on every page. Those rows are skipped and named in the import's
report; every other non-blank row is a record, checked cell by cell, never dropped.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from oversight.contract.schema import Table
from oversight.ingest import cells
from oversight.ingest.cell_text import as_text, header_key, is_blank
from oversight.ingest.headers import HeaderMatch
from oversight.ingest.total_rows import RunningSums, UnsummedTotal

_TOTAL_MARKERS = ("合计", "小计", "总计", "累计", "共计", "total", "subtotal")
# A total's label names what it totals before the word as often as not: 一季度小计, 研究室合计, 2021年共计. No id, unit
# or date holds these words, so in the key cell or a row's first cell they mark a total wherever they stand.
_TOTAL_WORDS = re.compile("合计|小计|总计|共计")
_NOTE_PREFIXES = ("注", "说明", "备注", "填表", "填报", "制表", "审核", "联系人", "附", "note")
_ROW_MARKERS = _TOTAL_MARKERS + _NOTE_PREFIXES


def _is_total_label(value: object) -> bool:
    return isinstance(value, str) and (
        header_key(value).startswith(_TOTAL_MARKERS) or _TOTAL_WORDS.search(header_key(value)) is not None
    )


def _is_total_or_note(row: list[object], folded: str) -> bool:
    if folded.startswith(_TOTAL_MARKERS):
        return True
    if not folded.startswith(_NOTE_PREFIXES):
        return False
    # Notes under a table sit in one cell, or in one cell merged across the row.
    return len({as_text(v) for v in row if not is_blank(v)}) == 1


# Sign-off lines under a ledger: who filled it in, who checked it, the stamp, the date of filing.
_FOOTER_WORDS = (
    "盖章",
    "签字",
    "签名",
    "签章",
    "负责人",
    "填报人",
    "填表人",
    "制表人",
    "审核人",
    "经办人",
    "联系人",
    "联系电话",
    "填报日期",
    "填表日期",
    "制表日期",
    "报送日期",
    "preparedby",
    "approvedby",
    "reviewedby",
    "signature",
)
_FOOTER_PREFIXES = _NOTE_PREFIXES + ("remark", "stamp", "signed")
# 日期 / date opens a sign-off line only as a label: "日期：", "日期 2021年1月5日", "Date" alone; not "日期待定".
_DATE_LABEL = re.compile(r"(日期|date)\s*([:：]|\d|$)", re.IGNORECASE)
# The date written beside a sign-off label, as text: 2021-01-06, 2021/1/6, 2021.1.6, 2021年1月6日, and every other way a
# date cell may be written (2021年元月6日, 二〇二一年一月六日, with its weekday); a bare number (a serial day) is no such date.
_DATE_TEXT = re.compile(r"\d{4}\s*[-/.年]|.*年")


def _is_footer_text(value: object) -> bool:
    """A sign-off word or label: 填报人：张三, （单位盖章）, 填报日期：, 日期：, Prepared by."""
    if not isinstance(value, str):
        return False
    if _DATE_LABEL.match(unicodedata.normalize("NFKC", value).strip()):
        return True
    folded = header_key(value)
    return folded.startswith(_FOOTER_PREFIXES) or any(word in folded for word in _FOOTER_WORDS)


def _is_date(value: object) -> bool:
    if isinstance(value, date):
        return True
    if not isinstance(value, str) or _DATE_TEXT.match(unicodedata.normalize("NFKC", value).strip()) is None:
        return False
    try:
        cells.parse_date(value)
    except cells.CellError:
        return False
    return True


def _is_label(value: object) -> bool:
    """A sign-off label waiting for its value in the next cell: 填报人：, 审核人:."""
    return _is_footer_text(value) and str(value).rstrip().endswith((":", "："))


def _is_footer_row(row: list[object], key_position: int) -> bool:
    """A row under the last record that is a sign-off line, not a record.

    A sign-off line has no id (the key cell is empty or holds sign-off words), and either one value alone
    (a stamp, a remark) or nothing but sign-off words, dates, and the value after a sign-off label
    (填报人： | 张三). A row with an id, or with values a record would have (a unit, a number) beside a word
    like 日期待定, is a record: it is checked, and its problems are reported at its row.
    """
    key = row[key_position] if key_position < len(row) else None
    if not (is_blank(key) or _is_footer_text(key)):
        return False
    filled = [v for v in row if not is_blank(v)]
    if len({as_text(v) for v in filled}) == 1:
        return True
    if not any(_is_footer_text(v) for v in filled):
        return False
    return all(
        _is_footer_text(value) or _is_date(value) or (index > 0 and _is_label(filled[index - 1]))
        for index, value in enumerate(filled)
    )


# A filled-in example, as a ledger's instructions give one (示例 | 省政府研究室 | 2021-03-05 …, or a real-looking row
# whose 备注 says 填写示例): it was imported as one more meeting. Marked by a cell opening with the word, or by the
# sheet it stands on being the instructions (填表说明, 示例), whose every row under the header is an example.
_EXAMPLE_CELL = re.compile(
    r"^[(（【\[]?(?:(?:填写|填报|填表)?(?:示例|样例|范例)|例[:：]|(?:example|sample)\b)", re.IGNORECASE
)
_INSTRUCTION_SHEETS = (
    "说明",
    "填表说明",
    "填报说明",
    "填写说明",
    "使用说明",
    "示例",
    "填写示例",
    "样例",
    "范例",
    "注意事项",
    "instruction",
    "readme",
    "example",
    "sample",
    "help",
)


def is_instruction_sheet(name: str) -> bool:
    """A sheet named as the ledger's instructions or its example: what stands under a header there is no record."""
    return header_key(name).startswith(_INSTRUCTION_SHEETS)


def _is_example_cell(value: object) -> bool:
    return (
        isinstance(value, str)
        and ("例" in value or "mple" in value.lower())  # cheap first: most cells hold neither
        and _EXAMPLE_CELL.match(unicodedata.normalize("NFKC", value).strip()) is not None
    )


def _is_example_row(row: list[object], first: object, looked_at: list[int]) -> bool:
    """The first cell, the id or the 备注 says so: only these are looked at, to keep 100k-row files fast."""
    return _is_example_cell(first) or any(p < len(row) and _is_example_cell(row[p]) for p in looked_at)


def _names_its_columns(row: list[object], spellings: dict[int, set[str]]) -> bool:
    """A row whose every filled cell (two at least) names the column it stands in, in any of its spellings: the
    English header under the Chinese one (会议编号 | meeting_id). Refused as a record, it gave a problem a cell."""
    filled = [(position, value) for position, value in enumerate(row) if not is_blank(value)]
    return len(filled) >= 2 and all(
        isinstance(value, str) and header_key(value) in spellings.get(position, ()) for position, value in filled
    )


def _numbers_its_columns(row: list[object]) -> bool:
    """The columns numbered 1, 2, 3, … under the header (栏次), as statistical forms are printed: read as a record,
    each number gave a problem ('2' is not a registered unit, '3' is not a date, …)."""
    filled = [(position, value) for position, value in enumerate(row) if not is_blank(value)]
    if len(filled) < 3 or filled[-1][0] - filled[0][0] != len(filled) - 1:  # side by side, no gap
        return False
    return all(
        not isinstance(value, bool) and as_text(value).strip() == str(number)
        for number, (_, value) in enumerate(filled, start=1)
    )


def record_rows(
    rows: list[list[object]], header: HeaderMatch, table: Table, sheet: str = ""
) -> tuple[list[int], list[int], list[UnsummedTotal]]:
    """Indexes of the rows under the header that hold data, of the non-blank rows skipped as no record, and the
    rows of numbers alone that are no total of the rows above (refused, one sentence each).

    Skipped: totals (labelled, or numbers alone that sum the rows above: ``total_rows``), notes, the header
    repeated on each printed page, filled-in examples, and the sign-off lines under the last record; every row of
    a sheet named as the instructions. Only a row's first filled cell is looked at for the others, to keep
    100k-row files fast (a row without an id is looked at whole).
    """
    if is_instruction_sheet(sheet):
        filled = [i for i in range(header.row_index + 1, len(rows)) if any(not is_blank(v) for v in rows[i])]
        return [], filled, []
    key_position = next((p for p, c in header.columns.items() if c is table.key), None)
    # the header row's every cell, not only those naming a column: a ledger's 序号 column made its header, repeated
    # where a second month's table was pasted under the first, a record refused at each of its cells
    header_keys = {header_key(v) for v in (*header.labels.values(), *rows[header.row_index]) if not is_blank(v)}
    spellings = {
        position: {header_key(name) for name in (column.name, column.zh, *column.aliases)}
        for position, column in header.columns.items()
    }
    example_positions = [p for p, c in header.columns.items() if c is table.key or c.name == "notes"]
    kept: list[int] = []
    skipped: list[int] = []
    unsummed: list[UnsummedTotal] = []
    sums = RunningSums(rows, header)
    for index in range(header.row_index + 1, len(rows)):
        row = rows[index]
        first = next((v for v in row if not is_blank(v)), None)
        if first is None:
            continue
        key = row[key_position] if key_position is not None and key_position < len(row) else None
        if _is_total_label(first) or _is_total_label(key):
            # the key cell too: a unit merged down its block fills the first cell of the block's 小计 row
            skipped.append(index)
            sums.new_block(kept)
            continue
        if isinstance(first, str):
            folded = header_key(first)
            if folded.startswith(_ROW_MARKERS) and _is_total_or_note(row, folded):
                skipped.append(index)
                continue
            if folded in header_keys and {header_key(v) for v in row if not is_blank(v)} <= header_keys:
                skipped.append(index)
                continue  # the header repeated, as printed ledgers do on every page
            if _names_its_columns(row, spellings):
                skipped.append(index)
                continue  # the header again in its other language, as a bilingual template has it
        if _numbers_its_columns(row) or _is_example_row(row, first, example_positions):
            skipped.append(index)
            continue
        alone = sums.numbers_alone(row, _is_total_label) if is_blank(key) else None
        if alone is not None:
            numbers, labelled = alone
            not_a_sum = None if labelled else sums.first_not_a_sum(index, numbers, kept)
            if not_a_sum is None:
                skipped.append(index)
                sums.new_block(kept)
            else:
                unsummed.append(not_a_sum)
            continue
        kept.append(index)
    # Under the last record: sign-off lines, a date of filing, a stamp, a source line — not rows missing values.
    while kept and key_position is not None and _is_footer_row(rows[kept[-1]], key_position):
        skipped.append(kept.pop())
    return kept, sorted(skipped), unsummed
