"""The briefing's PPTX and DOCX as a reader sees them: rendered by LibreOffice (as WPS and Office would lay
them out), each page turned into a picture in ``test-output/office/`` to look at, and read back.

Needs Debian's ``libreoffice-impress`` and ``libreoffice-writer`` (``make system`` installs them).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from pptx import Presentation
from pypdf import PdfReader

from oversight.charts.style import own_short_names
from oversight.core import i18n
from tests.conftest import BRIEFING_WATERMARK

pytestmark = pytest.mark.office

OUTPUT = Path(__file__).resolve().parent.parent / "test-output" / "office"
MARKINGS = {"zh": "内部资料 注意保存", "en": "Internal — handle with care"}
WATERMARK = BRIEFING_WATERMARK  # what the session pack is marked with (tests/conftest.py)


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        pytest.fail(
            "LibreOffice is missing: run `make system` (apt-get install libreoffice-impress libreoffice-writer)"
        )
    return found


def _to_pdf(source: Path, profile: Path) -> Path:
    subprocess.run(
        [
            _soffice(),
            "--headless",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(source.parent),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    target = source.with_suffix(".pdf")
    assert target.is_file() and target.stat().st_size > 0, f"LibreOffice made no PDF of {source.name}"
    return target


def _pages_as_pictures(pdf: Path) -> list[Path]:
    prefix = pdf.with_suffix("")
    for old in pdf.parent.glob(f"{prefix.name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(prefix)], check=True, timeout=300)
    return sorted(pdf.parent.glob(f"{prefix.name}-*.png"))


def _flat(text: str) -> str:
    """Text as compared: no spaces (LibreOffice spaces out Latin inside Chinese), ligatures and widths folded."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _page_texts(pdf: Path) -> list[str]:
    # NFKC: the printed text uses ligatures (ﬃ) that are one glyph but three letters
    return [unicodedata.normalize("NFKC", page.extract_text() or "") for page in PdfReader(pdf).pages]


@pytest.fixture(scope="module")
def rendered(briefing_pack, tmp_path_factory):
    lang, pack, _ = briefing_pack  # the session's pack, in each language: every chart, marked with BRIEFING_WATERMARK
    folder = OUTPUT / lang
    folder.mkdir(parents=True, exist_ok=True)
    profile = tmp_path_factory.mktemp("libreoffice-profile")
    files = {}
    for file_format, stem in (("pptx", "slides"), ("docx", "report")):  # one PDF name each
        source = folder / f"{stem}.{file_format}"
        source.write_bytes(pack.files[file_format])
        files[file_format] = _to_pdf(source, profile)
    printed = folder / "print.pdf"
    printed.write_bytes(pack.files["pdf"])
    files["print"] = printed
    return lang, pack, files


def test_every_slide_renders_with_its_marking(rendered):
    lang, pack, files = rendered
    slides = len(Presentation(io.BytesIO(pack.files["pptx"])).slides)
    pictures = _pages_as_pictures(files["pptx"])
    assert len(pictures) == slides == 2 + 18 + 2 + 1  # title, key figures, 18 charts, 2 issue tables, summary
    texts = _page_texts(files["pptx"])
    for number, text in enumerate(texts, start=1):
        flat = _flat(text)
        assert _flat(MARKINGS[lang]) in flat, f"slide {number} has no marking"
        assert _flat(WATERMARK) in flat, f"slide {number} has no watermark"
    assert _flat(pack.report.sections[0].takeaway) in _flat(texts[2])


def _heading_ends_page(text: str, headings: list[str]) -> str | None:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    body = [
        line
        for line in lines
        if not re.fullmatch(r"(第\s*\d+\s*页|Page\s*\d+)", line)
        and line not in (MARKINGS["zh"], MARKINGS["en"])
        and WATERMARK not in line
    ]
    last = body[-1] if body else ""
    return next((heading for heading in headings if last.replace(" ", "") == heading.replace(" ", "")), None)


def test_every_report_page_renders_headed_marked_and_without_a_stranded_heading(rendered):
    lang, pack, files = rendered
    pictures = _pages_as_pictures(files["docx"])
    texts = _page_texts(files["docx"])
    assert len(pictures) == len(texts)
    assert 8 <= len(texts) <= 16, f"{len(texts)} pages for 18 charts: two charts to a page expected"
    headings = [
        i18n.t(f"export.report.{key}", lang)
        for key in (
            "overview",
            "figures",
            "details",
            "problems",
            "next_steps",
            "open_heading",
            "overdue_heading",
            "analysis_heading",
        )
    ]
    joined = _flat("".join(texts))
    for heading in headings:
        assert _flat(heading) in joined
    for number, text in enumerate(texts, start=1):
        assert _flat(MARKINGS[lang]) in _flat(text), f"page {number} has no marking"
        stranded = _heading_ends_page(text, headings)
        assert stranded is None, f"page {number} ends with the heading {stranded!r}"


