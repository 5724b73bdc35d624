"""The audit page under AppTest: its dates filter picks Beijing days, the days its time column shows."""

from __future__ import annotations

import datetime
import getpass
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
        # a line without its zone (written by hand, or by another program): the filter took it as UTC (the log's
        # zone), 5 January 07:45 in Beijing, and the time column showed it unconverted, 2021-01-04 23:45:00, a day
        # outside the dates asked for, under 时间（北京时间）
        ("2021-01-04T23:45:00", "no zone"),
    ]
    log.write_text("".join(json.dumps({"at": at, "action": "sign_in", "account": name}) + "\n" for at, name in entries))
    at = run_page("pages/08_audit.py")
    day = datetime.date(2021, 1, 5)
    at.date_input(key="widget.audit_since").set_value(day).run()
    at.date_input(key="widget.audit_until").set_value(day).run()
    assert not at.exception
    # its head says what the log holds, not the ledgers' data date (数据截至2020-12-31 said nothing of it)
    assert at.caption[0].value == "全部账号的操作记录（登录、下载、导入、推送等），不受筛选条件影响"
    table = at.dataframe[0].value
    assert list(table["账号"]) == ["no zone", "edge"]
    assert list(table["时间（北京时间）"]) == ["2021-01-05 07:45:00", "2021-01-05 07:30:00"]
    # dates the wrong way round are said to be, not answered 没有符合条件的审计记录 as if the log had nothing then
    at.date_input(key="widget.audit_since").set_value(datetime.date(2021, 1, 6)).run()
    assert [w.value for w in at.warning] == [
        "起始日期（2021-01-06）晚于截止日期（2021-01-05），没有记录可以同时满足；请调换这两个日期。"
    ]
    assert not at.dataframe and not at.info


def test_an_empty_log_is_said_to_be_empty_and_a_filter_that_finds_nothing_names_itself():
    """Seen on a fresh install: "No audit entries match" with no filter set, as if a filter had hidden the entries."""
    log = Path(os.environ["OVERSIGHT_AUDIT_LOG"])
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("")
    at = run_page("pages/08_audit.py", {"lang": "en"})
    assert [info.value for info in at.info] == [
        "The audit log has no entries yet: sign-ins, downloads, imports and the like are recorded here as they happen."
    ]
    entries = [("2021-01-04T23:30:00+00:00", "sign_in", "chief"), ("2021-01-05T01:00:00+00:00", "download", "chief")]
    log.write_text("".join(json.dumps({"at": at, "action": what, "account": who}) + "\n" for at, what, who in entries))
    at = run_page("pages/08_audit.py")
    at.selectbox(key="widget.audit_action").set_value("download").run()
    at.date_input(key="widget.audit_since").set_value(datetime.date(2021, 1, 6)).run()
    assert not at.exception and not at.dataframe
    assert [info.value for info in at.info] == [
        "没有符合条件的审计记录（操作 下载；2021-01-06起）；日志中共有2条记录。"
    ]


PASSWORD = "correct-horse-battery"


def _signed_in_audit_page(lang: str):
    at = run_page("app.py", {"lang": lang})
    at.text_input(key="widget.login_user").input("chief")
    at.text_input(key="widget.login_password").input(PASSWORD)
    at.button[0].click().run()
    at.switch_page("pages/08_audit.py").run()
    assert not at.exception
    return at.dataframe[0].value


