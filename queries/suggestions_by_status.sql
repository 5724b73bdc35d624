-- Suggestions made in the filter per adoption status, in the contract's order (proposed, adopted, implemented).
-- Parameters: $units (empty = all), $q_from, $q_to.  Output: status, suggestions.
with final as (
    select status, count(*) as suggestions
    from suggestions
    where in_units(unit, $units) and in_quarters(date_made, $q_from, $q_to)
    group by status
)

select * from final
order by case status when 'proposed' then 1 when 'adopted' then 2 else 3 end
