"""Time the exports a leader waits for: one chart PNG cold (browser start included) and warm, and the briefing
pack of the Overview's four charts beside the full pack of every chart (18), in both languages.

Run: ``.venv/bin/python bench/export_bench.py``. Prints the figures and returns them as a dict.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # runnable from the project folder without installing

from oversight import briefing, charts, export
from oversight.charts import catalog
from oversight.data import queries, store
from oversight.export import marking

WARM_RUNS = 5
PACK_RUNS = 3  # the median of three: the machine is shared, one run can land on a busy moment


def _seconds(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _pack(connection, filter_, lang: str, specs, marks: list | None = None) -> float:
    started = time.perf_counter()
    progress = (lambda _fraction, message: marks.append((message, time.perf_counter()))) if marks is not None else None
    briefing.build_briefing_pack(connection, filter_, lang, specs, progress=progress,
                                 marking=marking.for_viewer("bench", False, lang))
    return time.perf_counter() - started


def run() -> dict[str, float]:
    connection = store.open_folder(store.SAMPLE_DATA_DIR)
    filter_ = queries.data_span(connection).default_filter()
    spec = charts.OVERVIEW_CHARTS[0]
    figure = export.with_subtitle(spec.build(queries.run(connection, spec.query, filter_), "zh"), "bench")
    results = {"png_cold_s": _seconds(lambda: export.figure_png(figure))}  # first call starts kaleido's Chromium
    results["png_warm_median_s"] = statistics.median(_seconds(lambda: export.figure_png(figure)) for _ in range(WARM_RUNS))
    full = catalog.all_charts()
    for lang in ("zh", "en"):
        results[f"pack_{lang}_s"] = statistics.median(_pack(connection, filter_, lang, charts.OVERVIEW_CHARTS)
                                                      for _ in range(PACK_RUNS))
        results[f"pack_full_{lang}_s"] = statistics.median(_pack(connection, filter_, lang, full)
                                                           for _ in range(PACK_RUNS))
    results["full_charts"] = float(len(full))
    marks: list[tuple[str, float]] = []
    _pack(connection, filter_, "en", full, marks)  # where the full pack's time goes, by stage
    for (message, at), (_, until) in zip(marks, marks[1:]):
        results[f"  {message}"] = until - at
    return results


if __name__ == "__main__":
    figures = run()
    for name, seconds in figures.items():
        print(f"{name:60s} {seconds:6.2f} s")
