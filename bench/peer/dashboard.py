"""Oversight's Overview rebuilt in Superset through its REST API, from the definition in dashboard.json.

One DuckDB database per data folder (read-only through duckdb-engine), its datasets, ten charts and one
dashboard laid out like the Overview: six big numbers, then two rows of two charts. A dashboard already
built from the same definition, data file and year is reused; anything else of that name is rebuilt.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Any

from bench.peer.api import SupersetApi

DEFINITION = Path(__file__).resolve().parent / "dashboard.json"
GRID_COLUMNS = 12


def definition() -> dict[str, Any]:
    return json.loads(DEFINITION.read_text(encoding="utf-8"))


def _metric(label: str, sql: str) -> dict[str, Any]:
    return {
        "expressionType": "SQL",
        "sqlExpression": sql,
        "label": label,
        "hasCustomLabel": True,
        "optionName": f"metric_{hashlib.sha1(label.encode()).hexdigest()[:10]}",
    }


def chart_params(chart: dict[str, Any], dataset_id: int, year: int, as_of: date) -> dict[str, Any]:
    """The chart's form data: its own params, its metric(s), its WHERE clause and the year as a time range."""

    def fill(sql: str) -> str:
        return sql.replace("{as_of}", as_of.isoformat())

    time_range = f"{year}-01-01 : {year + 1}-01-01"
    filters = [
        {
            "clause": "WHERE",
            "expressionType": "SIMPLE",
            "operator": "TEMPORAL_RANGE",
            "subject": chart["time_column"],
            "comparator": time_range,
        }
    ]
    if chart.get("where"):
        filters.append({"clause": "WHERE", "expressionType": "SQL", "sqlExpression": fill(chart["where"])})
    params = {
        "viz_type": chart["viz_type"],
        "datasource": f"{dataset_id}__table",
        "adhoc_filters": filters,
        "time_range": time_range,
        **chart.get("params", {}),
    }
    if "metric" in chart:
        params["metric"] = _metric(chart["name"], fill(chart["metric"]))
    if "metrics" in chart:
        params["metrics"] = [_metric(label, fill(sql)) for label, sql in chart["metrics"].items()]
    return params


def position_json(spec: dict[str, Any], chart_ids: dict[str, int]) -> dict[str, Any]:
    """Rows of charts, each row sharing the 12 grid columns equally (Superset's ROW > CHART layout)."""
    position: dict[str, Any] = {
        "DASHBOARD_VERSION_KEY": "v2",
        "ROOT_ID": {"id": "ROOT_ID", "type": "ROOT", "children": ["GRID_ID"]},
        "GRID_ID": {"id": "GRID_ID", "type": "GRID", "parents": ["ROOT_ID"], "children": []},
        "HEADER_ID": {"id": "HEADER_ID", "type": "HEADER", "meta": {"text": spec["title"]}},
    }
    names = {chart["key"]: chart["name"] for chart in spec["charts"]}
    for number, row in enumerate(spec["layout"], start=1):
        row_id = f"ROW-{number}"
        width = GRID_COLUMNS // len(row["charts"])
        children = []
        for key in row["charts"]:
            chart_id = f"CHART-{key}"
            children.append(chart_id)
            position[chart_id] = {
                "id": chart_id,
                "type": "CHART",
                "children": [],
                "parents": ["ROOT_ID", "GRID_ID", row_id],
                "meta": {"chartId": chart_ids[key], "width": width, "height": row["height"], "sliceName": names[key]},
            }
        position[row_id] = {
            "id": row_id,
            "type": "ROW",
            "children": children,
            "parents": ["ROOT_ID", "GRID_ID"],
            "meta": {"background": "BACKGROUND_TRANSPARENT"},
        }
        position["GRID_ID"]["children"].append(row_id)
    return position


