"""README, docs/*.md and the code say the same thing: what a new administrator or developer reads is what runs.

Each test reads one thing from the code (the environment variables it reads, the URL parameters it parses, the
command line's commands and options, the Makefile's variables and packages, the packages' modules) and looks for it
in the documents, and the other way round, so that a setting added without a line in README, or a line left after
its setting went, fails here rather than misleading the next reader.
"""

from __future__ import annotations

import argparse
import ast
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

from oversight.cli import main as cli_main
from oversight.cli import options, schedule
from oversight.data import filters

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = {path.name: path.read_text(encoding="utf-8") for path in sorted((ROOT / "docs").glob("*.md"))}
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")

# the functions that read one environment variable, by its name as their first argument
_READERS = {"setting", "setting_as_set", "_env_megabytes", "getenv"}


def _section(text: str, heading: str) -> str:
    """The body of the ``## heading`` section (up to the next ``## ``)."""
    return text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]


def _table_rows(section: str) -> list[list[str]]:
    """The cells of every row of the first Markdown table in ``section`` (header and rule left out)."""
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in row.strip("|").split(" | ")] for row in rows[2:]]


def _string_constants(tree: ast.Module) -> dict[str, str]:
    """Module-level ``NAME = "TEXT"`` assignments (a variable's name kept in a constant)."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = node.value.value
    return found


def _variables_read(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    constants = _string_constants(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        environ_get = (
            name == "get"
            and isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Attribute)
            and func.value.attr == "environ"
        )
        if name not in _READERS and not environ_get:
            continue
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            yield first.value
        elif isinstance(first, ast.Name) and first.id in constants:
            yield constants[first.id]


def _environment_read_by_the_product() -> set[str]:
    """Every environment variable the app, the CLI and `make cluster` read (tests and benchmarks aside)."""
    sources = [*(ROOT / "oversight").rglob("*.py"), *(ROOT / "deploy").rglob("*.py"), ROOT / "app.py"]
    names = {name for path in sources for name in _variables_read(path)}
    return {name for name in names if re.fullmatch(r"[A-Z][A-Z0-9_]*", name) and name != "PYTHONPATH"}


def _configuration_rows() -> list[tuple[list[str], list[str]]]:
    """README's Configuration table: (the variables a row names, the defaults in backticks it gives them)."""
    rows = []
    for name_cell, default_cell, _meaning in _table_rows(_section(README, "Configuration")):
        rows.append((re.findall(r"`([A-Z][A-Z0-9_]*)`", name_cell), re.findall(r"`([^`]*)`", default_cell)))
    return rows


def _make_defaults() -> dict[str, str]:
    """The Makefile's settable variables (``NAME ?= value``) and their defaults."""
    return dict(re.findall(r"^([A-Z][A-Z0-9_]*) \?= (.*)$", MAKEFILE, re.M))


# Make variables only the test suite sets (tests/test_deploy.py points them at a fake nginx); not for a reader.
_MAKE_TEST_ONLY = {"NGINX", "NGINX_DEFAULT_SITE"}


def test_every_environment_variable_read_is_in_the_configuration_table_and_back():
    documented = {name for names, _ in _configuration_rows() for name in names}
    read = _environment_read_by_the_product()
    assert read - documented == set(), "read by the code, missing from README's Configuration table"
    make_variables = set(_make_defaults()) - _MAKE_TEST_ONLY
    assert documented - read - make_variables == set(), "in README's Configuration table, read by nothing"


def test_every_make_variable_is_documented_with_the_makefiles_default():
    documented = {}
    for names, defaults in _configuration_rows():
        if len(names) == len(defaults):
            documented.update(zip(names, defaults))
    for name, default in _make_defaults().items():
        if name in _MAKE_TEST_ONLY:
            continue
        assert name in documented, f"make's {name} is not in README's Configuration table"
        assert documented[name] == default, (name, documented[name], default)


def test_configured_defaults_are_the_codes():
    from oversight.auth import remembered
    from oversight.core import i18n
    from oversight.ingest import files

    documented = {}
    for names, defaults in _configuration_rows():
        if len(names) == 1 and defaults:
            documented[names[0]] = defaults[0]
    assert documented["OVERSIGHT_MAX_UPLOAD_MB"] == str(files.DEFAULT_MAX_UPLOAD_MB)
    assert documented["OVERSIGHT_MAX_INFLATED_MB"] == str(files.DEFAULT_MAX_INFLATED_MB)
    assert documented["OVERSIGHT_REMEMBER_HOURS"] == f"{remembered.DEFAULT_HOURS:g}"
    assert documented["OVERSIGHT_DATA_DIR"] == "data/"
    marking = next(row for row in _table_rows(_section(README, "Configuration")) if "`OVERSIGHT_MARKING`" in row[0])
    assert marking[1] == f"{i18n.t('marking.default', 'zh')} / {i18n.t('marking.default', 'en')}"


