"""Issues and rectification (问题与整改): by unit, category and source; status; overdue; the issues themselves."""
from oversight import kpis, page_charts, tables, ui

page = ui.setup_page("issues")
year_earlier = page.filter.previous_year()
ui.kpi_row(kpis.issue_kpis(
    page.query("rectification_summary").iloc[0],
    page.query("rectification_summary", year_earlier).iloc[0],
    page.lang, page.period(year_earlier),
))
ui.chart_grid(page, page_charts.ISSUE_CHARTS)
ui.table_card(page, "table.overdue_issues",
              tables.present(page.query("overdue_issues"), tables.OVERDUE_COLUMNS, page.lang))
ui.table_card(page, "table.issues_in_view",
              tables.present(page.query("issues_in_view"), tables.ISSUE_COLUMNS, page.lang),
              search_key="widget.issue_search")
