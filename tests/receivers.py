"""Local stand-ins for the places pushes go: a webhook receiver (企业微信 / 钉钉 robots) and an SMTP server,
both on 127.0.0.1, started and stopped by the test that uses them."""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller


@dataclass
class Received:
    path: str
    query: dict[str, list[str]]
    content_type: str
    body: dict


@dataclass
class RobotReceiver:
    """Answers POSTs as the robots do; ``replies`` scripts (status, json) per request, then ``{"errcode": 0}``."""

    replies: list[tuple[int, dict | bytes]] = field(default_factory=list)
    requests: list[Received] = field(default_factory=list)

    def __enter__(self) -> RobotReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (the http.server API)
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length)
                parts = urlsplit(self.path)
                receiver.requests.append(
                    Received(
                        parts.path,
                        parse_qs(parts.query),
                        self.headers.get("Content-Type", ""),
                        json.loads(raw.decode("utf-8")),
                    )
                )
                status, reply = receiver.replies.pop(0) if receiver.replies else (200, {"errcode": 0, "errmsg": "ok"})
                # bytes are a page that is not the robot's (a proxy's sign-in page), sent as they are
                body = reply if isinstance(reply, bytes) else json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html" if isinstance(reply, bytes) else "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):  # keep the test output clean
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def on(self, path: str) -> list[Received]:
        return [request for request in self.requests if request.path == path]

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Collect:
    def __init__(self, messages: list, refuse: tuple[str, ...] = ()) -> None:
        self.messages, self.refuse = messages, refuse

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (the aiosmtpd API)
        if address in self.refuse:  # as a server answers a mailbox it does not have
            return f"550 5.1.1 <{address}>: user unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (the aiosmtpd API)
        self.messages.append(
            (envelope.mail_from, list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=policy.default))
        )
        return "250 OK"


@dataclass
class SmtpReceiver:
    """An SMTP server (aiosmtpd) keeping every message as (from, recipients, email.message.EmailMessage)."""

    messages: list = field(default_factory=list)
    refuse: tuple[str, ...] = ()  # recipients answered 550, as a mailbox the server does not have

    def __enter__(self) -> SmtpReceiver:
        self.port = free_port()
        self.controller = Controller(_Collect(self.messages, self.refuse), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


@dataclass
class ScriptedSmtp:
    """A bare SMTP server on 127.0.0.1 that takes every command and, once a message's closing "." is in, does
    ``after_data``: "silence" (no answer until the test ends), "hang_up" (closes the connection), or answers with
    that reply line ("451 4.3.0 try later"). ``messages`` has each message it was given whole."""

    after_data: str
    messages: list = field(default_factory=list)

    def __enter__(self) -> ScriptedSmtp:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(5)
        self.port = self.listener.getsockname()[1]
        self.done = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()
        return self

    def _serve(self) -> None:
        while not self.done.is_set():
            try:
                connection, _ = self.listener.accept()
            except OSError:  # closed by __exit__
                return
            threading.Thread(target=self._talk, args=(connection,), daemon=True).start()

    def _talk(self, connection: socket.socket) -> None:
        with connection:
            stream = connection.makefile("rb")
            connection.sendall(b"220 test\r\n")
            while line := stream.readline():
                command = line.strip().upper()
                if command == b"DATA":
                    connection.sendall(b"354 go on\r\n")
                    self.messages.append(b"".join(iter(stream.readline, b".\r\n")))
                    if self.after_data == "silence":
                        self.done.wait(10)
                        return
                    if self.after_data == "hang_up":
                        return
                    connection.sendall(self.after_data.encode() + b"\r\n")
                elif command == b"QUIT":
                    connection.sendall(b"221 bye\r\n")
                    return
                else:
                    connection.sendall(b"250 ok\r\n")

    def __exit__(self, *exc) -> None:
        self.done.set()
        self.listener.close()
