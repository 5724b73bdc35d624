-- Reminders per quarter of the range and form, for a stacked bar; every quarter appears, zeros included
-- (null for a quarter after the data date; through_day is the day a quarter still running is counted to).
-- Parameters: $units (empty = all), $q_from, $q_to, $period_start, $period_end (the as-of date).
-- Output: quarter_key, year, quarter, through_day, written, in_person, meeting, reminders.
with quarter_rows as (
    select * from quarter_series($q_from, $q_to, $period_end)
),

scoped as (
    select quarter_key(date) as quarter_key, form from reminders
    where in_units(unit, $units) and in_period(date, $period_start, $period_end)
),

counted as (
    select
        quarter_rows.quarter_key,
        count(scoped.form) filter (where scoped.form = 'written') as written,
        count(scoped.form) filter (where scoped.form = 'in_person') as in_person,
        count(scoped.form) filter (where scoped.form = 'meeting') as meeting,
        count(scoped.form) as reminders
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
        case when recorded then counted.written end as written,
        case when recorded then counted.in_person end as in_person,
        case when recorded then counted.meeting end as meeting,
        case when recorded then counted.reminders end as reminders
    from quarter_rows
    join counted using (quarter_key)
)

select * from final
order by quarter_key
