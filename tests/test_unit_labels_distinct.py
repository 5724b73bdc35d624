"""Units whose short labels would read alike are still drawn apart: Plotly puts equal categories on one row, so two
units whose long names were cut to the same "省人民政府国有资产监督管理…" were drawn as one bar, one unit's figures
hidden behind the other's (its bar drawn to one length and labelled with the other's number)."""

from __future__ import annotations

import shutil

import pytest

from oversight.charts import catalog, style
from oversight.data import queries, store
from tests.bad_files import HEADERS, unit_rows, write_xlsx

# two units whose names share their first 14 characters, in both languages, and no English short names
_LONG = {
    "counsellors": (
        "省人民政府国有资产监督管理委员会",
        "State-owned Assets Supervision and Administration Commission Office",
    ),
    "chronicles": (
        "省人民政府国有资产监督管理委员会机关服务中心",
        "State-owned Assets Supervision and Administration Commission Service Centre",
    ),
}


@pytest.fixture(scope="module")
def renamed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("renamed")
    for path in store.SAMPLE_DATA_DIR.glob("*.xlsx"):
        shutil.copy(path, folder)
    rows = [
        # the old name kept as a short name: the ledgers still name the unit by it
        [row[0], *_LONG[row[0]], f"{row[3]}、{row[1]}", row[4], None] if row[0] in _LONG else row
        for row in unit_rows()
    ]
    write_xlsx(folder / "units.xlsx", {"监督单位": [HEADERS["units"], *rows]})
    return store.open_folder(folder)


def _figures(connection, lang):
    filter_ = queries.data_span(connection).default_filter()
    for spec in catalog.all_charts():
        yield spec.key, spec.build(queries.run(connection, spec.query, filter_), lang)


def _unit_traces(figure):
    return [
        trace
        for trace in figure.data
        if trace.type == "heatmap"
        or (trace.type == "bar" and trace.orientation == "h" and trace.customdata is not None)
    ]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_labels_cut_alike_are_told_apart(renamed, lang):
    spec = next(spec for spec in catalog.all_charts() if spec.key == "issues_suggestions_by_unit")
    frame = queries.run(renamed, spec.query, queries.data_span(renamed).default_filter())  # what its bars name
    labels, _ = style.unit_labels(frame, lang)
    assert len(set(labels)) == len(labels) == 9
    cut = [style.short_unit_name(name, lang) for name in style.own_short_names(frame, lang)]
    assert len(set(cut)) == 8  # the two long names are cut alike: what the charts showed before
    for label in labels:
        assert style.label_width(label, style.UNIT_LABEL_FONT) <= style.MAX_LABEL_PX
    ends = {"zh": ("委员会", "服务中心"), "en": ("Office", "Centre")}[lang]
    long_labels = [label for label in labels if "…" in label]
    assert len(long_labels) == 2 and {label[-len(end) :] for label in long_labels for end in ends} >= set(ends)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_unit_keeps_its_own_row_and_figures(renamed, lang):
    sample = dict(_figures(store.open_folder(store.SAMPLE_DATA_DIR), lang))
    checked = 0
    for key, figure in _figures(renamed, lang):
        for trace in _unit_traces(figure):
            assert len(set(trace.y)) == len(trace.y), (key, list(trace.y))
        before = _unit_traces(sample[key])
        for trace, old in zip(_unit_traces(figure), before):
            if trace.type == "bar":  # each unit's value is the one it had under its old name
                assert dict(zip(trace.customdata, trace.x)) == dict(zip(old.customdata, old.x)), key
                checked += 1
            else:  # rows in the units sheet's order, the old names' numbers on them
                assert [list(row) for row in trace.z] == [list(row) for row in old.z], key
                checked += 1
        names = [trace.name for trace in figure.data if trace.type == "scatter" and trace.legendgroup]
        assert len(set(names)) == len({t.legendgroup for t in figure.data if t.type == "scatter" and t.legendgroup})
    assert checked >= 4