def test_push_and_account_lines_read_in_words_of_the_pages_language(tmp_path, monkeypatch, capsys):
    """The page showed 筛选：全部单位，—；类型：alerts；期间：2020-11-08/all；渠道类型：wecom；语言：zh for a pushed digest
    (its day and counts lost) and username：chief；role：admin；单位：；email：— for an account the CLI added."""
    import io

    from oversight.cli.main import main
    from tests.receivers import RobotReceiver

    settings = tmp_path / "conf" / "alerts.toml"
    monkeypatch.setenv("OVERSIGHT_ALERTS_FILE", str(settings))
    with RobotReceiver() as receiver:
        settings.parent.mkdir(parents=True, exist_ok=True)
        url = receiver.url("/cgi-bin/webhook/send?key=WECOM-KEY")
        settings.write_text(f'[[channels]]\nname = "wecom-group"\nkind = "wecom"\nurl = "{url}"\n', encoding="utf-8")
        settings.chmod(0o600)
        assert main(["alerts", "--as-of", "2020-11-08", "--push"]) == 0  # the writers of the push lines
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["user", "add", "chief", "--role", "admin", "--password-stdin"]) == 0  # and of the account's
    capsys.readouterr()
    where = receiver.url("/cgi-bin/webhook/send")
    pushed = [json.loads(line) for line in Path(os.environ["OVERSIGHT_AUDIT_LOG"]).read_text().splitlines()]
    assert pushed[0]["details"]["filter"] == {
        "units": [],
        "as_of": "2020-11-08",
        "counts": {"overdue": 5, "due_soon": 1, "no_consultation": 9, "meetings_rising": 2},
    }

    zh = _signed_in_audit_page("zh")
    assert list(zh.loc[zh["操作"] == "新增账号", "详情"]) == [
        f"所涉账号：chief；角色：管理员；单位：全部单位；邮箱：—；途径：命令行；系统用户：{getpass.getuser()}"
    ]
    digest = (
        "筛选：全部单位，截至2020年11月8日，预警：逾期5、即将到期1、未会商9、会议增多2；"
        f"系统用户：{getpass.getuser()}；途径：推送；类型：预警摘要"
    )
    common = f"期间：截至2020年11月8日，全部单位；渠道：wecom-group；渠道类型：企业微信；接收方：{where}；语言：中文；强制发送：否"
    assert list(zh.loc[zh["操作"] == "推送", "详情"]) == [
        f"{digest}；{common}；状态：已发送；尝试次数：1；错误：—",
        f"{digest}；{common}；状态：发送中",
    ]

    en = _signed_in_audit_page("en")
    assert list(en.loc[en["Action"] == "account added", "Details"]) == [
        f"account concerned: chief; role: admin; units: all units; e-mail: —; via: command line; "
        f"system user: {getpass.getuser()}"
    ]
    digest = (
        "filter: all units, as of 8 November 2020, alerts: Overdue 5, Due soon 1, Not consulted 9, More meetings 2; "
        f"system user: {getpass.getuser()}; via: push; kind: alerts digest"
    )
    common = (
        f"period: as of 8 November 2020, all units; channel: wecom-group; channel kind: WeCom; to: {where}; "
        "language: Chinese; forced: no"
    )
    assert list(en.loc[en["Action"] == "push", "Details"]) == [
        f"{digest}; {common}; status: sent; attempts: 1; error: —",
        f"{digest}; {common}; status: sending",
    ]


def test_the_audit_page_opens_on_lines_of_another_version_and_lines_not_written_by_it():
    """An unknown action (in the table and the action filter), an unknown role, an account written as a number and
    details written as a sentence: the page had stopped on each."""
    log = Path(os.environ["OVERSIGHT_AUDIT_LOG"])
    log.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        {"at": "2021-01-05T01:00:00+00:00", "action": "sign_in", "account": "chief", "role": "admin"},
        {"at": "2021-01-05T02:00:00+00:00", "action": "report_scheduled", "account": "chief", "role": "auditor"},
        {"at": "2021-01-05T03:00:00+00:00", "action": "sign_in", "account": 5},
        {"at": "2021-01-05T04:00:00+00:00", "action": "import", "account": "x", "details": "oops"},
    ]
    log.write_text("".join(json.dumps(line) + "\n" for line in lines))
    at = run_page("pages/08_audit.py")
    assert not at.exception
    assert [w.value for w in at.warning] == ["有2行审计记录无法读取，已跳过"]
    table = at.dataframe[0].value
    assert list(table["操作"]) == ["report_scheduled", "登录"] and list(table["角色"]) == ["auditor", "管理员"]
    assert at.selectbox(key="widget.audit_action").options == ["全部操作", "report_scheduled", "登录"]


def test_a_log_rotated_at_a_quiet_hour_still_lists_its_entries():
    """Renamed to audit.jsonl.1 by logrotate (as DEPLOY.md says to) and nothing written since: the page said 审计日志
    还没有记录, the week's sign-ins and downloads gone from it."""
    log = Path(os.environ["OVERSIGHT_AUDIT_LOG"])
    log.parent.mkdir(parents=True, exist_ok=True)
    entries = [("2021-01-04T23:30:00+00:00", "sign_in", "chief"), ("2021-01-05T01:00:00+00:00", "download", "chief")]
    log.with_name(log.name + ".1").write_text(
        "".join(json.dumps({"at": at, "action": what, "account": who}) + "\n" for at, what, who in entries)
    )
    at = run_page("pages/08_audit.py")
    assert not at.exception and not at.info
    table = at.dataframe[0].value
    assert list(table["时间（北京时间）"]) == ["2021-01-05 09:00:00", "2021-01-05 07:30:00"]
