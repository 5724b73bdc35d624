-- The units under supervision, in the order the units sheet lists them.
-- Parameters: none.  Output: unit_id, name_zh, name_en, short_name, party_org.
with final as (
    select
        unit_id,
        name_zh,
        name_en,
        nullif(trim(regexp_split_to_array(coalesce(short_names, ''), '[;；]')[1]), '') as short_name,
        party_org
    from units
)

select * from final
