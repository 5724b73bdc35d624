"""The Streamlit layer (being split by job: see the next commit)."""
from oversight.ui.page import *  # noqa: F403
