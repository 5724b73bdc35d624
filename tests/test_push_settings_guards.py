"""The push settings refuse what would destroy a file or stop a run midway: a state file that is the audit log, the
users file or any file not a push record; values that crashed a send (a line break in an address, Chinese in a
webhook address); typos in nested tables; control characters in a channel's name; a settings file that is a device
or far too large. And one send's unexpected exception is that channel's audited failure, not the end of the run."""

from __future__ import annotations

import json
import os
import time
import tomllib
from pathlib import Path

import pytest

from oversight.alerts import configuration
from oversight.alerts.configuration import Channel, PushOptions, Settings
from oversight.auth import accounts, audit, throttle
from oversight.auth.roles import Account
from oversight.cli.main import main
from oversight.push import Message
from oversight.push.delivery import push_message
from oversight.push.sent_log import SentLog, entry_key
from tests.receivers import RobotReceiver

AUDIT_LINE = '{"at": "2020-11-08T01:00:00+00:00", "action": "sign_in", "account": "chief", "details": {}}\n'
USERS = '[users.chief]\nrole = "admin"\npassword_hash = "scrypt$kept"\n'


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def settings_with_state(folder: Path, state: Path | str) -> Path:
    return write(folder / "alerts.toml", f"[push]\nstate_file = {json.dumps(str(state))}\n")


def refusal(path: Path) -> configuration.SettingsError:
    with pytest.raises(configuration.SettingsError) as raised:
        configuration.load_settings(path)
    return raised.value


# ---------------------------------------------------------------- the state file


def test_the_audit_log_as_state_file_is_refused_and_its_lines_are_kept(tmp_path):
    log = write(audit.audit_log_path(), AUDIT_LINE * 3)
    error = refusal(settings_with_state(tmp_path, log))
    assert error.setting == "push.state_file"
    assert error.render("zh").endswith(
        f"push.state_file：不能是审计日志（{log}）：推送记录会整个覆盖它，审计记录都会丢失"
    )
    assert f"cannot be the audit log ({log})" in error.render("en")
    hard_link = tmp_path / "push-state.json"
    os.link(log, hard_link)  # another name for the same file
    assert refusal(settings_with_state(tmp_path, hard_link)).key == "alerts.settings.detail.state_file_audit_log"
    assert log.read_text(encoding="utf-8") == AUDIT_LINE * 3


def test_the_users_file_and_the_throttle_file_as_state_file_are_refused(tmp_path):
    users = write(accounts.users_file(), USERS)
    assert refusal(settings_with_state(tmp_path, users)).detail("zh") == (
        f"不能是账号文件（{users}）：推送记录会整个覆盖它，所有账号都会丢失"
    )
    # the same file by another spelling (a "..", a symbolic link) is the same file
    link = tmp_path / "link.toml"
    link.symlink_to(users)
    assert refusal(settings_with_state(tmp_path, link)).key == "alerts.settings.detail.state_file_users"
    roundabout = users.parent / ".." / users.parent.name / users.name
    assert refusal(settings_with_state(tmp_path, roundabout)).key == "alerts.settings.detail.state_file_users"
    assert users.read_text(encoding="utf-8") == USERS
    limits = throttle.throttle_file(users)
    assert refusal(settings_with_state(tmp_path, limits)).detail("en") == (
        f"cannot be the sign-in throttle file ({limits}): the push record would replace it whole"
    )


def test_the_settings_file_itself_and_the_data_folder_are_refused(tmp_path, monkeypatch):
    path = tmp_path / "alerts.toml"
    assert refusal(settings_with_state(tmp_path, path)).detail("zh") == "不能是本设置文件：推送记录会整个覆盖它"
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(data))
    error = refusal(settings_with_state(tmp_path, data / "push-state.json"))
    assert error.detail("zh") == f"不能放在数据文件夹（{data}）内"
    # the default place, beside a settings file kept in the data folder, is refused as well
    error = refusal(write(data / "alerts.toml", 'lang = "zh"\n'))
    assert (error.setting, error.key) == ("push.state_file", "alerts.settings.detail.state_file_data_folder")


def test_an_existing_file_that_is_not_a_push_record_is_refused_and_kept(tmp_path):
    notes = write(tmp_path / "notes.json", '{"meeting": "周一"}\n')
    error = refusal(settings_with_state(tmp_path, notes))
    assert error.render("zh").endswith(
        f"push.state_file：{notes} 已存在，但不是推送记录文件；为免覆盖其内容，请另选文件名，或确认无用后移走该文件"
    )
    assert notes.read_text(encoding="utf-8") == '{"meeting": "周一"}\n'
    write(notes, "a plain text file\n")
    assert refusal(settings_with_state(tmp_path, notes)).key == "alerts.settings.detail.state_file_not_ours"


