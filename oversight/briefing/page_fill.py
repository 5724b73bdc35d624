"""The order of the charts in the Word report and the PDF, so that two share each page wherever they can.

Every picture is placed 16 cm wide (its text printed at 10 pt), so two of the tallest (11 to 12 cm, units on their
rows) with their captions and readings are more than an A4 page holds: where they came one after the other, the first
stood alone on a page half blank (the full pack's page 9; in English pages 9 to 11). Within each page's run of
charts (the briefing chooser's groups, which stay whole and in their order), the charts are put in the order that
takes the fewest pages, a tall one beside a shorter one; of those, the one whose emptiest page is fullest; where the
given order does as well, it is kept. The plan begins where each document's first page ends (the Word report's and
the PDF's, ``first_pages_used_cm``), and both documents put the first chart where the plan put it. Under the lead of
三、分项情况 the list of the figures (``report.figure_list``) fills the first page, running on to the next, where no
chart fits (a fifth to a quarter of page 1 was blank); ``planned`` leaves it out where it would cost a page, leave a
later page emptier, or push a short first chart off page 1.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from oversight.briefing.report import ChartSection, Report, details_lead, figure_list, picture_width_cm
from oversight.charts.style import label_width

# A4 inside the 1.5 cm (15 mm) top and bottom margins of both documents, less a millimetre for the estimate's error
PAGE_CM = 29.7 - 2 * 1.5 - 0.1
PICTURE_CM = 16.0  # the width each picture is placed at
# What a chart takes beside its picture, as the PDF lays it out (the Word report sets its caption and reading closer):
# the 10 pt between two charts and its caption's line (10 pt at 1.6, 4 pt above), then each line of its reading
# (10.5 pt at 1.6), 48 squares across the 17.8 cm of text. Measured on the printed pack: charts 7 and 8 of the English
# one, reckoned 26.4 cm, took 26.5 cm of the page's 26.7
_FRAME_CM, _READING_LINE_CM, _READING_LINE_SQUARES = 1.06, 0.59, 48
# A caption's further lines (10 pt bold at 1.6): the frame above counts one. "Figure 14. Consultations, special study
# sessions, notifications and secondments by unit" (47.9 squares) kept to one line of the printed English pack and
# "… per quarter" (49.0) took two, which the plan did not know: a chart it reckoned on page 9 went to page 10 and
# left page 9 half blank. The number is reckoned as the widest, "Figure 18. ".
_CAPTION_LINE_CM, _CAPTION_NUMBER_SQUARES = 16 * 2.54 / 72, 11 * 0.55
_EMPTY_CM = 1.6  # an empty chart's sentence and caption
_MOST_PERMUTED = 5  # charts of one run (120 orders; the chooser's groups hold 4 at most); a longer run keeps its order
_STATES_KEPT = 16
# A page's blank under this is no fault, and no reason to move a chart: a page filled closer to its foot than the
# estimate's error is a chart pushed to the next (the one-unit English pack's page 2, reckoned 0.4 cm from its foot,
# was 0.9 cm over, and the pages after it a third blank)
_BLANK_ALLOWED_CM = 0.15 * PAGE_CM


def block_cm(section: ChartSection) -> float:
    """About how much of a page's height ``section`` takes, as the Word report and the PDF lay it out."""
    if section.png is None:
        return _EMPTY_CM
    width, height = section.pixel_size
    picture = picture_width_cm(section.pixel_size, PICTURE_CM) * height / width
    lines = math.ceil(label_width(section.takeaway or "", 1.0, 0.55) / _READING_LINE_SQUARES)
    caption_squares = label_width(section.title, 1.0, 0.55) + _CAPTION_NUMBER_SQUARES
    caption_lines = max(1, math.ceil(caption_squares / _READING_LINE_SQUARES))
    return picture + _FRAME_CM + _CAPTION_LINE_CM * (caption_lines - 1) + _READING_LINE_CM * lines


@dataclass(frozen=True)
class FirstPage:
    """How one document sets its first page, in points (measured on the printed packs, zh and en): each title line
    and what follows the title; each meta line; each of the three headings with the room around it; a body line
    (11 pt, set 17.6 pt apart in both) and what follows a paragraph; a row of the key-figure table; a note's line
    and the room around it; how many squares (11 pt) a body line holds."""

    title_line: float
    after_title: float
    meta_line: float
    heading: float
    paragraph_after: float
    row: float
    note_line: float
    note_around: float
    squares: float
    meta_squares: float


