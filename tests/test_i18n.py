"""Translations: both languages complete, every key the code uses exists."""

from __future__ import annotations

import re
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
