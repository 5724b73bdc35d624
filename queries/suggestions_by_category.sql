-- Suggestions made in the filter per category, largest first.
-- Parameters: $units (empty = all), $q_from, $q_to.  Output: category, suggestions.
with final as (
    select category, count(*) as suggestions
    from suggestions
    where in_units(unit, $units) and in_quarters(date_made, $q_from, $q_to)
    group by category
)

select * from final
order by suggestions desc, category
