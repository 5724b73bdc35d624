-- The reminders of the units $first_unit to $last_unit (indices) as the running totals read them: one row per unit,
-- form and day, sorted so, with the day's count; a label is the form's rank among those recorded (text ascending, a
-- null last, as ORDER BY sorts), label_text the form itself.
with ranked as (
    select *, (dense_rank() over (order by form) - 1)::integer as label
    from reminders
    where date is not null
)

select
    i.unit_index,
    t.label,
    t.form as label_text,
    (t.date - date '1970-01-01')::integer as day,
    count(*)::integer as rows
from ranked as t
inner join running_totals_unit_index as i on i.unit = t.unit
where i.unit_index between $first_unit and $last_unit
group by i.unit_index, t.label, t.form, day
order by i.unit_index, t.label, day
