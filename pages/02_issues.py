"""Issues and rectification (问题与整改): by unit, category and source; status; overdue; the issues themselves."""

from oversight import ui
from oversight.charts import catalog
from oversight.present import drill, kpis, tables

page = ui.setup_page("issues")
current, earlier, earlier_label = page.year_on_year("rectification_summary")
ui.kpi_row(kpis.issue_kpis(current, earlier, page.lang, earlier_label), page, drill.ISSUE_CARDS)
ui.chart_grid(page, catalog.ISSUE_CHARTS)
ui.table_card(
    page,
    "table.overdue_issues",
    tables.present(page.query("overdue_issues"), tables.OVERDUE_COLUMNS, page.lang, page.units),
    empty_key="empty.no_overdue",  # whenever raised: not "nothing in the period"
)
ui.table_card(
    page,
    "table.issues_in_view",
    tables.present(page.query("issues_in_view"), tables.ISSUE_COLUMNS, page.lang, page.units),
    search_key="widget.issue_search",
)
