"""The order of the report's charts, planned from their pictures' heights so that two share a page wherever they fit
(``oversight.briefing.page_fill``); the rendered pages are checked in tests/test_office.py."""

from __future__ import annotations

import pandas as pd

from oversight.briefing import page_fill
from oversight.briefing.report import ChartSection
from oversight.charts import catalog

_SPECS = catalog.all_charts()
# the pictures' heights in pixels at 1,160 wide: 880 is 12.1 cm placed 16 cm wide, 720 is 9.9 cm, 316 is 4.4 cm
_TALL, _SHORT, _SMALL = 880, 720, 316
_READING = "共开展日常提醒42次，其中书面提醒15次。"  # one line


def _section(number: int, height: int | None) -> ChartSection:
    return ChartSection(
        _SPECS[number],
        f"chart {number}",
        pd.DataFrame(),
        _READING if height else None,
        b"png" if height else None,
        (1160, height or 400),
        f"chart-{number}",
        None if height else "本期无相关记录。",
    )


def _numbers(sections: list[ChartSection]) -> list[int]:
    return [int(section.file_stem.split("-")[1]) for section in sections]


def _one_group(key: str) -> str:
    return "one"


def test_two_tall_charts_running_together_are_parted_by_a_shorter_one():
    """The full pack's reminders: 11.1 cm then 12.1 cm could not share a page, so the first stood alone on it."""
    sections = [_section(0, _TALL), _section(1, _TALL), _section(2, _SHORT), _section(3, _SHORT)]
    assert page_fill.block_cm(sections[0]) + page_fill.block_cm(sections[1]) > page_fill.PAGE_CM
    laid = page_fill.ordered_for_pages(sections, _one_group)
    assert _numbers(laid) == [0, 2, 1, 3]  # the tall ones apart: three pages (one half blank) became two
    pages = [laid[0:2], laid[2:4]]
    assert all(sum(page_fill.block_cm(section) for section in page) <= page_fill.PAGE_CM for page in pages)


def test_an_order_that_takes_no_more_pages_is_kept():
    """Short and tall, then tall and short, fill two pages as they come: nothing is moved."""
    sections = [_section(0, _SHORT), _section(1, _TALL), _section(2, _TALL), _section(3, _SHORT)]
    assert _numbers(page_fill.ordered_for_pages(sections, _one_group)) == [0, 1, 2, 3]


def test_each_group_stays_whole_and_in_its_place_and_an_empty_chart_where_it_was():
    sections = [_section(0, _TALL), _section(1, _TALL), _section(2, None), _section(3, _SHORT), _section(4, _SHORT)]
    group = {0: "a", 1: "a", 2: "b", 3: "b", 4: "c"}
    laid = page_fill.ordered_for_pages(sections, lambda key: group[[s.key for s in _SPECS].index(key)])
    assert _numbers(laid) == [0, 1, 2, 3, 4]  # 图2 of group b may not go up between the tall ones of group a


def test_a_reading_of_several_lines_counts_each_line():
    one = _section(0, _SHORT)
    three = ChartSection(**{**one.__dict__, "takeaway": _READING * 6})  # about 130 squares: three lines
    assert round(page_fill.block_cm(three) - page_fill.block_cm(one), 2) == round(2 * 0.59, 2)


def test_the_charts_are_planned_from_where_the_first_page_ends():
    """Session 36: planned as if the charts began page 2, a one-unit pack's 6 cm first chart under the PDF's lead line
    left page 2 a third blank. With 20 cm of page 1 used, the short chart goes first, under the lead; the tall one
    opens page 2."""
    sections = [_section(0, _TALL), _section(1, _SMALL)]
    assert _numbers(page_fill.ordered_for_pages(sections, _one_group)) == [0, 1]
    assert _numbers(page_fill.ordered_for_pages(sections, _one_group, (20.0, 20.0))) == [1, 0]
