"""The Overview page (总览): key figures, the 预警 strip and the four headline charts for the filter in force."""

from oversight import charts, ui
from oversight.present import drill, kpis

page = ui.setup_page("overview")
current, earlier, earlier_label = page.year_on_year("kpi_totals")
ui.kpi_row(kpis.overview_kpis(current, earlier, page.lang, earlier_label), page, drill.OVERVIEW_CARDS)
ui.alert_strip(page)  # 预警: overdue, due soon, no consultation, at the page's as-of date
ui.quarter_changes(page)  # what changed since last quarter
ui.chart_grid(page, charts.OVERVIEW_CHARTS)
ui.briefing_panel(page, charts.OVERVIEW_CHARTS, "overview", "briefing.build_overview")
