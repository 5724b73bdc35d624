"""Counts and day counts in the documents' tables are grouped in thousands (``numbers.grouped``), as every card and
reading writes them: the overdue table's 1005 days stood beside the key figures' 7,220 issues."""

from __future__ import annotations

import dataclasses
import io
import re

import pytest
from docx import Document
from pptx import Presentation

from oversight import briefing
from oversight.briefing import docx_report, pptx_deck
from oversight.briefing import report as report_module
from oversight.briefing.html_report import report_html


def _cells_docx(data: bytes) -> list[str]:
    return [cell.text for table in Document(io.BytesIO(data)).tables for row in table.rows for cell in row.cells]


def _cells_pptx(data: bytes) -> list[str]:
    return [
        cell.text
        for slide in Presentation(io.BytesIO(data)).slides
        for shape in slide.shapes
        if shape.has_table
        for row in shape.table.rows
        for cell in row.cells
    ]


def _cells_html(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_days_overdue_are_grouped_in_every_documents_table(connection, default_filter, lang):
    report = briefing.collect_report(briefing.as_query_runner(connection), default_filter, lang, [])
    overdue = report.overdue_issues.copy()
    assert len(overdue) >= 2, "the sample has overdue issues"
    # a province's long-overdue issues: as many days as the cards' figures run to, and one under a thousand
    overdue["days_overdue"] = [1005 + index * 1000 for index in range(len(overdue) - 1)] + [7]
    report = dataclasses.replace(report, overdue_issues=overdue)

    header, rows, kinds = report_module.overdue_issue_rows(report)
    days = [row[kinds.index("days")] for row in rows]
    assert days[0] == "1,005" and days[-1] == "7" and "1005" not in days
    # the row numbers are labels, never grouped; the dates keep their own form
    assert [row[0] for row in rows] == [str(n) for n in range(1, len(rows) + 1)]

    expected = set(days)
    for cells in (
        _cells_docx(docx_report.docx_bytes(report)),
        _cells_pptx(pptx_deck.pptx_bytes(report)),
        _cells_html(report_html(report)),
    ):
        assert expected <= set(cells)
        assert not any(re.fullmatch(r"\d{4,}", cell) for cell in cells), [c for c in cells if c.isdigit()]
