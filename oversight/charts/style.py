"""How every figure looks: fonts, colours and the explicit Plotly template, plus small layout helpers.

Every figure carries ``TEMPLATE``, so what the screen shows and what an export renders are the same
(streamlit's own plotly template has placeholder colours that export as black).
"""

from __future__ import annotations

import calendar
import collections
import itertools
import re
from collections.abc import Callable, Sequence
from typing import cast

import pandas as pd
import plotly.graph_objects as go

from oversight.core import i18n, safe_text
from oversight.core.drawn_width import drawn_em
from oversight.core.numbers import fixed
from oversight.data.filters import Quarter, same_day_years_earlier

FONT_FAMILY = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
# Government-report palette: a deep red for the team's own figures, blues and greys beside it.
# Every mark at least 3:1 against the white paper (信息无障碍, GB/T 37668 as WCAG 2.1's non-text contrast): the grey of
# a year earlier (#9AA5B1, 2.5:1) and the amber of 整改中 (#E3A21A, 2.2:1) were a shade too light to make out; each is
# as near its old shade as reaches 3:1 and still carries dark ink inside a bar at 4.5:1 (``inside_text_colour``).
# Told apart without full colour vision too (about 5% of Chinese men are red-green colour-blind): the leaf green of
# 已整改 (#2E7D32) looked to a deuteranope the same olive as the red of 未整改 beside it (CIEDE2000 5.7), and so did
# 抽调 beside 定期会商; the sea green in its place keeps "done" green and reads bluer to a red-green colour-blind
# eye. The purple of a fourth compared unit (#6A4C93) was the blue of the first to a protanope (3.4): now a plum.
# Every two colours one chart sets side by side differ by at least 10 under normal vision, deuteranopia,
# protanopia and tritanopia (tests/test_chart_colour_vision.py).
COLOURS = {
    "primary": "#B3261E",
    "secondary": "#1F5AA6",
    "muted": "#87919D",
    "accent": "#BD8614",
    "green": "#0D8559",
    "plum": "#5D3F69",
    "muted_text": "#52606D",  # notes such as 无可比数据: quieter than the data, still readable
}
# The colours a chart's series take in turn: no more than can be told apart by every reader (the teal and the orange
# that followed were the green and the amber again to a colour-blind eye, and no chart draws more than four).
SEQUENCE = [COLOURS["primary"], COLOURS["secondary"], COLOURS["accent"], COLOURS["green"], COLOURS["plum"]]
INK = "#1F2933"

_AXIS = dict(gridcolor="#E4E7EB", linecolor="#9AA5B1", zerolinecolor="#CBD2D9", automargin=False)
_GROUPED = dict(separatethousands=True, exponentformat="none")
TITLE_FONT = 18
_TITLE_X = 0.01  # the template's title starts this share of the width in from the left (and keeps as much right)
TEMPLATE = go.layout.Template(
    layout=go.Layout(
        font=dict(family=FONT_FAMILY, size=14, color=INK),
        # title on the first line of the top margin, legend on the second: long titles never run into it
        title=dict(font=dict(size=TITLE_FONT, color=INK), x=_TITLE_X, xanchor="left", yanchor="top"),
        paper_bgcolor="#FFFFFF",
        plot_bgcolor="#FFFFFF",
        colorway=SEQUENCE,
        # Fixed margins, not automargin: automargin makes Plotly lay every chart out several times
        # (about 0.1 s of drawing on the Overview, measured with make bench); charts with long
        # category labels set their left margin from the labels instead (see left_margin_for).
        margin=dict(l=70, r=30, t=90, b=60),
        # separatethousands: Plotly groups a tick only from 10,000 on (1000 … 9000 beside a card's 1,234), and
        # exponentformat none: from 10,000 on it wrote 10k, 15k beside a card's 15,189; the template's axes reach
        # every x and y axis of a figure (xaxis4 of the small charts too), on screen and in every picture
        xaxis=dict(**_AXIS, **_GROUPED),
        yaxis=dict(**_AXIS, **_GROUPED),
        legend=dict(orientation="h", yanchor="bottom", y=1.01, xanchor="left", x=0.0),
        hoverlabel=dict(font=dict(family=FONT_FAMILY)),
        separators=".,",
    )
)


def _luminance(colour: str) -> float:
    """WCAG's relative luminance of a ``#RRGGBB`` colour."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(one: str, other: str) -> float:
    """WCAG's contrast ratio of two ``#RRGGBB`` colours (1 to 21)."""
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


# Black, not the ink: a dark page lifts text in the ink's colour to a light grey (app.css), right for a number beside
# a bar, not for one on an amber or grey bar, which stays as light as on paper.
_DARK_ON_A_FILL = "#000000"


def inside_text_colour(fill: str) -> str:
    """Black or white, whichever reads better on ``fill``: Plotly's own pick for a number inside a bar or a slice
    was a grey #444 that read at 3.9:1 on the grey bars and 4.4:1 on the amber, under the 4.5:1 text needs."""
    return max((_DARK_ON_A_FILL, "#FFFFFF"), key=lambda text: contrast_ratio(text, fill))


