"""The briefing's content, gathered once and laid out by each format (PPTX, DOCX, PDF, ZIP).

Keeping content apart from layout means the three documents say the same
thing, and each chart image is rendered once and reused by all of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import cast

import pandas as pd

from oversight import charts
from oversight.charts.style import label_width
from oversight.core import i18n
from oversight.core.drawn_width import bold_document_em
from oversight.core.numbers import grouped
from oversight.export.names import ExportContext
from oversight.present import tables
from oversight.present.kpis import Kpi
from oversight.present.summary import count, date_text

# Fonts the documents ask for. Word and PowerPoint on the team's Windows PCs have these;
# elsewhere (LibreOffice, WPS on Linux) fontconfig substitutes Noto Sans CJK.
LATIN_FONT = "Arial"
CJK_SANS = "Microsoft YaHei"
CJK_BODY = "SimSun"
CJK_HEADING = "SimHei"
# The open- and overdue-issue tables' columns in the documents, under the headers the page's table and the ZIP give
# them (``tables.LIST_COLUMNS``; the ZIP's CSV has every column). Six columns do not fit 16 cm without cutting unit
# names or dates: the category stays in the ZIP's table. In English a unit is named as the charts name it (its
# 英文简称): "Office of the / Provincial Local / Chronicles / Compilation / Committee" took five lines of a 3.6 cm
# column (the scope on the cover names units in full)
_OPEN_ISSUE_COLUMNS = ("name_zh", "date_raised", "description", "status")
_OVERDUE_ISSUE_COLUMNS = ("name_zh", "description", "due_date", "days_overdue")
# What each column needs at 9.5 pt, in cm: a unit name (12 characters) and a date on one line; the
# description takes what is left, and wraps.
COLUMN_CM = {
    "number": 1.2,
    "unit": 4.6,
    "date": 2.5,
    "category": 2.3,
    "status": 1.9,
    "days": 1.9,
    "status_en": 2.7,
    # an English unit name wraps whatever the width ("General Office / of the Provincial / Government"): narrower
    # than a Chinese one kept on one line, so the description stays the widest column
    "unit_en": 3.6,
}  # "Rectification status", "In progress": a word per line at most
_TABLE_FONT_PT = 9.5
# A row of a briefing's issue table is a line or three: a longer description is cut there and says where the rest is
# (seven descriptions of 32,767 characters made a PDF of 453 pages). The ZIP's CSV and the ledger keep every word.
DESCRIPTION_CHARACTERS = 100
# The most rows a document's issue list holds (five slides of eight). At a province's scale (1M meetings) 2020 had
# 7,220 overdue and 5,396 open issues: the PDF's 600 pages of table outlasted Chromium's two minutes twice, so the
# brief wrote no file at all, and a deck of 1,580 table slides is handed to nobody. Each list says how many there are
# and where the whole one is: the ZIP's table (and the data page's download of the same name) holds every row.
LISTED_ISSUES = 40
# No chart's picture is placed taller than this in the Word report or the PDF; a taller one would be placed narrower,
# and its smallest text print under 10 pt. The tallest the pack renders (document_layout.DOCUMENT_MAX_HEIGHT, 12.1 cm
# across 16 cm) is placed at the text's width: at 11 cm it was narrowed to 14.5 cm and its text printed at 9.2 pt.
PICTURE_MAX_HEIGHT_CM = 12.2


def picture_width_cm(pixel_size: tuple[int, int], text_width_cm: float = 16.0) -> float:
    """The width a chart's picture is placed at: the text's, or narrower where it would be taller than
    ``PICTURE_MAX_HEIGHT_CM`` at it."""
    width, height = pixel_size
    return min(text_width_cm, PICTURE_MAX_HEIGHT_CM * width / height)


# For the HTML → PDF print: the fonts Debian's fonts-noto-cjk installs, after a TrueType face for an English
# report's text (html_report's @font-face). Chromium's PDF writer embeds a CFF font such as Noto Sans CJK as Type 3, whose glyphs
# poppler cannot space: an English sentence copied out of the PDF read "Thecommitteeheld…".
HTML_LATIN_FACE = "Briefing Latin"
HTML_FONT_STACK = (
    f'"{HTML_LATIN_FACE}", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif'
)

# Chinese characters (ems) that fit one line of the cover's title: the Word report's 22 pt across 16 cm, the slide's
# 40 pt across 11.3 inches (both about 20; the PDF's 21 pt across 17.8 cm holds 24)
TITLE_LINE_CHARACTERS = 20
# Chinese characters of a slide's foot line (10 pt across 12.3 inches hold about 88; Latin letters half as wide)
_FOOTER_SCOPE_CHARACTERS = 80


# the space inside "2019 Q1", made a no-break space on a cover so the title never leaves "Q1" alone on a line
_QUARTER_SPACE = re.compile(r"(?<=\d) (?=Q\d)")


@dataclass(frozen=True)
class ChartSection:
    """One chart of the briefing: its spec, data, one-line reading and (unless empty) its rendered PNG."""

    spec: charts.ChartSpec
    title: str
    frame: pd.DataFrame
    takeaway: str | None  # None: the chart has no reading of its own (or no data)
    png: bytes | None  # None where the selection has no data for this chart
    pixel_size: tuple[int, int]  # of the PNG, for laying it out at the right aspect ratio
    file_stem: str
    # where the view holds none of what the chart counts: the page's own sentence in its place (省政府参事室2020年第4季度
    # 未提出意见建议), where the slide said 本期无相关记录，未作图 and the Word and PDF reports a caption over nothing
    empty_note: str | None = None

    @property
    def aspect(self) -> float:
        width, height = self.pixel_size
        return height / width if width else 9 / 16


def picture_alt(report: Report, section: ChartSection) -> str:
    """What a chart's picture says to a screen reader, the same in the slides, the Word report and the PDF: that it is
    a chart, its title and its reading (the slides' pictures said "image.png", the Word report's nothing at all)."""
    if section.takeaway:
        return report.t("export.briefing.picture_alt", title=section.title, reading=section.takeaway)
    return report.t("export.briefing.picture_alt_title", title=section.title)


def details_lead(report: Report) -> str:
    """The line under 三、分项情况: it keeps the heading on the first page under the key figures, where the first
    chart (11 to 12 cm) does not fit, rather than move with the chart and leave a fifth of that page blank."""
    count = len(report.sections)
    if count == 1:
        return report.t("export.report.details_lead_one")
    return report.t(
        "export.report.details_lead_listed" if figure_list(report) else "export.report.details_lead", count=count
    )


def figure_list(report: Report) -> str:
    """The figures as the lead under 三、分项情况 lists them, in the order they are numbered and as their captions read
    (图1 各单位指出问题与意见建议；图2 ……。), run on in one paragraph: where a leader looks a figure up by its number, and
    what fills the first page under the key figures, where the first chart (9 to 12 cm) does not fit and a fifth to a
    quarter of the page stood blank. A line a figure took 10 cm, and the 4 cm of it the page could not hold kept the
    next page's second chart off it. One figure is named by the lead itself: "" then."""
    if len(report.sections) < 2 or not report.figure_list_shown:
        return ""
    entries = [
        report.t("export.briefing.figure_caption", number=number, title=section.title)
        for number, section in enumerate(report.printed_sections, start=1)
    ]
    return report.t("export.report.figure_list_separator").join(entries) + report.t("export.report.figure_list_end")


