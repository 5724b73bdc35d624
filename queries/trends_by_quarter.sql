-- Quarterly trends of the team's work for the units in scope: meetings, their average length, issues,
-- suggestions and reminders; every quarter of the range appears, zeros included (null after the data date).
-- Parameters: $units (empty = all), $q_from, $q_to, $period_start, $period_end (the as-of date).
-- Output: quarter_key, year, quarter, through_day, meetings, avg_duration_min, issues, suggestions, reminders.
with quarter_rows as (
    select * from quarter_series($q_from, $q_to, $period_end)
),

meeting_counts as (
    select quarter_key(date) as quarter_key, count(*) as meetings, avg(duration_min) as avg_duration_min
    from meetings where in_units(unit, $units) and in_period(date, $period_start, $period_end) group by all
),

issue_counts as (
    select quarter_key(date_raised) as quarter_key, count(*) as issues
    from issues where in_units(unit, $units) and in_period(date_raised, $period_start, $period_end) group by all
),

suggestion_counts as (
    select quarter_key(date_made) as quarter_key, count(*) as suggestions
    from suggestions where in_units(unit, $units) and in_period(date_made, $period_start, $period_end) group by all
),

reminder_counts as (
    select quarter_key(date) as quarter_key, count(*) as reminders
    from reminders where in_units(unit, $units) and in_period(date, $period_start, $period_end) group by all
),

final as (
    select
        quarter_rows.quarter_key,
        quarter_rows.year,
        quarter_rows.quarter,
        quarter_rows.through_day,
        case when recorded then coalesce(meeting_counts.meetings, 0) end as meetings,
        meeting_counts.avg_duration_min,
        case when recorded then coalesce(issue_counts.issues, 0) end as issues,
        case when recorded then coalesce(suggestion_counts.suggestions, 0) end as suggestions,
        case when recorded then coalesce(reminder_counts.reminders, 0) end as reminders
    from quarter_rows
    left join meeting_counts using (quarter_key)
    left join issue_counts using (quarter_key)
    left join suggestion_counts using (quarter_key)
    left join reminder_counts using (quarter_key)
)

select * from final
order by quarter_key
