"""Unit profile (单位画像): one unit's figures beside the average of all units, its trends, open issues, meetings;
or up to four units side by side."""

from oversight import ui

ui.unit_profile(ui.setup_page("unit_profile"))
