"""Pushes reach a local webhook receiver in the 企业微信 and 钉钉 robots' formats (with 钉钉's signature) and a
local SMTP server; failures are retried a bounded number of times and logged without the webhook's secrets."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import logging
from urllib.parse import quote_plus

import pytest

from oversight import push
from oversight.alerts.configuration import Channel, PushOptions
from oversight.push.delivery import Outcome
from tests.receivers import RobotReceiver, ScriptedSmtp, SmtpReceiver, free_port

MESSAGE = push.Message(
    "alerts", "派驻监督预警摘要", "### 派驻监督预警摘要\n- **逾期** WT2020-012", "派驻监督预警摘要\n逾期1项\n"
)
FAST = PushOptions(attempts=3, backoff_seconds=1.0, timeout_seconds=5)
NOW = 1_606_800_000.123  # a fixed clock: 2020-12-01 05:20:00.123 UTC


def test_dingtalk_signature_matches_a_published_test_vector():
    # the vector from the dingding crate's own test (timestamp 1700000000000, secret "secret")
    assert (
        quote_plus(push.dingtalk_sign("secret", 1700000000000))
        == "OuzzJR5%2BxZ4%2FEYwqtNt6sMYZQMTa%2FHEGvc9miJe7XzY%3D"
    )


def test_wecom_robot_receives_a_markdown_message():
    with RobotReceiver() as receiver:
        channel = Channel("群", "wecom", url=receiver.url("/cgi-bin/webhook/send?key=KEY-123"))
        delivery = push.deliver(channel, MESSAGE, FAST, sleep=lambda s: None)
    assert delivery.ok and delivery.attempts == 1
    (request,) = receiver.requests
    assert request.path == "/cgi-bin/webhook/send" and request.query == {"key": ["KEY-123"]}
    assert request.content_type.startswith("application/json")
    assert request.body == {"msgtype": "markdown", "markdown": {"content": MESSAGE.markdown}}


def test_dingtalk_robot_receives_markdown_on_a_signed_address():
    secret = "SEC0123456789abcdef"
    with RobotReceiver() as receiver:
        channel = Channel("钉钉", "dingtalk", url=receiver.url("/robot/send?access_token=TOKEN"), secret=secret)
        delivery = push.deliver(channel, MESSAGE, FAST, sleep=lambda s: None, clock=lambda: NOW)
    assert delivery.ok
    (request,) = receiver.requests
    assert request.body == {"msgtype": "markdown", "markdown": {"title": MESSAGE.title, "text": MESSAGE.markdown}}
    assert request.query["access_token"] == ["TOKEN"]
    timestamp = request.query["timestamp"][0]
    assert timestamp == "1606800000123"  # milliseconds
    # recomputed here from 钉钉's documented recipe, not with the code under test
    expected = base64.b64encode(hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest())
    assert request.query["sign"] == [expected.decode()]  # parse_qs has undone the URL encoding


def test_dingtalk_without_a_secret_sends_an_unsigned_address():
    with RobotReceiver() as receiver:
        channel = Channel("钉钉", "dingtalk", url=receiver.url("/robot/send?access_token=T"))
        assert push.deliver(channel, MESSAGE, FAST, sleep=lambda s: None).ok
    assert set(receiver.requests[0].query) == {"access_token"}


def test_a_failure_is_retried_with_a_doubling_pause_then_succeeds():
    pauses: list[float] = []
    replies = [(500, {"error": "busy"}), (200, {"errcode": 45009, "errmsg": "api freq out of limit"})]
    with RobotReceiver(replies=replies) as receiver:
        channel = Channel("群", "wecom", url=receiver.url("/send?key=K"))
        delivery = push.deliver(channel, MESSAGE, FAST, sleep=pauses.append)
    assert delivery.ok and delivery.attempts == 3 and len(receiver.requests) == 3
    assert pauses == [1.0, 2.0]


def test_attempts_are_bounded_and_each_failure_is_logged_without_the_key(caplog):
    caplog.set_level(logging.WARNING, logger="oversight.push")
    with RobotReceiver(replies=[(200, {"errcode": 45009, "errmsg": "api freq out of limit"})] * 5) as receiver:
        channel = Channel("群", "wecom", url=receiver.url("/send?key=VERY-SECRET-KEY"))
        delivery = push.deliver(channel, MESSAGE, FAST, sleep=lambda s: None)
    assert not delivery.ok and delivery.attempts == 3 and len(receiver.requests) == 3
    assert str(delivery.error) == (
        f"{receiver.url('/send')} refused the message: messages are sent too often (errcode 45009, its reply "
        "“api freq out of limit”)"
    )
    assert delivery.error.text("zh") == (
        f"{receiver.url('/send')} 拒收消息：发送过于频繁（errcode 45009，对方答复“api freq out of limit”）"
    )
    warnings = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert len(warnings) == 3 and "attempt 3 of 3" in warnings[-1].getMessage()
    assert "VERY-SECRET-KEY" not in caplog.text and "VERY-SECRET-KEY" not in delivery.error.text("zh")


@pytest.mark.parametrize(
    "reply",
    [
        (302, {}),  # the address redirects: a robot's webhook answers a POST itself
        (301, {}),
        (200, {"errcode": 93000, "errmsg": "invalid webhook url"}),  # 企业微信: no such webhook
        (200, {"errcode": 300001, "errmsg": "token is not exist"}),  # 钉钉: no such robot
    ],
)
def test_a_wrong_webhook_address_is_tried_once_not_three_times(reply, caplog):
    """A redirecting webhook was tried 3 times a run (and the run, exiting 4, started again by the timer): a fault of
    the settings is not a transient, and each attempt is refused alike."""
    caplog.set_level(logging.WARNING, logger="oversight.push")
    pauses: list[float] = []
    with RobotReceiver(replies=[reply] * 3) as receiver:
        channel = Channel("群", "wecom", url=receiver.url("/send?key=K"))
        delivery = push.deliver(channel, MESSAGE, FAST, sleep=pauses.append)
    assert not delivery.ok and delivery.attempts == 1 and len(receiver.requests) == 1 and pauses == []
    assert delivery.error.settings_fault and not delivery.error.sent
    assert "not tried again" in caplog.text


PROXY_PAGE = "<html><head><title>上网认证</title></head><body>请登录后访问互联网</body></html>".encode()


@pytest.mark.parametrize("kind", ["wecom", "dingtalk"])
def test_a_page_that_is_not_a_robots_reply_is_no_delivery_and_not_tried_again(kind, caplog):
    """企业微信 and 钉钉 answer every message with JSON carrying an errcode. A proxy's sign-in page (HTTP 200, HTML) was
    taken for a transient failure: tried 3 times a run, each answered alike, and the run started again by the timer
    (exit 4). It is said to be no robot's answer and the message undelivered, tried once, and the run exits 1."""
    caplog.set_level(logging.WARNING, logger="oversight.push")
    pauses: list[float] = []
    with RobotReceiver(replies=[(200, PROXY_PAGE)] * 3) as receiver:
        channel = Channel("群", kind, url=receiver.url("/send?key=K"))
        delivery = push.deliver(channel, MESSAGE, FAST, sleep=pauses.append)
    assert not delivery.ok and delivery.attempts == 1 and len(receiver.requests) == 1 and pauses == []
    assert delivery.error.settings_fault and not delivery.error.sent  # exit 1 (misconfigured), not recorded as sent
    where = push.redacted(channel.url or "")
    assert delivery.error.text("zh") == (
        f"{where} 的答复不是群机器人的应答（HTTP 200，但不是机器人必回的 JSON，可能是代理服务器的登录页或其他网页）："
        "消息未送达机器人。请核对 webhook 地址，以及本服务器与机器人之间的网络代理"
    )
    assert str(delivery.error).startswith(f"{where} did not answer as a group robot does (HTTP 200")
    assert "the message did not reach the robot" in str(delivery.error) and "not tried again" in caplog.text


