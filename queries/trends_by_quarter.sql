-- Quarterly trends of the team's work for the units in scope: meetings, their average length, issues,
-- suggestions and reminders; every quarter of the range appears, zeros included.
-- Parameters: $units (empty = all), $q_from, $q_to.
-- Output: quarter_key, year, quarter, meetings, avg_duration_min, issues, suggestions, reminders.
with quarter_series as (
    select quarter_key from quarters_between($q_from, $q_to)
),

meeting_counts as (
    select quarter_key(date) as quarter_key, count(*) as meetings, avg(duration_min) as avg_duration_min
    from meetings where in_units(unit, $units) and in_quarters(date, $q_from, $q_to) group by all
),

issue_counts as (
    select quarter_key(date_raised) as quarter_key, count(*) as issues
    from issues where in_units(unit, $units) and in_quarters(date_raised, $q_from, $q_to) group by all
),

suggestion_counts as (
    select quarter_key(date_made) as quarter_key, count(*) as suggestions
    from suggestions where in_units(unit, $units) and in_quarters(date_made, $q_from, $q_to) group by all
),

reminder_counts as (
    select quarter_key(date) as quarter_key, count(*) as reminders
    from reminders where in_units(unit, $units) and in_quarters(date, $q_from, $q_to) group by all
),

final as (
    select
        quarter_series.quarter_key,
        quarter_series.quarter_key // 10 as year,
        quarter_series.quarter_key % 10 as quarter,
        coalesce(meeting_counts.meetings, 0) as meetings,
        meeting_counts.avg_duration_min,
        coalesce(issue_counts.issues, 0) as issues,
        coalesce(suggestion_counts.suggestions, 0) as suggestions,
        coalesce(reminder_counts.reminders, 0) as reminders
    from quarter_series
    left join meeting_counts using (quarter_key)
    left join issue_counts using (quarter_key)
    left join suggestion_counts using (quarter_key)
    left join reminder_counts using (quarter_key)
)

select * from final
order by quarter_key
