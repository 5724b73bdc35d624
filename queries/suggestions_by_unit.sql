-- Suggestions made in the filter per unit and adoption status; every unit in scope appears, zeros included.
-- Parameters: $units (empty = all), $period_start, $period_end (the as-of date).
-- Output: unit_id, name_zh, name_en, short_name_en, proposed, adopted, implemented, suggestions (most first).
with unit_scope as (
    select unit_id, name_zh, name_en, short_name_en from units where in_units(unit_id, $units)
),

scoped as (
    select unit, status from suggestions
    where in_units(unit, $units) and in_period(date_made, $period_start, $period_end)
),

final as (
    select
        unit_scope.unit_id,
        unit_scope.name_zh,
        unit_scope.name_en,
        unit_scope.short_name_en,
        count(scoped.status) filter (where scoped.status = 'proposed') as proposed,
        count(scoped.status) filter (where scoped.status = 'adopted') as adopted,
        count(scoped.status) filter (where scoped.status = 'implemented') as implemented,
        count(scoped.status) as suggestions
    from unit_scope
    left join scoped on scoped.unit = unit_scope.unit_id
    group by all
)

select * from final
order by suggestions desc, unit_id
