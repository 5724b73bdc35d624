-- Units in scope with no regular consultation (定期会商) in the filter, and when they last had one.
-- Parameters: $units (empty = all), $period_start, $period_end (the as-of date).
-- Output: unit_id, name_zh, name_en, last_consultation (null when there never was one).
with consulted as (
    select distinct unit from activities
    where kind = 'consultation' and in_units(unit, $units) and in_period(date, $period_start, $period_end)
),

last_consultation as (
    select unit, max(date) as last_consultation from activities
    where kind = 'consultation' and date <= $period_end
    group by unit
),

final as (
    select units.unit_id, units.name_zh, units.name_en, last_consultation.last_consultation
    from units
    left join last_consultation on last_consultation.unit = units.unit_id
    where in_units(units.unit_id, $units) and units.unit_id not in (select unit from consulted)
)

select * from final
order by last_consultation nulls first, unit_id
