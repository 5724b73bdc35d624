"""The report as one self-contained HTML page (images inlined), which Chromium prints to the PDF.

The same 工作情况报告 structure as the Word report. Everything from the data is escaped: unit names and
issue descriptions are free text from the ledgers. Unit names never break across lines (a name cut in
two, 省政务服务和大数据管/理局, reads as two units). The watermark is a fixed-position element, which
Chromium repeats on every printed page, each copy a picture of its words (``pdf_watermark``), so that no reader of the
PDF copies it with the text; the marking sits in every page's top-right margin box.
"""

from __future__ import annotations

import base64
import math
import re
from html import escape

from oversight.briefing import page_fill, pdf_images, pdf_watermark
from oversight.briefing.page_fill import first_chart_opens_page_two
from oversight.briefing.report import (
    HTML_FONT_STACK,
    HTML_LATIN_FACE,
    Report,
    column_widths,
    details_lead,
    figure_list,
    issue_count,
    listed_note,
    no_open_issues_key,
    open_issue_rows,
    overdue_issue_rows,
    picture_alt,
    picture_width_cm,
)
from oversight.charts import COLOURS
from oversight.charts.style import label_width
from oversight.core.drawn_width import bold_document_em
from oversight.core.safe_text import css_string
from oversight.export.marking import (
    MARKING_RGB,
    WATERMARK_OPACITY,
    WATERMARK_RGB,
    css_rgba,
)
from oversight.present.summary import date_text

_STYLE = """
/* 15 mm above and below, and a figure's 6 pt and 10 pt around it: two charts fill a page (at 18 mm and 10 pt / 14 pt an
   11 cm picture and another did not, and pages 9 to 11 of the full pack were half blank) */
@page { size: A4; margin: 15mm 16mm 15mm 16mm; }
* { box-sizing: border-box; }
/* full-width punctuation kept full width, as Word sets it: trimmed, a closing bracket's following 。 or ；was drawn
   back over its half and read as a new line ("上年同期63.6%）" / "。从问题类别看" in pdftotext -raw, 27 lines of the
   full pack) */
body { font-family: FONTS; color: #1F2933; font-size: 11pt; line-height: 1.6; margin: 0;
       font-variant-ligatures: none; text-spacing-trim: space-all; }
h1 { color: RED; font-size: 21pt; /* _TITLE_PT */ text-align: center; margin: 0 0 6pt; }
.meta { text-align: center; color: #52606D; font-size: 10pt; margin-bottom: 16pt; }
.note { color: #52606D; font-size: 9.5pt; margin: 4pt 0 10pt; }
.empty { color: #52606D; text-align: center; margin: 8pt 0 2pt; }
h2 { font-size: 14pt; border-left: 4pt solid RED; padding-left: 6pt; margin: 18pt 0 8pt; }
h3 { font-size: 12pt; margin: 12pt 0 6pt; }
h2, h3 { break-after: avoid; page-break-after: avoid; }
p.body { text-indent: INDENT; margin: 0 0 6pt; text-align: justify; }
p.figure-list { margin: 0; text-align: justify; }
p.placeholder { color: #52606D; background: #FFF3BF; margin: 0 0 6pt; }
figure { margin: 6pt 0 10pt; break-inside: avoid; page-break-inside: avoid; text-align: center; }
figure img { width: 16cm; max-width: 100%; height: auto; border: 1px solid #E4E7EB; }
figcaption { font-size: 10pt; color: #52606D; margin-top: 4pt; }
figcaption b { color: #1F2933; }
.takeaway { font-size: 10.5pt; margin-top: 2pt; color: #1F2933; text-align: left; }
table { border-collapse: collapse; width: 100%; font-size: 9.5pt; table-layout: fixed; }
th, td { border: 1px solid #9AA5B1; padding: 3pt 5pt; vertical-align: top; text-align: left; overflow-wrap: break-word; }
th { background: #E8EEF7; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
/* a unit's name is not broken across lines: a box of its own, moved whole to the next line when the rest of the
   line cannot hold it, and wrapped only inside a cell narrower than the name itself (white-space: nowrap ran a
   22-character name of the overdue table over the description beside it) */
.name { display: inline-block; max-width: 100%; text-indent: 0; }
/* no margin above it: a page's first figure after a break of the flow has none either, and its 6 pt took a chart off
   the page */
figure.opens-page { break-before: page; page-break-before: always; margin-top: 0; }
h2.annex { break-before: page; page-break-before: always; margin-top: 0; }
.keep-with-next { break-after: avoid; page-break-after: avoid; break-inside: avoid; }
.keep-whole { break-inside: avoid; }
.watermark { position: fixed; top: 0; left: 0; width: 100%; height: 100%; z-index: -1; overflow: hidden;
  pointer-events: none; }
.watermark > span { position: absolute; transform: rotate(-30deg); color: WATERMARK;
  width: 44%; text-align: center; overflow-wrap: anywhere; }
.watermark .stamp { white-space: nowrap; }
/* the watermark as a picture (pdf_watermark): each copy's box as its lines of text would fill it, the picture,
   turned already, centred on it, so the turned copy sits where the turned text did */
.watermark > span.drawn { transform: none; height: calc(var(--lines) * 1.6em); }
.watermark > span.drawn > img { position: absolute; left: 50%; top: 50%; }
"""
_TEXT_WIDTH_CM = 17.8  # A4 less the page's 16 mm margins
# Where the watermark's copies sit on the printed page (percent of the text area): a crop still carries one. Each
# is within its half of the page and away from the top and foot, turned, so no copy is cut at the page's edge into
# a stray "2.0" (its text wraps inside its half rather than run past the edge).
_WATERMARK_SPOTS = ((3, 10), (53, 28), (3, 46), (53, 64), (3, 80))


