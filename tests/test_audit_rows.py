"""The audit page's table: Beijing time to the second, "—" for what was not recorded, details in words."""

from __future__ import annotations

import pandas as pd
import pytest

from oversight.auth import audit
from oversight.present import audit_rows

ENTRIES = [
    {
        "at": "2021-01-05T01:30:12.345+00:00",
        "account": "chief",
        "role": "admin",
        "action": "sign_in",
        "address": None,
        "details": {"method": "password"},
    },
    {
        "at": "2020-12-31T16:00:00+00:00",
        "account": None,
        "action": "refused",
        "address": "198.51.100.7",
        "details": {"reason": "throttled", "retry_after_s": 30, "tables": {"meetings": {"rows_after": 574}}},
    },
]


def test_times_are_beijing_time_to_the_second():
    assert audit_rows.local_time("2021-01-05T01:30:12.345+00:00") == "2021-01-05 09:30:12"
    assert audit_rows.local_time("2020-12-31T16:00:00+00:00") == "2021-01-01 00:00:00"  # the new year, in Beijing
    assert audit_rows.local_time(None) == "—" and audit_rows.local_time("not a time") == "not a time"


def test_the_table_reads_in_each_language_without_none_or_json():
    zh = audit_rows.audit_table(ENTRIES, "zh")
    # the details right after the action: on a phone they stood past the screen's edge behind role and address
    assert list(zh.columns) == ["时间（北京时间）", "账号", "操作", "详情", "角色", "客户端地址"]
    assert list(zh["时间（北京时间）"]) == ["2021-01-05 09:30:12", "2021-01-01 00:00:00"]
    assert list(zh["客户端地址"]) == ["—", "198.51.100.7"] and list(zh["账号"]) == ["chief", "—"]
    assert list(zh["操作"]) == ["登录", "拒绝访问"]
    assert zh["详情"][0] == "方式：密码"
    assert zh["详情"][1] == "原因：尝试过多，暂时锁定；可重试等待（秒）：30；各表行数：会议 导入后行数574"
    shown = zh.to_string()
    assert "None" not in shown and "{" not in shown and '"' not in shown
    en = audit_rows.audit_table(ENTRIES, "en")
    assert list(en["Action"]) == ["sign-in", "refused"] and list(en["Client address"]) == ["—", "198.51.100.7"]
    assert list(en["Details"]) == [
        "method: password",
        "reason: too many attempts, paused; retry after (s): 30; rows per table: Meetings rows after 574",
    ]


def test_a_downloads_details_read_as_words_in_the_pages_language():
    """The audit page showed "filter: units , nothing False, from 2020Q1, to 2020Q4" on a Chinese page."""
    download = {
        "file": "派驻监督工作简报_2020Q1-2020Q4.pdf",
        "filter": {"units": [], "nothing": False, "from": "2020Q1", "to": "2020Q4"},
        "marking": "内部资料 注意保存",
        "watermark": "本机 2026-12-01 23:42",
    }
    assert audit_rows.details_text(download, "zh") == (
        "文件：派驻监督工作简报_2020Q1-2020Q4.pdf；筛选：全部单位，2020年第1季度至2020年第4季度；"
        "标识：内部资料 注意保存；水印：本机 2026-12-01 23:42"
    )
    one_unit = {"filter": {"units": ["gov_office"], "nothing": False, "from": "2020Q3", "to": "2020Q3"}, "forced": True}
    assert audit_rows.details_text(one_unit, "en") == "filter: gov_office, 2020 Q3; forced: yes"
    names = {"gov_office": "省政府办公厅", "research": "省政府研究室"}
    two_units = {"filter": {"units": ["gov_office", "research"], "nothing": False, "from": "2020Q1", "to": "2020Q2"}}
    assert (
        audit_rows.details_text(two_units, "zh", names)
        == "筛选：省政府办公厅、省政府研究室，2020年第1季度至2020年第2季度"
    )
    nothing = {"filter": {"units": [], "nothing": True, "from": "2020Q1", "to": "not a quarter"}, "odd_key": "odd"}
    assert audit_rows.details_text(nothing, "zh") == "筛选：无可见单位，2020年第1季度至not a quarter；odd_key：odd"


