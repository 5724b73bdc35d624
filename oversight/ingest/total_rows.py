"""A total row a clerk left without its word: no id, unit or date, only sums under 时长 and 议题数 (or 合计 written
in a column other than the first, 备注 say).

Read as a record, such a row was refused with "a required value is empty" once per column — seven lines for a row
the clerk knows is the total. It is a total when it says so in any cell, or when each of its numbers is the sum of
that column over the records above it (since the last total, or over all of them: a 小计 or a 合计); then it is
skipped and listed as any 合计 row. Numbers that are no such sum are refused in one sentence at the row: whether
the row is a miscounted total or a record missing its id, unit and date, only the clerk can tell.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from oversight.contract.schema import DATE, INT, UNIT, Column
from oversight.ingest.cell_text import is_blank
from oversight.ingest.cells import CellError, parse_hours, parse_int
from oversight.ingest.headers import HeaderMatch


@dataclass(frozen=True)
class UnsummedTotal:
    """A row of numbers alone that is no total of the rows above it: where, and the first number that is not."""

    index: int  # the row's index in the sheet
    position: int  # the sheet column of the number that is no sum
    value: int
    total: int | None  # the column's sum over the records above (block or all); None where one of them did not read


def _whole_number(value: object, column: Column, in_hours: bool) -> int | None:
    try:
        return parse_hours(value, column) if in_hours else parse_int(value, column)
    except CellError:
        return None


class RunningSums:
    """The whole-number columns summed over the records kept so far, read only when a row of numbers asks."""

    def __init__(self, rows: list[list[object]], header: HeaderMatch) -> None:
        self._rows = rows
        self._columns = {p: c for p, c in header.columns.items() if c.kind == INT}
        self._in_hours = header.in_hours  # a length headed in hours: its total too is in hours
        # the cells a record must leave blank for its row to be taken as a total: its id, unit and date
        self._identifying = [p for p, c in header.columns.items() if c.unique or c.kind in (UNIT, DATE)]
        self._read = frozenset(header.columns)  # a column outside them (序号) may hold anything
        self._summed = 0  # how many of the kept rows are in the sums
        self._sums = dict.fromkeys(self._columns, 0)
        self._unread = dict.fromkeys(self._columns, 0)  # how many kept rows' cells did not read as a whole number
        self._block_start = (dict(self._sums), dict(self._unread))

    def numbers_alone(
        self, row: list[object], is_total_label: Callable[[object], bool]
    ) -> tuple[dict[int, int], bool] | None:
        """The row's numbers by column and whether a cell says it is a total, where it holds nothing else and no
        id, unit or date; None for any other row."""
        if any(p < len(row) and not is_blank(row[p]) for p in self._identifying):
            return None
        numbers: dict[int, int] = {}
        labelled = False
        for position, value in enumerate(row):
            if is_blank(value):
                continue
            column = self._columns.get(position)
            number = _whole_number(value, column, position in self._in_hours) if column is not None else None
            if number is not None:
                numbers[position] = number
            elif is_total_label(value):
                labelled = True
            elif position in self._read:
                return None  # a kind, a yes/no, a text: a record missing its id, checked as one
        return (numbers, labelled) if numbers or labelled else None

    def catch_up(self, kept: list[int]) -> None:
        for index in kept[self._summed :]:
            row = self._rows[index]
            for position, column in self._columns.items():
                value = row[position] if position < len(row) else None
                if is_blank(value):
                    continue
                number = _whole_number(value, column, position in self._in_hours)
                if number is None:
                    self._unread[position] += 1
                else:
                    self._sums[position] += number
        self._summed = len(kept)

    def new_block(self, kept: list[int]) -> None:
        """A total closes a block of records: the next subtotal sums the records after it."""
        self.catch_up(kept)
        self._block_start = (dict(self._sums), dict(self._unread))

    def first_not_a_sum(self, index: int, numbers: dict[int, int], kept: list[int]) -> UnsummedTotal | None:
        """None where the numbers are the sums of the block above or of every record above; else the first that
        is not (of the block's sums, as a subtotal's would be)."""
        self.catch_up(kept)
        sums_before, unread_before = self._block_start
        block = {p: (self._sums[p] - sums_before[p], self._unread[p] - unread_before[p]) for p in numbers}
        everything = {p: (self._sums[p], self._unread[p]) for p in numbers}
        for totals in (block, everything):
            if all(totals[p] == (n, 0) for p, n in numbers.items()):
                return None
        for position, number in numbers.items():
            total, unread = block[position]
            if (total, unread) != (number, 0):
                return UnsummedTotal(index, position, number, None if unread else total)
        raise AssertionError("a row of numbers neither summed nor not")  # unreachable: the block did not match
