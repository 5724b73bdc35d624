"""The unit scope, applied where data is read, not only in widgets.

An empty unit list means "all units" to the SQL, so a unit account whose request falls outside its units gets
the ``NO_UNIT`` sentinel, which matches no row. ``oversight.data.scoped.scoped_run`` applies this to queries.
The one part of ``oversight.auth`` that the data layer may import.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

# Unit ids are slugs (``ingest.cells._SLUG``), so a string starting with NUL can never be one: as the only element of
# ``$units`` it makes ``in_units`` false for every row, where an empty list would mean "all units".
NO_UNIT = "\x00none"
# Queries without ``$units`` whose result says nothing about any unit's records.
SCOPE_FREE_QUERIES = frozenset({"data_span"})


@dataclass(frozen=True)
class Scope:
    """The units an account may read: ``allowed_units`` None means every unit; an empty tuple means none."""

    allowed_units: tuple[str, ...] | None

    @classmethod
    def everything(cls) -> Scope:
        return cls(None)

    @property
    def unrestricted(self) -> bool:
        return self.allowed_units is None

    def allows(self, unit_id: str) -> bool:
        return self.allowed_units is None or unit_id in self.allowed_units


def scoped_units(requested: Iterable[str], scope: Scope) -> tuple[str, ...]:
    """The units a query may read: what was asked for, cut down to the scope.

    Unrestricted scope: the request as is (empty = all). Restricted scope: the
    request's units that are allowed, or all allowed units when nothing was
    asked for; if none of the request is allowed (a tampered URL), ``(NO_UNIT,)``
    so the query selects nothing rather than everything.
    """
    requested = tuple(dict.fromkeys(requested))
    if scope.allowed_units is None:
        return requested
    if not requested:
        return tuple(scope.allowed_units) or (NO_UNIT,)
    chosen = tuple(unit for unit in requested if unit in scope.allowed_units)
    return chosen or (NO_UNIT,)


def selects_nothing(units: Iterable[str]) -> bool:
    return tuple(units) == (NO_UNIT,)


def scoped_filter(filter_: Any, scope: Scope) -> Any:
    """``filter_`` (a ``filters.Filter``) with its units cut down to the scope; pass this one to the queries.

    Keep the user's own filter for the widgets and the URL: the scoped one may hold ``NO_UNIT``.
    """
    return filter_.with_units(scoped_units(filter_.units, scope))


def scoped_span(span: Any, scope: Scope) -> Any:
    """``span`` (a ``filters.DataSpan``) with only the units the scope allows: what the unit selector offers."""
    if scope.allowed_units is None:
        return span
    return replace(span, unit_ids=tuple(unit for unit in span.unit_ids if unit in scope.allowed_units))


def scoped_rows(frame: Any, scope: Scope, column: str = "unit_id") -> Any:
    """The rows of a DataFrame whose ``column`` is a unit the scope allows."""
    if scope.allowed_units is None or column not in frame.columns:
        return frame
    return frame[frame[column].isin(scope.allowed_units)].reset_index(drop=True)
