"""What an export says about itself: file names, the subtitle line, and the modebar's download options.

A leader forwards these files; the name alone should say which chart it is
and which units and quarters it covers, and open on any Windows desktop.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from oversight.core import i18n
from oversight.data.filters import Filter
from oversight.export.marking import NO_MARKING, Marking

# Characters Windows forbids in file names, plus control characters.
_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_SPACES = re.compile(r"\s+")
# Punctuation a unit's or chart's name may carry that makes a file name awkward to type, quote or sort.
_NAME_PUNCTUATION = re.compile(r"[,，、;；'‘’“”()（）\[\]【】]")
_MAX_STEM = 120  # characters: leaves room for a folder path within Windows' 260-character limit
# UTF-8 bytes: Linux's file systems take 255 bytes a name, and 120 Chinese characters are 360; the rest is room for
# the extension, the ``.name.XXXXXXXX.tmp`` a file is written under before its rename, and a browser's " (1)"
_MAX_STEM_BYTES = 200
# A 16:9 slide at 1280×720 logical pixels, rendered at 2× for sharp projection; the modebar uses the same.
EXPORT_WIDTH = 1280
EXPORT_HEIGHT = 720
EXPORT_SCALE = 2
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def _clean(text: str) -> str:
    return _SPACES.sub("_", _FORBIDDEN.sub("", text)).strip("._ ")


def _cut(text: str, max_chars: int, max_bytes: int) -> str:
    """At most ``max_chars`` characters and ``max_bytes`` bytes of UTF-8, never half a character."""
    return text[: max(max_chars, 0)].encode("utf-8", "surrogatepass")[: max(max_bytes, 0)].decode("utf-8", "ignore")


def safe_file_name(stem: str, tail: str = "") -> str:
    """A file name stem (no extension) made safe for Windows and every other file system; spaces become ``_``.

    At most 120 characters and 200 bytes of UTF-8 (a name longer than 255 bytes cannot be written on Linux). ``tail``
    (the quarters, ``2020Q1-2020Q4``) follows ``_`` and is kept whole: a long stem is cut before it, so the name
    still says which quarters it covers.
    """
    kept = _cut(_clean(tail), _MAX_STEM, _MAX_STEM_BYTES)
    used = (len(kept) + 1, len(kept.encode("utf-8")) + 1) if kept else (0, 0)  # the tail and its "_"
    head = _cut(_clean(stem), _MAX_STEM - used[0], _MAX_STEM_BYTES - used[1]).rstrip("._ ")
    cleaned = "_".join(part for part in (head, kept) if part) or "export"
    # Windows also refuses names ending in a dot or space (stripped above) and device names such as CON.
    return f"{cleaned}_" if cleaned.upper() in _RESERVED else cleaned


def period_code(filter_: Filter) -> str:
    """``2020Q1-2020Q4``, or ``2020Q3`` for a single quarter: short, sortable, the same in both languages."""
    return str(filter_.start) if filter_.start == filter_.end else f"{filter_.start}-{filter_.end}"


@dataclass(frozen=True)
class ExportContext:
    """The filter, language and data date an export is made for, with the unit names to describe it."""

    lang: str
    filter: Filter
    unit_names: Mapping[str, str] = field(default_factory=dict)  # unit id → name in ``lang``
    data_date: date | None = None
    unit_count: int = 0  # how many units "all units" means
    marking: Marking = NO_MARKING  # the confidentiality marking and the viewer's watermark every export carries
    # unit id → the name a file name takes: in English the units sheet's short name (英文简称), as the charts name
    # units (supervision_briefing_Office_of_the_Provincial_Local_Chronicles_Compilation_Committee_2020Q3.pptx)
    file_names: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def build(
        cls, lang: str, filter_: Filter, units: pd.DataFrame, data_date: date | None, marking: Marking = NO_MARKING
    ) -> ExportContext:
        """From the ``units`` query's frame, as the pages and the briefing already hold it."""
        from oversight.charts.style import own_short_names

        names = dict(zip(units["unit_id"], units[i18n.localized_column("name", lang)]))
        # Chinese file names keep the full name (at most about 14 characters; 信访局 alone is not the unit's name)
        english = i18n.normalise_language(lang) == "en"
        short = dict(zip(units["unit_id"], own_short_names(units, lang))) if english else {}
        return cls(i18n.normalise_language(lang), filter_, names, data_date, len(names), marking, short)

    def t(self, key: str, **params: object) -> str:
        return i18n.t(key, self.lang, **params)

    @property
    def selected_names(self) -> list[str]:
        return [self.unit_names.get(unit, unit) for unit in self.filter.units]

    def scope_in_sentence(self) -> str:
        """The units as a sentence about the view names them, as the page's ``Page.scope_text`` does (README 口径说明,
        单位名称): in English each by its 英文简称, the name its bars and rows carry, with its article where a sentence
        needs one (``i18n.unit_in_sentence``); the full names are the cover's."""
        from oversight.present.summary import join_list

        if not self.filter.units:
            return self.scope()
        # listed as a sentence lists things ("the Counsellors' Office and Local Chronicles"), not as the cover does
        return join_list(
            [
                i18n.unit_in_sentence(self.file_names.get(unit) or self.unit_names.get(unit, unit), self.lang)
                for unit in self.filter.units
            ],
            self.lang,
        )

    def any_scope_in_sentence(self) -> str:
        """The units as a sentence saying none names them: every unit as any, not all ("No meetings for any of the 9
        units…", where "for all 9 units" said something else); chosen units as ``scope_in_sentence``."""
        if self.filter.units:
            return self.scope_in_sentence()
        return self.t("export.scope.any_unit", count=self.unit_count or len(self.unit_names))

    def empty_note(self, key: str) -> str:
        """What an empty chart says in its place, in the page's words (``Page.in_view``): whose and when it is empty."""
        return self.t(
            key,
            scope=self.scope_in_sentence(),
            any_scope=self.any_scope_in_sentence(),
            period=self.period(),
            in_period=i18n.span_in_sentence(self.filter, self.lang),
        )

    def scope(self) -> str:
        """``全部9家综合监督单位`` or the selected units' names."""
        if not self.filter.units:
            return self.t("export.scope.all_units", count=self.unit_count or len(self.unit_names))
        return self.t("export.scope.separator").join(
            i18n.full_name_with_short(name, self.file_names.get(unit), self.lang)
            for unit, name in zip(self.filter.units, self.selected_names)
        )

    def period(self) -> str:
        """The quarters, with （截至8月14日） where the range runs past the data date, as the page's caption says: a
        pack said 2020年第3季度 over figures that stop on 14 August."""
        return i18n.span_label(self.filter, self.lang)

    def data_date_text(self) -> str:
        """The data date as the page's header writes it (2020年12月31日 / 31 December 2020): a picture or a slide
        saying 2020-12-31 beside a screen saying 2020年12月31日 read as two dates."""
        return self.date_text(self.data_date) if self.data_date else "—"

    def date_text(self, day: date) -> str:
        from oversight.present.summary import date_text

        return date_text(day, self.lang)

    def data_as_of(self) -> str:
        """数据截至2020年12月31日 / data as of 31 December 2020: the words the page's caption, a picture's subtitle, a
        slide's foot and the pack's cover all use."""
        return self.t("export.data_as_of", data_date=self.data_date_text())

    def subtitle(self) -> str:
        """The line under an exported chart's title: who, when, and how fresh the data is — or, at a link's day
        (``day=``), the day every figure is taken at in the page's words (各项数据截至所选日期2020年11月20日): the
        quarters' （截至11月20日） beside 数据截至2020年12月31日 named two days, and a picture has no note under it
        saying which one its figures stop at."""
        period, as_of = self.period(), self.data_as_of()
        if self.filter.is_at_chosen_day:
            period = i18n.period_label(self.filter.start, self.filter.end, self.lang)
            as_of = self.t("export.as_of_chosen_day", date=self.date_text(self.filter.as_of))
        text = self.t("export.subtitle", scope=self.scope(), period=period, data_as_of=as_of)
        return text[:1].upper() + text[1:]  # "all 9 units …" starts a line here: capitalise it (no effect on Chinese)

    def _scope_code(self) -> str:
        if not self.filter.units:
            return ""
        if len(self.filter.units) == 1:
            (unit,) = self.filter.units
            return self.file_names.get(unit) or self.selected_names[0]
        return self.t("export.file.units_count", count=len(self.filter.units))

    def _to_date_code(self) -> str:
        """``截至20200814`` where the range runs past the data date: a file holds nothing after that day, and a table
        without quarters (the units' meeting ranking) said so nowhere else."""
        return self.t("export.file.to_date", day=f"{self.filter.as_of:%Y%m%d}") if self.filter.is_to_date else ""

    def file_stem(self, what: str) -> str:
        """``问题与意见建议_按单位_2020Q1-2020Q4``: what it is, whose, which quarters (and the data date where they run past
        it: ``…_2020Q1-2020Q4_截至20200814``); no extension."""

        def joined(*parts: str) -> str:
            return "_".join(cleaned for part in parts if (cleaned := _NAME_PUNCTUATION.sub("", part)))

        # a long unit name is cut, never the quarters after it (a cut at 120 characters took them off the end)
        return safe_file_name(
            joined(what, self._scope_code()), tail=joined(period_code(self.filter), self._to_date_code())
        )

    def chart_file_stem(self, chart_key: str, chart_title: str) -> str:
        return self.named_file_stem(chart_key, chart_title)

    def named_file_stem(self, key: str, title: str) -> str:
        """A chart's or a table's file stem from its one name, ``export.file.<key>``, wherever it is downloaded: a
        page's table, the list behind a card and the briefing ZIP name the same list alike (the overdue issues were
        逾期未整改问题_… on the page and 逾期未整改问题清单_… in the ZIP). A chart or table added later without a
        name of its own still gets a readable one: its title."""
        name = f"export.file.{key}"
        return self.file_stem(self.t(name) if name in i18n.catalog(self.lang) else title)

    def chart_file_name(self, chart_key: str, chart_title: str, extension: str) -> str:
        return f"{self.chart_file_stem(chart_key, chart_title)}.{extension}"


