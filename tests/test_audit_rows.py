"""The audit page's table: Beijing time to the second, "—" for what was not recorded, details in words."""

from __future__ import annotations

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
    assert list(zh.columns) == ["时间（北京时间）", "账号", "角色", "操作", "客户端地址", "详情"]
    assert list(zh["时间（北京时间）"]) == ["2021-01-05 09:30:12", "2021-01-01 00:00:00"]
    assert list(zh["客户端地址"]) == ["—", "198.51.100.7"] and list(zh["账号"]) == ["chief", "—"]
    assert list(zh["操作"]) == ["登录", "拒绝访问"]
    assert zh["详情"][0] == "method: password"
    assert zh["详情"][1] == "reason: throttled; retry_after_s: 30; tables: meetings rows_after 574"
    shown = zh.to_string()
    assert "None" not in shown and "{" not in shown and '"' not in shown
    en = audit_rows.audit_table(ENTRIES, "en")
    assert list(en["Action"]) == ["sign-in", "refused"] and list(en["Client address"]) == ["—", "198.51.100.7"]
