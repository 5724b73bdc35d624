-- Reminders and joint work with the units for one filter (run again with the year-earlier filter for 同比).
-- Parameters: $units (empty = all), $period_start, $period_end (the as-of date).
-- Output: reminders, consultations, units_consulted, special_studies, notifications, secondments.
with scoped_activities as (
    select * from activities
    where in_units(unit, $units) and in_period(date, $period_start, $period_end)
),

final as (
    select
        (select count(*) from reminders where in_units(unit, $units) and in_period(date, $period_start, $period_end)) as reminders,
        (select count(*) from scoped_activities where kind = 'consultation') as consultations,
        (select count(distinct unit) from scoped_activities where kind = 'consultation') as units_consulted,
        (select count(*) from scoped_activities where kind = 'special_study') as special_studies,
        (select count(*) from scoped_activities where kind = 'notification') as notifications,
        (select count(*) from scoped_activities where kind = 'secondment') as secondments
)

select * from final