# A heatmap's cells, from no meetings (a tint of the paper) to the most, and the one colour its numbers are written
# in: Plotly picks a number's colour per cell between white and a grey #444, and from a scale ending in the deep red
# half the cells (18 of the sample's 36, the middle of the scale) read at 3.1 to 4.4:1. The red at the top is as deep
# as black still reads on at 5.3:1; every cell between is lighter (each channel falls from the tint to the red).
HEAT_SCALE = (("#FFF5F4", 0.0), ("#DC4F46", 1.0))
HEAT_TEXT = _DARK_ON_A_FILL


def heat_colorscale(scale: Sequence[tuple[str, float]] = HEAT_SCALE) -> list[list[object]]:
    """``scale`` (colours and where they stand) as Plotly's colorscale."""
    return [[at, colour] for colour, at in scale]


def trace_fills(trace: dict) -> list[str] | str | None:
    """The colour (one, or one a point) a trace's hover box takes from it: a bar's, a line's marker or line, a donut's
    slices; None where it sets none of its own as ``#RRGGBB`` (a heatmap's box is Plotly's dark grey)."""
    kind = str(trace.get("type"))
    marker, line = trace.get("marker") or {}, trace.get("line") or {}
    fills = {"pie": marker.get("colors"), "bar": marker.get("color")}.get(
        kind, (marker.get("color") or line.get("color")) if kind == "scatter" else None
    )
    return fills if fills and _all_hex(fills) else None


def hover_words(fills: list[str] | str) -> list[str] | str:
    """The hover box's words on ``fills``: black or white, whichever reads better (``inside_text_colour``). Plotly's
    own pick, white or #444 by which stands further from the fill, wrote white on the grey of a year earlier at 3.2:1
    and on the amber at 3.2:1."""
    if isinstance(fills, str):
        return inside_text_colour(fills)
    return [inside_text_colour(fill) for fill in fills]


def readable_hover(plain: dict) -> dict:
    """The figure's JSON (``plain``, changed in place and returned) with every hover box's words readable on it."""
    for trace in plain.get("data", []):
        fills = trace_fills(trace)
        if fills is None:
            continue
        hoverlabel = trace.setdefault("hoverlabel", {})
        hoverlabel.setdefault("font", {})["color"] = hover_words(fills)
    return plain


def _all_hex(fills: object) -> bool:
    listed = [fills] if isinstance(fills, str) else fills if isinstance(fills, (list, tuple)) else [None]
    return all(isinstance(fill, str) and _HEX.match(fill) for fill in listed)


_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


def label_width(text: str, font_size: float = 14, latin_share: float | None = None) -> float:
    """How wide ``text`` is drawn, in px, never less (margins, title lines, tick thinning and a page's fill rely on
    it): in the charts' font each ASCII character at its own width, every other one a square (``drawn_em``: “ ” … ×
    → ▸ too, which the font draws as Chinese and a share of a square for Latin letters had short). ``latin_share``:
    an ASCII character at that share of a square instead, for a document's text in another font."""
    return drawn_em(str(text), latin_share) * font_size


def left_margin_for(labels, font_size: int = 14, minimum: int = 40) -> int:
    """A left margin that fits the longest category label beside a horizontal bar chart."""
    return max(minimum, int(max((label_width(label, font_size) for label in labels), default=0)) + 20)


def unit_names(frame: pd.DataFrame, lang: str) -> list[str]:
    # names come from the data: Plotly must show them, not read them as its HTML subset
    return [safe_text.plotly(name) for name in frame[i18n.localized_column("name", lang)]]


# Beside a bar a unit needs a short label: a long English name would take the whole card and shrink the bars to a
# sliver. The English names of provincial bodies share their wordy parts; dropping them leaves what tells units
# apart ("General Office", "Petitions Bureau"); the full name stays in the hover.
_ENGLISH_FILLER = (
    " of the Provincial Government",
    " of the Provincial People's Government",
    "Provincial Government ",
    "Provincial People's Government ",
    "Provincial ",
    "the ",
)
_ENGLISH_WORDS = {
    "Administration": "Admin.",
    "Department": "Dept.",
    "Government": "Gov.",
    "Commission": "Comm.",
    "Committee": "Cttee.",
    "Management": "Mgmt.",
    "Office": "Office",
    "Services": "Services",
}


def _shorten_english(text: str, size: float, max_px: float) -> str:
    for filler in _ENGLISH_FILLER:
        text = text.replace(filler, " ").strip()
    if label_width(text, size) > max_px:
        text = " ".join(_ENGLISH_WORDS.get(word, word) for word in text.replace(" and ", " & ").split())
    return text


