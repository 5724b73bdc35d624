-- Issues overdue at the end of the period: due before it and not rectified by then, whenever they were raised.
-- Parameters: $units (empty = all), $period_end.
-- Output: issue_id, unit_id, name_zh, name_en, date_raised, category, description, status, due_date,
--         days_overdue, age_days (both counted to the period's end).
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
        date_diff('day', issues.due_date, $period_end) as days_overdue,
        date_diff('day', issues.date_raised, $period_end) as age_days
    from issues
    join units on units.unit_id = issues.unit
    where in_units(issues.unit, $units)
        and issues.date_raised <= $period_end
        and issues.due_date < $period_end
        and not coalesce(issues.status = 'rectified' and issues.rectified_date <= $period_end, false)
)

select * from final
order by days_overdue desc, issue_id
