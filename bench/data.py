"""Scale data folders for the benchmarks, generated once and kept while their parameters are unchanged.

They live under ``test-output/bench-data/`` (git-ignored, removed by ``make clean``),
named by meetings, seed and a hash of the generator's source, so editing
``oversight/devdata/scale.py`` makes a fresh folder and an unchanged one is reused.
Each folder's Parquet cache is primed once, so a server started on it is warm.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from pathlib import Path

from oversight.devdata import scale
from oversight.ingest import checked_folder, table_cache

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATA = ROOT / "test-output" / "bench-data"
READY = ".ready"


def _generator_version() -> str:
    return hashlib.sha256(Path(scale.__file__).read_bytes()).hexdigest()[:10]


def scale_folder(meetings: int, seed: int = scale.SEED, log=print) -> Path:
    """The folder for ``meetings`` meetings, written (and its cache primed) on first use."""
    folder = BENCH_DATA / f"scale-{meetings}-seed{seed}-{_generator_version()}"
    if (folder / READY).exists():
        checked_folder.read_folder(folder)  # a hit in well under a second; re-primes if the reader's code changed
        return folder
    for stale in BENCH_DATA.glob(f"scale-{meetings}-seed{seed}-*"):
        shutil.rmtree(stale, ignore_errors=True)
    log(f"  generating {meetings:,} meetings into {folder.relative_to(ROOT)} (once) …")
    started = time.perf_counter()
    scale.write(folder, meetings, seed)
    written = time.perf_counter() - started
    started = time.perf_counter()
    checked_folder.read_folder(folder)  # validates and primes the Parquet cache
    log(f"  written in {written:.1f} s, validated and cached in {time.perf_counter() - started:.1f} s")
    (folder / READY).write_text(f"{meetings}\n")
    return folder


def drop_cache(folder: Path) -> None:
    shutil.rmtree(table_cache.cache_dir(folder), ignore_errors=True)
