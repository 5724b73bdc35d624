"""The briefing as 16:9 slides: title, key figures, one slide per chart with its reading beside it, the issues
not yet rectified and the overdue ones (table slides, paginated), and a closing summary.

Every slide carries the confidentiality marking (top right) and the viewer's watermark behind its content.
"""

from __future__ import annotations

import functools
import io
import math
import re
from copy import deepcopy

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Cm, Inches, Pt

from oversight.briefing.office_package import pptx_bytes_of, set_core_properties
from oversight.briefing.report import (
    CJK_SANS,
    LATIN_FONT,
    LISTED_ISSUES,
    ChartSection,
    Report,
    column_widths,
    issue_count,
    listed_note,
    no_open_issues_key,
    open_issue_rows,
    overdue_issue_rows,
    picture_alt,
)
from oversight.charts import COLOURS
from oversight.charts.style import filled_lines, label_width
from oversight.core.drawn_width import bold_document_em
from oversight.export.marking import MARKING_RGB, WATERMARK_RGB, hex_colour

SLIDE_WIDTH, SLIDE_HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
_RED = RGBColor.from_string(COLOURS["primary"].lstrip("#"))
_INK = RGBColor.from_string("1F2933")
_GREY = RGBColor.from_string("52606D")
_LAYOUT_TITLE, _LAYOUT_TITLE_ONLY = 0, 5
# The chart's picture on the left, at most this big (the images are rendered for it: 13 px text ≥ 11.7 pt),
# its reading in a panel on the right.
_PICTURE_TOP, _PICTURE_MAX_WIDTH, _PICTURE_MAX_HEIGHT = Inches(1.35), Inches(8.4), Inches(5.5)
_PANEL_GAP = Inches(0.3)
# past the widest picture and its gap, so the second watermark always falls in the reading panel
_PANEL_WATERMARK_LEFT = MARGIN + _PICTURE_MAX_WIDTH + _PANEL_GAP + Inches(0.15)
ISSUE_ROWS_PER_SLIDE = 8


def _style_run(run, size: float, colour: RGBColor = _INK, bold: bool = False) -> None:
    font = run.font
    font.size, font.bold = Pt(size), bold
    font.color.rgb = colour
    font.name = LATIN_FONT
    # python-pptx only sets the Latin typeface; without an East Asian one PowerPoint may pick a font without Chinese.
    properties = run._r.get_or_add_rPr()  # noqa: SLF001
    east_asian = properties.find(qn("a:ea"))
    if east_asian is None:
        east_asian = etree.SubElement(properties, qn("a:ea"))
        properties.find(qn("a:latin")).addnext(east_asian)
    east_asian.set("typeface", CJK_SANS)


def _set_text(
    frame, lines: list[str], size: float, colour: RGBColor = _INK, bold: bool = False, align: PP_ALIGN = PP_ALIGN.LEFT
) -> None:
    frame.clear()
    frame.word_wrap = True
    for number, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
        paragraph.alignment = align
        run = paragraph.add_run()
        run.text = line
        _style_run(run, size, colour, bold)


def _text_box(slide, left: int, top: int, width: int, height: int, lines: list[str], size: float, **style):
    box = slide.shapes.add_textbox(left, top, width, height)
    box.text_frame.vertical_anchor = MSO_ANCHOR.TOP
    _set_text(box.text_frame, lines, size, **style)
    return box


_DECORATIVE_EXTENSION = "{C183D7F6-B498-43B3-948B-1728B52AA6E4}"
_DECORATIVE_NS = "http://schemas.microsoft.com/office/drawing/2017/decorative"


def _decorative(shape) -> None:
    """Mark ``shape`` decorative, as PowerPoint's Alt Text pane does: a screen reader passes over it and the
    accessibility checker asks no alt text of it. A slide's reading order is its drawing order, so a screen reader read
    the watermark, drawn first to lie behind everything, twice ("leader1 2021-01-05 09:30") before the slide's
    title, and the outlines of cards and panels and the red rule as unnamed rectangles."""
    properties = shape._element.xpath("./*[1]/p:cNvPr")[0]  # noqa: SLF001 — nvSpPr, nvPicPr …: the first child
    extensions = properties.find(qn("a:extLst"))
    if extensions is None:
        extensions = etree.SubElement(properties, qn("a:extLst"))
    extension = etree.SubElement(extensions, qn("a:ext"))
    extension.set("uri", _DECORATIVE_EXTENSION)
    etree.SubElement(extension, f"{{{_DECORATIVE_NS}}}decorative", nsmap={"adec": _DECORATIVE_NS}).set("val", "1")