_WATERMARK_PT, _WATERMARK_FULL_SIZE_EM, _WATERMARK_LEAST_PT = 20, 20, 9
_WATERMARK_ANGLE = 30  # degrees, turned anticlockwise (CSS's rotate(-30deg))


def _watermark_pt(text: str) -> float:
    """The watermark's size: 20 pt up to a name and time about 20 squares wide (a Chinese character is one, a
    Latin letter about half), smaller for a long account name, so that each copy stays a line or three and,
    turned, inside its half of the page."""
    em = label_width(text, 1.0, 0.55)
    return max(_WATERMARK_LEAST_PT, min(_WATERMARK_PT, _WATERMARK_PT * _WATERMARK_FULL_SIZE_EM / max(em, 1.0)))


def _page_marks(report: Report) -> str:
    """The marking in every page's top-right margin box and the page's number at its foot, as the Word report
    has them (Chromium 131+ prints ``@page`` margin boxes)."""
    number = (
        f"{css_string(report.t('export.report.page_before'))} counter(page) "
        f"{css_string(report.t('export.report.page_after'))}"
    )
    boxes = f"@bottom-center {{ content: {number}; color: #52606D; font-size: 9pt; font-family: {HTML_FONT_STACK}; }} "
    if report.marking.label:
        boxes += (
            f"@top-right {{ content: {css_string(report.marking.label)}; color: {css_rgba(MARKING_RGB, 1)}; "
            f"font-size: 10pt; font-weight: bold; font-family: {HTML_FONT_STACK}; }}"
        )
    return f"@page {{ {boxes} }}\n"


# The Latin face of an English report: DejaVu Sans is TrueType (Chromium embeds it as a CID TrueType font, its words
# spaced as set) and comes with fontconfig on Debian. A Chinese report has none: its digits set in another font than
# the characters beside them were copied apart ("2020 年度", "第 1 季度" in pdftotext and pypdf), and it stays in Noto
# Sans CJK, Type 3, until a TrueType CJK font is installed.
_LATIN_FACES = (("normal", ("DejaVu Sans", "DejaVuSans")), ("bold", ("DejaVu Sans Bold", "DejaVuSans-Bold")))
_LATIN_RANGE = "U+0020-007E, U+00A0-00FF, U+2010-2027, U+2030-205E"  # with the dashes, quotes and ellipsis


def _latin_faces(report: Report) -> str:
    if report.lang == "zh":
        return ""
    return "".join(
        f'@font-face {{ font-family: "{HTML_LATIN_FACE}"; font-weight: {weight}; '
        f"src: {', '.join(f'local({name!r})' for name in names)}; unicode-range: {_LATIN_RANGE}; }}\n"
        for weight, names in _LATIN_FACES
    )


