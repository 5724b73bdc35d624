-- Issues raised in the filter per unit and rectification status at the period's end, for a stacked bar.
-- Parameters: $units (empty = all), $q_from, $q_to, $period_end.
-- Output: unit_id, name_zh, name_en, open, in_progress, rectified, issues (every unit in scope, zeros included).
with unit_scope as (
    select unit_id, name_zh, name_en from units where in_units(unit_id, $units)
),

status_at_end as (
    select
        unit,
        case
            when status = 'rectified' and rectified_date <= $period_end then 'rectified'
            when status = 'rectified' then 'in_progress'  -- rectified after the period: still in progress then
            else status
        end as status
    from issues
    where in_units(unit, $units) and in_quarters(date_raised, $q_from, $q_to)
),

final as (
    select
        unit_scope.unit_id,
        unit_scope.name_zh,
        unit_scope.name_en,
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
