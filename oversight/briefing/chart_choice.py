"""Which charts the briefing page's chooser offers ticked: a chart empty for the view (its units and quarters) is
marked and left out by default, since the pack would give it a slide saying there is no data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from oversight import charts
from oversight.core import i18n
from oversight.data.filters import Filter
from oversight.present.summary import QueryRunner


def empty_for_the_view(run_query: QueryRunner, filter_: Filter, specs: Iterable[charts.ChartSpec]) -> frozenset[str]:
    """The keys of the charts with nothing to draw for ``filter_``, by the rule the pack itself uses
    (``charts.is_empty``: no rows, or nothing but zeros), on the same queries."""
    return frozenset(spec.key for spec in specs if charts.is_empty(run_query(spec.query, filter_), spec.value_columns))


def chooser_title(spec: charts.ChartSpec, empty: frozenset[str], lang: str) -> str:
    """A chart's name in the chooser, marked where it is empty for the view: （本视图无数据） / (no data in this view)."""
    title = spec.title(lang)
    return i18n.t("briefing.no_data_in_view", lang, title=title) if spec.key in empty else title


@dataclass(frozen=True)
class Choice:
    """The charts ticked, those the chooser itself unticked for being empty, and the empty ones it last saw."""

    chosen: tuple[str, ...]
    unticked_as_empty: frozenset[str] = frozenset()
    seen_empty: frozenset[str] = frozenset()


def follow_the_view(choice: Choice, keys: tuple[str, ...], empty: frozenset[str]) -> Choice:
    """The choice after the view changed what is empty: a chart that became empty is unticked; one the chooser had
    unticked for that and now has data is ticked again. What the reader ticked or unticked by hand otherwise
    stands, an empty chart ticked on purpose included (it is only unticked when it *becomes* empty)."""
    became_empty = empty - choice.seen_empty
    has_data_again = (choice.unticked_as_empty - empty) & set(keys)
    chosen = [key for key in choice.chosen if key not in became_empty]
    chosen += [key for key in keys if key in has_data_again and key not in chosen]
    unticked = (choice.unticked_as_empty - has_data_again) | (became_empty & set(choice.chosen))
    ordered = tuple(key for key in keys if key in chosen)
    return Choice(ordered, frozenset(unticked), empty)