# The most the units' line under a report's title may take (squares at its 10 pt): eight lines of 17.8 cm, about 30
# Chinese names; more are named in the annex (``Report.units_in_annex``). An English line holds a letter in 0.55 of
# a square.
_HEAD_SCOPE_SQUARES, _LATIN_SHARE = 8 * 50, 0.55


@dataclass(frozen=True)
class Report:
    context: ExportContext
    team: str
    kpis: list[Kpi]
    summary: list[str]
    sections: list[ChartSection]
    open_issues: pd.DataFrame  # the open_issues query's frame
    overdue_issues: pd.DataFrame  # the overdue_issues query's frame
    # the lines the page gives under its caption (``summary.figure_notes``): what the figures run to, and why the
    # cards are not compared where the year before is partly before the data; under the key figures in every format
    figure_notes: tuple[str, ...] = ()
    # the order the Word report and the PDF place the charts in (indices into ``sections``; ``page_fill``: two to an
    # A4 page wherever they can), empty for the page's order. The slides and the ZIP keep the page's order, the same
    # from one quarter's deck to the next, where a presenter looks for a chart by its place
    print_order: tuple[int, ...] = ()
    # whether 三、分项情况 lists the figures under its lead (``figure_list``): page_fill leaves it out only where it would
    # leave a later page emptier than the page's allowance, as a one-unit quarter of few charts would
    figure_list_shown: bool = True

    @property
    def printed_sections(self) -> list[ChartSection]:
        """The charts in the order the Word report and the PDF number and place them."""
        return [self.sections[index] for index in self.print_order] if self.print_order else list(self.sections)

    @property
    def marking(self):
        return self.context.marking

    @property
    def lang(self) -> str:
        return self.context.lang

    def t(self, key: str, **params: object) -> str:
        return self.context.t(key, **params)

    @property
    def period_name(self) -> str:
        """``2020年度`` for a whole year, else the quarter range: what the title says."""
        filter_ = self.context.filter
        if filter_.is_whole_year:
            year = self.t("export.briefing.year_period", year=filter_.start.year)
            if filter_.is_to_date:  # 2020年度（截至8月14日）: the cover said 2020年度 over figures to 14 August
                return i18n.to_date_label(year, filter_.as_of, self.context.lang)
            return year
        return self.context.period()

    @property
    def title(self) -> str:
        return self.t("export.briefing.title", period=self.period_name)

    @property
    def title_lines(self) -> list[str]:
        """The title as the cover sets it: its heading and its period, in the title's order. A Chinese title joins
        them without a word between (2020年第3季度派驻监督工作情况) and is one line where it fits, else broken between
        them (2019年第1季度至2020年第4季度 / 派驻监督工作情况, where the Word report broke it inside a word: …派驻监 /
        督工作情况). An English cover sets the heading over the period, a line each ("Stationed supervision briefing"
        / "2020 Q3"): its one-line title split at its colon, "Stationed supervision:" / "2019 Q1 to 2020 Q4".
        Inside the period a quarter's year and number never part: "2019 Q1" is one word to the line breaker."""
        title, heading = self.title, self.t("export.briefing.title_heading")
        if self.lang == "zh" and len(title) <= TITLE_LINE_CHARACTERS:
            return [title]
        period = _QUARTER_SPACE.sub("\u00a0", self.period_name)
        return [period, heading] if title.index(self.period_name) < title.index(heading) else [heading, period]

    @property
    def title_scale(self) -> float:
        """How much smaller than its style the cover's title is set so that its longest line fits one line (a
        period to date, 2020年第1季度至2020年第4季度（截至8月14日）, is longer than a line by itself). A Chinese line
        counts a square a character, digits too: LibreOffice and WPS space Latin apart from Chinese, a digit and its
        space about a square. An English line counts its bold letters (bold_document_em): "2019 Q1 to 2021 Q4 (to 31
        December 2020)", 24.3 ems, was not scaled and broke before "December" on the slide and in Word."""
        measure = len if self.lang == "zh" else bold_document_em
        return min(1.0, TITLE_LINE_CHARACTERS / max(measure(line) for line in self.title_lines))

    @property
    def as_of(self) -> date:
        """The day the figures and the issue lists are counted to: the range's end, or the data date where that
        comes first (the lists said 30 June 2021 where the data stop on 31 December 2020)."""
        return self.context.filter.as_of

    def footer(self) -> str:
        return self.t(
            "export.briefing.footer",
            team=self.team,
            period=self.context.period(),
            data_as_of=self.context.data_as_of(),
        )

    def footer_lines(self) -> list[str]:
        """A slide's foot: the team, period and data date, and, for a pack of some units, which units. A slide
        shown or copied on its own said 本期召开会议46次 under the team's name, as if the whole team's figure; only
        the cover named the two units. Too many names for the line say how many and point to the cover."""
        if not self.context.filter.units:
            return [self.footer()]
        scope = self.t("export.briefing.scope", scope=self.context.scope())
        if len(scope) > (_FOOTER_SCOPE_CHARACTERS if self.lang == "zh" else 2 * _FOOTER_SCOPE_CHARACTERS):
            scope = self.t("export.briefing.scope_on_cover", count=len(self.context.filter.units))
        return [self.footer(), scope]

    def empty_list_line(self, key: str) -> str:
        """What an issue list without a row says, its day and units written as the page's empty list writes them
        (``empty.no_overdue``: 截至2020年9月30日，省地方志编纂委员会办公室无逾期未整改的问题…, where the pack said 截至期末)."""
        return self.t(
            key,
            scope=self.context.scope_in_sentence(),
            any_scope=self.context.any_scope_in_sentence(),
            as_of=date_text(self.as_of, self.lang),
        )

    @property
    def units_in_annex(self) -> bool:
        """Whether the Word report and the PDF name the chosen units in an annex after 五、下一步工作 rather than
        under the title: 300 units' names ran over a page and a half of its head before the summary began (the
        slides put them on slides after the cover)."""
        units = self.context.filter.units
        return bool(units) and label_width(self.meta_lines()[0], 1.0, _LATIN_SHARE) > _HEAD_SCOPE_SQUARES

    def head_lines(self) -> list[str]:
        """The lines under the Word report's and the PDF's title: the team, the units (or how many, and where they
        are named), the period, the data date."""
        lines = [self.team, *self.meta_lines()]
        if self.units_in_annex:
            lines[1] = self.t("export.report.scope_in_annex", count=len(self.context.filter.units))
        return lines

    def meta_lines(self) -> list[str]:
        return [
            self.t("export.briefing.scope", scope=self.context.scope()),
            self.t("export.briefing.period", period=self.context.period()),
            _capitalised(self.context.data_as_of()),  # "Data as of …" opens its line on the cover
        ]


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]  # no effect on Chinese


