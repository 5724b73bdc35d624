"""The charts go into the PDF as they are, instead of being encoded a second time by Chromium's PDF writer.

Chromium writes each ``<img>`` of a printed page as an image of the PDF, decoding the PNG and deflating its
pixels again: for the full pack's 18 charts that was about 0.4 s of the print, as much again as the rest of
the page. So the report is printed with a tiny placeholder in each chart's place (the page keeps the chart's
size and proportions), and each placeholder's image object is then replaced, in an incremental update, by
the chart's own pixels, prepared in Python while Chromium prints. A page draws an image object stretched to
its box whatever the object's pixel size, so the page itself is unchanged.

A placeholder is a 2×1 picture whose colours spell its number: the printed file is searched for those, and
if any is missing (a browser that drew one differently) the caller prints the inlined page instead.
"""

from __future__ import annotations

import base64
import io
import re
import zlib
from dataclasses import dataclass

from PIL import Image

from oversight.briefing.pdf_update import IndirectObject, append_update

_MARK = 0x4F  # the placeholder's fixed colour channel: together with the number, unlikely in anything else
# zlib's level 3, not its default 6: a chart's flat colours deflate almost as well (about 17% larger) in a
# fifth of the time, which is per chart CPU taken from the slides and the Word report being made meanwhile
_LEVEL = 3


@dataclass(frozen=True)
class PreparedImage:
    """A chart's pixels as an image object's stream: RGB, deflated, on white where the PNG was transparent."""

    width: int
    height: int
    data: bytes


def placeholder_uri(number: int) -> str:
    """The data URI of the placeholder for the ``number``-th chart (0-based, fewer than 65 536)."""
    picture = Image.new("RGB", (2, 1))
    picture.putpixel((0, 0), (_MARK, number >> 8, number & 0xFF))
    picture.putpixel((1, 0), (number & 0xFF, number >> 8, _MARK))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _number_of(pixels: bytes) -> int | None:
    if len(pixels) != 6 or pixels[0] != _MARK or pixels[5] != _MARK or pixels[1:3] != pixels[4:2:-1]:
        return None
    return pixels[1] << 8 | pixels[2]


def prepare(png: bytes) -> PreparedImage:
    """The PNG's pixels as the PDF wants them (PIL and zlib release the GIL: this runs beside the print)."""
    with Image.open(io.BytesIO(png)) as picture:
        picture.load()
        rgb: Image.Image = picture
        if picture.mode == "RGBA" and picture.getchannel("A").getextrema() == (255, 255):
            rgb = picture.convert("RGB")  # opaque (kaleido's charts, on white paper): the alpha is just dropped
        elif picture.mode != "RGB":
            # a chart's paper is white and opaque; anything transparent would show the white page anyway
            rgb = Image.new("RGB", picture.size, (255, 255, 255))
            rgb.paste(picture, mask=picture.convert("RGBA").getchannel("A"))
        return PreparedImage(rgb.width, rgb.height, zlib.compress(rgb.tobytes(), _LEVEL))


# Chromium (Skia) writes an image as an object of its own with the dictionary on the lines after "N G obj". The
# dictionary stays within its object: a stream-less object just before (the ExtGState of a picture drawn with
# transparency, "97 0 obj <</CA 1 …>> endobj") matched as the start of the next one's dictionary, and the chart
# was written over that graphics state, the placeholder left in the page.
_IN_DICTIONARY = rb"(?:(?!>>\s*stream|endobj).)"
_IMAGE_OBJECT = re.compile(
    rb"(\d+) (\d+) obj\s*<<(?P<dict>"
    + _IN_DICTIONARY
    + rb"{0,400}?/Subtype\s*/Image"
    + _IN_DICTIONARY
    + rb"{0,400}?)>>"
    rb"\s*stream\r?\n",
    re.S,
)
_LENGTH = re.compile(rb"/Length\s+(\d+)(?!\s+\d+\s+R)")
_COLOUR_SPACE = re.compile(rb"/ColorSpace\s*(\[[^\]]*\]|/\w+)")


def _placeholders(pdf: bytes) -> dict[int, tuple[IndirectObject, bytes]]:
    """Chart number → (the placeholder's object, its colour space) for every placeholder image in ``pdf``."""
    found: dict[int, tuple[IndirectObject, bytes]] = {}
    for match in _IMAGE_OBJECT.finditer(pdf):
        dictionary = match.group("dict")
        if not (re.search(rb"/Width\s+2\b", dictionary) and re.search(rb"/Height\s+1\b", dictionary)):
            continue
        length, colour_space = _LENGTH.search(dictionary), _COLOUR_SPACE.search(dictionary)
        if length is None or colour_space is None or b"/FlateDecode" not in dictionary:
            continue
        stream = pdf[match.end() : match.end() + int(length.group(1))]
        try:
            number = _number_of(zlib.decompress(stream))
        except zlib.error:
            continue
        if number is not None:
            found[number] = (IndirectObject(int(match.group(1)), int(match.group(2))), colour_space.group(1))
    return found


def place_images(pdf: bytes, images: list[PreparedImage]) -> bytes | None:
    """``pdf`` with placeholder number i replaced by ``images[i]``; None when the placeholders are not all there."""
    found = _placeholders(pdf)
    if set(found) != set(range(len(images))):
        return None
    objects = {}
    for number, image in enumerate(images):
        reference, colour_space = found[number]
        dictionary = (
            f"/Type /XObject /Subtype /Image /Width {image.width} /Height {image.height} /ColorSpace ".encode()
            + colour_space
            + b" /BitsPerComponent 8 /Filter /FlateDecode"
        )
        objects[reference] = (dictionary, image.data)
    return append_update(pdf, objects)
