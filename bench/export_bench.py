"""Time the exports a leader waits for: one chart PNG cold (browser start included), warm, and the whole pack.

Run: ``.venv/bin/python bench/export_bench.py``. Prints the figures and returns them as a dict.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # runnable from the project folder without installing

from oversight import briefing, charts, export, queries, store  # noqa: E402

WARM_RUNS = 5


def _seconds(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def run() -> dict[str, float]:
    connection = store.open_folder(store.SAMPLE_DATA_DIR)
    filter_ = queries.data_span(connection).default_filter()
    spec = charts.OVERVIEW_CHARTS[0]
    figure = export.with_subtitle(spec.build(queries.run(connection, spec.query, filter_), "zh"), "bench")
    results = {"png_cold_s": _seconds(lambda: export.figure_png(figure))}  # first call starts kaleido's Chromium
    results["png_warm_median_s"] = statistics.median(_seconds(lambda: export.figure_png(figure)) for _ in range(WARM_RUNS))
    for lang in ("zh", "en"):
        marks: list[tuple[str, float]] = []
        started = time.perf_counter()
        briefing.build_briefing_pack(connection, filter_, lang,
                                     progress=lambda _fraction, message: marks.append((message, time.perf_counter())))
        results[f"pack_{lang}_s"] = time.perf_counter() - started
        if lang == "en":  # where the pack's time goes, by stage (English messages read better in a terminal)
            for (message, at), (_, until) in zip(marks, marks[1:]):
                results[f"  {message}"] = until - at
    return results


if __name__ == "__main__":
    figures = run()
    for name, seconds in figures.items():
        print(f"{name:42s} {seconds:6.2f} s")