def _send_to_back(slide, shape) -> None:
    tree = slide.shapes._spTree  # noqa: SLF001
    tree.remove(shape._element)  # noqa: SLF001
    tree.insert(2, shape._element)  # after the group's own properties: drawn first, behind everything  # noqa: SLF001


def _outlined_box(slide, left: int, top: int, width: int, height: int, line: str) -> None:
    """A card or panel: outlined, not filled, so the watermark behind the slide's content reads whole through it
    (a filled box hid it but for stray fragments in the gaps between boxes)."""
    box = slide.shapes.add_shape(1, left, top, width, height)
    box.fill.background()
    box.line.color.rgb = RGBColor.from_string(line)
    box.line.width = Pt(0.75)
    _decorative(box)


def _draw_watermark(slide, report: Report) -> list:
    """The watermark, pale and diagonal, twice behind the slide's content: one where a chart slide's picture
    lies (which carries its own), one inside its reading panel, so that neither is cut by the picture's edge
    into a stray fragment ("nputer 2026-12-02")."""
    boxes: list = []
    for left, top in ((Inches(1.2), Inches(2.2)), (_PANEL_WATERMARK_LEFT, Inches(4.3))):
        box = slide.shapes.add_textbox(left, top, Inches(3.5), Inches(0.6))
        box.rotation = -25
        _set_text(box.text_frame, report.marking.watermark_lines, 20, RGBColor.from_string(hex_colour(WATERMARK_RGB)))
        box.text_frame.word_wrap = False  # the name is bounded (marking.drawn_viewer): one line each, never wrapped
        for paragraph in box.text_frame.paragraphs:
            colour = paragraph.runs[0]._r.rPr.find(qn("a:solidFill"))[0]  # noqa: SLF001
            etree.SubElement(colour, qn("a:alpha")).set("val", "45000")  # 45% opaque: light, yet a copy shows it
        _decorative(box)
        _send_to_back(slide, box)
        boxes.insert(0, box)
    return boxes  # in the slide's order: the last one sent back comes first


_MARKING_PT, _MARKING_LEAST_PT = 12, 8


def marking_size(label: str) -> float:
    """12 pt, or smaller for an office's long marking, so that it stays one line above the title: in a 4-inch box a
    marking of 44 characters broke inside a word (研究工作参/考使用) and its second line came down beside the title."""
    needed = bold_document_em(label) * _MARKING_PT  # bold, as _title_size measures the title
    room = _bold_line_room()
    return _MARKING_PT if needed <= room else max(_MARKING_LEAST_PT, math.floor(_MARKING_PT * room / needed))


def _bold_line_room() -> float:
    """The room, in pt, for one line of bold text across the slide's text width: inside its box's insets, less 2%
    for a renderer's rounding."""
    return ((SLIDE_WIDTH - 2 * MARGIN) / Pt(1) - _TEXT_INSET_PT) * 0.98


def _draw_marking(slide, report: Report) -> list:
    """The confidentiality marking in the top-right corner, on one line (right-aligned across the text width)."""
    box = _text_box(
        slide,
        MARGIN,
        Inches(0.08),
        SLIDE_WIDTH - 2 * MARGIN,
        Inches(0.3),
        [report.marking.label],
        marking_size(report.marking.label),
        colour=RGBColor.from_string(hex_colour(MARKING_RGB)),
        bold=True,
        align=PP_ALIGN.RIGHT,
    )
    return [box]