def test_a_push_record_an_empty_file_or_no_file_is_accepted(tmp_path):
    record = tmp_path / "state.json"
    SentLog(record).record(entry_key("群", "alerts", "2020-11-08/all", "chief", "zh"), "abc", 1)
    assert configuration.load_settings(settings_with_state(tmp_path, record)).state_file == record
    write(record, "")
    assert configuration.load_settings(settings_with_state(tmp_path, record)).state_file == record
    record.unlink()
    assert configuration.load_settings(settings_with_state(tmp_path, record)).state_file == record


def test_the_record_never_writes_over_a_file_that_is_not_one(tmp_path):
    log = write(tmp_path / "audit-copy.jsonl", AUDIT_LINE)
    with pytest.raises(configuration.SettingsError) as raised:
        SentLog(log).record(entry_key("a", "alerts", "p", "chief", "zh"), "f", 1)
    assert raised.value.key == "alerts.settings.detail.state_file_not_ours"
    assert log.read_text(encoding="utf-8") == AUDIT_LINE


def _message() -> Message:
    return Message("alerts", "标题", "正文", "正文")


def test_a_run_whose_state_file_is_not_a_record_sends_nothing(tmp_path):
    """A file put there after the settings were read: refused before the first send, and not written over."""
    notes = write(tmp_path / "notes.txt", "keep me\n")
    with RobotReceiver() as receiver:
        channel = Channel("群", "wecom", url=receiver.url("/send?key=K"))
        settings = Settings(tmp_path / "alerts.toml", push=PushOptions(state_file=notes), channels=(channel,))
        with pytest.raises(configuration.SettingsError):
            push_message(
                _message(),
                period="2020-11-08/all",
                fingerprint="f",
                settings=settings,
                account=Account("chief", "admin"),
                lang="zh",
                audit_details={},
            )
        assert receiver.requests == []
    assert notes.read_text(encoding="utf-8") == "keep me\n"
    assert list(audit.read_audit()) == []


def test_the_command_refuses_a_state_file_that_is_the_audit_log(tmp_path, monkeypatch, capsys):
    log = write(audit.audit_log_path(), AUDIT_LINE)
    monkeypatch.setenv("OVERSIGHT_ALERTS_FILE", str(tmp_path / "alerts.toml"))
    settings_with_state(tmp_path, log)
    status = main(["alerts", "--as-of", "2020-11-08", "--push"])
    err = capsys.readouterr().err
    assert status == 1 and f"不能是审计日志（{log}）" in err and "Traceback" not in err
    assert log.read_text(encoding="utf-8") == AUDIT_LINE


def _push_to(tmp_path, channels, attempts: int) -> list:
    """The digest of 8 Nov 2020 pushed in Chinese by chief to ``channels``, its state file in ``tmp_path``."""
    settings = Settings(
        tmp_path / "alerts.toml",
        push=PushOptions(attempts=attempts, backoff_seconds=0, state_file=tmp_path / "state.json"),
        channels=tuple(channels),
    )
    return push_message(
        _message(),
        period="2020-11-08/all",
        fingerprint="f",
        settings=settings,
        account=Account("chief", "admin"),
        lang="zh",
        audit_details={},
        sleep=lambda _: None,
    )


# ---------------------------------------------------------------- one send's exception is that channel's failure


def test_an_exception_in_one_send_is_that_channels_audited_failure_and_the_next_channel_is_tried(tmp_path):
    with RobotReceiver() as receiver:
        broken = [
            # values the settings now refuse, built directly: a send that raises something other than a PushError
            Channel("中文地址", "wecom", url=receiver.url("/send?key=群机器人")),
            Channel("换行地址", "email", host="127.0.0.1", port=9, security="none", sender="a@x.cn",
                    to=("a@x.cn\r\nBcc: spy@evil.cn",)),
        ]  # fmt: skip
        good = Channel("好群", "wecom", url=receiver.url("/send?key=K"))
        outcomes = _push_to(tmp_path, (*broken, good), attempts=2)
        assert [(o.channel, o.status, o.attempts) for o in outcomes] == [
            ("中文地址", "failed", 2),
            ("换行地址", "failed", 2),
            ("好群", "sent", 1),
        ]
        # lang="zh": the run's language, as the command's line and the audit say it
        assert outcomes[0].error == f"{receiver.url('/send')}：意外错误（UnicodeEncodeError）"
        assert outcomes[1].error == "smtp 127.0.0.1:9：意外错误（ValueError）"
        assert len(receiver.requests) == 1
    lines = [(entry["details"]["channel"], entry["details"]["status"]) for entry in audit.read_audit()]
    assert lines == [
        ("中文地址", "sending"),
        ("中文地址", "failed"),
        ("换行地址", "sending"),
        ("换行地址", "failed"),
        ("好群", "sending"),
        ("好群", "sent"),
    ]
    assert "群机器人" not in audit.audit_log_path().read_text(encoding="utf-8")  # the key stays out of the log


