"""The confidentiality marking and the viewer's watermark: configured, on every image a person can take away,
escaped on the screen; and the pictures made for the documents (placed size, no title, names that fit)."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import plotly.graph_objects as go
import pytest
from PIL import Image

from oversight import charts
from oversight.charts import catalog, kinds
from oversight.core import safe_text
from oversight.data import queries
from oversight.export import card_downloads, document_layout, marked_figure, marking, names, rendering
from oversight.export.names import ExportContext

MOMENT = datetime(2021, 1, 5, 9, 30)


def test_default_marking_and_watermark_name_the_viewer_and_the_time(monkeypatch):
    monkeypatch.delenv("OVERSIGHT_MARKING", raising=False)
    monkeypatch.delenv("OVERSIGHT_WATERMARK", raising=False)
    # the time says its zone (Beijing time, as the audit lines): read off a leaked file abroad, or by someone who
    # knows the server's clock runs in UTC, 09:30 alone was anyone's 09:30
    assert marking.for_viewer(None, True, "zh", MOMENT) == marking.Marking(
        "内部资料 注意保存", "本机 2021-01-05 09:30 UTC+8"
    )
    assert marking.for_viewer("chief", False, "en", MOMENT) == marking.Marking(
        "Internal — handle with care", "chief 2021-01-05 09:30 UTC+8"
    )
    assert marking.for_viewer("chief", False, "en", MOMENT).watermark_lines == ["chief", "2021-01-05 09:30 UTC+8"]


def test_the_watermark_sets_its_date_and_time_whole_on_a_line_of_their_own():
    """A narrow box wrapped "This computer 2026-12-02 13:02" where it liked: "This computer 2026-12-" / "02 13:02"."""
    assert marking.Marking("", "This computer 2026-12-02 13:02").watermark_lines == [
        "This computer",
        "2026-12-02 13:02",
    ]
    assert marking.Marking("", "王 秘书 2021-01-05 09:30").watermark_lines == ["王 秘书", "2021-01-05 09:30"]
    assert marking.Marking("", "a viewer without a time").watermark_lines == ["a viewer without a time"]
    assert marking.Marking("", "2021-01-05 09:30").watermark_lines == ["2021-01-05 09:30"]
    assert marking.Marking("内部资料", "").watermark_lines == []


def test_the_watermarks_time_is_beijing_time_as_the_audit_lines(monkeypatch):
    """On a server whose clock zone is UTC the watermark read 15:42 for a download the audit page lists at 23:42."""
    import time as clock
    from datetime import timedelta

    from oversight.present import audit_rows

    monkeypatch.setenv("TZ", "UTC")
    clock.tzset()
    try:
        monkeypatch.delenv("OVERSIGHT_WATERMARK", raising=False)
        before = datetime.now(UTC)
        shown = marking.for_viewer("chief", False, "zh").watermark
        after = datetime.now(UTC)
    finally:
        monkeypatch.delenv("TZ")
        clock.tzset()
    # the audit page's own conversion of the moments around it, to the minute
    minutes = {audit_rows.local_time((before + timedelta(seconds=s)).isoformat())[:16] for s in (0, 1)}
    minutes.add(audit_rows.local_time(after.isoformat())[:16])
    assert shown.startswith("chief ") and shown.endswith(" UTC+8")
    assert shown.removeprefix("chief ").removesuffix(" UTC+8") in minutes


def test_marking_and_watermark_are_configurable(monkeypatch):
    monkeypatch.setenv("OVERSIGHT_MARKING", "秘密 ★ 1年")
    monkeypatch.setenv("OVERSIGHT_WATERMARK", "off")
    assert marking.for_viewer("chief", False, "en", MOMENT) == marking.Marking("秘密 ★ 1年", "")
    monkeypatch.setenv("OVERSIGHT_MARKING", "")
    assert marking.for_viewer("chief", False, "zh", MOMENT).empty


def test_the_screen_overlay_escapes_the_names():
    html = marking.screen_overlay_html(marking.Marking("内部资料", "<script>alert(1)</script> 2021-01-05 09:30"))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "pointer-events:none" in html  # it never takes a click meant for the page
    assert marking.screen_overlay_html(marking.NO_MARKING) == ""


def test_the_pictures_watermark_escapes_the_name_as_the_marking_does():
    figure = go.Figure(go.Bar(x=["a"], y=[1]))
    marked_figure.add_marking(figure, marking.Marking("<i>内部</i>", "<b>x</b>&amp; 2021-01-05 09:30"), (800, 450))
    texts = [annotation.text for annotation in figure.layout.annotations]
    assert "&lt;i&gt;内部&lt;/i&gt;" in texts  # the marking, escaped since this morning
    # every watermark spot, in two lines: the name, the time
    assert texts.count("&lt;b&gt;x&lt;/b&gt;&amp;amp;<br>2021-01-05 09:30") == len(texts) - 1
    assert not any("<b>" in text for text in texts)


@pytest.fixture(scope="module")
def frame(connection, default_filter):
    return queries.run(connection, charts.OVERVIEW_CHARTS[0].query, default_filter)


def _context(connection, default_filter, span, lang="zh") -> ExportContext:
    return ExportContext.build(
        lang,
        default_filter,
        queries.run(connection, "units"),
        span.last_day,
        marking.Marking("内部资料 注意保存", "chief 2021-01-05 09:30 UTC+8"),
    )


def _has_red(image: Image.Image) -> bool:
    return any(r > 150 and g < 90 and b < 90 for _, (r, g, b) in image.getcolors(maxcolors=1 << 20))


@pytest.mark.slow
def test_every_chart_download_carries_the_marking_and_watermark(connection, default_filter, span, frame):
    spec = charts.OVERVIEW_CHARTS[0]
    context = _context(connection, default_filter, span)
    downloads = {d.kind: d for d in card_downloads.chart_downloads(spec, frame, spec.build(frame, "zh"), context)}
    svg = downloads["svg"].make().decode("utf-8")
    # tiled (a crop keeps one), the name and the time on a line each
    assert "内部资料 注意保存" in svg and svg.count(">chief</tspan>") >= 4
    assert svg.count(">chief</tspan>") == svg.count(">2021-01-05 09:30 UTC+8</tspan>")
    png = Image.open(io.BytesIO(downloads["png"].make())).convert("RGB")
    corner = png.crop((0, png.height - 40, 260, png.height))  # the marking's corner, red text
    assert _has_red(corner)
    plain = Image.open(
        io.BytesIO(rendering.figure_png(card_downloads.with_subtitle(spec.build(frame, "zh"), "x")))
    ).convert("RGB")
    assert not _has_red(plain.crop((0, plain.height - 40, 260, plain.height)))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_marking_keeps_clear_of_the_value_axis_title(connection, default_filter, lang):
    """In the picture's bottom-right corner the marking ran into the axis title Plotly centres under the plot
    (问题数（个） under bars pushed right by long unit names): every chart's picture, measured in pixels."""
    from oversight.charts.style import label_width

    mark = marking.Marking({"zh": "内部资料 注意保存", "en": "Internal — handle with care"}[lang], "")
    for spec in charts.catalog.all_charts():
        for figure in (
            document_layout.document_figure(
                spec.build(queries.run(connection, spec.query, default_filter), lang), mark
            ),
            card_downloads.with_subtitle(
                spec.build(queries.run(connection, spec.query, default_filter), lang), "x", mark
            ),
        ):
            layout = figure.layout
            title = layout.xaxis.title.text if layout.xaxis.title else None
            if not title:
                continue
            width = layout.width or rendering.export_size(figure)[0]
            left, right = layout.margin.l or 70, layout.margin.r or 30
            centre = left + (width - left - right) / 2
            title_box = (centre - label_width(title, 14) / 2, centre + label_width(title, 14) / 2)
            note = next(a for a in layout.annotations if a.text == mark.label)
            start = left + note.x * (width - left - right)
            assert note.xanchor == "left"
            assert start + label_width(mark.label, 13) < title_box[0], (spec.key, title)


