-- What the data covers: the first and last quarter with any record (year * 10 + quarter keys), and the first
-- and last recorded day (the last is the data date). Read from the one-row coverage table built at load.
-- Parameters: none.  Output: first_quarter, last_quarter, first_day, last_day.
with final as (
    select
        quarter_key(first_day) as first_quarter,
        quarter_key(last_day) as last_quarter,
        first_day,
        last_day
    from coverage
)

select * from final
