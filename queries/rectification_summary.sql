-- Rectification of the issues raised in the filter, as of the period's end.
-- Parameters: $units (empty = all), $q_from, $q_to, $period_end.
-- Output: issues, rectified, overdue, median_days_to_rectify.
with scoped as (
    select *,
        coalesce(status = 'rectified' and rectified_date <= $period_end, false) as rectified_by_end
    from issues
    where in_units(unit, $units) and in_quarters(date_raised, $q_from, $q_to)
),

final as (
    select
        count(*) as issues,
        count(*) filter (where rectified_by_end) as rectified,
        count(*) filter (where due_date < $period_end and not rectified_by_end) as overdue,
        median(date_diff('day', date_raised, rectified_date)) filter (where rectified_by_end) as median_days_to_rectify
    from scoped
)

select * from final
