-- Units ranked by how much they cut meetings against the same span a year earlier (biggest cut first).
-- Parameters: $units (empty = all), $q_from, $q_to.
-- Output: unit_id, name_zh, name_en, meetings, prev_meetings, change, change_pct, avg_duration_min,
--         prev_avg_duration_min, merged, prereviewed.
with unit_scope as (
    select unit_id, name_zh, name_en from units where in_units(unit_id, $units)
),

current_span as (
    select unit, count(*) as meetings, avg(duration_min) as avg_duration_min,
           count(*) filter (where merged) as merged, count(*) filter (where agenda_prereviewed) as prereviewed
    from meetings
    where in_units(unit, $units) and in_quarters(date, $q_from, $q_to)
    group by unit
),

previous_span as (
    select unit, count(*) as meetings, avg(duration_min) as avg_duration_min
    from meetings
    where in_units(unit, $units) and in_quarters(date, $q_from - 10, $q_to - 10)
    group by unit
),

final as (
    select
        unit_scope.unit_id,
        unit_scope.name_zh,
        unit_scope.name_en,
        coalesce(current_span.meetings, 0) as meetings,
        coalesce(previous_span.meetings, 0) as prev_meetings,
        coalesce(current_span.meetings, 0) - coalesce(previous_span.meetings, 0) as change,
        100.0 * (coalesce(current_span.meetings, 0) - previous_span.meetings) / nullif(previous_span.meetings, 0) as change_pct,
        current_span.avg_duration_min,
        previous_span.avg_duration_min as prev_avg_duration_min,
        coalesce(current_span.merged, 0) as merged,
        coalesce(current_span.prereviewed, 0) as prereviewed
    from unit_scope
    left join current_span on current_span.unit = unit_scope.unit_id
    left join previous_span on previous_span.unit = unit_scope.unit_id
)

select * from final
order by change_pct asc nulls last, change asc, unit_id
