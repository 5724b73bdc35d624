"""The report as one self-contained HTML page (images inlined), which Chromium prints to the PDF.

Everything from the data is escaped: unit names and issue descriptions are
free text from the ledgers.
"""
from __future__ import annotations

import base64
from html import escape

from oversight.briefing_report import HTML_FONT_STACK, Report, open_issue_rows
from oversight.charts import COLOURS
from oversight.summary import count

# open_issue_rows' columns are: number, unit, date raised, category, description, status; names and text wrap.
_OPEN_ISSUE_WRAPPING = frozenset({1, 4})
_OPEN_ISSUE_DESCRIPTION = 4
_STYLE = """
@page { size: A4; margin: 18mm 16mm 18mm 16mm; }
* { box-sizing: border-box; }
body { font-family: FONTS; color: #1F2933; font-size: 11pt; line-height: 1.6; margin: 0; }
h1 { color: RED; font-size: 21pt; text-align: center; margin: 0 0 6pt; }
.meta { text-align: center; color: #52606D; font-size: 10pt; margin-bottom: 16pt; }
h2 { font-size: 14pt; border-left: 4pt solid RED; padding-left: 6pt; margin: 18pt 0 8pt; page-break-after: avoid; }
p.body { text-indent: INDENT; margin: 0 0 6pt; text-align: justify; }
figure { margin: 10pt 0 14pt; page-break-inside: avoid; text-align: center; }
figure img { width: 100%; height: auto; border: 1px solid #E4E7EB; }
figcaption { font-size: 10pt; color: #52606D; margin-top: 4pt; }
figcaption b { color: #1F2933; }
.takeaway { font-size: 10.5pt; margin-top: 2pt; color: #1F2933; }
table { border-collapse: collapse; width: 100%; font-size: 9.5pt; }
th, td { border: 1px solid #9AA5B1; padding: 3pt 5pt; vertical-align: top; text-align: left; }
th { background: #E8EEF7; }
tr { page-break-inside: avoid; }
td, th { white-space: nowrap; }
td.wrap, th.wrap { white-space: normal; }
td.wide, th.wide { width: 38%; }
.keep-with-next { break-after: avoid; page-break-after: avoid; break-inside: avoid; }
"""


def _style(report: Report) -> str:
    return (_STYLE.replace("FONTS", HTML_FONT_STACK).replace("RED", COLOURS["primary"])
            .replace("INDENT", "2em" if report.lang == "zh" else "0"))


def _table(header: list[str], rows: list[list[str]], wrapping: frozenset[int] = frozenset(), wide: int = -1) -> str:
    """Columns not in ``wrapping`` (numbers, dates, short labels) stay on one line; the rest wrap; ``wide`` gets most room."""
    def cell(tag: str, position: int, text: str) -> str:
        classes = " ".join(name for name, on in (("wrap", position in wrapping), ("wide", position == wide)) if on)
        css = f' class="{classes}"' if classes else ""
        return f"<{tag}{css}>{escape(text)}</{tag}>"

    head = "".join(cell("th", i, text) for i, text in enumerate(header))
    body = "".join("<tr>" + "".join(cell("td", i, text) for i, text in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def report_html(report: Report) -> str:
    t = report.t
    parts = [
        f"<!DOCTYPE html><html lang=\"{'zh-CN' if report.lang == 'zh' else 'en'}\"><head><meta charset=\"utf-8\">",
        f"<title>{escape(report.title)}</title><style>{_style(report)}</style></head><body>",
        f"<h1>{escape(report.title)}</h1>",
        "<div class=\"meta\">" + "<br>".join(escape(line) for line in [report.team, *report.meta_lines()]) + "</div>",
        f"<h2>{escape(t('export.briefing.section_summary'))}</h2>",
        *(f"<p class=\"body\">{escape(paragraph)}</p>" for paragraph in report.summary),
        f"<h2>{escape(t('export.briefing.section_figures'))}</h2>",
        _table([t(f"export.briefing.{k}_column") for k in ("kpi", "value", "change")],
               [[k.label, k.display, k.delta or t("kpi.delta_none")] for k in report.kpis]),
        f"<h2>{escape(t('export.briefing.section_charts'))}</h2>",
    ]
    for number, section in enumerate(report.sections, start=1):
        image = ""
        if section.png is not None:
            image = f"<img alt=\"{escape(section.title)}\" src=\"data:image/png;base64,{base64.b64encode(section.png).decode()}\">"
        caption = escape(t("export.briefing.figure_caption", number=number, title=section.title))
        parts.append(f"<figure>{image}<figcaption><b>{caption}</b><div class=\"takeaway\">{escape(section.takeaway)}"
                     "</div></figcaption></figure>")
    header, rows = open_issue_rows(report)
    intro = (t("export.briefing.open_issues_intro", period_end=report.period_end.isoformat(),
               count=count(len(rows), "issues", report.lang)) if rows else t("export.briefing.no_open_issues"))
    # The heading and its first line stay with the table rather than end a page alone.
    parts.append(f"<div class=\"keep-with-next\"><h2>{escape(t('export.briefing.section_open_issues'))}</h2>"
                 f"<p>{escape(intro)}</p></div>")
    if rows:
        parts.append(_table(header, rows, _OPEN_ISSUE_WRAPPING, wide=_OPEN_ISSUE_DESCRIPTION))
    parts.append("</body></html>")
    return "\n".join(parts)