def test_a_transient_failure_is_not_taken_for_a_wrong_address():
    for reply in [(500, {}), (200, {"errcode": 45009, "errmsg": "api freq out of limit"}), (404, {})]:
        with RobotReceiver(replies=[reply] * 3) as receiver:
            channel = Channel("群", "wecom", url=receiver.url("/send?key=K"))
            delivery = push.deliver(channel, MESSAGE, FAST, sleep=lambda s: None)
        assert delivery.attempts == 3 and not delivery.error.settings_fault, reply


def test_an_unreachable_robot_is_a_failure_not_an_exception():
    channel = Channel("群", "wecom", url=f"http://127.0.0.1:{free_port()}/send?key=K")
    delivery = push.deliver(
        channel, MESSAGE, PushOptions(attempts=2, backoff_seconds=0, timeout_seconds=2), sleep=lambda s: None
    )
    assert not delivery.ok and delivery.attempts == 2
    where = push.redacted(channel.url or "")
    assert delivery.error.text("zh") == f"{where}：连接被拒绝"
    assert str(delivery.error) == f"{where}: the connection was refused"


def test_an_oversized_markdown_is_cut_to_the_wecom_limit():
    long = push.Message("alerts", "t", "预" * 3000, "")
    content = push.wecom_payload(long)["markdown"]["content"]
    assert len(content.encode("utf-8")) <= push.WECOM_MAX_BYTES and content.endswith("…")


