"""Translations: both languages complete, every key the code uses exists."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

from oversight.core import i18n

ROOT = Path(__file__).resolve().parent.parent
_LITERAL_KEY = re.compile(r"""(?:\bt|i18n\.t|page\.t)\(\s*f?["']([a-z_]+\.[a-z_.{}]+)["']""")


def test_both_languages_define_the_same_keys():
    zh, en = set(i18n.catalog("zh")), set(i18n.catalog("en"))
    # English labels of enumeration codes have no Chinese twin: the contract holds the Chinese label.
    assert zh - en == set()
    assert {key for key in en - zh if not key.startswith("code.")} == set()


def test_every_literal_key_in_the_code_exists():
    sources = list((ROOT / "oversight").rglob("*.py")) + [ROOT / "app.py"] + list((ROOT / "pages").glob("*.py"))
    used = {key for path in sources for key in _LITERAL_KEY.findall(path.read_text(encoding="utf-8")) if "{" not in key}
    assert used, "the pattern found no keys: it is broken"
    missing = sorted(key for key in used if key not in i18n.catalog("zh"))
    assert missing == []


def _key_pieces() -> set[str]:
    """Every piece of text the code can build a key from: its string constants (whole keys, prefixes such as
    ``"export.file."``, suffixes such as ``"_even"``), keyword names and the queries' column names (a frame's column
    becomes ``export.column.<column>``), and a dotted constant's last part (``table.meeting_reduction`` names its
    file as ``export.file.meeting_reduction``)."""
    sources = [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "oversight").rglob("*.py")]
    sources += list((ROOT / "deploy").glob("*.py"))  # deploy/cluster.py speaks through cluster.*
    pieces: set[str] = set()
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                pieces.add(node.value)
            elif isinstance(node, ast.keyword) and node.arg:
                pieces.add(node.arg)
    for path in (ROOT / "queries").rglob("*.sql"):
        pieces |= set(re.findall(r"\bas\s+([a-z_][a-z0-9_]*)", path.read_text(encoding="utf-8"), re.IGNORECASE))
    pieces |= {piece.rsplit(".", 1)[1] for piece in pieces if "." in piece}
    # "." joins a prefix to a code (f"{prefix}.{code}"), a digit is a quarter's number (quarter.tick.<n>)
    return {piece for piece in pieces if len(piece) > 1 and re.fullmatch(r"[a-z0-9_.]+", piece)} | {"."} | set("1234")


def test_every_key_is_used_by_the_code():
    """A key nothing reads is a sentence a maintainer keeps translating and wording for nobody (review of 5 Dec:
    12 such keys in both languages, among them axis titles no chart draws and a PDF failure no code says). A key is
    used where the code can build it: it is a sequence of the code's own pieces of text, the first naming an area."""
    pieces = _key_pieces()
    by_first: dict[str, list[str]] = {}
    for piece in pieces:
        by_first.setdefault(piece[0], []).append(piece)

    def built(key: str) -> bool:
        @cache
        def rest_built(start: int) -> bool:
            return start == len(key) or any(
                key.startswith(piece, start) and rest_built(start + len(piece))
                for piece in by_first.get(key[start], ())
            )

        return any(
            key.startswith(piece) and "." in piece and rest_built(len(piece)) for piece in by_first.get(key[0], ())
        )

    assets = "\n".join(path.read_text(encoding="utf-8") for path in (ROOT / "oversight").rglob("*.js"))
    keys = set(i18n.catalog("zh")) | set(i18n.catalog("en"))
    unused = sorted(
        key for key in keys if key not in assets and not built(key) and not built(re.sub(r"\.(one|other)$", "", key))
    )
    assert len(keys) > 1000 and unused == []


def test_chinese_is_simplified():
    traditional = set("機構會議問題監單與們這說計劃輔導檢")
    offenders = {k: v for k, v in i18n.catalog("zh").items() if traditional & set(v)}
    assert offenders == {}


def test_language_normalisation_and_missing_keys():
    assert i18n.normalise_language("en-GB") == "en"
    assert i18n.normalise_language(None) == "zh"
    assert i18n.normalise_language("fr") == "zh"
    with pytest.raises(KeyError):
        i18n.t("no.such.key")
