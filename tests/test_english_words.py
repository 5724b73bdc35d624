"""Review of 4 Dec (r4, the English reader): one spelling of a word across every English text.

The import's refusals said "ids must be unique" and "expected a unit id" (an abbreviation a native reader writes
ID, IDs), and the sign-in's "no account for this email" stood beside ten texts' "e-mail". Checked over every
English template, with its {placeholders} taken out."""

from __future__ import annotations

import re

from oversight.core import i18n

# texts that quote a settings file's own keys (role, units, email, …), which must stay as the file spells them
QUOTES_FILE_KEYS = {"auth.users_entry.unknown_key"}
PLACEHOLDER = re.compile(r"\{[^}]*\}")
UNWANTED = {
    "lower-case id": re.compile(r"\bids?\b"),
    "email": re.compile(r"\bemail\b", re.IGNORECASE),
}


def _offenders(catalog: dict[str, str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key, text in catalog.items():
        if key in QUOTES_FILE_KEYS:
            continue
        prose = PLACEHOLDER.sub(" ", text)
        hits = [name for name, pattern in UNWANTED.items() if pattern.search(prose)]
        if hits:
            found[key] = hits
    return found


def test_english_writes_id_and_e_mail_one_way():
    assert _offenders(i18n.catalog("en")) == {}


def test_the_check_finds_what_it_is_for():
    assert _offenders({"a": "'{value}' repeats row 3; ids must be unique", "b": "no account for this email"}) == {
        "a": ["lower-case id"],
        "b": ["email"],
    }
    assert _offenders({"c": "kept as {id}; IDs must be unique; e-mail", "auth.users_entry.unknown_key": "email"}) == {}