def test_email_carries_the_text_and_the_attachment_under_its_chinese_name():
    data = b"%PDF-1.4\n% test\n"
    message = push.Message(
        "brief",
        "2020年度派驻监督工作情况",
        "",
        "附件为简报。\n",
        push.Attachment("派驻监督工作简报_2020Q1-2020Q4.pdf", data),
    )
    with SmtpReceiver() as smtp:
        channel = Channel(
            "邮件",
            "email",
            host="127.0.0.1",
            port=smtp.port,
            security="none",
            sender="oversight@example.gov.cn",
            to=("leader@example.gov.cn", "office@example.gov.cn"),
        )
        delivery = push.deliver(channel, message, FAST, sleep=lambda s: None)
    assert delivery.ok
    ((sender, recipients, mail),) = smtp.messages
    assert sender == "oversight@example.gov.cn" and recipients == ["leader@example.gov.cn", "office@example.gov.cn"]
    assert mail["Subject"] == "2020年度派驻监督工作情况"
    assert mail.get_body(("plain",)).get_content().replace("\r\n", "\n") == "附件为简报。\n"  # CRLF on the wire
    (attachment,) = list(mail.iter_attachments())
    assert attachment.get_filename() == "派驻监督工作简报_2020Q1-2020Q4.pdf"
    assert attachment.get_content_type() == "application/pdf" and attachment.get_content() == data


def test_an_smtp_server_that_is_not_there_is_retried_then_reported():
    channel = Channel(
        "邮件",
        "email",
        host="127.0.0.1",
        port=free_port(),
        security="none",
        sender="a@example.gov.cn",
        to=("b@example.gov.cn",),
    )
    pauses: list[float] = []
    delivery = push.deliver(
        channel, MESSAGE, PushOptions(attempts=2, backoff_seconds=0.5, timeout_seconds=2), sleep=pauses.append
    )
    assert not delivery.ok and delivery.attempts == 2 and pauses == [0.5]
    assert delivery.error.text("zh").startswith("smtp 127.0.0.1:") and "：" in delivery.error.text("zh")


def test_a_scheduled_digest_without_a_date_is_as_of_the_teams_day(monkeypatch):
    """cron at 07:00 in Beijing is 23:00 the day before in UTC: the digest is as of the team's day, not the host's."""
    import argparse
    from datetime import date, datetime

    from oversight import config
    from oversight.cli import schedule

    monkeypatch.setattr(config, "team_now", lambda: datetime(2021, 1, 5, 7, 0, tzinfo=config.TEAM_TIME_ZONE))
    assert schedule._as_of(argparse.Namespace(as_of=None), "zh") == date(2021, 1, 5)
    assert schedule._as_of(argparse.Namespace(as_of="2020-12-31"), "zh") == date(2020, 12, 31)


def test_a_robot_that_answers_a_byte_at_a_time_is_given_up_within_the_timeout():
    """A server sending its reply a byte a second (within every socket timeout) kept a push waiting for hours,
    and every later run behind the sending lock: the timeout bounds the whole exchange."""
    import socket
    import threading
    import time

    from oversight import push

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    stop = threading.Event()

    def drip() -> None:
        connection, _ = listener.accept()
        connection.recv(65536)
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
        while not stop.is_set():
            try:
                connection.sendall(b" ")
            except OSError:
                break
            time.sleep(0.2)
        connection.close()

    threading.Thread(target=drip, daemon=True).start()
    started = time.monotonic()
    try:
        with pytest.raises(push.PushError) as raised:
            push.post_json(f"http://127.0.0.1:{listener.getsockname()[1]}/send?key=SECRET", {"msgtype": "text"}, 1.0)
    finally:
        stop.set()
        listener.close()
    assert time.monotonic() - started < 3.0
    assert "SECRET" not in str(raised.value)


