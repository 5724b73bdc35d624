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

import re
from dataclasses import dataclass, field
from datetime import datetime

from oversight import config
from oversight.core import i18n
from oversight.core.drawn_width import drawn_em

_OFF = {"0", "off", "no", "false"}
# A light grey that stays readable on white and on the charts' pale fills without hiding anything.
WATERMARK_RGB = (0x9A, 0xA5, 0xB1)
WATERMARK_OPACITY = 0.16
MARKING_RGB = (0xB3, 0x26, 0x1E)
# The watermark's time is Beijing time (``config.team_now``, as the audit lines): said so, or a file read abroad, or by
# someone who knows the server's clock runs in UTC, showed anyone's 09:30. UTC+8 (3.3 em) keeps the time's line within
# the name's bound (11.1 em of 11.5) in a slide's box; 北京时间 (4.2 em with its space) would not, at 12.1 em.
ZONE = "UTC+8"
_STAMP = re.compile(rf"\d{{4}}-\d{{2}}-\d{{2}} \d{{2}}:\d{{2}}(?: {re.escape(ZONE)})?$")  # as ``for_viewer`` writes it
# How wide an account's name the watermark draws, in ems of its font: a slide's watermark box (3.5 in less its
# insets, at 20 pt) holds about 11.9. A 64-character name wrapped into four lines of a slide's watermark and shrank
# the Word one to a thread; a bound of 20 characters still let 20 wide letters (WWW…, or 20 Chinese characters, 17.6
# and 20 em) run past the slide's box and into the picture's next copy. Measured by drawn width, the name and the
# time stay one line each in every export and on screen. A wider name is drawn as its start, an ellipsis and its end
# (at most 7 characters, 4 em): the start and the end (an e-mail-like name's domain) tell accounts apart, the minute
# beside it finds the download's audit line, and that line keeps the whole watermark. Names are not limited at
# creation instead: existing users files hold longer ones, and an office's naming scheme is its own.
WATERMARK_VIEWER_EM = 11.5
_VIEWER_TAIL_CHARACTERS, _VIEWER_TAIL_EM = 7, 4.0


@dataclass(frozen=True)
class Marking:
    """``label``: the confidentiality marking ("" = none); ``watermark``: viewer and time as drawn ("" = none);
    ``watermark_in_full``: the same with the viewer's whole name, where the drawn one shortened it ("" = as drawn)."""

    label: str = ""
    watermark: str = ""
    # when the export was made (the watermark's minute): a document's created and modified dates; not part of what
    # the marking says, so two markings of the same words are equal
    made_at: datetime | None = field(default=None, compare=False)
    watermark_in_full: str = ""

    @property
    def empty(self) -> bool:
        return not (self.label or self.watermark)

    @property
    def audit_details(self) -> dict[str, str]:
        """What a download's audit line says the file carries: nothing for a file without marking or watermark. The
        watermark in full, and as drawn beside it where the drawing shortened the name (so the text read off a
        leaked file is found in the log as it is)."""
        if self.empty:
            return {}
        if self.watermark_in_full and self.watermark_in_full != self.watermark:
            return {"marking": self.label, "watermark": self.watermark_in_full, "watermark_shown": self.watermark}
        return {"marking": self.label, "watermark": self.watermark}

    @property
    def watermark_lines(self) -> list[str]:
        """The watermark as the lines a narrow box sets it in: the viewer, then the date and time whole (a box that
        wrapped it where it liked cut the stamp into "This computer 2026-12-" and "02 13:02")."""
        stamp = _STAMP.search(self.watermark)
        if stamp is None or not self.watermark[: stamp.start()].strip():
            return [self.watermark] if self.watermark else []
        return [self.watermark[: stamp.start()].strip(), stamp.group()]


NO_MARKING = Marking()


def marking_label(lang: str) -> str:
    configured = config.setting_as_set("OVERSIGHT_MARKING")
    if configured is not None:
        return configured.strip()
    return i18n.t("marking.default", lang)


def watermark_enabled() -> bool:
    return (config.setting("OVERSIGHT_WATERMARK") or "on").strip().lower() not in _OFF