def _signature(spec: dict[str, Any], duckdb_file: Path, year: int, as_of: date) -> str:
    stat = duckdb_file.stat()
    text = json.dumps(
        [spec, str(duckdb_file), stat.st_size, stat.st_mtime_ns, year, as_of.isoformat()],
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _css(signature: str) -> str:
    # json_metadata refuses unknown keys; an empty stylesheet's comment carries what the dashboard was built from
    return f"/* oversight bench: {signature} */"


def _remove(api: SupersetApi, database_name: str, slug: str) -> None:
    for dashboard in api.find("dashboard", "slug", slug):
        for chart in api.get(f"/api/v1/dashboard/{dashboard['id']}/charts")["result"]:
            api.delete(f"/api/v1/chart/{chart['id']}")
        api.delete(f"/api/v1/dashboard/{dashboard['id']}")
    for database in api.find("database", "database_name", database_name):
        for dataset in api.find("dataset", "database", database["id"], "rel_o_m"):
            api.delete(f"/api/v1/dataset/{dataset['id']}")
        api.delete(f"/api/v1/database/{database['id']}")


def _mark_temporal(api: SupersetApi, dataset_id: int, column_name: str) -> None:
    """A virtual dataset's date column must be temporal for the time range and the time grain to apply."""
    dataset = api.get(f"/api/v1/dataset/{dataset_id}")["result"]
    columns = dataset["columns"]
    if all(column["is_dttm"] for column in columns if column["column_name"] == column_name):
        return
    keep = ("id", "column_name", "type", "is_dttm", "groupby", "filterable", "expression", "verbose_name")
    payload = [
        {key: column.get(key) for key in keep if column.get(key) is not None or key == "is_dttm"} for column in columns
    ]
    for column in payload:
        if column["column_name"] == column_name:
            column["is_dttm"] = True
    api.put(f"/api/v1/dataset/{dataset_id}", {"columns": payload, "main_dttm_col": column_name})


def build(api: SupersetApi, label: str, duckdb_file: Path, year: int, as_of: date, log=print) -> str:
    """The dashboard for one data folder, built (or reused when unchanged); returns its path on the server."""
    spec = definition()
    slug = f"oversight-{label}"
    database_name = f"Oversight {label}"
    signature = _signature(spec, duckdb_file, year, as_of)
    for dashboard in api.find("dashboard", "slug", slug):
        if api.get(f"/api/v1/dashboard/{dashboard['id']}")["result"].get("css") == _css(signature):
            log(f"  Superset: dashboard {slug} is up to date")
            return f"/superset/dashboard/{slug}/"
    log(f"  Superset: building dashboard {slug} through the REST API …")
    _remove(api, database_name, slug)
    database_id = api.post(
        "/api/v1/database/",
        {
            "database_name": database_name,
            "sqlalchemy_uri": f"duckdb:///{duckdb_file}",
            "expose_in_sqllab": False,
            "extra": json.dumps({"engine_params": {"connect_args": {"read_only": True}}}),
        },
    )["id"]
    dataset_ids = {}
    for name, source in spec["datasets"].items():
        # Every dataset is a SQL one named after its folder: with SQLite metadata a dataset's table_name is
        # unique across all databases (Superset's migration that relaxed it does not run on SQLite), so the
        # second folder's `issues` could not be added as a table. DuckDB plans `select *` away.
        sql = source.get("sql") or f"select * from {source['table']}"
        dataset_ids[name] = api.post(
            "/api/v1/dataset/",
            {"database": database_id, "schema": "main", "table_name": f"{name} ({label})", "sql": sql},
        )["id"]
    for chart in spec["charts"]:
        _mark_temporal(api, dataset_ids[chart["dataset"]], chart["time_column"])
    dashboard_id = api.post("/api/v1/dashboard/", {"dashboard_title": spec["title"], "slug": slug, "published": True})[
        "id"
    ]
    chart_ids = {}
    for chart in spec["charts"]:
        params = chart_params(chart, dataset_ids[chart["dataset"]], year, as_of)
        chart_ids[chart["key"]] = api.post(
            "/api/v1/chart/",
            {
                "slice_name": chart["name"],
                "viz_type": chart["viz_type"],
                "datasource_id": dataset_ids[chart["dataset"]],
                "datasource_type": "table",
                "params": json.dumps(params, ensure_ascii=False),
                "dashboards": [dashboard_id],
            },
        )["id"]
    metadata = {
        "refresh_frequency": 0,
        "color_scheme": "supersetColors",
        "native_filter_configuration": [],
        "expanded_slices": {},
        "timed_refresh_immune_slices": [],
    }
    api.put(
        f"/api/v1/dashboard/{dashboard_id}",
        {
            "position_json": json.dumps(position_json(spec, chart_ids), ensure_ascii=False),
            "json_metadata": json.dumps(metadata, ensure_ascii=False),
            "css": _css(signature),
        },
    )
    return f"/superset/dashboard/{slug}/"
