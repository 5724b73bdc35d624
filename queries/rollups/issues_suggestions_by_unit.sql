-- issues_suggestions_by_unit from the roll-ups: the same rows as ../issues_suggestions_by_unit.sql
-- (tests/test_rollups.py). Parameters: $units (empty = all), $whole_from, $whole_to, $tail_from, $period_end
-- (filters.rollup_bounds). Output: unit_id, name_zh, name_en, short_name_en, issues, suggestions.
with unit_scope as (
    select unit_id, name_zh, name_en, short_name_en from units where in_units(unit_id, $units)
),

issue_counts as (
    select unit, sum(issues)::bigint as issues from rolled_issues($units, $whole_from, $whole_to, $tail_from, $period_end)
    group by unit
),

suggestion_counts as (
    select unit, sum(suggestions)::bigint as suggestions from rolled_suggestions($units, $whole_from, $whole_to, $tail_from, $period_end)
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
