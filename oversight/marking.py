"""The confidentiality marking and the viewer's watermark that go on the screen and on every export.

Discipline-inspection figures are internal work material. Every image and document carries a marking
(default 内部资料 注意保存) and a light diagonal watermark naming who took it and when, so a leaked
screenshot or file can be traced; the download's audit line records the same watermark text.

Configuration (environment):
- ``OVERSIGHT_MARKING``: the marking's text, the same in both languages; unset = the translated default,
  empty = no marking.
- ``OVERSIGHT_WATERMARK``: ``off`` (or ``0``, ``no``, ``false``) leaves the watermark out; on by default.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime

from oversight import i18n

_OFF = {"0", "off", "no", "false"}
# A light grey that stays readable on white and on the charts' pale fills without hiding anything.
WATERMARK_RGB = (0x9A, 0xA5, 0xB1)
WATERMARK_OPACITY = 0.16
MARKING_RGB = (0xB3, 0x26, 0x1E)


@dataclass(frozen=True)
class Marking:
    """``label``: the confidentiality marking ("" = none); ``watermark``: viewer and time ("" = none)."""

    label: str = ""
    watermark: str = ""

    @property
    def empty(self) -> bool:
        return not (self.label or self.watermark)


NO_MARKING = Marking()


def marking_label(lang: str) -> str:
    configured = os.environ.get("OVERSIGHT_MARKING")
    if configured is not None:
        return configured.strip()
    return i18n.t("marking.default", lang)


def watermark_enabled() -> bool:
    return os.environ.get("OVERSIGHT_WATERMARK", "on").strip().lower() not in _OFF


def viewer_name(username: str | None, local_mode: bool, lang: str) -> str:
    """The account's name, or 本机 / "this computer" in local mode (there is no account to name)."""
    if local_mode or not username:
        return i18n.t("marking.local_viewer", lang)
    return username


def for_viewer(username: str | None, local_mode: bool, lang: str, moment: datetime | None = None) -> Marking:
    """The marking and watermark for one viewer now (to the minute), as configured."""
    moment = moment or datetime.now()
    watermark = ""
    if watermark_enabled():
        watermark = i18n.t("marking.watermark", lang, viewer=viewer_name(username, local_mode, lang),
                           time=moment.strftime("%Y-%m-%d %H:%M"))
    return Marking(marking_label(lang), watermark)


def css_rgba(rgb: tuple[int, int, int], alpha: float) -> str:
    return f"rgba({rgb[0]},{rgb[1]},{rgb[2]},{alpha})"


def hex_colour(rgb: tuple[int, int, int]) -> str:
    return "{:02X}{:02X}{:02X}".format(*rgb)
