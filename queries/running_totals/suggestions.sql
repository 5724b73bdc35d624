-- The suggestions of the units $first_unit to $last_unit (indices) as the running totals read them: one row per
-- unit, status and day, sorted so, with the day's count; a label is the status's rank among those recorded (text
-- ascending, a null last, as ORDER BY sorts), label_text the status itself; "linked" counts the suggestions that
-- follow an issue (count(issue_id)).
with ranked as (
    select *, (dense_rank() over (order by status) - 1)::integer as label
    from suggestions
    where date_made is not null
)

select
    i.unit_index,
    t.label,
    t.status as label_text,
    (t.date_made - date '1970-01-01')::integer as day,
    count(*)::integer as rows,
    count(t.issue_id)::integer as linked
from ranked as t
inner join running_totals_unit_index as i on i.unit = t.unit
where i.unit_index between $first_unit and $last_unit
group by i.unit_index, t.label, t.status, day
order by i.unit_index, t.label, day