@pytest.mark.slow
def test_document_pictures_are_sized_for_the_page_without_their_title(connection, default_filter):
    mark = marking.Marking("内部资料 注意保存", "chief 2021-01-05 09:30 UTC+8")
    for spec in catalog.all_charts():
        frame = queries.run(connection, spec.query, default_filter)
        for lang in ("zh", "en"):
            figure = document_layout.document_figure(spec.build(frame, lang), mark)
            width, height = document_layout.document_size(figure)
            assert width == document_layout.DOCUMENT_WIDTH
            assert height <= document_layout.DOCUMENT_MAX_HEIGHT
            # shorter only where a few rows of bars across need less (four categories' rows of 40 px)
            assert height >= document_layout.DOCUMENT_MIN_HEIGHT or _rows_fill_the_plot(figure), (spec.key, height)
            assert not figure.layout.title.text, f"{spec.key}: the slide or the caption gives the title"
            texts = [annotation.text for annotation in figure.layout.annotations]
            assert "内部资料 注意保存" in texts and "chief<br>2021-01-05 09:30 UTC+8" in texts
            # the labels beside horizontal bars leave the bars at least half of the picture
            assert (figure.layout.margin.l or 0) <= document_layout.DOCUMENT_WIDTH * 0.45


def _rows_fill_the_plot(figure) -> bool:
    """Whether a picture of bars across is as tall as its rows at the builder's row (``kinds.row_px``)."""
    pitch = kinds.row_px(figure)
    if pitch is None:
        return False
    layout = figure.layout
    plot = layout.height - layout.margin.t - layout.margin.b
    return abs(plot - pitch * len(figure.data[0].y)) <= 1