def test_the_dates_filter_means_beijing_days_at_both_edges(tmp_path):
    """23:30 UTC on 4 January is 07:30 on 5 January in Beijing: it is found under 5 January, not 4 January;
    15:59 UTC on 5 January (23:59 Beijing) is still 5 January, 16:00 UTC is the 6th."""
    from datetime import date

    from oversight.auth import audit

    log = tmp_path / "audit.jsonl"
    moments = [
        "2021-01-04T15:59:59+00:00",
        "2021-01-04T23:30:00+00:00",
        "2021-01-05T15:59:59+00:00",
        "2021-01-05T16:00:00+00:00",
    ]
    log.write_text(
        "".join(f'{{"at": "{at}", "action": "sign_in", "account": "a{i}"}}\n' for i, at in enumerate(moments))
    )

    def accounts_on(since, until):
        start, end = audit_rows.day_range(since, until)
        return [entry["account"] for entry in audit.read_audit(log, since=start, until=end)]

    assert accounts_on(date(2021, 1, 5), date(2021, 1, 5)) == ["a1", "a2"]
    assert accounts_on(date(2021, 1, 4), date(2021, 1, 4)) == ["a0"]
    assert accounts_on(date(2021, 1, 6), None) == ["a3"]
    assert accounts_on(None, date(2021, 1, 4)) == ["a0"]
    assert accounts_on(None, None) == ["a0", "a1", "a2", "a3"]
    # what the filter finds is what the column shows under that day
    start, end = audit_rows.day_range(date(2021, 1, 5), date(2021, 1, 5))
    shown = audit_rows.audit_table(audit.read_audit(log, since=start, until=end), "zh")
    assert list(shown["时间（北京时间）"]) == ["2021-01-05 07:30:00", "2021-01-05 23:59:59"]


def test_a_name_that_draws_as_another_is_spelled_out_when_written_and_when_shown():
    """A name typed at the sign-in form as "gov\\u202eabc" showed in the audit table as govcba, and "\\u202enimda"
    would have shown as admin; a zero width made "chief\\u200b" look like the real chief."""
    from oversight.auth.accounts import loggable_username

    assert loggable_username("\u202enimda") == "\\u202enimda"
    assert loggable_username("Chief\u200b") == "chief\\u200b"
    assert loggable_username("gov\x07") == "gov\\x07"
    # a line written before names were spelled out, and a file name in the details, are spelled out on screen
    old = {
        "at": "2021-01-05T01:30:12+00:00",
        "account": "gov\u202eabc",
        "action": "import",
        "details": {"sources": ["\u202excod.xlsx"]},
    }
    (row,) = audit_rows.audit_table([old], "zh").to_dict("records")
    assert row["账号"] == "gov\\u202eabc"
    assert "\\u202excod.xlsx" in row["详情"] and "\u202e" not in "".join(str(v) for v in row.values())


def test_a_cli_briefs_download_and_push_read_as_words():
    """The CLI brief's line showed out：/tmp/…, and its push 期间：2020Q1-2020Q4/gov_office+research, as codes."""
    names = {"gov_office": "省政府办公厅", "research": "省政府研究室"}
    download = {
        "file": ["派驻监督工作简报_2020Q1-2020Q4.pdf"],
        "filter": {"units": ["gov_office"], "nothing": False, "from": "2020Q1", "to": "2020Q4"},
        "via": "cli",
        "out": "/srv/briefs",
    }
    assert audit_rows.details_text(download, "zh", names) == (
        "文件：派驻监督工作简报_2020Q1-2020Q4.pdf；筛选：省政府办公厅，2020年第1季度至2020年第4季度；途径：命令行；"
        "输出文件夹：/srv/briefs"
    )
    push = {"kind": "brief", "period": "2020Q1-2020Q4/gov_office+research", "channel_kind": "email", "lang": "en"}
    assert audit_rows.details_text(push, "zh", names) == (
        "类型：简报；期间：2020年第1季度至2020年第4季度，省政府办公厅、省政府研究室；渠道类型：电子邮件；语言：英文"
    )
    assert audit_rows.details_text({**push, "period": "2020Q3/all"}, "en", names) == (
        "kind: briefing; period: 2020 Q3, all units; channel kind: e-mail; language: English"
    )
    # a period of no form the pushes write is shown as recorded
    assert audit_rows.details_text({"period": "2020Q1-2020Q2-2020Q3/all"}, "zh") == "期间：2020Q1-2020Q2-2020Q3/all"


def test_a_refused_page_is_named_as_the_navigation_names_it():
    """原因：无权访问该页面；页面：data — the page's code, not its name."""
    refused = [
        {
            "at": "2021-01-05T01:30:12+00:00",
            "account": "bgt",
            "action": "refused",
            "address": None,
            "details": {"reason": "forbidden_page", "page": "data"},
        }
    ]
    assert audit_rows.audit_table(refused, "zh")["详情"][0] == "原因：无权访问该页面；页面：数据管理"
    assert audit_rows.audit_table(refused, "en")["Details"][0].endswith("page: Data")


