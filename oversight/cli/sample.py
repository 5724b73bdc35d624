"""``sample``: the deterministic 9-unit sample data, or a large generated data set for load tests."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_sample(commands) -> None:
    sample = commands.add_parser("sample", help="write the deterministic sample data")
    sample.add_argument("--out", type=Path, default=Path("data"), help="folder to write into (default: data)")
    sample.add_argument(
        "--scale",
        type=int,
        metavar="N",
        help="instead of the 9-unit sample, N meetings over ~500 units and 12 quarters (load tests)",
    )
    sample.add_argument("--csv", action="store_true", help="with --scale: write CSV instead of xlsx")
    sample.set_defaults(run=_run_sample)


def _run_sample(args: argparse.Namespace) -> int:
    if args.scale is not None:
        from oversight.devdata import scale

        if args.scale < 1:
            print("--scale needs at least 1 meeting", file=sys.stderr)
            return 2
        written = scale.write(args.out, args.scale, csv=args.csv)
    else:
        from oversight.devdata import sample as sample_data

        written = sample_data.write(args.out)
    for path in written:
        print(path)
    return 0
