"""`streamlit run`, plus a log of how long the server takes to answer each rerun request.

    SERVER_TIMINGS=artifacts/timings.jsonl python -m benchmarks.timed_server run dashboard.py ...

For benchmarks/load.py only; the app never runs this. In the load benchmark the students'
browsers share the server's two cores, so a time measured in the browser includes Chromium
drawing thirty pages and Playwright relaying their messages. This measures the server alone:
from the moment its event loop handles a rerun request (a click, a widget change, a page
opened, a fragment's timer) to the moment the run that answers it has finished and its
"finished" message is queued for the browser. Requests that arrive while a run is going on
(Streamlit stops that run and starts again) count from the first of them; reruns the script
asks for itself (st.rerun) are part of the same answer.

One JSON line per answered request: {"at": unix time of the answer, "seconds": ..., "fragment":
whether the request was a fragment's own rerun, "session": a short per-session number}.
"""

from __future__ import annotations

import json
import os
import sys
import time

from streamlit.runtime.app_session import AppSession
from streamlit.runtime.scriptrunner import ScriptRunnerEvent
from streamlit.web import cli

_ANSWERED = {
    ScriptRunnerEvent.SCRIPT_STOPPED_WITH_SUCCESS,
    ScriptRunnerEvent.SCRIPT_STOPPED_WITH_COMPILE_ERROR,
    ScriptRunnerEvent.FRAGMENT_STOPPED_WITH_SUCCESS,
}


def install(log_path: str) -> None:
    """Patch AppSession (in this process only) to write the log. Both patched methods run on
    the server's event loop thread, so the bookkeeping needs no lock."""
    log = open(log_path, "a", buffering=1)  # noqa: SIM115 - open for the server's lifetime
    # session id -> (when its first unanswered request arrived, was it a fragment's)
    pending: dict[str, tuple[float, bool]] = {}
    numbers: dict[str, int] = {}
    handle_backmsg = AppSession.handle_backmsg
    handle_event = AppSession._handle_scriptrunner_event_on_event_loop

    def timed_handle_backmsg(self, msg):
        if msg.WhichOneof("type") == "rerun_script":
            fragment_id = msg.rerun_script.fragment_id
            # Streamlit drops a fragment's rerun when a full run has removed the fragment (a
            # timer that fired as training ended): nothing answers it, so it is not counted.
            if not fragment_id or self.has_fragment(fragment_id):
                pending.setdefault(self.id, (time.perf_counter(), bool(fragment_id)))
        return handle_backmsg(self, msg)

    def timed_handle_event(self, sender, event, *args, **kwargs):
        # Streamlit ignores what a replaced ScriptRunner reports (fast reruns stop the old
        # one and start a new one); so does this log.
        current = sender is None or sender is self._scriptrunner
        result = handle_event(self, sender, event, *args, **kwargs)
        if current and event in _ANSWERED and self.id in pending:
            asked, fragment = pending.pop(self.id)
            number = numbers.setdefault(self.id, len(numbers))
            line = {
                "at": time.time(),
                "seconds": time.perf_counter() - asked,
                "fragment": fragment,
                "session": number,
            }
            log.write(json.dumps(line) + "\n")
        return result

    AppSession.handle_backmsg = timed_handle_backmsg
    AppSession._handle_scriptrunner_event_on_event_loop = timed_handle_event


def read_timings(log_path: str, since: float = 0.0, until: float = float("inf")) -> list[dict]:
    """The answered requests logged between two unix times."""
    try:
        with open(log_path) as log:
            lines = [json.loads(line) for line in log if line.strip()]
    except FileNotFoundError:
        return []
    return [line for line in lines if since <= line["at"] <= until]


if __name__ == "__main__":
    if os.environ.get("SERVER_CPUS"):  # before any thread starts, so that every thread inherits it
        os.sched_setaffinity(0, {int(cpu) for cpu in os.environ["SERVER_CPUS"].split(",")})
    install(os.environ["SERVER_TIMINGS"])
    sys.argv = ["streamlit", *sys.argv[1:]]
    sys.exit(cli.main())
