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