def _style(report: Report) -> str:
    return (
        _latin_faces(report)
        + _page_marks(report)
        + (
            _STYLE.replace("FONTS", HTML_FONT_STACK)
            .replace("RED", COLOURS["primary"])
            .replace("INDENT", _first_line_indent(report))
            .replace("MARKING", css_rgba(MARKING_RGB, 1))
            .replace("WATERMARK", css_rgba(WATERMARK_RGB, WATERMARK_OPACITY))
        )
    )


def _first_line_indent(report: Report) -> str:
    indent_chars = int(report.t("export.report.first_line_indent_chars"))
    return f"{indent_chars}em" if indent_chars else "0"


# Punctuation a Chinese line may not start with, and may not end with (禁则). The name's box takes in what touches it:
# Chromium breaks freely after an inline box, so a line began 、省信访局 where the box ended before the 、.
_NO_LINE_START = "、，。；：！？）】》」』”’…"
_NO_LINE_END = "（【《「『“‘"


def _with_names_kept(text: str, names: list[str]) -> str:
    """``text`` escaped, each unit name in it wrapped so that the line never breaks inside the name (unless the name
    is wider than its cell or the page), nor between the name and the punctuation against it."""
    escaped = escape(text)
    if not names:
        return escaped
    alternatives = "|".join(re.escape(escape(name)) for name in sorted(names, key=len, reverse=True))
    pattern = re.compile(f"[{_NO_LINE_END}]*(?:{alternatives})[{_NO_LINE_START}]*")
    return pattern.sub(lambda match: f'<span class="name">{match.group(0)}</span>', escaped)


def _table(
    header: list[str], rows: list[list[str]], widths: list[float], keep: list[str], last_kept_with_next: bool = False
) -> str:
    """Columns as wide as ``widths`` (percent); cells are escaped, unit names kept whole; ``last_kept_with_next``: the
    last row goes to the next page with what follows the table rather than end a page without it."""
    columns = "".join(f'<col style="width:{width:.1f}%">' for width in widths)
    head = "".join(f"<th>{escape(text)}</th>" for text in header)
    body = "".join(
        ('<tr class="keep-with-next">' if last_kept_with_next and number == len(rows) - 1 else "<tr>")
        + "".join(f"<td>{_with_names_kept(text, keep)}</td>" for text in row)
        + "</tr>"
        for number, row in enumerate(rows)
    )
    return f"<table><colgroup>{columns}</colgroup><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _marks(report: Report) -> str:
    parts = []
    if report.marking.watermark:
        size = _watermark_pt(report.marking.watermark)
        # the viewer (its name bounded by marking.drawn_viewer) and the date and time, each whole on a line of its own
        *viewer, stamp = report.marking.watermark_lines
        if pdf_watermark.available():
            # a picture of the words: seen on every page, not selected, copied, searched or extracted with the text
            png, width, height = pdf_watermark.watermark_png(
                (*viewer, stamp), size, WATERMARK_RGB, WATERMARK_OPACITY, _WATERMARK_ANGLE
            )
            text = (
                f'<img alt="" src="data:image/png;base64,{base64.b64encode(png).decode()}" style="width:{width:.2f}pt;'
                f'height:{height:.2f}pt;margin-left:{-width / 2:.2f}pt;margin-top:{-height / 2:.2f}pt">'
            )
            drawn = f' class="drawn" style="--lines:{len(viewer) + 1};'
        else:  # no Noto Sans CJK SC to draw it with: the words as text, seen and traced though copied along
            text = "".join(f'<span class="stamp">{escape(line)}</span><br>' for line in viewer)
            text += f'<span class="stamp">{escape(stamp)}</span>'
            drawn = ' style="'
        spans = "".join(
            f'<span{drawn}left:{x}%;top:{y}%;font-size:{size}pt">{text}</span>' for x, y in _WATERMARK_SPOTS
        )
        parts.append(f'<div class="watermark" aria-hidden="true">{spans}</div>')
    return "".join(parts)