def _push_refused_by(reply_to, connections: int = 1):
    """Post to a robot on 127.0.0.1 that answers each request with ``reply_to(request)``; the ``PushError`` the post
    raised, and the first word (the method) of each request the robot saw."""
    import socket
    import threading

    from oversight import push

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(connections)
    seen: list[bytes] = []

    def answer() -> None:
        for _ in range(connections):
            try:
                connection, _ = listener.accept()
            except OSError:  # closed once the post has its answer
                return
            request = connection.recv(65536)
            seen.append(request.split(b" ", 1)[0])
            connection.sendall(reply_to(request))
            connection.close()

    threading.Thread(target=answer, daemon=True).start()
    try:
        with pytest.raises(push.PushError) as raised:
            push.post_json(f"http://127.0.0.1:{listener.getsockname()[1]}/send?key=K", {"msgtype": "text"}, 5.0)
    finally:
        listener.close()
    return raised.value, seen


def _ok(body: bytes) -> bytes:
    return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body


def test_a_robots_refusal_is_quoted_on_one_line_without_control_characters():
    """A robot's errmsg reached the terminal as it was: escape sequences, and thousands of characters."""
    import json as json_module

    body = json_module.dumps({"errcode": 93000, "errmsg": "\x1b]0;pwned\x07 bad\nkey " + "x" * 5000}).encode()
    error, _ = _push_refused_by(lambda request: _ok(body))
    message = str(error)
    assert "\x1b" not in message and "\x07" not in message and "\n" not in message
    assert "errcode 93000" in message and len(message) < 400


def test_a_robot_address_that_redirects_is_a_failure_not_a_message_sent():
    """urllib followed a 302 with a GET without the message; the page it landed on said errcode 0, and the digest
    was recorded as sent and never sent again."""

    def reply_to(request: bytes) -> bytes:
        if request.startswith(b"POST"):
            return b"HTTP/1.1 302 Found\r\nLocation: /ok\r\nContent-Length: 0\r\n\r\n"
        return _ok(b'{"errcode": 0, "errmsg": "ok"}')  # where urllib's GET would have landed

    error, seen = _push_refused_by(reply_to, connections=2)
    assert "302" in str(error) and seen == [b"POST"]


@pytest.mark.parametrize(
    ("location", "target"),
    [
        (b"Location: /ok?key=SECRET\r\n", "/ok"),
        (
            b"Location: https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRET\r\n",
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send",
        ),
        (b"", None),
    ],
)
def test_a_redirect_says_where_the_address_leads_and_that_it_was_not_followed(location, target):
    """ "HTTP 302" told whoever set up the webhook nothing to act on: the line says the address redirects, where to
    (without a key the target may carry), that the redirect was not followed and the message not delivered."""
    error, seen = _push_refused_by(
        lambda request: b"HTTP/1.1 302 Found\r\n" + location + b"Content-Length: 0\r\n\r\n", connections=2
    )
    zh, en = error.text("zh"), error.text("en")
    assert seen == [b"POST"] and "SECRET" not in zh + en
    assert "未跟随转向，消息未送达" in zh or "未跟随，消息未送达" in zh
    assert "not followed and the message was not delivered" in en and "HTTP 302" in en
    if target is None:
        assert "to no address" in en and "未给出转向地址" in zh
    else:
        # a relative Location is named as the address it leads to, on the webhook's own host
        assert f"{target} (HTTP 302)" in en and f"{target}（HTTP 302）" in zh and "redirects to http" in en


def test_a_user_name_or_password_in_a_robot_address_is_refused_and_never_logged(tmp_path):
    """https://user:hunter2@host/… passed the settings check and was printed and audited whole (only the query was
    taken out); urllib never sends it anyway."""
    from oversight import push
    from oversight.alerts import configuration

    assert push.redacted("https://user:hunter2@example.com/send?key=K") == "https://example.com/send"
    settings = tmp_path / "alerts.toml"
    settings.write_text(
        '[[channels]]\nname = "r"\nkind = "wecom"\nurl = "https://user:hunter2@example.com/send?key=K"\n', "utf-8"
    )
    with pytest.raises(configuration.SettingsError) as raised:
        configuration.load_settings(settings)
    message = raised.value.render("zh")
    assert "hunter2" not in message and "用户名或密码" in message and "channels[1].url" in message


