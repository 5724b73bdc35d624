-- Meetings per quarter of the range beside the same quarter a year earlier; quarters without meetings show 0,
-- and a year-earlier quarter before the first meeting on record is null (unknown, not zero).
-- Parameters: $units (empty = all), $q_from, $q_to.
-- Output: quarter_key, year, quarter, meetings, avg_duration_min, merged, prereviewed,
--         attended, prev_meetings, prev_avg_duration_min.
with first_on_record as (
    select min(quarter_key(date)) as quarter_key from meetings
),

quarter_series as (
    select quarter_key from quarters_between($q_from, $q_to)
),

per_quarter as (
    select
        quarter_key(date) as quarter_key,
        count(*) as meetings,
        avg(duration_min) as avg_duration_min,
        count(*) filter (where merged) as merged,
        count(*) filter (where agenda_prereviewed) as prereviewed,
        count(*) filter (where attended_by_team) as attended
    from meetings
    where in_units(unit, $units) and in_quarters(date, $q_from - 10, $q_to)
    group by all
),

final as (
    select
        quarter_series.quarter_key,
        quarter_series.quarter_key // 10 as year,
        quarter_series.quarter_key % 10 as quarter,
        coalesce(current.meetings, 0) as meetings,
        current.avg_duration_min,
        coalesce(current.merged, 0) as merged,
        coalesce(current.prereviewed, 0) as prereviewed,
        coalesce(current.attended, 0) as attended,
        case when quarter_series.quarter_key - 10 >= first_on_record.quarter_key
            then coalesce(previous.meetings, 0) end as prev_meetings,
        previous.avg_duration_min as prev_avg_duration_min
    from quarter_series
    cross join first_on_record
    left join per_quarter as current on current.quarter_key = quarter_series.quarter_key
    left join per_quarter as previous on previous.quarter_key = quarter_series.quarter_key - 10
)

select * from final
order by quarter_key
