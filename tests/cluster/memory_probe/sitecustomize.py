"""Where a replica's memory goes, for tests/cluster/measure_memory.py only (never in a deployment).

Put this folder first on a replica's PYTHONPATH with ``OVERSIGHT_MEMORY_PROBE=<file>``: Python then traces
its allocations (tracemalloc) and, on SIGUSR1, writes the live ones to that file, each counted against the
innermost frame in Streamlit or in our package (so a DataFrame built by pandas for a cached query counts
as the query's, not pandas'). What tracemalloc cannot see (DuckDB, Arrow, the allocator's own slack) is the
difference between the process's RSS and the traced total.
"""

from __future__ import annotations

import json
import os
import signal
import tracemalloc
from collections import Counter
from pathlib import Path

_OURS = ("/oversight/", "/streamlit/")
_FRAMES = 12


def _site(trace: tracemalloc.Trace) -> str:
    for frame in reversed(trace.traceback):  # innermost first (frames are stored oldest first)
        for marker in _OURS:
            if marker in frame.filename:
                return marker.strip("/") + "/" + frame.filename.split(marker, 1)[1]
    return "(other: " + os.path.basename(trace.traceback[-1].filename) + ")"


def _dump(_signum, _frame) -> None:
    target = Path(os.environ["OVERSIGHT_MEMORY_PROBE"])
    snapshot = tracemalloc.take_snapshot()
    by_site: Counter[str] = Counter()
    for trace in snapshot.traces:
        by_site[_site(trace)] += trace.size
    report = {
        "traced_mb": round(sum(by_site.values()) / 2**20, 1),
        "top": [[site, round(size / 2**20, 2)] for site, size in by_site.most_common(25)],
    }
    temporary = target.with_suffix(".tmp")
    temporary.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    temporary.replace(target)  # the reader never sees half a report


if os.environ.get("OVERSIGHT_MEMORY_PROBE"):
    tracemalloc.start(_FRAMES)
    signal.signal(signal.SIGUSR1, _dump)
