"""How colours look to a reader with a colour-vision deficiency, and how far apart two colours are, written out here
so the chart tests do not take the app's word for it.

Simulation: Machado, Oliveira & Fernandes (2009), "A Physiologically-based Model for Simulation of Color Vision
Deficiency", the matrices of severity 1.0 (full dichromacy), applied to linear-light RGB as the paper models cone
responses (an sRGB colour is linearised, multiplied, clipped and encoded again). Distance: CIEDE2000 (CIE 142-2001)
in CIELAB under D65.
"""

from __future__ import annotations

import math

MACHADO_2009 = {
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
    "tritanopia": (
        (1.255528, -0.076749, -0.178779),
        (-0.078411, 0.930809, 0.147602),
        (0.004733, 0.691367, 0.303900),
    ),
}
VISIONS = ("normal", *MACHADO_2009)


def _to_linear(channel: float) -> float:
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def _to_srgb(channel: float) -> float:
    channel = min(1.0, max(0.0, channel))
    return channel * 12.92 if channel <= 0.0031308 else 1.055 * channel ** (1 / 2.4) - 0.055


def _channels(colour: str) -> tuple[float, float, float]:
    text = colour.lstrip("#")
    red, green, blue = (int(text[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return red, green, blue


def simulate(colour: str, vision: str) -> str:
    """``colour`` (``#RRGGBB``) as a reader with ``vision`` sees it, as ``#RRGGBB``."""
    if vision == "normal":
        return colour.upper()
    linear = [_to_linear(c) for c in _channels(colour)]
    seen = [sum(m * c for m, c in zip(row, linear)) for row in MACHADO_2009[vision]]
    return "#" + "".join(f"{round(_to_srgb(c) * 255):02X}" for c in seen)


def lab(colour: str) -> tuple[float, float, float]:
    """CIELAB (D65) of an sRGB ``#RRGGBB``."""
    r, g, b = (_to_linear(c) for c in _channels(colour))
    x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def delta_e_2000(one: str, other: str) -> float:
    """CIEDE2000 colour difference of two ``#RRGGBB`` colours (about 2.3 is a just noticeable difference)."""
    return delta_e_2000_lab(lab(one), lab(other))


def delta_e_2000_lab(one: tuple[float, float, float], other: tuple[float, float, float]) -> float:
    """CIEDE2000 of two CIELAB colours (Sharma, Wu & Dalal 2005's formulation; their test pairs in
    ``test_chart_colour_vision``)."""
    l1, a1, b1 = one
    l2, a2, b2 = other
    c1, c2 = math.hypot(a1, b1), math.hypot(a2, b2)
    c_mean = (c1 + c2) / 2
    g = 0.5 * (1 - math.sqrt(c_mean**7 / (c_mean**7 + 25**7)))
    a1p, a2p = a1 * (1 + g), a2 * (1 + g)
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360
    h2p = math.degrees(math.atan2(b2, a2p)) % 360
    dlp, dcp = l2 - l1, c2p - c1p
    dhp = 0.0
    if c1p * c2p:
        dhp = h2p - h1p
        dhp -= 360 if dhp > 180 else 0
        dhp += 360 if dhp < -180 else 0
    dHp = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dhp / 2))
    lp_mean, cp_mean = (l1 + l2) / 2, (c1p + c2p) / 2
    hp_mean = h1p + h2p
    if c1p * c2p:
        if abs(h1p - h2p) <= 180:
            hp_mean = (h1p + h2p) / 2
        else:
            hp_mean = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(hp_mean - 30))
        + 0.24 * math.cos(math.radians(2 * hp_mean))
        + 0.32 * math.cos(math.radians(3 * hp_mean + 6))
        - 0.20 * math.cos(math.radians(4 * hp_mean - 63))
    )
    d_theta = 30 * math.exp(-(((hp_mean - 275) / 25) ** 2))
    r_c = 2 * math.sqrt(cp_mean**7 / (cp_mean**7 + 25**7))
    s_l = 1 + 0.015 * (lp_mean - 50) ** 2 / math.sqrt(20 + (lp_mean - 50) ** 2)
    s_c = 1 + 0.045 * cp_mean
    s_h = 1 + 0.015 * cp_mean * t
    r_t = -math.sin(math.radians(2 * d_theta)) * r_c
    return math.sqrt((dlp / s_l) ** 2 + (dcp / s_c) ** 2 + (dHp / s_h) ** 2 + r_t * (dcp / s_c) * (dHp / s_h))


def least_difference(one: str, other: str) -> tuple[float, str]:
    """The smallest CIEDE2000 difference of two colours over normal vision and the three dichromacies, and under
    which vision it falls."""
    return min((delta_e_2000(simulate(one, vision), simulate(other, vision)), vision) for vision in VISIONS)
