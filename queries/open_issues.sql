-- Issues raised in the filter's span that were not rectified by its last day (整改未到位), oldest first.
-- Parameters: $units (empty = all), $q_from, $q_to, $period_end.
-- Output: issue_id, unit_id, name_zh, name_en, date_raised, category, description,
--         status (as at $period_end: an issue rectified later was still in progress then), due_date.
with scoped_issues as (
    select * from issues
    where in_units(unit, $units) and in_quarters(date_raised, $q_from, $q_to)
),

final as (
    select
        scoped_issues.issue_id,
        scoped_issues.unit as unit_id,
        units.name_zh,
        units.name_en,
        scoped_issues.date_raised,
        scoped_issues.category,
        scoped_issues.description,
        case when scoped_issues.status = 'rectified' then 'in_progress' else scoped_issues.status end as status,
        scoped_issues.due_date
    from scoped_issues
    join units on units.unit_id = scoped_issues.unit
    -- the same test as kpi_totals' issues_rectified, so open + rectified = issues
    where not (scoped_issues.status = 'rectified' and scoped_issues.rectified_date <= $period_end)
)

select * from final
order by date_raised, issue_id