@pytest.mark.parametrize(
    ("attempts", "lang", "line"),
    [
        (1, "zh", "推送失败\tmail\tbrief\t2020Q4/all：尝试1次：smtp 127.0.0.1:9: refused"),
        (3, "zh", "推送失败\tmail\tbrief\t2020Q4/all：共尝试3次，最后一次：smtp 127.0.0.1:9: refused"),
        (1, "en", "FAILED\tmail\tbrief\t2020Q4/all: 1 attempt: smtp 127.0.0.1:9: refused"),
        (3, "en", "FAILED\tmail\tbrief\t2020Q4/all: 3 attempts, the last: smtp 127.0.0.1:9: refused"),
    ],
)
def test_a_single_failed_attempt_is_not_called_all_of_them(attempts, lang, line):
    """rev-d #12: "1次尝试均失败" for a channel set to one attempt."""
    outcome = Outcome("mail", "failed", attempts, "smtp 127.0.0.1:9: refused")
    assert outcome.line("brief", "2020Q4/all", lang) == line


@pytest.mark.parametrize(
    "reply, english, chinese",
    [
        (
            (200, {"errcode": 310000, "errmsg": "keywords not in content"}),
            "refused the message: the message lacks the robot's keyword, or its signature or this server's IP address "
            "is not accepted (errcode 310000, its reply “keywords not in content”)",
            "拒收消息：消息未包含机器人设置的关键词，或加签、本服务器 IP 地址未通过校验（errcode 310000，对方答复“keywords "
            "not in content”）",
        ),
        (
            (200, {"errcode": 40035, "errmsg": "invalid parameter"}),
            "refused the message: errcode 40035, its reply “invalid parameter”",
            "拒收消息：errcode 40035，对方答复“invalid parameter”",
        ),
        ((502, {"errcode": -1}), "answered HTTP 502", "返回 HTTP 502"),
    ],
)
def test_a_failure_is_said_in_the_readers_language_with_the_robots_own_words_quoted(reply, english, chinese):
    """A Chinese line read "最后一次：http://… refused the message: errcode 93000, invalid webhook url"."""
    with RobotReceiver(replies=[reply]) as receiver:
        channel = Channel("群", "dingtalk", url=receiver.url("/robot/send?access_token=T"))
        delivery = push.deliver(channel, MESSAGE, PushOptions(attempts=1, timeout_seconds=5), sleep=lambda s: None)
    where = receiver.url("/robot/send")
    assert str(delivery.error) == f"{where} {english}" and delivery.error.text("en") == f"{where} {english}"
    assert delivery.error.text("zh") == f"{where} {chinese}"


def test_a_connection_that_never_carried_the_message_is_named_as_a_person_checks_it():
    import socket

    where = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"
    said = {
        "unknown_host": push._unreachable(where, socket.gaierror(-2, "Name or service not known"), 10),
        "timed_out": push._unreachable(where, TimeoutError("timed out"), 10),
    }
    assert said["unknown_host"].text("zh") == f"{where}：无法解析主机名"
    assert said["timed_out"].text("en") == f"{where}: no answer within 10 s"
    assert said["timed_out"].text("zh") == f"{where}：10秒内无应答"
    with SmtpReceiver() as receiver:  # a server that offers no AUTH: its words quoted in the reader's sentence
        channel = Channel(
            "邮件", "email", host="127.0.0.1", port=receiver.port, security="none", sender="a@example.gov.cn",
            to=("b@example.gov.cn",), username="u", password="p",
        )  # fmt: skip
        delivery = push.deliver(channel, MESSAGE, PushOptions(attempts=1, timeout_seconds=5), sleep=lambda s: None)
    assert not delivery.ok and delivery.error.text("zh") == (
        f"smtp 127.0.0.1:{receiver.port}：邮件服务器返回错误（SMTP AUTH extension not supported by server.）"
    )