def _svgs_as_placed(figures, sizes) -> list[str]:
    """Each figure as the SVG Plotly draws at its placed size (``rendering._render``: the public calls draw at the
    download's size)."""
    options = [{"format": "svg", "width": width, "height": height, "scale": 1} for width, height in sizes]
    return [svg.decode() for svg in rendering._render(list(zip(figures, options)))]


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_document_pictures_give_the_plot_the_room_the_title_had(connection, default_filter, lang):
    """The screen keeps room above the plot for the title's lines and the legend rows of a phone's card; a
    document's picture has no title and is as wide as a desktop card, so that room was a blank band over a
    squeezed plot (an English three-line title: bars in 38% of the picture). Each legend is drawn
    above the plot (its box measured in the rendered SVG) and every plot has at least half the picture."""
    import re

    specs = catalog.all_charts()
    figures = [
        document_layout.document_figure(spec.build(queries.run(connection, spec.query, default_filter), lang))
        for spec in specs
    ]
    svgs = _svgs_as_placed(figures, [document_layout.document_size(figure) for figure in figures])
    for spec, figure, svg in zip(specs, figures, svgs):
        layout = figure.layout
        plot = layout.height - layout.margin.t - (layout.margin.b if layout.margin.b is not None else 60)
        assert plot >= layout.height / 2, (spec.key, layout.height, layout.margin.t)
        legend = re.search(
            r'<g class="legend"[^>]*transform="translate\([-\d.]+,\s*([-\d.]+)\)">\s*<rect class="bg"[^>]*height="([\d.]+)"',
            svg,
        )
        if legend:
            # Plotly keeps a legend inside the picture: without room above the plot it moves down over the bars
            assert float(legend.group(1)) + float(legend.group(2)) <= layout.margin.t + 2, (spec.key, legend.groups())


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_marking_has_a_line_of_its_own_under_a_donuts_labels(connection, default_filter, lang):
    """A donut's lowest outside label (面对面提醒 15（35.7%）) ran into the marking in the picture's bottom-left
    corner; its shares are written inside the ring now, and a share too small for the charts' least type is hidden
    (the legend keeps it). In each donut's picture, placed for a document and as a download, every slice shows its
    share and the lowest ends above the marking's box (positions from the SVG Plotly draws: a label's first line
    at its translate, each further line 1.3 em lower)."""
    import re

    mark = marking.Marking({"zh": "内部资料 注意保存", "en": "Internal — handle with care"}[lang], "")
    donuts = [spec for spec in catalog.all_charts() if spec.slices_of]  # test_export finds them by their figures
    assert {spec.key for spec in donuts} >= {"reminders_by_form", "suggestions_by_status", "suggestions_by_link"}
    for spec in donuts:
        frame = queries.run(connection, spec.query, default_filter)
        pictures = [
            document_layout.document_figure(spec.build(frame, lang), mark),
            card_downloads.with_subtitle(spec.build(frame, lang), "x", mark),
        ]
        for svg in _svgs_as_placed(
            pictures, [document_layout.document_size(pictures[0]), rendering.export_size(pictures[1])]
        ):
            label_bottoms = [
                float(y) + 13 * 1.3 * (text.count('class="line"') - 1) + 13 * 0.3
                for y, text in re.findall(
                    r'class="slicetext" transform="translate\([-\d.]+,([-\d.]+)\)"(.*?)</text>', svg
                )
            ]
            at = svg.index(mark.label)
            marking_top = float(re.findall(r'transform="translate\([-\d.]+,([-\d.]+)\)"', svg[:at])[-1])
            assert len(label_bottoms) == len(frame), (spec.key, lang, label_bottoms)  # the sample's slices are not thin
            assert max(label_bottoms) <= marking_top, (spec.key, max(label_bottoms), marking_top)


