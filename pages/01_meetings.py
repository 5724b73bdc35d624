"""Meeting supervision (会议监督): fewer, shorter meetings, merged, reviewed in advance, attended by the team."""
from oversight import kpis, page_charts, tables, ui

page = ui.setup_page("meetings")
current, earlier, earlier_label = page.year_on_year("meeting_totals")
span_before = page.filter.previous_span()  # 环比: the span of the same length just before
ui.kpi_row(kpis.meeting_kpis(current, earlier, page.query("meeting_totals", span_before).iloc[0],
                             page.lang, earlier_label, page.period(span_before)))
ui.chart_grid(page, page_charts.MEETING_CHARTS)
ui.table_card(page, "table.meeting_reduction",
              tables.present(page.query("meeting_reduction_by_unit"), tables.MEETING_REDUCTION_COLUMNS, page.lang))
