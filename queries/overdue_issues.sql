-- Issues overdue at the as-of date ($period_end): deadline before it and not rectified by then, whenever raised.
-- The same definition as rectification_summary's overdue, so the card and this list always agree.
-- Parameters: $units (empty = all), $period_end (the as-of date).
-- Output: issue_id, unit_id, name_zh, name_en, short_name_en, date_raised, category, description, status, due_date,
--         days_overdue, age_days (both counted to the as-of date).
with final as (
    select
        issues.issue_id,
        issues.unit as unit_id,
        units.name_zh,
        units.name_en,
        units.short_name_en,
        issues.date_raised,
        issues.category,
        issues.description,
        status_at(issues.status, issues.rectified_date, $period_end) as status,
        issues.due_date,
        date_diff('day', issues.due_date, $period_end) as days_overdue,
        date_diff('day', issues.date_raised, $period_end) as age_days
    from issues
    join units on units.unit_id = issues.unit
    where in_units(issues.unit, $units)
        and issues.date_raised <= $period_end
        and overdue_at(issues.status, issues.rectified_date, issues.due_date, $period_end)
)

select * from final
order by days_overdue desc, issue_id
