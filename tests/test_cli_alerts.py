"""``python -m oversight alerts``: the digest on the terminal and as JSON, pushed once per period to local
robots, audited, within the scope of the account it runs as; the settings file's rules and errors."""

from __future__ import annotations

import getpass
import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from oversight import config
from oversight.alerts import configuration
from oversight.auth import accounts, audit
from oversight.cli.main import main
from oversight.data import store
from tests import oracle
from tests.receivers import RobotReceiver, SmtpReceiver

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2020-11-08"


@pytest.fixture
def settings_path(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "conf" / "alerts.toml"
    monkeypatch.setenv("OVERSIGHT_ALERTS_FILE", str(path))
    return path


def write_settings(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    return path


def robots(receiver: RobotReceiver, extra: str = "") -> str:
    return f"""{extra}
[push]
attempts = 2
backoff_seconds = 0

[[channels]]
name = "wecom-group"
kind = "wecom"
url = "{receiver.url("/cgi-bin/webhook/send?key=WECOM-KEY")}"

[[channels]]
name = "dingtalk-group"
kind = "dingtalk"
url = "{receiver.url("/robot/send?access_token=DING-TOKEN")}"
secret = "SECdingtalk-secret"
send = ["alerts"]
"""


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


# ---------------------------------------------------------------- output


def test_digest_is_grouped_by_unit(settings_path, capsys):
    status, out, err = run(capsys, "alerts", "--as-of", AS_OF)
    assert status == 0 and err == ""
    assert out.startswith("派驻监督预警摘要\n截至2020年11月8日（2020年第4季度）\n逾期未整改5项 · 30天内到期1项")
    assert out.index("省政府办公厅（gov_office）\n  - 逾期：WT2020-018") < out.index("省政府研究室（research）")


def test_an_english_count_of_one_and_a_window_of_one_day_are_singular(settings_path, capsys):
    """ "1 units not consulted this quarter" and "due within 1 days" read as mistakes aloud."""
    status, out, _ = run(
        capsys, "alerts", "--as-of", AS_OF, "--unit", "gov_office", "--due-within", "1", "--lang", "en"
    )
    assert status == 0 and out.splitlines()[2] == "Scope: General Office"
    assert out.splitlines()[3] == (
        # nothing found said as the strip says it (none due within a day), not "0 due within a day"
        "2 overdue · none due within a day · 1 unit not consulted in 2020 Q4 (to 8 November) · no unit with more "
        "meetings than a year earlier"
    )
    status, out, _ = run(capsys, "alerts", "--as-of", AS_OF, "--lang", "en")
    assert "1 due within 30 days · 9 units not consulted in 2020 Q4 (to 8 November)" in out.splitlines()[2]


def test_json_and_due_within(settings_path, capsys):
    status, out, _ = run(capsys, "alerts", "--as-of", "2020-12-31", "--due-within", "90", "--json")
    data = json.loads(out)
    assert status == 0 and data["counts"] == {"overdue": 6, "due_soon": 1, "no_consultation": 8, "meetings_rising": 0}
    assert data["rules"]["due_within_days"] == 90
    (due,) = [a for u in data["units"] for a in u["alerts"] if a["rule"] == "due_soon"]
    assert due["issue_id"] == "WT2020-027" and due["days_left"] == 75


def test_rules_come_from_the_settings_file(settings_path, capsys):
    write_settings(settings_path, "[rules.no_consultation]\nenabled = false\n[rules.due_soon]\ndays = 0\n")
    status, out, _ = run(capsys, "alerts", "--as-of", AS_OF, "--json")
    data = json.loads(out)
    assert set(data["counts"]) == {"overdue", "due_soon", "meetings_rising"}
    assert data["rules"]["due_within_days"] == 0 and data["counts"]["due_soon"] == 1  # WT2020-022, due that day


def test_bad_input_exits_1_with_a_message_in_the_language(settings_path, capsys):
    assert run(capsys, "alerts", "--as-of", "2020-13-01")[2].strip() == "日期“2020-13-01”无法识别，请写成2020-12-31。"
    # other forms fromisoformat reads: a week (2020-W01 is 30 December 2019, another quarter) and no hyphens
    # and an empty value (a script's unset variable), which ran for today as if no date had been given
    for other in ("2020-W01", "20200101", "2020-W01-1", "２０２０-01-01", ""):
        assert run(capsys, "alerts", "--as-of", other)[2].strip() == f"日期“{other}”无法识别，请写成2020-12-31。"
    status, _, err = run(capsys, "alerts", "--unit", "nowhere", "--lang", "en")
    assert status == 1 and "Unit “nowhere” is not in the data" in err
    write_settings(settings_path, '[rules.due_soon]\ndays = "thirty"\n')
    status, _, err = run(capsys, "alerts")
    assert status == 1 and "rules.due_soon.days" in err and str(settings_path) in err and "Traceback" not in err


@pytest.mark.parametrize("as_of", ["2019-01-01", "2019-04-26", "2019-12-31"])
def test_more_meetings_is_not_judged_against_a_year_before_the_records(settings_path, capsys, as_of):
    """The sample begins on 1 January 2019: in 2019 there is no year earlier, and "会议同比增多0家" said no unit held
    more meetings than one, read aloud as a finding."""
    status, out, _ = run(capsys, "alerts", "--as-of", as_of)
    lines = out.splitlines()
    assert status == 0 and "会议同比增多" not in lines[2]
    earlier = f"{int(as_of[:4]) - 1}年第{(int(as_of[5:7]) - 1) // 3 + 1}季度"
    assert lines[3] == f"{earlier}（上年同期）无记录，未判断：会议增多"
    data = json.loads(run(capsys, "alerts", "--as-of", as_of, "--json")[1])
    assert data["not_judged"] == ["meetings_rising"] and "meetings_rising" not in data["counts"]
    # the first quarter with a year before it is judged, its count said even when it is zero
    data = json.loads(run(capsys, "alerts", "--as-of", "2020-01-15", "--json")[1])
    assert data["not_judged"] == [] and "meetings_rising" in data["counts"]


def test_a_day_past_the_data_date_names_it_and_does_not_judge_a_quarter_without_records(settings_path, capsys):
    # the sample's data date is 2020-12-31: a digest run in 2021 Q1 has no record of that quarter, so it may not say
    # that every unit held no consultation in it; overdue issues are still counted from the records
    status, out, err = run(capsys, "alerts", "--as-of", "2021-02-01")
    assert status == 0 and err == ""
    assert out.startswith(
        "派驻监督预警摘要\n截至2021年2月1日（2021年第1季度）：逾期、到期天数算至该日；整改状态按台账记录，"
        "数据截至2020年12月31日\n逾期未整改6项 · 30天内无到期问题\n"
        "2021年第1季度尚无记录，未判断：未会商、会议增多\n"
    )
    assert "未会商：" not in out and "会议增多：" not in out
    data = json.loads(run(capsys, "alerts", "--as-of", "2021-02-01", "--json", "--lang", "en")[1])
    assert data["data_date"] == "2020-12-31" and data["not_judged"] == ["no_consultation", "meetings_rising"]
    assert data["counts"] == {"overdue": 6, "due_soon": 0}
    text = run(capsys, "alerts", "--as-of", "2021-02-01", "--lang", "en")[1]
    assert (
        "As of 1 February 2021 (2021 Q1): days overdue and days left counted to that day; rectification status as "
        "the ledgers record it, data up to 31 December 2020\n"
    ) in text
    assert "No records yet for 2021 Q1, so not judged: not consulted, more meetings\n" in text
    # within the data's last quarter the rules judge it, and the header has no second date
    status, out, _ = run(capsys, "alerts", "--as-of", "2020-12-31")
    assert out.startswith("派驻监督预警摘要\n截至2020年12月31日（2020年第4季度）\n") and "2020年第4季度未会商8家" in out
    assert "未判断" not in out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_day_past_the_data_date_counts_days_to_the_day_its_header_says(settings_path, capsys, lang):
    """The header named the data date (数据截至2020年12月31日) over days overdue counted to the day asked for: read
    against the data date, each was a day too many. The header now says which day the days run to, and they do."""
    ledgers = oracle.read_ledgers(store.SAMPLE_DATA_DIR)
    asked = date(2021, 1, 1)
    issues = ledgers.issues
    open_at_data_date = issues[
        (issues["status"] != "rectified") | issues["rectified"].map(lambda d: d is None or d > ledgers.data_date)
    ]
    overdue = open_at_data_date[open_at_data_date["due"] < asked]
    expected = {row.issue_id: (asked - row.due).days for row in overdue.itertuples()}
    data = json.loads(run(capsys, "alerts", "--as-of", asked.isoformat(), "--json", "--lang", lang)[1])
    items = [item for unit in data["units"] for item in unit["alerts"]]
    found = {item["issue_id"]: item["days_overdue"] for item in items if item["rule"] == "overdue"}
    assert found == expected and found["WT2020-021"] == 55  # deadline 7 November: 55 days to 1 January, 54 to 31 Dec
    text = run(capsys, "alerts", "--as-of", asked.isoformat(), "--lang", lang)[1]
    head = text.splitlines()[1]
    said = {
        "zh": ("截至2021年1月1日", "天数算至该日", "数据截至2020年12月31日"),
        "en": ("As of 1 January 2021", "counted to that day", "data up to 31 December 2020"),
    }[lang]
    assert all(part in head for part in said), head
    assert ("已逾期55天" if lang == "zh" else "55 days overdue") in text


def test_a_day_before_the_records_is_refused(settings_path, capsys):
    status, out, err = run(capsys, "alerts", "--as-of", "2018-12-31")
    assert status == 1 and out == ""
    assert err.strip() == "日期2018-12-31早于数据中最早的季度（2019年第1季度），那时的情况无从得知。"
    assert run(capsys, "alerts", "--as-of", "2019-01-01")[0] == 0


@pytest.mark.parametrize("day", ["9999-12-31", "3000-01-01", "1899-12-31", "0001-01-01"])
def test_a_day_outside_the_years_a_quarter_can_have_is_refused(settings_path, capsys, day):
    """9999-12-31 was taken: every issue "已逾期2914322天", and a brief for 9999's "latest complete year"."""
    status, out, err = run(capsys, "alerts", "--as-of", day)
    assert (status, out) == (1, "")
    assert err.strip() == f"日期{day}不在可用的年份范围内（1900年至2999年）。"
    status, out, err = run(capsys, "brief", "--as-of", day, "--lang", "en", "--format", "pdf")
    assert (status, out) == (1, "")
    assert err.strip() == f"The date {day} is outside the years that can be used (1900 to 2999)."
    status, _, err = run(capsys, "brief", "--from", "2020Q1", "--to", "2020Q4", "--as-of", day, "--format", "pdf")
    assert status == 1 and day in err


def test_a_broken_data_folder_is_reported_not_raised(settings_path, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(tmp_path / "empty"))
    (tmp_path / "empty").mkdir()
    status, _, err = run(capsys, "alerts")
    assert status == 1 and "units" in err and "Traceback" not in err


# ---------------------------------------------------------------- push, once per period


def _audit_pushes() -> list[dict]:
    return [entry for entry in audit.read_audit() if entry["details"].get("via") == "push"]


def test_push_reaches_both_robots_once_per_period(settings_path, capsys):
    with RobotReceiver() as receiver:
        write_settings(settings_path, robots(receiver))
        status, out, _ = run(capsys, "alerts", "--as-of", AS_OF, "--push")
        assert status == 0
        assert "已推送\twecom-group\talerts\t2020-11-08/all（第1次尝试）" in out
        (wecom,) = receiver.on("/cgi-bin/webhook/send")
        (ding,) = receiver.on("/robot/send")
        assert wecom.body["msgtype"] == "markdown" and set(wecom.body["markdown"]) == {"content"}
        content = wecom.body["markdown"]["content"]
        assert content.startswith("### 派驻监督预警摘要\n截至2020年11月8日（2020年第4季度）")
        assert "**省政府办公厅**\n- **逾期** WT2020-018" in content
        # the notification's title says the day: every day's read the same
        assert (
            ding.body["markdown"]["title"] == "派驻监督预警摘要（截至2020年11月8日）"
            and ding.body["markdown"]["text"] == content
        )
        assert {"timestamp", "sign", "access_token"} == set(ding.query)

        # the same period again: nothing is sent
        status, out, _ = run(capsys, "alerts", "--as-of", AS_OF, "--push")
        assert status == 0 and len(receiver.requests) == 2
        assert "已跳过\twecom-group\talerts\t2020-11-08/all" in out and "内容有变化" not in out
        # when it was sent, in Beijing time as the audit page says it (the log keeps UTC: 8 hours earlier)
        state = json.loads(configuration.load_settings(settings_path).state_file.read_text(encoding="utf-8"))
        (sent_at,) = [entry["sent_at"] for key, entry in state.items() if "wecom-group" in key]
        assert f"2020-11-08/all：{config.team_time_text(sent_at)}（北京时间）已推送过" in out, (state, out)
        # the data says something else now (a wider window): still not resent, but the message says so
        status, out, _ = run(capsys, "alerts", "--as-of", AS_OF, "--due-within", "90", "--push")
        assert len(receiver.requests) == 2 and "内容有变化" in out
        # --force sends again; another day is another period
        run(capsys, "alerts", "--as-of", AS_OF, "--push", "--force")
        assert len(receiver.requests) == 4
        run(capsys, "alerts", "--as-of", "2020-11-09", "--push")
        assert len(receiver.requests) == 6

    entries = _audit_pushes()
    assert [e["details"]["status"] for e in entries] == ["sending", "sent"] * 6
    first = entries[1]
    assert first["action"] == "push" and first["details"]["channel"] == "wecom-group"
    assert first["details"]["to"].endswith("/cgi-bin/webhook/send") and "WECOM-KEY" not in json.dumps(entries)
    assert first["details"]["filter"]["counts"]["overdue"] == 5
    state = json.loads((settings_path.parent / "push-state.json").read_text(encoding="utf-8"))
    assert len(state) == 4 and (settings_path.parent / "push-state.json").stat().st_mode & 0o077 == 0


def test_a_run_behind_a_stuck_one_gives_up_in_time_and_sends_nothing(settings_path, capsys, monkeypatch):
    """A second --push waited for the sending lock for ever behind a first run that hung (stopped, say)."""
    import fcntl
    import threading

    from oversight.push import sent_log

    monkeypatch.setattr(sent_log, "SENDING_SLACK_S", 0.5, raising=False)  # a minute in earnest
    with RobotReceiver() as receiver:
        write_settings(
            settings_path,
            robots(receiver).replace("backoff_seconds = 0", "backoff_seconds = 0\ntimeout_seconds = 0.25"),
        )
        lock = settings_path.parent / "push-state.json.sending.lock"
        lock.write_text('{"pid": 4242, "host": "h", "purpose": "push", "since": "2020-11-08T01:00:00+00:00"}')
        stuck = os.open(lock, os.O_RDWR)
        fcntl.flock(stuck, fcntl.LOCK_EX)  # the first run, hung while it held the lock
        result: list = []
        second = threading.Thread(target=lambda: result.append(run(capsys, "alerts", "--as-of", AS_OF, "--push")))
        try:
            second.start()
            second.join(timeout=30)  # it waits as long as a run with these settings can take (2 × 2 × 0.25 s) and a bit
            assert not second.is_alive(), "the second run is still waiting"
        finally:
            os.close(stuck)
            second.join()
        status, _, err = result[0]
        assert status == 4
        assert err.strip() == (
            "另一次推送（进程4242）开始于2020-11-08 09:00:00（北京时间），仍未结束，已等待2秒；本次未推送任何消息，"
            "请稍后再运行。"
        )
        assert receiver.requests == [] and _audit_pushes() == []
        # once the first run is gone, the next run sends, once (with the robots' usual timeout: a quarter of a second
        # was for the wait above, and under a busy machine's load the receiver's answer came later than that, exit 6)
        write_settings(settings_path, robots(receiver))
        assert run(capsys, "alerts", "--as-of", AS_OF, "--push")[0] == 0 and len(receiver.requests) == 2


def test_a_failed_channel_is_retried_alone_on_the_next_run(settings_path, capsys):
    with RobotReceiver(replies=[(500, {}), (500, {})]) as receiver:  # wecom's two attempts fail; dingtalk is fine
        write_settings(settings_path, robots(receiver))
        status, out, err = run(capsys, "alerts", "--as-of", AS_OF, "--push")
        assert status == 4
        webhook = receiver.url("/cgi-bin/webhook/send")
        assert f"推送失败\twecom-group\talerts\t2020-11-08/all：共尝试2次，最后一次：{webhook} 返回 HTTP 500" in err
        assert "已推送\tdingtalk-group" in out
        status, out, _ = run(capsys, "alerts", "--as-of", AS_OF, "--push")
        assert status == 0 and "已推送\twecom-group" in out and "已跳过\tdingtalk-group" in out
        assert [r.path for r in receiver.requests] == ["/cgi-bin/webhook/send"] * 2 + [
            "/robot/send",
            "/cgi-bin/webhook/send",
        ]
    failed = [e for e in _audit_pushes() if e["details"]["status"] == "failed"]
    assert (
        len(failed) == 1
        and failed[0]["details"]["attempts"] == 2
        and failed[0]["details"]["error"].endswith(" 返回 HTTP 500")
    )


def test_a_proxys_page_in_place_of_the_robots_reply_is_not_sent_and_exits_1(settings_path, capsys):
    """A 200 whose body is a web page (a proxy's sign-in page) was retried, and the run exited 4 for the timer to start
    it again; no attempt could reach the robot. Tried once, said undelivered, not recorded as sent, exit 1; the next
    run, the address put right, sends it."""
    from oversight.cli import schedule

    page = b"<html><title>Proxy sign-in</title></html>"
    with RobotReceiver(replies=[(200, page)]) as receiver:  # the WeCom address lands on the page; DingTalk takes it
        write_settings(settings_path, robots(receiver))
        status, _, err = run(capsys, "alerts", "--as-of", AS_OF, "--push")
        assert status == schedule.INPUT_PROBLEM and status not in schedule.RETRY_SAFE
        assert len(receiver.on("/cgi-bin/webhook/send")) == 1
        assert "的答复不是群机器人的应答（HTTP 200" in err and "消息未送达机器人" in err
        assert "这是设置文件的问题，重试无用" in err and "已推送" not in err
        assert run(capsys, "alerts", "--as-of", AS_OF, "--push")[0] == schedule.OK  # not recorded: sent now
        assert len(receiver.on("/cgi-bin/webhook/send")) == 2 and len(receiver.on("/robot/send")) == 1


def test_a_webhook_that_redirects_is_tried_once_and_exits_1_which_no_timer_restarts(settings_path, capsys):
    """A redirecting robot address was tried 3 times a run, and exit 4 had the systemd timer start the run again
    three times more: it never succeeds. It is the settings' fault: tried once, said so, exit 1 (the settings'
    status, which ``RestartForceExitStatus`` does not list); with a channel that failed for a while as well, 4."""
    from oversight.cli import schedule

    with RobotReceiver(replies=[(302, {})]) as receiver:  # the WeCom address redirects; DingTalk takes it
        write_settings(settings_path, robots(receiver))
        status, _, err = run(capsys, "alerts", "--as-of", AS_OF, "--push")
        assert status == schedule.INPUT_PROBLEM and status not in schedule.RETRY_SAFE
        assert len(receiver.on("/cgi-bin/webhook/send")) == 1
        webhook = receiver.url("/cgi-bin/webhook/send")
        assert err.strip() == (
            f"推送失败\twecom-group\talerts\t2020-11-08/all：{webhook} 返回了转向（HTTP 302），但未给出转向地址；"
            "未跟随，消息未送达：请核对 webhook 地址（从群机器人设置中重新复制）。这是设置文件的问题，重试无用，"
            "本次未再尝试，定时任务也不会自动重跑：改正设置后再运行。"
        )
        receiver.replies[:] = [(302, {})]
        status, _, err = run(capsys, "alerts", "--as-of", AS_OF, "--push", "--lang", "en")
        assert status == 1 and "That is a fault of the settings file, which retrying cannot mend" in err
        receiver.replies[:] = [(302, {}), (500, {}), (500, {})]  # and DingTalk fails twice: the timer's restart helps
        assert run(capsys, "alerts", "--as-of", AS_OF, "--push", "--force")[0] == schedule.PUSH_FAILED


def test_push_without_channels_says_so(settings_path, capsys):
    status, _, err = run(capsys, "alerts", "--push")
    assert status == 1 and "没有接收“alerts”的推送渠道" in err


def test_json_output_stays_parseable_when_pushing(settings_path, capsys):
    with RobotReceiver() as receiver:
        write_settings(settings_path, robots(receiver))
        status, out, err = run(capsys, "alerts", "--as-of", AS_OF, "--push", "--json")
    assert status == 0 and json.loads(out)["as_of"] == AS_OF and "已推送" in err


def test_a_push_that_went_is_the_same_record_on_stderr_under_json(settings_path, capsys):
    """--json puts the channels' lines on stderr, where every sentence is ended: 已推送<TAB>…（第1次尝试） gained a 。
    there that the same record on standard output has not."""
    with RobotReceiver() as receiver:
        write_settings(settings_path, robots(receiver))
        status, out, _ = run(capsys, "alerts", "--as-of", AS_OF, "--push")
        assert status == 0
        records = [line for line in out.splitlines() if "\t" in line]
        assert records == [
            "已推送\twecom-group\talerts\t2020-11-08/all（第1次尝试）",
            "已推送\tdingtalk-group\talerts\t2020-11-08/all（第1次尝试）",
        ]
        status, out, err = run(capsys, "alerts", "--as-of", AS_OF, "--push", "--json", "--force")
    assert status == 0 and json.loads(out)["as_of"] == AS_OF
    assert err.splitlines() == records


# ---------------------------------------------------------------- scope


@pytest.fixture
def unit_account():
    accounts.add_user("bangongting", "a long enough password", "unit", ["gov_office"])
    accounts.add_user("chief", "another long password", "leader")


def test_with_accounts_a_run_must_name_one(settings_path, unit_account, capsys):
    status, _, err = run(capsys, "alerts")
    assert status == 3 and "--as" in err
    status, _, err = run(capsys, "alerts", "--as", "nobody")
    assert status == 3 and "nobody" in err
    refused = [e for e in audit.read_audit() if e["action"] == "refused"]
    assert len(refused) == 2 and {e["details"]["command"] for e in refused} == {"alerts"}


def test_a_unit_account_pushes_only_its_units_alerts(settings_path, unit_account, capsys, frames):
    with RobotReceiver() as receiver:
        write_settings(settings_path, robots(receiver, 'account = "bangongting"'))
        status, out, _ = run(capsys, "alerts", "--as-of", AS_OF, "--push")
        assert status == 0
        content = receiver.on("/cgi-bin/webhook/send")[0].body["markdown"]["content"]
    others = [
        name for unit, name in zip(frames["units"]["unit_id"], frames["units"]["name_zh"]) if unit != "gov_office"
    ]
    assert "省政府办公厅" in content and not [name for name in others if name in content]
    assert "逾期未整改**2**项" in content
    # asking for another unit is refused, not widened, and audited as the pages audit it
    status, _, err = run(capsys, "alerts", "--as", "bangongting", "--unit", "research")
    assert status == 1 and "research" in err
    (refused,) = [e for e in audit.read_audit() if e["action"] == "refused"]
    assert refused["account"] == "bangongting" and refused["details"]["reason"] == "unit_out_of_scope"
    assert refused["details"]["units"] == ["research"] and refused["details"]["command"] == "alerts"
    sent = [e for e in _audit_pushes() if e["details"]["status"] == "sent"]
    assert {e["account"] for e in sent} == {"bangongting"} and sent[0]["details"]["filter"]["units"] == ["gov_office"]


def test_a_push_as_an_account_records_the_os_user_beside_it(settings_path, unit_account, capsys):
    """rev-d #5: --as chief needs no password: every line said chief did it, not who ran the command."""
    with RobotReceiver() as receiver:
        write_settings(settings_path, robots(receiver))
        assert run(capsys, "alerts", "--as", "chief", "--as-of", AS_OF, "--push")[0] == 0
    entries = _audit_pushes()
    assert len(entries) == 4
    assert {(e["account"], e["details"]["os_user"]) for e in entries} == {("chief", getpass.getuser())}


def test_as_another_account_than_the_settings_name_is_refused(settings_path, unit_account, capsys):
    """--as chief over settings for 省政府办公厅's group chat sent that chat all nine units' overdue issues."""
    with RobotReceiver() as receiver:
        write_settings(settings_path, robots(receiver, 'account = "bangongting"'))
        status, _, err = run(capsys, "alerts", "--as", "chief", "--as-of", AS_OF, "--push")
        assert status == 3 and "bangongting" in err and "--as chief" in err
        assert receiver.on("/cgi-bin/webhook/send") == []
        (refused,) = [e for e in audit.read_audit() if e["action"] == "refused"]  # refused, and audited
        assert refused["account"] == "chief" and refused["details"]["reason"] == "run_as_differs"
        assert refused["details"]["username"] == "bangongting"  # the account the settings name
        # the account the settings name, given again, is fine (spelled in another case)
        assert run(capsys, "alerts", "--as", "BangongTing", "--as-of", AS_OF, "--push")[0] == 0


# ---------------------------------------------------------------- the settings file


def _documented_settings() -> str:
    text = (ROOT / "docs" / "ALERTS.md").read_text(encoding="utf-8")
    return text.split("```toml\n", 1)[1].split("```", 1)[0]


def test_the_documented_example_is_a_valid_settings_file(tmp_path):
    settings = configuration.load_settings(write_settings(tmp_path / "alerts.toml", _documented_settings()))
    assert settings.account == "chief" and settings.rules.due_within_days == 30
    assert [(c.name, c.kind, c.send) for c in settings.channels] == [
        ("办公室工作群", "wecom", ("alerts", "brief")),
        ("组领导钉钉群", "dingtalk", ("alerts",)),
        ("简报邮件", "email", ("brief",)),
    ]
    email = settings.channels[2]
    assert (email.host, email.port, email.security, email.to) == (
        "smtp.example.gov.cn",
        465,
        "ssl",
        ("zuzhang@example.gov.cn", "bangongshi@example.gov.cn"),
    )
    assert settings.state_file == tmp_path / "push-state.json"
    assert "REPLACE" not in repr(settings)  # secrets stay out of reprs (and so out of tracebacks and logs)


def test_an_absent_settings_file_means_every_rule_and_no_channel(tmp_path):
    settings = configuration.load_settings(tmp_path / "none.toml")
    assert settings.rules.enabled() == ("overdue", "due_soon", "no_consultation", "meetings_rising")
    assert settings.channels == () and settings.account is None


@pytest.mark.parametrize(
    "text, setting",
    [
        ('[[channels]]\nkind = "wecom"\n', "channels[1].url"),
        ('[[channels]]\nkind = "sms"\nurl = "https://x"\n', "channels[1].kind"),
        ('[[channels]]\nkind = "email"\nhost = "h"\nsender = "a@b.c"\nto = []\n', "channels[1].to"),
        ('[[channels]]\nkind = "wecom"\nurl = "ftp://x/y"\n', "channels[1].url"),
        # a line break in the address went into the request and its error printed the key
        ('[[channels]]\nkind = "wecom"\nurl = "http://127.0.0.1:9/ok?key=K\\r\\nX-Injected: 1"\n', "channels[1].url"),
        # a state file that cannot be written was found only after the message had gone, so it went again next time
        ('[push]\nstate_file = "/proc/nope/state.json"\n', "push.state_file"),
        ('[push]\nstate_file = "/tmp"\n', "push.state_file"),
        ("[push]\nattempts = 50\n", "push.attempts"),
        ('[rules.overdue]\nenabled = "yes"\n', "rules.overdue.enabled"),
        ("[rules.sometimes]\n", "rules.sometimes"),
        ('lang = "fr"\n', "lang"),
        ('acount = "chief"\n', "acount"),
        ("this is not toml", "-"),
    ],
)
def test_a_bad_setting_is_named(tmp_path, text, setting):
    with pytest.raises(configuration.SettingsError) as raised:
        configuration.load_settings(write_settings(tmp_path / "alerts.toml", text))
    assert raised.value.setting == setting
    assert str(tmp_path / "alerts.toml") in raised.value.render("zh") and "有误" in raised.value.render("zh")


def test_the_settings_file_may_not_live_in_the_repository(monkeypatch):
    monkeypatch.setenv("OVERSIGHT_ALERTS_FILE", str(ROOT / "alerts.toml"))
    with pytest.raises(configuration.SettingsError) as raised:
        configuration.settings_file()
    assert "代码仓库" in raised.value.render("zh")


def test_git_ignores_the_settings_and_state_files():
    result = subprocess.run(
        ["git", "check-ignore", "alerts.toml", "push-state.json"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.stdout.split() == ["alerts.toml", "push-state.json"]


def test_a_settings_file_others_can_read_draws_a_warning(settings_path, capsys):
    with RobotReceiver() as receiver:
        write_settings(settings_path, robots(receiver)).chmod(0o644)
        status, _, err = run(capsys, "alerts", "--as-of", AS_OF, "--push")
    assert status == 0 and f"chmod 600 {settings_path}" in err


def test_the_command_runs_as_a_fresh_process(settings_path, tmp_path):
    """Headless, as a timer runs it: a new interpreter, no Streamlit, exit status and output."""
    env = {**os.environ, "OVERSIGHT_ALERTS_FILE": str(settings_path)}
    result = subprocess.run(
        [sys.executable, "-m", "oversight", "alerts", "--as-of", AS_OF, "--lang", "en"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Supervision alerts\nAs of 8 November 2020 (2020 Q4)\n")
    assert "streamlit" not in result.stderr.lower()


def test_a_damaged_cache_is_read_again_without_a_word_in_english(settings_path, tmp_path):
    """The cache of a folder damaged on disk is read again from the spreadsheets: the digest is the same, and the
    clerk's terminal gets no English log line about it (with OVERSIGHT_DEBUG it does: the warning is there)."""
    folder = tmp_path / "data"
    shutil.copytree(ROOT / "data", folder, ignore=shutil.ignore_patterns(".cache"))
    env = {**os.environ, "OVERSIGHT_ALERTS_FILE": str(settings_path), "OVERSIGHT_DATA_DIR": str(folder)}
    env.pop("OVERSIGHT_DEBUG", None)

    def alerts(**extra: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "oversight", "alerts", "--as-of", AS_OF]
        return subprocess.run(command, cwd=ROOT, env={**env, **extra}, capture_output=True, text=True, timeout=120)

    first = alerts()
    cached = sorted((folder / ".cache").glob("*.parquet"))
    assert first.returncode == 0 and first.stderr == "" and len(cached) == 6
    for path in cached:
        path.write_bytes(b"PAR1 not a table any more")
    again = alerts()
    assert (again.returncode, again.stdout, again.stderr) == (0, first.stdout, "")
    for path in sorted((folder / ".cache").glob("*.parquet")):
        path.write_bytes(b"PAR1 not a table any more")
    debugged = alerts(OVERSIGHT_DEBUG="1")
    assert debugged.stdout == first.stdout and "WARNING oversight.ingest.table_cache" in debugged.stderr


def test_a_settings_file_named_on_the_command_line_may_not_live_in_the_repository(settings_path, capsys):
    status, out, err = run(capsys, "alerts", "--settings", str(ROOT / "docs" / "alerts.toml"))
    assert status == 1 and out == "" and "代码仓库" in err and "--settings" in err


def test_push_without_channels_fails_before_printing_the_digest(settings_path, capsys):
    status, out, err = run(capsys, "alerts", "--as-of", AS_OF, "--push")
    assert status == 1 and out == "" and "没有接收“alerts”的推送渠道" in err


def test_two_runs_started_together_send_once(settings_path, capsys, monkeypatch):
    import threading
    import time

    from oversight.push import delivery

    slow = delivery.deliver

    def deliver_slowly(*args, **kwargs):
        time.sleep(0.3)  # both runs have looked up what was sent before either has recorded anything
        return slow(*args, **kwargs)

    monkeypatch.setattr(delivery, "deliver", deliver_slowly)
    with RobotReceiver() as receiver:
        write_settings(settings_path, robots(receiver))
        statuses = []
        runs = [
            threading.Thread(target=lambda: statuses.append(main(["alerts", "--as-of", AS_OF, "--push"])))
            for _ in range(2)
        ]
        for thread in runs:
            thread.start()
        for thread in runs:
            thread.join(60)
        assert statuses == [0, 0]
        assert sorted(r.path for r in receiver.requests) == ["/cgi-bin/webhook/send", "/robot/send"]
    capsys.readouterr()


def test_a_recipient_the_mail_server_refuses_is_named_and_the_others_are_not_mailed_twice(settings_path, capsys):
    # the server took the digest for one address and refused the other: smtplib raises nothing for that, and the
    # run said "已推送" with exit 0, the refused leader never told
    with SmtpReceiver(refuse=("gone@example.gov.cn",)) as smtp:
        write_settings(
            settings_path,
            f"""[push]
attempts = 3
backoff_seconds = 0

[[channels]]
name = "leaders-mail"
kind = "email"
host = "127.0.0.1"
port = {smtp.port}
security = "none"
sender = "oversight@example.gov.cn"
to = ["zuzhang@example.gov.cn", "gone@example.gov.cn"]
""",
        )
        status, out, err = run(capsys, "alerts", "--as-of", AS_OF, "--push")
        assert status == 4 and "已推送" not in out
        said = f"smtp 127.0.0.1:{smtp.port}：邮件服务器拒收部分收件人：gone@example.gov.cn（550 5.1.1 <gone@example.gov.cn>: user unknown）"
        assert f"部分送达\tleaders-mail\talerts\t2020-11-08/all（第1次尝试）：{said}；其余收件人已收到，不再重发" in err
        # taken once for the address that has it: not tried again in this run, nor by the next
        assert run(capsys, "alerts", "--as-of", AS_OF, "--push")[0] == 0
        assert [recipients for _, recipients, _ in smtp.messages] == [["zuzhang@example.gov.cn"]]
        status, _, err = run(capsys, "alerts", "--as-of", AS_OF, "--push", "--lang", "en")
        assert (
            status == 4
            and (
                f"PARTLY SENT\tleaders-mail\talerts\t2020-11-08/all (attempt 1): smtp 127.0.0.1:{smtp.port}: the mail "
                "server refused some of the recipients: gone@example.gov.cn (550 5.1.1 <gone@example.gov.cn>: user unknown);"
            )
            in err
        )
    outcome = [e["details"] for e in _audit_pushes() if e["details"]["status"] != "sending"]
    assert outcome[0]["status"] == "partly" and outcome[0]["attempts"] == 1 and outcome[0]["error"] == said


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_not_consulted_names_the_data_date_where_the_records_stop_before_the_digests_day(
    settings_path, tmp_path, monkeypatch, capsys, lang
):
    """Ledgers to 14 August, a digest on 20 September: "2020年第3季度未开展定期会商" said a consultation since 14 August
    had not been held, when it had only not been imported. The unit is still listed (the rule counts the quarter to
    the data date, as 会议增多 does), and its line names the day, as 会议增多's does."""
    folder = tmp_path / "data"
    oracle.cut_copy(store.SAMPLE_DATA_DIR, folder, date(2020, 8, 14))
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(folder))
    ledgers = oracle.read_ledgers(folder)
    consultations = ledgers.activities[ledgers.activities["kind"] == "consultation"]
    in_quarter = consultations[consultations["date"] >= date(2020, 7, 1)]
    expected = sorted(set(ledgers.units["unit_id"]) - set(in_quarter["unit"]))
    last = consultations[consultations["unit"] == "offices_admin"]["date"].max()
    assert "offices_admin" in expected and last == date(2020, 3, 26)
    data = json.loads(run(capsys, "alerts", "--as-of", "2020-09-20", "--json")[1])
    found = sorted(i["unit_id"] for u in data["units"] for i in u["alerts"] if i["rule"] == "no_consultation")
    assert found == expected
    text = run(capsys, "alerts", "--as-of", "2020-09-20", "--unit", "offices_admin", "--lang", lang)[1]
    assert {
        "zh": "  - 未会商：2020年第3季度（截至8月14日）未开展定期会商（上次会商2020年3月26日）\n",
        "en": "  - Not consulted: no regular consultation in 2020 Q3 (to 14 August; last one 26 March 2020)\n",
    }[lang] in text
    # on the data date itself the line names that day all the same: the quarter is not over
    text = run(capsys, "alerts", "--as-of", "2020-08-14", "--unit", "offices_admin", "--lang", lang)[1]
    assert {
        "zh": "  - 未会商：2020年第3季度（截至8月14日）未开展定期会商（上次会商2020年3月26日）\n",
        "en": "  - Not consulted: no regular consultation in 2020 Q3 (to 14 August; last one 26 March 2020)\n",
    }[lang] in text


def test_a_digest_of_some_units_names_them_above_its_counts(settings_path, unit_account, capsys):
    """A digest pushed for two units read "逾期未整改2项 · 本季度未会商2家" with nothing saying whose: aloud, the
    team's. It names them as a brief of some units does (监督范围：…), and a unit account's digest its own."""
    ledgers = oracle.read_ledgers(store.SAMPLE_DATA_DIR)
    names = ledgers.units.set_index("unit_id")["name_zh"]
    day = date(2020, 11, 8)
    issues = ledgers.issues[ledgers.issues["unit"].isin(["gov_office", "data_admin"])]
    open_then = issues[(issues["status"] != "rectified") | (issues["rectified"] > day)]
    overdue = int((open_then["due"] < day).sum())
    assert overdue == 2
    with RobotReceiver() as receiver:
        write_settings(settings_path, robots(receiver))
        status, out, _ = run(
            capsys,
            "alerts",
            "--as",
            "chief",
            "--as-of",
            AS_OF,
            "--unit",
            "gov_office",
            "--unit",
            "data_admin",
            "--push",
        )
        assert status == 0
        content = receiver.on("/cgi-bin/webhook/send")[0].body["markdown"]["content"]
    scope = f"监督范围：{names['gov_office']}、{names['data_admin']}"
    assert out.splitlines()[2:4] == [
        scope,
        f"逾期未整改{overdue}项 · 30天内到期1项 · 2020年第4季度（截至11月8日）未会商2家 · 无会议同比增多的单位",
    ]
    assert content.splitlines()[1:3] == ["截至2020年11月8日（2020年第4季度）", scope]
    text = run(capsys, "alerts", "--as", "chief", "--as-of", AS_OF, "--unit", "data_admin", "--lang", "en")[1]
    assert text.splitlines()[2] == "Scope: Big Data Admin."
    # a unit account's digest is of its units, named; the whole team's names none
    assert run(capsys, "alerts", "--as", "bangongting", "--as-of", AS_OF)[1].splitlines()[2] == "监督范围：省政府办公厅"
    assert not any(
        line.startswith("监督范围") for line in run(capsys, "alerts", "--as", "chief", "--as-of", AS_OF)[1].splitlines()
    )


def test_an_email_taken_whole_and_unanswered_is_said_may_have_been_delivered_with_its_own_exit_status(
    settings_path, capsys
):
    """The mail server was given the whole digest and its answer timed out: the run said 推送失败 and exited 4, as
    for a server out of reach, and each retry mailed another copy. Now: one copy, "may have been delivered" in zh and
    en, audited so, and exit 6 — distinct from 4, which a timer may start again (docs/ALERTS.md): starting this run
    again would mail it again. The robot channel beside it went out, once."""
    from tests.receivers import ScriptedSmtp

    with RobotReceiver() as receiver, ScriptedSmtp("silence") as smtp:
        mail = f"""
[[channels]]
name = "leaders-mail"
kind = "email"
host = "127.0.0.1"
port = {smtp.port}
security = "none"
sender = "oversight@example.gov.cn"
to = ["zuzhang@example.gov.cn"]
"""
        write_settings(
            settings_path,
            robots(receiver).replace("backoff_seconds = 0", "backoff_seconds = 0\ntimeout_seconds = 1") + mail,
        )
        status, out, err = run(capsys, "alerts", "--as-of", AS_OF, "--push")
        assert status == 6 and len(smtp.messages) == 1 and len(receiver.requests) == 2
        where = f"smtp 127.0.0.1:{smtp.port}"
        assert (
            f"可能已送达\tleaders-mail\talerts\t2020-11-08/all（第1次尝试）：{where}：邮件已完整发给邮件服务器，1秒内未收到"
            "答复；为免收件人收到两份未再发送。未记为已推送，再次运行会再发一次：请先在群里或收件箱中查看"
        ) in err
        assert "已推送\twecom-group" in out and "推送失败" not in err
        outcome = [e["details"]["status"] for e in _audit_pushes() if e["details"]["channel"] == "leaders-mail"]
        assert outcome == ["sending", "unconfirmed"]
        status, out, err = run(capsys, "alerts", "--as-of", AS_OF, "--push", "--lang", "en")
        assert status == 6
        assert (
            f"MAY HAVE BEEN SENT\tleaders-mail\talerts\t2020-11-08/all (attempt 1): {where}: the mail server was given "
            "the whole message and did not answer within 1 s, so it was not sent again"
        ) in err
        assert "It is not recorded as sent, so running the command again sends it again" in err


def test_a_push_that_failed_before_anything_went_out_exits_4_and_a_run_started_again_sends_it_once(
    settings_path, capsys
):
    """Exit 4 is what a timer may start again (Restart=on-failure, RestartPreventExitStatus for the others): nothing of
    what failed went out, and what went out is recorded, so the run started again sends only what failed."""
    from tests.receivers import free_port

    with RobotReceiver() as receiver:
        dead = f"http://127.0.0.1:{free_port()}/cgi-bin/webhook/send?key=K"
        text = robots(receiver).replace(receiver.url("/cgi-bin/webhook/send?key=WECOM-KEY"), dead)
        write_settings(settings_path, text)
        status, _, err = run(capsys, "alerts", "--as-of", AS_OF, "--push")
        assert status == 4 and "连接被拒绝" in err
        assert len(receiver.requests) == 1  # the dingtalk group has it
        write_settings(settings_path, robots(receiver))  # the network is back: the address answers
        assert run(capsys, "alerts", "--as-of", AS_OF, "--push")[0] == 0
        assert sorted(r.path for r in receiver.requests) == ["/cgi-bin/webhook/send", "/robot/send"]


def test_an_audit_log_that_fills_once_a_push_went_out_says_what_went_out_and_the_next_run_does_not_resend_it(
    settings_path, capsys, monkeypatch
):
    """The disk filled between a push's "sending" line and its outcome's: the run said only "the audit log cannot be
    written; … this one was not carried out" of a digest the group already had, recorded nothing as sent, and the
    next run posted it to the group again."""
    import errno

    real = audit._append_whole
    written: list[bytes] = []

    def full_after_the_first_line(descriptor, line, path, readable):
        if written:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        written.append(line)
        return real(descriptor, line, path, readable)

    with RobotReceiver() as receiver:
        write_settings(settings_path, robots(receiver))
        monkeypatch.setattr(audit, "_append_whole", full_after_the_first_line)
        status, out, err = run(capsys, "alerts", "--as-of", AS_OF, "--push", "--lang", "en")
        assert status == 1
        assert len(receiver.on("/cgi-bin/webhook/send")) == 1 and receiver.on("/robot/send") == []
        assert "Pushed\twecom-group\talerts\t2020-11-08/all (attempt 1)" in out
        assert err.strip() == (
            "The audit log cannot be written: the pushes listed above went out, and no further channel was tried, "
            "so that every push is recorded; once the log can be written, run the command again."
        )
        assert [(e["details"]["channel"], e["details"]["status"]) for e in _audit_pushes()] == [
            ("wecom-group", "sending")
        ]
        # the log writable again: the robot that had it is skipped, the other one gets it, once each
        monkeypatch.setattr(audit, "_append_whole", real)
        status, out, _ = run(capsys, "alerts", "--as-of", AS_OF, "--push", "--lang", "en")
        assert status == 0
        assert len(receiver.on("/cgi-bin/webhook/send")) == 1 and len(receiver.on("/robot/send")) == 1
        assert "Skipped\twecom-group\talerts\t2020-11-08/all" in out


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("zh", "推送记录 {path} 无法写入（没有写入权限）：为免重复发送，本次没有推送任何内容；"),
        ("en", "The push record {path} cannot be written (no permission to write there): so that nothing is sent "),
    ],
)
def test_a_push_record_whose_folder_cannot_be_written_is_named_and_nothing_is_pushed(
    settings_path, capsys, monkeypatch, lang, said
):
    """It said 数据文件夹不可写入… (the data folder was writable) and named no file: the state file's folder, read-only
    to the clerk's account, is what refused."""
    from oversight.core import locking

    real_open = os.open

    def refused_beside_the_record(path, flags, *args):
        if str(path).endswith(".sending.lock"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args)

    with RobotReceiver() as receiver:
        write_settings(settings_path, robots(receiver))
        state = configuration.load_settings(settings_path).state_file
        monkeypatch.setattr(locking.os, "open", refused_beside_the_record)
        status, _, err = run(capsys, "alerts", "--as-of", AS_OF, "--push", "--lang", lang)
        assert receiver.requests == []
    assert status == 1
    assert err.strip().startswith(said.format(path=state)), err
    assert "数据文件夹" not in err and "data folder" not in err
    assert _audit_pushes() == []


def test_a_push_whose_first_audit_line_cannot_be_written_is_not_sent_and_the_log_is_named(
    settings_path, capsys, monkeypatch
):
    monkeypatch.setenv("OVERSIGHT_AUDIT_LOG", "/dev/full")  # every write: ENOSPC, as on a full disk
    with RobotReceiver() as receiver:
        write_settings(settings_path, robots(receiver))
        status, _, err = run(capsys, "alerts", "--as-of", AS_OF, "--push", "--lang", "en")
        assert receiver.requests == []
    assert status == 1
    assert err.strip() == (
        "The audit log cannot be written; so that every action is recorded, this one was not carried out.\n"
        "The audit log: /dev/full (the disk is full); an administrator should make it writable or free its disk, "
        "then run the command again."
    )


def test_the_same_digest_asked_for_with_the_units_in_another_order_is_sent_once(settings_path, capsys):
    """A timer's job edited to name its units in another order (--unit b --unit a) recorded another period, so the
    group got the same digest a second time."""
    with RobotReceiver() as receiver:
        write_settings(settings_path, robots(receiver))
        first = ["--unit", "research", "--unit", "petitions"]
        assert run(capsys, "alerts", "--as-of", AS_OF, *first, "--push", "--lang", "en")[0] == 0
        assert len(receiver.requests) == 2
        status, out, _ = run(capsys, "alerts", "--as-of", AS_OF, *first[2:], *first[:2], "--push", "--lang", "en")
        assert status == 0 and len(receiver.requests) == 2
        assert "Skipped\twecom-group\talerts\t2020-11-08/petitions+research" in out


def test_a_run_killed_while_its_message_was_on_the_wire_is_not_sent_again_unasked(settings_path, capsys):
    """A run stopped (systemd's stop, a reboot, kill) after the robot had the whole message and before it answered
    left no trace but the audit's ``sending``: nothing said, exit 143, and the next run — the timer's, or the
    operator's — posted the digest to the group a second time, exit 0. The push is marked in its record before each
    try: the next run says 可能已送达 with the time the interrupted one began, sends nothing, exits 6 (never started
    again by a timer), and ``--force`` sends it once more; a channel tried to its end leaves no mark."""
    import signal
    import threading
    import time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    arrived, release = threading.Event(), threading.Event()

    class Hanging(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (the http.server API)
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            arrived.set()
            release.wait(30)  # the robot has it and does not answer before the run is killed

        def log_message(self, *args):
            return None

    hanging = ThreadingHTTPServer(("127.0.0.1", 0), Hanging)
    threading.Thread(target=hanging.serve_forever, daemon=True).start()
    try:
        with RobotReceiver() as receiver:
            text = robots(receiver).replace(
                receiver.url("/cgi-bin/webhook/send?key=WECOM-KEY"),
                f"http://127.0.0.1:{hanging.server_address[1]}/cgi-bin/webhook/send?key=WECOM-KEY",
            )
            write_settings(
                settings_path, text.replace("backoff_seconds = 0", "backoff_seconds = 0\ntimeout_seconds = 30")
            )
            command = [sys.executable, "-m", "oversight", "alerts", "--as-of", AS_OF, "--push"]
            killed = subprocess.Popen(
                command, cwd=ROOT, env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
            assert arrived.wait(60), killed.communicate(timeout=5)
            time.sleep(0.2)
            killed.send_signal(signal.SIGTERM)
            assert killed.wait(10) == -signal.SIGTERM
            release.set()
            assert receiver.requests == []  # the dingtalk group's turn never came: nothing lost, it is sent below

            write_settings(settings_path, robots(receiver))  # the wecom robot answers again
            status, out, err = run(capsys, "alerts", "--as-of", AS_OF, "--push")
            assert status == 6
            assert [r.path for r in receiver.requests] == ["/robot/send"]  # not the wecom group a second time
            (line,) = [line for line in err.splitlines() if "wecom-group" in line]
            assert line.startswith("可能已送达\twecom-group\talerts\t2020-11-08/all：") and "（北京时间）" in line
            assert "--force" in line
            assert "已推送\tdingtalk-group" in out

            status, _, err = run(capsys, "alerts", "--as-of", AS_OF, "--push", "--lang", "en")
            assert status == 0  # --lang en is another entry: a digest in English, sent to both

            assert run(capsys, "alerts", "--as-of", AS_OF, "--push")[0] == 6  # still said, still not sent
            status, out, _ = run(capsys, "alerts", "--as-of", AS_OF, "--push", "--force")
            assert status == 0 and "已推送\twecom-group" in out
            assert run(capsys, "alerts", "--as-of", AS_OF, "--push")[0] == 0  # recorded: skipped, no mark left
            wecom = [r for r in receiver.requests if r.path == "/cgi-bin/webhook/send"]
            assert len(wecom) == 2  # the English digest, and the forced resend
    finally:
        release.set()
        hanging.shutdown()
        hanging.server_close()


def test_the_mailed_digest_carries_the_link_the_robots_messages_do(settings_path, capsys):
    """The robots' messages linked to the dashboard (在看板中查看) and the e-mail, read on the same phone, did not: its
    reader had to find the dashboard and set the filter by hand. The e-mail now says the same link after its counts,
    a live address (the rest of the body stays unlinked: a ledger's words are no address)."""
    with RobotReceiver() as receiver, SmtpReceiver() as smtp:
        write_settings(
            settings_path,
            robots(receiver).replace("[push]\n", '[push]\ndashboard_url = "https://db.example.gov.cn/oversight/"\n')
            + f"""
[[channels]]
name = "leaders-mail"
kind = "email"
host = "127.0.0.1"
port = {smtp.port}
security = "none"
sender = "oversight@example.gov.cn"
to = ["zuzhang@example.gov.cn"]
""",
        )
        assert run(capsys, "alerts", "--as-of", AS_OF, "--push", "--unit", "research")[0] == 0
        wecom = receiver.requests[0].body["markdown"]["content"]
    ((_sender, _to, mail),) = smtp.messages
    body = mail.get_body().get_content()
    url = "https://db.example.gov.cn/oversight/?unit=research&from=2020Q4&to=2020Q4&day=2020-11-08"
    assert f"[在看板中查看]({url})" in wecom
    lines = body.splitlines()
    assert lines[:5] == [
        "派驻监督预警摘要",
        "截至2020年11月8日（2020年第4季度）",
        "监督范围：省政府研究室",
        lines[3],  # the counts
        f"在看板中查看：{url}",
    ]
    assert lines[5] == "" and "\u2060" not in lines[4]


def test_a_pushed_digest_links_to_the_dashboard_with_its_units_quarter_and_language(settings_path, capsys):
    """The robots' message said "请在看板中查看" and gave no way there: on a phone the leader had to find the dashboard
    and set its filter by hand. With ``dashboard_url`` under ``[push]`` each robot's message links to the Overview
    (its 预警 strip has the same rules) filtered as the digest is: its units, the quarter of its day (the data date's
    where the records stop before it) and its language; without the setting there is no link."""
    from urllib.parse import parse_qs, urlsplit

    with RobotReceiver() as receiver:
        write_settings(
            settings_path,
            robots(receiver).replace("[push]\n", '[push]\ndashboard_url = "https://db.example.gov.cn/oversight/"\n'),
        )
        assert run(capsys, "alerts", "--as-of", AS_OF, "--push", "--unit", "research", "--unit", "gov_office")[0] == 0
        assert run(capsys, "alerts", "--as-of", "2021-02-01", "--push", "--lang", "en")[0] == 0
        texts = [r.body["markdown"].get("content") or r.body["markdown"]["text"] for r in receiver.requests]
        assert len(texts) == 4
        links = []
        for text in texts:
            (line,) = [line for line in text.splitlines() if "](https://db.example.gov.cn/" in line]
            label, _, url = line.partition("](")
            links.append((label, url.removesuffix(")")))
        for label, url in links[:2]:
            assert label == "[在看板中查看"
            parts = urlsplit(url)
            assert (parts.netloc, parts.path) == ("db.example.gov.cn", "/oversight/")
            # the digest's day, 8 November: the page's figures are the digest's, not those of the quarter's end
            assert parse_qs(parts.query) == {
                "unit": ["gov_office", "research"],
                "from": ["2020Q4"],
                "to": ["2020Q4"],
                "day": ["2020-11-08"],
            }
        for label, url in links[2:]:
            assert label == "[Open the dashboard"
            # the ledgers stop on 31 December 2020: the page shows their last quarter, not an empty 2021 Q1
            assert parse_qs(urlsplit(url).query) == {"from": ["2020Q4"], "to": ["2020Q4"], "lang": ["en"]}
        write_settings(settings_path, robots(receiver))
        assert run(capsys, "alerts", "--as-of", "2020-11-09", "--push")[0] == 0
        assert all(
            "](http" not in r.body["markdown"].get("content", r.body["markdown"].get("text", ""))
            for r in receiver.requests[4:]
        )
    for bad in (
        "db.example.gov.cn",
        "https://db.example.gov.cn/?unit=x",
        "https://user:pw@db.example.gov.cn/",
        "https://看板.cn/",
    ):
        write_settings(settings_path, f"[push]\ndashboard_url = {json.dumps(bad)}\n")
        status, _, err = run(capsys, "alerts", "--as-of", AS_OF, "--push")
        assert status == 1 and "push.dashboard_url" in err, err
