-- Issues raised per source (consultation, attended meeting, daily supervision …), largest first.
-- Parameters: $units (empty = all), $period_start, $period_end (the as-of date).  Output: source, issues.
with final as (
    select source, count(*) as issues
    from issues
    where in_units(unit, $units) and in_period(date_raised, $period_start, $period_end)
    group by source
)

select * from final
order by issues desc, source
