-- meeting_totals from the roll-ups: the same figures as ../meeting_totals.sql (tests/test_rollups.py).
-- Parameters: $units (empty = all), $whole_from, $whole_to, $tail_from, $period_end (filters.rollup_bounds).
with scoped as (
    select * from rolled_meetings($units, $whole_from, $whole_to, $tail_from, $period_end)
),

final as (
    select
        coalesce(sum(meetings), 0)::bigint as meetings,
        coalesce(sum(duration_sum), 0)::bigint as total_minutes,
        sum(duration_sum)::double / nullif(sum(durations), 0) as avg_duration_min,
        coalesce(sum(merged), 0)::bigint as merged,
        coalesce(sum(prereviewed), 0)::bigint as prereviewed,
        coalesce(sum(attended), 0)::bigint as attended,
        coalesce(sum(agenda_items), 0)::bigint as agenda_items
    from scoped
)

select * from final
