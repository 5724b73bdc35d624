"""Audit log (审计日志): who signed in, downloaded, imported or was refused, for admins."""

from oversight import ui

page = ui.setup_page("audit")
ui.audit_section(page)
