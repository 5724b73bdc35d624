"""Oversight (派驻监督工作看板): the supervision dashboard's logic.

Only ``oversight.ui`` imports streamlit; everything else runs in plain Python.
"""
