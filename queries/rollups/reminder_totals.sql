-- reminder_totals from the roll-ups: the same figures as ../reminder_totals.sql (tests/test_rollups.py).
-- Parameters: $units (empty = all), $whole_from, $whole_to, $tail_from, $period_end (filters.rollup_bounds).
-- Output: reminders, consultations, units_consulted, special_studies, notifications, secondments.
with reminder_figures as (
    select coalesce(sum(reminders), 0)::bigint as reminders
    from rolled_reminders($units, $whole_from, $whole_to, $tail_from, $period_end)
),

activity_figures as (
    select
        coalesce(sum(activities) filter (where kind = 'consultation'), 0)::bigint as consultations,
        count(distinct unit) filter (where kind = 'consultation') as units_consulted,
        coalesce(sum(activities) filter (where kind = 'special_study'), 0)::bigint as special_studies,
        coalesce(sum(activities) filter (where kind = 'notification'), 0)::bigint as notifications,
        coalesce(sum(activities) filter (where kind = 'secondment'), 0)::bigint as secondments
    from rolled_activities($units, $whole_from, $whole_to, $tail_from, $period_end)
),

final as (
    select
        reminder_figures.reminders,
        activity_figures.consultations,
        activity_figures.units_consulted,
        activity_figures.special_studies,
        activity_figures.notifications,
        activity_figures.secondments
    from reminder_figures, activity_figures
)

select * from final
