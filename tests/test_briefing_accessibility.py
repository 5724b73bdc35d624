"""The briefing pack as documents a screen reader, a search and Word itself can use (what GB/T 37668-2019 asks, as
WCAG and PDF/UA do): each file is opened and its XML or PDF objects read back, never our own code's strings."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from lxml import etree
from pypdf import PdfReader

from oversight.briefing import pdf_print
from oversight.charts import catalog
from oversight.core import i18n

NS = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
}
W = f"{{{NS['w']}}}"
# a picture's alternative text: that it is a chart, its title, then the reading the document prints beside it
ALT = {"zh": "图表：{title}。{reading}", "en": "Chart: {title}. {reading}"}
ALT_TITLE_ONLY = {"zh": "图表：{title}", "en": "Chart: {title}"}
# Latin and East Asian proofing language of the runs: what PowerPoint and Word write for text typed in China
RUN_LANG = {"zh": ("zh-CN", "en-US"), "en": ("en-US", "zh-CN")}
TITLES = {spec.title(lang) for spec in catalog.all_charts() for lang in ("zh", "en")}


@pytest.fixture
def pack(briefing_pack):
    return briefing_pack


def _parts(data: bytes, prefix: str) -> dict[str, etree._Element]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name: etree.fromstring(archive.read(name))
            for name in archive.namelist()
            if name.startswith(prefix) and name.endswith(".xml")
        }


def _slides(data: bytes) -> list[etree._Element]:
    slides = _parts(data, "ppt/slides/slide")
    return [slides[f"ppt/slides/slide{n}.xml"] for n in range(1, len(slides) + 1)]


def _text(element) -> str:
    return "".join(element.itertext())


def test_every_slide_picture_says_its_chart_and_reading_not_a_file_name(pack):
    """PowerPoint's Alt Text of each chart said "image.png": a screen reader read a file name for every chart."""
    lang, built, _ = pack
    pictures = 0
    for slide in _slides(built.files["pptx"]):
        for picture in slide.iterfind(".//p:pic", NS):
            pictures += 1
            title = _text(slide.xpath(".//p:sp[p:nvSpPr/p:nvPr/p:ph[@type='title']]", namespaces=NS)[0]).strip()
            assert title in TITLES
            description = picture.find("p:nvPicPr/p:cNvPr", NS).get("descr")
            # the reading panel's text, word for word: the slide's text box that ends the description
            texts = [_text(box).strip() for box in slide.iterfind(".//p:sp/p:txBody", NS)]
            reading = next((text for text in texts if text and text != title and description.endswith(text)), None)
            assert reading is not None, description
            assert description == ALT[lang].format(title=title, reading=reading)
    assert pictures == sum(section.png is not None for section in built.report.sections) > 10


def test_every_slide_run_is_in_the_decks_language(pack):
    """No run said its language: PowerPoint took the system's (en-US) and underlined every Chinese word."""
    lang, built, _ = pack
    runs = [
        properties
        for slide in _slides(built.files["pptx"])
        for properties in slide.iter(f"{{{NS['a']}}}rPr", f"{{{NS['a']}}}endParaRPr")
    ]
    assert len(runs) > 200
    assert {(run.get("lang"), run.get("altLang")) for run in runs} == {RUN_LANG[lang]}


def test_every_slide_has_a_title_placeholder_with_its_title(pack):
    """The outline view and a screen reader's slide list read each slide's title placeholder."""
    _, built, _ = pack
    for number, slide in enumerate(_slides(built.files["pptx"]), start=1):
        titles = slide.xpath(".//p:sp[p:nvSpPr/p:nvPr/p:ph[@type='title' or @type='ctrTitle']]", namespaces=NS)
        assert len(titles) == 1 and _text(titles[0]).strip(), number


DECORATIVE = "{http://schemas.microsoft.com/office/drawing/2017/decorative}decorative"


def _read_aloud(slide) -> list[etree._Element]:
    """The slide's shapes a screen reader reads, in its reading order (the drawing order), decorative ones left out."""
    shapes = slide.find("p:cSld/p:spTree", NS)
    return [
        shape
        for shape in shapes
        if shape.tag != f"{{{NS['p']}}}nvGrpSpPr" and shape.tag != f"{{{NS['p']}}}grpSpPr"
        if not any(mark.get("val") == "1" for mark in shape.iter(DECORATIVE))
    ]


