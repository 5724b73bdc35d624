"""The peer benchmark's own logic (bench/peer), without Superset: the dashboard it builds asks the same
questions as the Overview and gets the sample's known figures; its layout, its results file and its profile."""

from __future__ import annotations

import json
from datetime import date

import duckdb
import pytest

from bench.peer import __main__ as peer_main
from bench.peer import dashboard, duckdb_file, profile
from oversight import charts
from oversight.data import store

YEAR, AS_OF = 2020, date(2020, 12, 31)


@pytest.fixture(scope="module")
def peer_file(tmp_path_factory):
    path, last_day = duckdb_file.export(store.SAMPLE_DATA_DIR, tmp_path_factory.mktemp("peer"))
    assert last_day == AS_OF
    connection = duckdb.connect(str(path), read_only=True)
    yield connection
    connection.close()


def _chart(key):
    return next(chart for chart in dashboard.definition()["charts"] if chart["key"] == key)


def _value(connection, chart, metric_sql, group_by: str | None = None):
    """The chart's question run as Superset runs it: its dataset, its WHERE, the year on its time column."""
    spec = dashboard.definition()
    source = spec["datasets"][chart["dataset"]]
    table = f"({source['sql']})" if "sql" in source else source["table"]
    params = dashboard.chart_params(chart, 1, YEAR, AS_OF)
    where = [f["sqlExpression"] for f in params["adhoc_filters"] if f["expressionType"] == "SQL"]
    column = chart["time_column"]
    conditions = " and ".join([f"{column} >= $start and {column} < $end", *where])
    select = f"{group_by}, " if group_by else ""
    sql = f"select {select}{metric_sql} from {table} as t where {conditions}"
    sql += f" group by {group_by} order by {group_by}" if group_by else ""
    rows = connection.execute(sql, {"start": date(YEAR, 1, 1), "end": date(YEAR + 1, 1, 1)}).fetchall()
    return rows if group_by else rows[0][0]


@pytest.mark.parametrize(
    "key, expected",
    [
        ("units_consulted", 9),
        ("issues", 16),
        ("suggestions", 19),
        ("special_studies", 17),
        ("meetings", 232),
    ],
)
def test_big_numbers_are_the_samples_key_figures(peer_file, key, expected):
    chart = _chart(key)
    metric = dashboard.chart_params(chart, 1, YEAR, AS_OF)["metric"]["sqlExpression"]
    assert _value(peer_file, chart, metric) == expected


def test_rectification_rate_counts_issues_rectified_by_the_as_of_date(peer_file):
    chart = _chart("rectification_rate")
    metric = dashboard.chart_params(chart, 1, YEAR, AS_OF)["metric"]["sqlExpression"]
    assert "DATE '2020-12-31'" in metric
    assert _value(peer_file, chart, metric) == pytest.approx(9 / 16)


def test_issues_and_suggestions_by_unit_add_up_to_the_figures(peer_file):
    chart = _chart("issues_suggestions_by_unit")
    metrics = dashboard.chart_params(chart, 1, YEAR, AS_OF)["metrics"]
    rows = _value(peer_file, chart, ", ".join(m["sqlExpression"] for m in metrics), group_by="unit_name")
    assert len(rows) == 9
    assert sum(row[1] for row in rows) == 16 and sum(row[2] for row in rows) == 19


def test_meetings_per_quarter_and_a_year_earlier(peer_file):
    chart = _chart("meetings_by_quarter")
    params = dashboard.chart_params(chart, 1, YEAR, AS_OF)
    assert params["time_grain_sqla"] == "P3M" and params["time_compare"] == ["1 year ago"]
    rows = _value(peer_file, chart, "count(*)", group_by="quarter(date)")
    assert [count for _, count in rows] == [60, 49, 58, 65]
    earlier = peer_file.execute(
        "select quarter(date), count(*) from meetings where year(date) = 2019 group by all order by 1"
    ).fetchall()
    assert [count for _, count in earlier] == [87, 77, 84, 93]


def test_every_chart_filters_to_the_year_on_its_own_date_column():
    for chart in dashboard.definition()["charts"]:
        params = dashboard.chart_params(chart, 7, YEAR, AS_OF)
        assert params["datasource"] == "7__table"
        (time_filter,) = [f for f in params["adhoc_filters"] if f.get("operator") == "TEMPORAL_RANGE"]
        assert time_filter == {
            "clause": "WHERE",
            "expressionType": "SIMPLE",
            "operator": "TEMPORAL_RANGE",
            "subject": chart["time_column"],
            "comparator": "2020-01-01 : 2021-01-01",
        }


def test_the_dashboard_has_the_overviews_six_figures_and_four_charts():
    spec = dashboard.definition()
    kinds = [chart["viz_type"] for chart in spec["charts"]]
    assert kinds.count("big_number_total") == 6
    assert {chart["key"] for chart in spec["charts"] if chart["viz_type"] != "big_number_total"} == {
        chart.key for chart in charts.OVERVIEW_CHARTS
    }


