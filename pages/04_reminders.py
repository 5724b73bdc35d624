"""Reminders and consultations (日常提醒与会商): reminders by form, the joint work with each unit, and gaps."""

from oversight import ui
from oversight.charts import catalog
from oversight.present import kpis, tables

page = ui.setup_page("reminders")
current, earlier, earlier_label = page.year_on_year("reminder_totals")
ui.kpi_row(kpis.reminder_kpis(current, earlier, page.lang, earlier_label))
ui.chart_grid(page, catalog.REMINDER_CHARTS)
ui.table_card(
    page,
    "table.units_without_consultation",
    tables.present(page.query("units_without_consultation"), tables.NO_CONSULTATION_COLUMNS, page.lang, page.units),
    empty_key="empty.all_units_consulted",
)
