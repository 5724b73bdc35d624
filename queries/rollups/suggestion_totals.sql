-- suggestion_totals from the roll-ups: the same figures as ../suggestion_totals.sql (tests/test_rollups.py).
-- Parameters: $units (empty = all), $whole_from, $whole_to, $tail_from, $period_end (filters.rollup_bounds).
with scoped as (
    select * from rolled_suggestions($units, $whole_from, $whole_to, $tail_from, $period_end)
),

final as (
    select
        coalesce(sum(suggestions), 0)::bigint as suggestions,
        coalesce(sum(suggestions) filter (where status in ('adopted', 'implemented')), 0)::bigint
            as adopted_or_implemented,
        coalesce(sum(suggestions) filter (where status = 'implemented'), 0)::bigint as implemented,
        coalesce(sum(linked), 0)::bigint as linked
    from scoped
)

select * from final