# ---------------------------------------------------------------- values and keys refused at load


EMAIL = '[[channels]]\nname = "邮件"\nkind = "email"\nhost = "smtp.x.cn"\n'


@pytest.mark.parametrize(
    ("text", "setting", "key"),
    [
        (EMAIL + 'sender = "a@x.cn"\nto = ["a@x.cn\\r\\nBcc: spy@evil.cn"]\n', "channels[1].to", "control_characters"),
        (EMAIL + 'sender = "a@x.cn\\r\\nBcc: spy@evil.cn"\nto = ["a@x.cn"]\n', "channels[1].sender", "control_characters"),
        (EMAIL + 'sender = "a@x.cn"\nto = ["a@x.cn"]\nusername = "u\\n"\npassword = "p"\n', "channels[1].username",
         "control_characters"),
        ('[[channels]]\nkind = "wecom"\nurl = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=群机器人"\n',
         "channels[1].url", "webhook_ascii"),
        ('[[channels]]\nname = "群\\u001b[2J"\nkind = "wecom"\nurl = "https://x/y"\n', "channels[1].name",
         "control_characters"),
        ('[[channels]]\nname = "群\\n伪造的一行"\nkind = "wecom"\nurl = "https://x/y"\n', "channels[1].name",
         "control_characters"),
        ('[[channels]]\nname = "群\\u202e"\nkind = "wecom"\nurl = "https://x/y"\n', "channels[1].name",
         "control_characters"),
        ('[[channels]]\nkind = "dingtalk"\nurl = "https://x/y"\nsecrett = "SEC1"\n', "channels[1].secrett",
         "unknown_setting"),
        ('[[channels]]\nkind = "wecom"\nurl = "https://x/y"\nsned = ["brief"]\n', "channels[1].sned", "unknown_setting"),
        ("[rules.due_soon]\ndayz = 7\n", "rules.due_soon.dayz", "unknown_setting"),
        ("[rules.overdue]\ndays = 7\n", "rules.overdue.days", "unknown_setting"),
        ("[push]\nbackof_seconds = 0\n", "push.backof_seconds", "unknown_setting"),
    ],
)  # fmt: skip
def test_a_value_that_would_break_a_send_or_a_misspelt_key_is_refused_at_load(tmp_path, text, setting, key):
    error = refusal(write(tmp_path / "alerts.toml", text))
    assert (error.setting, error.key) == (setting, f"alerts.settings.detail.{key}")


def test_a_channel_name_in_chinese_with_spaces_is_still_accepted(tmp_path):
    text = '[[channels]]\nname = "办公室　工作群2"\nkind = "wecom"\nurl = "https://x/y?key=%E7%BE%A4"\n'
    (channel,) = configuration.load_settings(write(tmp_path / "alerts.toml", text)).channels
    assert (channel.name, channel.url) == ("办公室　工作群2", "https://x/y?key=%E7%BE%A4")


@pytest.mark.parametrize("name", [" ", "", "\u3000", " \u00a0 "])
def test_a_blank_channel_name_is_refused_at_load_naming_the_file_and_the_entry(tmp_path, name):
    """A channel named " " was accepted: its lines read "pushed\t \talerts…", a name nobody can tell apart or find
    in the settings file. Refused, naming the file and the entry, in zh and en; a channel with no name at all is still
    called by its place (channels[2])."""
    text = '[[channels]]\nkind = "wecom"\nurl = "https://x/y"\n'
    text += f'[[channels]]\nname = {json.dumps(name)}\nkind = "wecom"\nurl = "https://x/z"\n'
    path = write(tmp_path / "alerts.toml", text)
    error = refusal(path)
    assert (error.setting, error.key) == ("channels[2].name", "alerts.settings.detail.blank_name")
    zh, en = error.render("zh"), error.render("en")
    assert str(path) in zh and "channels[2].name" in zh and "名称不能为空白" in zh
    assert str(path) in en and "channels[2].name" in en and "a channel's name may not be blank" in en
    (first,) = configuration.load_settings(write(tmp_path / "ok.toml", text.split("[[channels]]\nname")[0])).channels
    assert first.name == "channels[1]"


