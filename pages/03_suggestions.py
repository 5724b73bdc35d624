"""Suggestions (意见建议): by unit and category, adoption, linked to issues or stand-alone."""
from oversight import kpis, page_charts, tables, ui

page = ui.setup_page("suggestions")
year_earlier = page.filter.previous_year()
ui.kpi_row(kpis.suggestion_kpis(
    page.query("suggestion_totals").iloc[0],
    page.query("suggestion_totals", year_earlier).iloc[0],
    page.lang, page.period(year_earlier),
))
ui.chart_grid(page, page_charts.SUGGESTION_CHARTS)
ui.table_card(page, "table.suggestions_in_view",
              tables.present(page.query("suggestions_in_view"), tables.SUGGESTION_COLUMNS, page.lang),
              search_key="widget.suggestion_search")
