"""Saving a PPTX or DOCX with its pictures stored in the ZIP as they are, not deflated a second time.

python-pptx and python-docx deflate every part of the package, the charts' PNGs included: a PNG is deflated
already, so that costs a couple of milliseconds a chart and saves nothing (Office and LibreOffice read stored
and deflated parts alike). The libraries' own writers still lay out the package (content types, relationships,
parts, in their order); only the ZIP they write into is ours. Both libraries are pinned (requirements.txt):
the private writer functions used here are those of python-pptx 1.0.2 and python-docx 1.2.0, and the tests
open every saved file with the libraries again.
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

from oversight import config

# Parts whose bytes are compressed already: deflating them again only takes time.
_STORED_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif")


# Parts of the libraries' default templates that describe another file: a blank page as the preview Explorer and
# Finder show (docProps/thumbnail.jpeg), and docProps/app.xml's "Microsoft Macintosh Word", "On-screen Show (4:3)",
# 0 words, 0 slides. Neither part is required; a file without them is described by its own content.
_TEMPLATE_LEFTOVERS = (
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties",
)
# Parts the templates' main part (the presentation, the document) brings along that say nothing of the briefing:
# python-pptx's Mac print ticket (com.apple.jobticket, US Letter paper for a deck printed on A4) and python-docx's
# empty APA bibliography (customXml, the same fixed item id in every file). Neither is required.
_MAIN_PART_LEFTOVERS = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/printerSettings",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml",
)
# The core properties' dates a file gets from the template or the library: when it was last printed (never), and
# its created and modified dates where the export has no time of its own.
_DATES = ("}lastPrinted", "}created", "}modified")


def set_core_properties(properties, title: str, author: str, made_at: datetime | None) -> None:  # noqa: ANN001
    """Only what the first page shows, its title and the team; nothing of the data, nobody's name; created and
    modified when the export was made (the watermark's minute, as the download's audit line records it), and no
    last-printed date (the library's template said 2013, a fixed one said 2021)."""
    properties.title, properties.author, properties.last_modified_by = title, author, ""
    properties.subject = properties.keywords = properties.comments = properties.category = ""
    properties.content_status = properties.identifier = properties.version = properties.language = ""
    properties.revision = 1
    element = properties._element  # noqa: SLF001 — neither library can unset a date
    for child in [child for child in element if child.tag.endswith(_DATES)]:
        element.remove(child)
    if made_at is not None:  # the libraries write the W3C date as UTC
        utc = made_at.astimezone(UTC).replace(tzinfo=None) if made_at.tzinfo else made_at
        properties.created = properties.modified = utc


def _drop_template_leftovers(package_rels, main_part_rels) -> None:  # noqa: ANN001 — either library's relationships
    """The template's parts that describe another file, from the package and its main part: a part no relationship
    reaches is not written."""
    for rels, leftovers in ((package_rels, _TEMPLATE_LEFTOVERS), (main_part_rels, _MAIN_PART_LEFTOVERS)):
        for r_id in [r_id for r_id, rel in rels.items() if rel.reltype in leftovers]:
            rels.pop(r_id)


# A ZIP member's time where the export has none of its own: the format's first day, the same for every file.
_NO_TIME = (1980, 1, 1, 0, 0, 0)


def zip_member(name: str, compress_type: int, made_at: datetime | None) -> zipfile.ZipInfo:
    """A ZIP member (a part of a PPTX or DOCX, a file of the charts' ZIP) dated when the export was made, in Beijing
    time as the watermark: a ZIP keeps a wall-clock time without its zone, and ``writestr`` with a bare name took the
    server's clock (UTC), so a pack made at 00:30 on 1 January in Beijing unpacked as made at 16:30 on 31 December,
    beside a watermark and document properties saying 1 January."""
    if made_at is None:
        moment = _NO_TIME
    else:
        local = made_at.astimezone(config.TEAM_TIME_ZONE) if made_at.tzinfo else made_at
        moment = (local.year, local.month, local.day, local.hour, local.minute, local.second)
    member = zipfile.ZipInfo(name, date_time=moment)
    member.compress_type = compress_type
    member.external_attr = 0o600 << 16  # as writestr gives a file
    return member


def zip_write(archive: zipfile.ZipFile, name: str, blob: bytes, made_at: datetime | None) -> None:
    """``blob`` into ``archive`` as ``name``, stored where it is compressed already (a picture), else deflated."""
    stored = name.lower().endswith(_STORED_SUFFIXES)
    archive.writestr(zip_member(name, zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED, made_at), blob)


class _PictureStoringZip:
    """The physical writer both libraries call: ``write(pack_uri, blob)``, then ``close()``."""

    def __init__(self, target: io.BytesIO, made_at: datetime | None) -> None:
        self._zip = zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED)
        self._made_at = made_at

    def write(self, pack_uri, blob: bytes) -> None:  # noqa: ANN001 — the libraries' PackURI (a str)
        zip_write(self._zip, pack_uri.membername, blob, self._made_at)

    def close(self) -> None:
        self._zip.close()


def pptx_bytes_of(presentation, made_at: datetime | None = None) -> bytes:  # noqa: ANN001 — a python-pptx Presentation
    """What ``presentation.save`` writes, with the pictures stored and its parts dated ``made_at`` (``zip_member``)."""
    from pptx.opc.serialized import PackageWriter

    package = presentation.part.package
    _drop_template_leftovers(package._rels, presentation.part.rels)  # noqa: SLF001
    buffer = io.BytesIO()
    writer = PackageWriter(buffer, package._rels, tuple(package.iter_parts()))  # noqa: SLF001
    archive = _PictureStoringZip(buffer, made_at)
    writer._write_content_types_stream(archive)  # type: ignore[arg-type]  # noqa: SLF001
    writer._write_pkg_rels(archive)  # type: ignore[arg-type]  # noqa: SLF001
    writer._write_parts(archive)  # type: ignore[arg-type]  # noqa: SLF001
    archive.close()
    return buffer.getvalue()


def docx_bytes_of(document, made_at: datetime | None = None) -> bytes:  # noqa: ANN001 — a python-docx Document
    """What ``document.save`` writes, with the pictures stored and its parts dated ``made_at`` (``zip_member``)."""
    from docx.opc.pkgwriter import PackageWriter

    package = document.part.package
    _drop_template_leftovers(package.rels, document.part.rels)
    for part in package.parts:
        part.before_marshal()  # as OpcPackage.save does first
    buffer = io.BytesIO()
    archive = _PictureStoringZip(buffer, made_at)
    PackageWriter._write_content_types_stream(archive, package.parts)  # noqa: SLF001
    PackageWriter._write_pkg_rels(archive, package.rels)  # noqa: SLF001
    PackageWriter._write_parts(archive, package.parts)  # type: ignore[arg-type]  # noqa: SLF001
    archive.close()
    return buffer.getvalue()