def test_a_recorded_name_holding_the_details_separators_is_quoted_so_it_cannot_pass_for_more_details():
    """An attack review: an import of a file named "台账；方式：替换；各表行数：问题 导入前行数34，导入后行数0；途径：网页；
    系统用户：boss；备注：x.csv" read on the audit page as a replace through the web that emptied the issues, with the
    real details pushed past the cell's edge."""
    from oversight.present.audit_rows import details_text

    forged = "台账；方式：替换；各表行数：问题 导入前行数34，导入后行数0；途径：网页；系统用户：boss；备注：x.csv"
    text = details_text({"sources": [forged], "mode": "append"}, "zh")
    assert text.startswith('来源文件："台账；方式：替换；') and text.endswith('备注：x.csv"；方式：追加')
    assert details_text({"sources": ['a"；方式：替换'], "mode": "append"}, "zh").startswith(
        '来源文件："a\\"；方式：替换"；'
    )
    # an ordinary name, a time, an address: as recorded
    assert (
        details_text({"sources": ["新增问题.xlsx", "问题清单(1).xlsx"]}, "zh")
        == "来源文件：新增问题.xlsx，问题清单(1).xlsx"
    )


def test_the_import_history_quotes_a_file_name_that_holds_its_separators():
    from pathlib import Path

    from oversight.ingest.import_history import HistoryEntry
    from oversight.ingest.import_report import render_entry

    entry = HistoryEntry(
        "20201108-1", Path("."), "import", "chief", "2020-11-08T12:00:00+00:00",
        ("x.csv (replacing the table): Issues: rows 34 → 0, y.csv",), "append",
        {"issues": {"rows_before": 34, "rows_after": 35}},
    )  # fmt: skip
    line = render_entry(entry, "en")
    assert (
        'imported "x.csv (replacing the table): Issues: rows 34 → 0, y.csv" (adding rows): Issues: rows 34 → 35' in line
    )


def test_an_import_history_line_leads_with_its_beijing_time_and_names_its_entry_last():
    """Seen on the Data page: "20261203-192248-771817-issues · 2026-12-04 03:22:48 · root 导入 …" — two dates for one
    import (the entry's name carries the UTC day, the time is Beijing's), the technical name read first."""
    from pathlib import Path

    from oversight.ingest.import_history import HistoryEntry
    from oversight.ingest.import_report import render_entry

    entry = HistoryEntry(
        "20261203-192248-771817-issues", Path("."), "import", "root", "2026-12-03T19:22:48+00:00",
        ("问题清单.xlsx",), "replace", {"issues": {"rows_before": 27, "rows_after": 28}},
    )  # fmt: skip
    assert render_entry(entry, "zh") == (
        "2026-12-04 03:22:48（北京时间） · root 导入 问题清单.xlsx（替换整表）：问题27行 → 28行 · 记录号 20261203-192248-771817-issues"
    )
    assert render_entry(entry, "en") == (
        "2026-12-04 03:22:48 (Beijing time) · root imported 问题清单.xlsx (replacing the table): Issues: rows 27 → 28"
        " · entry 20261203-192248-771817-issues"
    )


def test_an_action_or_role_this_version_does_not_know_is_shown_as_recorded():
    """A shared log holds lines of other versions (a newer replica's action during an upgrade): one unknown code
    stopped the whole audit page with a KeyError."""
    entries = [
        {"at": "2021-01-05T01:30:12+00:00", "account": "chief", "role": "auditor", "action": "report_scheduled"},
        {"at": "2021-01-05T01:31:00+00:00", "account": "chief", "role": "admin", "action": "sign_in"},
    ]
    zh = audit_rows.audit_table(entries, "zh")
    assert list(zh["操作"]) == ["report_scheduled", "登录"] and list(zh["角色"]) == ["auditor", "管理员"]
    en = audit_rows.audit_table(entries, "en")
    assert list(en["Action"]) == ["report_scheduled", "sign-in"] and list(en["Role"]) == ["auditor", "admin"]
    assert audit_rows.action_label("report_scheduled", "zh") == "report_scheduled"
    assert audit_rows.action_label("sign_in", "en") == "sign-in"


