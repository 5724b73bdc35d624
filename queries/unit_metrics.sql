-- Every unit's key figures for the quarter range, so one unit can be set beside the average of all units.
-- Ignores the unit filter on purpose: the average is always over all units.
-- Parameters: $period_start, $period_end (the as-of date).
-- Output: unit_id, name_zh, name_en, issues, rectified, suggestions, consultations, special_studies, reminders,
--         meetings, avg_duration_min.
with issue_counts as (
    select unit, count(*) as issues,
           count(*) filter (where rectified_by(status, rectified_date, $period_end)) as rectified
    from issues where in_period(date_raised, $period_start, $period_end) group by unit
),

suggestion_counts as (
    select unit, count(*) as suggestions from suggestions where in_period(date_made, $period_start, $period_end) group by unit
),

activity_counts as (
    select unit,
           count(*) filter (where kind = 'consultation') as consultations,
           count(*) filter (where kind = 'special_study') as special_studies
    from activities where in_period(date, $period_start, $period_end) group by unit
),

reminder_counts as (
    select unit, count(*) as reminders from reminders where in_period(date, $period_start, $period_end) group by unit
),

meeting_counts as (
    select unit, count(*) as meetings, avg(duration_min) as avg_duration_min
    from meetings where in_period(date, $period_start, $period_end) group by unit
),

final as (
    select
        units.unit_id,
        units.name_zh,
        units.name_en,
        coalesce(issue_counts.issues, 0) as issues,
        coalesce(issue_counts.rectified, 0) as rectified,
        coalesce(suggestion_counts.suggestions, 0) as suggestions,
        coalesce(activity_counts.consultations, 0) as consultations,
        coalesce(activity_counts.special_studies, 0) as special_studies,
        coalesce(reminder_counts.reminders, 0) as reminders,
        coalesce(meeting_counts.meetings, 0) as meetings,
        meeting_counts.avg_duration_min
    from units
    left join issue_counts on issue_counts.unit = units.unit_id
    left join suggestion_counts on suggestion_counts.unit = units.unit_id
    left join activity_counts on activity_counts.unit = units.unit_id
    left join reminder_counts on reminder_counts.unit = units.unit_id
    left join meeting_counts on meeting_counts.unit = units.unit_id
)

select * from final
