"""Numbers in words agree with numbers in figures at a province's scale: a count past 999 that reaches prose or a
caption is grouped in thousands as the cards write it (7,220,逾期未整改1,342个), never 7220 beside a card's 7,220;
a year, a quarter or an id stays as it is.

The counts are recomputed here with pandas from the scale generator's tables (what ``sample --scale`` writes into
the spreadsheets), or from hand frames past a thousand; never from our queries' answers.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from oversight import alerts
from oversight.alerts import digest_text
from oversight.alerts.strip import AlertStrip
from oversight.auth.unit_scope import Scope
from oversight.cli.main import main
from oversight.contract.schema import TABLES
from oversight.core import i18n
from oversight.core.numbers import grouped
from oversight.data import store
from oversight.devdata import scale
from oversight.ingest import checked_folder, workbook
from oversight.present import drill

AS_OF = date(2020, 12, 31)


@pytest.fixture(scope="module")
def province():
    """A province's ledgers in memory: ~500 units, enough meetings for counts past a thousand in a year."""
    tables = scale.build(200_000)
    return tables, store.connect(tables)


def test_a_count_is_grouped_and_one_still_reads_as_one():
    assert [grouped(n) for n in (7220, 266394, 999, 1, 0)] == ["7,220", "266,394", "999", "1", "0"]
    # a count given grouped still takes the singular: "1 rows" would be the new defect
    assert i18n.t("table.row_count", "en", count=grouped(1)).startswith("1 row ")
    assert i18n.t("table.row_count", "en", count=grouped(1200)).startswith("1,200 rows ")


def test_the_list_behind_a_card_is_titled_with_the_cards_count():
    assert drill.OVERDUE.title("zh", 7220, as_of="2020年12月31日") == "逾期未整改问题（7,220个，截至2020年12月31日）"
    assert drill.ISSUES.title("en", 7220, as_of="31 December 2020") == "Issues raised (7,220, as of 31 December 2020)"
    assert "12,345" in drill.SUGGESTIONS.title("zh", 12345)


def test_the_alert_strip_and_digest_group_a_provinces_overdue_count(province):
    tables, connection = province
    issues = tables["issues"]
    rectified = (issues["status"] == "rectified") & (pd.to_datetime(issues["rectified_date"]) <= pd.Timestamp(AS_OF))
    overdue = issues[
        (pd.to_datetime(issues["date_raised"]) <= pd.Timestamp(AS_OF))
        & (pd.to_datetime(issues["due_date"]) < pd.Timestamp(AS_OF))
        & ~rectified
    ]
    n = len(overdue)
    assert n >= 1000
    longest = (pd.Timestamp(AS_OF) - pd.to_datetime(overdue["due_date"])).dt.days.max()
    assert longest >= 1000
    digest = alerts.alerts_for(connection, Scope.everything(), AS_OF, alerts.DEFAULT_RULES, ())
    strip = AlertStrip(digest)
    zh, en = strip.parts("zh"), strip.parts("en")
    assert zh[0] == f"逾期未整改{n:,}个" and en[0] == f"{n:,} overdue"
    assert f"（各{longest:,}天）" in zh[1] or f"（{longest:,}天）" in zh[1]
    assert f"{longest:,} day" in en[1]
    for lang in ("zh", "en"):
        assert f"{n:,}" in digest_text.counts_line(digest, lang)
        assert f"{longest:,}" in digest_text.render_text(digest, lang)  # the longest overdue item's days
    assert f"逾期未整改{n:,}项" in digest_text.render_text(digest, "zh")


def test_an_import_summary_counts_its_rows_as_the_cards_would(tmp_path, capsys):
    """validate's (and the Data page's) 文件中N行；现有N行 → 导入后N行 of a province's ledger."""
    ledgers = checked_folder.read_folder(store.SAMPLE_DATA_DIR)
    issues = ledgers["issues"]
    copies = pd.concat([issues] * 45, ignore_index=True)
    copies["issue_id"] = [f"WT2020-{2001 + n}" for n in range(len(copies))]
    file = tmp_path / "issues.xlsx"
    workbook.write_table(file, TABLES["issues"], pd.concat([issues, copies]), ledgers["units"])
    rows = len(issues) + len(copies)
    assert rows >= 1000
    assert main(["validate", str(file), "--mode", "replace"]) == 0
    out = capsys.readouterr().out
    assert f"文件中{rows:,}行；现有{len(issues)}行 → 导入后{rows:,}行；新增{len(copies):,}、修改0、删除0" in out
    assert main(["validate", str(file), "--mode", "replace", "--lang", "en"]) == 0
    assert f"rows {rows:,} in the file, {len(issues)} now, {rows:,} after the import; added {len(copies):,}" in (
        capsys.readouterr().out
    )
