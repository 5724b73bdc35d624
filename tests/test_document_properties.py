"""What a briefing file says about itself: its title and the team, when it was made (the watermark's minute), and
nothing left from the libraries' templates (a blank preview, "Microsoft Macintosh Word", a 4:3 "On-screen Show",
a last-printed date of 2013 or a fixed 2021)."""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from datetime import UTC

from oversight.briefing.docx_report import docx_bytes
from oversight.briefing.pptx_deck import pptx_bytes
from oversight.export.marking import Marking
from tests.conftest import BRIEFING_MADE_AT


def _core(data: bytes) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read("docProps/core.xml").decode()


def test_the_office_files_carry_no_template_leftovers_and_the_time_they_were_made(briefing_pack):
    _, built, _ = briefing_pack
    made = BRIEFING_MADE_AT.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert made == "2021-01-05T01:30:00Z"  # 09:30 in Beijing
    for file_format in ("docx", "pptx"):
        archive = zipfile.ZipFile(io.BytesIO(built.files[file_format]))
        names = archive.namelist()
        assert not [name for name in names if name.startswith("docProps/") and name != "docProps/core.xml"], names
        assert b"thumbnail" not in archive.read("_rels/.rels") and b"extended-properties" not in archive.read(
            "_rels/.rels"
        )
        core = _core(built.files[file_format])
        assert re.search(rf"<dcterms:created[^>]*>{made}</dcterms:created>", core), core
        assert re.search(rf"<dcterms:modified[^>]*>{made}</dcterms:modified>", core), core
        assert "lastPrinted" not in core and "2013" not in core


def test_an_export_without_a_time_says_none(briefing_pack):
    _, built, _ = briefing_pack
    report = dataclasses.replace(
        built.report, context=dataclasses.replace(built.report.context, marking=Marking("内部资料", ""))
    )
    for data in (docx_bytes(report), pptx_bytes(report)):
        core = _core(data)
        assert "created" not in core and "modified" not in core and "lastPrinted" not in core
        assert "<dc:title>" in core


def test_the_pdf_says_its_title_and_team_and_not_the_printing_browser(briefing_pack):
    from pypdf import PdfReader

    from oversight.core import i18n
    from tests.conftest import BRIEFING_MARKINGS

    lang, built, _ = briefing_pack
    reader = PdfReader(io.BytesIO(built.files["pdf"]))
    information = dict(reader.metadata)
    assert set(information) == {"/Title", "/Author", "/CreationDate", "/ModDate"}, information
    assert information["/Title"] == built.report.title and information["/Author"] == i18n.t("app.team", lang)
    assert re.fullmatch(r"D:\d{14}.*", str(information["/CreationDate"]))
    text = "".join(page.extract_text() for page in reader.pages)
    assert BRIEFING_MARKINGS[lang] in text and len(reader.pages) >= 3  # the update left the pages as they were


def test_the_office_files_carry_no_printer_ticket_or_bibliography_from_the_library_templates():
    """Review of 4 Dec: every deck carried ppt/printerSettings/printerSettings1.bin, python-pptx's template's Mac print
    ticket (com.apple.jobticket, US Letter paper for a deck printed on A4), and every report customXml/item1.xml, its
    template's empty APA bibliography with a fixed item id: neither says anything of the briefing."""
    from docx import Document
    from pptx import Presentation

    from oversight.briefing.office_package import docx_bytes_of, pptx_bytes_of

    for data in (pptx_bytes_of(Presentation()), docx_bytes_of(Document())):
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
        assert not [name for name in names if "printerSettings" in name or name.startswith("customXml/")], names
        everything = b"".join(archive.read(name) for name in names if not name.startswith(("ppt/media", "word/media")))
        assert b"com.apple" not in everything and b"bibliography" not in everything
        assert not [name for name in names if name.endswith(".rels") and b"printerSettings" in archive.read(name)]
    Presentation(io.BytesIO(pptx_bytes_of(Presentation())))  # the libraries still open what we write
    Document(io.BytesIO(docx_bytes_of(Document())))


def _member_times(data: bytes) -> set[tuple[int, ...]]:
    return {member.date_time for member in zipfile.ZipFile(io.BytesIO(data)).infolist()}


def test_every_file_of_the_pack_is_dated_when_it_was_made_in_beijing_time(briefing_pack):
    """A ZIP keeps a wall-clock time without its zone: the DOCX's and PPTX's parts and the charts' ZIP's files were
    dated by the server's clock (UTC, 8 hours behind the watermark's 09:30), however the data read."""
    _, built, _ = briefing_pack
    for file_format in ("docx", "pptx", "zip"):
        assert _member_times(built.files[file_format]) == {(2021, 1, 5, 9, 30, 0)}, file_format


def test_a_pack_made_at_half_past_midnight_in_beijing_is_dated_the_new_year(briefing_pack, monkeypatch):
    """16:30 UTC on 31 December is 00:30 on 1 January in Beijing: the watermark, the document properties and every
    file the leader unpacks say the same moment (the files had said 31 December 16:30, the server's clock)."""
    from datetime import datetime

    from oversight import config
    from oversight.briefing import charts_zip_bytes
    from oversight.export import marking

    server_clock = datetime(2020, 12, 31, 16, 30, tzinfo=UTC)
    monkeypatch.setattr(config, "team_now", lambda: server_clock.astimezone(config.TEAM_TIME_ZONE))
    lang, built, _ = briefing_pack
    made = marking.for_viewer(None, True, lang)
    assert "2021-01-01 00:30" in made.watermark
    report = dataclasses.replace(built.report, context=dataclasses.replace(built.report.context, marking=made))
    for data in (docx_bytes(report), pptx_bytes(report)):
        assert "<dcterms:created" in _core(data) and "2020-12-31T16:30:00Z" in _core(data)
        assert _member_times(data) == {(2021, 1, 1, 0, 30, 0)}
    assert _member_times(charts_zip_bytes(report)) == {(2021, 1, 1, 0, 30, 0)}
    # an export without a time of its own: the ZIP format's first day, not the server's clock
    untimed = dataclasses.replace(
        built.report, context=dataclasses.replace(built.report.context, marking=Marking("内部资料", ""))
    )
    assert _member_times(docx_bytes(untimed)) == {(1980, 1, 1, 0, 0, 0)}
