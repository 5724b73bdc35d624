"""A date typed as text and the same date as a number go through one year-range check."""

from __future__ import annotations

from datetime import date

import pytest

from oversight.ingest import cells


@pytest.mark.parametrize("value", [79999, "79999", " 79999 "])
def test_a_serial_day_far_in_the_future_is_refused_as_text_and_as_number(value):
    with pytest.raises(cells.CellError) as caught:
        cells.parse_date(value)
    assert caught.value.key == "error.date_out_of_range"
    assert caught.value.params["latest"] == cells.LATEST_YEAR


@pytest.mark.parametrize("value", [43905, "43905"])
def test_a_serial_day_in_range_reads_the_same_either_way(value):
    assert cells.parse_date(value) == date(2020, 3, 15)