@pytest.mark.parametrize("document", ["docx", "print"])
def test_unit_names_are_never_split_across_lines(rendered, document):
    """In the printed PDF nowhere; in the Word report within its tables (Word breaks Chinese body text anywhere,
    as every Chinese document does)."""
    lang, pack, files = rendered
    if document == "print":
        _pages_as_pictures(files["print"])  # to look at beside the LibreOffice pages
    lines = [line for text in _page_texts(files[document]) for line in text.splitlines()]
    if document == "docx" and lang == "zh":
        lines = [line for line in lines if re.search(r"\d{4}-\d{2}-\d{2}", line)]  # the issue tables' rows
    # an English table names a unit as the charts do (its 英文简称), a Chinese one in full
    names = set(own_short_names(pack.report.open_issues, lang))
    assert names
    words = {word for line in lines for word in re.findall(r"[A-Za-z']+", line)}
    for name in names:
        if lang == "en":  # an English name may wrap between its words, never inside one
            assert set(re.findall(r"[A-Za-z']+", name)) <= words, f"{name} is broken inside a word"
            continue
        assert any(name in line for line in lines), f"{name} is broken across lines"
        if lang == "zh":  # a Chinese name has no spaces: a break inside it leaves a piece at a line's end
            for cut in range(2, len(name) - 1):
                assert not any(line.endswith(name[:cut]) for line in lines), f"{name} breaks after {name[:cut]!r}"


# A pack whose first charts have nothing to draw: 省政府参事室 in 2020's fourth quarter found no issue and made no
# suggestion, so its three issue and suggestion charts are the page's sentence and a caption, then come pictures.
_EMPTY_FIRST = (
    "issues_by_unit_status",
    "issues_by_source",
    "suggestions_by_unit",
    "unit_trends",
    "meetings_by_quarter",
)


def _blank_below_body(page: Path) -> float:
    """The share of a page's body (from its first ink to the footer's page number) left blank under its last line."""
    import numpy as np
    from PIL import Image

    inked = [bool(ink) for ink in (np.asarray(Image.open(page).convert("L")) < 200).any(axis=1)]
    footer = max(number for number, ink in enumerate(inked) if ink)
    while inked[footer - 1]:
        footer -= 1  # the page number's line
    body_end = max(number for number, ink in enumerate(inked[: footer - 5]) if ink)
    return (footer - body_end) / (footer - inked.index(True))


_FIGURE_NUMBER = re.compile(r"(?:图|Figure)\s*(\d+)")
_BODY_CM = 29.7 - 2 * 1.5  # A4 inside the 1.5 cm (15 mm) top and bottom margins
# what a chart takes beside its picture: the space around it (6 pt and 10 pt), its caption's line, a reading of two
# lines and the space after it
_CAPTION_CM = 2.5


@pytest.mark.parametrize("document", ["docx", "print"])
def test_no_report_page_leaves_room_the_next_chart_would_fit_in(rendered, document):
    """Review of 5 Dec: a 12.1 cm picture and a 9.9 cm one, with captions and readings, did not fit a page inside 2 cm
    margins (the PDF's 18 mm), so the second went to the next page and pages 2, 10 and 11 of the pack were 43% to 53%
    blank. The margins are 1.5 cm (15 mm): a page's blank under its last line is now less than the chart the next page
    opens with needs (its picture, placed 16 cm wide so its text prints at 10 pt, and its caption) — where the tallest
    pictures (11.1 and 11.7 cm, units on their rows) come together, one page stays part blank rather than either be
    shrunk under 10 pt. The first page keeps what is left under the key figures; the last is the report's end."""
    lang, pack, files = rendered
    pictures = _pages_as_pictures(files[document])
    texts = _page_texts(files[document])
    drawn = [section for section in pack.report.sections if section.png is not None]
    heights_cm = {
        number: 16.0 * section.pixel_size[1] / section.pixel_size[0] for number, section in enumerate(drawn, start=1)
    }
    roomy = {}
    for number in range(2, len(pictures)):
        blank_cm = _blank_below_body(pictures[number - 1]) * _BODY_CM
        opening = _FIGURE_NUMBER.search(texts[number]) if number < len(texts) else None
        needs_cm = heights_cm[int(opening.group(1))] + _CAPTION_CM if opening else 0.25 * _BODY_CM
        if blank_cm >= needs_cm:
            roomy[number] = (round(blank_cm, 1), round(needs_cm, 1))
    assert roomy == {}, f"pages whose blank (cm) would hold what the next page opens with (cm): {roomy}"