RowsOf = Callable[["Report"], tuple[list[str], list[list[str]], list[str]]]  # open_issue_rows or overdue_issue_rows


def _cell_text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return ""
    if isinstance(value, (pd.Timestamp, date)):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _rows(
    report: Report, query: str, frame: pd.DataFrame, columns: tuple[str, ...]
) -> tuple[list[str], list[list[str]], list[str]]:
    # each description opens with its issue's number (WT2020-013): the number is what a leader quotes when asking
    # after an issue, as the ledger and the screen's tables give it (a column of its own left the description
    # too narrow on an English slide)
    ids = [_cell_text(value) for value in frame["issue_id"]] if "issue_id" in frame else [""] * len(frame)
    # the full name's column the tables add beside a short one: no room for it in a document's table
    table = tables.issue_list(query, frame, report.lang, columns).drop(
        columns=[report.t("column.unit_full_name")], errors="ignore"
    )
    kinds = ["number", *map(_column_kind, columns)]
    rows = [
        [str(number), *(_shown(report, _cell_text(value), kind, issue_id) for value, kind in zip(values, kinds[1:]))]
        for number, (issue_id, values) in enumerate(
            zip(ids[:LISTED_ISSUES], table.head(LISTED_ISSUES).itertuples(index=False)), 1
        )
    ]
    # a language whose words need wider columns has its own widths (``status_en``)
    kinds = [
        i18n.localized_column(kind, report.lang) if i18n.localized_column(kind, report.lang) in COLUMN_CM else kind
        for kind in kinds
    ]
    return [report.t("export.briefing.row_number"), *map(str, table.columns)], rows, kinds


