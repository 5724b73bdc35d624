-- Suggestions made in the filter per adoption status, in the contract's order (proposed, adopted, implemented).
-- Parameters: $units (empty = all), $period_start, $period_end (the as-of date).  Output: status, suggestions.
with final as (
    select status, count(*) as suggestions
    from suggestions
    where in_units(unit, $units) and in_period(date_made, $period_start, $period_end)
    group by status
)

select * from final
order by case status when 'proposed' then 1 when 'adopted' then 2 else 3 end
