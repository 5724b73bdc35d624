"""The Overview page (总览): key figures and the four headline charts for the filter in force."""
from oversight import charts, i18n, kpis, ui

page = ui.setup_page("overview")
previous = page.filter.previous_year()
ui.kpi_row(kpis.overview_kpis(
    page.query("kpi_totals").iloc[0],
    page.query("kpi_totals", previous).iloc[0],
    page.lang,
    i18n.period_label(previous.start, previous.end, page.lang),
))
ui.chart_grid(page, charts.OVERVIEW_CHARTS)
ui.briefing_panel(page, charts.OVERVIEW_CHARTS, "overview", "briefing.build_overview")
