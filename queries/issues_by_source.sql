-- Issues raised per source (consultation, attended meeting, daily supervision …), largest first.
-- Parameters: $units (empty = all), $q_from, $q_to.  Output: source, issues.
with final as (
    select source, count(*) as issues
    from issues
    where in_units(unit, $units) and in_quarters(date_raised, $q_from, $q_to)
    group by source
)

select * from final
order by issues desc, source
