-- Meetings per unit and quarter for a heatmap: every unit in scope × every quarter of the range, zeros included
-- (null for a quarter after the data date; through_day is the day a quarter still running is counted to).
-- Parameters: $units (empty = all), $q_from, $q_to, $period_start, $period_end (the as-of date).
-- Output: unit_id, name_zh, name_en, short_name_en, ordinal, quarter_key, through_day, meetings.
with unit_scope as (
    -- the units sheet's own order, so the heatmap rows read as the office lists its units
    select unit_id, name_zh, name_en, short_name_en, row_number() over () as ordinal from units where in_units(unit_id, $units)
),

quarter_rows as (
    select * from quarter_series($q_from, $q_to, $period_end)
),

counts as (
    select unit, quarter_key(date) as quarter_key, count(*) as meetings
    from meetings
    where in_units(unit, $units) and in_period(date, $period_start, $period_end)
    group by all
),

final as (
    select
        unit_scope.unit_id,
        unit_scope.name_zh,
        unit_scope.name_en,
        unit_scope.short_name_en,
        unit_scope.ordinal,
        quarter_rows.quarter_key,
        quarter_rows.through_day,
        case when quarter_rows.recorded then coalesce(counts.meetings, 0) end as meetings
    from unit_scope
    cross join quarter_rows
    left join counts on counts.unit = unit_scope.unit_id and counts.quarter_key = quarter_rows.quarter_key
)

select * from final
order by ordinal, quarter_key
