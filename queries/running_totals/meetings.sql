-- The meetings of the units $first_unit to $last_unit (indices) as the running totals read them: one row per unit
-- and day, sorted so, with the day's figures as whole numbers, nulls made explicit (avg(duration_min) and
-- count(duration_min) skip the unknown minutes: "timed" counts the rest). A meeting without a date is in no period
-- (in_period): left out. No label: one per unit.
select
    i.unit_index,
    0::integer as label,
    (t.date - date '1970-01-01')::integer as day,
    count(*)::integer as rows,
    coalesce(sum(t.duration_min), 0)::bigint as minutes,
    count(t.duration_min)::integer as timed,
    coalesce(sum(t.agenda_items), 0)::bigint as agenda_items,
    count(*) filter (where t.merged)::integer as merged,
    count(*) filter (where t.agenda_prereviewed)::integer as prereviewed,
    count(*) filter (where t.attended_by_team)::integer as attended
from meetings as t
inner join running_totals_unit_index as i on i.unit = t.unit
where t.date is not null and i.unit_index between $first_unit and $last_unit
group by i.unit_index, day
order by i.unit_index, day
