-- Units ranked by how much they cut meetings against the same span a year earlier (biggest cut first).
-- Parameters: $units (empty = all), $q_from, $period_start, $period_end (the as-of date), $prev_start, $prev_end.
-- Output: unit_id, name_zh, name_en, comparable, meetings, prev_meetings, change, change_pct, avg_duration_min,
--         prev_avg_duration_min, merged, prereviewed.
with unit_scope as (
    select unit_id, name_zh, name_en from units where in_units(unit_id, $units)
),

current_span as (
    select unit, count(*) as meetings, avg(duration_min) as avg_duration_min,
           count(*) filter (where merged) as merged, count(*) filter (where agenda_prereviewed) as prereviewed
    from meetings
    where in_units(unit, $units) and in_period(date, $period_start, $period_end)
    group by unit
),

-- the same span a year earlier, cut at the same day; known only where the data reaches back that far
previous_known as (
    select $q_from - 10 >= quarter_key(first_day) and $period_start <= last_day as known from coverage
),

previous_span as (
    select unit, count(*) as meetings, avg(duration_min) as avg_duration_min
    from meetings
    where in_units(unit, $units) and in_period(date, $prev_start, $prev_end)
    group by unit
),

final as (
    select
        unit_scope.unit_id,
        unit_scope.name_zh,
        unit_scope.name_en,
        previous_known.known as comparable,
        coalesce(current_span.meetings, 0) as meetings,
        case when known then coalesce(previous_span.meetings, 0) end as prev_meetings,
        case when known then coalesce(current_span.meetings, 0) - coalesce(previous_span.meetings, 0) end as change,
        case when known then 100.0 * (coalesce(current_span.meetings, 0) - previous_span.meetings)
            / nullif(previous_span.meetings, 0) end as change_pct,
        current_span.avg_duration_min,
        case when known then previous_span.avg_duration_min end as prev_avg_duration_min,
        coalesce(current_span.merged, 0) as merged,
        coalesce(current_span.prereviewed, 0) as prereviewed
    from unit_scope
    cross join previous_known
    left join current_span on current_span.unit = unit_scope.unit_id
    left join previous_span on previous_span.unit = unit_scope.unit_id
)

select * from final
order by change_pct asc nulls last, change asc, unit_id
