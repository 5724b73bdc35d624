-- Alert rule 未会商: units in scope with no regular consultation (定期会商) in the quarter of the as-of date,
-- and the date of their last one before that quarter (null when there never was one).
-- Parameters: $units (empty = all), $as_of.
-- Output: unit_id, name_zh, name_en, quarter_key, last_consultation.
with consulted as (
    select distinct unit from activities
    -- the quarter of the as-of date, to that date, as a range of days (no quarter computed per row)
    where kind = 'consultation' and in_units(unit, $units)
        and date >= make_date(year($as_of), quarter($as_of) * 3 - 2, 1) and date <= $as_of
),

earlier as (
    select unit, max(date) as last_consultation from activities
    where kind = 'consultation' and date < make_date(year($as_of), quarter($as_of) * 3 - 2, 1)
    group by unit
),

final as (
    select
        units.unit_id,
        units.name_zh,
        units.name_en,
        quarter_key($as_of) as quarter_key,
        earlier.last_consultation
    from units
    left join earlier on earlier.unit = units.unit_id
    where in_units(units.unit_id, $units) and units.unit_id not in (select unit from consulted)
)

select * from final
order by last_consultation nulls first, unit_id
