"""A student without a browser: a client that speaks Streamlit 1.67's websocket protocol.

The browser's side of the conversation, as the frontend does it (read in Streamlit's source,
frontend/lib/src/WidgetStateManager.ts and App.tsx): one websocket to `/_stcore/stream` with
the subprotocol `streamlit`; every script run is asked for with a `BackMsg.rerun_script`
carrying a `ClientState`: the page (its URL path in the first request, then the page hash the
server's `navigation` message gave), the query string (`page_info_changed`), the widgets'
values, and the hashes of the cacheable messages already received (the server then sends a
`ref_hash` instead of the message again). A press sends the button's `trigger_value` once.
A fragment with `run_every` arrives as `auto_rerun`; the browser then asks for that fragment
every `interval` seconds (`fragment_id`, `is_auto_rerun`) until `stop_auto_rerun` or the
next full run (a `new_session` message whose `metadata.run` names no fragment). A widget
drawn inside a fragment (its delta's `fragment_id`) asks for that fragment's run alone when it
changes; an expander that reruns when opened (`on_change`) has a widget id and a bool value.

Widget values: the client sends the value of every slider, number and text box it has seen,
plus the one it changes. A widget it does not send keeps the value the server holds for it
(SessionState falls back to the previous run's value), so leaving out the kinds of widget this
client does not model (selections, tabs) changes no setting; it only makes the
request a few hundred bytes smaller than the browser's.

No Locust here: benchmarks/class_locustfile.py times these calls.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import websocket
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

FINISHED = {
    ForwardMsg.FINISHED_SUCCESSFULLY,
    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
}
WIDGET_KINDS = ("slider", "number_input", "text_input", "checkbox", "button")


class ProtocolError(Exception):
    """The server answered in a way a browser would show as an error."""


@dataclass
class Widget:
    kind: str
    id: str
    label: str
    value: object = None
    integer: bool = False
    low: float = 0.0  # sliders and number boxes: their range and step
    high: float = 0.0
    step: float = 0.0
    disabled: bool = False
    fragment_id: str = ""  # drawn by this fragment: a change reruns it alone, as in a browser

    @property
    def key(self) -> str:
        """The user key Streamlit puts at the end of a keyed widget's id ("mlp.steps")."""
        return self.id.split("-", 2)[-1] if self.id.startswith("$$ID-") else ""

    def state(self, value: object = None) -> WidgetState | None:
        value = self.value if value is None else value
        state = WidgetState(id=self.id)
        if self.kind == "slider":
            state.double_array_value.data.extend(value)
        elif self.kind == "number_input":
            if self.integer:
                state.int_value = int(value)
            else:
                state.double_value = float(value)
        elif self.kind == "text_input":
            state.string_value = str(value)
        elif self.kind == "checkbox":
            state.bool_value = bool(value)
        else:
            return None
        return state


@dataclass
class RunResult:
    """What one script run sent: its status, bytes, the texts it drew, errors shown."""

    seconds: float = 0.0
    bytes: int = 0
    messages: int = 0
    texts: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    status: int | None = None