def _shown(report: Report, text: str, kind: str, issue_id: str) -> str:
    """A cell of an issue table: a description cut at ``DESCRIPTION_CHARACTERS``, opening with its issue's number; a
    day count grouped in thousands as the cards write a count (1005 days overdue stood beside 7,220 issues)."""
    if kind == "days":
        return grouped(float(text)) if text else text
    if kind != "description":
        return text
    if len(text) > DESCRIPTION_CHARACTERS:
        text = text[:DESCRIPTION_CHARACTERS] + report.t("export.briefing.text_cut", characters=f"{len(text):,}")
    return f"{issue_id} {text}" if issue_id else text


def _column_kind(column: str) -> str:
    if column.startswith("name_"):
        return "unit"
    if column.endswith("date") or column.startswith("date_"):
        return "date"
    if column.startswith("days_"):
        return "days"
    return column if column in COLUMN_CM else "description"


def no_open_issues_key(report: Report) -> str:
    """What the open-issue list says when it is empty: that every issue raised in the period was rectified, or,
    when none was raised, that (the all-clear over no issue at all read as a finding)."""
    raised = next((kpi.value for kpi in report.kpis if kpi.key == "issues"), None)
    return "export.briefing.no_issues_raised" if raised == 0 else "export.briefing.no_open_issues"


