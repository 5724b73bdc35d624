-- Consultations, special studies, notifications and secondments per unit; every unit in scope, zeros included.
-- Parameters: $units (empty = all), $period_start, $period_end (the as-of date).
-- Output: unit_id, name_zh, name_en, short_name_en, consultation, special_study, notification, secondment, activities.
with unit_scope as (
    select unit_id, name_zh, name_en, short_name_en from units where in_units(unit_id, $units)
),

scoped as (
    select unit, kind from activities
    where in_units(unit, $units) and in_period(date, $period_start, $period_end)
),

final as (
    select
        unit_scope.unit_id,
        unit_scope.name_zh,
        unit_scope.name_en,
        unit_scope.short_name_en,
        count(scoped.kind) filter (where scoped.kind = 'consultation') as consultation,
        count(scoped.kind) filter (where scoped.kind = 'special_study') as special_study,
        count(scoped.kind) filter (where scoped.kind = 'notification') as notification,
        count(scoped.kind) filter (where scoped.kind = 'secondment') as secondment,
        count(scoped.kind) as activities
    from unit_scope
    left join scoped on scoped.unit = unit_scope.unit_id
    group by all
)

select * from final
order by activities desc, unit_id