def test_a_mail_servers_tls_failure_is_named_as_one_not_as_a_server_out_of_reach():
    # smtplib raises the ssl.SSLError itself, whose .reason is a bare code: it read "无法连接（WRONG_VERSION_NUMBER）",
    # and the operator looked at the firewall instead of the port's security (or, for a certificate, the certificate)
    with SmtpReceiver() as receiver:  # plain SMTP, asked for implicit TLS
        channel = Channel(
            "邮件", "email", host="127.0.0.1", port=receiver.port, security="ssl", sender="a@example.gov.cn",
            to=("b@example.gov.cn",),
        )  # fmt: skip
        delivery = push.deliver(channel, MESSAGE, PushOptions(attempts=1, timeout_seconds=5), sleep=lambda s: None)
    where = f"smtp 127.0.0.1:{receiver.port}"
    assert not delivery.ok and delivery.error.text("zh").startswith(f"{where}：安全连接（TLS）未能建立：[SSL: ")
    assert delivery.error.text("en").startswith(f"{where}: the secure connection (TLS) could not be made: [SSL: ")


@pytest.mark.parametrize("answer", ["silence", "hang_up"])
def test_a_message_that_went_out_unanswered_is_not_posted_again(answer):
    """The robot read the message and did not answer in time (or hung up): each retry posted the digest again, and a
    slow robot put it in the group three times. Only what failed before the message went out is retried."""
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.settimeout(5)
    seen: list[bytes] = []
    done = threading.Event()

    def robot() -> None:
        while not done.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            seen.append(connection.recv(65536))
            if answer == "hang_up":
                connection.close()
            else:
                done.wait(5)
                connection.close()

    threading.Thread(target=robot, daemon=True).start()
    channel = Channel("群", "wecom", url=f"http://127.0.0.1:{listener.getsockname()[1]}/send?key=SECRET")
    pauses: list[float] = []
    try:
        delivery = push.deliver(
            channel, MESSAGE, PushOptions(attempts=3, backoff_seconds=1, timeout_seconds=1), sleep=pauses.append
        )
    finally:
        done.set()
        listener.close()
    assert not delivery.ok and delivery.attempts == 1 and pauses == [] and len(seen) == 1
    where = channel.url.partition("?")[0]
    zh, en = delivery.error.text("zh"), delivery.error.text("en")
    assert zh.startswith(f"{where}：消息已发出，") and zh.endswith("；为免重复推送未再尝试")
    assert en.endswith(", so it was not tried again (it would have been posted twice)")
    assert ("1秒内未收到答复" in zh) == (answer == "silence") and "SECRET" not in zh + en


def test_a_robot_out_of_reach_is_still_retried():
    channel = Channel("群", "wecom", url=f"http://127.0.0.1:{free_port()}/send?key=K")
    pauses: list[float] = []
    delivery = push.deliver(
        channel, MESSAGE, PushOptions(attempts=3, backoff_seconds=1, timeout_seconds=1), sleep=pauses.append
    )
    assert not delivery.ok and delivery.attempts == 3 and pauses == [1, 2]
    assert delivery.error.text("zh").endswith("：连接被拒绝")


def test_a_mail_server_that_took_the_message_and_answers_quit_oddly_is_not_mailed_twice():
    """DATA answered 250, then QUIT answered 421 instead of 221: ``with smtplib.SMTP`` raised on the QUIT, the attempt
    counted as failed, and each retry mailed the digest again."""
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.settimeout(5)
    messages: list[bytes] = []

    def server() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            stream = connection.makefile("rb")
            connection.sendall(b"220 test\r\n")
            while line := stream.readline():
                command = line.strip().upper()
                if command.startswith(b"EHLO"):
                    connection.sendall(b"250 test\r\n")
                elif command == b"DATA":
                    connection.sendall(b"354 go on\r\n")
                    body = b"".join(iter(stream.readline, b".\r\n"))
                    messages.append(body)
                    connection.sendall(b"250 queued\r\n")
                elif command == b"QUIT":
                    connection.sendall(b"421 closing anyway\r\n")
                    break
                else:
                    connection.sendall(b"250 ok\r\n")
            connection.close()

    threading.Thread(target=server, daemon=True).start()
    channel = Channel(
        "邮件", "email", host="127.0.0.1", port=listener.getsockname()[1], security="none",
        sender="a@example.gov.cn", to=("b@example.gov.cn",),
    )  # fmt: skip
    try:
        delivery = push.deliver(channel, MESSAGE, PushOptions(attempts=3, timeout_seconds=5), sleep=lambda s: None)
    finally:
        listener.close()
    assert delivery.ok and delivery.attempts == 1 and delivery.error is None and len(messages) == 1


def _mail_channel(port: int) -> Channel:
    return Channel(
        "邮件", "email", host="127.0.0.1", port=port, security="none", sender="a@example.gov.cn",
        to=("b@example.gov.cn",),
    )  # fmt: skip