# How a language's unit names lose their wordy parts before being cut; a Chinese name has none to lose.
_SHORTEN_WORDS = {"en": _shorten_english}
MAX_LABEL_PX = 170  # 40 % of a chart card's width at 1280 px with the sidebar open (≈ 420 px)
UNIT_LABEL_FONT = 12  # unit names beside bars are set a little smaller than the rest, to fit that width


def _without_wordy_parts(name: str, lang: str, max_px: float = MAX_LABEL_PX) -> str:
    shorten = _SHORTEN_WORDS.get(i18n.normalise_language(lang))
    return shorten(str(name), UNIT_LABEL_FONT, max_px) if shorten else str(name)


def short_unit_name(name: str, lang: str, max_px: float = MAX_LABEL_PX) -> str:
    """A unit's axis label: the wordy parts of an English name dropped, then cut to ``max_px`` with "…" — between
    words where it has them ("Changsha Education…": "Changsha Education Bure…" read as a misprint aloud), inside the
    one word left only where that alone is too wide. Chinese is cut where it must: every character is a word's part."""
    text, size = _without_wordy_parts(name, lang, max_px), UNIT_LABEL_FONT
    if label_width(text, size) <= max_px:
        return text
    words = text.split(" ") if lang == "en" else [text]  # a Chinese name's spaces are no word breaks
    while len(words) > 1 and label_width(" ".join(words) + "…", size) > max_px:
        words.pop()
    text = " ".join(words).rstrip(" &,-")
    while text and label_width(text + "…", size) > max_px:
        text = text[:-1]
    return text.rstrip() + "…"


def _cut_keeping_end(text: str, keep: int, max_px: float, size: float) -> str:
    """``text`` with its middle cut out ("省人民政府国有…机关服务中心"), its last ``keep`` characters kept."""
    if label_width(text, size) <= max_px:
        return text
    head, tail = text[: max(len(text) - keep, 0)], text[len(text) - keep :]
    while head and label_width(head + "…" + tail, size) > max_px:
        head = head[:-1]
    return head.rstrip() + "…" + tail.lstrip()


def _group_cut(names: list[str], taken: set[str], max_px: float) -> list[str] | None:
    """``names`` (whose labels were alike) cut in the middle, told apart from each other and from ``taken``,
    keeping the least end that does it, then as much as a third of the label holds, so that the end reads as a
    name's end ("…机关服务中心"), not a stray character; None when nothing in them tells them apart."""
    size = UNIT_LABEL_FONT

    def cut_at(keep: int) -> list[str] | None:
        cut = [_cut_keeping_end(name, keep, max_px, size) for name in names]
        return cut if len(set(cut)) == len(cut) and not taken & set(cut) else None

    found = next((keep for keep in range(1, max(map(len, names)) + 1) if cut_at(keep)), None)
    if found is None:
        return None
    first = names[0]
    readable = max(
        (keep for keep in range(found, len(first) + 1) if label_width(first[-keep:], size) <= max_px / 3),
        default=found,
    )
    while readable > found and " " in first and first[-readable - 1] != " ":
        readable -= 1  # a Latin name's end from a word's start ("…Bureau", not "…. Bureau")
    return cut_at(readable) or cut_at(found)


def distinct_labels(labels: list[str], names: list[str], max_px: float = MAX_LABEL_PX) -> list[str]:
    """``labels`` (each the short form of the name beside it) with no two alike: Plotly draws equal categories on
    one row, so two units whose long names were cut to the same "省人民政府国有资产监督管理…" became one bar with the
    other's figures hidden. Labels alike are cut in the middle instead (``_group_cut``); names alike as a whole
    (the units sheet refuses that) are numbered."""
    result = list(labels)
    for label in [label for label, count in collections.Counter(result).items() if count > 1]:
        group = [index for index, own in enumerate(result) if own == label]
        taken = {own for index, own in enumerate(result) if index not in group}
        cut = _group_cut([names[index] for index in group], taken, max_px)
        for number, index in enumerate(group, start=1):
            result[index] = cut[number - 1] if cut else f"{label} ({number})"
    return result


def has_own_short_names(frame: pd.DataFrame, lang: str) -> bool:
    """Whether the frame carries the units sheet's own short names in ``lang`` (only English has them: 英文简称)."""
    return i18n.localized_column("short_name", lang) in frame.columns


def own_short_names(frame: pd.DataFrame, lang: str) -> list[str]:
    """Each row's unit by the units sheet's own short name in ``lang`` where it has one, else by its name: how the
    charts, their readings, their data files and the unit choices name units."""
    names = [str(name) for name in frame[i18n.localized_column("name", lang)]]
    if not has_own_short_names(frame, lang):
        return names
    shorts = frame[i18n.localized_column("short_name", lang)]
    return [short.strip() if isinstance(short, str) and short.strip() else name for name, short in zip(names, shorts)]