# ---------------------------------------------------------------- the file's size and kind


def test_a_device_or_a_pipe_is_refused_not_read(tmp_path, monkeypatch, capsys):
    error = refusal(Path("/dev/zero"))
    assert error.render("zh") == "预警设置文件 /dev/zero 有误：不是普通文件（设备、管道等不能用作设置文件）"
    pipe = tmp_path / "alerts.toml"
    os.mkfifo(pipe)  # no writer: opening it to read would wait for ever
    assert refusal(pipe).key == "alerts.settings.detail.not_regular"
    monkeypatch.setenv("OVERSIGHT_ALERTS_FILE", "/dev/zero")
    assert main(["alerts", "--as-of", "2020-11-08"]) == 1
    assert "不是普通文件" in capsys.readouterr().err
    monkeypatch.delenv("OVERSIGHT_ALERTS_FILE")
    assert main(["alerts", "--as-of", "2020-11-08", "--settings", "/dev/zero"]) == 1
    err = capsys.readouterr().err
    assert "不是普通文件" in err and "文件不存在" not in err


def test_a_settings_file_over_a_megabyte_is_refused(tmp_path):
    path = write(tmp_path / "alerts.toml", "#" * configuration.MAX_SETTINGS_BYTES + "\n")
    assert refusal(path).render("en") == (
        f"The alerts settings file {path} has a problem: too large ({configuration.MAX_SETTINGS_BYTES + 1} bytes; "
        f"at most {configuration.MAX_SETTINGS_BYTES}) to be an alerts settings file"
    )


def test_duplicate_channel_names_are_found_in_linear_time(tmp_path):
    """15,000 channels took 11 times as long to check as TOML took to parse them (names.count for each one): the
    check now costs about as much as the parse. CPU time, compared with the parse's, so a busy machine does not
    decide it."""
    count = 15_000
    text = "".join(f'[[channels]]\nname="c{i}"\nkind="wecom"\nurl="https://x/?k={i}"\n' for i in range(count))
    path = write(tmp_path / "alerts.toml", text)
    assert path.stat().st_size < configuration.MAX_SETTINGS_BYTES
    started = time.process_time()
    tomllib.loads(text)
    parse = time.process_time() - started
    started = time.process_time()
    assert len(configuration.load_settings(path).channels) == count
    assert time.process_time() - started < 5 * parse
    write(path, text + '[[channels]]\nname="c7"\nkind="wecom"\nurl="https://x/"\n')
    assert refusal(path).detail("zh") == '有两个通道都叫 "c7"'


def test_a_push_whose_record_cannot_be_written_is_said_sent_unrecorded_and_the_next_channel_is_tried(
    tmp_path, monkeypatch
):
    """A full disk while recording a sent push stopped the run: the channels after it were never tried, and the
    command said nothing of the one that went out."""
    import errno

    real_record = SentLog.record

    def disk_full_once(self, key, fingerprint, attempts, at=None):
        if "第一群" in key:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_record(self, key, fingerprint, attempts, at)

    monkeypatch.setattr(SentLog, "record", disk_full_once)
    with RobotReceiver() as receiver:
        channels = tuple(
            Channel(name, "wecom", url=receiver.url(f"/send?key={n}")) for n, name in enumerate(("第一群", "第二群"))
        )
        outcomes = _push_to(tmp_path, channels, attempts=1)
        assert len(receiver.requests) == 2  # both went out
    assert [(o.channel, o.status) for o in outcomes] == [("第一群", "unrecorded"), ("第二群", "sent")]
    line = outcomes[0].line("alerts", "2020-11-08/all", "zh")
    assert line.startswith("已推送\t第一群\talerts\t2020-11-08/all（第1次尝试），但未能记录：无法写入 ")
    # the reason in the reader's language: "（No space left on device）" in a Chinese line was the system's English
    assert line.endswith("（磁盘空间不足）；下次运行不会再发，会提示可能已送达")
    statuses = [
        (entry["details"]["channel"], entry["details"]["status"])
        for entry in map(json.loads, audit.audit_log_path().read_text(encoding="utf-8").splitlines())
        if entry["action"] == "push"
    ]
    assert statuses == [
        ("第一群", "sending"), ("第一群", "sent"), ("第一群", "unrecorded"), ("第二群", "sending"), ("第二群", "sent")
    ]  # fmt: skip
    state = json.loads((tmp_path / "state.json").read_text())
    assert set(state) == {entry_key(name, "alerts", "2020-11-08/all", "chief", "zh") for name in ("第一群", "第二群")}
    # the first group's is the mark put before its try, not a record of it sent: the next run says it may have gone
    assert list(state[entry_key("第一群", "alerts", "2020-11-08/all", "chief", "zh")]) == ["sending_since"]
    from oversight.cli import schedule

    # the timer's run is not clean, and may not be started again blindly: the first group would get it twice
    assert schedule._push_status(outcomes) == schedule.MAY_HAVE_SENT


