-- The issues raised in the range, one row each, as they stood at the as-of date ($period_end): status, rectified
-- date and days to rectify all at that same day (a rectification after it is not shown yet).
-- Parameters: $units (empty = all), $period_start, $period_end (the as-of date).
-- Output: issue_id, unit_id, name_zh, name_en, date_raised, source, category, description, status, due_date,
--         rectified_date, days_to_rectify, rectified_by_end, overdue, status_at_end, days_overdue.
with scoped as (
    select *, rectified_by(status, rectified_date, $period_end) as rectified_by_end
    from issues
    where in_units(unit, $units) and in_period(date_raised, $period_start, $period_end)
),

final as (
    select
        scoped.issue_id,
        scoped.unit as unit_id,
        units.name_zh,
        units.name_en,
        scoped.date_raised,
        scoped.source,
        scoped.category,
        scoped.description,
        scoped.status,
        scoped.due_date,
        case when rectified_by_end then scoped.rectified_date end as rectified_date,
        case when rectified_by_end then date_diff('day', scoped.date_raised, scoped.rectified_date) end
            as days_to_rectify,
        rectified_by_end,
        overdue_at(scoped.status, scoped.rectified_date, scoped.due_date, $period_end) as overdue,
        status_at(scoped.status, scoped.rectified_date, $period_end) as status_at_end,
        case when overdue_at(scoped.status, scoped.rectified_date, scoped.due_date, $period_end)
            then date_diff('day', scoped.due_date, $period_end) end as days_overdue
    from scoped
    join units on units.unit_id = scoped.unit
)

select * from final
order by date_raised desc, issue_id
