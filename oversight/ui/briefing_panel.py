"""The briefing pack panel: which charts go in, the build with its progress bar, and the four audited files."""

from __future__ import annotations

import dataclasses
import logging

import streamlit as st

from oversight import briefing, charts
from oversight.briefing import chart_choice as chart_choice_rules
from oversight.core import atomic
from oversight.data.filters import Filter
from oversight.export import rendering
from oversight.ui import partial_runs
from oversight.ui.cards import audited
from oversight.ui.page import Page

_log = logging.getLogger(__name__)


@partial_runs.fragment_checking_data
def briefing_panel(page: Page, specs: tuple[charts.ChartSpec, ...], key: str, build_label_key: str) -> None:
    """Build the briefing pack for the current filter, with a progress bar, then offer its four files.

    A fragment: the build (2–3 s) and its progress bar rerun this panel only, not the charts above it; the
    sign-in is checked first (``partial_runs``), so an account narrowed since the page was drawn builds nothing.
    """
    state_key = f"oversight.briefing.{key}"
    asked_key = f"{state_key}.asked_before_data_changed"
    asked = bool(st.session_state.pop(asked_key, False))  # by a click in the run before: see below
    if not page.can_download:
        return
    if rendering.find_browser() is None:
        st.warning(rendering.ImageRendererMissing().message(page.lang))
        return
    clicked = st.button(
        page.t(build_label_key),
        key=f"widget.build_{key}",
        type="primary",
        icon=":material/slideshow:",
        disabled=not specs,
    )
    if partial_runs.data_changed_on_own_run(page):
        # the page runs again on the data as it now is, and builds there: the click was lost with the panel's run,
        # and under a ledger a sync tool kept rewriting, 生成简报材料 built nothing, click after click, without a word
        st.session_state[asked_key] = clicked
        st.rerun(scope="app")
    if clicked or (asked and specs):
        # in the session before the build, the pack put into it after (see _Build)
        build = _Build(page.filter, page.lang, tuple(s.key for s in specs), page.fingerprint)
        st.session_state[state_key] = build
        bar = st.progress(0.0, text=page.t("export.progress.queries"))
        try:
            build.pack = briefing.build_briefing_pack(
                page.query,
                page.filter,
                page.lang,
                specs,
                progress=lambda fraction, message: bar.progress(min(fraction, 1.0), text=message),
                marking=page.marking,
            )
        except atomic.TemporaryFolderFull:  # the PDF's page written to a full /tmp: not a chart that failed to render
            _log.exception("the briefing pack for %s could not be built", page.filter)
            build.failed, build.failure = True, "briefing.failed_temp_full"
        except Exception:  # a render that failed: said as such, not as a build the reader stopped, nor a traceback
            _log.exception("the briefing pack for %s could not be built", page.filter)
            build.failed = True
        bar.empty()  # done: its "简报材料已生成" stood over the success note saying the same, with the scope
    stored = st.session_state.get(state_key)
    if not stored:
        return
    built_for, built_lang, built_specs, pack = stored.built_for, stored.lang, stored.specs, stored.pack
    built_on = stored.fingerprint
    if pack is None:
        stopped = dataclasses.replace(page, filter=built_for)
        say = st.error if stored.failed else st.warning
        # stopped by an import or an undo landing during the build (the page ran again on the new data: ``open_store``)
        key_stopped = "briefing.stopped_data" if built_on != page.fingerprint else "briefing.stopped"
        say(
            page.t(
                stored.failure if stored.failed else key_stopped,
                scope=stopped.scope_text(),
                period=stopped.period(),
                build=page.t(build_label_key),
            ),
            icon=":material/warning:",
        )
        return
    stale = _stale_reason(page, built_for, built_lang, built_specs, tuple(s.key for s in specs), built_on)
    if stale:
        st.info(stale)
        return
    # which units, too: a pack for one unit is not mistaken for the whole team's (names come from the data)
    st.success(page.t("briefing.ready", scope=page.scope_text(), period=page.period()))
    for column, file_format in zip(st.columns(len(pack.files)), pack.files):
        column.download_button(
            page.t(f"briefing.{file_format}"),
            data=audited(page, pack.file_names[file_format], pack.files[file_format], pack.report.marking),
            file_name=pack.file_names[file_format],
            mime=pack.mime(file_format),
            key=f"download.{key}.{file_format}",
            on_click="ignore",
            icon=":material/download:",
            width="stretch",
        )


