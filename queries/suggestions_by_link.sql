-- Suggestions made in the filter that follow an issue, against those that stand alone.
-- Parameters: $units (empty = all), $period_start, $period_end (the as-of date).  Output: link ('linked' or 'standalone'), suggestions.
with final as (
    select case when issue_id is null then 'standalone' else 'linked' end as link, count(*) as suggestions
    from suggestions
    where in_units(unit, $units) and in_period(date_made, $period_start, $period_end)
    group by all
)

select * from final
order by link
