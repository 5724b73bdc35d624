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

# Parts whose bytes are compressed already: deflating them again only takes time.
_STORED_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif")


class _PictureStoringZip:
    """The physical writer both libraries call: ``write(pack_uri, blob)``, then ``close()``."""

    def __init__(self, target: io.BytesIO) -> None:
        self._zip = zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED)

    def write(self, pack_uri, blob: bytes) -> None:  # noqa: ANN001 — the libraries' PackURI (a str)
        name = pack_uri.membername
        stored = name.lower().endswith(_STORED_SUFFIXES)
        self._zip.writestr(name, blob, compress_type=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)

    def close(self) -> None:
        self._zip.close()


def pptx_bytes_of(presentation) -> bytes:  # noqa: ANN001 — a python-pptx Presentation
    """What ``presentation.save`` writes, with the pictures stored."""
    from pptx.opc.serialized import PackageWriter

    package = presentation.part.package
    buffer = io.BytesIO()
    writer = PackageWriter(buffer, package._rels, tuple(package.iter_parts()))  # noqa: SLF001
    archive = _PictureStoringZip(buffer)
    writer._write_content_types_stream(archive)  # type: ignore[arg-type]  # noqa: SLF001
    writer._write_pkg_rels(archive)  # type: ignore[arg-type]  # noqa: SLF001
    writer._write_parts(archive)  # type: ignore[arg-type]  # noqa: SLF001
    archive.close()
    return buffer.getvalue()


def docx_bytes_of(document) -> bytes:  # noqa: ANN001 — a python-docx Document
    """What ``document.save`` writes, with the pictures stored."""
    from docx.opc.pkgwriter import PackageWriter

    package = document.part.package
    for part in package.parts:
        part.before_marshal()  # as OpcPackage.save does first
    buffer = io.BytesIO()
    archive = _PictureStoringZip(buffer)
    PackageWriter._write_content_types_stream(archive, package.parts)  # noqa: SLF001
    PackageWriter._write_pkg_rels(archive, package.rels)  # noqa: SLF001
    PackageWriter._write_parts(archive, package.parts)  # type: ignore[arg-type]  # noqa: SLF001
    archive.close()
    return buffer.getvalue()
