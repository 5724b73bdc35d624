"""How every figure is rounded and written: half up (9 of 16 is 56.3%, as a leader rounds it), one helper.

Cards, chart labels, tables, the written summary, takeaways and exports all format through here, so the
same value never reads 31.2 in one place and 31.3 in another.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal


def is_missing(value: object) -> bool:
    """None, NaN or pandas' NA: a value that is not known (never to be shown as 0 or "NaN")."""
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN is the one value unequal to itself
    except TypeError:  # pandas.NA refuses to be a bool
        return True


# Significant digits a figure is taken to before it is rounded: arithmetic in binary floating point leaves
# noise in the 16th or 17th (23 / 80 * 100 is 28.749999999999996, 695 / 60 - 1325 / 60 is -10.499999999999998),
# which rounded as it is gives 28.7 where a leader dividing by hand gets 28.8. Twelve keeps every figure this
# dashboard shows (counts of at most millions, to one or two places) and drops the noise. A difference carries the
# noise of what was subtracted, not its own: 122,884 minutes less 122,881 in hours is 0.04999999999927 (the 2,048
# hours' noise), which twelve digits of 0.05 keep and round to 0.0 — so no figure is taken past nine decimal places
# either (the noise of a figure under a million is below 5e-10; no average, rate or change this dashboard takes
# lies that near a half without being one).
_SIGNIFICANT_DIGITS = 12
_DECIMAL_PLACES = Decimal("1e-9")


def _without_noise(value: float) -> Decimal:
    """``value`` to twelve significant digits and at most nine decimal places, whichever is coarser."""
    exact = Decimal(f"{value:.{_SIGNIFICANT_DIGITS}g}")
    if exact.is_finite() and exact.as_tuple().exponent < _DECIMAL_PLACES.as_tuple().exponent:  # type: ignore[operator]
        return exact.quantize(_DECIMAL_PLACES, rounding=ROUND_HALF_UP)
    return exact


def round_half_up(value: float | Decimal, digits: int = 1) -> Decimal:
    """``round_half_up(56.25) == Decimal("56.3")``; Python's own rounding gives 56.2. ``28.749999999999996`` (23 of
    80 in percent, as floating point computes it) is 28.75 and so 28.8. Never a negative zero."""
    exact = value if isinstance(value, Decimal) else _without_noise(float(value))
    rounded = exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return rounded.copy_abs() if rounded == 0 else rounded


def fixed(value: float | Decimal | None, digits: int = 1, *, grouping: bool = False, missing: str = "") -> str:
    """``73.25`` → ``"73.3"``; whole numbers when ``digits`` is 0; ``missing`` for an unknown value."""
    if is_missing(value):
        return missing
    rounded = round_half_up(value, digits)  # type: ignore[arg-type]
    return f"{rounded:,}" if grouping else str(rounded)


def plain(value: float | Decimal, digits: int = 1, *, grouping: bool = False) -> str:
    """Rounded half up, without a trailing ``.0`` (``74.0`` → ``74``, ``73.25`` → ``73.3``; ``1,234.5`` with
    ``grouping``)."""
    text = fixed(value, digits, grouping=grouping)
    return text[: -(digits + 1)] if digits and text.endswith("." + "0" * digits) else text


def grouped(count: float | Decimal | None) -> str:
    """A count as the cards write it, grouped in thousands: ``7220`` → ``"7,220"`` (a list's "共7220条" beside a
    card's 7,220 read as two figures). For counts only: a year, a quarter, an id or a row number is never grouped.
    An unknown count is "" (as ``fixed`` writes it), never "None"."""
    return "" if count is None else plain(count, 0, grouping=True)


def signed(value: float | None, digits: int = 1, suffix: str = "") -> str | None:
    """``+45.5%`` / ``-32.0%`` / ``0.0%`` (no sign on zero, never ``+-0.0``); None for an unknown value."""
    if is_missing(value):
        return None
    rounded = round_half_up(value, digits)  # type: ignore[arg-type]
    sign = "+" if rounded > 0 else ""
    return f"{sign}{rounded}{suffix}"


def signed_plain(value: float | None, digits: int = 1, suffix: str = "") -> str | None:
    """``signed`` without a trailing ``.0``, for a change written in its figure's own unit as the figure is written
    (``-37分钟`` beside ``74.7分钟``): the card read -37.0分钟 where the summary said 缩短37分钟."""
    text = signed(value, digits)
    if text is None:
        return None
    zeros = "." + "0" * digits
    return (text[: -len(zeros)] if digits and text.endswith(zeros) else text) + suffix


def percent_change(now: float | None, before: float | None) -> float | None:
    """The change in percent; None where the earlier value is unknown or zero (a change from 0 has no percent)."""
    if is_missing(now) or is_missing(before) or before == 0:
        return None
    return (now - before) / before * 100  # type: ignore[operator]


def rate(part: float | None, whole: float | None) -> float | None:
    """``part`` of ``whole`` in percent; None where the whole is zero or unknown."""
    if is_missing(whole) or not whole:
        return None
    return (0 if is_missing(part) else part) / whole * 100  # type: ignore[operator]


def share_values(values: Sequence[float], digits: int = 1) -> list[Decimal | None]:
    """Each value's share of the total, in percent, rounded half up; None where unknown or the total is zero."""
    total = sum(v for v in values if not is_missing(v))
    return [round_half_up(v / total * 100, digits) if total and not is_missing(v) else None for v in values]


def shares(values: Sequence[float], digits: int = 1) -> list[str]:
    """``share_values`` as donut labels: ``["33.3%", …]`` ("" for none)."""
    return ["" if share is None else f"{share}%" for share in share_values(values, digits)]
