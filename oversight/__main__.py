"""The command line: ``python -m oversight sample --out data``."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m oversight", description="Oversight (派驻监督工作看板) tools")
    commands = parser.add_subparsers(dest="command", required=True)
    sample = commands.add_parser("sample", help="write the deterministic sample data")
    sample.add_argument("--out", type=Path, default=Path("data"), help="folder to write into (default: data)")
    args = parser.parse_args(argv)

    if args.command == "sample":
        from oversight import sample as sample_data

        for path in sample_data.write(args.out):
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
