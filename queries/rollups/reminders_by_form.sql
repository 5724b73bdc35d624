-- reminders_by_form from the roll-ups: the same rows as ../reminders_by_form.sql (tests/test_rollups.py).
-- Parameters: $units (empty = all), $whole_from, $whole_to, $tail_from, $period_end (filters.rollup_bounds).
-- Output: form, reminders.
with final as (
    select form, sum(reminders)::bigint as reminders
    from rolled_reminders($units, $whole_from, $whole_to, $tail_from, $period_end)
    group by form
)

select * from final
order by case form when 'written' then 1 when 'in_person' then 2 else 3 end
