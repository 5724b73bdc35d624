-- Issues not rectified at the as-of date ($period_end), raised then or earlier, oldest first.
-- Parameters: $units (empty = all), $period_end (the as-of date).
-- Output: issue_id, unit_id, name_zh, name_en, date_raised, category, description, status, due_date,
--         overdue, age_days.
with final as (
    select
        issues.issue_id,
        issues.unit as unit_id,
        units.name_zh,
        units.name_en,
        issues.date_raised,
        issues.category,
        issues.description,
        status_at(issues.status, issues.rectified_date, $period_end) as status,
        issues.due_date,
        overdue_at(issues.status, issues.rectified_date, issues.due_date, $period_end) as overdue,
        date_diff('day', issues.date_raised, $period_end) as age_days
    from issues
    join units on units.unit_id = issues.unit
    where in_units(issues.unit, $units)
        and issues.date_raised <= $period_end
        and not rectified_by(issues.status, issues.rectified_date, $period_end)
)

select * from final
order by date_raised, issue_id