@pytest.mark.parametrize("document", ["docx", "print"])
def test_no_page_of_the_report_is_left_part_blank_between_its_first_and_its_last(rendered, document):
    """Review of 5 Dec (session 35): the first page stopped under the key figures, 21% to 33% of it blank, 三、分项情况
    going with its first chart to the next page; where the tallest charts met (图15, 11.1 cm, then 图16, 12.1 cm, and
    in English 图17 and 图18 after it) a middle page held one chart, half blank (pages 9 to 11 of the English PDF, 46% to
    52%). The heading and its lead line end the first page; within each group the charts are ordered so that a tall
    one shares its page with a shorter one (page_fill)."""
    lang, pack, files = rendered
    pictures = _pages_as_pictures(files[document])
    texts = _page_texts(files[document])
    blank = {number: round(_blank_below_body(picture), 2) for number, picture in enumerate(pictures, start=1)}
    # 0.46 to 0.52 before; 0.17 at most after
    assert {number: share for number, share in blank.items() if 1 < number < len(pictures) and share >= 0.25} == {}
    # Review of 5 Dec (session 36): page 1 still ended under the lead, 0.24 (Word) and 0.26 (PDF) of it blank in
    # Chinese, 0.15 to 0.19 in English, where no chart fits; the list of the figures by number and title fills it,
    # running on to page 2 (0.02 to 0.13 after)
    assert blank[1] < 0.15, blank
    assert pack.report.figure_list_shown
    assert _flat(i18n.t("export.report.details", lang)) in _flat(texts[0])
    assert _flat(i18n.t("export.report.details_lead_listed", lang, count=18)) in _flat(texts[0])
    first_entry = i18n.t("export.briefing.figure_caption", lang, number=1, title=pack.report.printed_sections[0].title)
    assert _flat(first_entry + i18n.t("export.report.figure_list_separator", lang)) in _flat(texts[0])
    last_entry = i18n.t("export.briefing.figure_caption", lang, number=18, title=pack.report.printed_sections[-1].title)
    assert _flat(last_entry + i18n.t("export.report.figure_list_end", lang)) in _flat(texts[0] + texts[1])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_empty_first_charts_leave_no_half_blank_first_page(connection, span, lang, tmp_path):
    """Each empty chart's sentence and caption were kept with the next chart (the Caption style's keep-with-next),
    so the chain ran from 三、分项情况 to the first picture, and LibreOffice and Word moved it whole to page 2: page 1
    stopped under the key-figure table, 43% of it blank. A heading keeps with its first item only."""
    import dataclasses

    from oversight import briefing
    from oversight.charts import catalog
    from oversight.data.filters import Quarter

    specs = [next(spec for spec in catalog.all_charts() if spec.key == key) for key in _EMPTY_FIRST]
    view = dataclasses.replace(
        span.default_filter(), units=("counsellors",), start=Quarter(2020, 4), end=Quarter(2020, 4)
    )
    pack = briefing.build_briefing_pack(connection, view, lang, specs, formats=("docx",))
    assert [section.png is None for section in pack.report.sections] == [True, True, True, False, False]
    folder = OUTPUT / lang
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "empty-first-report.docx"  # not report-*: the session pack's pages are report-NN.png
    source.write_bytes(pack.files["docx"])
    pictures = _pages_as_pictures(_to_pdf(source, tmp_path / "libreoffice-profile"))
    first_page = _page_texts(source.with_suffix(".pdf"))[0]
    assert _flat(i18n.t("export.report.details", lang)) in _flat(first_page)
    assert _flat(pack.report.sections[0].empty_note or "") in _flat(first_page)
    assert _blank_below_body(pictures[0]) < 0.3  # 0.43 before; what is left is less than the next chart needs


