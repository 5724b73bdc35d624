"""Sending a message to a 企业微信 group robot, a 钉钉 custom robot or by e-mail, with bounded retries.

The formats are the services' documented ones:

- 企业微信 group robot: POST ``{"msgtype": "markdown", "markdown": {"content": …}}`` (at most 4096
  bytes) to the webhook address; the reply is ``{"errcode": 0, "errmsg": "ok"}``.
- 钉钉 custom robot: POST ``{"msgtype": "markdown", "markdown": {"title": …, "text": …}}`` (the request's body at
  most 20,000 bytes); with 加签
  the address carries ``&timestamp=<ms>&sign=<urlencode(base64(HMAC-SHA256(key=secret,
  msg="<timestamp>\\n<secret>")))>``, signed afresh for every attempt (钉钉 refuses a timestamp more
  than an hour off). The reply is ``{"errcode": 0, "errmsg": "ok"}``.
- E-mail: SMTP (implicit TLS, STARTTLS or plain), the text as the body, the PDF as an attachment.

Only the standard library: nothing to install on the server that runs the timer. Webhook keys and
secrets never reach the log: addresses are logged without their query string.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import smtplib
import socket
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any
from urllib.parse import quote_plus, urljoin, urlsplit

from oversight.alerts.configuration import Channel, PushOptions
from oversight.alerts.digest_text import Budget, utf8_bytes
from oversight.core import i18n, safe_text

log = logging.getLogger("oversight.push")
# The robots' own limits. 企业微信 group robot: markdown.content "最长不超过4096个字节，必须是utf8编码" (errcode 40058,
# "markdown.content exceed max length 4096"). 钉钉 custom robot: the request's body within 20,000 bytes (errcode
# 460101, "message too long, exceed 20000 bytes"; "body 大小不合法，请保持大小在 20000bytes 以内"). 钉钉 was given
# 企业微信's 4,000 bytes "by choice", and 300 units' digest named 46 of them where 钉钉 takes five times as much.
WECOM_MAX_BYTES = 4096
DINGTALK_MAX_BYTES = 20000


class PushError(RuntimeError):
    """One attempt failed; ``text(lang)`` says how in the reader's language, without the secret parts of the
    address (``str()`` is the English, for the log). A robot's own words are quoted as its reply, beside a reason
    of ours where the code is a documented one: a Chinese line read "推送失败……最后一次：… refused the message:
    errcode 93000, invalid webhook url"."""

    # True where the message had gone when the attempt failed (no answer came, or not a whole one): the robot may
    # have posted it, and another attempt posted it to the group a second time
    sent = False
    # True where the settings file is wrong (the address redirects elsewhere, the robot says it does not exist): no
    # attempt of this run nor a run started again can mend it, so it is not tried again and the run exits 1, the
    # settings' status, which no timer restarts (a redirecting webhook was tried 3 times a run, and exit 4 had the
    # timer start the run again, 3 times more)
    settings_fault = False

    def __init__(self, key: str, **params: object) -> None:
        self.key, self.params = key, params
        super().__init__(self.text("en"))

    def text(self, lang: str) -> str:
        reason = self.params.get("reason")
        words = {"reason": i18n.t(f"push.reason.{reason}", lang)} if reason else {}
        return i18n.t(f"push.error.{self.key}", lang, **{**self.params, **words})


# The services' documented refusals a person can act on (企业微信 group robot, 钉钉 custom robot); any other code is
# quoted with the robot's words alone
_ROBOT_REASONS = {
    93000: "invalid_webhook",  # 企业微信: invalid webhook url
    45009: "too_frequent",  # 企业微信: api freq out of limit
    130101: "too_frequent",  # 钉钉: send too fast
    300001: "invalid_token",  # 钉钉: token is not exist
    310000: "keyword_sign_or_ip",  # 钉钉: keywords not in content, sign not match, ip not in whitelist
}


