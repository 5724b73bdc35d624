-- kpi_totals from the roll-ups (oversight/data/store.py): the same figures as ../kpi_totals.sql, checked equal
-- by tests/test_rollups.py; one pass over each ledger's roll-up rows.
-- Parameters: $units (empty = all), $whole_from, $whole_to, $tail_from, $period_end (filters.rollup_bounds).
-- Output: units_consulted, issues, issues_rectified, suggestions, special_studies, meetings, avg_duration_min.
with activity_figures as (
    select
        count(distinct unit) filter (where kind = 'consultation') as units_consulted,
        coalesce(sum(activities) filter (where kind = 'special_study'), 0)::bigint as special_studies
    from rolled_activities($units, $whole_from, $whole_to, $tail_from, $period_end)
),

issue_figures as (
    select
        coalesce(sum(issues), 0)::bigint as issues,
        -- rectified by the end of the period: the roll-up keeps the day each rectified issue was rectified
        coalesce(sum(issues) filter (where rectified_day <= $period_end), 0)::bigint as issues_rectified
    from rolled_issues($units, $whole_from, $whole_to, $tail_from, $period_end)
),

suggestion_figures as (
    select coalesce(sum(suggestions), 0)::bigint as suggestions
    from rolled_suggestions($units, $whole_from, $whole_to, $tail_from, $period_end)
),

meeting_figures as (
    select
        coalesce(sum(meetings), 0)::bigint as meetings,
        sum(duration_sum)::double / nullif(sum(durations), 0) as avg_duration_min
    from rolled_meetings($units, $whole_from, $whole_to, $tail_from, $period_end)
),

final as (
    select
        activity_figures.units_consulted,
        issue_figures.issues,
        issue_figures.issues_rectified,
        suggestion_figures.suggestions,
        activity_figures.special_studies,
        meeting_figures.meetings,
        meeting_figures.avg_duration_min
    from activity_figures, issue_figures, suggestion_figures, meeting_figures
)

select * from final