def unit_labels(frame: pd.DataFrame, lang: str) -> tuple[list[str], list[str]]:
    """Short axis labels and the full names (for the hover), in the frame's order. In English the units sheet's
    own short name (英文简称) is used where it has one."""
    names = [str(name) for name in frame[i18n.localized_column("name", lang)]]
    # shortened first, escaped after: a cut must never fall inside an escape
    shown = own_short_names(frame, lang)
    labels = distinct_labels(
        [short_unit_name(name, lang) for name in shown], [_without_wordy_parts(name, lang) for name in shown]
    )
    return [safe_text.plotly(label) for label in labels], [safe_text.plotly(name) for name in names]


def count_ticks(top: float, most: int) -> dict:
    """Whole-number ticks for an axis of counts, at most ``most`` of them from 0 to ``top``: the smallest step of
    1, 2, 5, 10, 20, 50 … that fits. Plotly's own choice for a small range is 0.5 or 0.2 (half a meeting)."""
    step = 1
    if top == top:  # NaN (nothing known) keeps the step of 1
        factors = itertools.cycle((2, 2.5, 2))  # 1 → 2 → 5 → 10 → 20 → 50 …
        while top / step > most:
            step = round(step * next(factors))
    return dict(tick0=0, dtick=step)


_TICK_GAP_ACROSS_PX = 12  # the least room between two value ticks side by side