# The modebar's camera saves a picture in the browser, past the marking, the watermark and the audit log:
# images leave through the chart's 下载 menu only. plotly.js 4 shows a "Share chart..." button unless told not to,
# which uploads the chart's data to Plotly's cloud: internal figures must never leave that way. Box and lasso
# selection select nothing here (a click is a chart's one gesture) and only dimmed the bars. Streamlit's
# st.plotly_chart removed the last three itself; our own chart element (oversight.ui.chart_view) has only this list.
MODEBAR_REMOVED = ["toImage", "sendChartToCloud", "select2d", "lasso2d"]


# What Plotly writes in English on a chart (the modebar's buttons, the note after a zoom or a legend click), by the
# key of its words in the page's language: Plotly looks each up in its config's ``locales`` dictionary
_PLOTLY_WORDS = {
    "Zoom": "modebar.zoom",
    "Pan": "modebar.pan",
    "Zoom in": "modebar.zoom_in",
    "Zoom out": "modebar.zoom_out",
    "Autoscale": "modebar.autoscale",
    "Reset axes": "modebar.reset_axes",
    "Double-click to zoom back out": "modebar.double_click_zoom_out",
    "Double-click on legend to isolate one trace": "modebar.double_click_legend",
}


def plotly_config(lang: str) -> dict[str, object]:
    """Every chart's ``config=`` on screen: no camera, no upload, no selection tools (see ``MODEBAR_REMOVED``); the
    others stay, named in ``lang`` (the Chinese page's modebar said "Zoom", "Pan", "Reset axes"). Nothing in it is
    the chart's own: with the camera gone no modebar button saves a file, so none takes a file name or a size."""
    # a locale of the app's own name, so that only its dictionary applies: numbers and dates keep Plotly's defaults
    # and the layout's separators
    locale = f"oversight-{i18n.normalise_language(lang)}"
    dictionary = {english: i18n.t(key, lang) for english, key in _PLOTLY_WORDS.items()}
    return {
        "displaylogo": False,
        "showSendToCloud": False,
        "modeBarButtonsToRemove": list(MODEBAR_REMOVED),
        "locale": locale,
        "locales": {locale: {"dictionary": dictionary}},
    }