# what each status of a push's audit row says, in the words that say it: the reason beside it (错误：…) must not say
# it again ("已发出，未获答复，可能已送达；…；错误：…：消息已发出，5秒内未收到答复；…")
_STATUS_SAYS = {
    "sending": {"zh": ["发送中"], "en": ["sending"]},
    "sent": {"zh": ["已发送"], "en": ["sent"]},
    "failed": {"zh": ["失败"], "en": ["fail"]},
    "unconfirmed": {"zh": ["可能已送达", "已发出", "答复"], "en": ["may have been", "went out", "answer"]},
    "partly": {"zh": ["部分送达", "拒收"], "en": ["partly", "refused"]},
    "unrecorded": {"zh": ["未能记录", "无法写入"], "en": ["not recorded", "could not be written"]},
}
# the push report's statuses whose reasons an audit row of each status can carry ("misconfigured" is audited failed)
_REPORTED_AS = {
    "sending": (),
    "sent": (),
    "failed": ("failed", "misconfigured"),
    "unconfirmed": ("unconfirmed",),
    "partly": ("partly",),
    "unrecorded": ("unrecorded",),
}


def _push_rows(status: str, lang: str) -> list[str]:
    """Every audit row a push of ``status`` writes, with each reason it can carry, as the page's cells joined."""
    from tests.test_push import _errors_of

    reasons = [reason for reported in _REPORTED_AS[status] for reason in _errors_of(reported, lang)] or [None]
    details = {"via": "push", "kind": "alerts", "period": "2020-11-08/all", "channel": "leaders", "lang": lang}
    details |= {"channel_kind": "wecom", "to": "http://robot.example/send", "forced": False}
    entries = [
        {"at": "2020-11-08T01:00:00+00:00", "account": "ops", "action": "push", "details": details | extra}
        for reason in reasons
        for extra in ({"status": status, "attempts": 1, "error": reason}, {"status": status})
    ]
    table = audit_rows.audit_table(entries, lang)
    return [" ".join(row).casefold() for row in table.astype(str).itertuples(index=False)]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("status", list(_STATUS_SAYS))
def test_no_push_row_of_the_audit_page_says_its_status_twice(status, lang):
    """The 可能已送达 label read 已发出，未获答复，可能已送达 and its reason beside it 消息已发出，5秒内未收到答复 (the
    English "sent, no answer: may have been delivered … the message went out and no answer came"); 已发送，部分收件人被拒收
    beside 邮件服务器拒收部分收件人. Every status, with every reason it can carry, says each of its words once."""
    for row in _push_rows(status, lang):
        for words in _STATUS_SAYS[status][lang]:
            assert row.count(words) <= 1, f"{words!r} said twice: {row}"
        assert row.count(_STATUS_SAYS[status][lang][0]) == 1, row


def test_every_status_of_a_push_row_is_scanned():
    from oversight.core import i18n

    prefix = "auth.audit.value.status."
    for lang in ("zh", "en"):
        assert {key.removeprefix(prefix) for key in i18n.catalog(lang) if key.startswith(prefix)} == set(_STATUS_SAYS)


def test_an_audit_log_download_says_under_which_conditions_it_was_made():
    details = {
        "file": "审计日志_2026-12-05.csv",
        "holds": "audit_log",
        "conditions": {"account": "boss", "action": "download", "since": "2021-01-05"},
    }
    assert audit_rows.details_text(details, "zh") == (
        "文件：审计日志_2026-12-05.csv；内容：审计日志（符合筛选条件的全部记录）；"
        "筛选条件：账号 boss，操作 下载，起始日期2021-01-05"
    )
    assert audit_rows.details_text(details, "en").endswith("conditions: account boss, action download, from 2021-01-05")


def test_a_download_of_the_whole_log_is_parsed_a_chunk_at_a_time(tmp_path, monkeypatch):
    """The audit page's download of a 100 MB log held all 383,762 entries parsed at once beside their table (1.4 GB);
    now a chunk at a time (0.44 GB), the same table, newest first."""
    from tests.test_audit import _rotated_log

    log = _rotated_log(tmp_path)
    view = audit.audit_log(log)
    asked: list[int] = []
    real_entries = audit.AuditLog.entries
    monkeypatch.setattr(
        audit.AuditLog, "entries", lambda self, rows: asked.append(len(rows)) or real_entries(self, rows)
    )
    for conditions in ({}, {"account": "u2"}, {"account": "nobody"}):
        asked.clear()
        table = audit_rows.newest_first_table(view, view.select(**conditions), "zh", {}, chunk=7)
        expected = audit_rows.audit_table(reversed(audit.read_audit(log, **conditions)), "zh", {})
        pd.testing.assert_frame_equal(table, expected)
        assert max(asked, default=0) <= 7 and sum(asked) == len(expected)
