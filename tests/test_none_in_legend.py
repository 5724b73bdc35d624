"""A kind with none in view (one unit, one quarter: no secondment) draws no bar and gets no coloured legend entry,
but the legend still names it with its 0, so the chart never suggests the kind does not exist: the activities charts
and the reminders' charts by form alike, by unit and by quarter, stacked or side by side, zh and en."""

from __future__ import annotations

import pandas as pd
import pytest

from oversight.charts import catalog
from oversight.data import queries
from oversight.data.filters import Filter, Quarter

ONE_UNIT_ONE_QUARTER = Filter(("gov_office",), Quarter(2020, 3), Quarter(2020, 3))


def _oracle_kinds_with_none(frames, sheet: str, column: str) -> set[str]:
    """The kinds (codes) the General Office recorded none of in 2020Q3, from the spreadsheets themselves."""
    rows = frames[sheet]
    day = pd.to_datetime(rows["date"])
    rows = rows[(rows["unit"] == "gov_office") & (day >= "2020-07-01") & (day <= "2020-09-30")]
    return set(rows[column].unique())


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    "key, series",
    [
        ("activities_by_quarter", catalog.ACTIVITY_SERIES),
        ("activities_by_unit", catalog.ACTIVITY_SERIES),
        ("reminders_by_quarter_form", catalog.FORM_SERIES),
        ("reminders_by_unit", catalog.FORM_SERIES),
    ],
)
def test_kinds_with_none_are_named_with_their_zero_and_draw_no_bar(connection, frames, key, series, lang):
    from oversight.core import i18n

    spec = next(spec for spec in catalog.all_charts() if spec.key == key)
    figure = spec.build(queries.run(connection, spec.query, ONE_UNIT_ONE_QUARTER), lang)
    sheet, column = ("activities", "kind") if series is catalog.ACTIVITY_SERIES else ("reminders", "form")
    recorded = _oracle_kinds_with_none(frames, sheet, column)
    some = [i18n.label(label_key, lang) for code, label_key, _ in series if code in recorded]
    none = [i18n.label(label_key, lang) for code, label_key, _ in series if code not in recorded]
    assert some and none  # the view has kinds of both
    bars = [trace.name for trace in figure.data if trace.type == "bar"]
    assert sorted(bars) == sorted(some)  # a bar, and a coloured entry, only for a kind with some
    (entry,) = [trace for trace in figure.data if trace.type != "bar"]
    assert entry.marker.color == "rgba(0,0,0,0)" and entry.showlegend  # an entry without a swatch
    written = entry.name.replace("<br>", " " if lang == "en" else "")
    assert written.endswith("：0" if lang == "zh" else ": 0") and all(name in written for name in none)


def test_a_view_with_every_kind_or_none_at_all_has_no_such_entry():
    every = pd.DataFrame(
        {"year": [2020], "quarter": [3], "quarter_key": [20203]} | {code: [1] for code, _, _ in catalog.ACTIVITY_SERIES}
    )
    assert [t.type for t in catalog.make_activities_by_quarter_figure(every, "zh").data] == ["bar"] * 4
    nothing = every.assign(**{code: [0] for code, _, _ in catalog.ACTIVITY_SERIES})
    assert [t.type for t in catalog.make_activities_by_quarter_figure(nothing, "en").data] == ["bar"] * 4
