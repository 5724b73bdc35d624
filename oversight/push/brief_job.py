"""The briefing pack without a browser session: the same builder as the 简报导出 page, for a timer.

``build`` calls ``briefing.build_briefing_pack`` exactly as the page does — every chart of
``catalog.all_charts()``, the filter as given, queries confined to the account's scope —
so the files are the ones a leader would download for the same filter.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from oversight import briefing
from oversight.alerts import digest_text
from oversight.auth import roles, unit_scope
from oversight.charts import catalog
from oversight.core import atomic, i18n, safe_text
from oversight.data import scoped
from oversight.data.filters import DataSpan, Filter, Quarter
from oversight.export import marking
from oversight.export.names import ExportContext, period_code
from oversight.present.summary import gather_figures, summary_paragraphs
from oversight.push import Attachment, Message

PERIODS = ("year", "quarter")


def default_range(span: DataSpan, as_of: date, period: str = "year") -> tuple[Quarter, Quarter]:
    """The latest year (or quarter) complete at ``as_of`` that the data covers whole.

    A period is complete once its last day has passed, and covered whole once the data date reaches its last
    day: with records to 14 August a quarterly brief is of the second quarter, not of six weeks of the third
    (which, pushed once per period, would then never go out whole). When the data stop earlier than ``as_of``
    (the sample ends in 2020), that is the data's latest whole year or quarter, which the page opens on. Where no
    whole period lies between the data start and ``as_of`` (data shorter than one period, or ``as_of`` in the data's
    first year or quarter), it is the data's first period, to the data date; the CLI says so.
    """
    if period not in PERIODS:
        raise ValueError(f"period must be one of {PERIODS}")
    if period == "quarter":
        whole = span.last if span.last_day is None or span.last_day >= span.last.last_day else span.last.shift(-1)
        quarter = min(Quarter.of(as_of).shift(-1), whole)
        if quarter < span.first:  # not one whole quarter recorded: the data's own, to date
            quarter = max(min(Quarter.of(as_of).shift(-1), span.last), span.first)
        return quarter, quarter
    last_year = span.last.year
    whole_year = (
        last_year if span.last_day is None or span.last_day >= Quarter(last_year, 4).last_day else last_year - 1
    )
    year = min(as_of.year - 1, whole_year)
    if year < span.first.year:  # no whole year recorded before as_of's: the data's own first year, as a quarter's
        # (--as-of 2019-06-15 over records from 2019 gave 2019Q1 alone: the year before, 2018, cut to the data start)
        year = max(min(as_of.year - 1, last_year), span.first.year)
    return max(Quarter(year, 1), span.first), Quarter(year, 4)


def period_just_over(as_of: date, period: str = "year") -> tuple[Quarter, Quarter]:
    """The year (or quarter) that ended last before ``as_of``: what a timer on 5 January means to brief."""
    if period == "quarter":
        quarter = Quarter.of(as_of).shift(-1)
        return quarter, quarter
    return Quarter(as_of.year - 1, 1), Quarter(as_of.year - 1, 4)


def query_runner(connection: Any, scope: unit_scope.Scope):
    """``run_query(name, filter)`` within ``scope``: what the pages' ``page.query`` does, without the cache."""
    return lambda name, filter_: scoped.scoped_run(connection, name, filter_, scope)


def build(
    connection: Any, account: roles.Account, filter_: Filter, lang: str, formats: Sequence[str] = briefing.FORMATS
) -> briefing.BriefingPack:
    """The pack for ``filter_`` as ``account`` sees it; raises ``rendering.ImageRendererMissing`` without Chromium.

    Like every export it carries the confidentiality marking and a watermark naming whom it was made for
    (本机 for the local user) and when.
    """
    ordered = tuple(fmt for fmt in briefing.FORMATS if fmt in formats)
    made_for = marking.for_viewer(account.username, account.source == roles.LOCAL, lang)
    return briefing.build_briefing_pack(
        query_runner(connection, account.scope), filter_, lang, catalog.all_charts(), formats=ordered, marking=made_for
    )


@dataclass(frozen=True)
class WrittenFile:
    file_format: str
    path: Path
    size: int

    def line(self, period: str, lang: str) -> str:
        return i18n.t(
            "alerts.cli.file_written",
            lang,
            format=self.file_format,
            path=self.path,
            size=human_size(self.size),
            period=period,
        )


class WriteFailed(OSError):
    """``error`` met writing ``path``: ``written`` are in place, ``unwritten`` (file names) are not."""

    def __init__(self, error: OSError, path: Path, written: list[WrittenFile], unwritten: list[str]) -> None:
        super().__init__(error.errno, error.strerror, str(path))
        self.error, self.path, self.written, self.unwritten = error, path, written, unwritten


def targets(pack: briefing.BriefingPack, folder: Path, formats: Sequence[str]) -> list[tuple[str, Path]]:
    """Each requested file's format and path in ``folder``, in the pack's order."""
    return [
        (file_format, Path(folder) / pack.file_names[file_format])
        for file_format in briefing.FORMATS
        if file_format in formats and file_format in pack.files
    ]


