-- Reminders per unit and form; every unit in scope appears, zeros included (most reminders first).
-- Parameters: $units (empty = all), $period_start, $period_end (the as-of date).
-- Output: unit_id, name_zh, name_en, short_name_en, written, in_person, meeting, reminders.
with unit_scope as (
    select unit_id, name_zh, name_en, short_name_en from units where in_units(unit_id, $units)
),

scoped as (
    select unit, form from reminders
    where in_units(unit, $units) and in_period(date, $period_start, $period_end)
),

final as (
    select
        unit_scope.unit_id,
        unit_scope.name_zh,
        unit_scope.name_en,
        unit_scope.short_name_en,
        count(scoped.form) filter (where scoped.form = 'written') as written,
        count(scoped.form) filter (where scoped.form = 'in_person') as in_person,
        count(scoped.form) filter (where scoped.form = 'meeting') as meeting,
        count(scoped.form) as reminders
    from unit_scope
    left join scoped on scoped.unit = unit_scope.unit_id
    group by all
)

select * from final
order by reminders desc, unit_id
