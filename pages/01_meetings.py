"""Meeting supervision (会议监督): fewer, shorter meetings, merged, reviewed in advance, attended by the team."""

from oversight import ui
from oversight.charts import catalog
from oversight.present import kpis, tables

page = ui.setup_page("meetings")
current, earlier, earlier_label = page.year_on_year("meeting_totals")
span_before, span_before_label = page.span_before("meeting_totals")  # 环比: the span of the same length just before
ui.kpi_row(kpis.meeting_kpis(current, earlier, span_before, page.lang, earlier_label, span_before_label))
ui.chart_grid(page, catalog.MEETING_CHARTS)
title_key, ranking = tables.meeting_ranking(page.query("meeting_reduction_by_unit"))
ui.table_card(page, title_key, tables.present(ranking, tables.MEETING_REDUCTION_COLUMNS, page.lang, page.units))
