-- The units under supervision, in the order the units sheet lists them.
-- Parameters: none.  Output: unit_id, name_zh, name_en, short_name, short_name_en, party_org.
-- (short_name: the first of the sheet's Chinese short names; short_name_en: its English short name, for chart labels.)
with final as (
    select
        unit_id,
        name_zh,
        name_en,
        nullif(trim(regexp_split_to_array(coalesce(short_names, ''), '[;；、,，/]')[1]), '') as short_name_zh,  -- the first of 简称, the name where room is short
        short_name_en,
        party_org
    from units
)

select * from final
