"""One call builds the briefing pack for a filter and language: PPTX, DOCX, PDF and a ZIP of charts and data.

It reads through a DuckDB connection or any ``run_query(name, filter)``
callable (the pages pass their cached one), renders each chart once, and
reports progress through ``progress(fraction, message)``, because rendering
takes a few seconds and a leader should see it move.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import io
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import duckdb
import pandas as pd
from PIL import Image

from oversight import charts
from oversight.briefing.docx_report import docx_bytes
from oversight.briefing.html_report import report_html
from oversight.briefing.office_package import zip_member
from oversight.briefing.page_fill import planned
from oversight.briefing.pdf_info import with_information
from oversight.briefing.pdf_print import html_to_pdf_with_images, warm_up
from oversight.briefing.pptx_deck import pptx_bytes
from oversight.briefing.report import ChartSection, Report
from oversight.briefing.takeaways import takeaway
from oversight.core import i18n
from oversight.data import queries
from oversight.data.filters import DataSpan, Filter
from oversight.export import document_layout, rendering
from oversight.export.data_files import (
    chart_data_table,
    table_csv_bytes,
    table_xlsx_bytes,
)
from oversight.export.marking import NO_MARKING, Marking
from oversight.export.names import ExportContext
from oversight.present import kpis, tables
from oversight.present.summary import Figures, QueryRunner, figure_notes, gather_figures, summary_paragraphs

Progress = Callable[[float, str], object]  # what it returns is ignored (a progress bar returns itself)
QuerySource = duckdb.DuckDBPyConnection | QueryRunner
FORMATS = ("pptx", "docx", "pdf", "zip")
MIME_TYPES = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "zip": "application/zip",
}
# Share of the progress bar each stage takes: the chart images and the PDF print are the slow parts.
_CHARTS_END, _PPTX_END, _DOCX_END, _ZIP_END = 0.55, 0.62, 0.68, 0.75


@dataclass(frozen=True)
class BriefingPack:
    report: Report
    files: dict[str, bytes] = field(default_factory=dict)  # format → bytes
    file_names: dict[str, str] = field(default_factory=dict)  # format → file name

    def mime(self, file_format: str) -> str:
        return MIME_TYPES[file_format]


def chart_groups() -> tuple[tuple[str, tuple[charts.ChartSpec, ...]], ...]:
    """Every chart once, grouped by the page it is first shown on (the briefing page's chooser), in page order."""
    from oversight.charts.catalog import PAGE_CHARTS

    seen: set[str] = set()
    groups = []
    for page_id, specs in PAGE_CHARTS.items():
        fresh = tuple(spec for spec in specs if spec.key not in seen)
        seen.update(spec.key for spec in fresh)
        if fresh:
            groups.append((page_id, fresh))
    return tuple(groups)


def as_query_runner(source: QuerySource) -> QueryRunner:
    if isinstance(source, duckdb.DuckDBPyConnection):
        return lambda name, filter_: queries.run(source, name, filter_)
    return source


def load_context(
    run_query: QueryRunner, filter_: Filter, span: DataSpan, lang: str, marking: Marking = NO_MARKING
) -> ExportContext:
    """Unit names (``units`` ignores the filter's parameters) and the data date of ``span``."""
    return ExportContext.build(lang, filter_, run_query("units", filter_), span.last_day, marking)


def _noop(fraction: float, message: str) -> None:
    return None


# Figures go to kaleido a few at a time: side by side in its tabs, yet often enough to move the progress bar.
_RENDER_BATCH = rendering.RENDER_TABS
# Batches waiting for the browser at once: one in its tabs, the next ready the moment a tab frees up.
_BATCHES_IN_FLIGHT = 2


class _ChartDrawing:
    """The charts' pictures on their way: each batch of figures goes to the browser as soon as its data is
    read and its figures built, so that Chromium draws while Python reads and builds the next batch and then
    gathers everything that needs no picture."""

    def __init__(
        self, run_query: QueryRunner, filter_: Filter, specs: Sequence[charts.ChartSpec], context: ExportContext
    ) -> None:
        self._specs, self._lang = specs, context.lang
        self.frames: list[pd.DataFrame] = []
        self._drawn: list[int] = []
        self._pool = concurrent.futures.ThreadPoolExecutor(_BATCHES_IN_FLIGHT, thread_name_prefix="oversight-charts")
        self._batches: list[tuple[list[int], concurrent.futures.Future]] = []
        try:
            batch: list[int] = []
            for index, spec in enumerate(specs):
                frame = run_query(spec.query, filter_)
                self.frames.append(frame)
                if not charts.is_empty(frame, spec.value_columns):
                    batch.append(index)
                if len(batch) == _RENDER_BATCH or (batch and index == len(specs) - 1):
                    self._send(batch, context)
                    batch = []
        except BaseException:
            self.close()
            raise

    def _send(self, batch: list[int], context: ExportContext) -> None:
        # rendered once, at the size the documents place it, and shared by every format; the figure is the
        # briefing's own, so it is laid out for the page in place rather than copied
        figures = [
            document_layout.document_figure(
                self._specs[index].build(self.frames[index], self._lang), context.marking, copy=False
            )
            for index in batch
        ]
        self._drawn += batch
        self._batches.append(
            (
                batch,
                self._pool.submit(
                    rendering.render_pngs, [(figure, document_layout.document_size(figure)) for figure in figures]
                ),
            )
        )

    def pngs(self, progress: Progress) -> dict[int, bytes]:
        """Each drawn chart's PNG by its index in the specs, reporting progress as each batch is awaited."""
        lang, count = self._lang, len(self._drawn)
        pngs: dict[int, bytes] = {}
        start = 0
        for batch, drawn in self._batches:
            progress(
                0.05 + (_CHARTS_END - 0.05) * start / max(count, 1),
                i18n.t(
                    "export.progress.chart", lang, index=start + 1, count=count, title=self._specs[batch[0]].title(lang)
                ),
            )
            pngs.update(zip(batch, drawn.result()))
            start += len(batch)
        return pngs

    def close(self) -> None:
        for _, drawn in self._batches:
            drawn.cancel()  # after an error: batches not yet started are not drawn for nothing
        self._pool.shutdown(wait=True)


def _section_without_picture(spec: charts.ChartSpec, frame: pd.DataFrame, context: ExportContext) -> ChartSection:
    title = spec.title(context.lang)
    empty = charts.is_empty(frame, spec.value_columns)  # as the page's chart card decides it
    return ChartSection(
        spec,
        title,
        frame,
        # an empty chart says so once, in the page's words in its place: a reading under it added 本期无相关记录。
        # after 省政府参事室2020年第4季度未指出问题。
        None if empty else takeaway(spec, frame, context.lang),
        None,
        (document_layout.DOCUMENT_WIDTH, document_layout.DOCUMENT_MIN_HEIGHT),
        context.chart_file_stem(spec.key, title),
        context.empty_note(spec.empty_key) if empty else None,
    )


def _with_picture(section: ChartSection, png: bytes | None) -> ChartSection:
    if png is None:
        return section  # no data for this chart in the selection: its slide and paragraph say so
    return dataclasses.replace(section, png=png, pixel_size=Image.open(io.BytesIO(png)).size)


def collect_report(
    run_query: QueryRunner,
    filter_: Filter,
    lang: str,
    specs: Sequence[charts.ChartSpec] = charts.OVERVIEW_CHARTS,
    progress: Progress = _noop,
    marking: Marking = NO_MARKING,
) -> Report:
    """Everything the documents say, with each chart rendered once (the slow part): what needs no picture
    (the summary, the takeaways, the issues) is gathered while the browser draws."""
    lang = i18n.normalise_language(lang)
    progress(0.0, i18n.t("export.progress.queries", lang))
    # as of the data date wherever the range runs past it, as the pages do (they pass a filter resolved already):
    # a brief from the command line asks for a whole year, and its charts and lists must agree with its summary
    span = DataSpan.from_row(run_query("data_span", filter_).iloc[0].to_dict())
    filter_ = span.resolve(filter_)
    context = load_context(run_query, filter_, span, lang, marking)
    drawing = _ChartDrawing(run_query, filter_, specs, context)
    frames = drawing.frames
    try:
        figures = gather_figures(run_query, filter_)
        issues = run_query("open_issues", filter_), run_query("overdue_issues", filter_)
        drafts = {
            each: _draft(
                context if each == lang else load_context(run_query, filter_, span, each, marking),
                specs,
                frames,
                figures,
                issues,
                span,
            )
            for each in i18n.LANGUAGES
        }
        if span.before_data(filter_):
            drafts = {each: _unrecorded(draft, span) for each, draft in drafts.items()}
        draft = drafts[lang]
        # the other languages' pictures sized (not drawn) while the browser draws this one's
        sized = {each: _sized(other, specs, frames) for each, other in drafts.items() if each != lang}
        pngs = drawing.pngs(progress)
    finally:
        drawing.close()
    drawn = [_with_picture(section, pngs.get(index)) for index, section in enumerate(draft.sections)]
    group = {spec.key: page_id for page_id, specs_of_page in chart_groups() for spec in specs_of_page}
    # planned from where each document's first page ends (the Word report's and the PDF's), and for every language at
    # once: the English report numbers and places its figures as the Chinese one does
    planning = [(draft, drawn), *((drafts[each], sections) for each, sections in sized.items())]
    print_order, listed = planned(planning, lambda key: group.get(key, key))
    return dataclasses.replace(draft, sections=drawn, print_order=tuple(print_order), figure_list_shown=listed)


def _draft(
    context: ExportContext,
    specs: Sequence[charts.ChartSpec],
    frames: Sequence[pd.DataFrame],
    figures: Figures,
    issues: tuple[pd.DataFrame, pd.DataFrame],
    span: DataSpan,
) -> Report:
    """What the documents say in ``context``'s language (the open and overdue ``issues``), the charts without their
    pictures."""
    lang = context.lang
    cards = kpis.overview_kpis(
        figures.current, figures.previous, lang, i18n.span_label(figures.filter.previous_year(), lang)
    )
    return Report(
        context,
        i18n.t("app.team", lang),
        cards,
        summary_paragraphs(figures, lang),
        [_section_without_picture(spec, frame, context) for spec, frame in zip(specs, frames)],
        *issues,
        figure_notes=tuple(figure_notes(context.filter, span, lang)),
    )


def _unrecorded(report: Report, span: DataSpan) -> Report:
    """``report`` for a range wholly before the data: it says in words that nothing is recorded for it, where its
    summary, key figures and charts read 0家, 0个, 0条 and 未指出问题 as if nothing had happened in those quarters (the
    pages never show such a range: their quarters are the data's)."""
    sentence = report.t(
        "export.report.before_data", period=report.context.period(), first=i18n.quarter_label(span.first, report.lang)
    )
    unknown = report.t("export.report.not_recorded")
    return dataclasses.replace(
        report,
        summary=[sentence],
        kpis=[
            dataclasses.replace(
                card, value=None, display="—", delta=unknown, secondary=None, delta_arrow="off", basis=None
            )
            for card in report.kpis
        ],
        sections=[_before_data(section, report) for section in report.sections],
    )


def _before_data(section: ChartSection, report: Report) -> ChartSection:
    return dataclasses.replace(section, empty_note=report.context.empty_note("empty.no_rows"))


def _sized(report: Report, specs: Sequence[charts.ChartSpec], frames: Sequence[pd.DataFrame]) -> list[ChartSection]:
    """``report``'s charts with the size their pictures would have, for the page plan alone: each figure is laid out
    as the documents place it (no picture drawn); ``png`` is empty bytes where it would be drawn."""
    sized = []
    for section, spec, frame in zip(report.sections, specs, frames):
        if not charts.is_empty(frame, spec.value_columns):
            figure = document_layout.document_figure(spec.build(frame, report.lang), report.marking, copy=False)
            section = dataclasses.replace(section, png=b"", pixel_size=document_layout.document_size(figure))
        sized.append(section)
    return sized


ZipEntries = list[tuple[str, bytes]]


def _chart_data_entries(report: Report) -> list[ZipEntries]:
    """Each chart's data as CSV and XLSX, then the open and overdue issues: the ZIP's files beside the pictures."""
    entries: list[ZipEntries] = []
    for section in report.sections:
        table = chart_data_table(section.frame, report.lang, section.spec.key)
        entries.append(
            [
                (f"{section.file_stem}.csv", table_csv_bytes(table)),
                (f"{section.file_stem}.xlsx", table_xlsx_bytes(table, section.title)),
            ]
        )
    issue_files: ZipEntries = []
    for name, issues in issue_list_tables(report):
        stem = report.context.file_stem(name)
        issue_files += [(f"{stem}.csv", table_csv_bytes(issues)), (f"{stem}.xlsx", table_xlsx_bytes(issues, name))]
    return [*entries, issue_files]


def issue_list_tables(report: Report) -> list[tuple[str, pd.DataFrame]]:
    """The open and overdue issues as the ZIP holds them, each with its file's name: every column of the list, under
    the headers the page's table and its downloads give the same list (``tables.LIST_COLUMNS``)."""
    return [
        (report.t(f"export.file.{query}"), tables.issue_list(query, frame, report.lang))
        for query, frame in (("open_issues", report.open_issues), ("overdue_issues", report.overdue_issues))
    ]


# Files that are compressed already (a PNG is deflated, an XLSX is a ZIP): deflating them again costs time
# and saves nothing, so they are stored as they are.
_STORED_SUFFIXES = (".png", ".xlsx")


def charts_zip_bytes(report: Report) -> bytes:
    """Each chart's picture (where it has data) with its data as CSV and XLSX, plus the open and overdue issues."""
    *chart_files, issue_files = _chart_data_entries(report)
    entries: ZipEntries = []
    for section, files in zip(report.sections, chart_files):
        if section.png is not None:
            entries.append((f"{section.file_stem}.png", section.png))
        entries += files
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in [*entries, *issue_files]:
            stored = name.endswith(_STORED_SUFFIXES)
            # dated when the pack was made, in Beijing time as its watermark (not the server's clock)
            member = zip_member(name, zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED, report.marking.made_at)
            archive.writestr(member, content)
    return buffer.getvalue()


def build_briefing_pack(
    source: QuerySource,
    filter_: Filter,
    lang: str,
    specs: Sequence[charts.ChartSpec] = charts.OVERVIEW_CHARTS,
    progress: Progress | None = None,
    formats: Sequence[str] = FORMATS,
    marking: Marking = NO_MARKING,
) -> BriefingPack:
    """The pack for ``filter_`` in ``lang``; raises ``rendering.ImageRendererMissing`` (before any work) without
    Chromium."""
    progress = progress or _noop
    lang = i18n.normalise_language(lang)
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown briefing formats: {sorted(unknown)}")
    rendering.require_browser()  # fail fast, with the message that says how to install it
    if "pdf" in formats:
        warm_up()  # the printing browser starts while the queries run and the charts render
    report = collect_report(as_query_runner(source), filter_, lang, specs, progress, marking)
    files: dict[str, bytes] = {}
    # The PDF is printed by a Chromium of its own (about 2 s, mostly its start): it runs beside the other three.
    printing = None
    if "pdf" in formats:
        printing = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="oversight-pdf")
        pdf = printing.submit(
            html_to_pdf_with_images,
            report_html(report, placeholders=True),
            [section.png for section in report.printed_sections if section.png is not None],
            lambda: report_html(report),
        )
    try:
        stages = (
            ("pptx", _PPTX_END, lambda: pptx_bytes(report)),
            ("docx", _DOCX_END, lambda: docx_bytes(report)),
            ("zip", _ZIP_END, lambda: charts_zip_bytes(report)),
            ("pdf", 1.0, lambda: with_information(pdf.result(), report.title, report.team)),
        )
        done = _CHARTS_END
        for file_format, end, build in stages:
            if file_format in formats:
                progress(done, i18n.t(f"export.progress.{file_format}", lang))
                files[file_format] = build()
            done = end
    finally:
        if printing is not None:
            printing.shutdown(wait=True)
    progress(1.0, i18n.t("export.progress.done", lang))
    files = {file_format: files[file_format] for file_format in FORMATS if file_format in files}  # the buttons' order
    stem = report.context.file_stem(i18n.t("export.file.briefing", lang))
    stems = {
        fmt: f"{stem}.{fmt}" if fmt != "zip" else f"{report.context.file_stem(i18n.t('export.file.charts', lang))}.zip"
        for fmt in files
    }
    return BriefingPack(report, files, stems)
