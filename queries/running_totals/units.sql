-- The units table's names, for the per-unit chart (issues_suggestions_by_unit).
select unit_id, name_zh, name_en, short_name_en from units
