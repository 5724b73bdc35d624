"""Meeting supervision (会议监督): fewer, shorter meetings, merged, reviewed in advance, attended by the team."""
from oversight import kpis, page_charts, tables, ui

page = ui.setup_page("meetings")
year_earlier, span_before = page.filter.previous_year(), page.filter.previous_span()
ui.kpi_row(kpis.meeting_kpis(
    page.query("meeting_totals").iloc[0],
    page.query("meeting_totals", year_earlier).iloc[0],
    page.query("meeting_totals", span_before).iloc[0],
    page.lang, page.period(year_earlier), page.period(span_before),
))
ui.chart_grid(page, page_charts.MEETING_CHARTS)
ui.table_card(page, "table.meeting_reduction",
              tables.present(page.query("meeting_reduction_by_unit"), tables.MEETING_REDUCTION_COLUMNS, page.lang))
