-- The first and last quarter with any dated record, as year * 10 + quarter keys.
-- Parameters: none.  Output: first_quarter, last_quarter, last_day (the newest record).
with dated as (
    select date as day from meetings
    union all select date_raised from issues
    union all select date_made from suggestions
    union all select date from reminders
    union all select date from activities
),

final as (
    select min(quarter_key(day)) as first_quarter, max(quarter_key(day)) as last_quarter, max(day) as last_day
    from dated
)

select * from final
