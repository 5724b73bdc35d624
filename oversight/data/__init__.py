"""Checked tables to answers: the DuckDB store over the spreadsheets, its Parquet cache, the filter and the SQL in queries/."""
