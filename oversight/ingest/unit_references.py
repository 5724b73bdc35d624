"""A units import that renames or removes a unit the other ledgers still name, said once per unit.

The ledgers in the data folder name a unit as the office writes it (省政府研究室), not by its id: a units sheet
that renames 省政府研究室 leaves every meeting, issue and reminder of that unit naming a unit that no longer exists.
Checked row by row that was some 200 "not a registered unit" lines, nearly all in files the user never touched,
none saying why; here they become one line per unit, at its first row, with the count and what to do.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import pandas as pd

from oversight.ingest.cell_text import normalise_header
from oversight.ingest.cells import UnitResolver
from oversight.ingest.problems import Problem

_UNKNOWN = "error.unit_unknown"


def summarised(problems: Sequence[Problem], before: pd.DataFrame | None, after: pd.DataFrame) -> list[Problem]:
    """``problems`` (of the folder as it would be after a units import) with the rows that name a unit by a name
    the import took away replaced by one problem per unit: renamed (its id stays) or removed."""
    if before is None or before.empty:
        return list(problems)
    old = UnitResolver.from_units(before)
    new_names = {row.unit_id: row.name_zh for row in after.itertuples(index=False)}
    firsts: dict[str, int] = {}  # unit id → position of its first problem in the result
    result: list[Problem] = []
    for problem in problems:
        value = problem.params.get("value")
        unit_id = old.lookup.get(normalise_header(str(value))) if problem.message_key == _UNKNOWN else None
        if unit_id is None:
            result.append(problem)
            continue
        if unit_id in firsts:  # counted on the unit's first row
            first = result[firsts[unit_id]]
            result[firsts[unit_id]] = dataclasses.replace(
                first, params={**first.params, "count": first.params["count"] + 1}
            )
            continue
        firsts[unit_id] = len(result)
        renamed = unit_id in new_names
        result.append(
            dataclasses.replace(
                problem,
                message_key="error.unit_renamed_in_use" if renamed else "error.unit_removed_in_use",
                params={"value": value, "unit_id": unit_id, "name": new_names.get(unit_id, ""), "count": 1},
            )
        )
    return result
