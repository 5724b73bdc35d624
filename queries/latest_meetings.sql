-- The most recent meetings of the units in scope within the range, newest first.
-- Parameters: $units (empty = all), $period_start, $period_end (the as-of date), $limit.
-- Output: meeting_id, unit_id, name_zh, name_en, date, kind, duration_min, agenda_items, agenda_prereviewed,
--         attended_by_team, merged, notes.
with final as (
    select
        meetings.meeting_id,
        meetings.unit as unit_id,
        units.name_zh,
        units.name_en,
        meetings.date,
        meetings.kind,
        meetings.duration_min,
        meetings.agenda_items,
        meetings.agenda_prereviewed,
        meetings.attended_by_team,
        meetings.merged,
        meetings.notes
    from meetings
    join units on units.unit_id = meetings.unit
    where in_units(meetings.unit, $units) and in_period(meetings.date, $period_start, $period_end)
)

select * from final
order by date desc, meeting_id desc
limit $limit
