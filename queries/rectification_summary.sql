-- Rectification as of the as-of date ($period_end), in the vocabulary of README's 口径说明: of the issues raised
-- in the range, how many were due, rectified, on time, late, overdue, not yet due; plus every overdue issue in scope.
-- Parameters: $units (empty = all), $period_start, $period_end (the as-of date).
-- An issue due on the as-of date itself is due only once rectified: until the day is over it is not late (逾期
-- counts deadlines before the as-of date), so it counts as not yet due and stays out of the on-time rate, which
-- would otherwise read 0% for an issue nobody has missed. 应整改 = 按期 + 逾期整改 (of the due) + the period's 逾期.
-- Output: issues, due, rectified, on_time, late, overdue_raised, not_yet_due, overdue, median_days_to_rectify.
with scoped as (
    select *,
        rectified_by(status, rectified_date, $period_end) as rectified_by_end,
        due_date < $period_end or (due_date = $period_end and rectified_by_end) as is_due
    from issues
    where in_units(unit, $units) and in_period(date_raised, $period_start, $period_end)
),

final as (
    select
        count(*) as issues,
        count(*) filter (where is_due) as due,
        count(*) filter (where rectified_by_end) as rectified,
        count(*) filter (where is_due and rectified_by_end and rectified_date <= due_date) as on_time,
        count(*) filter (where rectified_by_end and rectified_date > due_date) as late,
        count(*) filter (where overdue_at(status, rectified_date, due_date, $period_end)) as overdue_raised,
        count(*) filter (where due_date >= $period_end and not rectified_by_end) as not_yet_due,
        (select count(*) from issues
         where in_units(unit, $units) and date_raised <= $period_end
             and overdue_at(status, rectified_date, due_date, $period_end)) as overdue,
        median(date_diff('day', date_raised, rectified_date)) filter (where rectified_by_end) as median_days_to_rectify
    from scoped
)

select * from final