# The figure list under the lead (report.figure_list), one paragraph set alike in both documents: 10.5 pt lines 15.75 pt
# apart, 4 pt over it and 8 pt under it; the body's height on the page (A4 inside its 15 mm margins), where it breaks
FIGURE_LIST_FONT_PT, FIGURE_LIST_LINE_PT = 10.5, 15.75
FIGURE_LIST_BEFORE_PT, FIGURE_LIST_AFTER_PT = 4.0, 8.0
_BODY_PAGE_CM = 29.7 - 2 * 1.5


_PT_CM = 2.54 / 72
_BODY_LINE_PT = 17.6
_LATIN_SHARE = 0.52  # an English body line of 17.8 cm holds about 88 letters and spaces at 11 pt: 0.52 of a square
# html_report's CSS: h1 21 pt at 1.6 and 6 pt; meta 10 pt at 1.6 (its 16 pt under it runs into the heading's 18 pt
# above); a heading 14 pt at 1.6 with 18 pt above and 8 pt below; 6 pt after a paragraph; a row 9.5 pt at 1.6 with
# 3 pt above and below; a note 9.5 pt at 1.6 with 4 pt and 10 pt; 17.8 cm of text
PDF_FIRST_PAGE = FirstPage(33.6, 6, 16, 48.4, 6, 22, 15.2, 14, 17.8 / (11 * _PT_CM), 17.8 / (10 * _PT_CM))
# docx_report as LibreOffice sets it, where a Chinese face's lines stand further apart than a Latin one's: the title
# 22 pt and what follows it; the meta lines; a heading 40.4 pt with its spacing; 6 pt after a paragraph; a row; a
# note's line and its 6 pt above; 16 cm of text, of which a Chinese line gives its digits and Latin letters a space
# either side (2020 年第 1 季度): 38 squares a line, not the 41 an English one holds
WORD_FIRST_PAGE = {
    "zh": FirstPage(25.5, 29, 18, 40.4, 6, 18.7, 17.6, 16, 38, 38),
    "en": FirstPage(25.5, 20, 14.7, 40.4, 6, 16, 17.6, 16, 41, 41),
}


def first_pages_used_cm(report: Report) -> tuple[float, float]:
    """How far down its page each document's charts begin, the Word report's and the PDF's: under the figure list,
    on the first page or, where the list runs on, the second."""
    (word, _), (pdf, _) = _starts(report)
    return word, pdf


def _starts(report: Report) -> list[tuple[float, bool]]:
    """For the Word report and the PDF: how far down its page the charts begin, and whether that page is the first."""
    return [
        _after_figure_list(report, first_page_used_cm(report, page), page)
        for page in (WORD_FIRST_PAGE[report.lang], PDF_FIRST_PAGE)
    ]


def _after_figure_list(report: Report, used: float, page: FirstPage) -> tuple[float, bool]:
    """How far down its page the figure list ends when it begins ``used`` cm down the first page, and whether that is
    still the first: its lines fill that page to its foot and the rest open the next."""
    text = figure_list(report)
    if not text:
        return used, True
    line_cm, first = FIGURE_LIST_LINE_PT * _PT_CM, True
    used += FIGURE_LIST_BEFORE_PT * _PT_CM
    for _ in range(_lines(text, page.squares * 11 / FIGURE_LIST_FONT_PT)):  # squares at 11 pt, the body's
        if used + line_cm > _BODY_PAGE_CM:
            used, first = 0.0, False
        used += line_cm
    return used + FIGURE_LIST_AFTER_PT * _PT_CM, first


