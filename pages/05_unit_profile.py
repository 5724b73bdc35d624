"""Unit profile (单位画像): one unit's figures beside the average of all units, its trends, open issues, meetings."""
from oversight import kpis, page_charts, tables, ui

page = ui.setup_page("nav.unit_profile")
unit_id = ui.unit_picker(page)
beside = page_charts.unit_beside_average(page.query("unit_metrics"), unit_id)
ui.kpi_row(kpis.unit_profile_kpis(beside, page.lang, page.unit_name(unit_id)))
ui.figure_card(page, "unit_vs_average", page_charts.make_unit_vs_average_figure(beside, page.lang, page.unit_name(unit_id)))
ui.chart_grid(page, page_charts.UNIT_PROFILE_CHARTS, columns=1)
ui.table_card(page, "table.unresolved_issues",
              tables.present(page.query("unresolved_issues"), tables.UNRESOLVED_COLUMNS, page.lang))
ui.table_card(page, "table.latest_meetings",
              tables.present(page.query_with("latest_meetings", limit=10), tables.MEETING_COLUMNS, page.lang))
