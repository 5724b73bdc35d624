"""Unit profile (单位画像): one unit's figures beside the average of all units, its trends, open issues, meetings."""

from oversight import ui
from oversight.charts import catalog
from oversight.present import kpis, tables

page = ui.setup_page("unit_profile")
unit_id = ui.unit_picker(page)
unit_name = page.unit_name(unit_id)
beside = catalog.unit_beside_average(page.query("unit_metrics"), unit_id)
ui.kpi_row(kpis.unit_profile_kpis(beside, page.lang, unit_name, with_average=page.sees_all_units))
if page.sees_all_units:  # a unit account must not be able to work the totals out from the average
    ui.figure_card(page, "unit_vs_average", catalog.make_unit_vs_average_figure(beside, page.lang, unit_name))
unit_page = ui.for_unit(page, unit_id)
ui.chart_grid(unit_page, catalog.UNIT_PROFILE_CHARTS, columns=1)
ui.table_card(
    unit_page,
    "table.unresolved_issues",
    tables.present(unit_page.query("unresolved_issues"), tables.UNRESOLVED_COLUMNS, page.lang),
)
ui.table_card(
    unit_page,
    "table.latest_meetings",
    tables.present(unit_page.query_with("latest_meetings", limit=10), tables.MEETING_COLUMNS, page.lang),
)