@pytest.mark.parametrize("after_data", ["silence", "hang_up"])
def test_a_mail_server_that_took_the_whole_message_and_did_not_answer_is_not_mailed_again(after_data):
    """The whole message written, the answer to it timed out (or the connection closed): the attempt counted as a
    failure like a server out of reach, and the retries mailed everyone two more copies. It may have been delivered:
    said so, in zh and en, and not tried again."""
    pauses: list[float] = []
    with ScriptedSmtp(after_data) as server:
        delivery = push.deliver(
            _mail_channel(server.port), MESSAGE, PushOptions(attempts=3, timeout_seconds=1), sleep=pauses.append
        )
    assert not delivery.ok and delivery.attempts == 1 and pauses == [] and len(server.messages) == 1
    assert delivery.error.sent  # the run reports it as may-have-been-delivered, not as refused
    where = f"smtp 127.0.0.1:{server.port}"
    zh, en = delivery.error.text("zh"), delivery.error.text("en")
    assert zh.startswith(f"{where}：邮件已完整发给邮件服务器，") and zh.endswith("；为免收件人收到两份未再发送")
    assert en.startswith(f"{where}: the mail server was given the whole message and ")
    assert en.endswith(", so it was not sent again (every recipient would have had two copies)")
    assert ("1秒内未收到答复" in zh) == (after_data == "silence")


def test_a_mail_server_that_answers_the_message_with_a_refusal_is_tried_again():
    """A 451 to the message is the server saying it did not take it: that is tried again, as before."""
    pauses: list[float] = []
    with ScriptedSmtp("451 4.3.0 try later") as server:
        delivery = push.deliver(
            _mail_channel(server.port), MESSAGE, PushOptions(attempts=3, timeout_seconds=5), sleep=pauses.append
        )
    assert not delivery.ok and delivery.attempts == 3 and len(pauses) == 2 and not delivery.error.sent
    assert "451" in delivery.error.text("en")


# what each status of the push report says, in the words that say it: the status word leads its line, and the
# reason after it must not say it again ("可能已送达 … ：…；可能已送达，为免重复推送未再尝试")
_STATUS_SAYS = {
    "failed": {"zh": ["失败"], "en": ["failed", "fail"]},
    "misconfigured": {"zh": ["失败"], "en": ["failed", "fail"]},
    "unconfirmed": {"zh": ["可能已送达", "可能"], "en": ["may have been", "might"]},
    "partly": {"zh": ["部分送达"], "en": ["partly", "sent"]},
    "sent": {"zh": ["已推送"], "en": ["pushed"]},
    "unrecorded": {"zh": ["已推送"], "en": ["pushed"]},
    "skipped": {"zh": ["跳过"], "en": ["skipped"]},
    "interrupted": {"zh": ["可能已送达", "可能"], "en": ["may have been", "might"]},
    "not_tried": {"zh": ["失败"], "en": ["failed", "fail"]},
}
_UNANSWERED = ("no_reply", "no_whole_reply", "reply_cut", "smtp_no_reply", "smtp_reply_cut")
_WRONG_ADDRESS = ("redirected", "redirected_nowhere")


def _errors_of(status: str, lang: str) -> list[str]:
    """Every reason a line of ``status`` can carry: each ``push.error`` key that leads to it, with sample values."""
    from oversight.core import i18n

    params = {"where": "http://robot.example/send", "code": 302, "target": "http://elsewhere.example/x", "said": "x"}
    params |= {"seconds": "5", "detail": "d", "sender": "s@example.gov.cn", "kind": "ValueError"}
    keys = [key.removeprefix("push.error.") for key in i18n.catalog(lang) if key.startswith("push.error.")]
    if status == "unconfirmed":
        return [push.Unanswered(key, **params).text(lang) for key in _UNANSWERED]
    if status == "misconfigured":
        errors = [push.MisdirectedAddress(key, **params) for key in _WRONG_ADDRESS]
        errors += [
            push.MisdirectedAddress("refused_known", **params, reason=reason)
            for reason in ("invalid_webhook", "invalid_token")
        ]
        return [error.text(lang) for error in errors]
    if status == "partly":
        return [
            push.SomeRecipientsRefused("smtp 127.0.0.1:25", (("gone@example.gov.cn", "550 user unknown"),)).text(lang)
        ]
    if status in ("unrecorded", "not_tried"):
        return [i18n.t("alerts.cli.unrecorded_reason", lang, path="/srv/push-state.json", error="No space left")]
    if status == "failed":
        others = [key for key in keys if key not in (*_UNANSWERED, *_WRONG_ADDRESS, "smtp_some_recipients")]
        errors = [push.PushError(key, **params, reason="too_frequent") for key in others]
        errors += [
            push.PushError("refused_known", **params, reason=reason)
            for reason in ("too_frequent", "keyword_sign_or_ip")
        ]
        return [error.text(lang) for error in errors]
    return [""]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("status", list(_STATUS_SAYS))