@pytest.mark.parametrize(
    "entry, setting, secret",
    [
        # an SMTP password of digits written without quotes is a TOML number: its error printed it whole, on the
        # terminal and in the timer's log
        ('kind = "email"\nhost = "h"\nusername = "u"\npassword = 20240601\n', "password", "20240601"),
        ('kind = "dingtalk"\nurl = "https://x/robot/send?access_token=T"\nsecret = ["SECkey"]\n', "secret", "SECkey"),
        ('kind = "wecom"\nurl = ["https://x/webhook/send?key=KEY-1"]\n', "url", "KEY-1"),
    ],
)
def test_a_secret_of_the_wrong_kind_is_named_without_its_value(tmp_path, entry, setting, secret):
    path = tmp_path / "alerts.toml"
    path.write_text(f'[[channels]]\nname = "c"\n{entry}', encoding="utf-8")
    with pytest.raises(configuration.SettingsError) as raised:
        configuration.load_settings(path)
    assert raised.value.setting == f"channels[1].{setting}"
    said = {lang: raised.value.render(lang) for lang in ("zh", "en")}
    assert said["zh"].endswith(f"channels[1].{setting}：应为文本（所填的值不在此显示：它可能是密钥或密码）")
    assert said["en"].endswith(
        f"channels[1].{setting}: expected text (the value is not shown here: it may be a key or a password)"
    )
    assert all(secret not in text for text in [*said.values(), str(raised.value)])


@pytest.mark.parametrize(
    ("to", "named", "problem"),
    [
        # Outlook's separator: the digest went to the first address alone, and the run said 已推送
        ('"zuzhang@x.cn;bangongshi@x.cn"', "zuzhang@x.cn;bangongshi@x.cn", "address_invalid"),
        ('"zuzhang@x.cn, bangongshi@x.cn"', "zuzhang@x.cn, bangongshi@x.cn", "address_invalid"),
        ('"zuzhang@@x.cn"', "zuzhang@@x.cn", "address_invalid"),  # sent to "<>", said 已推送
        ('"zuzhang@x.cn>"', "zuzhang@x.cn>", "address_invalid"),
        ('"zuzhang@x..cn"', "zuzhang@x..cn", "address_invalid"),
        ('"@x.cn"', "@x.cn", "address_invalid"),
        ('"zuzhang@x.cn", "ZuZhang@x.cn"', "ZuZhang@x.cn", "address_repeated"),  # one leader, two copies
    ],
)
def test_a_recipient_that_is_not_one_address_is_refused_at_load(tmp_path, to, named, problem):
    error = refusal(write(tmp_path / "alerts.toml", EMAIL + f'sender = "a@x.cn"\nto = [{to}]\n'))
    assert (error.setting, error.key) == ("channels[1].to", f"alerts.settings.detail.{problem}")
    assert error.render("zh").endswith(
        {
            "address_invalid": f"“{named}”不是一个电子邮件地址：每项写一个地址（如 zuzhang@example.gov.cn），"
            "几个地址写成几项，不用分号或逗号隔开",
            "address_repeated": f"“{named}”重复列出：同一收件人会收到两封",
        }[problem]
    )


@pytest.mark.parametrize(
    "to", ['"zuzhang@example.gov.cn"', '"张三 <zuzhang@example.gov.cn>"', '"zuzhang@intranet"', '"a@x.cn", "b@x.cn"']
)
def test_one_address_per_item_is_accepted(tmp_path, to):
    settings = configuration.load_settings(write(tmp_path / "alerts.toml", EMAIL + f'sender = "a@x.cn"\nto = [{to}]\n'))
    assert settings.channels[0].to == tuple(item.strip('"') for item in to.split(", "))


