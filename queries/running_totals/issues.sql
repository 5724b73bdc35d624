-- The issues of the units $first_unit to $last_unit (indices) as the running totals read them: one row per unit,
-- category and day, sorted so, with the day's count; a label is the category's rank among those recorded (text
-- ascending, a null last, as ORDER BY sorts), label_text the category itself.
with ranked as (
    select *, (dense_rank() over (order by category) - 1)::integer as label
    from issues
    where date_raised is not null
)

select
    i.unit_index,
    t.label,
    t.category as label_text,
    (t.date_raised - date '1970-01-01')::integer as day,
    count(*)::integer as rows
from ranked as t
inner join running_totals_unit_index as i on i.unit = t.unit
where i.unit_index between $first_unit and $last_unit
group by i.unit_index, t.label, t.category, day
order by i.unit_index, t.label, day
