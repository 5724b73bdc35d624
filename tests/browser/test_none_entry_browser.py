"""The page's own script (``assets/chart_view.js``) draws the legend's "…: 0" entry on the lines its column's width
needs: a phone's lines on a phone's card, one line on a wide column (three short lines there read as a broken
legend), and every other entry keeps its name (a first version named the bars "trace 0"). Drawn by the vendored
plotly.js in Chromium, zh and en, at a fixed width and after the column is widened."""

from __future__ import annotations

import base64

import pytest

from oversight.charts import catalog
from oversight.config import ASSET_DIR
from oversight.data import queries
from oversight.data.filters import Filter, Quarter

ONE_UNIT_ONE_QUARTER = Filter(("gov_office",), Quarter(2020, 3), Quarter(2020, 3))
BUNDLE = "plotly-cartesian-4.1.1.min.js"


def _legend_at(page, spec: dict, width: int, widen_to: int | None = None) -> list[str]:
    """The legend entries' texts, each line of an entry apart, as the script draws them at ``width`` (then at
    ``widen_to``, the column resized under the drawn chart)."""
    script = base64.b64encode((ASSET_DIR / "chart_view.js").read_bytes()).decode()
    page.set_content(f"<html><body><div id='host' style='width:{width}px'></div></body></html>")
    page.add_script_tag(path=str(ASSET_DIR / "vendor" / BUNDLE))
    page.add_script_tag(
        type="module",
        content=f"import draw from 'data:text/javascript;base64,{script}'; window.drawChart = draw;",
    )
    page.wait_for_function("() => window.drawChart && window.Plotly")
    page.evaluate(
        "(spec) => window.drawChart({data: spec, parentElement: document.getElementById('host'), "
        "setTriggerValue: () => {}})",
        spec,
    )
    page.wait_for_selector("#host .legend .traces")
    if widen_to is not None:
        page.evaluate(f"() => {{ document.getElementById('host').style.width = '{widen_to}px'; }}")
        page.wait_for_function(f"() => document.querySelector('#host .main-svg').getAttribute('width') == {widen_to}")
        page.wait_for_timeout(300)
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('#host .legend .traces .legendtext')).map((text) => {
            const lines = text.querySelectorAll('tspan.line');
            return lines.length ? Array.from(lines).map((l) => l.textContent).join('|') : text.textContent;
        })"""
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_script_draws_the_none_entry_on_the_lines_of_its_column(page, connection, lang):
    from oversight.charts.style import CARD_WIDTH_PX
    from oversight.ui.chart_view import script_spec

    spec = next(spec for spec in catalog.all_charts() if spec.key == "activities_by_unit")
    figure = spec.build(queries.run(connection, spec.query, ONE_UNIT_ONE_QUARTER), lang)
    drawn = script_spec(figure, BUNDLE, config={"displayModeBar": False}, lang=lang, clickable=False)
    bar, entry = (trace.name for trace in figure.data)
    whole = entry.replace("<br>", " " if lang == "en" else "")
    # a phone's card: the lines the figure was built with (at 330 px the script draws that width's own, which may
    # take a word more on a line: "Secondment to case", reckoned 134.6 px, the room 133 px at 320, 143 at 330)
    phone = _legend_at(page, drawn, CARD_WIDTH_PX)
    assert phone == [bar, entry.replace("<br>", "|")] and "|" in phone[1]
    wide = _legend_at(page, drawn, 720)
    assert wide == [bar, whole]  # a wide column: one line, and the bar keeps its own name
    widened = _legend_at(page, drawn, 330, widen_to=720)
    assert widened == [bar, whole]  # the column widened under the drawn chart


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_script_lists_kinds_with_none_where_the_definition_puts_them(page, lang):
    """Review of 4 Dec: the "…: 0" entry came last (整改中, 未整改、已整改：0): on screen, one unit's quarter with issues
    only in progress lists 未整改：0, 整改中, 已整改：0, the English entries fitted to a phone's card at its spaces."""
    import pandas as pd

    from oversight.charts.style import label_width
    from oversight.core import i18n
    from oversight.ui.chart_view import script_spec

    frame = pd.DataFrame(
        {"unit_id": ["gov_office"], "name_zh": ["办公厅"], "name_en": ["General Office"], "ordinal": [1]}
        | {"open": [0], "in_progress": [2], "rectified": [0]}
    )
    figure = catalog.make_issues_by_unit_status_figure(frame, lang)
    drawn = script_spec(figure, BUNDLE, config={"displayModeBar": False}, lang=lang, clickable=False)
    zero = "：0" if lang == "zh" else ": 0"
    statuses = [i18n.label(f"code:{code}", lang) for code in ("open", "in_progress", "rectified")]
    phone = _legend_at(page, drawn, 330)
    assert [entry.replace("|", " " if lang == "en" else "") for entry in phone] == [
        statuses[0] + zero,
        statuses[1],
        statuses[2] + zero,
    ]
    room = 330 - figure.layout.margin.l - figure.layout.margin.r
    assert all(label_width(line, 14) + 46 <= room for entry in phone for line in entry.split("|")), phone
