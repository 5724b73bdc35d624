-- alert_meetings_rising read as two ranges of days: the same rows as ../alert_meetings_rising.sql
-- (tests/test_rollups.py). The spans (the as-of date's quarter to the as-of date, and the same days a year
-- earlier) are ranges of constant days rather than a quarter computed per row, so DuckDB reads only the row
-- groups of the meetings (kept in date order) that hold them.
-- Parameters: $units (empty = all), $as_of, $year_earlier (the as-of date a year earlier, as
-- filters.same_day_years_earlier gives it: 28 Feb 2021 is 29 Feb 2020), $min_increase (meetings, >= 1).
-- Output: unit_id, name_zh, name_en, quarter_key, meetings, prev_meetings, increase.
with first_on_record as (
    select quarter_key(first_day) as quarter_key from coverage
),

current_span as (
    select unit, count(*) as meetings from meetings
    where in_units(unit, $units) and date between make_date(year($as_of), quarter($as_of) * 3 - 2, 1) and $as_of
    group by unit
),

earlier_span as (
    select unit, count(*) as prev_meetings from meetings
    where in_units(unit, $units)
        and date between make_date(year($as_of) - 1, quarter($as_of) * 3 - 2, 1)
                     and $year_earlier
    group by unit
),

final as (
    select
        units.unit_id,
        units.name_zh,
        units.name_en,
        quarter_key($as_of) as quarter_key,
        coalesce(current_span.meetings, 0) as meetings,
        coalesce(earlier_span.prev_meetings, 0) as prev_meetings,
        coalesce(current_span.meetings, 0) - coalesce(earlier_span.prev_meetings, 0) as increase
    from units
    cross join first_on_record
    left join current_span on current_span.unit = units.unit_id
    left join earlier_span on earlier_span.unit = units.unit_id
    where in_units(units.unit_id, $units)
        and quarter_key($as_of) - 10 >= first_on_record.quarter_key
        and coalesce(current_span.meetings, 0) - coalesce(earlier_span.prev_meetings, 0) >= $min_increase
)

select * from final
order by increase desc, unit_id
