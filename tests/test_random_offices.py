"""Whole random offices, not the sample (``tests/random_offices.py``): each imported through the CLI, then every
figure of every page, every chart's reading, CSV and Excel file, the 预警 strip, the 较上季度 box and the Word report
over filters drawn for that office (all units over everything, one unit, before the first record, after the data
date, one quarter, random ranges and unit sets, a link's day), against the pandas oracle reading the written ledgers.

``OFFICE_SEEDS`` run in the suite, each with one of its eleven filters (seed 3 its fourth), to keep
within a minute; ``OVERSIGHT_OFFICES=200`` (say) runs that many more seeds locally, each with all eleven.
"""

from __future__ import annotations

import os
import random
from datetime import date, timedelta
from pathlib import Path

import pytest

from oversight.data import queries, store
from oversight.data.filters import Quarter
from tests import oracle, random_offices
from tests.test_definitions import Case, Worlds
from tests.test_figure_sweep import CHECKS

OFFICE_SEEDS = tuple(range(20))
EXTRA = int(os.environ.get("OVERSIGHT_OFFICES", "0"))
FILTERS_PER_OFFICE = 10


class Offices(Worlds):
    """``office:<seed>``: the app's store over the imported data folder, the oracle over the written ledgers."""

    def __missing__(self, name: str):
        office = self.office(name)
        connection = store.open_folder(office.data)
        world = (connection, queries.data_span(connection), oracle.read_ledgers(office.source))
        self[name] = world
        return world

    def office(self, name: str) -> random_offices.Office:
        seed = int(name.removeprefix("office:"))
        if seed not in self.imported:
            self.imported[seed] = random_offices.imported(seed, self.root)
        return self.imported[seed]

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.imported: dict[int, random_offices.Office] = {}


def _quarter(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def office_cases(worlds: Offices, seed: int, count: int = FILTERS_PER_OFFICE) -> list[Case]:
    """The filters of one office: the fixed kinds first, then random ones, each in a random language."""
    name = f"office:{seed}"
    _, _, ledgers = worlds[name]
    units = worlds.office(name).unit_ids
    first, last = ledgers.first_quarter, _quarter(ledgers.data_date)
    picker = random.Random(seed * 7919)
    quarters = [oracle.shift(*first, by) for by in range(-6, 6 + (last[0] - first[0]) * 4 + last[1] - first[1])]

    def lang() -> str:
        return picker.choice(("zh", "en"))

    cases = [
        Case(name, (), first, last, lang()),  # everything
        Case(name, (picker.choice(units),), first, last, lang()),  # one unit
        Case(name, (), oracle.shift(*first, -4), oracle.shift(*first, -1), lang()),  # before the first record
        Case(name, (), oracle.shift(*last, 1), oracle.shift(*last, 2), lang()),  # after the data date
        Case(name, (), last, last, lang()),  # the quarter of the data date, to date
    ]
    while len(cases) < count:
        start, end = sorted(picker.sample(quarters, 2))
        if picker.random() < 0.3:
            end = start  # one quarter
        chosen = (
            ()
            if len(units) == 1 or picker.random() < 0.4
            else tuple(picker.sample(units, picker.randint(1, len(units) - 1)))
        )
        chosen = tuple(sorted(chosen, key=units.index))
        case = Case(name, chosen, start, end, lang())
        if case not in cases:
            cases.append(case)
    # a link's day= (README's URL parameters): a day of the last quarter, up to the data date, over a year and more
    quarter = Quarter(*last)
    day = quarter.first_day + timedelta(days=picker.randint(0, (ledgers.data_date - quarter.first_day).days))
    cases.append(Case(name, (), oracle.shift(*last, -5), last, lang(), day))
    return cases


@pytest.fixture(scope="module")
def offices(tmp_path_factory) -> Offices:
    return Offices(tmp_path_factory.mktemp("offices"))


def disagreements(worlds: Offices, seed: int, every_filter: bool = True, only: str = "") -> list[str]:
    cases = office_cases(worlds, seed)
    if only:
        cases = [case for case in cases if only in str(case)]
        assert cases, f"office {seed} has no filter {only}"
    elif not every_filter:
        cases = [cases[seed % len(cases)]]
    found = []
    for case in cases:
        for check in CHECKS:
            try:
                check(worlds, case)
            except AssertionError as error:
                found.append(f"{case} {check.__module__}.{check.__name__}: {str(error)[:600]}")
    return found


@pytest.mark.parametrize("seed", [*OFFICE_SEEDS, *range(1000, 1000 + EXTRA)])
def test_every_figure_of_a_random_office(offices, seed):
    found = disagreements(offices, seed, every_filter=seed not in OFFICE_SEEDS)
    assert not found, "\n".join(found)


# The office filters that disagreed once, each kept (seed, the filter as the case names it): the disagreement.
FOUND = (
    # an average of 1,440 minutes the summary wrote 1,440 and the check 1440; a reading's "1,440 minutes" read as 1 and 440
    (100, "all-2021Q3-2021Q3-en"),
    (100, "all-2020Q1-2023Q2-zh"),  # the duration bars labelled 1,440 (README: thousands grouped), the check 1440
    (101, "unit_02-2021Q2-2022Q3-zh"),
    # 5 meetings beside an all-unit average of 101/20 = 5.05: −0.1 (5.1 shown); a float average said 持平
    (107, "unit_22-2017Q1-2017Q4-en"),
    # 67 meetings as a year earlier (持平) beside a rectification rate of 0.0%: the check took that 0.0% for a change
    (23, "all-2017Q3-2018Q4-day2018-10-15-zh"),
    # an average of 677.56 minutes against 677.52 a year earlier: 持平 (README), the oracle said 0分钟
    (122, "all-2022Q3-2022Q3-zh"),
    # averages 1,943/4 = 485.75 and 1,943/5 = 388.6: 延长97.2分钟 (97.15 half up); the oracle's float means said 97.1
    (
        121,
        "unit_00+unit_01+unit_03+unit_04+unit_05+unit_06+unit_07+unit_09+unit_11+unit_12+unit_13+unit_14+unit_15-2017Q4-2020Q3-zh",
    ),
    # a median of 1 day, which the card writes "1 day" (singular, as test_kpis says); the check wrote "1 days"
    (134, "all-2021Q4-2025Q2-en"),
)


@pytest.mark.parametrize(("seed", "only"), FOUND)
def test_the_filters_that_once_disagreed(offices, seed, only):
    found = disagreements(offices, seed, only=only)
    assert not found, "\n".join(found)
