"""The printed PDF's page furniture marked as artifacts, which a screen reader and a tagged-PDF checker skip.

Chromium tags what the page's HTML holds, but draws the ``@page`` margin boxes (the marking 内部资料 注意保存 and the
page's number) and the fixed watermark as content outside any marked-content sequence: neither tagged nor an
artifact, which PDF/UA forbids, and a screen reader read "Internal — handle with care, Page 3" into the text. Each
top-level ``q … Q`` block of a page's content that holds no tagged content is wrapped in
``/Artifact <</Type /Pagination>> BDC … EMC``, written as an incremental update (``pdf_update``).
"""

from __future__ import annotations

import io
import re
import zlib

from oversight.briefing.pdf_update import IndirectObject, append_update, quiet_pypdf

# tagged content: a sequence the structure tree points at by its MCID (a /Span of ActualText alone is not: Chromium
# writes one round 页 of the page's number)
_TAGGED = re.compile(rb"/MCID\s+\d+")
_OPEN, _CLOSE = b"/Artifact <</Type /Pagination>> BDC", b"EMC"


def furniture_marked(content: bytes) -> bytes | None:
    """``content`` (a page's decoded content stream) with each unmarked top-level block wrapped as an artifact, or
    None when there is none (left as written)."""
    lines = content.split(b"\n")
    out: list[bytes] = []
    depth, block, changed = 0, [], False
    for line in lines:
        stripped = line.strip()
        if depth == 0 and stripped != b"q":
            out.append(line)
            continue
        block.append(line)
        depth += 1 if stripped == b"q" else -1 if stripped == b"Q" else 0
        if depth == 0:
            if any(_TAGGED.search(part) for part in block):
                out += block
            else:
                out += [_OPEN, *block, _CLOSE]
                changed = True
            block = []
    if depth != 0:  # unbalanced: not a stream as Chromium writes it, left alone
        return None
    return b"\n".join(out) if changed else None


_CONTENTS = re.compile(rb"/Contents\s+(\d+)\s+(\d+)\s+R")


def mark_furniture(pdf: bytes) -> bytes:
    """The PDF with each page's furniture an artifact; unchanged if pypdf is not installed."""
    try:
        from pypdf import PdfReader
        from pypdf.generic import IndirectObject as PdfReference
        from pypdf.generic import StreamObject
    except ImportError:
        return pdf
    with quiet_pypdf():
        reader = PdfReader(io.BytesIO(pdf))
        changed: dict[IndirectObject, tuple[bytes, bytes | None]] = {}
        for key in dict.fromkeys((int(n), int(g)) for n, g in _CONTENTS.findall(pdf)):
            stream = PdfReference(*key, reader).get_object()
            if not isinstance(stream, StreamObject):
                continue
            marked = furniture_marked(stream.get_data())
            if marked is not None:
                changed[IndirectObject(*key)] = (b"/Filter /FlateDecode", zlib.compress(marked))
        return append_update(pdf, changed, reader.trailer)
