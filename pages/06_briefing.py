"""Briefing pack (简报导出): slides, a Word report, a PDF and a ZIP of every chart for the current filter."""

from oversight import briefing, ui

page = ui.setup_page("briefing")
ui.text(page, "briefing.intro", scope=page.export_context.scope(), period=page.period())
ui.briefing_panel(page, ui.chart_choice(page, briefing.chart_groups()), "full", "briefing.build")