class MisdirectedAddress(PushError):
    """The webhook address in the settings is wrong: it redirects, or the robot answers that no such robot exists."""

    settings_fault = True


# of ``_ROBOT_REASONS``, those that say the address itself is wrong (a wrong keyword or signature may be a clock's)
_WRONG_ADDRESS_REASONS = ("invalid_webhook", "invalid_token")


class Unanswered(PushError):
    """The message went out and no whole answer came back: whether the robot posted it is not known, so it is not
    tried again in this run (the group got it twice); the run fails, and the operator decides whether to resend."""

    sent = True


class SomeRecipientsRefused(PushError):
    """The mail server took the message for some recipients and refused the others (``refused``: each address with
    the server's words). It went out: those it was taken for have it, so it is not tried again (a retry gave them a
    second copy) and is recorded as sent; the refused ones are named, and the run is not a clean one."""

    def __init__(self, where: str, refused: tuple[tuple[str, str], ...]) -> None:
        self.refused = refused
        super().__init__("smtp_some_recipients", where=where)

    def text(self, lang: str) -> str:
        named = i18n.t("chart.list_separator", lang).join(
            i18n.t("push.refused_recipient", lang, address=address, said=said) for address, said in self.refused
        )
        return i18n.t(f"push.error.{self.key}", lang, refused=named, **self.params)


def _quoted(words: object) -> str:
    """Another program's words (a robot's reply, an OS or SMTP error) as quoted into logs and the command's output:
    one line, no control characters (an escape sequence reached the terminal as it was), cut short."""
    return safe_text.shortened(safe_text.plain(str(words)), 200)


def _refused(where: str, code: object, said: str) -> PushError:
    reason = _ROBOT_REASONS.get(code) if isinstance(code, int) else None
    if reason is None:
        return PushError("refused", where=where, code=code, said=said)
    kind = MisdirectedAddress if reason in _WRONG_ADDRESS_REASONS else PushError
    return kind("refused_known", where=where, code=code, said=said, reason=reason)


def _unreachable(where: str, error: BaseException, timeout: float) -> PushError:
    """A connection that never carried the message, said as a person checks it: refused, silent, no such host."""
    # urllib wraps the socket's error as its ``reason``; smtplib raises it as it is, and an ``ssl.SSLError``'s own
    # ``reason`` is a bare code (CERTIFICATE_VERIFY_FAILED), which read "could not connect" for a certificate refused
    reason = error if isinstance(error, ssl.SSLError) else getattr(error, "reason", error)
    if isinstance(reason, TimeoutError | socket.timeout):
        return PushError("timed_out", where=where, seconds=f"{timeout:g}")
    if isinstance(reason, ConnectionRefusedError):
        return PushError("connection_refused", where=where)
    if isinstance(reason, socket.gaierror):
        return PushError("unknown_host", where=where)
    detail = _quoted(reason)
    if isinstance(reason, ssl.SSLError):
        return PushError("tls", where=where, detail=detail)
    return PushError("unreachable", where=where, detail=detail)


def _unanswered(where: str, error: OSError, timeout: float) -> Unanswered:
    """The request was written and the answer never came whole (silence, a connection closed or reset)."""
    if isinstance(error, TimeoutError | socket.timeout):
        return Unanswered("no_reply", where=where, seconds=f"{timeout:g}")
    return Unanswered("reply_cut", where=where, detail=_quoted(error))


@dataclass(frozen=True)
class Attachment:
    file_name: str
    data: bytes
    mime: str = "application/pdf"


@dataclass(frozen=True)
class Message:
    """What one push says: ``markdown`` for the robots, ``text`` (and the attachment) for e-mail.

    ``robot_markdown`` holds a robot kind's own text where it has one (the digest, written to each robot's limit);
    any other robot gets ``markdown``."""

    kind: str  # "alerts" or "brief"
    title: str
    markdown: str
    text: str
    attachment: Attachment | None = None
    robot_markdown: Mapping[str, str] = field(default_factory=dict)
    # the e-mail's line with the dashboard's address (the robots' messages carry it as a markdown link), put after
    # the text's head and left a link: the rest of the text is unlinked, the ledgers' words in it being no address
    link_line: str | None = None

    def markdown_for(self, kind: str) -> str:
        return self.robot_markdown.get(kind, self.markdown)