def test_a_sender_that_is_not_one_address_is_refused(tmp_path):
    error = refusal(write(tmp_path / "alerts.toml", EMAIL + 'sender = "a@@x.cn"\nto = ["b@x.cn"]\n'))
    assert (error.setting, error.key) == ("channels[1].sender", "alerts.settings.detail.sender")


@pytest.mark.parametrize(
    "url",
    [
        "https://[::1/cgi-bin/webhook/send?key=k",  # an unclosed bracket: urlsplit raised, the run exited 2
        "https://qyapi.weixin.qq.com]/send?key=k",
        "https://qyapi.weixin.qq.com:abc/send?key=k",  # retried as 意外错误（InvalidURL）, exit 4, the timer ran it again
        "https://qyapi.weixin.qq.com:99999/send?key=k",  # said 连接被拒绝, exit 4: as if the robot were down
        "https://qyapi.weixin.qq.com:0/send?key=k",
    ],
)
def test_a_webhook_address_with_a_broken_host_or_port_is_refused_at_load_naming_it(tmp_path, monkeypatch, capsys, url):
    """A typo in the host or port of a webhook address was not a settings error: an unclosed "[" stopped the run
    as an unexpected failure (处理失败（ValueError）, exit 2), a port that is not a port was tried, retried and
    reported as a robot that refused the connection (exit 4, which the timers start again, in vain). It is refused
    when the file is read, naming the file and the setting, exit 1, and nothing is sent."""
    path = write(tmp_path / "alerts.toml", f'[[channels]]\nkind = "wecom"\nurl = {json.dumps(url)}\n')
    error = refusal(path)
    assert (error.setting, error.key) == ("channels[1].url", "alerts.settings.detail.webhook_host_port")
    assert "key=k" not in error.render("zh") and "key=k" not in error.render("en")
    monkeypatch.setenv("OVERSIGHT_ALERTS_FILE", str(path))
    assert main(["alerts", "--as-of", "2020-11-08", "--push"]) == 1
    err = capsys.readouterr().err
    assert f"预警设置文件 {path} 有误：channels[1].url：" in err and "端口" in err
    assert "key=k" not in err


def test_a_push_whose_mark_cannot_be_written_is_not_sent_and_the_next_channel_is_tried(tmp_path, monkeypatch):
    """Each push is marked in the record before its try, so that a run stopped midway does not post it twice. A mark
    the disk refuses is a push not sent (a run killed after it would have left no trace): said, audited as failed
    with no attempt, exit 4 (started again safely), the next channel still tried; a failed try leaves no mark."""
    import errno

    from oversight.cli import schedule

    real_mark = SentLog.mark_sending

    def disk_full_once(self, key, at=None):
        if "第一群" in key:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_mark(self, key, at)

    monkeypatch.setattr(SentLog, "mark_sending", disk_full_once)
    with RobotReceiver(replies=[(500, {})]) as receiver:
        channels = tuple(
            Channel(name, "wecom", url=receiver.url(f"/send?key={n}"))
            for n, name in enumerate(("第一群", "第二群", "第三群"))
        )
        outcomes = _push_to(tmp_path, channels, attempts=1)
        assert [r.query["key"] for r in receiver.requests] == [["1"], ["2"]]  # the first group's never went out
    assert [(o.channel, o.status, o.attempts) for o in outcomes] == [
        ("第一群", "not_tried", 0), ("第二群", "failed", 1), ("第三群", "sent", 1)
    ]  # fmt: skip
    line = outcomes[0].line("alerts", "2020-11-08/all", "zh")
    assert line.startswith("推送失败\t第一群\talerts\t2020-11-08/all：未发送：无法写入 ") and "（磁盘空间不足）" in line
    assert schedule._push_status(outcomes) == schedule.PUSH_FAILED
    statuses = [(e["details"]["channel"], e["details"]["status"]) for e in audit.read_audit()]
    assert statuses[:2] == [("第一群", "sending"), ("第一群", "failed")]
    # the failed group's mark is taken off: the next run tries it again, as it never went out
    assert set(json.loads((tmp_path / "state.json").read_text())) == {
        entry_key("第三群", "alerts", "2020-11-08/all", "chief", "zh")
    }