def test_the_two_commands_install_the_packages_readme_names():
    packages = re.search(r"^SYSTEM_PACKAGES := (.*)$", MAKEFILE, re.M)
    assert packages is not None
    system_recipe = MAKEFILE.split("\nsystem:\n", 1)[1].split("\n\n", 1)[0]
    two_commands = _section(README, "The two commands").replace(
        "libreoffice-impress/-writer", "libreoffice-impress libreoffice-writer"
    )
    for package in packages.group(1).split():
        assert package in system_recipe, f"{package} is in SYSTEM_PACKAGES but `make system` never installs it"
        assert package in two_commands, f"`make run` installs {package}; README's two commands do not say so"
    assert (ROOT / ".ci" / "run").read_text(encoding="utf-8").rstrip().endswith("make test")
    # and what `make test` installs besides (its `system-cluster` step: Debian's nginx, its service disabled), which
    # README's line for it left out: an administrator running the suite on a server found a web server installed
    make_test = next(line for line in two_commands.splitlines() if line.startswith("make test "))
    test_steps = re.search(r"^test: (.*)$", MAKEFILE, re.M)
    assert test_steps is not None
    for step in test_steps.group(1).split():
        recipe = MAKEFILE.split(f"\n{step}:\n", 1)[1].split("\n\n", 1)[0] if f"\n{step}:\n" in MAKEFILE else ""
        for package in re.findall(r"apt-get install [^\n]*--no-install-recommends (\w[\w-]*)", recipe):
            assert package in make_test, f"`make test` installs {package}; README's line for it does not say so"


def test_every_url_parameter_parsed_is_documented_and_back():
    rows = _table_rows(_section(README, "URL parameters"))
    documented = {name for row in rows for name in re.findall(r"`(\w+)`", row[0])}
    assert documented == set(filters.URL_KEYS)
    assert f"At most {filters.MAX_URL_UNIT_VALUES} `unit` values" in _section(README, "URL parameters")


def _commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every command the CLI runs (``user add`` …), with its parser."""
    subparsers = [action for action in parser._actions if isinstance(action, argparse._SubParsersAction)]
    if not subparsers:
        yield path, parser
        return
    for name, child in subparsers[0].choices.items():
        yield from _commands(child, (*path, name))


def test_every_cli_command_and_option_is_documented():
    everything = README + "".join(DOCS.values())
    undocumented = []
    for path, parser in _commands(cli_main.build_parser()):
        # a command is named as it is typed (`oversight user add`), or among its siblings (`user list | passwd NAME`)
        if f"oversight {' '.join(path)}" not in README and not re.search(rf"\| {path[-1]} [A-Z]", README):
            undocumented.append(" ".join(path))
        undocumented += _options_not_in(path, parser, everything)
    assert undocumented == []


def _options_not_in(path: tuple[str, ...], parser, text: str) -> list[str]:
    """The command's long options (but --help) that ``text`` does not name, as ``command --option``."""
    return [
        f"{' '.join(path)} {option}"
        for action in parser._actions
        for option in action.option_strings
        if option.startswith("--") and option != "--help" and not re.search(rf"{option}\b", text)
    ]


def test_every_cluster_subcommand_and_option_is_documented():
    """``python -m deploy.cluster status`` was in no document: each subcommand is named as it is typed in
    docs/DEPLOY.md, and each of its options is there too."""
    from deploy import cluster

    deploy = DOCS["DEPLOY.md"]
    undocumented = []
    for path, parser in _commands(cluster.build_parser()):
        if f"deploy.cluster {' '.join(path)}" not in deploy:
            undocumented.append(" ".join(path))
        undocumented += _options_not_in(path, parser, deploy)
    assert undocumented == []


def _users_file_section() -> str:
    return _section(README, "Access and audit").split("\n### The users file", 1)[1]


