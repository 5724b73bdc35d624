"""``make bench`` (``python -m bench``): each figure beside a baseline measured in the same run.

Modules: ``data`` (scale folders, generated once per parameters), ``queries_bench``,
``ingest_bench``, ``browser_bench`` (Playwright + Chromium, server memory too),
``export_bench`` (a colleague's PNG and pack timings), ``report`` (table and JSON).
"""
