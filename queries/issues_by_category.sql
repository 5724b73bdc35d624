-- Issues raised per category, largest first; categories without issues are left out.
-- Parameters: $units (empty = all), $period_start, $period_end (the as-of date).  Output: category, issues.
with final as (
    select category, count(*) as issues
    from issues
    where in_units(unit, $units) and in_period(date_raised, $period_start, $period_end)
    group by category
)

select * from final
order by issues desc, category
