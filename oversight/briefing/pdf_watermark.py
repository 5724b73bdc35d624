"""The printed report's watermark as a picture: seen on every page, never part of the text a reader copies.

Drawn as text, the watermark's turned letters were text of the page too: ``pdftotext`` put its fragments between
the body's lines ("各单 / 202 / 位政治生态"), pypdf ran "leader1" into a heading, and a selection in a PDF viewer
copied them with the paragraph a leader meant to quote. A picture of the same words, in the same font, size, colour
and angle, is not selectable, searchable or extracted; the marking and the page numbers stay text in the page's
margins (a search for 内部资料 finds them), on lines of their own.

The picture is drawn with Pillow in Noto Sans CJK SC, the font the page itself prints in; without that font (a
machine without Debian's fonts-noto-cjk) the page keeps the watermark as text, as before: seen and traced, if
copied along.
"""

from __future__ import annotations

import functools
import io
import math
import shutil
import subprocess
from pathlib import Path

_NOTO_CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
_NOTO_SC_INDEX = 2  # the SC face of Debian's collection: JP, KR, SC, TC, HK
# 20 pt letters 55 px high: sharp in print and at a viewer's 200%. At 300 dpi drawing and turning them took 0.13 s
# (the report's page is written before it prints) and the picture held 45–77 kB; at 200, 0.06 s and 27–46 kB.
DOTS_PER_INCH = 200
LINE_HEIGHT = 1.6  # the page's own line height (the body's CSS)


@functools.cache
def _font_file() -> tuple[str, int] | None:
    """Noto Sans CJK SC's file and face index, or None where the machine has no such font."""
    if _NOTO_CJK.is_file():
        return str(_NOTO_CJK), _NOTO_SC_INDEX
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    try:
        found = subprocess.run(
            [fc_match, "-f", "%{file}\n%{index}\n%{family}", "Noto Sans CJK SC:lang=zh-cn"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout.split("\n")
    except (OSError, subprocess.SubprocessError):
        return None
    if len(found) < 3 or "Noto Sans CJK SC" not in found[2] or not Path(found[0]).is_file():
        return None
    return found[0], int(found[1] or 0)


def available() -> bool:
    try:
        import PIL  # noqa: F401 — python-pptx's own dependency
    except ImportError:
        return False
    return _font_file() is not None


@functools.lru_cache(maxsize=8)  # the pack's two pages (placeholders, inlined); a server's viewers and minutes
def watermark_png(lines: tuple[str, ...], size_pt: float, rgb: tuple[int, int, int], opacity: float, angle: float):
    """(PNG bytes, width pt, height pt): ``lines`` centred one under the other at ``size_pt`` and the page's line
    height, in ``rgb`` at ``opacity``, turned ``angle`` degrees anticlockwise, on a transparent ground."""
    from PIL import Image, ImageDraw, ImageFont

    found = _font_file()
    if found is None:
        raise RuntimeError("no Noto Sans CJK SC to draw the watermark with")
    scale = DOTS_PER_INCH / 72
    font = ImageFont.truetype(found[0], round(size_pt * scale), index=found[1])
    line_px = size_pt * LINE_HEIGHT * scale
    width = math.ceil(max(font.getlength(line) for line in lines)) + 4
    height = math.ceil(line_px * len(lines)) + 4
    mask = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(mask)
    for number, line in enumerate(lines):  # each line centred in its own line box, as the page sets text
        draw.text((width / 2, 2 + line_px * (number + 0.5)), line, fill=255, font=font, anchor="mm")
    mask = mask.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True)
    mask = mask.crop(mask.getbbox() or (0, 0, 1, 1))
    picture = Image.new("RGBA", mask.size, (*rgb, 0))
    picture.putalpha(mask.point(lambda value: round(value * opacity)))
    out = io.BytesIO()
    picture.save(out, format="PNG", compress_level=1)
    return out.getvalue(), mask.size[0] / scale, mask.size[1] / scale