class StreamlitStudent:
    """One session: open a page, change widgets, press buttons, follow live fragments."""

    def __init__(self, base_url: str, timeout: float = 120.0):
        parts = urlsplit(base_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        self.url = f"{scheme}://{parts.netloc}{parts.path.rstrip('/')}/_stcore/stream"
        self.timeout = timeout
        self.socket: websocket.WebSocket | None = None
        self.page_hash = ""
        self.query_string = ""
        self.widgets: dict[str, Widget] = {}  # by id
        self.cached: dict[str, list[Widget]] = {}  # message hash -> widgets it drew
        self.auto_rerun: tuple[float, str] | None = None  # (interval, fragment id)
        # What this student set, by widget id: a browser keeps a typed value although the
        # server does not draw the widget again (a cached element comes back by its hash).
        self.set_by_student: dict[str, object] = {}
        self.bytes_received = 0

    # ---- the connection ---------------------------------------------------------------------

    def connect(self) -> None:
        self.socket = websocket.create_connection(
            self.url, subprotocols=["streamlit"], timeout=self.timeout
        )

    def close(self) -> None:
        if self.socket is not None:
            self.socket.close()
            self.socket = None

    def _send(self, message: BackMsg) -> None:
        self.socket.send_binary(message.SerializeToString())

    # ---- script runs ------------------------------------------------------------------------

    def open(self, page: str, query_string: str = "") -> RunResult:
        """A first visit: the page named by its URL path, as the browser's first request."""
        if self.socket is None:
            self.connect()
        self.widgets.clear()
        self.set_by_student.clear()
        self.auto_rerun = None  # the browser clears its fragment timers on a page change
        self.page_hash, self.query_string = "", query_string
        return self._rerun(page_name=page)

    def change(self, key: str, value: object) -> RunResult:
        widget = self.widget(key)
        self.set_by_student[widget.id] = value
        return self._rerun(changed=widget.state(value), fragment_id=widget.fragment_id)

    def press(self, key: str) -> RunResult:
        widget = self.widget(key)
        trigger = WidgetState(id=widget.id, trigger_value=True)
        return self._rerun(changed=trigger, fragment_id=widget.fragment_id)

    def nudge(self, key: str) -> RunResult:
        """Move a slider one step away from the end it is at (as an arrow key would)."""
        widget = self.widget(key)
        (now,) = widget.value
        moved = now + widget.step if now + widget.step <= widget.high else now - widget.step
        return self.change(key, [moved])

    def has(self, key: str) -> bool:
        """Whether the page shows a widget with this key."""
        return any(widget.key == key for widget in self.widgets.values())

    def press_first_enabled(self, *keys: str) -> RunResult:
        """Press the first of these buttons that is on the page and enabled."""
        for key in keys:
            if self.has(key) and not self.widget(key).disabled:
                return self.press(key)
        raise ProtocolError(f"none of {keys} is on the page and enabled")

    def follow_fragment(self, until: float) -> list[RunResult]:
        """Ask for the live fragment on its timer until the server stops it (or `until`, a
        time.monotonic() deadline, passes); returns each fragment run."""
        runs = []
        while self.auto_rerun is not None and time.monotonic() < until:
            time.sleep(self.auto_rerun[0])
            runs.append(self.timer_run())
        return runs

    def timer_run(self) -> RunResult:
        """The fragment's run that its timer asks for now (the caller waited its interval)."""
        if self.auto_rerun is None:
            raise ProtocolError("no fragment is on a timer")
        return self._rerun(fragment_id=self.auto_rerun[1], is_auto_rerun=True)

    def widget(self, key: str) -> Widget:
        for widget in self.widgets.values():
            if widget.key == key:
                return widget
        raise ProtocolError(f"no widget with the key {key!r} on the page")

    def _rerun(
        self,
        *,
        page_name: str = "",
        changed: WidgetState | None = None,
        fragment_id: str = "",
        is_auto_rerun: bool = False,
    ) -> RunResult:
        message = BackMsg()
        client = message.rerun_script
        client.query_string = self.query_string
        client.page_script_hash = self.page_hash
        client.page_name = page_name
        client.fragment_id = fragment_id
        client.is_auto_rerun = is_auto_rerun
        client.cached_message_hashes.extend(self.cached)
        for widget in self.widgets.values():
            if changed is not None and widget.id == changed.id:
                continue
            state = widget.state(self.set_by_student.get(widget.id))
            if state is not None:
                client.widget_states.widgets.append(state)
        if changed is not None:
            client.widget_states.widgets.append(changed)
        started = time.perf_counter()
        self._send(message)
        result = self._read_until_finished()
        result.seconds = time.perf_counter() - started
        return result

    def _read_until_finished(self) -> RunResult:
        result = RunResult()
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            payload = self.socket.recv()
            if isinstance(payload, str):
                payload = payload.encode()
            result.bytes += len(payload)
            result.messages += 1
            self.bytes_received += len(payload)
            message = ForwardMsg.FromString(payload)
            kind = message.WhichOneof("type")
            if kind == "script_finished":
                result.status = message.script_finished
                if message.script_finished in FINISHED:
                    return result
                if message.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # a newer run (st.rerun) follows
                raise ProtocolError(f"the script run ended with status {message.script_finished}")
            self._take(message, kind, result)
        raise ProtocolError(f"no answer within {self.timeout:.0f} s")

    def _take(self, message: ForwardMsg, kind: str, result: RunResult) -> None:
        if kind == "new_session":
            self.page_hash = message.new_session.page_script_hash or self.page_hash
            if not message.metadata.run.fragment_ids:
                self.auto_rerun = None  # a full run: the browser clears its fragment timers
        elif kind == "navigation":
            self.page_hash = message.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query_string = message.page_info_changed.query_string
        elif kind == "auto_rerun":
            self.auto_rerun = (message.auto_rerun.interval, message.auto_rerun.fragment_id)
        elif kind == "stop_auto_rerun":
            self.auto_rerun = None
        elif kind == "ref_hash":
            for widget in self.cached.get(message.ref_hash, ()):
                self.widgets[widget.id] = widget
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            drawn = self._element(message.delta.new_element, result)
            for widget in drawn:
                widget.fragment_id = message.delta.fragment_id
            if message.metadata.cacheable and message.hash:
                self.cached[message.hash] = drawn
        elif kind == "delta" and message.delta.WhichOneof("type") == "add_block":
            block = message.delta.add_block
            if block.WhichOneof("type") == "expandable" and block.expandable.id:
                # An expander that reruns when opened: a widget whose value is "open".
                box = block.expandable
                widget = Widget("checkbox", box.id, box.label, value=box.expanded)
                widget.fragment_id = message.delta.fragment_id
                self.widgets[widget.id] = widget

    def _element(self, element, result: RunResult) -> list[Widget]:
        kind = element.WhichOneof("type")
        if kind in ("markdown", "text", "alert"):
            result.texts.append(getattr(element, kind).body)
        elif kind == "progress":
            result.texts.append(element.progress.text)
        elif kind == "exception":
            result.exceptions.append(element.exception.message or element.exception.type)
        if kind not in WIDGET_KINDS:
            return []
        proto = getattr(element, kind)
        if kind == "slider" and proto.options:
            kind = "select_slider"  # its value is an option, not a number: not modelled
        widget = Widget(kind, proto.id, proto.label, disabled=proto.disabled)
        if kind in ("slider", "number_input"):
            widget.low, widget.high, widget.step = proto.min, proto.max, proto.step
            value = proto.value if proto.set_value else proto.default
            widget.integer = proto.data_type == type(proto).INT
            widget.value = list(value) if kind == "slider" else value
        elif kind == "text_input" or kind == "checkbox":
            widget.value = proto.value if proto.set_value else proto.default
        if getattr(proto, "set_value", False):
            self.set_by_student.pop(widget.id, None)  # the page set it: the page's value wins
        self.widgets[widget.id] = widget
        return [widget]
