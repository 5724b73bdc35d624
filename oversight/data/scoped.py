"""Queries within an account's unit scope: what the pages run instead of ``queries.run``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from oversight.auth.unit_scope import SCOPE_FREE_QUERIES, Scope, scoped_rows, scoped_units
from oversight.data import queries


def scoped_run(connection: Any, name: str, filter_: Any, scope: Scope, **extra: object) -> Any:
    """``queries.run`` within a scope; what the pages should call instead of ``queries.run``.

    A query that binds ``$units`` gets the scoped units (``units=`` in ``extra``
    counts as the request too, so it cannot widen the scope). A query that does
    not filter by unit but returns a ``unit_id`` column (``units``,
    ``unit_metrics``) has its rows cut down to the scope. Any other query
    without ``$units`` is refused to a restricted scope unless it is known to
    hold nothing of any unit (``SCOPE_FREE_QUERIES``): a new all-units total
    must not reach a unit account by accident.
    """
    needed = queries.parameter_names(queries.sql_text(name))
    requested = cast("Iterable[str] | None", extra.pop("units", None))
    if "units" in needed:
        if requested is None:
            requested = filter_.units if filter_ is not None else ()
        extra["units"] = list(scoped_units(requested, scope))  # extra wins over filter_.sql_params() in run()
    frame = queries.run(connection, name, filter_, **extra)
    if "units" in needed or scope.allowed_units is None or name in SCOPE_FREE_QUERIES:
        return frame
    if "unit_id" not in frame.columns:
        raise PermissionError(f"{name}.sql neither filters by $units nor returns unit_id: not for a unit account")
    return scoped_rows(frame, scope)