def planned(
    drafts: Sequence[tuple[Report, Sequence[ChartSection]]], group_of: Callable[[str], str]
) -> tuple[list[int], bool]:
    """The charts' order (indices into the sections; ``ordered_for_pages``), one for every language in ``drafts``
    (each report with its charts, in the same order, the pack's own first), and whether the first report's
    三、分项情况 lists the figures (``report.figure_list``). A leader holding the Chinese and the English report side by
    side finds 图5 the same chart in both, where each language's own plan had put 图1 and 图3 the other way round
    (the default view) or 图3 and 图4 (one unit): the order fills the pages of both languages' documents as well as
    one order can. The figure list, which only fills the first page, is each language's own.
    The list fills the first page, but the charts then begin lower. The report goes without it where that takes fewer
    pages; leaves no page after the first emptier than ``_BLANK_ALLOWED_CM`` where the list would (counsellors' 2020
    Q1, seven empty charts among tall ones: the Word report's page 2 ended 0.26 blank); or fills the first page better,
    a short first chart standing under the lead where the list would push it off (a one-unit Chinese pack: page 1
    0.03 to 0.08 blank without the list, 0.09 to 0.17 with it, and a page more)."""
    plans = []
    runs = _runs(drafts[0][1], group_of)
    heights = [[block_cm(section) for section in sections] for _, sections in drafts]
    for shown in itertools.product((True, False), repeat=len(drafts)):  # the list in each language, or not
        starts: list[tuple[float, bool]] = []
        documents_heights: list[list[float]] = []
        for (report, _), listed, blocks in zip(drafts, shown, heights):
            for start in _starts(dataclasses.replace(report, figure_list_shown=listed)):
                starts.append(start)
                documents_heights.append(blocks)
        order = _ordered(runs, [used for used, _ in starts], documents_heights)
        plans.append((_plan_cost(order, starts, documents_heights), order, shown[0]))
    _, order, shown_first = min(plans, key=lambda plan: plan[0])  # on a tie, the first: the list
    return order, shown_first


# what a plan costs, as ``planned`` compares them: the pages (every document), the most a page after the first but
# before the last leaves blank beyond the allowance, the first page's blank to the centimetre
_PlanCost = tuple[int, float, int]


def _plan_cost(
    order: Sequence[int], starts: Sequence[tuple[float, bool]], heights: Sequence[Sequence[float]]
) -> _PlanCost:
    """What ``order`` costs laid from ``starts`` (``_starts``) in each document, whose charts are ``heights`` tall."""
    pages, middle, first_page = 0, 0.0, 0.0
    for (used, first), blocks in zip(starts, heights):
        pages += 1 if first else 2
        if not first:  # the list ran on: the first page ends at its last line
            first_page = max(first_page, FIGURE_LIST_LINE_PT * _PT_CM)
        for block in (blocks[index] for index in order):
            if used and used + block > PAGE_CM:
                if first:
                    first_page = max(first_page, PAGE_CM - used)
                else:
                    middle = max(middle, PAGE_CM - used - _BLANK_ALLOWED_CM)
                pages, used, first = pages + 1, 0.0, False
            used += block
    return pages, round(middle, 1), round(first_page)


def first_chart_opens_page_two(report: Report, document: str) -> bool:
    """Whether ``document``'s (docx, pdf) first chart goes to the next page, as its order was planned: the documents
    are told (a page break before it), so a chart that would just have fitted does not stand on page 1 in one
    document and on page 2 in the other, leaving the page after it as far from full as the plan was from the page."""
    if not report.sections:
        return False
    used = dict(zip(("docx", "pdf"), first_pages_used_cm(report)))[document]
    return used + block_cm(report.printed_sections[0]) > PAGE_CM


def _lines(text: str, squares: float, indent: int = 0) -> int:
    return max(1, math.ceil((label_width(text, 1.0, _LATIN_SHARE) + indent) / squares))


def first_page_used_cm(report: Report, page: FirstPage) -> float:
    """About how far down its first page (inside the top margin) the report's 三、分项情况 and its lead line end, as
    ``page`` sets it: the room under them is where the figure list and the first charts go. On the printed packs the
    estimate errs by 0.5 cm at most, high rather than low (a chart reckoned to fit that did not would push every page
    after it down)."""
    indent = int(report.t("export.report.first_line_indent_chars"))
    points = len(report.title_lines) * page.title_line + page.after_title
    points += sum(_lines(line, page.meta_squares) for line in report.head_lines()) * page.meta_line
    points += 3 * page.heading
    for paragraph in [*report.summary, details_lead(report)]:
        points += _lines(paragraph, page.squares, indent) * _BODY_LINE_PT + page.paragraph_after
    points += (1 + len(report.kpis)) * page.row
    points += sum(_lines(note, page.squares) * page.note_line + page.note_around for note in report.figure_notes)
    return points * _PT_CM


