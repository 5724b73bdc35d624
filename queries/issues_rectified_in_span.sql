-- Issues newly rectified in a span, for "what changed since last quarter" (oversight/present/changes.py): raised on
-- or before the as-of date (whenever since the records began) and rectified within the span, as they stood at the
-- as-of date (README, 口径说明: a rectification after it does not count yet). One count, not the list of issues.
-- Parameters: $units (empty = all), $period_start (the span's first day), $period_end (the as-of date).
-- Output: rectified.
with final as (
    select count(*) as rectified
    from issues
    where in_units(unit, $units)
        and date_raised <= $period_end
        and rectified_by(status, rectified_date, $period_end)
        and rectified_date >= $period_start
)

select * from final
