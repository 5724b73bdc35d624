"""The PDF's document information as the Word report and the slides have theirs: its title and the team, and
when it was printed; not the printing browser's user agent (Chromium's "Mozilla/5.0 (X11; Linux x86_64) …
HeadlessChrome/…" as Creator, which names the server's system) nor its PDF library as Producer."""

from __future__ import annotations

import io

from oversight.briefing.pdf_update import IndirectObject, append_update, quiet_pypdf

_DATES = ("/CreationDate", "/ModDate")  # when Chromium printed it


def _text_string(text: str) -> bytes:
    """A PDF text string any reader decodes: UTF-16BE with its byte-order mark, as hex."""
    return b"<" + ("\ufeff" + text).encode("utf-16-be").hex().upper().encode() + b">"


def with_information(pdf: bytes, title: str, author: str) -> bytes:
    """``pdf`` whose information dictionary holds only ``title``, ``author`` and the printer's dates (an incremental
    update, as the pictures and the text maps); unchanged if the file has no information dictionary."""
    from pypdf import PdfReader

    with quiet_pypdf():
        reader = PdfReader(io.BytesIO(pdf))
        trailer = reader.trailer
        if "/Info" not in trailer:
            return pdf
        reference = trailer.raw_get("/Info")
        dates = {key: str(value) for key, value in reader.metadata.items() if key in _DATES} if reader.metadata else {}
    entries = [b"/Title " + _text_string(title), b"/Author " + _text_string(author)]
    entries += [key.encode() + b" (" + value.encode("ascii", "ignore") + b")" for key, value in dates.items()]
    return append_update(
        pdf, {IndirectObject(reference.idnum, reference.generation): (b" ".join(entries), None)}, trailer
    )