@dataclasses.dataclass
class _Build:
    """A pack asked for: the view it is of, and the pack once built (None until then).

    The build reports its progress to the page, and Streamlit stops a run there once another is asked for (a unit
    picked in the sidebar, a chart unticked, another page's link while the pack was being built): the leader saw
    the progress bar vanish and the button again, no pack and no word of why. Put in the session before the build,
    a pack still None on the next run says the build was stopped, for which view, and what to do."""

    built_for: Filter
    lang: str
    specs: tuple[str, ...]
    # the data's fingerprint it was built from: a correction re-imported leaves the view (units, quarters, data date)
    # as it was, and the pack of the figures before it was offered under cards showing the figures after
    fingerprint: str
    pack: briefing.BriefingPack | None = None
    failed: bool = False  # the build raised (a render that failed), rather than being stopped
    failure: str = "briefing.failed"  # what the page says of it


def _stale_reason(
    page: Page,
    built_for: Filter,
    built_lang: str,
    built_specs: tuple[str, ...],
    specs: tuple[str, ...],
    built_on: str,
) -> str | None:
    """Why the pack built earlier is not this view's, in words: it said "筛选条件或语言已改变" also when only the
    charts chosen had changed, and never for which units and quarters the pack had been built. Data changed since
    (an import, an undo) is said as such, also where it moved the data date inside the range: the view's cut-off
    then differs, and "built for 2021年第1季度（截至2月3日）, not for 2021年第1季度（截至3月31日）" read as if the leader had
    changed the filter."""
    if built_for.without_cutoff() == page.filter.without_cutoff() and built_on != page.fingerprint:
        return page.t("briefing.stale.data")
    if built_for != page.filter:
        built = dataclasses.replace(page, filter=built_for)
        return page.t(
            "briefing.stale.filter",
            scope=built.scope_text(),
            period=built.period(),
            now_scope=page.scope_text(),
            now_period=page.period(),
        )
    if built_lang != page.lang:
        return page.t("briefing.stale.language")
    if built_specs != specs:
        return page.t("briefing.stale.charts")
    return None


def _on_group_all(all_key: str, choice_key: str, keys: tuple[str, ...]) -> None:
    st.session_state[choice_key] = list(keys) if st.session_state[all_key] else []


def _on_group_choice(all_key: str, choice_key: str, keys: tuple[str, ...]) -> None:
    st.session_state[all_key] = set(st.session_state[choice_key]) == set(keys)


def chart_choice(
    page: Page, groups: tuple[tuple[str, tuple[charts.ChartSpec, ...]], ...]
) -> tuple[charts.ChartSpec, ...]:
    """Which charts go into the pack, grouped by the page they are on, each group with "select all"; every chart with
    data for the view by default, an empty one marked （本视图无数据） and left unticked (its slide would say so)."""
    st.markdown(f"**{page.t('briefing.charts')}**")
    chosen: list[charts.ChartSpec] = []
    empty = chart_choice_rules.empty_for_the_view(page.query, page.filter, (s for _, specs in groups for s in specs))
    # two groups a row: three made each chooser so narrow that a chart's name was cut to its first words
    cells = [cell for _ in range(0, len(groups), 2) for cell in st.columns(2)]
    for cell, (page_id, specs) in zip(cells, groups):
        keys = tuple(spec.key for spec in specs)
        by_key = {spec.key: spec for spec in specs}
        all_key, choice_key = (
            f"widget.briefing_all.{page_id}.{page.lang}",
            f"widget.briefing_charts.{page_id}.{page.lang}",
        )
        _follow_the_view(f"oversight.briefing_choice.{page_id}.{page.lang}", all_key, choice_key, keys, empty)
        with cell.container(border=True, key=f"briefing_group_{page_id}"):
            st.checkbox(
                page.t("briefing.select_all", page=page.t(f"nav.{page_id}")),
                key=all_key,
                on_change=_on_group_all,
                args=(all_key, choice_key, keys),
            )
            picked = st.multiselect(
                page.t(f"nav.{page_id}"),
                list(keys),
                key=choice_key,  # type: ignore[call-overload]
                format_func=lambda k, by_key=by_key: chart_choice_rules.chooser_title(by_key[k], empty, page.lang),
                label_visibility="collapsed",
                on_change=_on_group_choice,
                args=(all_key, choice_key, keys),
            )
        chosen += [by_key[key] for key in picked]
    if not chosen:
        st.warning(page.t("briefing.none_selected"))
    return tuple(chosen)


def _follow_the_view(
    state_key: str, all_key: str, choice_key: str, keys: tuple[str, ...], empty: frozenset[str]
) -> None:
    """The group's ticks for this view (``chart_choice.follow_the_view``), set before its widgets are drawn: state
    set here, not as the widgets' defaults, since the callbacks change it and Streamlit refuses both."""
    previous = st.session_state.get(state_key) or chart_choice_rules.Choice(keys)
    if choice_key in st.session_state:  # what the reader has ticked since
        previous = dataclasses.replace(previous, chosen=tuple(st.session_state[choice_key]))
    now = chart_choice_rules.follow_the_view(previous, keys, empty & set(keys))
    st.session_state[state_key] = now
    st.session_state[choice_key] = list(now.chosen)
    st.session_state[all_key] = set(now.chosen) == set(keys)
