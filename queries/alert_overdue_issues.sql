-- Alert rule 逾期: issues overdue at the as-of date D — due before D and not rectified by D
-- (no rectified date, or one after D), whatever the date raised.
-- Parameters: $units (empty = all), $as_of.
-- Output: unit_id, name_zh, name_en, issue_id, date_raised, category, description, due_date, days_overdue.
with final as (
    select
        issues.unit as unit_id,
        units.name_zh,
        units.name_en,
        issues.issue_id,
        issues.date_raised,
        issues.category,
        issues.description,
        issues.due_date,
        date_diff('day', issues.due_date, $as_of) as days_overdue
    from issues
    join units on units.unit_id = issues.unit
    where in_units(issues.unit, $units)
        and issues.date_raised <= $as_of
        -- the one definition of overdue (README, 口径说明), the same as the 逾期未整改 card and table
        and overdue_at(issues.status, issues.rectified_date, issues.due_date, $as_of)
)

select * from final
order by days_overdue desc, issue_id