def viewer_name(username: str | None, local_mode: bool, lang: str) -> str:
    """The account's name, or 本机 / "this computer" in local mode (there is no account to name)."""
    if local_mode or not username:
        return i18n.t("marking.local_viewer", lang)
    return username


def drawn_viewer(name: str) -> str:
    """The viewer's name as the watermark draws it: whole up to ``WATERMARK_VIEWER_EM`` ems wide, else its start, an
    ellipsis and its end, together no wider."""
    if drawn_em(name) <= WATERMARK_VIEWER_EM:
        return name
    tail = ""
    for ch in reversed(name):
        if len(tail) == _VIEWER_TAIL_CHARACTERS or drawn_em(ch + tail) > _VIEWER_TAIL_EM:
            break
        tail = ch + tail
    room = WATERMARK_VIEWER_EM - drawn_em("…" + tail)
    head = ""
    for ch in name:
        if drawn_em(head + ch) > room:
            break
        head += ch
    return f"{head}…{tail}"


def for_viewer(username: str | None, local_mode: bool, lang: str, moment: datetime | None = None) -> Marking:
    """The marking and watermark for one viewer now (to the minute, Beijing time as the audit line, and saying so),
    as configured."""
    moment = moment or config.team_now()
    watermark = in_full = ""
    if watermark_enabled():
        viewer, time = viewer_name(username, local_mode, lang), f"{moment:%Y-%m-%d %H:%M} {ZONE}"
        watermark = i18n.t("marking.watermark", lang, viewer=drawn_viewer(viewer), time=time)
        in_full = i18n.t("marking.watermark", lang, viewer=viewer, time=time)
    made_at = moment.replace(second=0, microsecond=0)
    return Marking(marking_label(lang), watermark, made_at, in_full if in_full != watermark else "")


def css_rgba(rgb: tuple[int, int, int], alpha: float) -> str:
    return f"rgba({rgb[0]},{rgb[1]},{rgb[2]},{alpha})"


def hex_colour(rgb: tuple[int, int, int]) -> str:
    return "{:02X}{:02X}{:02X}".format(*rgb)


# Where the screen's watermark copies sit (percent of the window): a screenshot of any part carries one.
_SCREEN_SPOTS = [(left, top) for top in (12, 42, 72) for left in (4, 36, 68)]


def screen_overlay_html(marking: Marking) -> str:
    """The marking (top right) and the watermark (tiled over the window) as HTML for the page: fixed, pale,
    and transparent to clicks, so they sit over everything without getting in the way. Text is escaped."""
    from html import escape

    if marking.empty:
        return ""
    parts = [
        "<style>",
        # in the band of Streamlit's header (3.75rem high; app.css gives it the page's background, so the page
        # scrolls beneath it), left of its menu, as a badge: never drawn over a card
        ".oversight-marking{position:fixed;top:0.9rem;right:3.8rem;z-index:999991;pointer-events:none;",
        "background:var(--oversight-page-background,Canvas);border:1px solid currentColor;border-radius:0.3rem;",
        "padding:0.1rem 0.55rem;",
        "line-height:1.35rem;white-space:nowrap;",
        f"color:{css_rgba(MARKING_RGB, 1)};font-weight:600;font-size:0.85rem}}",
        ".oversight-watermark{position:fixed;top:0;left:0;width:100vw;height:100vh;z-index:999990;",
        "pointer-events:none;overflow:hidden}",
        ".oversight-watermark span{position:absolute;transform:rotate(-25deg);white-space:nowrap;",
        f"user-select:none;font-size:1.1rem;color:{css_rgba(WATERMARK_RGB, WATERMARK_OPACITY)}}}",
        "</style>",
    ]
    if marking.watermark:
        spans = "".join(
            f'<span style="left:{left}%;top:{top}%">{escape(marking.watermark)}</span>' for left, top in _SCREEN_SPOTS
        )
        parts.append(f'<div class="oversight-watermark" aria-hidden="true">{spans}</div>')
    if marking.label:
        parts.append(f'<div class="oversight-marking">{escape(marking.label)}</div>')
    return "".join(parts)