def _draw_rule(slide, report: Report) -> list:
    """A red accent under the title."""
    rule = slide.shapes.add_shape(1, MARGIN, Inches(1.1), Inches(1.2), Inches(0.06))  # 1 = rectangle
    rule.fill.solid()
    rule.fill.fore_color.rgb = _RED
    rule.line.fill.background()
    _decorative(rule)
    return [rule]


def _footer_lines(report: Report) -> list[str]:
    """The report's foot; where the cover cannot hold the units' names (they are on the slides after it), the
    line that sends the reader to the cover sends them there instead."""
    lines = report.footer_lines()
    if len(lines) > 1 and _cover_size(report) is None:
        lines[-1] = _scope_after_cover(report)
    return lines


def _draw_footer(slide, report: Report) -> list:
    """The team, the data date and the filter along the bottom edge; a second line names the units of a pack of
    some units (under the picture, which ends 0.65 inch above the slide's edge)."""
    lines = _footer_lines(report)
    height = _footer_height(report)
    box = _text_box(slide, MARGIN, _footer_top(report), SLIDE_WIDTH - 2 * MARGIN, height, lines, 10, colour=_GREY)
    return [box]


def _footer_height(report: Report) -> int:
    return Inches(0.3 if len(_footer_lines(report)) == 1 else 0.45)


def _footer_top(report: Report) -> int:
    return SLIDE_HEIGHT - Inches(0.15) - _footer_height(report)


class _Furniture:
    """What is the same on every slide of one deck: the marking, the watermark (one viewer, one time for the
    whole pack), the rule under the title and the footer. Each piece is drawn with python-pptx on the first
    slide that has it, then copied as XML onto the others: python-pptx's own calls cost a few milliseconds a
    shape (each new shape searches the slide for the highest id), several times the copy. Each slide keeps its
    own copy, as before, so a slide copied into another deck still carries its marking and watermark."""

    def __init__(self, report: Report) -> None:
        self._report = report
        self._drawn: dict[str, list] = {}  # piece → its shapes' XML elements, as drawn on the first slide

    def add(self, slide, *pieces: str) -> None:
        marking = self._report.marking
        wanted = {"watermark": bool(marking.watermark), "marking": bool(marking.label), "rule": True, "footer": True}
        for piece in pieces:
            if not wanted[piece]:
                continue
            if piece in self._drawn:
                self._copy(slide, piece)
            else:
                shapes = _DRAW[piece](slide, self._report)
                self._drawn[piece] = [deepcopy(shape._element) for shape in shapes]  # noqa: SLF001

    def _copy(self, slide, piece: str) -> None:
        tree = slide.shapes._spTree  # noqa: SLF001
        next_id = max(int(value) for value in tree.xpath("//p:cNvPr/@id")) + 1
        behind = piece == "watermark"
        for offset, template in enumerate(self._drawn[piece]):
            element = deepcopy(template)
            element[0][0].set("id", str(next_id + offset))  # nvSpPr/cNvPr: a shape's id is unique on its slide
            if behind:
                tree.insert(2 + offset, element)  # after the group's own properties: drawn first, behind everything
            else:
                tree.append(element)


_DRAW = {"watermark": _draw_watermark, "marking": _draw_marking, "rule": _draw_rule, "footer": _draw_footer}


def _title_size(title: str, largest: float = 28, smallest: float = 18) -> float:
    """28 pt, or smaller for a long (English) title, so that it stays on one line above the red rule: measured in the
    bold type that draws it, inside the box's insets. Reckoned in the charts' font, a fifth narrower than DejaVu Sans
    Bold (Arial's stand-in in LibreOffice and WPS on Linux), three of the pack's titles wrapped into the rule."""
    room = _bold_line_room()
    needed = bold_document_em(title) * largest
    return largest if needed <= room else max(smallest, math.floor(largest * room / needed))


def _titled_slide(deck, title: str, furniture: _Furniture):
    """A "Title Only" slide with its title placed for 16:9 (the default template is laid out for 4:3)."""
    slide = deck.slides.add_slide(deck.slide_layouts[_LAYOUT_TITLE_ONLY])
    heading = slide.shapes.title
    heading.left, heading.top, heading.width, heading.height = (
        MARGIN,
        Inches(0.3),
        SLIDE_WIDTH - 2 * MARGIN,
        Inches(0.8),
    )
    _set_text(heading.text_frame, [title], _title_size(title), _INK, bold=True)
    heading.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    furniture.add(slide, "rule", "footer", "watermark", "marking")
    return slide


