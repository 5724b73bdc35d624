"""The Overview's 预警 strip for a selection of units is the digest of every unit cut down to them
(``oversight.ui.page.digest_for_units``): the same items, in the same order, as the rules run for those units.

Checked on the sample and on a generated scale folder (hundreds of units, many alerts of every rule), at
quarter ends and days inside quarters, for no unit, one, several, units outside an account's scope and an
unknown unit, with every rule and with a looser threshold.
"""

from __future__ import annotations

from datetime import date

import pytest

from oversight import alerts
from oversight.alerts.configuration import Rules
from oversight.auth.unit_scope import Scope
from oversight.data import queries, store
from oversight.devdata import scale
from oversight.ingest import checked_folder
from oversight.ui.page import digest_for_units

AS_OF = (date(2020, 12, 31), date(2020, 11, 17), date(2020, 6, 30), date(2019, 2, 28), date(2018, 1, 10))
RULES = (Rules(), Rules(due_within_days=90, min_increase=2))


@pytest.fixture(scope="module")
def scale_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("alerts-scale")
    scale.write(folder, 5_000, csv=True)
    return store.connect(checked_folder.read_folder(folder))


def _selections(units: tuple[str, ...]) -> list[tuple[str, ...]]:
    return [units[:1], units[1:4], units[::3], (units[2], "no_such_unit"), ("no_such_unit",)]


def _check(connection, scope: Scope) -> int:
    units = queries.data_span(connection).unit_ids
    compared = 0
    for rules in RULES:
        for as_of in AS_OF:
            every_unit = alerts.alerts_for(connection, scope, as_of, rules, ())
            for chosen in _selections(units):
                assert digest_for_units(every_unit, chosen) == alerts.alerts_for(
                    connection, scope, as_of, rules, chosen
                ), (as_of, rules, chosen)
                compared += 1
    return compared


def test_the_sample_digest_of_a_selection_is_the_every_unit_digest_cut_down(connection):
    assert _check(connection, Scope(None)) == len(RULES) * len(AS_OF) * 5


def test_a_unit_accounts_digest_of_a_selection_is_its_own_digest_cut_down(connection):
    units = queries.data_span(connection).unit_ids
    _check(connection, Scope(tuple(units[1:3])))


def test_the_scale_digest_of_a_selection_is_the_every_unit_digest_cut_down(scale_store):
    every_unit = alerts.alerts_for(scale_store, Scope(None), date(2020, 11, 17), Rules(), ())
    counts = every_unit.counts()
    assert all(counts[rule] > 0 for rule in ("overdue", "due_soon", "no_consultation")), counts  # a real test
    _check(scale_store, Scope(None))
