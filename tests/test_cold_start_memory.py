"""A cold start (the data folder's CSV ledgers, no Parquet cache yet) holds one ledger's rows at a time, and few of them.

At a million meetings the server's start peaked at 1.41 GB (the warm start: 499 MB): the CSV decoded whole and copied
whole into the reader's buffer, a new string for each of ten million cells (units, dates, kinds and 是/否 repeated a
million times), the raw rows still held while the ids were compared, and every parsed frame held while the later
ledgers were read. Measured in a process of its own (its ``VmHWM``, as the benchmark reads the server's), at 100,000
meetings, as the growth over what the process held before it read the folder (the DuckDB tables built from it are
the warm start's, bounded by the benchmark).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from oversight.devdata import scale

ROOT = Path(__file__).resolve().parent.parent
MEETINGS = 100_000
# growth of the peak over the process's size before the folder is read: 148–149 MB before (the server's cold start at
# 1M: 1.47 GB), 66–76 MB now; the bound leaves room for allocator noise, not for a whole text copy decoded, every cell
# its own string or every parsed column held twice
MOST_GROWTH_MB = 100

_OPEN_COLD = """
import json, sys
from pathlib import Path
from oversight.ingest import checked_folder

def status():
    fields = {}
    with open("/proc/self/status") as lines:
        for line in lines:
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                fields[name] = int(value.split()[0]) / 1024
    return fields

before = status()["VmRSS"]
sources = checked_folder.load_folder(Path(sys.argv[1]), prefer_paths=True)  # what the store's open_folder reads
after = status()
kinds = {name: type(source).__name__ for name, source in sources.items()}
print(json.dumps({"before": before, "peak": after["VmHWM"], "rss": after["VmRSS"], "kinds": kinds}))
"""


def test_a_cold_start_on_csv_ledgers_peaks_at_a_bounded_growth(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    scale.write(folder, MEETINGS, csv=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", _OPEN_COLD, str(folder)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    assert any((folder / ".cache").glob("meetings.*.parquet")), "the cold start wrote no cache"
    # the ledgers that are not checked against are handed on as their cache files, as a warm start hands them
    assert measured["kinds"]["meetings"] == "PosixPath", measured
    growth = measured["peak"] - measured["before"]
    assert growth <= MOST_GROWTH_MB, (
        f"a cold start on {MEETINGS:,} meetings grew {growth:.0f} MB at its peak: {measured}"
    )


def test_a_text_tables_repeated_cells_are_held_once_and_read_as_before():
    from oversight.ingest import files

    lines = ["\ufeff\ufeff会议编号,单位,合并召开"] + [
        f"HY-{n:06d},长沙市民政局,{'是' if n % 2 else '否'}" for n in range(40_000)
    ]
    for encoding in ("utf-8-sig", "gb18030", "utf-16"):
        rows = files._read_text_rows("\r\n".join(lines).encode(encoding), None)
        assert rows[0] == ["会议编号", "单位", "合并召开"], encoding  # every BOM taken off the header
        assert [row[0] for row in rows[1:]] == [f"HY-{n:06d}" for n in range(40_000)]
        assert len({id(row[1]) for row in rows[1:]}) == 1 and len({id(row[2]) for row in rows[1:]}) == 2, encoding
        assert rows[-1] == ["HY-039999", "长沙市民政局", "是"]