def test_the_word_reports_text_as_libreoffice_saves_it_is_the_body_alone(rendered, tmp_path):
    """LibreOffice's plain text of the Word report (what a paste into a plain editor gets): the body's paragraphs
    whole, in order, without the watermark or the marking of the page's header."""
    lang, pack, _ = rendered
    source = tmp_path / "report.docx"
    source.write_bytes(pack.files["docx"])
    subprocess.run(
        [_soffice(), "--headless", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--convert-to",
         "txt:Text (encoded):UTF8", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    lines = (tmp_path / "report.txt").read_text(encoding="utf-8-sig").splitlines()
    marking = pack.report.marking
    assert not [line for line in lines if any(part in line for part in (*marking.watermark_lines, marking.label))]
    found = [lines.index(paragraph) for paragraph in pack.report.summary]
    assert found == sorted(found) and lines[0] == pack.report.title_lines[0]


# Packs a leader prints besides the session's: one unit (省政府办公厅 has the fewest records, 省政府参事室 the fewest
# issues), and the Overview's four charts
_FILTERED_PACKS = {"gov_office": ("gov_office",), "counsellors": ("counsellors",), "chronicles": ("chronicles",)}
# and a range with next to nothing in it: 省政府参事室 in 2020 Q1 (no consultation, issue or suggestion; 11 of the 18
# charts empty)
_NO_DATA_UNITS, _NO_DATA_QUARTER = ("counsellors",), (2020, 1)


@pytest.fixture(
    scope="module",
    params=[*(f"{lang}-{case}" for lang in ("zh", "en") for case in [*_FILTERED_PACKS, "four", "nodata"])],
)
def filtered_rendered(request, connection, default_filter, tmp_path_factory):
    import dataclasses

    from oversight import briefing, charts
    from oversight.charts import catalog
    from oversight.data.filters import Quarter

    lang, case = request.param.split("-", 1)
    if case == "four":
        view, specs = default_filter, charts.OVERVIEW_CHARTS
    elif case == "nodata":
        quarter = Quarter(*_NO_DATA_QUARTER)
        view = dataclasses.replace(default_filter, units=_NO_DATA_UNITS, start=quarter, end=quarter)
        specs = catalog.all_charts()
    else:
        view, specs = dataclasses.replace(default_filter, units=_FILTERED_PACKS[case]), catalog.all_charts()
    pack = briefing.build_briefing_pack(connection, view, lang, specs, formats=("docx", "pdf"))
    folder = OUTPUT / lang
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / f"{case}-report.docx"  # not report-*: the session pack's pages are report-NN.png
    source.write_bytes(pack.files["docx"])
    printed = folder / f"{case}-print.pdf"
    printed.write_bytes(pack.files["pdf"])
    return {"docx": _to_pdf(source, tmp_path_factory.mktemp("libreoffice-profile")), "print": printed, "pack": pack}


@pytest.mark.parametrize("document", ["docx", "print"])
def test_no_page_of_a_filtered_report_is_left_part_blank_between_its_first_and_its_last(filtered_rendered, document):
    """Review of 5 Dec (session 36): the charts' order was planned as if they began page 2, but a one-unit pack's first
    chart (6 cm) stood on the PDF's first page, so the PDF's page 2 ended a third blank (省政府参事室 in Chinese: 0.38);
    where three short charts of a group came before two tall ones, page 5 was 0.30 to 0.40 blank in both documents.
    page_fill now plans from where each document's first page ends, the documents put the first chart where it
    planned, and of the orders that take the fewest pages it takes the one whose emptiest page is fullest."""
    pictures = _pages_as_pictures(filtered_rendered[document])
    blank = {number: round(_blank_below_body(picture), 2) for number, picture in enumerate(pictures, start=1)}
    # 0.29 to 0.40 before; 0.21 at most after. Session 38: one order for both languages (test_same_order_in_both_
    # languages), the English one's for a one-unit pack (图11 before 图10 …), left the Chinese PDF's last chart page
    # 0.26 blank where 四、存在问题 with its table did not fit under 图18 (the plan does not reckon what follows the charts)
    assert {number: share for number, share in blank.items() if 1 < number < len(pictures) and share >= 0.27} == {}
    assert blank[1] < 0.3, blank
    # session 36: the four-chart Chinese pack's page 1 ended 0.24 (Word) and 0.26 (PDF) blank, the no-data range's
    # 0.27 and 0.29. The figure list fills it (0.21 and 0.15 at most after) wherever it leaves no later page emptier
    # nor pushes a short first chart off page 1: there (one unit, a year; the English no-data range) page 1 is as it was
    if filtered_rendered["pack"].report.figure_list_shown:
        assert blank[1] < 0.23, blank


def test_an_empty_issue_list_keeps_its_lines_together_but_not_with_what_follows(filtered_rendered):
    """The PDF kept each issue list's heading and line with what follows (break-after: avoid), for its table; an empty
    list has none, so (一), (二) and (三) with their lines were chained to 四、存在问题, and the whole section went to
    the next page: the last chart's page ended 0.26 blank (省政府参事室, Chinese, with the figure list)."""
    from oversight.briefing import html_report

    report = filtered_rendered["pack"].report
    page = html_report.report_html(report)
    # session 38: the overdue list's end, its line or its last row, goes with (三) and 五、下一步工作 (one block after
    # it), which stood alone on the last page otherwise (tests/test_report_last_page.py); the open list's line never
    # chains to it, so 四、存在问题 does not move whole
    for frame, heading in ((report.open_issues, "open_heading"), (report.overdue_issues, "overdue_heading")):
        kept = "keep-whole" if frame.empty and heading == "open_heading" else "keep-with-next"
        assert f'<div class="{kept}"><h3>{i18n.t(f"export.report.{heading}", report.lang)}</h3>' in page
