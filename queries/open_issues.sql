-- Issues raised in the range that were not rectified by the as-of date ($period_end) (整改未到位), oldest first.
-- Parameters: $units (empty = all), $period_start, $period_end (the as-of date).
-- Output: issue_id, unit_id, name_zh, name_en, short_name_en, date_raised, category, description,
--         status (at the as-of date: an issue rectified later was still in progress then), due_date.
with scoped_issues as (
    select * from issues
    where in_units(unit, $units) and in_period(date_raised, $period_start, $period_end)
),

final as (
    select
        scoped_issues.issue_id,
        scoped_issues.unit as unit_id,
        units.name_zh,
        units.name_en,
        units.short_name_en,
        scoped_issues.date_raised,
        scoped_issues.category,
        scoped_issues.description,
        status_at(scoped_issues.status, scoped_issues.rectified_date, $period_end) as status,
        scoped_issues.due_date
    from scoped_issues
    join units on units.unit_id = scoped_issues.unit
    -- the same test as kpi_totals' issues_rectified, so open + rectified = issues
    where not rectified_by(scoped_issues.status, scoped_issues.rectified_date, $period_end)
)

select * from final
order by date_raised, issue_id