def open_issue_rows(report: Report) -> tuple[list[str], list[list[str]], list[str]]:
    """Header, rows (numbered) and column kinds of the open-issue table in the report's language."""
    return _rows(report, "open_issues", report.open_issues, _OPEN_ISSUE_COLUMNS)


def overdue_issue_rows(report: Report) -> tuple[list[str], list[list[str]], list[str]]:
    """Header, rows and column kinds of the overdue-issue table: what is past its due date and still open."""
    return _rows(report, "overdue_issues", report.overdue_issues, _OVERDUE_ISSUE_COLUMNS)


def _listed(report: Report, rows_of: RowsOf) -> tuple[str, pd.DataFrame]:
    """The query (and file) name and the whole frame of the list ``rows_of`` gives."""
    return (
        ("open_issues", report.open_issues) if rows_of is open_issue_rows else ("overdue_issues", report.overdue_issues)
    )


def issue_count(report: Report, rows_of: RowsOf) -> str:
    """How many issues the list holds, all of them (its table shows ``LISTED_ISSUES`` at most): ``7220个``."""
    return count(len(_listed(report, rows_of)[1]), "issues", report.lang)


def listed_note(report: Report, rows_of: RowsOf) -> str | None:
    """Where a list is longer than its table: which rows the table shows and where the whole list is."""
    query, frame = _listed(report, rows_of)
    if len(frame) <= LISTED_ISSUES:
        return None
    return report.t(
        "export.briefing.list_cut",
        shown=LISTED_ISSUES,
        total=count(len(frame), "issues", report.lang),
        file=report.t(f"export.file.{query}"),
    )


def column_widths(
    kinds: list[str], total_cm: float, font_pt: float = _TABLE_FONT_PT, header: Sequence[str] = ()
) -> list[float]:
    """Widths in cm that add up to ``total_cm``: each column what its text needs at ``font_pt`` and at least its
    header's longest word in bold (Rectificatio|n status, Days overdu|e broke inside the word on a slide), the
    description what is left (dates narrow, the description wide)."""
    scale = font_pt / _TABLE_FONT_PT
    fixed = [COLUMN_CM[kind] * scale if kind in COLUMN_CM else None for kind in kinds]
    for position, title in enumerate(header):
        if fixed[position] is not None:
            fixed[position] = max(cast(float, fixed[position]), _longest_word_cm(title, font_pt))
    rest = total_cm - sum(width for width in fixed if width is not None)
    flexible = max(fixed.count(None), 1)
    return [width if width is not None else rest / flexible for width in fixed]


_BOLD_LATIN_EM = 0.68  # a bold Latin letter's average width in em, erring wide (DejaVu Sans Bold stands in for Arial)
_CELL_PADDING_CM = 0.45  # the cell's left and right insets together
_PT_PER_CM = 72 / 2.54


def _longest_word_cm(title: str, font_pt: float) -> float:
    words = title.split() or [title]
    return max(label_width(word, font_pt, _BOLD_LATIN_EM) for word in words) / _PT_PER_CM + _CELL_PADDING_CM
