"""Data management (数据管理): import the office's spreadsheets safely, see the history and undo, download data."""

from oversight import ui

page = ui.setup_page("data")
ui.import_section(page)
ui.history_section(page)
ui.data_downloads_section(page)
