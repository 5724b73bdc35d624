"""``sample``: the deterministic 9-unit sample data, or a large generated data set for load tests."""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from oversight.cli import options, stderr
from oversight.cli.usage_language import help_text, path_argument
from oversight.core import i18n


def add_sample(commands) -> None:
    sample = commands.add_parser("sample", help=help_text("sample"), description=help_text("sample"))
    sample.add_argument("--out", type=path_argument, default=Path("data"), help=help_text("common.out_folder"))
    sample.add_argument("--scale", type=int, metavar="N", help=help_text("sample.scale"))
    sample.add_argument("--csv", action="store_true", help=help_text("sample.csv"))
    sample.add_argument("--force", action="store_true", help=help_text("sample.force"))
    options.language_option(sample)  # as every other command: it alone refused --lang en, and spoke Chinese only
    sample.set_defaults(run=_run_sample)


def _run_sample(args: argparse.Namespace) -> int:
    if args.scale is not None and args.scale < 1:
        stderr.say(i18n.t("data.cli.sample.scale_too_small", args.lang), args.lang)
        return 2
    try:
        placed = _write_into(args)
    except OSError as error:  # a file of that name, no permission, /proc: said in words, not as the error's class
        stderr.say(
            i18n.t(
                "data.cli.sample.write_failed", args.lang, path=args.out, reason=options.write_problem(error, args.lang)
            ),
            args.lang,
        )
        return 1
    if placed is None:
        return 1
    for path in placed:
        print(path)
    return 0


def _write_into(args: argparse.Namespace) -> list[Path] | None:
    """The sample written into ``args.out``; None (and why, on standard error) where it would replace ledgers it
    must not."""
    from oversight.ingest import folder_lock

    args.out.mkdir(parents=True, exist_ok=True)
    # written beside the folder first: the office's own ledgers are never overwritten by a sample unasked (the
    # default folder is the one `make run` and the dashboard read)
    with tempfile.TemporaryDirectory(prefix=".sample-", dir=args.out) as scratch:
        written = _write(args, Path(scratch))
        with folder_lock.exclusive(args.out):
            differing = _ledgers_replaced(args.out, written)
            if differing and _kept_by_record(args.out):
                # a folder with accounts or an import history is the office's: a change to it is audited and can
                # be undone, which a sample written over it would be neither
                stderr.say(i18n.t("data.cli.sample.live_folder", args.lang, folder=args.out), args.lang)
                return None
            if differing and not args.force:
                stderr.say(
                    i18n.t(
                        "data.cli.sample.would_overwrite",
                        args.lang,
                        folder=args.out,
                        files=i18n.listed(differing, args.lang),
                    ),
                    args.lang,
                )
                return None
            return _place(args.out, written)


def _kept_by_record(folder: Path) -> bool:
    """Whether the folder is guarded by accounts or has an import history (what ``import`` and ``undo`` keep)."""
    from oversight.auth.accounts_marker import remembered_users_file
    from oversight.ingest.import_history import list_history

    history = list_history(folder)
    return remembered_users_file(folder) is not None or bool(history) or bool(history.damaged)


def _write(args: argparse.Namespace, folder: Path) -> list[Path]:
    if args.scale is not None:
        from oversight.devdata import scale

        return scale.write(folder, args.scale, csv=args.csv)
    from oversight.devdata import sample as sample_data

    return sample_data.write(folder)


def _ledgers_replaced(out: Path, written: list[Path]) -> list[str]:
    """The table files in ``out`` that writing ``written`` would replace or remove with other content."""
    from oversight.ingest.table_files import table_files

    differing = []
    for new in written:
        for old in table_files(out, new.stem):
            if old.name != new.name or old.read_bytes() != new.read_bytes():
                differing.append(old.name)
    return differing


def _place(out: Path, written: list[Path]) -> list[Path]:
    """Each written file moved into ``out`` in one step, and a table's file of the other kind removed (the store
    prefers .xlsx: a stale twin would be read instead)."""
    from oversight.ingest.table_files import table_files

    placed = []
    for new in written:
        for old in table_files(out, new.stem):
            if old.name != new.name:
                old.unlink()
        target = out / new.name
        os.replace(new, target)
        placed.append(target)
    return placed