def _issues(
    report: Report,
    rows_of,
    heading_key: str,
    intro_key: str,
    none_key: str,
    names: list[str],
    kept_with_next: bool = False,
) -> list[str]:
    header, rows, kinds = rows_of(report)
    t = report.t
    intro = (
        t(intro_key, period_end=date_text(report.as_of, report.lang), count=issue_count(report, rows_of))
        if rows
        else report.empty_list_line(none_key)
    )
    note = f"<p>{escape(listed)}</p>" if (listed := listed_note(report, rows_of)) else ""
    # the heading and its first line stay with the table rather than end a page alone; without a table, together only:
    # kept with what follows, an empty list's line chained (三) and its line to it, and 四、存在问题 moved whole to the
    # next page, leaving the last chart's page a quarter blank (省政府参事室, Chinese PDF: 0.26)
    # (``kept_with_next``: the list's end, its last row or its line, goes with what follows, see _closing)
    kept = "keep-with-next" if rows or kept_with_next else "keep-whole"
    parts = [f'<div class="{kept}"><h3>{escape(t(heading_key))}</h3><p>{escape(intro)}</p>{note}</div>']
    if rows:
        widths = column_widths(kinds, _TEXT_WIDTH_CM, header=header)
        parts.append(_table(header, rows, [width / _TEXT_WIDTH_CM * 100 for width in widths], names, kept_with_next))
    return parts


def _figure_list(report: Report) -> str:
    """The figures by number and title under the lead, set as page_fill reckons (its sizes, as in the Word report):
    it runs on from the first page to the next where the page cannot hold it."""
    text = figure_list(report)
    if not text:
        return ""
    style = (
        f"font-size: {page_fill.FIGURE_LIST_FONT_PT}pt; line-height: {page_fill.FIGURE_LIST_LINE_PT}pt; "
        f"padding: {page_fill.FIGURE_LIST_BEFORE_PT}pt 0 {page_fill.FIGURE_LIST_AFTER_PT - 6}pt"
    )  # 6 pt less under it: the first figure's own margin above is 6 pt
    return f'<p class="figure-list" style="{style}">{_with_names_kept(text, [])}</p>'


def _closing(report: Report) -> str:
    """(三) 原因分析 and 五、下一步工作 with their lines to fill, one block kept with the end of the overdue list before
    it: alone at the top of the last page, 五、下一步工作 and three blank lines read as a page forgotten (the four-chart
    Chinese pack's page 5)."""
    t = report.t
    steps = "".join(
        f'<p class="placeholder">{escape(t("export.report.next_steps_placeholder", number=n))}</p>' for n in range(1, 4)
    )
    return (
        f'<div class="keep-whole"><h3>{escape(t("export.report.analysis_heading"))}</h3>'
        f'<p class="placeholder">{escape(t("export.report.problems_placeholder"))}</p>'
        f"<h2>{escape(t('export.report.next_steps'))}</h2>{steps}</div>"
    )


_TITLE_BREAK = {False: "&nbsp;<br>", True: "<br>"}  # by whether the title is Chinese
# h1's size, and how many of its ems a line of it holds: the text width (17.8 cm, 24.0 ems) less the no-break space an
# English line ends with (_TITLE_BREAK), which is drawn
_TITLE_PT, _TITLE_LINE_EMS = 21, 23.6


def _title_style(report: Report) -> str:
    """The cover's title smaller where a line would not fit the width at h1's size: a period to the data date broke,
    "2019 Q1 to 2021 Q4 (to 31 December 2020)" (24.3 ems) before "December", 2019年第1季度至2021年第4季度（截至2020年12月
    31日） before 31日）."""
    # Chromium puts no space between Chinese and Latin, so a Chinese line too is its bold characters' ems
    scale = min(1.0, _TITLE_LINE_EMS / max(bold_document_em(line) for line in report.title_lines))
    return "" if scale == 1 else f' style="font-size: {math.floor(_TITLE_PT * scale * 10) / 10}pt"'


