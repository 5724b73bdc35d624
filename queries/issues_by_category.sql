-- Issues raised per category, largest first; categories without issues are left out.
-- Parameters: $units (empty = all), $q_from, $q_to.  Output: category, issues.
with final as (
    select category, count(*) as issues
    from issues
    where in_units(unit, $units) and in_quarters(date_raised, $q_from, $q_to)
    group by category
)

select * from final
order by issues desc, category
