-- The Overview's key figures for one filter (run again with the year-earlier filter for 同比).
-- Parameters: $units (empty = all), $period_start, $period_end (the as-of date).
-- Output: units_consulted, issues, issues_rectified, suggestions, special_studies, meetings, avg_duration_min.
with scoped_activities as (
    select * from activities
    where in_units(unit, $units) and in_period(date, $period_start, $period_end)
),

scoped_issues as (
    select * from issues
    where in_units(unit, $units) and in_period(date_raised, $period_start, $period_end)
),

scoped_meetings as (
    select * from meetings
    where in_units(unit, $units) and in_period(date, $period_start, $period_end)
),

final as (
    select
        (select count(distinct unit) from scoped_activities where kind = 'consultation') as units_consulted,
        (select count(*) from scoped_issues) as issues,
        -- rectified by the end of the period, so a past period's rate does not change later
        (select count(*) from scoped_issues
         where rectified_by(status, rectified_date, $period_end)) as issues_rectified,
        (select count(*) from suggestions
         where in_units(unit, $units) and in_period(date_made, $period_start, $period_end)) as suggestions,
        (select count(*) from scoped_activities where kind = 'special_study') as special_studies,
        (select count(*) from scoped_meetings) as meetings,
        (select avg(duration_min) from scoped_meetings) as avg_duration_min
)

select * from final