def report_html(report: Report, placeholders: bool = False) -> str:
    """The report's page; with ``placeholders``, each chart is a placeholder of the chart's proportions, numbered
    in order, for ``pdf_images.place_images`` to fill in after printing."""
    t = report.t
    # A Chinese name would break anywhere, so it is kept whole; an English one wraps between its words.
    names = (
        [name for name in report.context.unit_names.values() if name]
        if report.t("export.report.keep_unit_names_whole") == "yes"
        else []
    )
    parts = [
        f'<!DOCTYPE html><html lang="{t("export.report.html_lang")}"><head><meta charset="utf-8">',
        f"<title>{escape(report.title)}</title><style>{_style(report)}</style></head><body>",
        _marks(report),
        # an English title's lines keep a space between them in the heading's text, which is the PDF's first bookmark
        # and what a screen reader reads ("…briefing2021 (to 31 December)"); a Chinese one's join without
        f"<h1{_title_style(report)}>{_TITLE_BREAK[report.lang == 'zh'].join(escape(line) for line in report.title_lines)}</h1>",
        '<div class="meta">' + "<br>".join(_with_names_kept(line, names) for line in report.head_lines()) + "</div>",
        f"<h2>{escape(t('export.report.overview'))}</h2>",
        *(f'<p class="body">{_with_names_kept(paragraph, names)}</p>' for paragraph in report.summary),
        f"<h2>{escape(t('export.report.figures'))}</h2>",
        _table(
            [t(f"export.briefing.{k}_column") for k in ("kpi", "value", "change")],
            [[k.label, k.display, k.delta or t("kpi.delta_none")] for k in report.kpis],
            [44, 28, 28],
            [],
        ),
        *(f'<p class="note">{_with_names_kept(note, names)}</p>' for note in report.figure_notes),
        f"<h2>{escape(t('export.report.details'))}</h2>",
        # the heading keeps with its lead line, on the first page, rather than with the first picture on the next
        *([f'<p class="body">{escape(details_lead(report))}</p>'] if report.sections else []),
        _figure_list(report),
    ]
    pictures = 0
    for number, section in enumerate(report.printed_sections, start=1):
        image = ""
        if section.png is not None:
            width, height = section.pixel_size
            # the height the chart's own pixels give inside the 1 px border (figure img's CSS), stated, whether the
            # picture is a placeholder (pdf_images puts the pixels in after printing) or embedded: Chromium's own
            # height from the picture's proportions can round a fraction of a pixel otherwise and move every line
            # below it by one
            # and no taller than report.PICTURE_MAX_HEIGHT_CM, as in the Word report (none of the pack's is: each 16 cm wide)
            placed = f"{picture_width_cm(section.pixel_size):.2f}cm"
            proportions = f' style="width: {placed}; height: calc(({placed} - 2px) * {height} / {width} + 2px)"'
            if placeholders:
                source = pdf_images.placeholder_uri(pictures)
            else:
                source = f"data:image/png;base64,{base64.b64encode(section.png).decode()}"
            image = f'<img alt="{escape(picture_alt(report, section))}"{proportions} src="{source}">'
            pictures += 1
        elif section.empty_note:  # the page's sentence in the chart's place, as on the slide and in the Word report
            image = f'<p class="empty">{_with_names_kept(section.empty_note, names)}</p>'

        caption = escape(t("export.briefing.figure_caption", number=number, title=section.title))
        reading = f'<div class="takeaway">{_with_names_kept(section.takeaway, names)}</div>' if section.takeaway else ""
        # a group, not a figure of its own: Chromium tagged the <figure> as a second Figure in the PDF, one without
        # alternative text around the picture's (what PDF/UA checkers fail); tagged Div, it holds the Figure and Caption
        # the first chart on page 2 where page_fill planned it there (first_chart_opens_page_two)
        opens = ' class="opens-page"' if number == 1 and first_chart_opens_page_two(report, "pdf") else ""
        parts.append(f'<figure role="group"{opens}>{image}<figcaption><b>{caption}</b>{reading}</figcaption></figure>')
    parts.append(f"<h2>{escape(t('export.report.problems'))}</h2>")
    parts += _issues(
        report,
        open_issue_rows,
        "export.report.open_heading",
        "export.briefing.open_issues_intro",
        no_open_issues_key(report),
        names,
    )
    parts += _issues(
        report,
        overdue_issue_rows,
        "export.report.overdue_heading",
        "export.report.overdue_intro",
        "empty.no_overdue",
        names,
        kept_with_next=True,
    )
    parts.append(_closing(report))
    if report.units_in_annex:  # the units the head says how many of, on a page of their own after the report
        heading = t("export.report.units_annex_heading", count=len(report.context.filter.units))
        parts.append(f'<h2 class="annex">{escape(heading)}</h2>')
        parts.append(f'<p class="body">{_with_names_kept(report.context.scope(), names)}</p>')
    parts.append("</body></html>")
    return "\n".join(parts)
