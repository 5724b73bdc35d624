-- Issues not rectified at the end of the period (raised then or earlier), oldest first.
-- Parameters: $units (empty = all), $period_end.
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
        -- the status it had at the period's end: a later rectification does not count yet
        case when issues.status = 'rectified' then 'in_progress' else issues.status end as status,
        issues.due_date,
        coalesce(issues.due_date < $period_end, false) as overdue,
        date_diff('day', issues.date_raised, $period_end) as age_days
    from issues
    join units on units.unit_id = issues.unit
    where in_units(issues.unit, $units)
        and issues.date_raised <= $period_end
        and not coalesce(issues.status = 'rectified' and issues.rectified_date <= $period_end, false)
)

select * from final
order by date_raised, issue_id