@dataclass
class Staged:
    """A pack's files written beside their names (``stage``), not yet in place: ``place`` renames them there,
    ``discard`` removes them."""

    folder: Path
    files: list[tuple[WrittenFile, Path]]  # the file as it will be, and its temporary

    def place(self) -> list[WrittenFile]:
        """Rename each into place, or ``WriteFailed`` listing those that are (the rest are removed)."""
        written: list[WrittenFile] = []
        try:
            for file, temporary in self.files:
                try:
                    os.replace(temporary, file.path)
                except OSError as error:
                    unwritten = [later.path.name for later, _ in self.files[len(written) :]]
                    raise WriteFailed(error, file.path, written, unwritten) from error
                written.append(file)
        finally:
            self.discard()  # the renamed ones are gone already
            with contextlib.suppress(OSError):  # the renames are done or refused: this only makes them durable
                atomic.sync_directory(self.folder)
        return written

    def discard(self) -> None:
        for _, temporary in self.files:
            temporary.unlink(missing_ok=True)


def stage(pack: briefing.BriefingPack, folder: Path, formats: Sequence[str]) -> Staged:
    """Each requested file written and flushed beside its name in ``folder``, or ``WriteFailed`` with none left.

    Every file is written before any is put in place: a disk that filled on the third file left the first two,
    unlisted, beside an error that named the folder.
    """
    folder = Path(folder)
    planned = targets(pack, folder, formats)
    names = [path.name for _, path in planned]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise WriteFailed(error, folder, [], names) from error
    staged = Staged(folder, [])
    for file_format, path in planned:
        try:
            temporary = atomic.write_beside(path, pack.files[file_format])
        except OSError as error:
            staged.discard()
            raise WriteFailed(error, path, [], names) from error
        staged.files.append((WrittenFile(file_format, path, len(pack.files[file_format])), temporary))
    return staged


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def fingerprint(pushed: Message) -> str:
    """Of what the message says, not of the files' bytes, which carry build timestamps."""
    return hashlib.sha256(f"{pushed.title}\n{pushed.markdown}\n{pushed.text}".encode()).hexdigest()[:16]


def scope_lines(context: ExportContext, max_bytes: int | None = None) -> list[str]:
    """For a pack of some units, the line naming them as the cover does (监督范围：省政府办公厅、省政府研究室); none for
    the whole team. A pushed brief of two units said 与2家综合监督单位…指出问题4个, read as the whole team's year.

    With ``max_bytes`` (the robots' message), names that take more than that are counted, pointing to the cover as a
    slide's foot does: a brief of 300 units named them all in a 企业微信 message, which was cut mid-name at 4096 bytes
    and lost the figures after them."""
    if not context.filter.units:
        return []
    line = context.t("export.briefing.scope", scope=context.scope())
    if max_bytes is not None and len(line.encode("utf-8")) > max_bytes:
        line = context.t("export.briefing.scope_on_cover", count=len(context.filter.units))
    return [line]


def subject(report: briefing.Report) -> str:
    """The e-mail's subject: the title, and for some units the scope as the slides' foot gives it (named, or
    counted where the names are too long for the line: the attached PDF's cover names them)."""
    if not report.context.filter.units:
        return report.title
    return i18n.t("alerts.email.brief_subject", report.lang, title=report.title, scope=report.footer_lines()[-1])


def message(
    connection: Any, account: roles.Account, filter_: Filter, lang: str, pack: briefing.BriefingPack
) -> Message:
    """The brief as pushed: its summary for the robots, and for e-mail the same text with the PDF attached; a brief
    of some units names them in both."""
    summary = summary_paragraphs(gather_figures(query_runner(connection, account.scope), filter_), lang)
    paragraphs = [*scope_lines(pack.report.context), *summary]  # the e-mail's: it has room for every name
    robot_scope = scope_lines(pack.report.context, digest_text.ROBOT_MAX_BYTES // digest_text.SCOPE_SHARE)
    title = pack.report.title
    # the pack's own period: （截至8月14日） where the range runs past the data date, as its cover and title say
    period = pack.report.context.period()
    ready = i18n.t("alerts.brief.ready", lang, title=title)  # the title names the period: said once
    markdown = "\n\n".join(
        [f"### {safe_text.robot_markdown(title)}", ready, *map(safe_text.robot_markdown, [*robot_scope, *summary])]
    )
    text = i18n.t("alerts.email.brief_body", lang, period=period, summary="\n\n".join(paragraphs))
    attachment = Attachment(pack.file_names["pdf"], pack.files["pdf"]) if "pdf" in pack.files else None
    return Message("brief", subject(pack.report), markdown, text, attachment)


def saying_pdf_mailed(pushed: Message, lang: str) -> Message:
    """The robots' copy once the e-mail with the PDF has gone: it says where the PDF went. Only then — a group told
    "PDF 已通过邮件发送" by a run whose e-mail failed waited for a PDF nobody got."""
    return dataclasses.replace(pushed, markdown=pushed.markdown + "\n\n" + i18n.t("alerts.brief.attached", lang))


def period_key(filter_: Filter) -> str:
    """What the record of sent briefs calls the pack: its quarters and units."""
    # sorted: the same pack named by a job whose --unit options were put in another order is the same pack, sent once
    units = "+".join(sorted(filter_.units)) if filter_.units else "all"
    return f"{period_code(filter_)}/{units}"