def _laid(used: float, blocks: Sequence[float]) -> tuple[int, float, float]:
    """(pages begun, the last one's used height, the most any page they close leaves blank) when ``blocks`` follow a
    page ``used`` cm full; a blank counts beyond ``_BLANK_ALLOWED_CM``."""
    begun, blank = 0, 0.0
    for block in blocks:
        if used and used + block > PAGE_CM:
            begun, blank, used = begun + 1, max(blank, PAGE_CM - used - _BLANK_ALLOWED_CM), 0.0
        used += block
    return begun, used, blank


def _runs(sections: Sequence[ChartSection], group_of: Callable[[str], str]) -> list[list[int]]:
    """The indices of ``sections`` cut into runs that may be reordered: consecutive pictured charts of one group (an
    empty chart's sentence is a run of its own, where it was). Which charts are empty is the data's, the same in every
    language."""
    runs: list[list[int]] = []
    for index, section in enumerate(sections):
        last = sections[runs[-1][-1]] if runs else None
        if (
            last is not None
            and section.png is not None
            and last.png is not None
            and group_of(section.spec.key) == group_of(last.spec.key)
        ):
            runs[-1].append(index)
        else:
            runs.append([index])
    return runs


# an order's cost: the pages the documents take, the most any page leaves blank before the last chart's, charts moved
_Cost = tuple[int, float, int]


def ordered_for_pages(
    sections: Sequence[ChartSection], group_of: Callable[[str], str], first_pages: Sequence[float] = (0.0,)
) -> list[ChartSection]:
    """``sections`` with each run of pictured charts of one group (``group_of`` a chart's key) in the order that,
    with the runs after it, takes the fewest pages; of those, the one whose emptiest page is fullest, then the one
    that moves the fewest charts. ``first_pages``: how far down its first page each document's charts begin
    (``first_page_used_cm``; 0, a page of their own). One order serves the Word report and the PDF, so it is planned
    for both: a one-unit pack's first chart, 6 cm, fits under the PDF's lead line, and the order planned as if the
    charts began page 2 left the PDF's page 2 a third blank."""
    blocks = [block_cm(section) for section in sections]
    order = _ordered(_runs(sections, group_of), first_pages, [blocks] * len(first_pages))
    return [sections[index] for index in order]


def _ordered(
    runs: Sequence[Sequence[int]], first_pages: Sequence[float], heights: Sequence[Sequence[float]]
) -> list[int]:
    """The indices of ``runs`` in the order ``ordered_for_pages`` chooses, for documents whose charts begin
    ``first_pages`` cm down their page and are ``heights`` tall (one list of every chart's height per document)."""
    start = tuple(round(used, 1) for used in first_pages)
    # the orders so far, by how full each document's last page is: (cost, the order)
    states: dict[tuple[float, ...], tuple[_Cost, list[int]]] = {start: ((0, 0.0, 0), [])}
    for run in runs:
        orders = itertools.permutations(run) if len(run) <= _MOST_PERMUTED else [tuple(run)]
        laid = [
            (order, sum(a != b for a, b in zip(order, run)), [[blocks[index] for index in order] for blocks in heights])
            for order in orders
        ]
        following: dict[tuple[float, ...], tuple[_Cost, list[int]]] = {}
        for used, ((pages, blank, moved), so_far) in states.items():
            for order, order_moved, documents_blocks in laid:
                each = [_laid(document_used, blocks) for document_used, blocks in zip(used, documents_blocks)]
                cost = (
                    pages + sum(begun for begun, _, _ in each),
                    round(max([blank, *(closed for _, _, closed in each)]), 1),
                    moved + order_moved,
                )
                key = tuple(round(now_used, 1) for _, now_used, _ in each)
                if key not in following or cost < following[key][0]:
                    following[key] = (cost, [*so_far, *order])
        # the best few are enough (two charts to a page leave few ways to fill one) and keep the time bounded
        states = dict(sorted(following.items(), key=lambda item: item[1][0])[:_STATES_KEPT])
    return min(states.values(), key=lambda state: state[0])[1]
