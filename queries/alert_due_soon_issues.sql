-- Alert rule 即将到期: issues not rectified by the as-of date D (no rectified date, or one after D)
-- whose due date falls within D .. D + $due_within days, both ends included (due today counts).
-- Parameters: $units (empty = all), $as_of, $due_within (days, >= 0).
-- Output: unit_id, name_zh, name_en, issue_id, date_raised, category, description, due_date, days_left.
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
        date_diff('day', $as_of, issues.due_date) as days_left
    from issues
    join units on units.unit_id = issues.unit
    where in_units(issues.unit, $units)
        and issues.due_date >= $as_of
        and date_diff('day', $as_of, issues.due_date) <= $due_within
        and issues.date_raised <= $as_of
        and not rectified_by(issues.status, issues.rectified_date, $as_of)
)

select * from final
order by days_left, issue_id
