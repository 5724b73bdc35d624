-- Suggestions made in the filter per category, largest first.
-- Parameters: $units (empty = all), $period_start, $period_end (the as-of date).  Output: category, suggestions.
with final as (
    select category, count(*) as suggestions
    from suggestions
    where in_units(unit, $units) and in_period(date_made, $period_start, $period_end)
    group by category
)

select * from final
order by suggestions desc, category