def _marking_x(svg: str, label: str) -> float:
    import re

    return float(re.findall(r'transform="translate\(([-\d.]+),[-\d.]+\)"', svg[: svg.index(label)])[-1])


def _ink_at_the_edges(png: bytes) -> int:
    """Dark pixels (text, lines) in the picture's outermost 3 pixels: a label cut by the picture's edge leaves some."""
    picture = Image.open(io.BytesIO(png)).convert("L")
    width, height = picture.size
    edges = [(0, 0, 3, height), (width - 3, 0, width, height), (0, 0, width, 3), (0, height - 3, width, height)]
    return sum(sum(picture.crop(box).histogram()[:160]) for box in edges)


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_donut_pictures_are_laid_out_once_with_the_marking_where_every_chart_has_it(connection, default_filter, lang):
    """A picture has one size, and the donuts' margins hold their outside labels at it: the screen's automargin made
    Plotly lay each donut's picture out again and again (about 60 ms more a picture) and pushed the marking in from
    the edge (x 75 px in a document's donut, 8 px under every other chart). Measured in what Plotly draws: the
    marking starts where it does under a bar chart, no label is cut at the picture's edges, at the sample's small
    numbers and at 100 000 times them (longer labels)."""
    mark = marking.Marking({"zh": "内部资料 注意保存", "en": "Internal — handle with care"}[lang], "")
    bars = charts.OVERVIEW_CHARTS[0]
    bar_frame = queries.run(connection, bars.query, default_filter)
    for spec in catalog.all_charts():
        frame = queries.run(connection, spec.query, default_filter)
        figure = spec.build(frame, lang)
        if figure.data[0].type != "pie":
            continue
        value_column = spec.value_columns[0]
        for scale in (1, 100_000):
            scaled = frame.assign(**{value_column: frame[value_column] * scale})
            for picture, bar_picture, size in (
                (
                    document_layout.document_figure(spec.build(scaled, lang), mark),
                    document_layout.document_figure(bars.build(bar_frame, lang), mark),
                    None,
                ),
                (
                    card_downloads.with_subtitle(spec.build(scaled, lang), "x", mark),
                    card_downloads.with_subtitle(bars.build(bar_frame, lang), "x", mark),
                    names.EXPORT_WIDTH,
                ),
            ):
                assert all(trace.automargin is False for trace in picture.data), spec.key
                sizes = [
                    document_layout.document_size(f) if size is None else rendering.export_size(f)
                    for f in (picture, bar_picture)
                ]
                svg, bar_svg = _svgs_as_placed([picture, bar_picture], sizes)
                assert abs(_marking_x(svg, mark.label) - _marking_x(bar_svg, mark.label)) <= 1, spec.key
                png = rendering.render_pngs([(picture, sizes[0])])[0]
                assert _ink_at_the_edges(png) == 0, (spec.key, scale, size)


