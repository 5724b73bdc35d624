"""The Streamlit layer: the only package that imports streamlit. Page scripts (app.py, pages/*) use the names below.

session         the keys that carry language, filter and account across pages; the URL's values
page            ``Page`` (what a page script holds) and the data it reads, cached per data fingerprint
setup           ``setup_page``: sign-in, page config, data, session, sidebar, the page header
sign_in         password form, OIDC, refusal, sign-out, the client's address
partial_runs    fragments and dialogs, each checking the sign-in and the data before it reruns on its own
setup_problems  a settings or data-folder problem: in full to an admin and the log, a plain sentence to others
sidebar         language, the unit and quarter filter, the nav, the URL that mirrors them
cards           key figures, chart cards and their audited downloads, tables
grid            every table on screen (a missing value shows as "—")
profile         the unit profile: one unit beside the average, or up to four side by side
drill_dialog    from a key figure or a bar to the list behind it, in a dialog with its downloads
briefing_panel  the briefing pack: chart choice, build with progress, the four files
data_page       import, history and undo, downloads of the data and templates
audit_page      the audit log
"""

from oversight.ui.start_output import cache_decorators_defined

# the pages' caches are defined at import, before ``serve`` has started Streamlit's runtime (start_output says why
# Streamlit's "No runtime found" is not news then)
with cache_decorators_defined():
    from oversight.ui.audit_page import audit_section
    from oversight.ui.briefing_panel import briefing_panel, chart_choice
    from oversight.ui.cards import (
        alert_strip,
        chart_grid,
        kpi_row,
        quarter_changes,
        table_card,
        text,
    )
    from oversight.ui.data_page import (
        data_downloads_section,
        history_section,
        import_section,
    )
    from oversight.ui.profile import unit_profile
    from oversight.ui.session import TEST_ADDRESS_KEY
    from oversight.ui.setup import setup_page

__all__ = [
    "TEST_ADDRESS_KEY",
    "alert_strip",
    "audit_section",
    "briefing_panel",
    "chart_choice",
    "chart_grid",
    "data_downloads_section",
    "history_section",
    "import_section",
    "kpi_row",
    "quarter_changes",
    "setup_page",
    "table_card",
    "text",
    "unit_profile",
]
