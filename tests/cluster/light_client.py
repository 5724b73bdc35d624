"""A Streamlit session without a browser: Streamlit's own websocket protocol, spoken from Python.

Fifty Chromium contexts on a 2-core machine starve the replicas they are meant to load (load 26, p95 133 s):
what they measure is Chromium. This client costs a websocket and a few protobufs per session, so the soak can
hold many sessions and still measure the replicas. It does what the browser does, in the same messages:

- it loads the page first (``GET /?query``) through nginx, keeping the ``oversight_route`` cookie nginx sets,
  and sends that cookie with the websocket upgrade, so the session sticks to one replica like a browser's;
- it opens ``/_stcore/stream`` with the ``streamlit`` subprotocol and asks for a run with a ``rerun_script``
  BackMsg carrying the query string, the page's script hash and every live widget's state
  (``WidgetStates``), as the frontend's WidgetStateManager sends them;
- it reads the ForwardMsgs: ``new_session`` begins a run, ``delta`` messages draw elements at their
  ``delta_path``, ``page_info_changed`` rewrites the address (the next rerun sends it back, as the browser's
  address bar would), ``script_finished`` ends the run.

Streamlit's message cache: the client says it caches nothing (``cached_message_hashes`` empty), so the
server sends every element in full; should a ``ref_hash`` still arrive, it is resolved from the messages this
client has seen, and one it has not seen is an error, never silently skipped.
"""

from __future__ import annotations

import asyncio
import time
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

ROUTE_COOKIE = "oversight_route"
TIMEZONE = "Asia/Shanghai"


class ProtocolError(AssertionError):
    """The server said something a browser would not have accepted, or did not answer in time."""


@dataclass
class Run:
    """What one finished script run drew: its elements by delta path (the browser drops the others)."""

    elements: dict[tuple[int, ...], Element] = field(default_factory=dict)
    status: int | None = None

    def of_type(self, kind: str) -> list[Element]:
        return [element for _, element in sorted(self.elements.items()) if element.WhichOneof("type") == kind]

    def widget(self, kind: str, label: str) -> Element:
        """The widget of this kind with this label (labels are what a person sees; ids change with keys)."""
        found = [element for element in self.of_type(kind) if getattr(element, kind).label == label]
        if len(found) != 1:
            shown = [getattr(e, kind).label for e in self.of_type(kind)]
            raise ProtocolError(f"{len(found)} {kind} labelled {label!r} in this run; labels shown: {shown}")
        return found[0]

    def metric(self, label: str) -> str:
        """The value a metric card shows (its body, e.g. "44次")."""
        return self.widget("metric", label).metric.body

    def errors(self) -> list[str]:
        """What a person would see as an error or a warning: exceptions and error/warning alerts."""
        shown = [f"exception: {e.exception.type}: {e.exception.message}"[:200] for e in self.of_type("exception")]
        shown += [
            f"{Alert.Format.Name(e.alert.format).lower()}: {e.alert.body}"[:200]
            for e in self.of_type("alert")
            if e.alert.format in (Alert.ERROR, Alert.WARNING)
        ]
        return shown