def test_every_key_of_the_users_file_is_documented_and_back(tmp_path):
    """Administrators edit the users file by hand and its format was written nowhere: README's table names every key
    an account's table may hold, the keys the loader reads and ``user`` writes are those, and its example loads."""
    from oversight.auth import accounts

    documented = [re.findall(r"`(\w+)`", row[0])[0] for row in _table_rows(_users_file_section())]
    assert sorted(documented) == sorted(accounts.ENTRY_KEYS)
    loader = next(
        node
        for node in ast.walk(ast.parse(Path(accounts.__file__).read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef) and node.name == "_record_from_toml"
    )
    read = {
        node.args[0].value
        for node in ast.walk(loader)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and isinstance(node.args[0], ast.Constant)
    }
    assert read == set(accounts.ENTRY_KEYS)
    everything = accounts.UserRecord("x", "unit", ("gov_office",), "x@example.org", "$argon2id$x", True, 2)
    written = tomllib.loads(accounts.render_users({"x": everything}))["users"]["x"]
    assert set(written) == set(accounts.ENTRY_KEYS)
    (example,) = re.findall(r"```toml\n(.*?)```", _users_file_section(), re.S)
    (tmp_path / "users.toml").write_text(example, encoding="utf-8")
    loaded = accounts.load_users(tmp_path / "users.toml")
    assert {key for record in tomllib.loads(example)["users"].values() for key in record} == set(accounts.ENTRY_KEYS)
    assert len(loaded) >= 3


def test_exit_statuses_are_the_ones_docs_list():
    heading = "| exit status | meaning |"
    table = _table_rows(heading + DOCS["ALERTS.md"].split(heading, 1)[1].split("\n\n", 1)[0])
    documented = {int(row[0]) for row in table if row[0].isdigit()}
    used = {schedule.OK, schedule.INPUT_PROBLEM, 2, schedule.REFUSED, schedule.PUSH_FAILED}
    used |= {schedule.NO_RENDERER, schedule.MAY_HAVE_SENT, options.REFUSED, options.INTERRUPTED}
    assert documented == used


def test_architecture_names_every_module_of_every_package():
    """A new developer looks a module up in docs/ARCHITECTURE.md's table: each package's row names each module."""
    rows = {row[0].strip("`"): row for row in _table_rows(_section(DOCS["ARCHITECTURE.md"], "The packages"))}
    missing = []
    for package in sorted(path for path in (ROOT / "oversight").iterdir() if (path / "__init__.py").exists()):
        key = f"oversight/{package.name}/"
        assert key in rows, f"{key} has no row in docs/ARCHITECTURE.md"
        described = " ".join(rows[key][1:])
        for module in sorted(package.glob("*.py")):
            if module.stem != "__init__" and f"`{module.stem}`" not in described:
                missing.append(f"{package.name}.{module.stem}")
        # and back: a main module the row names is there (one renamed or removed leaves a reader looking for it)
        for name in re.findall(r"`(\w+)`", rows[key][2]):
            if not (package / f"{name}.py").exists():
                missing.append(f"{package.name}.{name} (named, not there)")
    assert missing == []


def _defined_terms() -> str:
    """The first column of every table in README's 口径说明: the terms it defines."""
    definitions = README.split("\n## 口径说明", 1)[1].split("\n## ", 1)[0]
    return " ".join(line.split(" | ", 1)[0] for line in definitions.splitlines() if line.startswith("| "))


def test_every_alert_rule_and_ranking_shown_has_a_definition():
    """The 预警 strip, the digest and the pages' counted lists show figures no card carries (the cards' own are
    checked in test_definitions.py): each has its row in 口径说明, under the word the screen shows."""
    from oversight import alerts
    from oversight.core import i18n

    terms = _defined_terms()
    shown = [i18n.t(f"alerts.rule.{rule}", "zh") for rule in alerts.RULES]
    shown.append(i18n.t("alerts.strip.oldest", "zh", unit="", description="", count=0).split("：")[0])  # 逾期最久
    shown.append(i18n.t("table.meeting_reduction", "zh").removeprefix("各单位").split("（")[0])  # 精简会议排名
    shown.append(
        i18n.t("table.units_without_consultation", "zh", period="", in_period="").removesuffix("的单位")
    )  # 未开展定期会商
    # the issue tables' counted days: 逾期天数 was defined only inside 逾期最久's row, 已历时 nowhere
    shown += [i18n.t(f"column.{name}", "zh").split("（")[0] for name in ("days_overdue", "age_days")]
    assert [term for term in shown if term not in terms] == []


def test_days_overdue_and_age_are_counted_one_way_in_every_query():
    """逾期天数 and 已历时, wherever a query gives them (the Issues page's tables and downloads, the pack's lists, the 预警
    strip and the digest), are the calendar days from the deadline, or the day raised, to the as-of date: the way
    README's 口径说明 writes them, and no query counting one of its own (an extra day, or to today)."""
    import re

    found = {}
    for path in sorted((ROOT / "queries").rglob("*.sql")):
        text = re.sub(r"--[^\n]*", "", path.read_text(encoding="utf-8"))
        for counted, column in re.findall(r"(\S[^\n]*?)\s+as\s+(days_overdue|age_days)\b", text):
            found[f"{path.relative_to(ROOT)}:{column}"] = counted.strip()
    expected = {
        "days_overdue": r"date_diff\('day', (?:\w+\.)?due_date, \$(?:period_end|as_of)\)",
        "age_days": r"date_diff\('day', (?:\w+\.)?date_raised, \$period_end\)",
    }
    assert len(found) >= 5, found
    assert {
        where: counted
        for where, counted in found.items()
        if not re.search(r"(?:^|then )" + expected[where.split(":")[1]] + r"(?: end)?$", counted)
    } == {}
    definitions = README.split("\n## 口径说明", 1)[1].split("\n## ", 1)[0]
    assert "逾期天数 days overdue | the as-of date − 整改期限" in definitions
    assert "已历时 age | the as-of date − 发现日期" in definitions


def test_architecture_layers_are_the_import_contracts():
    """docs/ARCHITECTURE.md draws the layers `make check` enforces (pyproject.toml's import-linter contract)."""
    import tomllib

    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    layers = next(contract["layers"] for contract in contracts["contracts"] if contract["type"] == "layers")
    enforced = [" | ".join(part.strip().removeprefix("oversight.") for part in layer.split("|")) for layer in layers]
    drawn = _section(DOCS["ARCHITECTURE.md"], "What may import what").split("```\n", 2)[1].splitlines()
    assert [line.split("  ")[0].strip() for line in drawn] == enforced


def test_every_alerts_setting_is_in_the_documented_example_and_back():
    """docs/ALERTS.md's example settings file shows every key the settings file takes, and only those."""
    from oversight.alerts import configuration

    example = DOCS["ALERTS.md"].split("```toml\n", 1)[1].split("```", 1)[0]
    # a key as written in the example, set or commented out (`# state_file = …`)
    written = set(re.findall(r"^#? ?(\w+) +=", example, re.M))
    taken = {"account", "lang"} | configuration.PUSH_KEYS | configuration.CHANNEL_KEYS
    taken |= {key for keys in configuration.RULE_KEYS.values() for key in keys}
    assert written == taken
    assert {f"rules.{rule}" for rule in configuration.RULE_NAMES} == set(
        re.findall(r"^\[(rules\.\w+)\]", example, re.M)
    )


def test_every_file_the_documents_point_to_is_there():
    """A path in README, CONTRIBUTING or docs/ (the performance log aside: it tells of files since replaced) is a
    file or folder of the repository, so a reader sent to `queries/x.sql` finds it."""
    documents = {"README.md": README, "CONTRIBUTING.md": (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")}
    documents |= {name: text for name, text in DOCS.items() if name != "PERFORMANCE.md"}
    # what a command writes and git ignores (`make bench`'s bench/results.json) is not in a checkout
    written = {line.strip("/") for line in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()}
    missing = []
    for name, text in documents.items():
        for path in re.findall(r"`((?:oversight|queries|tests|pages|deploy|bench|docs)/[\w./-]*)`", text):
            if "<" not in path and "NN_" not in path and path not in written and not (ROOT / path).exists():
                missing.append(f"{name}: {path}")
    assert missing == []


def test_every_make_target_is_documented():
    """Each target a person runs (`.PHONY`, the install steps `system`/`system-cluster` aside) is named in README
    or CONTRIBUTING, and every `make X` they name is a target."""
    phony = re.search(r"^\.PHONY: (.*)$", MAKEFILE, re.M)
    assert phony is not None
    targets = set(phony.group(1).split())
    both = README + (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert {
        t for t in targets - {"system", "system-cluster"} if f"make {t}`" not in both and f"make {t} " not in both
    } == set()
    named = set(re.findall(r"`make ([a-z-]+)", both))
    assert named - targets == set()


def test_make_help_lists_every_target():
    """CONTRIBUTING says `make help` lists every target; `make clean` was missing from it. Each target a person runs
    (`.PHONY`, the install steps and `help` itself aside) has its line in the help recipe, and each line names one."""
    phony = re.search(r"^\.PHONY: (.*)$", MAKEFILE, re.M)
    assert phony is not None
    targets = set(phony.group(1).split()) - {"system", "system-cluster", "help"}
    recipe = MAKEFILE.split("\nhelp:\n", 1)[1].split("\n\n", 1)[0]
    listed = set(re.findall(r'@echo "make ([a-z-]+)', recipe)) | set(re.findall(r"; make ([a-z-]+)", recipe))
    assert targets - listed == set(), "targets `make help` does not list"
    assert listed - targets == set(), "`make help` lists what is no target"
    assert "`make help` lists every target" in (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")


def test_the_data_contract_table_is_the_schemas():
    """README's data contract is what an office's clerk builds a ledger from: each table's row names every column of
    `oversight/contract/schema.py` in order, under its English name and Chinese header, says `optional` exactly where
    the column is not required, and lists each enumeration's codes and labels as the schema has them."""
    from oversight.contract import schema

    rows = {row[0].strip("`"): row[1] for row in _table_rows(_section(README, "The data contract"))}
    assert list(rows) == list(schema.TABLES)
    wrong = []
    for name, table in schema.TABLES.items():
        cells = rows[name].split(" · ")
        assert len(cells) == len(table.columns), (name, cells)
        for cell, column in zip(cells, table.columns, strict=True):
            found = re.fullmatch(r"`(\w+)`/(\S+)(?: \((.*)\))?", cell)
            assert found is not None, cell
            english, chinese, note = found.groups()
            note = note or ""
            if (english, chinese) != (column.name, column.zh):
                wrong.append(f"{name}: {cell} is {column.name}/{column.zh}")
            if note.startswith("optional") == column.required:
                wrong.append(f"{name}.{column.name}: required={column.required}, README says ({note})")
            if column.choices and note != "as issues":
                listed = [part.split(" ", 1) for part in note.split(", ")]
                expected = [[code, label] for code, label in column.choices.items()]
                if column.choices == schema.PARTY_ORGS:
                    listed, expected = [[part] for part in note.split(", ")], [[code] for code in column.choices]
                if listed != expected:
                    wrong.append(f"{name}.{column.name}: README ({note}), schema {column.choices}")
            elif note == "as issues" and column.choices != schema.ISSUES.column(column.name).choices:
                wrong.append(f"{name}.{column.name}: not as issues")
    assert wrong == []


def test_every_relative_link_resolves_and_every_screenshot_is_shown():
    """A link or picture in README, CONTRIBUTING or docs/ points at a file that is there (its anchor, if any, at a
    heading of that file), and every picture in docs/screenshots/ is shown somewhere: one nobody shows is never
    retaken and goes stale."""
    documents = {ROOT / "README.md": README, ROOT / "CONTRIBUTING.md": (ROOT / "CONTRIBUTING.md").read_text("utf-8")}
    documents |= {ROOT / "docs" / name: text for name, text in DOCS.items()}
    broken, shown = [], set()
    for path, text in documents.items():
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target):
                continue
            file, _, anchor = target.partition("#")
            resolved = (path.parent / file).resolve() if file else path
            shown.add(resolved)
            if not resolved.exists():
                broken.append(f"{path.name}: {target}")
            elif anchor:
                headings = re.findall(r"^#+ (.*)$", resolved.read_text(encoding="utf-8"), re.M)
                slugs = {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}
                if anchor not in slugs:
                    broken.append(f"{path.name}: {target} (no such heading)")
    assert broken == []
    pictures = {path.resolve() for path in (ROOT / "docs" / "screenshots").iterdir()}
    assert sorted(path.name for path in pictures - shown) == []


def _subcommand(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser | None:
    subparsers = [action for action in parser._actions if isinstance(action, argparse._SubParsersAction)]
    return subparsers[0].choices.get(name) if subparsers else None


def test_every_command_line_the_documents_show_is_one_the_cli_takes(capsys):
    """A reader copies `python -m oversight …` from README, CONTRIBUTING or docs/: each line written out in full
    parses as the CLI parses it, and a synopsis (`[--as-of 2020-11-08] …`) names only options its command takes."""
    import shlex

    documents = {"README.md": README, "CONTRIBUTING.md": (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")}
    documents |= {name: text for name, text in DOCS.items() if name != "PERFORMANCE.md"}
    parser = cli_main.build_parser()
    wrong = []
    for name, text in documents.items():
        for found in re.finditer(r"python -m oversight (\w+)((?:[^\n`|;>)]|\\\n)*)", text):
            command, rest = found.group(1), found.group(2).split("  #")[0].split(" # ")[0]
            line = f"{command}{rest}".strip()
            child = _subcommand(parser, command)
            if child is None:
                wrong.append(f"{name}: {line} (no such command)")
                continue
            words = rest.split()
            if command == "user" and words and not words[0].startswith("-"):
                child = _subcommand(child, words[0]) or child
            taken = {option for action in child._actions for option in action.option_strings} | {"--lang"}
            wrong += [
                f"{name}: {line} ({option}?)"
                for option in re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", rest)
                if option not in taken
            ]
            if any(mark in line for mark in "[…<\\") or re.search(r"\bNAME\b", line):
                continue  # a synopsis, not a line to run
            try:
                parser.parse_args(shlex.split(line))
            except SystemExit as exit:  # `--help` exits 0 once it has printed
                if exit.code:
                    wrong.append(f"{name}: {line} (does not parse: {capsys.readouterr().err.strip()[-120:]})")
    assert wrong == []


def test_readmes_layout_names_modules_that_are_there():
    """README's Layout names the CLI's modules all (a reader looks a command up there) and the UI's by example:
    every module either row names is a file of that package, and the CLI's row leaves none out."""
    rows = {row[0].strip("`"): row[1] for row in _table_rows(_section(README, "Layout"))}
    for package, every in (("cli", True), ("ui", False)):
        named = set(re.findall(r"`(\w+)`", rows[f"oversight/{package}/"]))
        there = {path.stem for path in (ROOT / "oversight" / package).glob("*.py")} - {"__init__"}
        assert named - there == set(), f"README's Layout names oversight/{package}/ modules that are not there"
        if every:
            assert there - named == set(), f"README's Layout leaves out oversight/{package}/ modules"


def test_what_make_test_fast_leaves_out_is_what_the_documents_say():
    """`make test-fast` leaves out five markers; README and `make help` named three (browser, AppTest, slow), so a
    reader took the office and cluster tests for part of the quick loop."""
    recipe = MAKEFILE.split("\ntest-fast:", 1)[1].split("\n\n", 1)[0]
    selection = re.search(r'-m "([^"]*)"', recipe)
    assert selection is not None
    markers = re.findall(r"not (\w+)", selection.group(1))
    help_line = next(line for line in MAKEFILE.splitlines() if line.lstrip().startswith('@echo "make test-fast'))
    readme = README.split("`make test-fast` is the", 1)[1].split(")", 1)[0]
    contributing = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8").split("`make test-fast`", 1)[1]
    contributing = contributing.split("\n- ", 1)[0]
    for text in (help_line, readme, contributing):
        assert [marker for marker in markers if marker not in text.lower()] == [], text


def test_readmes_pages_table_is_the_nav():
    """README's Pages table has a row for each page the nav offers, in its order, under the names the nav shows in
    both languages (总览 Overview …), and no row for a page that is not there."""
    from oversight.core import i18n

    keys = ["overview"] + [re.sub(r"^\d+_", "", path.stem) for path in sorted((ROOT / "pages").glob("[0-9]*.py"))]
    expected = [f"{i18n.t(f'nav.{key}', 'zh')} {i18n.t(f'nav.{key}', 'en')}" for key in keys]
    assert [row[0] for row in _table_rows(_section(README, "Pages"))] == expected


def test_the_sign_in_limits_readme_gives_are_the_codes():
    """README's access table and Security section give the sign-in throttle's and the form's numbers: each is the
    constant the code applies, so a limit changed in code without its sentence fails here."""
    from oversight.auth import accounts, throttle

    user, address = throttle.USER_POLICY, throttle.ADDRESS_POLICY
    assert user.max_delay_s == 3600 and address.window_s == user.window_s
    access = _table_rows(_section(README, "Access and audit"))[1][2]
    assert (
        f"{user.max_failures} failures in {user.window_s / 60:g} minutes lock the name for {user.base_delay_s:g} s, "
        f"doubling up to an hour, and {address.max_failures} from one address lock the address" in access
    )
    assert f"({throttle.KNOWN_FOR_S // 86400} days)" in access
    security = " ".join(_section(README, "Security").split())
    assert (
        f"at most {accounts.MAX_USERNAME_LENGTH} characters of name and {accounts.MAX_PASSWORD_LENGTH} of password"
        in security
    )
    assert f"remembers at most {throttle.MAX_THROTTLE_ENTRIES:,} names and addresses" in security


def test_the_import_limits_readme_gives_are_the_codes():
    """The bounds an import is held to, as README states them to the office, are the constants that apply them."""
    from oversight.cli import data
    from oversight.ingest import cells, files, import_history, import_report, problems, sheet_bounds
    from oversight.ui import session_guard

    text = " ".join(README.split())
    stated = [
        f"more than {files.MAX_FILES_PER_IMPORT} files or twice one file's size limit in one import",
        f"CSV fields over {files.MAX_CSV_FIELD_CHARS:,} characters or rows over {files.MAX_CSV_COLUMNS:,} columns",
        f"a sheet whose cells span more than {sheet_bounds.MAX_SHEET_CELLS:,} cells",
        f"A text cell holds at most {cells.MAX_TEXT_CHARS:,} characters",
        f"up to {problems.MAX_PROBLEMS_PER_FILE:,} a file",
        f"numbers (the first {import_report.HIDDEN_ROWS_SHOWN}, then how many more)",
        f"at most {session_guard.MAX_FILES_PER_SESSION} a session (what one import takes)",
        f"waits (up to {data.CLI_LOCK_TIMEOUT_S / 60:g} minutes)",
    ]
    assert files.MAX_FILES_PER_IMPORT == session_guard.MAX_FILES_PER_SESSION
    assert import_history.KEEP_CACHE_IN == 3 and "the newest three imports not undone" in text
    assert [sentence for sentence in stated if sentence not in text] == []


def test_a_link_with_one_end_is_read_as_readme_says(span):
    """README: a link with one end takes the other from the default range and is judged so (`?to=2019Q2` reads
    from=2020Q1, to=2019Q2 and shows the default range); a lone `from` runs to the default's end."""
    url = " ".join(_section(README, "URL parameters").split())
    assert "`?to=2019Q2`, while the data's latest year is 2020, reads from=2020Q1, to=2019Q2" in url
    assert span.default_filter().start == filters.Quarter.parse("2020Q1")
    shown, notes = filters.from_query_params({"to": "2019Q2"}, span)
    assert shown == span.default_filter() and notes == filters.UrlNotes(reversed=("2020Q1", "2019Q2"))
    shown, notes = filters.from_query_params({"from": "2019Q3"}, span)
    assert (str(shown.start), str(shown.end)) == ("2019Q3", "2020Q4") and not notes


def test_contributings_strict_packages_and_layout_widths_are_the_configs():
    """CONTRIBUTING names the packages mypy checks strictly and the widths the layout test shoots every page at:
    the ones pyproject.toml and tests/browser/test_layout_browser.py set."""
    contributing = " ".join((ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8").split())
    mypy = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    strict = next(override["module"] for override in mypy["overrides"] if override.get("disallow_untyped_defs"))
    named = re.search(r"`mypy` \(strict on ([^)]*)\)", contributing)
    assert named is not None
    assert sorted(re.findall(r"`(\w+)`", named.group(1))) == sorted(
        module.removeprefix("oversight.").removesuffix(".*") for module in strict
    )
    layout = (ROOT / "tests" / "browser" / "test_layout_browser.py").read_text(encoding="utf-8")
    widths = re.search(r"^WIDTHS = (\{.*\})$", layout, re.M)
    assert widths is not None
    shot = sorted(width for width, _height in ast.literal_eval(widths.group(1)).values())
    assert f"every page at {shot[1]}, {shot[2]} and {shot[0]} px in zh and en" in contributing


def test_every_path_the_settings_files_comments_name_is_there():
    """A comment in .streamlit/config.toml, the Makefile or pyproject.toml that sends a reader to a file names one
    that is there: config.toml's "the nav is drawn by oversight/ui.py" outlived that module by a package."""
    missing = []
    for name in (".streamlit/config.toml", "Makefile", "pyproject.toml"):
        text = (ROOT / name).read_text(encoding="utf-8")
        for path in re.findall(r"\b((?:oversight|tests|docs|queries|deploy|bench|pages)/[\w./-]*\w)", text):
            if "*" not in path and not path.endswith("_") and not (ROOT / path).exists():
                missing.append(f"{name}: {path}")
    assert missing == []


def test_every_path_the_codes_comments_name_is_there():
    """A comment or docstring of the code, its stylesheets and scripts, the benchmarks and the deployment that sends a
    reader to a file names one that is there (review of 5 Dec: app.css said it was injected by oversight/ui.py, a
    package since, and bench/data.py that editing oversight/scale.py, now oversight/devdata/scale.py, makes a fresh
    folder). A file the code writes and git ignores (bench/results.json) is named before it is there."""
    ignored = {line.lstrip("/") for line in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()}
    sources = [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "deploy").iterdir()]
    sources += [path for folder in ("oversight", "bench") for path in (ROOT / folder).rglob("*")]
    named = re.compile(
        r"(?<![\w/.$-])((?:oversight|tests|docs|queries|deploy|bench|pages)/[\w./-]*\w\.(?:json|py|sql|md|js|css|toml))\b"
    )
    missing = [
        f"{source.relative_to(ROOT)}: {path}"
        for source in sources
        if source.suffix in (".py", ".css", ".js", ".template", ".sh") and "__pycache__" not in source.parts
        for path in named.findall(source.read_text(encoding="utf-8"))
        if path not in ignored and not (ROOT / path).exists()
    ]
    assert missing == []


def test_every_dotted_name_of_ours_the_comments_give_is_there():
    """``oversight.<module>`` or ``oversight.<module>.<name>`` in a docstring, comment or document names a module
    and a name that are there: seven comments named modules from before the packages (oversight.locking for
    oversight.core.locking; oversight.queries, oversight.numbers, oversight.client_address, oversight.store), which a
    new maintainer could not import (review of 5 Dec)."""
    import importlib

    def there(dotted: str) -> bool:
        parts = dotted.split(".")
        for cut in range(len(parts), 1, -1):
            try:
                found: object = importlib.import_module(".".join(parts[:cut]))
            except ModuleNotFoundError:
                continue
            for name in parts[cut:]:
                if not hasattr(found, name):
                    return False
                found = getattr(found, name)
            return True
        return False

    sources = [*(ROOT / "oversight").rglob("*.py"), *(ROOT / "tests").rglob("*.py"), *(ROOT / "bench").rglob("*.py")]
    sources += [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *(ROOT / "docs").glob("*.md")]
    named = {
        (source.relative_to(ROOT), dotted)
        for source in sources
        for dotted in re.findall(r"`(oversight(?:\.\w+)+)(?:\(\))?`", source.read_text(encoding="utf-8"))
    }
    assert len(named) > 20 and sorted(f"{source}: {dotted}" for source, dotted in named if not there(dotted)) == []


def test_the_configuration_tables_words_for_off_and_limits_are_the_codes():
    """The values README's Configuration table promises a setting takes are the ones its reader takes."""
    from oversight.auth import remembered
    from oversight.export import marking

    rows = {
        tuple(names): row
        for (names, _), row in zip(_configuration_rows(), _table_rows(_section(README, "Configuration")), strict=True)
    }
    watermark = rows[("OVERSIGHT_WATERMARK",)][2]
    assert set(re.findall(r"`(\w+)`", watermark)) == marking._OFF
    remember = rows[("OVERSIGHT_REMEMBER_HOURS",)][2]
    assert f"at most a month ({remembered._LONGEST_S / 3600:g})" in remember


def _fenced(text: str, language: str) -> list[str]:
    """The bodies of the text's fenced blocks marked ``language`` (```text, ```markdown …)."""
    return re.findall(rf"^```{language}\n(.*?)^```$", text, re.M | re.S)


def test_every_terminal_example_is_what_the_command_prints(capsys):
    """A ```text block that opens with `$ .venv/bin/python -m oversight …` shows what that command prints on the
    sample data: the reader compares their terminal with it, line for line."""
    import shlex

    documents = {"README.md": README, "CONTRIBUTING.md": (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")}
    documents |= {name: text for name, text in DOCS.items() if name != "PERFORMANCE.md"}
    examples = [
        (name, block)
        for name, text in documents.items()
        for block in _fenced(text, "text")
        if block.startswith("$ .venv/bin/python -m oversight ")
    ]
    assert examples, "README's alerts example is no longer a ```text block opening with its command"
    for name, block in examples:
        command, shown = block.split("\n", 1)
        capsys.readouterr()
        cli_main.main(shlex.split(command.removeprefix("$ .venv/bin/python -m oversight ")))
        assert capsys.readouterr().out == shown, f"{name}: {command} prints something else"


def test_the_digest_as_it_arrives_is_what_the_robot_receives(tmp_path, monkeypatch, capsys):
    """docs/ALERTS.md shows the message `alerts --as-of 2020-11-08 --push` sends to a 企业微信 robot on the sample data.
    It kept the units sheet's order after the digest came to list the worst units first (README, 预警摘要的单位顺序):
    省人民政府外事办公室's 203 days overdue read below four units with less, unlike the picture above it."""
    from tests.receivers import RobotReceiver

    (shown,) = _fenced(DOCS["ALERTS.md"].split("\n## A digest as it arrives\n", 1)[1], "markdown")
    settings = tmp_path / "alerts.toml"
    with RobotReceiver() as receiver:
        settings.write_text(
            f'[[channels]]\nkind = "wecom"\nname = "group"\nurl = "{receiver.url("/cgi-bin/webhook/send?key=K")}"\n',
            encoding="utf-8",
        )
        monkeypatch.setenv("OVERSIGHT_ALERTS_FILE", str(settings))
        assert cli_main.main(["alerts", "--as-of", "2020-11-08", "--push"]) == 0
    capsys.readouterr()
    assert receiver.requests[0].body["markdown"]["content"] + "\n" == shown


def test_every_picture_names_the_test_that_redraws_it():
    """README's Overview, meetings, dark and unit-account pictures kept 30天内到期 0个 after the 预警 strip came to say
    30天内无到期问题: nothing told the next person which test draws each. CONTRIBUTING's table names, for every picture
    in docs/screenshots/, a test that is there and the file it writes."""
    contributing = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    rows = {
        row[0].strip("`"): row[1:]
        for row in _table_rows(contributing.split("\n## Looking at what you make\n", 1)[1])
        if row[0].startswith("`docs/screenshots/")
    }
    pictures = {f"docs/screenshots/{path.name}" for path in (ROOT / "docs" / "screenshots").iterdir()}
    assert sorted(pictures - set(rows)) == [], "pictures whose test CONTRIBUTING does not name"
    for picture, (test, written) in rows.items():
        assert picture in pictures, f"CONTRIBUTING names {picture}, which is not there"
        path, function = test.strip("`").split("::")
        source = (ROOT / path).read_text(encoding="utf-8")
        assert f"\ndef {function}(" in source, f"{picture}: {test} is not a test there"
        name = written.split("`")[1].removeprefix("layout/").split("_wide_")[0].removesuffix(".png")
        assert name.removeprefix("page_") in source, f"{picture}: {path} writes no {written}"


def test_the_deploy_examples_name_the_files_the_environment_file_sets():
    """docs/DEPLOY.md's logrotate block rotated `/srv/oversight/audit.jsonl` (the checkout) while its own environment
    file puts the audit log at `/var/log/oversight/audit.jsonl`: copied as shown, logrotate found nothing to rotate
    (`missingok`) and the log grew without end. Every path in DEPLOY.md's and ALERTS.md's examples that names one of
    the environment file's files (the audit log, the users file, the alerts file, the data folder's lock) is the one
    that file sets, and the service may write where each lives."""
    environment = DOCS["DEPLOY.md"].split("# /etc/oversight/oversight.env\n", 1)[1].split("```", 1)[0]
    settings = dict(line.split("=", 1) for line in environment.splitlines() if "=" in line)
    files = {Path(settings[name]).name: settings[name] for name in ("OVERSIGHT_AUDIT_LOG", "OVERSIGHT_USERS_FILE")}
    files |= {Path(settings["OVERSIGHT_ALERTS_FILE"]).name: settings["OVERSIGHT_ALERTS_FILE"]}
    files[".oversight.lock"] = f"{settings['OVERSIGHT_DATA_DIR']}/.oversight.lock"
    wrong = []
    for name in ("DEPLOY.md", "ALERTS.md"):
        # the examples a reader copies: code blocks and `inline` paths, Kubernetes' own mount paths aside
        blocks = re.findall(r"^```(?!yaml)\w*\n(.*?)^```$", DOCS[name], re.M | re.S)
        prose = re.sub(r"^```.*?^```$", "", DOCS[name], flags=re.M | re.S)
        text = "\n".join(blocks + re.findall(r"`([^`\n]+)`", prose))
        for path in re.findall(r"(?<![\w.~$])/[\w./-]+", text):
            if Path(path).name in files and path != files[Path(path).name]:
                wrong.append(f"{name}: {path} (the environment file's is {files[Path(path).name]})")
    assert wrong == []
    service = DOCS["DEPLOY.md"].split("# /etc/systemd/system/oversight.service\n", 1)[1].split("```", 1)[0]
    writable = re.search(r"^ReadWritePaths=(.*)$", service, re.M)
    assert writable is not None
    for path in files.values():
        assert any(path.startswith(f"{folder}/") for folder in writable.group(1).split()), path
