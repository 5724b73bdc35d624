"""The house rules a tool can check: only oversight/ui imports streamlit; SQL lives in queries/ and binds parameters."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_only_ui_imports_streamlit():
    offenders = [
        str(p.relative_to(ROOT))
        for p in [*ROOT.glob("oversight/**/*.py"), ROOT / "app.py", *ROOT.glob("pages/*.py")]
        if "streamlit" in _imports(p) and not p.is_relative_to(ROOT / "oversight" / "ui")
    ]
    assert offenders == []


def test_page_files_have_plain_names():
    for page in ROOT.glob("pages/*.py"):
        assert re.fullmatch(r"\d\d_[a-z_]+\.py", page.name), page.name


def _calls(path: Path, method: str) -> list[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == method
    ]


def _is_built_text(node: ast.AST) -> bool:
    """SQL made in Python: an f-string, a concatenation, a % or a .format(...)."""
    return isinstance(node, (ast.JoinedStr, ast.BinOp)) or (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"
    )


def test_queries_execute_only_files_from_queries_folder():
    executes = _calls(ROOT / "oversight" / "data" / "queries.py", "execute")
    # the one place that runs the SQL of queries/*.sql: the text and a dict of bound $parameters
    assert len(executes) == 1 and len(executes[0].args) == 2 and isinstance(executes[0].args[1], ast.DictComp)
    for path in ROOT.glob("oversight/**/*.py"):
        for call in _calls(path, "execute") + _calls(path, "sql"):
            assert not (call.args and _is_built_text(call.args[0])), f"{path}:{call.lineno} builds SQL text"


# The layers of docs/ARCHITECTURE.md, highest first (pyproject.toml's import-linter contract says the same);
# a package may import only from the layers after its own.
LAYERS = (
    ("ui",),
    ("cli",),
    ("push",),
    ("alerts",),
    ("briefing",),
    ("export",),
    ("charts", "present", "devdata"),
    ("data",),
    ("ingest",),
    ("auth",),
    ("core",),
    ("contract",),
    ("config",),
)


def _layer(package: str) -> int:
    return next(index for index, names in enumerate(LAYERS) if package in names)


def _oversight_imports(path: Path) -> set[str]:
    """The oversight packages a module imports, at the top or inside a function (lazy imports count)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "oversight":
            parts = node.module.split(".")
            found |= {parts[1]} if len(parts) > 1 else {alias.name for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("oversight.")}
    return found


def test_every_package_imports_only_the_layers_below_it():
    packages = {name for names in LAYERS for name in names}
    offenders = []
    for path in (ROOT / "oversight").rglob("*.py"):
        parts = path.relative_to(ROOT / "oversight").with_suffix("").parts
        own = parts[0]
        if own not in packages:
            continue  # __init__ and __main__ of the top package
        for imported in _oversight_imports(path) & packages - {own}:
            if _layer(imported) <= _layer(own):
                offenders.append(f"{'/'.join(parts)} imports oversight.{imported}")
    assert offenders == []


def test_every_package_is_in_a_layer():
    folders = {p.name for p in (ROOT / "oversight").iterdir() if (p / "__init__.py").exists()}
    assert folders | {"config"} == {name for names in LAYERS for name in names}


def test_store_builds_its_tables_from_contract_identifiers_only(connection):
    from oversight.contract.schema import TABLES

    for table in TABLES.values():
        columns = [
            row[0]
            for row in connection.execute(
                "select column_name from information_schema.columns where table_name = $name order by ordinal_position",
                {"name": table.name},
            ).fetchall()
        ]
        assert columns == [c.name for c in table.columns]