def test_layout_rows_share_the_twelve_columns_and_name_every_chart_once():
    spec = dashboard.definition()
    ids = {chart["key"]: number for number, chart in enumerate(spec["charts"], start=1)}
    position = dashboard.position_json(spec, ids)
    placed = [key for key, item in position.items() if isinstance(item, dict) and item.get("type") == "CHART"]
    assert sorted(position[key]["meta"]["chartId"] for key in placed) == sorted(ids.values())
    for row_id in position["GRID_ID"]["children"]:
        row = position[row_id]
        assert sum(position[child]["meta"]["width"] for child in row["children"]) == 12
        assert all(position[child]["parents"] == ["ROOT_ID", "GRID_ID", row_id] for child in row["children"])


def test_results_file_keeps_the_other_benchmarks_keys(tmp_path, monkeypatch):
    results = tmp_path / "results.json"
    results.write_text(json.dumps({"rows": [{"measure": "(1)"}], "peer": {"old": True}}), encoding="utf-8")
    monkeypatch.setattr(peer_main, "RESULTS", results)
    peer_main.write_results({"rows": []})
    assert json.loads(results.read_text(encoding="utf-8")) == {"rows": [{"measure": "(1)"}], "peer": {"rows": []}}
    assert list(tmp_path.iterdir()) == [results]


def test_ratio_rows_compare_oversight_to_superset():
    raw = {
        "sample": {
            "oversight": {
                "warm_median_s": 1.5,
                "first_visit_s": 3.0,
                "first_visit_traffic": {"bytes": 2_000_000},
                "warm_cpu_median_s": {"total": 0.5},
            },
            "superset": {
                "warm_median_s": 3.0,
                "first_visit_s": 4.0,
                "first_visit_traffic": {"bytes": 4_000_000},
                "warm_cpu_median_s": {"total": 2.0},
            },
        }
    }
    rows = peer_main.rows(raw)
    assert [(r["measure"], r["ratio"], r["met"]) for r in rows] == [
        ("sample, warm median", 0.5, True),
        ("sample, first visit after start", 0.75, False),
        ("sample, CPU per warm visit (browser + server)", 0.25, None),
        ("sample, bytes on a first visit", 0.5, True),
    ]
    text = peer_main.table(rows)
    assert "| sample, warm median | 1.50 s | 3.00 s | 0.50× | ≤ 0.6× | yes |" in text
    assert "| sample, first visit after start | 3.00 s | 4.00 s | 0.75× | ≤ 0.6× | MISSED |" in text
    assert "| sample, CPU per warm visit (browser + server) | 0.50 s | 2.00 s | 0.25× |  |  |" in text


def test_profile_counts_self_time_by_kind_of_work():
    thread = {"pid": 1, "tid": 2}
    events = [
        {"ph": "M", "name": "thread_name", "args": {"name": "CrRendererMain"}, **thread},
        {"ph": "X", "name": "RunTask", "ts": 0, "dur": 10_000, **thread},
        {"ph": "X", "name": "FunctionCall", "ts": 1_000, "dur": 6_000, **thread},
        {"ph": "X", "name": "Layout", "ts": 2_000, "dur": 2_000, **thread},  # a forced layout inside script
        {"ph": "X", "name": "V8.ParseLazy", "ts": 5_000, "dur": 1_000, **thread},  # unnamed: its parent's kind
        {"ph": "X", "name": "Paint", "ts": 8_000, "dur": 1_000, **thread},
    ]
    assert profile.summarise(events)["main_thread_ms"] == {
        "other": 3.0,
        "painting": 1.0,
        "rendering": 2.0,
        "scripting": 4.0,
        "total": 10.0,
    }


def test_profile_puts_each_sample_under_the_script_it_ran_in():
    def node(node_id, url="", name="f", parent=None):
        frame = {"url": url, "functionName": name}
        return {"id": node_id, "callFrame": frame, **({"parent": parent} if parent else {})}

    nodes = [
        node(1, name="(root)"),
        node(2, "http://127.0.0.1:8501/_oversight/plotly-cartesian.79542150855a52c5.js", parent=1),
        node(3, "http://127.0.0.1:8501/static/js/PlotlyChart.B2x.js", parent=1),
        node(4, "http://127.0.0.1:8501/static/js/react-dom.Dzb.js", parent=1),
        node(5, "http://127.0.0.1:8501/static/js/index.Dor.js", parent=1),
        node(6, name="anonymous", parent=2),  # no script of its own: its caller's
        node(7, name="(program)", parent=1),
    ]
    chunk = {
        "name": "ProfileChunk",
        "pid": 1,
        "id": "0x1",
        "args": {"data": {"cpuProfile": {"nodes": nodes, "samples": [2, 3, 4, 5, 6, 7]}, "timeDeltas": [1000] * 6}},
    }
    assert profile._by_library([chunk], 1) == {
        "plotly": 3.0,
        "react": 1.0,
        "streamlit (its other chunks)": 1.0,
        "program": 1.0,
    }