def test_a_screen_reader_starts_each_slide_at_its_title_and_skips_the_drawing(pack):
    """The watermark lies behind everything, so it came first in the reading order: a screen reader read
    "leader1 2021-01-05 09:30" twice before each slide's title, then the cards' outlines and the red rule as shapes
    without a name. Each is marked decorative (PowerPoint's Alt Text pane: "Mark as decorative")."""
    _, built, _ = pack
    watermark = built.report.marking.watermark_lines
    for number, slide in enumerate(_slides(built.files["pptx"]), start=1):
        read = _read_aloud(slide)
        first = read[0].find("p:nvSpPr/p:nvPr/p:ph", NS)
        assert first is not None and first.get("type") in ("title", "ctrTitle"), number
        for shape in read:  # what is read says something: text, a picture with its alt text, a table
            text = _text(shape).strip()
            assert text or shape.find("p:nvPicPr/p:cNvPr[@descr]", NS) is not None, (number, shape[0][0].get("name"))
            assert text != "".join(watermark), number
    assert sum(len(_read_aloud(slide)) for slide in _slides(built.files["pptx"])) > 50


def _docx_body(data: bytes) -> etree._Element:
    return _parts(data, "word/document.xml")["word/document.xml"].find("w:body", NS)


def _paragraph_text(paragraph) -> str:
    return "".join(t.text or "" for t in paragraph.iter(f"{W}t"))


def test_every_word_picture_has_alternative_text_of_its_caption_and_reading(pack):
    """The Word report's pictures had no Alt Text at all (``wp:docPr`` without ``descr``, ``image.png`` inside)."""
    lang, built, _ = pack
    paragraphs = list(_docx_body(built.files["docx"]).iter(f"{W}p"))
    caption_pattern = {"zh": r"图\d+ (.+)", "en": r"Figure \d+\. (.+)"}[lang]
    pictures = 0
    for index, paragraph in enumerate(paragraphs):
        for properties in paragraph.iterfind(".//wp:docPr", NS):
            pictures += 1
            caption = re.fullmatch(caption_pattern, _paragraph_text(paragraphs[index + 1]))
            assert caption is not None
            title = caption.group(1)
            reading = _paragraph_text(paragraphs[index + 2])
            expected = ALT[lang].format(title=title, reading=reading) if reading else ALT_TITLE_ONLY[lang]
            assert properties.get("descr") == expected
            assert paragraph.find(".//pic:cNvPr", NS).get("name") != "image.png"
    assert pictures == sum(section.png is not None for section in built.report.sections) > 10


def test_word_takes_east_asian_text_as_chinese(pack):
    """python-docx's template said East Asian text was en-US and its theme's East Asian fonts Japanese (ja-JP): Word
    proofed every Chinese word as a misspelt English one and could pick Japanese glyph forms."""
    _, built, _ = pack
    with zipfile.ZipFile(io.BytesIO(built.files["docx"])) as archive:
        styles = etree.fromstring(archive.read("word/styles.xml"))
        settings = etree.fromstring(archive.read("word/settings.xml"))
    default = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    assert (default.get(f"{W}val"), default.get(f"{W}eastAsia")) == ("en-US", "zh-CN")
    theme = settings.find("w:themeFontLang", NS)
    assert theme.get(f"{W}eastAsia") == "zh-CN"
    # no style or run says otherwise
    document = _parts(built.files["docx"], "word/document.xml")["word/document.xml"]
    others = {lang.get(f"{W}eastAsia") for tree in (styles, document) for lang in tree.iter(f"{W}lang")}
    assert others <= {"zh-CN", None}


def test_word_headings_are_heading_styles_and_table_headers_repeat(pack):
    """Word's navigation pane lists 一、… (Heading 1) and （一）… (Heading 2); each table's header row repeats."""
    lang, built, _ = pack
    body = _docx_body(built.files["docx"])
    headings = [
        (paragraph.find("w:pPr/w:pStyle", NS).get(f"{W}val"), _paragraph_text(paragraph))
        for paragraph in body.iterfind("w:p", NS)
        if paragraph.find("w:pPr/w:pStyle", NS) is not None
        and paragraph.find("w:pPr/w:pStyle", NS).get(f"{W}val").startswith("Heading")
    ]
    level_one = [text for style, text in headings if style == "Heading1"]
    assert level_one == [
        i18n.t(f"export.report.{key}", lang) for key in ("overview", "figures", "details", "problems", "next_steps")
    ]
    assert [style for style, _ in headings].count("Heading2") == 3
    tables = body.findall("w:tbl", NS)
    assert len(tables) >= 2
    for table in tables:
        assert table.find("w:tr/w:trPr/w:tblHeader", NS) is not None