@pytest.mark.slow
def test_long_english_unit_names_wrap_onto_two_lines(connection, default_filter):
    spec = charts.OVERVIEW_CHARTS[0]
    frame = queries.run(connection, spec.query, default_filter)
    with_short = document_layout.document_figure(spec.build(frame, "en"))
    assert "Big Data Admin." in list(with_short.data[0].y)  # the units sheet's own English short name
    # without one, the name is shortened to fit beside the bars, the full name kept for the hover
    from oversight.charts.style import MAX_LABEL_PX, UNIT_LABEL_FONT, label_width

    figure = document_layout.document_figure(spec.build(frame.drop(columns=["short_name_en"]), "en"))
    labels = list(figure.data[0].y)
    assert all(label.count("<br>") <= 1 for label in labels)
    assert all(
        label_width(part, UNIT_LABEL_FONT) <= MAX_LABEL_PX + 8
        for label in labels
        for part in label.replace("&amp;", "&").split("<br>")
    )
    assert "Provincial Government Services and Big Data Administration" in list(figure.data[0].hovertext)


def test_pictures_print_chart_text_at_ten_points_or_more():
    """13 px, the charts' smallest text, at the placed width: 16 cm of A4, and 8.2 in of a slide printed on A4."""
    from docx.shared import Cm

    from oversight.briefing import docx_report, pptx_deck, report

    docx_pt_per_px = Cm(docx_report._TEXT_WIDTH_CM).pt / document_layout.DOCUMENT_WIDTH  # noqa: SLF001
    assert 13 * docx_pt_per_px >= 10
    # and the tallest picture is placed at that width, not narrower to keep two charts to a page (9.2 pt at 440 px)
    tallest = (document_layout.DOCUMENT_WIDTH, document_layout.DOCUMENT_MAX_HEIGHT)
    assert report.picture_width_cm(tallest, docx_report._TEXT_WIDTH_CM) == docx_report._TEXT_WIDTH_CM  # noqa: SLF001
    slide_height_pt = pptx_deck._PICTURE_MAX_HEIGHT.pt  # noqa: SLF001
    slide_width_pt = min(
        pptx_deck._PICTURE_MAX_WIDTH.pt,  # noqa: SLF001
        slide_height_pt * document_layout.DOCUMENT_WIDTH / document_layout.DOCUMENT_MAX_HEIGHT,
    )
    a4_landscape_scale = 29.7 / 33.867  # a 13.33 in slide printed across A4
    assert 13 * slide_width_pt / document_layout.DOCUMENT_WIDTH * a4_landscape_scale >= 10


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_documents_picture_sets_its_tick_labels_at_the_least_printed_size(connection, span, lang):
    """Review of 3 Dec: the pack's heatmap wrote Q1 Q2 Q3 Q4 and 2020年 at 10 px (7.8 pt on the page), the quarters'
    short ticks at 11 px and the units' names at 12 px, all set small for a phone's card. In a document's picture
    every tick label is 13 px or more (10 pt printed), whatever the chart, the range and the units."""
    from oversight.charts.style import TEMPLATE
    from oversight.data.filters import Filter, Quarter

    default = TEMPLATE.layout.font.size
    looked_at = 0
    for filter_ in (
        Filter((), Quarter(2019, 1), Quarter(2020, 4)),
        Filter(("gov_office",), Quarter(2020, 1), Quarter(2020, 4)),
        span.default_filter(),
    ):
        resolved = span.resolve(filter_)
        for spec in catalog.all_charts():
            frame = queries.run(connection, spec.query, resolved)
            if charts.is_empty(frame, spec.value_columns):
                continue
            figure = document_layout.document_figure(spec.build(frame, lang))
            axes = [*figure.select_xaxes(), *figure.select_yaxes()]
            sizes = [axis.tickfont.size or default for axis in axes]
            assert min(sizes) >= 13, (spec.key, filter_, sizes)
            looked_at += 1
    assert looked_at >= 3 * 18


