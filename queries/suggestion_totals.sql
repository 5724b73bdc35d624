-- The suggestion page's key figures for one filter (run again with the year-earlier filter for 同比).
-- Parameters: $units (empty = all), $period_start, $period_end (the as-of date).
-- Output: suggestions, adopted_or_implemented, implemented, linked.
with scoped as (
    select * from suggestions
    where in_units(unit, $units) and in_period(date_made, $period_start, $period_end)
),

final as (
    select
        count(*) as suggestions,
        count(*) filter (where status in ('adopted', 'implemented')) as adopted_or_implemented,
        count(*) filter (where status = 'implemented') as implemented,
        count(issue_id) as linked
    from scoped
)

select * from final