def test_no_status_line_of_the_push_report_says_its_status_twice(status, lang):
    """The zh 可能已送达 line said 可能已送达 as its status word and again in its reason (the English "MAY HAVE BEEN
    SENT … it may have been delivered" alike): every status, with every reason it can carry, says it once."""
    for attempts in (1, 3):
        for error in _errors_of(status, lang):
            outcome = Outcome("群", status, attempts, error or None, sent_at="2020-11-08T01:00:00+00:00")
            for changed in (False, True):
                line = dataclasses.replace(outcome, changed=changed).line("alerts", "2020-11-08/all", lang).casefold()
                for words in _STATUS_SAYS[status][lang]:
                    assert line.count(words) <= 1, f"{words!r} said twice: {line}"
                assert line.count(_STATUS_SAYS[status][lang][0]) == 1, line


def test_every_reason_of_a_push_is_scanned():
    from oversight.core import i18n

    scanned = {text for status in _STATUS_SAYS for text in _errors_of(status, "en")}
    keys = [key for key in i18n.catalog("en") if key.startswith("push.error.")]
    assert len(scanned) >= len(keys)


def test_a_pushed_brief_of_many_units_counts_them_in_the_robots_message_and_names_them_in_the_mail(frames):
    """A brief of 300 units (``--unit`` for the scale folder's bureaus) named them all after the robots' heading:
    企业微信 cut the message at 4096 bytes mid-name, and the figures after the names never reached the group."""
    import pandas as pd

    from oversight import briefing
    from oversight.alerts import digest_text
    from oversight.auth import roles
    from oversight.data import store
    from oversight.data.filters import Filter, Quarter
    from oversight.push import brief_job

    extra = pd.DataFrame(
        [
            {
                "unit_id": f"u{n:03d}",
                "name_zh": f"测试市第{n}局",
                "name_en": f"Test City Bureau {n}",
                "party_org": "党组",
            }
            for n in range(300)
        ]
    )
    changed = {**frames, "units": pd.concat([frames["units"], extra], ignore_index=True)}
    connection = store.connect(changed)
    units = tuple(changed["units"]["unit_id"])
    filter_ = Filter(units, Quarter(2020, 1), Quarter(2020, 4))
    for lang, scope in (
        ("zh", "监督范围：所选309家单位（名单见封面）"),
        ("en", "Scope: 309 selected units (named on the cover)"),
    ):
        report = briefing.collect_report(briefing.as_query_runner(connection), filter_, lang, specs=())
        pushed = brief_job.message(
            connection, roles.local_account("chief"), filter_, lang, briefing.BriefingPack(report)
        )
        assert len(pushed.markdown.encode("utf-8")) <= digest_text.ROBOT_MAX_BYTES
        paragraphs = pushed.markdown.split("\n\n")
        assert paragraphs[2] == scope
        assert paragraphs[3:] == [_robot(text) for text in report.summary]  # every figure, whole
        assert ("测试市第299局" if lang == "zh" else "Test City Bureau 299") in pushed.text  # the e-mail names them all


def _robot(text: str) -> str:
    from oversight.core import safe_text

    return safe_text.robot_markdown(text)


def test_a_brief_names_the_same_pack_whatever_order_its_units_were_given_in():
    """The sent record's name of a pack: a job edited to give its --unit options in another order made another name,
    and the same pack went out again."""
    from oversight.data.filters import Filter, Quarter
    from oversight.push import brief_job

    one = Filter(("research", "petitions"), Quarter(2020, 4), Quarter(2020, 4))
    other = Filter(("petitions", "research"), Quarter(2020, 4), Quarter(2020, 4))
    assert brief_job.period_key(one) == brief_job.period_key(other) == "2020Q4/petitions+research"
