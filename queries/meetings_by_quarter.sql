-- Meetings per quarter of the range beside the same quarter a year earlier (cut at the same day); null after
-- the data date, and prev_* null where unknown (before the data begins) or already a bar of the range -- except
-- for a quarter to date: its quarter a year earlier cut at the same day is not the range's (whole) bar.
-- Parameters: $units (empty = all), $q_from, $q_to, $period_start, $period_end (the as-of date), $prev_end.
-- Output: quarter_key, year, quarter, through_day, meetings, avg_duration_min, merged, prereviewed, attended,
--         prev_meetings, prev_avg_duration_min.
with first_on_record as (
    select quarter_key(first_day) as quarter_key from coverage
),

quarter_rows as (
    select *, through_day < quarter_last_day(quarter_key) as to_date
    from quarter_series($q_from, $q_to, $period_end)
),

current_quarters as (
    select
        quarter_key(date) as quarter_key,
        count(*) as meetings,
        avg(duration_min) as avg_duration_min,
        count(*) filter (where merged) as merged,
        count(*) filter (where agenda_prereviewed) as prereviewed,
        count(*) filter (where attended_by_team) as attended
    from meetings
    where in_units(unit, $units) and in_period(date, $period_start, $period_end)
    group by all
),

earlier_quarters as (
    select quarter_key(date) + 10 as quarter_key, count(*) as meetings, avg(duration_min) as avg_duration_min
    from meetings
    where in_units(unit, $units) and date >= make_date($q_from // 10 - 1, ($q_from % 10) * 3 - 2, 1)
        and date <= $prev_end
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
                  and (quarter_rows.quarter_key - 10 < $q_from or to_date)
            then coalesce(earlier_quarters.meetings, 0) end as prev_meetings,
        case when recorded and quarter_rows.quarter_key - 10 >= first_on_record.quarter_key
                  and (quarter_rows.quarter_key - 10 < $q_from or to_date)
            then earlier_quarters.avg_duration_min end as prev_avg_duration_min
    from quarter_rows
    cross join first_on_record
    left join current_quarters on current_quarters.quarter_key = quarter_rows.quarter_key
    left join earlier_quarters on earlier_quarters.quarter_key = quarter_rows.quarter_key
)

select * from final
order by quarter_key
