"""Suggestions (意见建议): by unit and category, adoption, linked to issues or stand-alone."""

from oversight import ui
from oversight.charts import catalog
from oversight.present import drill, kpis, tables

page = ui.setup_page("suggestions")
current, earlier, earlier_label = page.year_on_year("suggestion_totals")
ui.kpi_row(kpis.suggestion_kpis(current, earlier, page.lang, earlier_label), page, drill.SUGGESTION_CARDS)
ui.chart_grid(page, catalog.SUGGESTION_CHARTS)
ui.table_card(
    page,
    "table.suggestions_in_view",
    tables.present(page.query("suggestions_in_view"), tables.SUGGESTION_COLUMNS, page.lang, page.units),
    search_key="widget.suggestion_search",
)