# The cover's lines under the title (team, scope, period, data date): from 3.8 inches down to the slide's foot,
# at 18 pt, or smaller down to 12 pt for a long list of units. 60 units' names at 18 pt ran past the slide's
# bottom edge and hid the period and the data date under it (a 300-unit pack: names to the edge, nothing else).
_COVER_META_TOP, _COVER_META_BOTTOM = Inches(3.8), SLIDE_HEIGHT - Inches(0.2)
_COVER_WIDTH = SLIDE_WIDTH - Inches(2)
_COVER_SIZES = (18, 16, 14, 12)
_TEXT_INSET_PT = 14.4  # a text box's left and right insets, 0.1 inch each
_NAME_BREAKS = re.compile(r"(?<=[、，,;；])")  # a list of names breaks between names, not inside one
_SCOPE_LIST_PT = 12


def _lines_of(paragraph: str, width_emu: int, size_pt: float, breaks: re.Pattern[str]) -> list[str]:
    """``paragraph`` as a text box ``width_emu`` wide fills it at ``size_pt``, erring on more lines."""
    room = width_emu / Pt(1) - _TEXT_INSET_PT
    width = functools.partial(label_width, font_size=size_pt, latin_share=0.6)
    return [
        part
        for line in filled_lines(paragraph, breaks, room, width)
        for part in ([line] if width(line) <= room else filled_lines(line, _CELL_BREAKS, room, width))
    ]


def _text_height(paragraphs: list[str], width_emu: int, size_pt: float) -> int:
    lines = sum(len(_lines_of(paragraph, width_emu, size_pt, _NAME_BREAKS)) for paragraph in paragraphs)
    return int(Pt(lines * size_pt * 1.45) + Inches(0.1))  # Noto Sans CJK's line is 1.45 em; the top and bottom insets


def _cover_size(report: Report) -> float | None:
    """The largest type size at which the cover's lines fit under its title, or None: the units' names do not
    fit at the smallest, and go on slides of their own after the cover."""
    lines = [report.team, *report.meta_lines()]
    room = _COVER_META_BOTTOM - _COVER_META_TOP
    return next((size for size in _COVER_SIZES if _text_height(lines, _COVER_WIDTH, size) <= room), None)


def _scope_after_cover(report: Report) -> str:
    return report.t("export.briefing.scope_after_cover", count=len(report.context.filter.units))


def _title_slide(deck, report: Report, furniture: _Furniture) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[_LAYOUT_TITLE])
    title, subtitle = slide.shapes.title, slide.placeholders[1]
    title.left, title.top, title.width, title.height = Inches(1), Inches(2.0), SLIDE_WIDTH - Inches(2), Inches(1.5)
    _set_text(
        title.text_frame,
        report.title_lines,
        math.floor(40 * report.title_scale),
        _RED,
        bold=True,
        align=PP_ALIGN.CENTER,
    )
    subtitle.left, subtitle.top, subtitle.width, subtitle.height = (
        Inches(1),
        _COVER_META_TOP,
        _COVER_WIDTH,
        _COVER_META_BOTTOM - _COVER_META_TOP,
    )
    subtitle.text_frame.vertical_anchor = MSO_ANCHOR.TOP
    size = _cover_size(report)
    meta = report.meta_lines()
    if size is None:
        meta[0] = _scope_after_cover(report)
    _set_text(subtitle.text_frame, [report.team, *meta], size or _COVER_SIZES[0], _GREY, align=PP_ALIGN.CENTER)
    furniture.add(slide, "watermark", "marking")
    if size is None:
        _scope_slides(deck, furniture, report)


