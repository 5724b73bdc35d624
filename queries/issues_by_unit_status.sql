-- Issues raised in the filter per unit and rectification status at the period's end, for a stacked bar.
-- Parameters: $units (empty = all), $period_start, $period_end (the as-of date).
-- Output: unit_id, name_zh, name_en, short_name_en, open, in_progress, rectified, issues (every unit in scope, zeros included).
with unit_scope as (
    select unit_id, name_zh, name_en, short_name_en from units where in_units(unit_id, $units)
),

status_at_end as (
    select
        unit,
        status_at(status, rectified_date, $period_end) as status
    from issues
    where in_units(unit, $units) and in_period(date_raised, $period_start, $period_end)
),

final as (
    select
        unit_scope.unit_id,
        unit_scope.name_zh,
        unit_scope.name_en,
        unit_scope.short_name_en,
        count(status_at_end.status) filter (where status_at_end.status = 'open') as open,
        count(status_at_end.status) filter (where status_at_end.status = 'in_progress') as in_progress,
        count(status_at_end.status) filter (where status_at_end.status = 'rectified') as rectified,
        count(status_at_end.status) as issues
    from unit_scope
    left join status_at_end on status_at_end.unit = unit_scope.unit_id
    group by all
)

select * from final
order by issues desc, unit_id
