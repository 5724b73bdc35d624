-- The suggestions made in the filter, one row each, with unit names and the linked issue's description.
-- Parameters: $units (empty = all), $period_start, $period_end (the as-of date).
-- Output: suggestion_id, unit_id, name_zh, name_en, date_made, category, content, status, issue_id, issue_description.
with final as (
    select
        suggestions.suggestion_id,
        suggestions.unit as unit_id,
        units.name_zh,
        units.name_en,
        suggestions.date_made,
        suggestions.category,
        suggestions.content,
        suggestions.status,
        suggestions.issue_id,
        issues.description as issue_description
    from suggestions
    join units on units.unit_id = suggestions.unit
    -- the linked issue of the suggestion's own unit only: its description never shows in another unit's rows (the import
    -- and the folder check refuse such a link; a folder read into its Parquet cache before that rule may still hold one)
    left join issues on issues.issue_id = suggestions.issue_id and issues.unit = suggestions.unit
    where in_units(suggestions.unit, $units) and in_period(suggestions.date_made, $period_start, $period_end)
)

select * from final
order by date_made desc, suggestion_id
