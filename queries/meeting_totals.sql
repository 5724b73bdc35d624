-- The meeting-supervision key figures for one filter (run again for 同比 and 环比 spans).
-- Parameters: $units (empty = all), $period_start, $period_end (the as-of date).
-- Output: meetings, total_minutes, avg_duration_min, merged, prereviewed, attended, agenda_items.
with scoped as (
    select * from meetings
    where in_units(unit, $units) and in_period(date, $period_start, $period_end)
),

final as (
    select
        count(*) as meetings,
        coalesce(sum(duration_min), 0)::bigint as total_minutes,
        avg(duration_min) as avg_duration_min,
        count(*) filter (where merged) as merged,
        count(*) filter (where agenda_prereviewed) as prereviewed,
        count(*) filter (where attended_by_team) as attended,
        coalesce(sum(agenda_items), 0)::bigint as agenda_items
    from scoped
)

select * from final
