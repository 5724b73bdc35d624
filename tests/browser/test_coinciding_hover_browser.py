"""Two lines at the same value: a pointer on the shared point reads every line's value, not only the top one's.

In the meeting shares of 省外办 (2020) 列席 and 合并召开 were both 25.0% and then 33.3%: at the closest point the hover
named 合并召开 only, the line drawn on top, and 列席's value could not be read anywhere. Drawn by the page's own
plotly.js and hovered with the mouse, as a reader does, in zh and en.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from oversight.charts import catalog
from oversight.config import ASSET_DIR
from oversight.core import i18n

QUARTERS = pd.DataFrame({"year": 2020, "quarter": [1, 2, 3], "quarter_key": [20201, 20202, 20203]})


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_pointer_on_a_shared_point_reads_every_lines_value(page, lang, output_dir):
    # 8 meetings a quarter: reviewed 4, 6, 8; attended and merged both 2, 2, 3 (25.0%, 25.0%, 37.5%)
    shares = QUARTERS.assign(meetings=8, prereviewed=[4, 6, 8], attended=[2, 2, 3], merged=[2, 2, 3])
    figure = catalog.make_meeting_shares_figure(shares, lang)
    page.set_content(
        "<html><body style='margin:0'><div id='chart' style='width:900px;height:400px'></div></body></html>"
    )
    page.add_script_tag(path=str(ASSET_DIR / "vendor" / "plotly-cartesian-4.1.1.min.js"))
    where = page.evaluate(
        """(figure) => {
            const plot = document.getElementById("chart");
            return Plotly.newPlot(plot, figure.data, {...figure.layout, width: 900}).then(() => {
                const layout = plot._fullLayout, box = plot.getBoundingClientRect();
                // the third quarter's shared point, in the page's pixels
                return [box.left + layout._size.l + layout.xaxis.l2p(2), box.top + layout._size.t + layout.yaxis.l2p(37.5)];
            });
        }""",
        json.loads(figure.to_json()),
    )
    page.mouse.move(where[0] - 30, where[1] - 30)
    page.mouse.move(*where)
    page.wait_for_selector(".hovertext")
    hover = " | ".join(page.locator(".hovertext").all_text_contents())
    page.locator("#chart").screenshot(path=str(output_dir / f"coinciding-hover-{lang}.png"))
    for key in ("series.attended_share", "series.merged_share"):
        name = i18n.label(key, lang)
        assert name in hover, (name, hover)
    assert hover.count("37.5%") == 2, hover  # each of the two lines' own value
    assert "100%" in hover, hover  # and the reviewed agendas' at the same quarter
