-- issues_by_category from the roll-ups: the same rows as ../issues_by_category.sql (tests/test_rollups.py).
-- Parameters: $units (empty = all), $whole_from, $whole_to, $tail_from, $period_end (filters.rollup_bounds).
-- Output: category, issues.
with final as (
    select category, sum(issues)::bigint as issues
    from rolled_issues($units, $whole_from, $whole_to, $tail_from, $period_end)
    group by category
)

select * from final
order by issues desc, category