def _scope_slides(deck, furniture: _Furniture, report: Report) -> None:
    """The units of a pack too many to name on the cover, as many slides as they fill, each titled with their
    count (of the whole list: a slide shown on its own is not read as all of them)."""
    width = SLIDE_WIDTH - 2 * MARGIN
    top = Inches(1.4)
    per_slide = max(1, int((_footer_top(report) - top - Inches(0.2)) / Pt(_SCOPE_LIST_PT * 1.45)))
    lines = _lines_of(report.context.scope(), width, _SCOPE_LIST_PT, _NAME_BREAKS)
    title = report.t("export.briefing.scope_list_title", count=len(report.context.filter.units))
    for start in range(0, len(lines), per_slide):
        slide = _titled_slide(deck, title, furniture)
        body = (
            "".join(lines[start : start + per_slide])
            if report.lang == "zh"
            else " ".join(lines[start : start + per_slide])
        )
        _text_box(slide, MARGIN, top, width, _footer_top(report) - top, [body], _SCOPE_LIST_PT, colour=_INK)


def _key_figures_slide(deck, furniture: _Furniture, report: Report) -> None:
    slide = _titled_slide(deck, report.t("export.briefing.key_figures"), furniture)
    notes = list(report.figure_notes)
    columns = 3
    # a note under the cards takes two lines in English (14 pt), above a footer of two lines for a pack of some
    # units: the cards give it room, or its second line sat on the footer
    gap, height = (Inches(0.25), Inches(2.15)) if notes else (Inches(0.3), Inches(2.3))
    width = (SLIDE_WIDTH - 2 * MARGIN - gap * (columns - 1)) // columns
    for index, kpi in enumerate(report.kpis):
        left = MARGIN + (width + gap) * (index % columns)
        top = Inches(1.5) + (height + gap) * (index // columns)
        _outlined_box(slide, left, top, width, height, "CBD2D9")
        # "year on year" only beside a change: "no comparable data year on year" read as a change of that name
        delta = (
            report.t("kpi.delta_yoy", delta=kpi.delta)
            if kpi.delta and kpi.basis
            else kpi.delta or report.t("kpi.delta_none")
        )
        _text_box(
            slide,
            left + Inches(0.2),
            top + Inches(0.2),
            width - Inches(0.4),
            Inches(0.5),
            [kpi.label],
            18,
            colour=_GREY,
        )
        _text_box(
            slide,
            left + Inches(0.2),
            top + Inches(0.75),
            width - Inches(0.4),
            Inches(0.9),
            [kpi.display],
            40,
            colour=_RED,
            bold=True,
        )
        # grey, as the screen's cards write every change: its sign gives the direction, and the team judges none
        _text_box(
            slide, left + Inches(0.2), top + Inches(1.7), width - Inches(0.4), Inches(0.4), [delta], 16, colour=_GREY
        )
    if notes:  # under the rows of cards, above the footer; two notes (to date, and why not compared) a size smaller
        rows = -(-len(report.kpis) // columns)
        top = Inches(1.5) + (height + gap) * rows - gap + Inches(0.05)
        bottom = _footer_top(report) - Inches(0.05)
        size = 14 if len(notes) == 1 else 12
        _text_box(slide, MARGIN, top, SLIDE_WIDTH - 2 * MARGIN, bottom - top, notes, size, colour=_GREY)


def _chart_slide(deck, furniture: _Furniture, report: Report, section: ChartSection) -> None:
    slide = _titled_slide(deck, section.title, furniture)
    picture_width: int = _PICTURE_MAX_WIDTH
    if section.png is not None:
        # Fit the picture in its box, keeping the image's own aspect ratio; no title inside it (the slide has one).
        picture_width = min(_PICTURE_MAX_WIDTH, int(_PICTURE_MAX_HEIGHT / section.aspect))
        picture = slide.shapes.add_picture(
            io.BytesIO(section.png), MARGIN, _PICTURE_TOP, picture_width, int(picture_width * section.aspect)
        )
        # what a screen reader says for it, and PowerPoint's Alt Text pane shows (python-pptx wrote "image.png")
        picture.name = section.title
        picture._element.nvPicPr.cNvPr.set("descr", picture_alt(report, section))  # noqa: SLF001
    else:  # where the chart would be, that there is none and why (a blank area read as a picture missing; the
        # screen's 当前筛选条件下暂无数据 spoke of a filter the slide's reader never set)
        if not section.takeaway:  # nothing more to read: the note takes the slide's width, no empty panel beside it
            picture_width = SLIDE_WIDTH - 2 * MARGIN
        _outlined_box(slide, MARGIN, _PICTURE_TOP, picture_width, _PICTURE_MAX_HEIGHT, "D9DEE5")
        message = _text_box(
            slide,
            MARGIN + Inches(0.3),
            _PICTURE_TOP + _PICTURE_MAX_HEIGHT // 2 - Inches(0.6),
            picture_width - Inches(0.6),
            Inches(1.2),
            [section.empty_note or report.t("export.briefing.no_chart")],
            18,
            colour=_GREY,
            align=PP_ALIGN.CENTER,
        )
        message.name = "no data"
    if not section.takeaway:
        return
    panel_left = MARGIN + picture_width + _PANEL_GAP
    _outlined_box(slide, panel_left, _PICTURE_TOP, SLIDE_WIDTH - MARGIN - panel_left, Inches(5.5), "D9DEE5")
    accent = slide.shapes.add_shape(1, panel_left, _PICTURE_TOP, Inches(0.06), Inches(5.5))
    accent.fill.solid()
    accent.fill.fore_color.rgb = _RED
    accent.line.fill.background()
    _decorative(accent)
    _text_box(
        slide,
        panel_left + Inches(0.25),
        _PICTURE_TOP + Inches(0.2),
        SLIDE_WIDTH - MARGIN - panel_left - Inches(0.4),
        Inches(5.1),
        [section.takeaway or ""],
        18,
        colour=_INK,
    )


_TABLE_PT = 12
_UNIT_LINES, _UNIT_MOST_CM, _DESCRIPTION_LEAST_CM = 2, 9.0, 10.0


def _slide_widths(kinds: list[str], rows: list[list[str]], header: list[str], total_cm: float) -> list[float]:
    """The table's widths on a slide: as in the Word report, but the unit column wide enough for its longest name on
    one line where the description can spare it, else in two lines, taken from the description (31 cm across leave it
    plenty): in the width of a page's table an English name took four lines, and eight rows of them ran past the
    slide's foot. One line is measured as ``_row_height`` counts a cell's lines: a column that fitted Petitions Bureau
    by a looser measure was counted two lines by it, and that row stood a line taller than the rest, a gap in the
    list like a row missing. No column is widened past leaving the description ``_DESCRIPTION_LEAST_CM``."""
    widths = column_widths(kinds, total_cm, font_pt=_TABLE_PT, header=header)
    if "description" not in kinds or not rows:
        return widths
    description = kinds.index("description")

    def widen(position: int, wanted_cm: float) -> None:
        extra = max(0.0, min(wanted_cm - widths[position], widths[description] - _DESCRIPTION_LEAST_CM))
        widths[position] += extra
        widths[description] -= extra

    # each header's longest word whole on its line: "overdue" in 2.47 cm was counted broken inside it, three lines
    # where two were drawn, and the header row stood a blank line taller than its words
    for position, title in enumerate(header):
        if position != description and title.split():
            longest_pt = max(_line_width_pt(word, bold=True) for word in title.split())
            widen(position, math.ceil((longest_pt + _CELL_INSET_PT) / (72 / 2.54) * 10) / 10)
    unit = next((i for i, kind in enumerate(kinds) if kind.startswith("unit")), None)
    if unit is not None:
        names = {row[unit] for row in rows}
        one_line_cm = _narrowest_cm(names, 1)
        if one_line_cm is not None and widths[description] - (one_line_cm - widths[unit]) >= _DESCRIPTION_LEAST_CM:
            widen(unit, one_line_cm)
        else:
            widen(unit, _narrowest_cm(names, _UNIT_LINES) or _UNIT_MOST_CM)
    return widths


def _narrowest_cm(texts: set[str], lines: int) -> float | None:
    """The narrowest column, in steps of a millimetre up to ``_UNIT_MOST_CM``, in which each of ``texts`` takes at most
    ``lines`` lines as ``_cell_lines`` counts them; None where none is wide enough."""
    start = max(_line_width_pt(text) for text in texts) / lines + _CELL_INSET_PT
    for tenths in range(math.floor(start / (72 / 2.54) * 10), int(_UNIT_MOST_CM * 10) + 1):
        if all(_cell_lines(text, int(Cm(tenths / 10))) <= lines for text in texts):
            return tenths / 10
    return None


# A table row's height on a slide, as its text needs it: LibreOffice (and so WPS's rendering of the same file) kept
# the row python-pptx set, a third line of a 100-character description ran over the next row's rule and the eighth
# row over the footer. Each row is set to its lines; a slide takes the rows that fit above its footer.
_LINE_PT = _TABLE_PT * 1.45  # Noto Sans CJK's line: ascent and descent, 1.45 em
_CELL_INSET_PT = 14.4  # a cell's left and right insets (python-pptx's 0.1 inch each)
_CELL_MARGIN = Inches(0.04)  # its top and bottom margins, each
_TABLE_TOP = Inches(1.35)
_TABLE_CLEARANCE = Inches(0.1)  # between the table's last row and the footer
# where a cell's text may wrap: after a space, or before any character that is not a Latin letter or digit (a line
# of Chinese breaks between any two characters; an English word stays whole)
_CELL_BREAKS = re.compile(r"(?<=\s)|(?=[^\sA-Za-z0-9.,;:!?'\"()\-])")


def _line_width_pt(text: str, bold: bool = False) -> float:
    """``text``'s width on one line of a cell at the table's type size, erring wide (bold wider)."""
    return label_width(text, _TABLE_PT, 0.68 if bold else 0.6)  # a Latin letter's width in em


def _cell_lines(text: str, width_emu: int, bold: bool = False) -> int:
    """How many lines ``text`` takes in a cell ``width_emu`` wide at the table's type size, erring on more: filled
    as a renderer fills it, at the breaks it may take, a word wider than the cell broken inside."""
    room = max(width_emu / Pt(1) - _CELL_INSET_PT, _TABLE_PT)
    width = functools.partial(_line_width_pt, bold=bold)
    return sum(
        max(1, math.ceil(width(line) / room))
        for paragraph in text.split("\n")
        for line in filled_lines(paragraph, _CELL_BREAKS, room, width)
    )


def _row_height(values: list[str], widths: list[int], bold: bool = False) -> int:
    lines = max(_cell_lines(text, width, bold) for text, width in zip(values, widths))
    return int(Pt(lines * _LINE_PT) + 2 * _CELL_MARGIN)


def _pages_of_rows(rows: list[tuple[list[str], int]], room: int) -> list[list[tuple[list[str], int]]]:
    """The rows (each with its height) in slides: as many as fit in ``room`` (the header's row taken off already), at
    most ``ISSUE_ROWS_PER_SLIDE``, at least one (a row taller than a slide still gets a slide of its own)."""
    pages: list[list[tuple[list[str], int]]] = [[]]
    used = 0
    for row, height in rows:
        if pages[-1] and (used + height > room or len(pages[-1]) == ISSUE_ROWS_PER_SLIDE):
            pages.append([])
            used = 0
        pages[-1].append((row, height))
        used += height
    return pages


def _issue_slides(deck, furniture: _Furniture, report: Report, rows_of, title_key: str, none_key: str) -> None:
    """The issues as table slides, as many rows each as fit above the footer (``ISSUE_ROWS_PER_SLIDE`` at most);
    when there are none, one slide that says so, as the Word and PDF reports do (a deck that skipped the list read
    as a list forgotten, not as an all-clear)."""
    header, rows, kinds = rows_of(report)
    if not rows:
        slide = _titled_slide(deck, report.t(title_key, page=1, pages=1, count=1), furniture)
        _text_box(
            slide, MARGIN, Inches(1.4), SLIDE_WIDTH - 2 * MARGIN, Inches(1.0), [report.empty_list_line(none_key)], 20
        )
        return
    width = SLIDE_WIDTH - 2 * MARGIN
    widths = [int(Cm(cm)) for cm in _slide_widths(kinds, rows, header, width / Cm(1))]
    header_height = _row_height(header, widths, bold=True)
    room = _footer_top(report) - _TABLE_CLEARANCE - _TABLE_TOP - header_height
    pages = _pages_of_rows([(row, _row_height(row, widths)) for row in rows], room)
    cut = listed_note(report, rows_of) is not None  # the title says how many of how many the slides show
    for number, page in enumerate(pages, start=1):
        # a list on one slide is titled without "(1/1)": a page count of one reads as a machine's
        title = (
            report.t(
                f"{title_key}_cut",
                page=number,
                pages=len(pages),
                shown=LISTED_ISSUES,
                total=issue_count(report, rows_of),
            )
            if cut
            else report.t(title_key, page=number, pages=len(pages), count=len(pages))
        )
        slide = _titled_slide(deck, title, furniture)
        heights = [header_height, *(height for _, height in page)]
        shape = slide.shapes.add_table(len(page) + 1, len(header), MARGIN, _TABLE_TOP, width, sum(heights))
        # a screen reader names a table by its Alt Text, else its shape's name: it said "Table 7" (in English, on a
        # Chinese deck) for every list, and PowerPoint's accessibility check counted each as missing Alt Text
        shape.name = title
        shape._element.nvGraphicFramePr.cNvPr.set("descr", title)  # noqa: SLF001 — python-pptx sets no descr
        table = shape.table
        for position, column_width in enumerate(widths):
            table.columns[position].width = column_width
        for row_number, values in enumerate([header, *(row for row, _ in page)]):
            table.rows[row_number].height = heights[row_number]
            for position, text in enumerate(values):
                cell = table.cell(row_number, position)
                _set_text(cell.text_frame, [text], _TABLE_PT, _INK, bold=row_number == 0)
                cell.margin_top = cell.margin_bottom = _CELL_MARGIN
                if row_number == 0:
                    cell.fill.solid()
                    cell.fill.fore_color.rgb = RGBColor.from_string("E8EEF7")
                else:
                    cell.fill.background()


def _closing_slide(deck, furniture: _Furniture, report: Report) -> None:
    slide = _titled_slide(deck, report.t("export.report.closing_title"), furniture)
    box = _text_box(slide, MARGIN, Inches(1.4), SLIDE_WIDTH - 2 * MARGIN, Inches(5.4), report.summary, 17, colour=_INK)
    for paragraph in box.text_frame.paragraphs:
        paragraph.space_after = Pt(12)
        paragraph.line_spacing = 1.15


def _set_language(deck, report: Report) -> None:
    """Every run's language, as PowerPoint writes it for text typed in: a Chinese deck's runs ``lang="zh-CN"``
    (``altLang`` the other), so that its proofing and a screen reader's voice take the text as Chinese. Without it
    PowerPoint takes the system's language, en-US on most installations, and marks each Chinese word misspelt."""
    lang, alt_lang = report.t("export.report.proofing_lang"), report.t("export.report.proofing_alt_lang")
    for default in deck._element.iter(qn("a:defRPr")):  # new text typed into the deck  # noqa: SLF001
        if default.get("lang") is not None:
            default.set("lang", lang)
    for slide in deck.slides:
        for properties in slide.shapes._spTree.iter(qn("a:rPr"), qn("a:endParaRPr")):  # noqa: SLF001
            properties.set("lang", lang)
            properties.set("altLang", alt_lang)


def pptx_bytes(report: Report) -> bytes:
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    set_core_properties(deck.core_properties, report.title, report.team, report.marking.made_at)
    furniture = _Furniture(report)
    _title_slide(deck, report, furniture)
    _key_figures_slide(deck, furniture, report)
    for section in report.sections:
        _chart_slide(deck, furniture, report, section)
    _issue_slides(
        deck, furniture, report, open_issue_rows, "export.report.open_slide_title", no_open_issues_key(report)
    )
    _issue_slides(deck, furniture, report, overdue_issue_rows, "export.report.overdue_slide_title", "empty.no_overdue")
    _closing_slide(deck, furniture, report)
    _set_language(deck, report)
    return pptx_bytes_of(deck, report.marking.made_at)