def ticks_across(top: float, plot_px: float, most: int, font_size: float = 14) -> dict:
    """``count_ticks`` for a value axis across a plot ``plot_px`` wide (a phone's card: the narrowest it is drawn),
    with no more ticks than their grouped numbers fit side by side: beside long unit names a plot of 130 px had six
    ticks of 0 … 3,000, and Plotly turned them on their side, one running into the next. At least 0 and one more."""
    widest = label_width(fixed(top if top == top else 0, 0, grouping=True), font_size) + _TICK_GAP_ACROSS_PX
    # intervals: one fewer than the labels that fit, two at least (0 and a tick below the top: at one, the next
    # tick fell past the top and the axis read only 0)
    fitting = max(2, min(most, int(plot_px // widest) - 1))
    return count_ticks(top, fitting)


def ticks_below(highest: float, ticks: dict) -> dict:
    """``ticks`` (``count_ticks``' step from 0) as a list that stops at ``highest``: an axis whose range leaves room
    above the bars for labels of its own gets no tick in that room."""
    step = ticks["dtick"]
    return dict(tickmode="array", tickvals=[step * n for n in range(int(highest // step) + 1)])


AXIS_TITLE_LINE_PX = 20


def fitted_axis_title(title: str, plot_px: float, right_px: float) -> str:
    """A value axis's title under bars across, on the lines a phone's card needs: Plotly centres it under the plot,
    which beside long unit names is narrow, so a title wider than the plot and twice the right margin ran past the
    card's edge ("Issues / suggestio"). Broken at its spaces, as a title is, and after a slash: a Chinese title has no
    spaces (指出问题（个）/意见建议（条） ran 42 px past a phone's card)."""
    room = plot_px + 2 * right_px
    if label_width(title) <= room:
        return title
    return "<br>".join(filled_lines(title, re.compile(r"(?= )|(?<=/)"), room, label_width))


CARD_WIDTH_PX = 320  # the narrowest chart card a legend must fit: a phone (390 px) less the page's padding
_TITLE_BAND_PX, LEGEND_ROW_PX = 62, 26


def legend_names(figure: go.Figure) -> list[str]:
    """What the figure's legend lists: each named trace, and each slice of a pie (a pie lists its labels)."""
    names: list[str] = []
    for trace in figure.data:
        if trace.showlegend is False:
            continue
        if trace.type == "pie":
            names += [str(label) for label in trace.labels or ()]
        elif trace.name:
            names.append(trace.name)
    return names


def legend_rows(names: list[str], width: float = CARD_WIDTH_PX) -> int:
    """How many rows a horizontal legend of ``names`` takes (symbol and gap ≈ 46 px an item), erring on more; an
    item of several lines (``<br>``) as many rows, as wide as its widest line."""
    rows, used = 1, 0.0
    for name in names:
        lines = name.split("<br>")
        item = max(label_width(line, 14) for line in lines) + 46
        if used and used + item > width:
            rows, used = rows + 1, 0.0
        used += item
        rows += len(lines) - 1
    return rows


_TITLE_ROOM_PX = 310  # a phone card's chart is ~320 px wide (measured: 18 CJK characters at 18 px are cut)
_TITLE_LINE_PX = 24
_TITLE_EDGE_PX = 20  # and a little more: the width estimate is an estimate
_TITLE_TOP_PX = 12  # from the chart's top edge to its title's line box (a CJK font's line box reaches above)
_MULTILINE_TITLE_RISE_PX = 12  # how much higher Plotly starts a title of several lines (base_layout)
# where a title may break: before an opening bracket, after a Chinese list comma or comma, at a space; and the
# breaks between a title's parts (brackets, commas), which read better than a break inside a phrase
_TITLE_BREAKS = re.compile(r"(?=（)|(?<=[、，])|(?= )")
_TITLE_PART_BREAKS = re.compile(r"(?=（)|(?<=[、，])|(?<=,)(?= )")


def _title_width(text: str) -> float:
    return label_width(text, TITLE_FONT)


def filled_lines(
    text: str, breaks: re.Pattern[str], room_px: float, width: Callable[[str], float] = _title_width
) -> list[str]:
    """Each line filled as far as it fits in ``room_px`` (as ``width`` measures it), broken only at ``breaks``:
    a title's lines, an exported picture's subtitle."""
    cuts = [0, *(match.start() for match in breaks.finditer(text)), len(text)]
    lines = [""]
    for piece in (text[a:b] for a, b in zip(cuts, cuts[1:]) if text[a:b]):
        if lines[-1].strip() and width((lines[-1] + piece).strip()) > room_px:
            lines.append(piece.lstrip())
        else:
            lines[-1] += piece
    return [line.strip() for line in lines if line.strip()] or [text]


def hover(template: str, lang: str) -> str:
    """A hover's template with the colon of the language before its value: 2020年第1季度：60 and 省政府办公厅：3 in
    Chinese (the hovers read 2020年第1季度: 60, an English colon in a Chinese label), "2020 Q1: 60" in English."""
    return template.replace(": %{", "：%{") if lang == "zh" else template


def fitted_title(title: str, room_px: float = _TITLE_ROOM_PX) -> str:
    """The title on as many lines (``<br>``) as a phone's chart card needs (``room_px`` wide) — SVG text does not
    wrap, and what passes the card's edge is cut — broken between its parts where that fits in as few lines
    ("Quarterly trends, / units side by side", not "… units side by / side"), else at any natural break."""
    if _title_width(title) <= room_px:
        return title
    lines = filled_lines(title, _TITLE_BREAKS, room_px)
    by_parts = filled_lines(title, _TITLE_PART_BREAKS, room_px)
    if len(by_parts) <= len(lines) and all(_title_width(line) <= room_px for line in by_parts):
        lines = by_parts
    return "<br>".join(lines)


def whole_title(fitted: str) -> str:
    """``fitted_title`` undone: its breaks before a bracket and after a Chinese comma took nothing away, every
    other one took a space."""
    lines = fitted.split("<br>")
    whole = lines[0]
    for line in lines[1:]:
        whole += ("" if whole.endswith(("、", "，")) or line.startswith("（") else " ") + line
    return whole


def _refitted(text: str | None, top: float, height: float, width: float) -> dict[str, object] | None:
    """A phone card's title (``text``, under a top margin ``top`` of a chart ``height`` px tall) fitted again to a
    chart ``width`` px wide: its text, its top margin less the room its lost lines took, and its anchor placed as
    ``base_layout`` places a title of that many lines; ``None`` where that would not take fewer lines."""
    if not text or "<br>" not in text:
        return None
    title = fitted_title(whole_title(text), width * (1 - 2 * _TITLE_X) - _TITLE_EDGE_PX)
    removed = _TITLE_LINE_PX * (text.count("<br>") - title.count("<br>"))
    if removed <= 0:  # as many lines, or more where the width is narrower than the phone's card it was fitted to
        return None
    rise = _MULTILINE_TITLE_RISE_PX if "<br>" in title else 0
    return {"text": title, "top": top - removed, "y": 1 - (_TITLE_TOP_PX + rise) / height}


def refit_title(figure: go.Figure, width: int) -> None:
    """The title of a figure ``base_layout`` fitted to a phone's card, fitted again (in place) to a picture
    ``width`` px wide: a 16:9 image read on a wall or a slide is not a phone, and three short title lines there
    look broken. The room its lost lines took above the plot is given back, and its first line placed as
    ``base_layout`` places a title of that many lines, level with every other picture's title."""
    top = figure.layout.margin.t if figure.layout.margin.t is not None else TEMPLATE.layout.margin.t
    refitted = _refitted(figure.layout.title.text, top, figure.layout.height or 450, width)
    if refitted is not None:
        figure.update_layout(title=dict(text=refitted["text"], y=refitted["y"]), margin=dict(t=refitted["top"]))


def screen_titles(layout: dict, widths: Sequence[int]) -> list[dict[str, object]]:
    """For the page's script (``assets/chart_view.js``): the title of a figure's plain ``layout``, fitted to a phone's
    card, as it is drawn from each width of ``widths`` on (``from``) where that changes — fitted again on fewer lines
    (``refit_title``'s fitting), or back to the phone's lines — the last entry from a width not above the chart's
    applying (a chart on a wide screen's card kept its phone's lines: "This unit beside the average of / all units"
    across 700 px). Empty where the title is the phone's at every width."""
    title = layout.get("title") or {}
    margin = layout.get("margin") or {}
    top = cast(float, margin.get("t") if margin.get("t") is not None else TEMPLATE.layout.margin.t)
    phone = {"text": title.get("text"), "top": top, "y": title.get("y")}
    variants: list[dict[str, object]] = []
    drawn = phone
    for width in widths:
        refitted = _refitted(title.get("text"), top, layout.get("height") or 450, width) or phone
        if refitted["text"] != drawn["text"]:
            variants.append({"from": width, **refitted})
            drawn = refitted
    return variants


# The least height of any chart's plot: under a title of three lines and a legend of four rows (an English title on
# a phone's card) the quarters' bars of a 400 px chart had 126 px. Charts of one bar per unit set their own (a bar's
# thickness each), so a single unit's chart is not a slab.
MIN_PLOT_PX = 200


def base_layout(figure: go.Figure, title: str, *, plot_px: float = MIN_PLOT_PX, **layout: object) -> go.Figure:
    """A new figure: ``figure``'s traces with the house template, its title (on lines where a phone needs them)
    and ``layout`` (merged into what the builder set, as ``update_layout`` merges), room made above the plot for
    the title's lines and every row the legend can take, and the figure taller where that room would leave its
    plot less than ``plot_px`` (``MIN_PLOT_PX`` unless the builder knows better, as a bar per unit does). Use what it
    returns: ``figure`` itself is left as it was.

    The layout is worked out as plain data and the figure built once from it: Plotly's ``update_layout`` on a
    built figure walks its validators property by property, building a figure from a dict checks the same in one
    pass; the Overview's four figures take about 30% less time on every filter change (README, Performance)."""
    title = fitted_title(title)
    built = figure.layout.to_plotly_json()  # what the builder set before (annotations, say)
    built.pop("template", None)  # Plotly's default, which the house template replaces
    merged = _merged(built, {"title": {"text": title}, **layout})
    margin = cast(dict, merged.setdefault("margin", {}))
    extra = _TITLE_LINE_PX * title.count("<br>")  # a second title line pushes the legend and the plot down
    if extra:
        margin["t"] = (margin.get("t") or TEMPLATE.layout.margin.t) + extra
    names = legend_names(figure)
    if layout.get("showlegend", True) and (len(names) > 1 or (names and layout.get("showlegend") is True)):
        # the legend sits above the plot, as wide as the plot (beside long unit names, much narrower than the
        # card), and grows upwards: make room for every row it can take under the title
        plot_width = max(120, CARD_WIDTH_PX - (margin.get("l") or 70) - (margin.get("r") or 30))
        top = _TITLE_BAND_PX + extra + LEGEND_ROW_PX * legend_rows(names, plot_width)
        if margin.get("t") is None or margin["t"] < top:
            margin["t"] = top
    bottom = max(margin.get("b") or TEMPLATE.layout.margin.b, _bottom_tick_room(merged))
    if bottom != (margin.get("b") or TEMPLATE.layout.margin.b):
        margin["b"] = bottom
    top = margin.get("t") or TEMPLATE.layout.margin.t
    height = max(cast(float, merged.get("height") or 450), top + bottom + plot_px)
    merged["height"] = height
    # the title's first line the same few pixels below the top on every chart, short or tall (a fraction of the
    # height put a short chart's title over its top edge); Plotly sets the first line of a title of several lines
    # higher above its anchor than a title of one, by the same amount whatever the count (measured: 12 px at 18 px
    # type), so such a title's anchor is that much lower — not lower by its added lines, which left a three-line
    # title 36 px below its neighbour's
    merged["title"]["y"] = 1 - (_TITLE_TOP_PX + (_MULTILINE_TITLE_RISE_PX if extra else 0)) / height
    if not margin:
        del merged["margin"]
    return go.Figure(data=figure.data, layout={**merged, "template": TEMPLATE})


_TICK_LINE_EM = 1.3  # Plotly's line height for tick text of several lines
_TICK_GAP_PX = 14  # from the axis line to the first line of its ticks, and a little under the last


def _bottom_tick_room(layout: dict) -> int:
    """The most tick room any x axis that shows its ticks needs: small charts stacked on one set of quarters show
    them on the last chart's axis (``xaxis4``), not on ``xaxis``, and their 4-line ticks past the data date were cut
    off under the picture."""
    axes = [
        axis
        for name, axis in layout.items()
        if name.startswith("xaxis") and isinstance(axis, dict) and axis.get("showticklabels") is not False
    ]
    return max((tick_room(axis) for axis in axes), default=0)


def tick_room(xaxis: dict) -> int:
    """The bottom margin the x axis's tick text needs, each tick of several lines (2020年 / 第3季度 / （截至 /
    8月14日）): the template's margin holds two lines, and more were cut off under the plot."""
    ticks = xaxis.get("ticktext") or ()
    if not ticks:
        return 0
    lines = max(str(tick).count("<br>") + 1 for tick in ticks)
    size = (xaxis.get("tickfont") or {}).get("size") or TEMPLATE.layout.font.size
    title = xaxis.get("title")
    title_room = 24 if title and (title.get("text") if isinstance(title, dict) else True) else 0
    return int(lines * size * _TICK_LINE_EM) + _TICK_GAP_PX + title_room


def _merged(into: dict, changes: dict) -> dict:
    """``changes`` merged into ``into`` as ``update_layout`` merges: a dict into a dict key by key, anything else
    (a value, a list) in place of what was there."""
    for key, value in changes.items():
        if isinstance(value, dict):
            _merged(into[key] if isinstance(into.get(key), dict) else into.setdefault(key, {}), value)
        else:
            into[key] = value
    return into


def year_earlier(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame``'s quarters a year earlier, each reaching as far into its quarter as the data reach into the later
    one (``through_day`` a year earlier): what a year-earlier bar or point stands for, for ``quarter_labels``."""
    earlier = frame.assign(year=frame["year"].astype(int) - 1)
    if "through_day" in frame.columns:
        earlier["through_day"] = [
            None if pd.isna(day) else same_day_years_earlier(pd.Timestamp(day).date()) for day in frame["through_day"]
        ]
    return earlier


def quarter_labels(frame: pd.DataFrame, lang: str) -> list[str]:
    """``2020年第1季度`` / ``2020 Q1`` … (the one quarter label of each language, ``i18n.quarter_label``), and where
    the query says a quarter runs only to the data date (``through_day``), that too: ``2020年第3季度（截至8月14日）``,
    or ``2020年第4季度（尚无数据）`` for a quarter that starts after it."""
    labels = [i18n.quarter_label(Quarter(int(y), int(q)), lang) for y, q in zip(frame["year"], frame["quarter"])]
    if "through_day" not in frame.columns:
        return labels
    marked = []
    for label, year, quarter, through in zip(labels, frame["year"], frame["quarter"], frame["through_day"]):
        reach = Quarter(int(year), int(quarter)).reached_by(through)
        if reach == "not_begun":
            label = i18n.t("quarter.no_data_yet", lang, label=label)
        elif reach == "to_date":
            label = i18n.t("quarter.to_date", lang, label=label, **i18n.day_parts(pd.Timestamp(through).date()))
        marked.append(label)
    return marked


# A quarter axis has room for about 30 px a tick (eight quarters in a half-width card, the heatmap beside unit
# names); the whole label (2020年第1季度, 30+ px a line even broken after 年) made Plotly turn the ticks on their
# side, where lines of one label run into the next. So from five quarters on a tick shows the quarter's short
# name (Q1 in either language: eight "1季度" still touched on a phone), its year under the first quarter shown
# and under each first quarter, and a "to date" remark on a line of its own; over more than three years only
# the years. Up to four quarters (the default view, a year) keep the whole label on two lines (2020年 / 第1季度).
# The categories stay the whole labels: hover and clicks read them.
_MOST_QUARTERS_WHOLE = 4
_MOST_QUARTERS_NAMED = 12
# where a whole label breaks: after the year (2020年 / 2020, then 第1季度 / Q1: one line of "2020 Q1" is wider
# than a heatmap's cell on a phone), and before a "to date" remark, in either language
_WHOLE_LABEL_BREAKS = (("年", "年<br>"), (" Q", "<br>Q"), ("（", "<br>（"), (" (", "<br>("))
# and where a "to date" remark itself breaks: on one line, （截至8月14日） beside the next quarter's （尚无数据） ran
# together (（截至8月14田无数据）) where a quarter has less than ~100 px, so each takes two short lines
_REMARK_BREAKS = (
    ("（截至", "（截至<br>"),
    ("（尚无", "（尚无<br>"),
    ("(to ", "(to<br>"),
    ("(no data yet)", "(no data<br>yet)"),
    # and an English month, whole in every label and sentence (14 August), is shortened on a tick alone: "14 September)"
    # is twice the ~37 px a tick has among eight quarters on a phone
    *((f" {calendar.month_name[month]})", f" {calendar.month_abbr[month]})") for month in range(1, 13)),
)
YEAR_ROW_BLANK = "\u00a0"  # a year row left blank (Plotly keeps the row of a line with a space, measured)
LEAST_TEXT_PX = 12  # the least text on screen
QUARTER_TICK_FONT = LEAST_TEXT_PX  # (it was 11, the heatmap's 10); "Q1" ≈ 15 px, level


def quarter_ticks(
    frame: pd.DataFrame, labels: list[str], lang: str, most_whole: int = _MOST_QUARTERS_WHOLE
) -> list[str]:
    """The tick text of each quarter of ``frame`` (``year``, ``quarter``), ``labels`` its whole labels: whole
    (on two lines) for up to ``most_whole`` quarters, else short (Q1 … with the year under each first one)."""
    quarters = [Quarter(int(y), int(q)) for y, q in zip(frame["year"], frame["quarter"])]
    if len(quarters) <= most_whole:
        ticks = list(labels)
        for before, after in (*_WHOLE_LABEL_BREAKS, *_REMARK_BREAKS):
            ticks = [tick.replace(before, after) for tick in ticks]
        return ticks
    throughs = list(frame["through_day"]) if "through_day" in frame.columns else [None] * len(quarters)
    named = len(quarters) <= _MOST_QUARTERS_NAMED
    heads: list[list[str]] = []  # each tick's quarter and year lines
    remarks: list[list[str]] = []  # and its remark's lines
    for index, (quarter, label, through) in enumerate(zip(quarters, labels, throughs)):
        head = [i18n.t(f"quarter.tick.{quarter.quarter}", lang)] if named else []
        if index == 0 or quarter.quarter == 1:
            head.append(i18n.t("quarter.tick_year", lang, year=quarter.year))
        remark = _short_remark(quarter, through, lang)
        if remark is None:  # the whole label's remark, broken as a whole tick's: （截至 / 8月14日）
            remark = label[len(i18n.quarter_label(quarter, lang)) :].strip()
            for before, after in _REMARK_BREAKS:
                remark = remark.replace(before, after)
        heads.append(head)
        remarks.append(remark.split("<br>") if remark else [])
    # a remark on the row of a neighbour's year read with it: Q1 / 2021年 / （截至 / 3月20日） beside Q2 / — read
    # "2021年 —" (2021 onwards), a Q4's （截至 beside the next Q1's 2021年 "截至2021年"; where that would happen at any
    # width (``charts.ticks`` leaves every second or fourth tick out on a phone, a year moving to the next tick kept)
    # every remark takes the rows under the years, a tick without a year leaving its row blank — and only there: the
    # row costs the plot 16 px
    under_years = _read_with_years(heads, remarks, 1 if named else 0, i18n.t("quarter.tick_no_data", lang))
    ticks = []
    for head, below in zip(heads, remarks):
        lines = list(head)
        if below and under_years and len(lines) == (1 if named else 0):
            lines.append(YEAR_ROW_BLANK)
        ticks.append("<br>".join(lines + below))
    return ticks


def _read_with_years(heads: list[list[str]], remarks: list[list[str]], year_row: int, dash: str) -> bool:
    """Whether some remark's first line would stand on the year row beside a year in a way read as one phrase, with
    every tick shown or every ``step``-th one (``charts.ticks``: a year left out moves to the next tick kept): a
    remark left of a year (（截至 2021年, — 2021年) or a year left of a not-begun dash (2021年 —). A year left of a
    quarter to date's （截至 / 8月14日） reads as that year's to-date, and is left on its row."""
    count = len(heads)
    for step in (1, 2, *range(4, max(count, 4) + 1, 4)):  # as ``charts.ticks.fitted_ticks`` tries them
        kept = range(0, count, step)
        # what each kept tick shows on the year row: its year (its own, or one moved to it), else its remark
        row: list[str | None] = []
        for index in kept:
            year = len(heads[index]) > year_row or any(
                len(heads[moved]) > year_row for moved in range(max(index - step + 1, 0), index)
            )
            row.append("year" if year else ("remark" if remarks[index] else None))
        for at, (left, right) in enumerate(zip(row, row[1:])):
            if (left, right) == ("remark", "year"):
                return True
            if (left, right) == ("year", "remark") and remarks[kept[at + 1]] == [dash]:
                return True
    return False


def _short_remark(quarter: Quarter, through: object, lang: str) -> str | None:
    """A short tick's remark where it is not the whole label's: "" for a whole quarter, a dash for one not begun.
    Between eight quarters on a phone (about 37 px each) the bracketed （截至8月14日） and （尚无数据） of neighbouring
    ticks ran into each other (（截至（尚无 / 8月14日数据））; (尚无 / 数据) gave way to —. None where the quarter runs
    to date, or the frame has no day: the tick takes the whole label's remark, （截至 / 8月14日）, worded once
    (``quarter.to_date``) for every label, tick, reading and file — the heatmap's tick read 截至 / 11月18日 beside
    the bars' 2020年第4季度（截至11月18日）."""
    reach = quarter.reached_by(through)
    if reach is None or reach == "to_date":
        return None
    if reach == "not_begun":
        # a dash, as a card writes an unknown: 无数据 beside the cut quarter's 截至 read as one (截至无数据) at 390 px,
        # and on two lines its 数据 ran into 8月14日; the whole label (hover, the reading) still says 尚无数据
        return i18n.t("quarter.tick_no_data", lang)
    return ""


def quarter_axis(
    labels: list[str],
    frame: pd.DataFrame,
    lang: str,
    short_tick_font: int = QUARTER_TICK_FONT,
    most_whole: int = _MOST_QUARTERS_WHOLE,
    **axis: object,
) -> dict[str, object]:
    """An x axis of quarters (``frame`` holds their ``year`` and ``quarter``): categories the whole labels, ticks
    level (``quarter_ticks``), short ones in ``short_tick_font``."""
    ticks = quarter_ticks(frame, labels, lang, most_whole)
    if len(labels) > most_whole:
        axis = {"tickfont": dict(size=short_tick_font), **axis}
    return dict(title=None, type="category", tickmode="array", tickvals=labels, ticktext=ticks, tickangle=0, **axis)
