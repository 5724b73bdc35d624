"""What a page script holds after ``setup_page`` (``Page``), and the data it reads, cached per data fingerprint."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from oversight import alerts, ingest
from oversight.alerts import Digest
from oversight.alerts.configuration import Rules
from oversight.auth import roles, unit_scope
from oversight.core import i18n, safe_text
from oversight.data import queries, scoped, store
from oversight.data.filters import DataSpan, Filter
from oversight.export import marking, names
from oversight.ingest import checked_folder, table_files
from oversight.present.summary import join_list


@dataclass(frozen=True)
class Page:
    """What a page script needs after ``setup_page``: language, filter, and the data."""

    lang: str
    filter: Filter
    span: DataSpan
    folder: str
    fingerprint: str
    units: pd.DataFrame
    account: roles.Account
    # False while the audit log cannot take a line: no download is offered, since none could be recorded
    downloads_audited: bool = True

    def query(self, name: str, filter_: Filter | None = None) -> pd.DataFrame:
        """Every read goes through here, within the account's unit scope, whatever filter is asked for."""
        return cached_query(
            self.folder, self.fingerprint, name, filter_ or self.filter, (), self.account.scope.allowed_units
        )

    def query_with(self, name: str, **extra: object) -> pd.DataFrame:
        """A query with parameters beyond the filter (e.g. ``limit``), all bound, never spliced into SQL."""
        return cached_query(
            self.folder,
            self.fingerprint,
            name,
            self.filter,
            tuple(sorted(extra.items())),
            self.account.scope.allowed_units,
        )

    @property
    def scoped_filter(self) -> Filter:
        """The filter as the queries apply it (a unit account's "all units" is its own units)."""
        return unit_scope.scoped_filter(self.filter, self.account.scope)

    @property
    def sees_all_units(self) -> bool:
        return self.account.scope.unrestricted

    @property
    def can_download(self) -> bool:
        return roles.can_download(self.account) and self.downloads_audited

    def t(self, key: str, **params: object) -> str:
        # the screen's text: items side by side keep their dot off a line's start (safe_text.items_kept)
        return safe_text.items_kept(i18n.t(key, self.lang, **params))

    def period(self, filter_: Filter | None = None) -> str:
        return i18n.span_label(filter_ or self.filter, self.lang)

    @functools.cached_property
    def marking(self) -> marking.Marking:
        """The confidentiality marking and this viewer's watermark (name and time), for the screen and exports."""
        return marking.for_viewer(self.account.username, self.account.source == roles.LOCAL, self.lang)

    @functools.cached_property
    def export_context(self) -> names.ExportContext:
        # built once per page run, not once per chart card; with the filter as the queries apply it, so that a unit
        # account's lists and pictures name its unit, not "all 1 units"
        return names.ExportContext.build(self.lang, self.scoped_filter, self.units, self.span.last_day, self.marking)

    def year_on_year(self, name: str) -> tuple[pd.Series, pd.Series | None, str]:
        """A one-row query for the filter and for the same span a year earlier (同比; None where the data
        does not cover it, shown as 无可比数据), and that span's label."""
        earlier = self.span.year_earlier(self.filter)  # None where the data does not cover it
        label = self.period(self.filter.previous_year())
        return self.query(name).iloc[0], None if earlier is None else self.query(name, earlier).iloc[0], label

    def span_before(self, name: str) -> tuple[pd.Series | None, str | None]:
        """The one-row query for the span just before (环比; None where not covered) and its label; the label is
        None for a whole calendar year, whose span before is the year before (同比 already says it)."""
        before = self.filter.previous_span()
        if before.start == self.filter.start.shift(-4):
            return None, None
        earlier = self.span.span_before(self.filter)  # None where the data does not cover it
        return None if earlier is None else self.query(name, earlier).iloc[0], self.period(before)

    def unit_name(self, unit_id: str) -> str:
        row = self.units.loc[self.units["unit_id"] == unit_id].iloc[0]
        return row[i18n.localized_column("name", self.lang)]

    def unit_short_name(self, unit_id: str) -> str:
        """The unit's name where room is short: the units sheet's own short name (英文简称 in English, the first of
        its 简称 in Chinese: 大数据局 for 省政务服务和大数据管理局, which broke mid-word in a phone's column head), else
        the name."""
        row = self.units.loc[self.units["unit_id"] == unit_id].iloc[0]
        short = row.get(i18n.localized_column("short_name", self.lang))
        return short.strip() if isinstance(short, str) and short.strip() else self.unit_name(unit_id)

    def unit_label(self, unit_id: str) -> str:
        """The unit as a chip or a choice names it: in English its 英文简称, as the charts do (four full English names
        on a phone's unit profile took the whole first screen, three times over); in Chinese its name."""
        return self.unit_short_name(unit_id) if self.lang == "en" else self.unit_name(unit_id)

    def unit_labels_text(self, unit_ids: Sequence[str], in_sentence: bool = False) -> str:
        """``unit_label`` of each unit, listed for Markdown (escaped: names are data); ``in_sentence``: each as a
        sentence names it, with its article in English (``i18n.unit_in_sentence``)."""
        known = set(self.units["unit_id"])
        labels = [self.unit_label(u) for u in unit_ids if u in known]
        escaped = [safe_text.markdown(label) for label in labels]
        if in_sentence:
            # a sentence names them as a sentence lists things: "No reminders for the Counsellors' Office and Local
            # Chronicles in 2020 Q2", where it read "…Office, Local Chronicles in 2020 Q2" (Chinese: A、B all the same)
            return join_list([i18n.unit_in_sentence(label, self.lang) for label in escaped], self.lang)
        return i18n.listed(escaped, self.lang)

    def unit_names(self) -> dict[str, str]:
        """Each unit's id → its name in the page's language."""
        return dict(zip(self.units["unit_id"], self.units[i18n.localized_column("name", self.lang)]))

    def unit_names_text(self, unit_ids: Sequence[str]) -> str:
        """The units' names in a list for Markdown (escaped: names are data); ids not in the data are left out."""
        names = self.unit_names()
        return i18n.listed(
            (
                safe_text.markdown(i18n.full_name_with_short(names[u], self.unit_short_name(u), self.lang))
                for u in unit_ids
                if u in names
            ),
            self.lang,
        )

    def in_view(self, key: str) -> str:
        """``key``'s sentence naming the units and the period in view ({scope}, {period}; {count} units, for a
        ``.one`` variant; {as_of}, the day a list counted whenever raised is taken at): an empty chart or list says
        whose and when it is empty. "当前筛选条件下暂无数据" four times over a unit's quarter left a leader to work out
        which unit and quarter had nothing."""
        from oversight.present.summary import date_text

        shown_units = self.filter.units or (() if self.sees_all_units else tuple(self.span.unit_ids))
        count = len(shown_units) if shown_units else len(self.span.unit_ids)
        as_of = date_text(self.filter.as_of, self.lang)
        # each unit as a sentence names it ("No reminders for the General Office in 2020 Q4."), opening it capitalised
        scope = self.scope_text(in_sentence=True)
        # a sentence saying none ("No meetings for any of the 9 units…") names every unit as any, not all
        any_scope = scope if shown_units else self.t("app.any_unit", count=count)
        period, in_period = self.period(), i18n.span_in_sentence(self.filter, self.lang)
        return i18n.sentence_start(
            self.t(key, scope=scope, any_scope=any_scope, period=period, in_period=in_period, count=count, as_of=as_of)
        )

    def scope_text(
        self, shown_units: Sequence[str] | None = None, full_names: bool = False, in_sentence: bool = False
    ) -> str:
        """The units in view, in words for Markdown: ``shown_units``, else those chosen, else the only units a unit
        account may see (named: "all 1 units" would be false), else 全部9家综合监督单位.

        One rule for a unit's English name (README 口径说明, 单位名称): the full name where the page states its scope
        once (``full_names``: the caption under the title, as the pack's cover does), the short name (``unit_label``)
        in every other sentence, as beside the charts, tables, chips and the 预警 strip — an empty chart said "No
        reminders for General Office of the Provincial Government" beside a table whose row read "General Office"."""
        if shown_units is None:
            shown_units = self.filter.units or (() if self.sees_all_units else tuple(self.span.unit_ids))
        if shown_units:
            return self.unit_names_text(shown_units) if full_names else self.unit_labels_text(shown_units, in_sentence)
        return self.t("app.all_units", count=len(self.span.unit_ids))


