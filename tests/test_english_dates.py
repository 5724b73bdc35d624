"""Review of 4 Dec (r4, the English reader): a day is written one way in an English sentence, with its month whole.

The alerts said "no regular consultation in 2020 Q3 (to 14 Aug; last one 26 March 2020)" — two styles in one
bracket — and a caption "2020 Q3 (to 14 Aug)" beside "data as of 14 August 2020". Built here over the same filters
and days as the bracket check (captions, summary, notes, takeaways, the quarter-on-quarter box, the digest and its
strip), on records that stop mid-quarter. Only a chart's tick (~37 px on a phone) abbreviates the month."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest

from oversight.charts.style import quarter_labels, quarter_ticks
from oversight.core import i18n
from oversight.data import store
from tests import oracle
from tests.test_one_bracket_per_note import CUT_DAY, _sentences

ABBREVIATED_DAY = re.compile(r"\b\d{1,2} (?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b\.?")
ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cut") / "data"
    oracle.cut_copy(oracle.Path(__file__).resolve().parent.parent / "data", folder, CUT_DAY)
    return list(_sentences(store.open_folder(folder), "en"))


def test_every_day_in_an_english_sentence_names_its_month_whole(built):
    assert len(built) > 500
    abbreviated = sorted({match for _, text in built for match in ABBREVIATED_DAY.findall(text)})
    assert abbreviated == []
    assert sorted({match for _, text in built for match in ISO_DAY.findall(text)}) == []
    # the example, and the caption's cut beside its data date
    assert any("no regular consultation in 2020 Q3 (to 14 August; last one 26 March 2020)" in t for _, t in built)
    assert any("2020 Q3 (to 14 August)" in text for _, text in built)


def test_a_chart_labels_its_quarter_as_a_sentence_does_and_shortens_only_the_tick():
    """The hover, the categories and the data download name the day as the caption does; the tick, ~37 px on a
    phone, abbreviates it."""
    assert i18n.t("period.to_date", "en", period="2020 Q3", **i18n.day_parts(date(2020, 9, 30))) == (
        "2020 Q3 (to 30 September)"
    )
    frame = pd.DataFrame({"year": [2020, 2020], "quarter": [2, 3], "through_day": [None, date(2020, 9, 20)]})
    labels = quarter_labels(frame, "en")
    assert labels == ["2020 Q2", "2020 Q3 (to 20 September)"]
    assert quarter_ticks(frame, labels, "en") == ["2020<br>Q2", "2020<br>Q3<br>(to<br>20 Sep)"]
    assert quarter_ticks(frame, labels, "en", most_whole=1) == ["Q2<br>2020", "Q3<br>(to<br>20 Sep)"]
    assert quarter_labels(frame, "zh")[1] == "2020年第3季度（截至9月20日）"
