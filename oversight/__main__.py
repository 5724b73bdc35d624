"""The command line, on the same code as the Data page.

    python -m oversight sample --out data
    python -m oversight sample --scale N --out DIR [--csv]
    python -m oversight validate FILE... [--table T] [--mode replace|append] [--json] [--lang zh|en]
    python -m oversight import FILE... [--table T] [--mode replace|append]
    python -m oversight history
    python -m oversight undo
    python -m oversight template --table T --out FILE

Every command but ``sample`` works on ``OVERSIGHT_DATA_DIR`` (default: the
sample data). Exit status: 0 done, 1 the input has problems.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from oversight import i18n
from oversight.schema import TABLES


def _language_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=("zh", "en"), default=i18n.DEFAULT_LANGUAGE,
                        help="language of the report (default: zh)")


def _add_sample(commands) -> None:
    sample = commands.add_parser("sample", help="write the deterministic sample data")
    sample.add_argument("--out", type=Path, default=Path("data"), help="folder to write into (default: data)")
    sample.add_argument("--scale", type=int, metavar="N",
                        help="instead of the 9-unit sample, N meetings over ~500 units and 12 quarters (load tests)")
    sample.add_argument("--csv", action="store_true", help="with --scale: write CSV instead of xlsx")
    sample.set_defaults(run=_run_sample)


def _run_sample(args: argparse.Namespace) -> int:
    if args.scale is not None:
        from oversight import scale

        if args.scale < 1:
            print("--scale needs at least 1 meeting", file=sys.stderr)
            return 2
        written = scale.write(args.out, args.scale, csv=args.csv)
    else:
        from oversight import sample as sample_data

        written = sample_data.write(args.out)
    for path in written:
        print(path)
    return 0


def _add_validate(commands) -> None:
    validate = commands.add_parser("validate", help="check files against the current data; write nothing")
    validate.add_argument("files", nargs="+", type=Path, metavar="FILE")
    validate.add_argument("--table", choices=sorted(TABLES), help="the table the file holds (default: detect)")
    validate.add_argument("--mode", choices=("replace", "append"), default="replace")
    validate.add_argument("--json", action="store_true", help="machine-readable output")
    _language_option(validate)
    validate.set_defaults(run=_run_validate)


def _run_validate(args: argparse.Namespace) -> int:
    from oversight import importer

    plan = importer.plan_import(args.files, table=args.table, mode=args.mode)
    if args.json:
        print(json.dumps(plan.as_dict(args.lang), ensure_ascii=False, indent=1, default=str))
    else:
        print(importer.render_plan(plan, args.lang))
    return 0 if plan.ok else 1


def _add_import(commands) -> None:
    command = commands.add_parser("import", help="import files into the data folder (previous version kept)")
    command.add_argument("files", nargs="+", type=Path, metavar="FILE")
    command.add_argument("--table", choices=sorted(TABLES), help="the table the file holds (default: detect)")
    command.add_argument("--mode", choices=("replace", "append"), default="replace")
    _language_option(command)
    command.set_defaults(run=_run_import)


def _run_import(args: argparse.Namespace) -> int:
    from oversight import importer

    plan = importer.plan_import(args.files, table=args.table, mode=args.mode)
    print(importer.render_plan(plan, args.lang))
    if not plan.ok:
        return 1
    entry = importer.apply_import(plan)
    print(i18n.t("data.report.imported", args.lang, id=entry.id))
    return 0


def _add_history(commands) -> None:
    command = commands.add_parser("history", help="list recorded imports and undos")
    _language_option(command)
    command.set_defaults(run=_run_history)


def _run_history(args: argparse.Namespace) -> int:
    from oversight import importer

    entries = importer.list_history()
    if not entries:
        print(i18n.t("data.history.empty", args.lang))
    for entry in entries:
        print(importer.render_entry(entry, args.lang))
    return 0


def _add_undo(commands) -> None:
    command = commands.add_parser("undo", help="restore the data as it was before the latest import")
    _language_option(command)
    command.set_defaults(run=_run_undo)


def _run_undo(args: argparse.Namespace) -> int:
    from oversight import importer, ingest

    try:
        entry = importer.undo_last()
    except ingest.ValidationError as error:
        print(error.render(args.lang).strip(), file=sys.stderr)
        return 1
    print(i18n.t("data.report.undone", args.lang, id=entry.id, undoes=entry.undoes))
    return 0


def _add_template(commands) -> None:
    command = commands.add_parser("template", help="write a fill-in .xlsx template for a table")
    command.add_argument("--table", choices=sorted(TABLES), required=True)
    command.add_argument("--out", type=Path, required=True, metavar="FILE")
    _language_option(command)
    command.set_defaults(run=_run_template)


def _run_template(args: argparse.Namespace) -> int:
    from oversight import importer, store, templates

    current, _ = importer.load_current(store.data_dir())
    path = templates.write_template(args.out, TABLES[args.table], current.get("units"), args.lang)
    print(i18n.t("data.report.template_written", args.lang, path=path))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m oversight", description="Oversight (派驻监督工作看板) tools")
    commands = parser.add_subparsers(dest="command", required=True)
    for add in (_add_sample, _add_validate, _add_import, _add_history, _add_undo, _add_template):
        add(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
