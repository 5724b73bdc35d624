-- The issues in the order raised, each with the day it was rectified where its status says it was, else the largest
-- 32-bit integer (rectified by no day): rectified_by(status, rectified_date, day) for any day.
select
    i.unit_index,
    (t.date_raised - date '1970-01-01')::integer as raised,
    coalesce(
        case when t.status = 'rectified' then (t.rectified_date - date '1970-01-01')::integer end, 2147483647
    ) as fixed
from issues as t
inner join running_totals_unit_index as i on i.unit = t.unit
where t.date_raised is not null
order by raised