# ---------------------------------------------------------------- data, cached per data fingerprint


def open_store(folder: str, fingerprint: str) -> duckdb.DuckDBPyConnection:
    """The store of the data at ``fingerprint``, and no other: where an import or an undo has moved the folder on
    since this page run looked at it, the page runs again on the data as it now is.

    The store is kept for one fingerprint at a time, so the first run on new data drops the store of the old; a run
    still on the old fingerprint (a leader's page, or the briefing pack being built, while the clerk's page reran
    after the import) read the new files under the old key, and its card said 42 reminders above a chart of 43."""
    try:
        return store_at(folder, fingerprint)
    except table_files.DataChanged:
        if get_script_run_ctx() is None:
            raise  # the warm-up's thread, say: no page to run again
        st.rerun()


# One store at a time: after the data change, the old one (≈170 MB at 1M meetings) must not linger.
@st.cache_resource(show_spinner=False, max_entries=1)
def store_at(folder: str, fingerprint: str) -> duckdb.DuckDBPyConnection:
    """The store of the data at ``fingerprint``; ``table_files.DataChanged`` where the folder is at another one now.

    The fingerprint is part of the key, and the store is read at it: never stale data, nor new data under an old
    key."""
    return store.open_folder(Path(folder), fingerprint)


@st.cache_data(show_spinner=False, max_entries=1024)
def cached_query(
    folder: str,
    fingerprint: str,
    name: str,
    filter_: Filter,
    extra: tuple[tuple[str, object], ...] = (),
    allowed_units: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    # the scope is part of the cache key: two accounts never share a cached result
    frame = scoped.scoped_run(
        open_store(folder, fingerprint), name, filter_, unit_scope.Scope(allowed_units), **dict(extra)
    )
    return safe_text.printable_frame(frame)  # what the screen and every export receive has no control characters


# A resource cache, not a data cache: st.cache_data pickles what it keeps and unpickles it on every hit, and the
# digest of every unit at 1M meetings holds 8,000 alerts (30 ms each way). A digest is read, never changed.
@st.cache_resource(show_spinner=False, max_entries=256)
def cached_alerts(
    folder: str,
    fingerprint: str,
    as_of: date,
    units: tuple[str, ...],
    allowed_units: tuple[str, ...] | None,
    rules: Rules,
) -> Digest:
    """The 预警 digest, computed once per data version, as-of date, units, scope and rules (not on every rerun).

    A selection of units is cut from the digest of every unit in scope (computed once, by the warm-up for the
    default view), so a change of the unit filter runs no rule query (about 40 ms at 1M meetings)."""
    if units:
        return digest_for_units(cached_alerts(folder, fingerprint, as_of, (), allowed_units, rules), units)
    connection = open_store(folder, fingerprint)
    return alerts.alerts_for(connection, unit_scope.Scope(allowed_units), as_of, rules, units)


def digest_for_units(digest: Digest, units: Sequence[str]) -> Digest:
    """``digest`` (of every unit in a scope) cut down to ``units``: what the rules give for those units, since
    every alert belongs to one unit and is found without looking at other units, and each rule's query orders
    its rows completely (tests/test_alerts_for_units.py checks it against the rules run for the units)."""
    chosen = set(units)
    return dataclasses.replace(digest, items=tuple(item for item in digest.items if item.unit_id in chosen))


@st.cache_data(show_spinner=False, max_entries=4)
def cached_span(folder: str, fingerprint: str) -> tuple[DataSpan, pd.DataFrame]:
    connection = open_store(folder, fingerprint)
    return queries.data_span(connection), queries.run(connection, "units")


@st.cache_data(show_spinner=False, max_entries=4)
def cached_header_only_ledgers(folder: str, fingerprint: str) -> list[ingest.Problem]:
    """Notices naming the ledgers that loaded with their header and no row (none, almost always: one count each)."""
    empty = store.ledgers_without_records(open_store(folder, fingerprint))
    return checked_folder.header_only_ledgers(Path(folder), empty) if empty else []
