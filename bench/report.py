"""The bench's table: each figure, its baseline from the same run, the ratio, the target and whether it is met."""

from __future__ import annotations

from typing import Any


def _row(
    measure: str,
    value: float | None,
    unit: str,
    baseline: float | None = None,
    baseline_name: str = "",
    target: str = "",
    met: bool | None = None,
    ratio: float | None = None,
) -> dict[str, Any]:
    if ratio is None and value and baseline:
        ratio = baseline / value  # how many times faster (or smaller) than the baseline
    return {
        "measure": measure,
        "value": value,
        "unit": unit,
        "baseline": baseline,
        "baseline_name": baseline_name,
        "ratio": ratio,
        "target": target,
        "met": met,
    }


def rows(raw: dict[str, Any], meetings: int) -> list[dict[str, Any]]:
    scale = f"{meetings / 1e6:g}M" if meetings >= 1_000_000 else f"{meetings / 1e3:g}k"
    out = []
    q = raw.get("queries")
    if q:
        ms, pandas_ms = q["ours_s"] * 1000, q["pandas_s"] * 1000
        out.append(
            _row(
                f"(1) Overview queries at {scale} (6 queries, as the app answers them)",
                ms,
                "ms",
                pandas_ms,
                "pandas",
                "≤ 10 ms and ≥ 20× pandas",  # issue 15
                ms <= 10 and pandas_ms / ms >= 20,
            )
        )
        if not q["same_results"]:
            out[-1]["target"] += " (RESULTS DIFFER)"
        if "one_unit_ours_s" in q:  # results.json of an earlier bench may lack it
            ms, pandas_ms = q["one_unit_ours_s"] * 1000, q["one_unit_pandas_s"] * 1000
            out.append(
                _row(
                    f"    the same six, one unit chosen (a filter change), {scale}",
                    ms,
                    "ms",
                    pandas_ms,
                    "pandas",
                    "≤ 10 ms and ≥ 20× pandas",
                    ms <= 10 and pandas_ms / ms >= 20,
                )
            )
            if not q["one_unit_same_results"]:
                out[-1]["target"] += " (RESULTS DIFFER)"
    i = raw.get("ingest")
    if i:
        out.append(
            _row(
                f"(2) read {i['rows'] // 1000}k-row xlsx: ours (parse + validate)",
                i["ours_s"],
                "s",
                i["openpyxl_s"],
                "pandas.read_excel openpyxl",
            )
        )
        out.append(
            _row(
                f"    whole {i['rows'] // 1000}k folder: Parquet cache hit",
                i["folder_hit_s"],
                "s",
                i["folder_cold_s"],
                "cold read (xlsx)",
                "≥ 10× faster than cold",
                i["folder_cold_s"] / i["folder_hit_s"] >= 10,
            )
        )
        out.append(
            _row(
                "    same folder: cache hit to DuckDB tables",
                i["folder_hit_to_duckdb_s"],
                "s",
                i["folder_cold_s"],
                "cold read (xlsx)",
            )
        )
        if "append_s" in i:
            out.append(
                _row(
                    f"    append {i['append_rows']} meetings to the {i['rows'] // 1000}k ledger (check + commit)",
                    i["append_s"],
                    "s",
                    i["append_written_whole_s"],
                    "the same append written whole",
                    "≥ 5× faster than written whole",
                    i["append_written_whole_s"] / i["append_s"] >= 5,
                )
            )
        if "big_folder_hit_to_duckdb_s" in i:
            out.append(_row(f"    {scale} folder: cache hit to DuckDB tables", i["big_folder_hit_to_duckdb_s"], "s"))
    b = raw.get("browser")
    if b:
        one = b["one_chart"]["warm_median_s"]
        sample = b["overview_sample"]["warm_median_s"]
        big = b["overview_big"]["warm_median_s"]
        out.append(
            _row(
                "(3) Overview drawn, warm, sample data",
                sample,
                "s",
                one,
                "one-chart page",
                "≤ 1.2× one-chart page",  # issue 15
                sample <= 1.2 * one,
                ratio=sample / one,
            )
        )
        out.append(
            _row(
                f"    Overview drawn, warm, {scale}",
                big,
                "s",
                one,
                "one-chart page",
                "≤ 1.5× one-chart page",  # issue 15
                big <= 1.5 * one,
                ratio=big / one,
            )
        )
        out.append(
            _row(
                "    Overview drawn, fresh browser profile, sample",
                b["overview_sample"]["fresh_profile_s"],
                "s",
                b["one_chart"]["fresh_profile_s"],
                "one-chart page, fresh profile",
                ratio=b["overview_sample"]["fresh_profile_s"] / b["one_chart"]["fresh_profile_s"],
            )
        )
        out.append(
            _row(
                f"    first visit the moment the server answers, {scale} (start-up and a visit)",
                b["overview_big"]["first_visit_s"],
                "s",
            )
        )
        if "overview_big_warmed" in b:  # results.json of an earlier bench may lack it
            first = b["overview_big_warmed"]["first_visit_s"]
            out.append(
                _row(
                    f"    first visit after the warm-up finished, {scale}",
                    first,
                    "s",
                    big,
                    "warm visit",
                    "≤ 1.5× a warm visit",  # issue 15
                    first <= 1.5 * big,
                    ratio=first / big,
                )
            )
        change = b["filter_change_big"]["median_s"]
        # the same presses on a one-chart Streamlit page (results.json of an earlier bench may lack it): the target
        # stays issue 15's absolute 0.5 s; the ratio says how much of the time is the product's, not the machine's
        press = b.get("filter_change_one_chart", {}).get("median_s")
        out.append(
            _row(
                f"    filter change: press on a unit → all charts redrawn, {scale}",
                change,
                "s",
                press,
                "the same press, one-chart page" if press else "",
                target="≤ 0.5 s",  # issue 15
                met=change <= 0.5,
                ratio=change / press if press else None,
            )
        )
        server = b["server_big"]
        out.append(
            _row(
                f"(5) server peak RSS at {scale}",
                server["peak_rss_mb"],
                "MB",
                b["overview_sample"]["peak_rss_mb"],
                "same server, sample data",
                "≤ 600 MB",
                server["peak_rss_mb"] <= 600,
                ratio=server["peak_rss_mb"] / b["overview_sample"]["peak_rss_mb"],
            )
        )
    e = raw.get("export")
    if e:
        out.append(
            _row(
                "(4) one chart PNG, warm",
                e["png_warm_median_s"],
                "s",
                e["png_cold_s"],
                "cold (Chromium start)",
                "≤ 0.5 s",
                e["png_warm_median_s"] <= 0.5,
            )
        )
        for lang in ("zh", "en"):
            four, full = e[f"pack_{lang}_s"], e[f"pack_full_{lang}_s"]
            out.append(
                _row(
                    f"    briefing pack {lang}, 4 Overview charts (PPTX, DOCX, PDF, ZIP)",
                    four,
                    "s",
                    target="≤ 5 s",
                    met=four <= 5,
                )
            )
            out.append(
                _row(
                    f"    briefing pack {lang}, all {e.get('full_charts', 18):.0f} charts",
                    full,
                    "s",
                    four,
                    "the 4-chart pack",
                    "≤ 2× the 4-chart pack",
                    full <= 2 * four,
                    ratio=full / four,
                )
            )
    return out


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return ""
    text = f"{value:.0f}" if value >= 100 else f"{value:.3g}" if value < 1 else f"{value:.2f}"
    return f"{text} {unit}".strip()


def table(rows: list[dict[str, Any]]) -> str:
    header = ("measure", "ours", "baseline", "ratio", "target", "met")
    lines = []
    for row in rows:
        baseline = f"{_number(row['baseline'], row['unit'])} ({row['baseline_name']})" if row["baseline"] else ""
        ratio = f"{row['ratio']:.2f}×" if row["ratio"] else ""
        met = "" if row["met"] is None else ("yes" if row["met"] else "MISSED")
        lines.append((row["measure"], _number(row["value"], row["unit"]), baseline, ratio, row["target"], met))
    widths = [max(len(str(line[i])) for line in [header, *lines]) for i in range(len(header))]

    def render(line: tuple[Any, ...] | list[Any]) -> str:
        return " | ".join(str(cell).ljust(width) for cell, width in zip(line, widths)).rstrip()

    note = (
        "ratio: baseline ÷ ours (times faster) for (1), (2) and the PNG; ours ÷ baseline for the browser pages, "
        "memory and the full briefing pack, whose targets are upper bounds"
    )
    return "\n".join([render(header), "-+-".join("-" * w for w in widths), *map(render, lines), note])