@dataclass
class LightSession:
    """One person's session: one route cookie, one websocket, one Streamlit session on one replica."""

    base_url: str  # nginx's, e.g. http://127.0.0.1:8600
    query_string: str  # the address's query, without "?"
    locale: str = "zh-CN"
    timeout: float = 120.0
    route: str | None = None
    page_script_hash: str = ""
    session_id: str = ""  # the replica's id of this session, which a download's request must name
    _socket: object = None
    _states: dict[str, WidgetState] = field(default_factory=dict)  # live widgets' values, as the browser holds
    _seen: dict[str, ForwardMsg] = field(default_factory=dict)  # messages by hash, for a ref_hash
    _run: Run = field(default_factory=Run)

    # ---------------------------------------------------------------- connection

    async def open(self) -> Run:
        """Load the page (for the route cookie), open the websocket and wait for the first run."""
        from websockets.asyncio.client import connect

        self.route = await asyncio.to_thread(self._load_page)
        parts = urllib.parse.urlsplit(self.base_url)
        self._socket = await connect(
            f"ws://{parts.netloc}/_stcore/stream",
            subprotocols=["streamlit"],  # type: ignore[list-item]
            additional_headers={"Cookie": f"{ROUTE_COOKIE}={self.route}", "Origin": self.base_url},
            open_timeout=self.timeout,
            max_size=None,  # a chart's figure can exceed the library's 1 MiB default
            ping_interval=None,  # the server pings; the library answers by itself
        )
        return await self.rerun()

    def _load_page(self) -> str:
        """GET the page as a browser's first request; the route cookie nginx sets on it (one per client), or the
        one this client was given (``route``) and sent."""
        headers = {"Accept": "text/html"}
        if self.route:  # a second tab of the same browser: its cookie sent, the same replica
            headers["Cookie"] = f"{ROUTE_COOKIE}={self.route}"
        request = urllib.request.Request(f"{self.base_url}/?{self.query_string}", headers=headers)
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                if name.strip() == ROUTE_COOKIE:
                    return rest.split(";", 1)[0]
        if self.route:
            return self.route
        raise ProtocolError(f"nginx set no {ROUTE_COOKIE} cookie on the page")

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()  # type: ignore[attr-defined]

    # ---------------------------------------------------------------- runs

    async def rerun(self, changed: Iterable[WidgetState] = (), triggers: Iterable[WidgetState] = ()) -> Run:
        """Send a rerun with every live widget's state (``changed`` set first) and one-shot ``triggers``;
        return the run once it has finished successfully (a run ended early by ``st.rerun`` is followed)."""
        for state in changed:
            self._states[state.id] = state
        message = BackMsg()
        client_state = message.rerun_script
        client_state.query_string = self.query_string
        client_state.page_script_hash = self.page_script_hash
        client_state.widget_states.widgets.extend([*self._states.values(), *triggers])
        client_state.context_info.timezone = TIMEZONE
        client_state.context_info.timezone_offset = -480  # minutes, as JavaScript's getTimezoneOffset says
        client_state.context_info.locale = self.locale
        client_state.context_info.url = f"{self.base_url}/?{self.query_string}"
        await self._socket.send(message.SerializeToString())  # type: ignore[attr-defined]
        return await self._finished()

    async def _finished(self) -> Run:
        deadline = time.monotonic() + self.timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ProtocolError(f"no finished run within {self.timeout:.0f} s")
            try:
                data = await asyncio.wait_for(self._socket.recv(), timeout=left)  # type: ignore[attr-defined]
            except TimeoutError:
                continue  # the deadline check above reports it
            message = ForwardMsg()
            message.ParseFromString(data)
            message = self._resolved(message)
            kind = message.WhichOneof("type")
            if kind == "new_session":
                self._run = Run()
                self.page_script_hash = message.new_session.page_script_hash
                self.session_id = message.new_session.initialize.session_id or self.session_id
            elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                self._run.elements[tuple(message.metadata.delta_path)] = message.delta.new_element
            elif kind == "page_info_changed":
                self.query_string = message.page_info_changed.query_string
            elif kind == "script_finished":
                self._run.status = message.script_finished
                if message.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                    self._forget_removed_widgets()
                    return self._run
                if message.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    raise ProtocolError("the page did not compile")
                # FINISHED_EARLY_FOR_RERUN: the next run follows by itself

    def _resolved(self, message: ForwardMsg) -> ForwardMsg:
        if message.WhichOneof("type") == "ref_hash":
            cached = self._seen.get(message.ref_hash)
            if cached is None:
                raise ProtocolError(f"the server referred to message {message.ref_hash} this client never got")
            full = ForwardMsg()
            full.CopyFrom(cached)
            full.metadata.CopyFrom(message.metadata)
            return full
        if message.hash and message.metadata.cacheable:
            self._seen[message.hash] = message
        return message

    def _forget_removed_widgets(self) -> None:
        """The browser drops the state of widgets a finished run no longer draws (WidgetStateManager's
        removeInactive); so does this client, or a stale id would ride along in every later rerun."""
        live = {getattr(e, e.WhichOneof("type")).id for e in self._run.elements.values() if _is_widget(e)}
        self._states = {key: state for key, state in self._states.items() if key in live}

    # ---------------------------------------------------------------- what a person does

    async def sign_in(self, username: str, password: str, labels: tuple[str, str, str]) -> Run:
        """Fill the sign-in form (account, password, submit labels) and submit it, as the form's button does:
        the form's values and the button's one-shot trigger in one rerun."""
        form = self._run
        user_label, password_label, submit_label = labels
        user = _text(form.widget("text_input", user_label).text_input.id, username)
        secret = _text(form.widget("text_input", password_label).text_input.id, password)
        submit = WidgetState(id=form.widget("button", submit_label).button.id, trigger_value=True)
        run = await self.rerun(changed=[user, secret], triggers=[submit])
        return run

    async def move_range_start(self, label: str, steps: int) -> Run:
        """Move a range select_slider's start by ``steps`` options (−1: one to the left, as ArrowLeft does);
        the browser sends the two ends as the options' formatted labels (``string_array_value``)."""
        slider = self._run.widget("slider", label).slider
        ends = list(slider.value if slider.set_value and slider.value else slider.default)
        start, end = int(ends[0]) + steps, int(ends[-1])
        if not 0 <= start <= end:
            raise ProtocolError(f"the range cannot start at option {start} (end {end})")
        state = WidgetState(id=slider.id)
        state.string_array_value.data.extend([slider.options[start], slider.options[end]])
        return await self.rerun(changed=[state])

    async def open_page(self, page_name: str, triggers: Iterable[WidgetState] = ()) -> Run:
        """Go to another page (``briefing``: its address's path), as the sidebar's link does: a rerun naming the
        page, with every live widget's state and one-shot ``triggers`` (a button on that page)."""
        message = BackMsg()
        client_state = message.rerun_script
        client_state.query_string = self.query_string
        client_state.page_name = page_name
        client_state.widget_states.widgets.extend([*self._states.values(), *triggers])
        client_state.context_info.timezone = TIMEZONE
        client_state.context_info.locale = self.locale
        await self._socket.send(message.SerializeToString())  # type: ignore[attr-defined]
        return await self._finished()

    async def click_button(self, page_name: str, label: str) -> Run:
        """Click the button ``label`` of the last run, drawn on the page ``page_name``."""
        button = self._run.widget("button", label).button
        return await self.open_page(page_name, [WidgetState(id=button.id, trigger_value=True)])

    async def download(self, label: str) -> bytes:
        """Click the last run's first 下载 button labelled ``label`` as the browser does: the file is made on
        demand (``ask_download``), then fetched from the address the replica answers with (``fetch``). A refusal
        or a 404 raises."""
        return await asyncio.to_thread(self.fetch, await self.ask_download(label))

    async def ask_download(self, label: str) -> str:
        """The first half of a download: ask for the file of the last run's first 下载 button labelled ``label``
        (a ``backend_operation_request`` naming this session); the ``/media/…`` address the replica made it at."""
        buttons = [e.download_button for e in self._run.of_type("download_button") if e.download_button.label == label]
        if not buttons:
            raise ProtocolError(f"no download button labelled {label!r} in the last run")
        message = BackMsg()
        request = message.backend_operation_request
        request.request_id = f"download-{time.monotonic_ns()}"
        request.session_id = self.session_id
        request.deferred_file.file_id = buttons[0].deferred_file_id
        await self._socket.send(message.SerializeToString())  # type: ignore[attr-defined]
        return await self.made_file_address(request.request_id)

    async def made_file_address(self, request_id: str) -> str:
        """The ``/media/…`` address the server answered a download's request with (other messages skipped)."""
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            try:
                data = await asyncio.wait_for(self._socket.recv(), timeout=deadline - time.monotonic())  # type: ignore[attr-defined]
            except TimeoutError:
                break
            message = ForwardMsg()
            message.ParseFromString(data)
            if message.WhichOneof("type") == "backend_operation_response":
                answer = message.backend_operation_response
                if answer.request_id != request_id:
                    continue
                if answer.error_msg:
                    raise ProtocolError(f"the download was refused: {answer.error_msg}")
                return answer.deferred_file.url
        raise ProtocolError(f"no answer to the download within {self.timeout:.0f} s")

    def fetch(self, address: str) -> bytes:
        """GET a file the replica made (``/media/…``) through nginx, with this client's route cookie."""
        url = address if address.startswith("http") else f"{self.base_url}{address}"
        request = urllib.request.Request(url, headers={"Cookie": f"{ROUTE_COOKIE}={self.route}"})
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            return response.read()

    def query(self) -> dict[str, list[str]]:
        """The session's address as the server last set it, parsed."""
        return urllib.parse.parse_qs(self.query_string)


def _text(widget_id: str, value: str) -> WidgetState:
    return WidgetState(id=widget_id, string_value=value)


WIDGET_TYPES = {
    "button",
    "checkbox",
    "multiselect",
    "radio",
    "selectbox",
    "slider",
    "text_input",
    "text_area",
    "number_input",
    "date_input",
    "time_input",
    "file_uploader",
    "button_group",
    "download_button",
    "toggle",  # not a type of its own today; harmless if absent
}


def _is_widget(element: Element) -> bool:
    kind = element.WhichOneof("type")
    return kind in WIDGET_TYPES and bool(getattr(getattr(element, kind), "id", ""))