@pytest.mark.parametrize("units", [(), ("gov_office",)])
def test_the_heatmaps_marking_has_the_line_under_its_ticks_every_quarter_chart_has(connection, span, units):
    """Review of 3 Dec: in one unit's pack the heatmap's picture wrote "Internal — handle with care" on the line of the
    first quarter's year ("…handle with care2020"): its bottom margin (50 px) was narrower than every other chart of
    quarters, whose marking sits on a line of its own under the ticks."""
    from oversight.data.filters import Filter, Quarter

    resolved = span.resolve(Filter(units, Quarter(2019, 1), Quarter(2020, 4)))
    bottoms = {}
    for key in ("meetings_by_unit_quarter", "reminders_by_quarter_form", "activities_by_quarter"):
        spec = next(s for s in catalog.all_charts() if s.key == key)
        figure = document_layout.document_figure(spec.build(queries.run(connection, spec.query, resolved), "en"))
        bottoms[key] = figure.layout.margin.b or 60
    assert bottoms["meetings_by_unit_quarter"] >= max(
        bottoms["reminders_by_quarter_form"], bottoms["activities_by_quarter"]
    )


def test_a_64_character_name_is_drawn_as_its_start_and_end_and_audited_in_full(monkeypatch):
    """A 64-character account name wrapped four lines in a slide's watermark and ran across the screen's copies:
    every drawing (screen, PNG/SVG, PPTX, DOCX, PDF) takes ``Marking.watermark``, its name bounded by drawn width."""
    monkeypatch.delenv("OVERSIGHT_WATERMARK", raising=False)
    name = "zhang.wei.provincial-office-inspection-team-" + "x" * 20
    made = marking.for_viewer(name, False, "en", MOMENT)
    assert made.watermark == "zhang.wei.pro…xxxxxxx 2021-01-05 09:30 UTC+8"
    assert made.watermark_lines == ["zhang.wei.pro…xxxxxxx", "2021-01-05 09:30 UTC+8"]
    assert made.audit_details["watermark"] == f"{name} 2021-01-05 09:30 UTC+8"
    assert made.audit_details["watermark_shown"] == made.watermark
    overlay = marking.screen_overlay_html(made)
    assert overlay.count("zhang.wei.pro…xxxxxxx 2021-01-05 09:30 UTC+8") == 9 and name not in overlay
    twenty = "a" * 20  # at the bound: whole, and the audit line has nothing to add
    assert marking.for_viewer(twenty, False, "en", MOMENT).watermark == f"{twenty} 2021-01-05 09:30 UTC+8"
    assert "watermark_shown" not in marking.for_viewer(twenty, False, "en", MOMENT).audit_details


NOTO_CJK = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


@pytest.mark.parametrize("name", ["W" * 20, "中" * 20, "WWWWWWWWWW中文中文中文中文中文", "Ж" * 20, "a" * 20])
def test_a_name_of_wide_letters_stays_inside_the_slides_watermark_box_and_the_pictures_tile(monkeypatch, name):
    """Review of 4 Dec: 20 characters of wide letters (WWW…, 20 Chinese characters) ran past the slide's watermark box
    (3.5 in less its 0.1 in insets, at 20 pt) and into the picture's next copy (a tile of 340 px, the line at 18 px,
    turned 25°): the name is bounded by its drawn width, measured here with the font itself (PIL), not our table;
    the audit line keeps the name whole."""
    from PIL import ImageFont

    monkeypatch.delenv("OVERSIGHT_WATERMARK", raising=False)
    made = marking.for_viewer(name, False, "en", MOMENT)
    viewer, stamp = made.watermark_lines
    font = ImageFont.truetype(NOTO_CJK, 1000, index=2)  # Noto Sans CJK SC
    assert font.getname() == ("Noto Sans CJK SC", "Regular")
    assert stamp == "2021-01-05 09:30 UTC+8"  # the zone on the time's line: 北京时间 (12.1 em) would not fit it
    slide_line_pt = max(font.getlength(line) for line in (viewer, stamp)) / 1000 * 20
    assert slide_line_pt <= (3.5 - 0.2) * 72, (viewer, slide_line_pt)
    # the picture's copy in two lines as the slide's (one line of name, time and zone ran 373 px across a tile of
    # 340): turned 25°, its two lines of 18 px (and their gap) no wider than the tile and no taller
    picture_line_px = max(font.getlength(line) for line in (viewer, stamp)) / 1000 * 18
    assert picture_line_px * 0.9063 + 2 * 18 * 1.3 * 0.4226 <= 340, (made.watermark, picture_line_px)
    assert picture_line_px * 0.4226 + 2 * 18 * 1.3 * 0.9063 <= 230, (made.watermark, picture_line_px)
    figure = marked_figure.add_marking(go.Figure(go.Bar(x=["a"], y=[1])), made, (800, 450))
    assert {annotation.text for annotation in figure.layout.annotations if annotation.textangle == -25} == {
        "<br>".join(safe_text.plotly(line) for line in (viewer, stamp))
    }
    assert made.audit_details["watermark"] == f"{name} 2021-01-05 09:30 UTC+8"
    if viewer != name:  # shortened: its start and its end, as the whole name has them
        head, tail = viewer.split("…")
        assert name.startswith(head) and name.endswith(tail) and head and tail
        assert made.audit_details["watermark_shown"] == made.watermark


