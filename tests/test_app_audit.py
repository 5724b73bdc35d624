"""The audit page under AppTest: its dates filter picks Beijing days, the days its time column shows."""

from __future__ import annotations

import datetime
import json
import os
from pathlib import Path

from tests.apptest import run_page


def test_the_audit_pages_dates_are_beijing_days():
    log = Path(os.environ["OVERSIGHT_AUDIT_LOG"])
    log.parent.mkdir(parents=True, exist_ok=True)
    entries = [  # UTC, as the log is written
        ("2021-01-04T15:30:00+00:00", "before"),  # 4 January 23:30 Beijing
        ("2021-01-04T23:30:00+00:00", "edge"),  # 5 January 07:30 Beijing
        ("2021-01-05T16:30:00+00:00", "after"),  # 6 January 00:30 Beijing
    ]
    log.write_text("".join(json.dumps({"at": at, "action": "sign_in", "account": name}) + "\n" for at, name in entries))
    at = run_page("pages/08_audit.py")
    day = datetime.date(2021, 1, 5)
    at.date_input(key="widget.audit_since").set_value(day).run()
    at.date_input(key="widget.audit_until").set_value(day).run()
    assert not at.exception
    # its head says what the log holds, not the ledgers' data date (数据截至 2020-12-31 said nothing of it)
    assert at.caption[0].value == "全部账号的操作记录（登录、下载、导入、推送等），不受筛选条件影响"
    table = at.dataframe[0].value
    assert list(table["账号"]) == ["edge"]
    assert list(table["时间（北京时间）"]) == ["2021-01-05 07:30:00"]
