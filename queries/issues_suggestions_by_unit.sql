-- Issues raised and suggestions made per unit; every unit in scope appears, with zeros.
-- Parameters: $units (empty = all), $period_start, $period_end (the as-of date).
-- Output: unit_id, name_zh, name_en, short_name_en, issues, suggestions (most issues first).
with unit_scope as (
    select unit_id, name_zh, name_en, short_name_en from units where in_units(unit_id, $units)
),

issue_counts as (
    select unit, count(*) as issues from issues
    where in_period(date_raised, $period_start, $period_end)
    group by unit
),

suggestion_counts as (
    select unit, count(*) as suggestions from suggestions
    where in_period(date_made, $period_start, $period_end)
    group by unit
),

final as (
    select
        unit_scope.unit_id,
        unit_scope.name_zh,
        unit_scope.name_en,
        unit_scope.short_name_en,
        coalesce(issue_counts.issues, 0) as issues,
        coalesce(suggestion_counts.suggestions, 0) as suggestions
    from unit_scope
    left join issue_counts on issue_counts.unit = unit_scope.unit_id
    left join suggestion_counts on suggestion_counts.unit = unit_scope.unit_id
)

select * from final
order by issues desc, suggestions desc, unit_id
