-- meetings_by_quarter from the roll-ups: the same rows as ../meetings_by_quarter.sql (tests/test_rollups.py).
-- Parameters: $units (empty = all), $q_from, $q_to, $period_end (the as-of date), and filters.rollup_bounds's
-- $whole_from, $whole_to, $tail_from for the range and $earlier_* for the year before.
-- Output: as ../meetings_by_quarter.sql.
with first_on_record as (
    select quarter_key(first_day) as quarter_key from coverage
),

quarter_rows as (
    select * from quarter_series($q_from, $q_to, $period_end)
),

current_quarters as (
    select
        quarter_key,
        sum(meetings)::bigint as meetings,
        sum(duration_sum)::double / nullif(sum(durations), 0) as avg_duration_min,
        sum(merged)::bigint as merged,
        sum(prereviewed)::bigint as prereviewed,
        sum(attended)::bigint as attended
    from rolled_meetings($units, $whole_from, $whole_to, $tail_from, $period_end)
    group by all
),

-- the year before: from the first day of the range's first quarter a year earlier, up to the range's start and
-- the same as-of day a year earlier (the row-level query's "date < $period_start and date <= $prev_end"),
-- split by filters.rollup_bounds as $earlier_*
earlier_quarters as (
    select
        quarter_key + 10 as quarter_key,
        sum(meetings)::bigint as meetings,
        sum(duration_sum)::double / nullif(sum(durations), 0) as avg_duration_min
    from rolled_meetings($units, $earlier_whole_from, $earlier_whole_to, $earlier_tail_from, $earlier_tail_to)
    group by all
),

final as (
    select
        quarter_rows.quarter_key,
        quarter_rows.year,
        quarter_rows.quarter,
        quarter_rows.through_day,
        case when recorded then coalesce(current_quarters.meetings, 0) end as meetings,
        current_quarters.avg_duration_min,
        case when recorded then coalesce(current_quarters.merged, 0) end as merged,
        case when recorded then coalesce(current_quarters.prereviewed, 0) end as prereviewed,
        case when recorded then coalesce(current_quarters.attended, 0) end as attended,
        case when recorded and quarter_rows.quarter_key - 10 >= first_on_record.quarter_key
                  and quarter_rows.quarter_key - 10 < $q_from
            then coalesce(earlier_quarters.meetings, 0) end as prev_meetings,
        case when recorded and quarter_rows.quarter_key - 10 >= first_on_record.quarter_key
                  and quarter_rows.quarter_key - 10 < $q_from
            then earlier_quarters.avg_duration_min end as prev_avg_duration_min
    from quarter_rows
    cross join first_on_record
    left join current_quarters on current_quarters.quarter_key = quarter_rows.quarter_key
    left join earlier_quarters on earlier_quarters.quarter_key = quarter_rows.quarter_key
)

select * from final
order by quarter_key
