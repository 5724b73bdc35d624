"""Time the exports a leader waits for: one chart PNG cold (browser start included) and warm, and the briefing
pack of the Overview's four charts beside the full pack of every chart (18), in both languages.

Run: ``.venv/bin/python bench/export_bench.py``. Prints the figures and returns them as a dict, with the
machine's load average before and after (it is shared: a busy moment slows every figure).

The stages are the pack's progress messages, each timed until the next: the first ("Querying the data…")
covers reading each chart's data, building its figure and sending it to the browser batch by batch, and
gathering the summary while the browser draws; "Rendering chart k" is then the wait for that batch.

``pack_per_extra_chart_*`` is what each chart beyond the Overview's four adds to the pack, and
``pack_render_per_chart_s`` the browser's share of it: the full pack's figures drawn by kaleido alone (its two
tabs side by side, nothing else running in this process), per chart. On two cores that drawing is a floor
under the per-chart cost that nothing in the pack's Python can lower.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # runnable from the project folder without installing

from oversight import briefing, charts
from oversight.charts import catalog
from oversight.data import queries, store
from oversight.export import card_downloads, document_layout, marking, rendering

WARM_RUNS = 5
PACK_RUNS = 3  # the median of three: the machine is shared, one run can land on a busy moment


def _seconds(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _pack(connection, filter_, lang: str, specs, marks: list | None = None) -> float:
    started = time.perf_counter()
    progress = (lambda _fraction, message: marks.append((message, time.perf_counter()))) if marks is not None else None
    briefing.build_briefing_pack(
        connection, filter_, lang, specs, progress=progress, marking=marking.for_viewer("bench", False, lang)
    )
    return time.perf_counter() - started


def _render_per_chart(connection, filter_, specs, lang: str) -> float:
    """Seconds per chart to draw the pack's figures in kaleido alone (median of three)."""
    mark = marking.for_viewer("bench", False, lang)
    frames = [(spec, queries.run(connection, spec.query, filter_)) for spec in specs]
    figures = [
        document_layout.document_figure(spec.build(frame, lang), mark, copy=False)
        for spec, frame in frames
        if not charts.is_empty(frame, spec.value_columns)  # as the pack: a chart without data is not drawn
    ]
    drawn = [(figure, document_layout.document_size(figure)) for figure in figures]
    rendering.render_pngs(drawn)  # the tabs warm, as in a pack
    return statistics.median(_seconds(lambda: rendering.render_pngs(drawn)) for _ in range(PACK_RUNS)) / len(drawn)


def run() -> dict[str, float]:
    load_before = os.getloadavg()[0]
    connection = store.open_folder(store.SAMPLE_DATA_DIR)
    filter_ = queries.data_span(connection).default_filter()
    spec = charts.OVERVIEW_CHARTS[0]
    figure = card_downloads.with_subtitle(spec.build(queries.run(connection, spec.query, filter_), "zh"), "bench")
    results = {"png_cold_s": _seconds(lambda: rendering.figure_png(figure))}  # first call starts kaleido's Chromium
    results["png_warm_median_s"] = statistics.median(
        _seconds(lambda: rendering.figure_png(figure)) for _ in range(WARM_RUNS)
    )
    full = catalog.all_charts()
    _pack(connection, filter_, "zh", charts.OVERVIEW_CHARTS)  # starts the PDF printer, as a server's first pack does
    for lang in ("zh", "en"):
        # the two packs take turns, so that a busy moment of the machine falls on both alike
        runs = [
            (_pack(connection, filter_, lang, charts.OVERVIEW_CHARTS), _pack(connection, filter_, lang, full))
            for _ in range(PACK_RUNS)
        ]
        results[f"pack_{lang}_s"] = statistics.median(four for four, _ in runs)
        results[f"pack_full_{lang}_s"] = statistics.median(every for _, every in runs)
    results["full_charts"] = float(len(full))
    extra = len(full) - len(charts.OVERVIEW_CHARTS)
    for lang in ("zh", "en"):
        results[f"pack_full_to_four_{lang}"] = results[f"pack_full_{lang}_s"] / results[f"pack_{lang}_s"]
        results[f"pack_per_extra_chart_{lang}_s"] = (results[f"pack_full_{lang}_s"] - results[f"pack_{lang}_s"]) / extra
    results["pack_render_per_chart_s"] = _render_per_chart(connection, filter_, full, "en")
    marks: list[tuple[str, float]] = []
    _pack(connection, filter_, "en", full, marks)  # where the full pack's time goes, by stage
    for (message, at), (_, until) in zip(marks, marks[1:]):
        results[f"  {message}"] = until - at
    results["load_average_before"], results["load_average_after"] = load_before, os.getloadavg()[0]
    return results


def _unit(name: str) -> str:
    return "" if name.startswith(("load_average", "pack_full_to_four")) or name == "full_charts" else "s"


if __name__ == "__main__":
    figures = run()
    for name, value in figures.items():
        print(f"{name:60s} {value:6.3f} {_unit(name)}")
