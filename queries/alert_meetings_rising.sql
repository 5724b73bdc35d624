-- Alert rule 会议增多: units whose meetings in the quarter of the as-of date exceed the same quarter a year
-- earlier by at least $min_increase — only when the data covers that earlier quarter, i.e. the data's first
-- date (the earliest date in any ledger) falls in that quarter or before it; otherwise there is no comparison.
-- Parameters: $units (empty = all), $as_of, $year_earlier (the as-of date a year earlier, as
-- filters.same_day_years_earlier gives it: 28 Feb 2021 is 29 Feb 2020), $min_increase (meetings, >= 1).
-- Output: unit_id, name_zh, name_en, quarter_key, meetings, prev_meetings, increase.
with first_on_record as (
    select quarter_key(first_day) as quarter_key from coverage
),

-- D's quarter to D, against the same quarter a year earlier to the same day (as the cards compare a span to date)
per_unit as (
    select
        unit,
        count(*) filter (where quarter_key(date) = quarter_key($as_of) and date <= $as_of) as meetings,
        count(*) filter (where quarter_key(date) = quarter_key($as_of) - 10
                         and date <= $year_earlier) as prev_meetings
    from meetings
    where in_units(unit, $units)
        and quarter_key(date) in (quarter_key($as_of), quarter_key($as_of) - 10)
    group by unit
),

final as (
    select
        units.unit_id,
        units.name_zh,
        units.name_en,
        quarter_key($as_of) as quarter_key,
        coalesce(per_unit.meetings, 0) as meetings,
        coalesce(per_unit.prev_meetings, 0) as prev_meetings,
        coalesce(per_unit.meetings, 0) - coalesce(per_unit.prev_meetings, 0) as increase
    from units
    cross join first_on_record
    left join per_unit on per_unit.unit = units.unit_id
    where in_units(units.unit_id, $units)
        and quarter_key($as_of) - 10 >= first_on_record.quarter_key
        and coalesce(per_unit.meetings, 0) - coalesce(per_unit.prev_meetings, 0) >= $min_increase
)

select * from final
order by increase desc, unit_id
