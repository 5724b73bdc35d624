-- The issues raised in the filter, one row each, with unit names, age and overdue state at the period's end.
-- Parameters: $units (empty = all), $q_from, $q_to, $period_end.
-- Output: issue_id, unit_id, name_zh, name_en, date_raised, source, category, description, status,
--         due_date, rectified_date, days_to_rectify, rectified_by_end, overdue, status_at_end.
with scoped as (
    select * from issues
    where in_units(unit, $units) and in_quarters(date_raised, $q_from, $q_to)
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
        scoped.rectified_date,
        date_diff('day', scoped.date_raised, scoped.rectified_date) as days_to_rectify,
        coalesce(scoped.status = 'rectified' and scoped.rectified_date <= $period_end, false) as rectified_by_end,
        coalesce(scoped.due_date < $period_end
            and not (scoped.status = 'rectified' and scoped.rectified_date <= $period_end), false) as overdue,
        case
            when scoped.status = 'rectified' and scoped.rectified_date <= $period_end then 'rectified'
            when scoped.status = 'rectified' then 'in_progress'  -- rectified only after the period
            else scoped.status
        end as status_at_end
    from scoped
    join units on units.unit_id = scoped.unit
)

select * from final
order by date_raised desc, issue_id