LONG_MARKING = "内部资料 仅供派驻纪检监察组领导班子研究工作参考使用 严禁复制转发外传 违者依纪依规追究责任"


def _ink_under(marked: Image.Image, hidden: Image.Image) -> int:
    """Dark pixels of ``hidden`` (the picture with the marking drawn transparent) inside the box where ``marked``
    differs from it (the marking's own pixels): text the marking is drawn over."""
    from PIL import ImageChops

    box = ImageChops.difference(marked, hidden).getbbox()
    assert box is not None, "no marking drawn"
    grey = hidden.convert("L").crop((max(box[0] - 2, 0), max(box[1] - 2, 0), box[2] + 2, box[3] + 2))
    return sum(grey.histogram()[:170])


@pytest.mark.slow
@pytest.mark.parametrize("label", [LONG_MARKING, "内部资料 注意保存", "Internal — handle with care", "机密" * 60])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_long_marking_runs_over_no_axis_title_or_tick(connection, default_filter, lang, label):
    """An office's 44-character marking, drawn bottom-left, ran over 问题（个）/ 建议（条） and the quarters' year line in
    every chart's picture. In every chart's document picture and download, rendered: the marking's pixels (where the
    picture differs from the same one with the marking transparent) cover no other text, and it stays inside the
    picture (wrapped where the width needs it)."""
    mark = marking.Marking(label, "")
    pictures, sizes, keys = [], [], []
    for spec in catalog.all_charts():
        frame = queries.run(connection, spec.query, default_filter)
        for picture in (
            document_layout.document_figure(spec.build(frame, lang), mark),
            card_downloads.with_subtitle(spec.build(frame, lang), "x", mark),
        ):
            size = document_layout.document_size(picture) if picture.layout.width else rendering.export_size(picture)
            hidden = go.Figure(picture)
            hidden.layout.annotations[-1].font.color = "rgba(0,0,0,0)"  # the marking: added last, as no watermark
            pictures += [picture, hidden]
            sizes += [size, size]
            keys.append(spec.key)
    options = [{"format": "png", "width": w, "height": h, "scale": 1} for w, h in sizes]
    rendered = [Image.open(io.BytesIO(png)).convert("RGB") for png in rendering._render(list(zip(pictures, options)))]
    for key, marked, hidden in zip(keys, rendered[::2], rendered[1::2]):
        assert _ink_under(marked, hidden) == 0, (key, lang, label[:8])
        assert _ink_at_the_edges(_png_bytes(marked)) == 0 or _ink_at_the_edges(_png_bytes(hidden)) > 0, key


