-- Consultations, special studies, notifications and secondments per quarter of the range, zeros included.
-- Parameters: $units (empty = all), $q_from, $q_to.
-- Output: quarter_key, year, quarter, consultation, special_study, notification, secondment.
with quarter_series as (
    select quarter_key from quarters_between($q_from, $q_to)
),

scoped as (
    select quarter_key(date) as quarter_key, kind from activities
    where in_units(unit, $units) and in_quarters(date, $q_from, $q_to)
),

final as (
    select
        quarter_series.quarter_key,
        quarter_series.quarter_key // 10 as year,
        quarter_series.quarter_key % 10 as quarter,
        count(scoped.kind) filter (where scoped.kind = 'consultation') as consultation,
        count(scoped.kind) filter (where scoped.kind = 'special_study') as special_study,
        count(scoped.kind) filter (where scoped.kind = 'notification') as notification,
        count(scoped.kind) filter (where scoped.kind = 'secondment') as secondment
    from quarter_series
    left join scoped on scoped.quarter_key = quarter_series.quarter_key
    group by all
)

select * from final
order by quarter_key