def _structure(reader: PdfReader) -> list[dict]:
    found: list[dict] = []

    def walk(node) -> None:
        node = node.get_object()
        if not isinstance(node, dict) or "/S" not in node:
            return
        found.append(node)
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"]["/K"])
    return found


def test_the_pdf_is_tagged_with_every_figure_described(pack):
    """Chromium tagged each chart twice, a Figure for the <figure> around the picture's: one of each pair had no
    alternative text (a PDF/UA failure), the other only the chart's title."""
    lang, built, _ = pack
    reader = PdfReader(io.BytesIO(built.files["pdf"]))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and root["/Lang"] == i18n.t("export.report.html_lang", lang)
    figures = [node for node in _structure(reader) if node["/S"] == "/Figure"]
    pictures = [section for section in built.report.printed_sections if section.png is not None]
    assert len(figures) == len(pictures) > 10
    for figure, section in zip(figures, pictures):
        assert str(figure["/Alt"]) == ALT[lang].format(title=section.spec.title(lang), reading=section.takeaway)


def test_the_pdf_has_bookmarks_of_its_headings_on_their_pages(pack):
    """The PDF had no outline: a reader could not jump to 四、存在问题 but by scrolling."""
    lang, built, _ = pack
    reader = PdfReader(io.BytesIO(built.files["pdf"]))
    entries: list[tuple[int, str, int]] = []

    def walk(outline, depth: int) -> None:
        for item in outline:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                # a no-break space between an English title's lines shows as the space it is
                entries.append((depth, item.title.replace("\u00a0", " "), reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    cover = " ".join(built.report.title_lines).replace("\u00a0", " ") if lang == "en" else built.report.title
    assert entries[0][:2] == (0, cover)
    level_one = [title for depth, title, _ in entries if depth == 1]
    assert level_one == [
        i18n.t(f"export.report.{key}", lang) for key in ("overview", "figures", "details", "problems", "next_steps")
    ]
    assert [depth for depth, _, _ in entries].count(2) == 3
    for _, title, page in entries[1:]:  # each bookmark opens the page its heading is printed on
        assert title in reader.pages[page].extract_text()


def test_the_fallback_printer_writes_the_outline_too(monkeypatch):
    """The short-lived ``chromium --print-to-pdf`` (a dead printer's stand-in) gives the same bookmarks."""

    def broken(self, url):
        raise RuntimeError("the printing browser died")

    monkeypatch.setattr(pdf_print._Printer, "print", broken)
    html = (
        "<html lang='zh-CN'><head><meta charset='utf-8'></head><body><h1>报告</h1><h2>一、工作概况</h2></body></html>"
    )
    reader = PdfReader(io.BytesIO(pdf_print.html_to_pdf(html)))
    assert [item.title for item in reader.outline if not isinstance(item, list)] == ["报告"]
    assert [item.title for item in reader.outline[1]] == ["一、工作概况"]


def test_every_slide_table_is_named_by_its_slide_title_not_table_7(pack):
    """Each issue list's table on a slide was the shape "Table 7" without Alt Text: a screen reader said "Table 7" in
    English on a Chinese deck, and PowerPoint's accessibility check listed each as missing alternative text. Its
    header row is marked as one (``firstRow``), so the columns are read with each cell."""
    _, built, _ = pack
    tables = 0
    for slide in _slides(built.files["pptx"]):
        for frame in slide.xpath(".//p:graphicFrame[a:graphic/a:graphicData/a:tbl]", namespaces=NS):
            tables += 1
            title = _text(slide.xpath(".//p:sp[p:nvSpPr/p:nvPr/p:ph[@type='title']]", namespaces=NS)[0]).strip()
            properties = frame.find("p:nvGraphicFramePr/p:cNvPr", NS)
            assert (properties.get("name"), properties.get("descr")) == (title, title)
            assert frame.find("a:graphic/a:graphicData/a:tbl/a:tblPr", NS).get("firstRow") == "1"
    assert tables >= 2
