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
    offenders = [str(p.relative_to(ROOT)) for p in [*ROOT.glob("oversight/**/*.py"), ROOT / "app.py", *ROOT.glob("pages/*.py")]
                 if "streamlit" in _imports(p) and not p.is_relative_to(ROOT / "oversight" / "ui")]
    assert offenders == []


def test_page_files_have_plain_names():
    for page in ROOT.glob("pages/*.py"):
        assert re.fullmatch(r"\d\d_[a-z_]+\.py", page.name), page.name


def test_queries_execute_only_files_from_queries_folder():
    source = (ROOT / "oversight" / "data" / "queries.py").read_text(encoding="utf-8")
    assert "cursor.execute(sql, {" in source
    for path in ROOT.glob("oversight/**/*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"execute\(\s*f[\"'].*\b(where|select)\b", text, re.IGNORECASE), path.name


def test_store_builds_its_tables_from_contract_identifiers_only(connection):
    from oversight.contract.schema import TABLES

    for table in TABLES.values():
        columns = [row[0] for row in connection.execute(
            "select column_name from information_schema.columns where table_name = $name order by ordinal_position",
            {"name": table.name}).fetchall()]
        assert columns == [c.name for c in table.columns]
