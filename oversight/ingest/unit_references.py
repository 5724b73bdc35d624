"""A units import that renames or removes a unit the other ledgers still name, said once per unit.

The ledgers in the data folder name a unit as the office writes it (省政府研究室), not by its id: a units sheet
that renames 省政府研究室 leaves every meeting, issue and reminder of that unit naming a unit that no longer exists.
Checked row by row that was some 200 "not a registered unit" lines, nearly all in files the user never touched,
none saying why; here they become one line per unit, at its first row, with the count and what to do.
"""

from __future__ import annotations

import collections
import dataclasses
from collections.abc import Sequence

import pandas as pd

from oversight.ingest.cells import UnitResolver
from oversight.ingest.problems import Problem

_UNKNOWN = "error.unit_unknown"


def summarised(problems: Sequence[Problem], before: pd.DataFrame | None, after: pd.DataFrame) -> list[Problem]:
    """``problems`` (of the folder as it would be after a units import) with the rows that name a unit by a name
    the import took away replaced by one problem per unit, at its first row: renamed (its id stays) or removed."""
    if before is None or before.empty:
        return list(problems)
    old = UnitResolver.from_units(before)
    new_names = {row.unit_id: row.name_zh for row in after.itertuples(index=False)}
    firsts: dict[str, int] = {}  # unit id → position of its first problem in the result
    counts: collections.Counter[str] = collections.Counter()
    result: list[Problem] = []
    for problem in problems:
        unit_id = old.find(problem.params.get("value")) if problem.message_key == _UNKNOWN else None
        if unit_id is None:
            result.append(problem)
            continue
        counts[unit_id] += 1
        if unit_id not in firsts:
            firsts[unit_id] = len(result)
            result.append(problem)
    for unit_id, position in firsts.items():
        result[position] = dataclasses.replace(
            result[position],
            message_key="error.unit_renamed_in_use" if unit_id in new_names else "error.unit_removed_in_use",
            params={
                "value": result[position].params.get("value"),
                "unit_id": unit_id,
                "name": new_names.get(unit_id, ""),
                "count": counts[unit_id],
            },
        )
    return result
