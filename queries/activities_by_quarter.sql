-- Consultations, special studies, notifications and secondments per quarter of the range, zeros included
-- (null for a quarter after the data date; through_day is the day a quarter still running is counted to).
-- Parameters: $units (empty = all), $q_from, $q_to, $period_start, $period_end (the as-of date).
-- Output: quarter_key, year, quarter, through_day, consultation, special_study, notification, secondment.
with quarter_rows as (
    select * from quarter_series($q_from, $q_to, $period_end)
),

scoped as (
    select quarter_key(date) as quarter_key, kind from activities
    where in_units(unit, $units) and in_period(date, $period_start, $period_end)
),

counted as (
    select
        quarter_rows.quarter_key,
        count(scoped.kind) filter (where scoped.kind = 'consultation') as consultation,
        count(scoped.kind) filter (where scoped.kind = 'special_study') as special_study,
        count(scoped.kind) filter (where scoped.kind = 'notification') as notification,
        count(scoped.kind) filter (where scoped.kind = 'secondment') as secondment
    from quarter_rows
    left join scoped on scoped.quarter_key = quarter_rows.quarter_key
    group by all
),

final as (
    select
        quarter_rows.quarter_key,
        quarter_rows.year,
        quarter_rows.quarter,
        quarter_rows.through_day,
        case when recorded then counted.consultation end as consultation,
        case when recorded then counted.special_study end as special_study,
        case when recorded then counted.notification end as notification,
        case when recorded then counted.secondment end as secondment
    from quarter_rows
    join counted using (quarter_key)
)

select * from final
order by quarter_key
