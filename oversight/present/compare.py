"""Units side by side on the unit profile: which units the profile shows (at most four), and their quarterly
trends in one frame. Each unit keeps its own values: nothing here adds units together."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

# Four columns of cards still fit a 1280 px screen beside the sidebar; a fifth would cut their values.
MAX_COMPARED = 4


@dataclass(frozen=True)
class ProfileUnits:
    """The units the profile shows, and those of the filter it leaves out (beyond the fourth)."""

    shown: tuple[str, ...]
    left_out: tuple[str, ...] = ()

    @property
    def compares(self) -> bool:
        return len(self.shown) > 1


def profile_units(filter_units: Sequence[str], unit_ids: Sequence[str]) -> ProfileUnits:
    """The filter's units, the first four of them; with no unit chosen, the first unit listed (a profile is
    always of some unit, and the caption names it)."""
    if not filter_units:
        return ProfileUnits((unit_ids[0],))
    return ProfileUnits(tuple(filter_units[:MAX_COMPARED]), tuple(filter_units[MAX_COMPARED:]))


def too_many(chosen: Sequence[str]) -> bool:
    return len(chosen) > MAX_COMPARED


def trends_side_by_side(
    trends_of: Callable[[str], pd.DataFrame], unit_ids: Sequence[str], units: pd.DataFrame
) -> pd.DataFrame:
    """Each unit's own quarterly trends (``trends_by_quarter`` narrowed to that unit), one after the other, with
    the unit's id and names (``units`` rows) on every row: one line per unit, never a sum."""
    names = units.set_index("unit_id")
    frames = []
    for order, unit_id in enumerate(unit_ids):
        frame = trends_of(unit_id).assign(unit_id=unit_id, unit_order=order)
        for column in names.columns:
            frame[column] = names.at[unit_id, column]
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)
