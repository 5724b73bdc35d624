-- Reminders per quarter of the range and form, for a stacked bar; every quarter appears, zeros included.
-- Parameters: $units (empty = all), $q_from, $q_to.
-- Output: quarter_key, year, quarter, written, in_person, meeting, reminders.
with quarter_series as (
    select quarter_key from quarters_between($q_from, $q_to)
),

scoped as (
    select quarter_key(date) as quarter_key, form from reminders
    where in_units(unit, $units) and in_quarters(date, $q_from, $q_to)
),

final as (
    select
        quarter_series.quarter_key,
        quarter_series.quarter_key // 10 as year,
        quarter_series.quarter_key % 10 as quarter,
        count(scoped.form) filter (where scoped.form = 'written') as written,
        count(scoped.form) filter (where scoped.form = 'in_person') as in_person,
        count(scoped.form) filter (where scoped.form = 'meeting') as meeting,
        count(scoped.form) as reminders
    from quarter_series
    left join scoped on scoped.quarter_key = quarter_series.quarter_key
    group by all
)

select * from final
order by quarter_key
