"""How wide text is drawn in Noto Sans CJK SC, the font every chart, picture and watermark is drawn in (the first of
``style.FONT_FAMILY``; its own Latin letters draw an English chart too), in ems, never less than drawn.

Outside printable ASCII the font draws every character the product writes at most a square wide: Chinese, full-width
punctuation, and the characters Unicode calls of "ambiguous" width, which a Chinese font draws as Chinese (“ ” ‘ ’
· … × ÷ → √ ± ▸ ▲ ▼ ○ • at a square, — at 0.894). Counted as Latin letters (0.58 of a square) they were short by
up to 0.42 em each: a quoted English title, a unit cut with "…", a total with "▸". Measured with PIL's
``ImageFont.getlength`` (shaped, as Chromium shapes it: the two agree to 1/64 px) in
/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc (face 2, SC); tests/test_drawn_width.py measures again every
character and every text the product writes.
"""

from __future__ import annotations

# Drawn widths (thousandths of an em, rounded up) of the printable ASCII characters, space to ~: each one's advance and
# the most the font's kerning widens it by before any other ("r" before "y" +0.029, "f" before "}" +0.055; kerning
# mostly draws a pair closer, never counted), so that a text's sum is never short of what it draws
_ASCII_ADVANCE = (
    224, 323, 474, 555, 555, 921, 680, 278, 427, 338, 467, 555, 307, 347, 307, 421, 555, 555, 555, 555, 555, 555,
    555, 555, 555, 555, 282, 282, 555, 555, 555, 474, 946, 634, 657, 638, 688, 589, 556, 689, 728, 293, 535, 646,
    546, 812, 723, 742, 633, 742, 642, 611, 599, 721, 586, 878, 576, 531, 603, 427, 473, 338, 555, 559, 606, 563,
    625, 519, 620, 565, 399, 617, 607, 275, 275, 566, 293, 926, 610, 613, 627, 620, 417, 479, 393, 607, 521, 802,
    506, 521, 475, 427, 270, 338, 555,
)  # fmt: skip
OTHER_EM = 1.0  # any other character: the widest the font draws of them (a square)
# Outside ASCII, not a square: …, which the font kerns apart from Latin letters on either side ("a…" draws 1.622 em,
# not 0.563 + 1), and the no-break space that keeps a quarter's tick together (a space's width, not a square)
_NOT_A_SQUARE = {"…": 1.161, "\xa0": 0.224}


def drawn_em(text: str, ascii_em: float | None = None) -> float:
    """How wide ``text`` is drawn, in ems: each printable ASCII character at its advance in Noto Sans CJK SC ("W"
    0.878, "i" 0.275, each with the most kerning widens it), or at ``ascii_em`` where given (the share of a square a
    caller reckons for a document's other Latin font), and every other character a square (… a little more)."""
    return sum(
        (_ASCII_ADVANCE[ord(ch) - 32] / 1000 if ascii_em is None else ascii_em)
        if " " <= ch <= "~"
        else _NOT_A_SQUARE.get(ch, OTHER_EM)
        for ch in text
    )


# A document's bold Latin text where its Arial is missing (LibreOffice and WPS on Linux): fontconfig draws it in DejaVu
# Sans Bold, a fifth wider than the charts' font (a slide title sized by drawn_em wrapped into the red rule under it).
# Thousandths of an em, rounded up: DejaVu Sans Bold's advances (PIL, no kerning widens a pair), or Arial Bold's where
# it is the wider ("?" 611, "J" 556, "_" 556), so that a title sized by them fits whichever font draws it.
_BOLD_ADVANCE = (
    348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696, 696, 696, 696,
    696, 696, 696, 696, 400, 400, 838, 838, 838, 611, 1000, 775, 762, 735, 831, 683, 683, 821, 837, 372, 556, 775,
    637, 995, 837, 851, 734, 851, 771, 720, 683, 812, 774, 1103, 771, 724, 725, 457, 365, 457, 838, 556, 500, 675,
    716, 593, 716, 678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687, 716, 716, 493, 595, 478, 712, 652, 924,
    645, 652, 582, 712, 365, 712, 838,
)  # fmt: skip


def bold_document_em(text: str) -> float:
    """How wide ``text`` is drawn in a document's bold type (Arial Bold, or DejaVu Sans Bold for it), in ems, never
    less: each printable ASCII character at ``_BOLD_ADVANCE``, a no-break space as a space (a quarter's, "2019 Q1":
    drawn_em's 0.224 is the charts' font's), every other one as ``drawn_em`` counts it."""
    return sum(
        _BOLD_ADVANCE[ord(ch) - 32] / 1000 if " " <= ch <= "~" else drawn_em(ch) for ch in text.replace("\xa0", " ")
    )
