"""Every piece of text a rendered SVG picture writes, as a box in the picture's px: where Plotly put it (its own
``x``/``y`` and each enclosing group's ``translate``), as wide as ``label_width`` estimates and as tall as its type."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from oversight.charts.style import label_width

_SVG = "{http://www.w3.org/2000/svg}"
_TRANSLATE = re.compile(r"translate\(\s*([-\d.e]+)(?:[ ,]+([-\d.e]+))?\s*\)")
_TURNED = re.compile(r"rotate\(\s*-?90\b")  # a value axis's title, written upwards
_ASCENT, _DESCENT = 0.8, 0.25  # of the type's size, above and below a line's baseline


@dataclass(frozen=True)
class Text:
    text: str
    kind: str  # the class of the group it is written in: ytick, xtick, textpoint, annotation-text …
    box: tuple[float, float, float, float]  # x0, y0, x1, y1, y downwards
    size: float = 0.0  # its type's px


def _shift(element: ET.Element) -> tuple[float, float]:
    found = _TRANSLATE.search(element.get("transform") or "")
    if not found:
        return 0.0, 0.0
    return float(found.group(1)), float(found.group(2) or 0)


def _size(element: ET.Element) -> float:
    found = re.search(r"font-size:\s*([\d.]+)px", element.get("style") or "")
    return float(found.group(1)) if found else 12.0


def _box(text: str, x: float, y: float, size: float, anchor: str) -> tuple[float, float, float, float]:
    width = label_width(text, size)
    left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    return (left, y - size * _ASCENT, left + width, y + size * _DESCENT)


def texts(svg: bytes | str) -> list[Text]:
    """Each line of text in ``svg`` (a ``tspan`` line of a text of several lines on its own)."""
    root = ET.fromstring(svg)
    found: list[Text] = []

    def walk(element: ET.Element, dx: float, dy: float, kind: str) -> None:
        sx, sy = _shift(element)
        dx, dy = dx + sx, dy + sy
        kind = (element.get("class") or kind).split()[0] if element.tag == f"{_SVG}g" else kind
        if element.tag == f"{_SVG}text":
            if _TURNED.search(element.get("transform") or ""):
                x, y = float(element.get("x") or 0), float(element.get("y") or 0)
                _, top, _, bottom = _box("".join(element.itertext()), 0, 0, _size(element), "middle")
                left, _, right, _ = _box("".join(element.itertext()), 0, 0, _size(element), "middle")
                # turned a quarter about (x, y): its length runs up the picture, its line across
                found.append(
                    Text(
                        "".join(element.itertext()),
                        kind,
                        (dx + x + top, dy + y + left, dx + x + bottom, dy + y + right),
                    )
                )
                return
            size, anchor = _size(element), element.get("text-anchor") or "start"
            x, y = float(element.get("x") or 0), float(element.get("y") or 0)
            if element.text and element.text.strip():
                found.append(Text(element.text, kind, _box(element.text, dx + x, dy + y, size, anchor), size))
            line = 0
            for part in element.iter(f"{_SVG}tspan"):
                if "line" in (part.get("class") or ""):
                    line += 1
                    own_x = float(part.get("x") or x)
                    lift = float((part.get("dy") or "0").removesuffix("em") or 0)
                    words = "".join(part.itertext())
                    if words.strip():
                        top = y + (line - 1) * 1.3 * size if lift == 0 else y + lift * size
                        found.append(Text(words, kind, _box(words, dx + own_x, dy + top, size, anchor), size))
            return
        for child in element:
            walk(child, dx, dy, kind)

    walk(root, 0.0, 0.0, "")
    return found


def overlapping(found: list[Text], gap: float, across: bool = False) -> list[tuple[Text, Text]]:
    """Every two texts whose boxes come closer than ``gap`` px (``across``: only two of different kinds, as a value
    label and a tick)."""
    pairs = []
    for at, one in enumerate(found):
        for other in found[at + 1 :]:
            if across and one.kind == other.kind:
                continue
            a, b = one.box, other.box
            if a[0] < b[2] + gap and b[0] < a[2] + gap and a[1] < b[3] + gap and b[1] < a[3] + gap:
                pairs.append((one, other))
    return pairs
