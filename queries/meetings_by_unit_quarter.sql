-- Meetings per unit and quarter for a heatmap: every unit in scope × every quarter of the range, zeros included.
-- Parameters: $units (empty = all), $q_from, $q_to.
-- Output: unit_id, name_zh, name_en, ordinal, quarter_key, meetings.
with unit_scope as (
    -- the units sheet's own order, so the heatmap rows read as the office lists its units
    select unit_id, name_zh, name_en, row_number() over () as ordinal from units where in_units(unit_id, $units)
),

quarter_series as (
    select quarter_key from quarters_between($q_from, $q_to)
),

counts as (
    select unit, quarter_key(date) as quarter_key, count(*) as meetings
    from meetings
    where in_units(unit, $units) and in_quarters(date, $q_from, $q_to)
    group by all
),

final as (
    select
        unit_scope.unit_id,
        unit_scope.name_zh,
        unit_scope.name_en,
        unit_scope.ordinal,
        quarter_series.quarter_key,
        coalesce(counts.meetings, 0) as meetings
    from unit_scope
    cross join quarter_series
    left join counts on counts.unit = unit_scope.unit_id and counts.quarter_key = quarter_series.quarter_key
)

select * from final
order by ordinal, quarter_key