def _png_bytes(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize("key", ["meetings_by_unit_quarter", "issues_by_unit_status", "issues_suggestions_by_unit"])
def test_one_units_short_picture_keeps_its_watermark_whole_inside_it(connection, span, monkeypatch, key):
    """Review of 4 Dec (one unit's briefing pack, a 64-character account name): the heatmap's picture is 110 px tall
    and its watermark, a line of about 330 px turned 25°, needs some 160: the ZIP's PNG and every slide and page
    showed "zhang.wei.p…team.a 2026-1", the time that traces a leaked copy cut off at the picture's top. Each copy
    of the line, measured with the font itself (PIL) and turned as drawn, stays inside the picture."""
    import math

    from PIL import ImageFont

    from oversight.data.filters import Filter, Quarter

    monkeypatch.delenv("OVERSIGHT_WATERMARK", raising=False)
    made = marking.for_viewer("zhang.wei.provincial.government.general.office.discipline.team.a", False, "zh", MOMENT)
    font = ImageFont.truetype(NOTO_CJK, 1000, index=2)  # Noto Sans CJK SC, the charts' first font
    spec = next(s for s in catalog.all_charts() if s.key == key)
    resolved = span.resolve(Filter(("gov_office",), Quarter(2020, 1), Quarter(2020, 4)))
    figure = document_layout.document_figure(spec.build(queries.run(connection, spec.query, resolved), "zh"), made)
    width, height = document_layout.document_size(figure)
    top, bottom = figure.layout.margin.t, figure.layout.margin.b
    lines = made.watermark_lines  # the name, then the time (set on two lines, as on a slide)
    copies = [note for note in figure.layout.annotations if note.text == "<br>".join(lines)]
    assert copies and len(lines) == 2
    for note in copies:
        # measured about its middle: Plotly's "auto" would anchor a copy below a third of the plot by its foot
        assert (note.xanchor, note.yanchor) == ("center", "middle"), (note.xanchor, note.yanchor)
        size = note.font.size
        turn = math.radians(abs(note.textangle or 0))
        line, tall = max(font.getlength(text) for text in lines) / 1000 * size, len(lines) * size * 1.2
        reach = line / 2 * math.sin(turn) + tall / 2 * math.cos(turn)  # above and below its centre
        centre = top + (1 - note.y) * (height - top - bottom)
        assert reach <= centre and centre + reach <= height, (key, height, centre, reach, note.textangle)
        across = line / 2 * math.cos(turn) + tall / 2 * math.sin(turn)
        assert across <= width / 2, (key, across)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_one_units_heatmap_to_date_keeps_its_row_of_cells_whole(tmp_path, lang):
    """Review of 4 Dec: one unit's pack for 2020 Q3 to Q4 on data cut at 18 November drew its heatmap row as a strip
    8 px thick, the counts (7, 8) cut by the quarters' ticks: the picture was as tall as the row and the margins before
    the marking's line, and the marking's line under the three lines of "Q4 (to 18 Nov)" then took the row's room."""
    from datetime import date

    from oversight.data import store
    from oversight.data.filters import Filter, Quarter
    from oversight.ingest import checked_folder
    from tests import oracle

    oracle.cut_copy(oracle.Path(__file__).resolve().parent.parent / "data", tmp_path / "cut", date(2020, 11, 18))
    cut = store.connect(checked_folder.read_folder(tmp_path / "cut"))
    resolved = queries.data_span(cut).resolve(Filter(("petitions",), Quarter(2020, 3), Quarter(2020, 4)))
    spec = next(s for s in catalog.all_charts() if s.key == "meetings_by_unit_quarter")
    made = marking.Marking(marking.marking_label(lang), "leader1 2021-01-05 09:30")
    figure = document_layout.document_figure(spec.build(queries.run(cut, spec.query, resolved), lang), made)
    layout = figure.layout
    assert layout.height - layout.margin.t - layout.margin.b >= kinds.HEATMAP_ROW_PX, (
        layout.height,
        layout.margin.t,
        layout.margin.b,
    )


def test_every_chart_of_the_pack_is_placed_at_the_texts_width(briefing_pack):
    """The Word report and the PDF place a picture taller than report.PICTURE_MAX_HEIGHT_CM narrower; the pack's
    pictures are rendered no taller, so each prints its smallest text at 10 pt (at 11 cm, the tallest at 9.2 pt)."""
    from oversight.briefing import report

    _, pack, _ = briefing_pack
    sizes = [section.pixel_size for section in pack.report.sections if section.png is not None]
    assert len(sizes) == 18
    assert [report.picture_width_cm(size) for size in sizes] == [16.0] * 18
