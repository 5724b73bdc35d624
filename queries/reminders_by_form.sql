-- Reminders per form (written, face-to-face, at a meeting), in that order; forms not used are left out.
-- Parameters: $units (empty = all), $q_from, $q_to.  Output: form, reminders.
with final as (
    select form, count(*) as reminders
    from reminders
    where in_units(unit, $units) and in_quarters(date, $q_from, $q_to)
    group by form
)

select * from final
order by case form when 'written' then 1 when 'in_person' then 2 else 3 end