@dataclass(frozen=True)
class Delivery:
    channel: str
    ok: bool
    attempts: int
    error: PushError | None = None


# ---------------------------------------------------------------- payloads


CUT_MARK = "……"  # the last line of a message cut to a robot's limit: what was left out is on the dashboard


def _body_bytes(payload: dict) -> int:
    """The request's size as ``post_json`` sends it."""
    return len(json.dumps(payload, ensure_ascii=False).encode("utf-8"))


def _wecom(content: str) -> dict:
    return {"msgtype": "markdown", "markdown": {"content": content}}


def _dingtalk(title: str, text: str) -> dict:
    # the title is what the conversation list shows; the text is the message itself
    return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}


def _json_text_bytes(text: str) -> int:
    """A text's bytes inside a JSON request as ``post_json`` writes it (escapes included, without the quotes)."""
    return len(json.dumps(text, ensure_ascii=False).encode("utf-8")) - 2


def robot_budget(kind: str, title: str) -> Budget:
    """The ``kind`` robot's own limit on a markdown text: 企业微信's counts the content's bytes, 钉钉's the whole
    request's (the title and JSON's escapes included: what the request holds besides the text is taken off its
    limit, so that a text's size adds up over its lines, as ``digest_text.Budget`` needs)."""
    if kind == "dingtalk":
        return Budget(_json_text_bytes, DINGTALK_MAX_BYTES - _body_bytes(_dingtalk(title, "")))
    return Budget(utf8_bytes, WECOM_MAX_BYTES)


def robot_fits(kind: str, title: str) -> Callable[[str], bool]:
    """Whether a markdown text is within the ``kind`` robot's own limit (``robot_budget``)."""
    return robot_budget(kind, title).fits


