-- Every unit a ledger or the units table names, ascending: a unit's index in the running totals is its rank here.
-- (oversight/data/running_totals.py; a unit the units table lacks still counts where no unit is chosen, as
-- in_units)
with every_unit as (
    select unit_id as unit from units
    union select unit from meetings
    union select unit from issues
    union select unit from suggestions
    union select unit from reminders
    union select unit from activities
)

select unit from every_unit
where unit is not null  -- the import refuses a record without its unit (the contract)
order by unit
