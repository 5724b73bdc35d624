-- Reminders per form (written, face-to-face, at a meeting), in that order; forms not used are left out.
-- Parameters: $units (empty = all), $period_start, $period_end (the as-of date).  Output: form, reminders.
with final as (
    select form, count(*) as reminders
    from reminders
    where in_units(unit, $units) and in_period(date, $period_start, $period_end)
    group by form
)

select * from final
order by case form when 'written' then 1 when 'in_person' then 2 else 3 end, form