def cut_to_fit(text: str, fits: Callable[[str], bool]) -> str:
    """The last guard (the digest is written within each robot's limit; a brief's summary may not be): the whole lines
    that fit, then "……". It cut at a byte, mid-word or mid-number ("逾期 12" of "逾期 127 项") and said nothing of it."""
    if fits(text):
        return text
    lines = text.split("\n")
    low, high = 0, len(lines)  # the most lines that fit with the mark after them
    while low < high:
        middle = (low + high + 1) // 2
        if fits("\n".join([*lines[:middle], CUT_MARK])):
            low = middle
        else:
            high = middle - 1
    if low:
        return "\n".join([*lines[:low], CUT_MARK])
    characters = list(lines[0])  # one line longer than the limit: cut between characters, never inside one
    while characters and not fits("".join(characters) + CUT_MARK):
        characters = characters[: len(characters) * 9 // 10]
    return "".join(characters) + CUT_MARK


def wecom_payload(message: Message) -> dict:
    return _wecom(cut_to_fit(message.markdown_for("wecom"), robot_fits("wecom", message.title)))


def dingtalk_payload(message: Message) -> dict:
    return _dingtalk(message.title, cut_to_fit(message.markdown_for("dingtalk"), robot_fits("dingtalk", message.title)))


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """钉钉's 加签: base64 of HMAC-SHA256 keyed with the secret over ``"<timestamp>\\n<secret>"`` (not URL-encoded)."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int) -> str:
    separator = "&" if urlsplit(url).query else "?"
    return f"{url}{separator}timestamp={timestamp_ms}&sign={quote_plus(dingtalk_sign(secret, timestamp_ms))}"


def redacted(url: str) -> str:
    """The address without its query (the webhook key, the signature) or any "user:password@": what may be logged
    and audited."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}{parts.path}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A robot's webhook answers a POST itself. urllib follows a 302 with a GET without the message, and the page it
    lands on said errcode 0: the digest was recorded as sent and never sent again. A redirect is a failure."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001, ANN201 - urllib's signature
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _redirected(url: str, error: urllib.error.HTTPError) -> PushError:
    """A redirect said as what it means to whoever set up the webhook: the address sends elsewhere (named, without
    its query: it may carry a key), the redirect was not followed, the message was not delivered. "HTTP 302" alone
    told them nothing they could act on."""
    location = error.headers.get("Location") if error.headers is not None else None
    if not location:
        return MisdirectedAddress("redirected_nowhere", where=redacted(url), code=error.code)
    target = _quoted(redacted(urljoin(url, location.strip())))
    return MisdirectedAddress("redirected", where=redacted(url), code=error.code, target=target)


# ---------------------------------------------------------------- transports (one attempt each)


_REPLY_LIMIT = 65536  # a robot's reply is a line of JSON


def post_json(url: str, payload: dict, timeout: float) -> dict:
    """POST the payload; the robot's reply, which must say ``errcode`` 0. ``timeout`` bounds the whole exchange,
    not each read: a server sending its reply a byte a second kept a run (and, through the sending lock, every
    later run) waiting for hours."""
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    deadline = time.monotonic() + timeout
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            chunks: list[bytes] = []
            while sum(map(len, chunks)) < _REPLY_LIMIT:
                if time.monotonic() > deadline:
                    raise Unanswered("no_whole_reply", where=redacted(url), seconds=f"{timeout:g}")
                chunk = response.read1(4096)
                if not chunk:
                    break
                chunks.append(chunk)
            raw = b"".join(chunks)[:_REPLY_LIMIT]
    except urllib.error.HTTPError as error:
        if 300 <= error.code < 400:
            raise _redirected(url, error) from None
        raise PushError("http", where=redacted(url), code=error.code) from None
    except urllib.error.URLError as error:  # urllib wraps what fails before the request is wholly written
        raise _unreachable(redacted(url), error, timeout) from None
    except OSError as error:  # raised waiting for the answer or reading it: the message had gone
        raise _unanswered(redacted(url), error, timeout) from None
    try:
        reply = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        # 企业微信 and 钉钉 answer every request, taken or refused, with JSON that carries an errcode: a 200 with
        # anything else (a proxy's sign-in page, a portal, another web server at that address) is not the robot's, and
        # the message never reached it. It was tried 3 times a run and the timer started the run again, each answered
        # alike: not a delivery, and not tried again until the address or the proxy is put right (exit 1)
        raise MisdirectedAddress("not_json", where=redacted(url)) from None
    if not isinstance(reply, dict) or reply.get("errcode") != 0:
        detail = reply.get("errmsg") if isinstance(reply, dict) else reply
        code = reply.get("errcode") if isinstance(reply, dict) else None
        raise _refused(redacted(url), code, _quoted(detail))  # the robot's own words, as quoted
    return reply


def send_wecom(channel: Channel, message: Message, timeout: float, clock: Callable[[], float] = time.time) -> None:
    post_json(channel.url or "", wecom_payload(message), timeout)


def send_dingtalk(channel: Channel, message: Message, timeout: float, clock: Callable[[], float] = time.time) -> None:
    url = channel.url or ""
    if channel.secret:
        url = dingtalk_signed_url(url, channel.secret, int(clock() * 1000))
    post_json(url, dingtalk_payload(message), timeout)


def email_message(channel: Channel, message: Message) -> EmailMessage:
    mail = EmailMessage()
    # a header with a line break is refused by the e-mail library; the subject and the body are read in a mail client,
    # which makes any address in them a link: a ledger's text (a description, a unit's name) must not link itself
    mail["Subject"] = safe_text.unlinked(safe_text.one_line(message.title))
    mail["From"] = channel.sender
    mail["To"] = ", ".join(channel.to)
    mail["Date"] = formatdate(localtime=True)
    mail["Message-ID"] = make_msgid(domain=(channel.sender or "oversight").rpartition("@")[2] or None)
    mail.set_content(_with_link_line(safe_text.unlinked(message.text), message.link_line))
    if message.attachment is not None:
        maintype, _, subtype = message.attachment.mime.partition("/")
        # a Chinese file name travels RFC 2231-encoded, which Outlook, Foxmail and webmail all read
        mail.add_attachment(
            message.attachment.data, maintype=maintype, subtype=subtype, filename=message.attachment.file_name
        )
    return mail


def _with_link_line(text: str, line: str | None) -> str:
    """``text`` with ``line`` at the end of its head (its first paragraph: the title, the day, the counts), where the
    robots' messages have their link: the e-mail of a digest had none, and a leader reading it on a phone had to find
    the dashboard and set its filter by hand."""
    if not line:
        return text
    head, blank, rest = text.partition("\n\n")
    return f"{head}\n{safe_text.one_line(line)}{blank}{rest}" if blank else f"{text.rstrip()}\n{line}\n"


class _MessageWritten:
    """Knows when the whole message, ending with its lone ".", has been written to the server: from then on the
    server may have taken it, and only its answer says whether it did."""

    message_written = False

    def send(self, s: Any) -> None:  # noqa: ANN401 - smtplib.SMTP.send's own argument
        super().send(s)  # type: ignore[misc]  # smtplib.SMTP's, after this class in the order
        # the DATA payload alone ends so (smtplib.quotedata doubles a "." that starts a line of the message)
        if isinstance(s, bytes) and s.endswith(b"\r\n.\r\n"):
            self.message_written = True


class _SMTP(_MessageWritten, smtplib.SMTP):
    pass


class _SMTP_SSL(_MessageWritten, smtplib.SMTP_SSL):  # noqa: N801 - smtplib's own name, as the class it extends
    pass


def send_email(channel: Channel, message: Message, timeout: float, clock: Callable[[], float] = time.time) -> None:
    mail = email_message(channel, message)
    client: _SMTP | _SMTP_SSL | None = None
    try:
        if channel.security == "ssl":
            client = _SMTP_SSL(
                channel.host or "", channel.port or 465, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            client = _SMTP(channel.host or "", channel.port or 25, timeout=timeout)
        try:
            if channel.security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if channel.username:
                client.login(channel.username, channel.password or "")
            # a server refusing only some recipients answers the others and raises nothing: it says which it refused
            refused = client.send_message(mail)
        finally:
            _say_goodbye(client)
    except Exception as error:  # noqa: BLE001 - sorted out by _smtp_failure; what it does not know goes on as it was
        raise _smtp_failure(channel, client, error, timeout) from None
    if refused:
        said = tuple((_quoted(address), _refused_words(reply)) for address, reply in refused.items())
        raise SomeRecipientsRefused(_smtp_where(channel), said)


def _smtp_failure(channel: Channel, client: _MessageWritten | None, error: Exception, timeout: float) -> Exception:
    """What one failed e-mail attempt raises: said as a person checks it, and ``Unanswered`` where the message was
    written whole and no answer came."""
    where = _smtp_where(channel)
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return PushError("smtp_login", where=where)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return PushError("smtp_recipients", where=where)
    if isinstance(error, smtplib.SMTPSenderRefused):
        return PushError("smtp_sender", where=where, sender=channel.sender)
    # written whole and then no answer (silence past the timeout, a connection closed): the server may have taken it,
    # and a retry mailed everyone a second copy. An answer refusing it (SMTPDataError, a reply) is not this: it was
    # not taken, and is tried again
    unanswered = isinstance(error, OSError) and not isinstance(error, smtplib.SMTPResponseException)
    if unanswered and client is not None and client.message_written:
        return _smtp_unanswered(where, error, timeout)  # type: ignore[arg-type]  # an OSError, as checked
    if isinstance(error, smtplib.SMTPException):
        return PushError("smtp", where=where, detail=_quoted(error))
    if isinstance(error, OSError):
        return _unreachable(where, error, timeout)
    return error


def _smtp_unanswered(where: str, error: OSError, timeout: float) -> Unanswered:
    """The mail server was given the whole message and its answer never came (or the connection closed first)."""
    # smtplib turns a timeout while waiting for the answer into SMTPServerDisconnected("... timed out")
    if isinstance(error, TimeoutError | socket.timeout) or "timed out" in str(error):
        return Unanswered("smtp_no_reply", where=where, seconds=f"{timeout:g}")
    return Unanswered("smtp_reply_cut", where=where, detail=_quoted(error))


def _say_goodbye(client: smtplib.SMTP) -> None:
    """QUIT, whatever the server answers: once it has taken the message (250 after DATA), a QUIT answered otherwise
    than 221 does not unsend it. ``with client:`` raised on it, and the retry mailed everyone a second copy."""
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()


def _refused_words(reply: object) -> str:
    """The server's ``(code, b"words")`` for one refused recipient, as quoted elsewhere: "550 5.1.1 no such user"."""
    if isinstance(reply, tuple) and len(reply) == 2:
        code, words = reply
        words = words.decode("utf-8", "replace") if isinstance(words, bytes) else words
        return _quoted(f"{code} {words}")
    return _quoted(reply)


def _smtp_where(channel: Channel) -> str:
    return f"smtp {channel.host}:{channel.port}"


def _unexpected(channel: Channel, failure: Exception) -> PushError:
    where = redacted(channel.url) if channel.url else _smtp_where(channel)
    return PushError("unexpected", where=where, kind=type(failure).__name__)


SENDERS: dict[str, Callable[..., None]] = {"wecom": send_wecom, "dingtalk": send_dingtalk, "email": send_email}


def deliver(
    channel: Channel,
    message: Message,
    options: PushOptions,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.time,
) -> Delivery:
    """Send, retrying up to ``options.attempts`` times with a doubling pause, unless the message may have gone out or
    the settings are wrong (``PushError.sent``, ``settings_fault``); every failure is logged. Any exception
    of a send is a failed attempt, never the end of the run: the caller audits the outcome and goes on to the next
    channel (a value that stopped the run left a "sending" audit line with no outcome, and later channels untried)."""
    pause = options.backoff_seconds
    error: PushError | None = None
    for attempt in range(1, options.attempts + 1):
        try:
            SENDERS[channel.kind](channel, message, options.timeout_seconds, clock)
        except SomeRecipientsRefused as partly:  # it went out to the others: sent, with the refusal said
            log.warning("push %s to %s (%s): %s", message.kind, channel.name, channel.kind, partly)
            return Delivery(channel.name, True, attempt, partly)
        except Exception as failure:  # any failure of one send is that channel's, audited as such
            # a PushError's text is ours, without the key; anything else (a value the settings let through, a reply
            # http.client could not parse) is named by its type only: its text may quote the address and its key
            error = failure if isinstance(failure, PushError) else _unexpected(channel, failure)
            # it may have been posted: one message in the group, not two; or the settings are wrong, and each
            # attempt would be refused alike
            if error.sent or error.settings_fault:
                said = "" if error.sent else "; a fault of the settings, not tried again"  # the former says so itself
                log.warning("push %s to %s (%s): %s%s", message.kind, channel.name, channel.kind, error, said)
                return Delivery(channel.name, False, attempt, error)
            log.warning(
                "push %s to %s (%s): attempt %d of %d failed: %s",
                message.kind,
                channel.name,
                channel.kind,
                attempt,
                options.attempts,
                error,
            )
            if attempt < options.attempts:
                sleep(pause)
                pause *= 2
            continue
        log.info("push %s to %s (%s): sent on attempt %d", message.kind, channel.name, channel.kind, attempt)
        return Delivery(channel.name, True, attempt)
    return Delivery(channel.name, False, options.attempts, error)
