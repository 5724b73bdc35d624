"""The rendered nginx.conf keeps every route on its replica unless that replica is really down.

The replicas here are stand-ins (a few lines of socket code each, answering with their own port), so each
test can make a replica misbehave exactly when it needs to, which real Streamlit processes cannot be made
to do on cue. The stand-in behaves like the replicas' server (uvicorn under Streamlit) at its worst: a
connection left idle for uvicorn's keep-alive timeout is closed by the replica, and a request that arrives
on it meanwhile is reset. That is what the CI soak met (issue 16): nginx reused an upstream connection the
replica was closing, the request failed, nginx passed it to another replica and took the first one out of
the rotation for 10 s, and the leader's upload landed on a replica without the session (400) and never
arrived.
"""

from __future__ import annotations

import inspect
import socket
import struct
import threading
import time
import urllib.request

import pytest

from deploy import cluster

pytestmark = pytest.mark.cluster


def uvicorn_keep_alive_s() -> float:
    """How long the replicas keep an idle connection: uvicorn's default, which Streamlit does not change."""
    import uvicorn

    return float(inspect.signature(uvicorn.Config).parameters["timeout_keep_alive"].default)


class StandInReplica:
    """Answers every request with its port; resets a connection reused after ``idle_s`` and the paths in
    ``reset_once`` (the first time each is asked for); once ``stop`` ran, it is down: every connection it
    held is closed and new ones are refused."""

    def __init__(self, idle_s: float):
        self.idle_s = idle_s
        self.reset_once: set[str] = set()
        self.resets: list[str] = []
        self.connections: list[socket.socket] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:  # the listener was closed: the replica is down
                return
            self.connections.append(connection)
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        answered_at = None
        pending = b""
        with connection:
            while True:
                try:
                    chunk = connection.recv(65536)
                except OSError:
                    return
                if not chunk:
                    return
                pending += chunk
                while b"\r\n\r\n" in pending:
                    head, pending = pending.split(b"\r\n\r\n", 1)
                    lines = head.decode("latin-1").split("\r\n")
                    path = lines[0].split(" ")[1]
                    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
                    pending = pending[int(headers.get("content-length", 0)) :]
                    idle = answered_at is not None and time.monotonic() - answered_at >= self.idle_s
                    if idle or path in self.reset_once:
                        self.reset_once.discard(path)
                        self.resets.append(path)
                        # RST, no answer: what nginx sees when it reuses a connection the replica just closed
                        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                        return
                    body = str(self.port).encode()
                    closing = headers.get("connection", "").lower() == "close"
                    connection.sendall(
                        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
                        + str(len(body)).encode()
                        + b"\r\nConnection: "
                        + (b"close" if closing else b"keep-alive")
                        + b"\r\n\r\n"
                        + body
                    )
                    answered_at = time.monotonic()
                    if closing:
                        return

    def stop(self) -> None:
        # shutdown before close: close alone leaves a socket working while another thread still waits on it
        for held in (self.listener, *self.connections):
            try:
                held.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed by its peer
            held.close()


class Proxy:
    def __init__(self, plan: cluster.Layout, replicas: list[StandInReplica]):
        self.plan = plan
        self.replicas = replicas

    def get(self, route: str, path: str = "/_stcore/host-config") -> tuple[int, int]:
        """(status, the port of the replica that answered) for a request of the browser holding ``route``."""
        request = urllib.request.Request(self.plan.url + path, headers={"Cookie": f"oversight_route={route}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, int(response.read())

    def route_on(self, port: int, avoid: tuple[str, ...] = ()) -> str:
        """A route cookie that the consistent hash sends to ``port``."""
        for n in range(500):
            route = f"route-{n}"
            if route not in avoid and self.get(route)[1] == port:
                return route
        raise AssertionError(f"no route of 500 hashes to {port}")

    def log(self, name: str) -> str:
        return (self.plan.run_dir / name).read_text(encoding="utf-8")

    def moved(self) -> list[str]:
        """Access-log lines of requests nginx passed on from one replica to another."""
        return [
            line
            for line in self.log("access.log").splitlines()
            if ", " in line.split("upstream=", 1)[1].split(" rt=", 1)[0]
        ]


@pytest.fixture
def proxy(tmp_path):
    try:
        cluster.nginx_binary()
    except cluster.ClusterError as error:
        pytest.fail(str(error))
    replicas = [StandInReplica(uvicorn_keep_alive_s()) for _ in range(3)]
    probe = socket.create_server(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    plan = cluster.Layout(run_dir=tmp_path / "run", port=port, replica_ports=tuple(r.port for r in replicas))
    plan.run_dir.mkdir()
    cluster.start_nginx(plan)
    try:
        yield Proxy(plan, replicas)
    finally:
        cluster.stop(plan)
        for replica in replicas:
            replica.stop()


def test_a_connection_the_replica_closes_when_idle_is_never_reused_so_the_route_stays(proxy):
    replica = proxy.replicas[0]
    route = proxy.route_on(replica.port)
    for _ in range(2):
        time.sleep(replica.idle_s + 0.5)  # the replica has dropped every connection nginx could still hold
        assert proxy.get(route) == (200, replica.port)
    assert replica.resets == []
    assert proxy.moved() == []
    errors = proxy.log("error.log")
    assert "temporarily disabled" not in errors and "prematurely closed" not in errors and "reset by peer" not in errors


def test_one_failed_request_does_not_take_a_live_replica_away_from_its_sessions(proxy):
    replica = proxy.replicas[0]
    failing = proxy.route_on(replica.port)
    other = proxy.route_on(replica.port, avoid=(failing,))
    replica.reset_once.add("/one-bad-request")
    # the failed request itself is passed on (nginx cannot tell a reset from a crash) ...
    status, served_by = proxy.get(failing, "/one-bad-request")
    assert status == 200 and served_by != replica.port and replica.resets == ["/one-bad-request"]
    # ... but the replica keeps its routes: the same browser's next request and another session's
    assert proxy.get(failing, "/_stcore/upload_file/session/file") == (200, replica.port)
    assert proxy.get(other) == (200, replica.port)
    assert "temporarily disabled" not in proxy.log("error.log")


def test_a_replica_that_refuses_connections_hands_its_routes_to_one_other_replica(proxy):
    down, *up = proxy.replicas
    route = proxy.route_on(down.port)
    down.stop()
    status, served_by = proxy.get(route)
    assert status == 200 and served_by in {r.port for r in up}
    # every later request of that browser reaches the same survivor (its new session lives there)
    assert {proxy.get(route)[1] for _ in range(5)} == {served_by}
    # and the survivors keep their own routes
    for replica in up:
        survivor_route = proxy.route_on(replica.port)
        assert proxy.get(survivor_route) == (200, replica.port)
