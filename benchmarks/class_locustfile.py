"""A class in Locust: each user is a student without a browser (benchmarks/streamlit_client.py)
who walks the pages as tests/browser/flows.py does, reading 1-3 s between actions.

Run by benchmarks/class_load.py (which pins the server and Locust to their own cores and
adds the server's CPU and memory), or alone against a running app:

    locust -f benchmarks/class_locustfile.py --headless -u 30 -r 3 -t 3m --host http://127.0.0.1:8501

`BurstStudent` is the class moment instead ("everyone press Train now", chosen by
benchmarks/class_load.py --burst): every student opens the page, all press Train within one
second of EXPLORER_BURST_AT, and each follows the live view as a browser does until it shows
the final loss; that time is the "Train burst" request. The scenario (EXPLORER_BURST): "mlp"
(default settings), "demo" (micrograd's demo button), "bigram" (the neural net's Train).

A teacher opens a class board when the run starts; every student carries its room in their
links, posts their Bigram and MLP runs to it ("post"), and one projector watches the board in
presenter mode, following its own refreshes ("refresh").

Each action is one Locust request, named by what the student did ("first visit", "widget
change", "Train", "sample", "post") and typed by the page; a failure is a script run that ended in an
error, showed an exception, or was not answered in time. "Train" on the MLP page is timed
from the press until the live view says the run finished (the fragment's runs included).
"""

from __future__ import annotations

import itertools
import os
import random
import time
from urllib.parse import parse_qs

import gevent
from locust import User, between, constant, events, task
from locust.exception import StopUser

from benchmarks.streamlit_client import ProtocolError, RunResult, StreamlitStudent

READ_SECONDS = (1.0, 3.0)
TRAIN_TIMEOUT = 180.0
# The share of runs a student posts to the board (EXPLORER_LOAD_POST_SHARE; the short CI run
# posts every run, so each kind of post is seen).
POST_SHARE = float(os.environ.get("EXPLORER_LOAD_POST_SHARE", 1 / 3))


class ActionFailed(Exception):
    pass


ROOM: dict[str, str] = {}  # the class board's room, opened when the run starts
NICKNAMES = itertools.count(1)


def timed_request(page: str, action: str, do) -> tuple[RunResult | None, Exception | None]:
    """Run one action and report it to Locust as a request, typed by the page: a client
    error, or an exception the page showed, is its failure."""
    started = time.perf_counter()
    result, failure = None, None
    try:
        result = do()
        if isinstance(result, RunResult) and result.exceptions:
            failure = ActionFailed(f"the page showed an error: {result.exceptions[0][:80]}")
    except Exception as error:  # noqa: BLE001 - any client error is this action's failure
        failure = error
    events.request.fire(
        request_type=page,
        name=action,
        response_time=(time.perf_counter() - started) * 1000,
        response_length=result.bytes if isinstance(result, RunResult) else 0,
        exception=failure,
        context={},
    )
    return result, failure


@events.test_start.add_listener
def open_board(environment, **_) -> None:
    """The teacher opens a board for the class before the students arrive."""
    teacher = StreamlitStudent(environment.host)
    try:
        teacher.open("board")
        teacher.press("board.open-room")
        ROOM["code"] = parse_qs(teacher.query_string)["room"][0]
    finally:
        teacher.close()


class Student(User):
    wait_time = between(*READ_SECONDS)
    weight = 100

    def on_start(self) -> None:
        self.nickname = f"student {next(NICKNAMES)}"
        self.student = StreamlitStudent(self.host, timeout=TRAIN_TIMEOUT)
        self.random = random.Random()  # each student's own draws
        self.pages = ["neuron", "mlp", "bigram"]
        self.random.shuffle(self.pages)
        self.turn = 0
        self.visited: set[str] = set()

    def on_stop(self) -> None:
        self.student.close()

    # ---- timing -------------------------------------------------------------------------

    def timed(self, page: str, action: str, do) -> RunResult | None:
        result, failure = timed_request(page, action, do)
        if failure is not None:
            # A failed step ends this page's flow; the next page starts in a fresh session.
            self.student.close()
            self.visited.clear()
            return None
        return result

    def read(self) -> None:
        gevent.sleep(self.random.uniform(*READ_SECONDS))

    def open(self, page: str) -> RunResult | None:
        action = "page change" if page in self.visited else "first visit"
        if self.student.socket is None:
            action = "first visit"
        self.visited.add(page)
        room = f"room={ROOM['code']}" if "code" in ROOM else ""
        return self.timed(page, action, lambda: self.student.open(page, room))

    # ---- the flows ----------------------------------------------------------------------

    @task
    def next_page(self) -> None:
        page = self.pages[self.turn % len(self.pages)]
        self.turn += 1
        {"neuron": self.neuron, "mlp": self.mlp, "bigram": self.bigram}[page]()

    def neuron(self) -> None:
        if self.open("neuron") is None:
            return
        self.read()
        weight = self.random.choice([1.25, 1.5, -2.0, 0.5])
        if self.timed("neuron", "widget change", lambda: self.change("neuron.w1#exact", weight)):
            self.read()
            self.timed("neuron", "widget change", lambda: self.nudge("neuron.w2"))

    def mlp(self) -> None:
        if self.open("mlp") is None:
            return
        self.read()
        if not self.timed("mlp", "widget change", lambda: self.nudge("mlp.points")):
            return
        self.read()
        steps = self.random.choice([30, 31])
        if not self.timed("mlp", "widget change", lambda: self.change("mlp.steps", steps)):
            return
        self.read()
        if self.timed("mlp", "Train", self.train_mlp) and self.wants_to_post():
            self.read()
            self.timed("mlp", "post", lambda: self.post("mlp"))

    def bigram(self) -> None:
        if self.open("bigram") is None:
            return
        self.read()
        if not self.timed("bigram", "widget change", lambda: self.nudge("bigram.steps")):
            return
        self.read()
        if not self.timed("bigram", "Train", lambda: self.student.press("bigram.train")):
            return
        self.read()
        seed = self.random.randrange(2**31)
        if self.timed("bigram", "sample", lambda: self.change("bigram.sample_seed", seed)):
            self.read()
            if self.timed("bigram", "sample", self.walk_on) and self.wants_to_post():
                self.read()
                self.timed("bigram", "post", lambda: self.post("bigram"))

    # ---- actions --------------------------------------------------------------------------

    def change(self, key: str, value) -> RunResult:
        return self.student.change(key, value)

    def nudge(self, key: str) -> RunResult:
        return self.student.nudge(key)

    def train_mlp(self) -> RunResult:
        pressed = self.student.press("mlp.train")
        runs = [pressed, *self.student.follow_fragment(time.monotonic() + TRAIN_TIMEOUT)]
        if self.student.auto_rerun is not None:
            raise ActionFailed(f"training had not finished after {TRAIN_TIMEOUT:.0f} s")
        texts = [text for run in runs for text in run.texts]
        if not any("finished" in text or "stopped" in text for text in texts):
            raise ActionFailed("the live view never said the run finished")
        total = RunResult(bytes=sum(run.bytes for run in runs))
        total.exceptions = [error for run in runs for error in run.exceptions]
        return total

    def wants_to_post(self) -> bool:
        """A run worth posting: one in three (a class of 30 fills a room's 200 posts in
        about ten minutes of this)."""
        return self.random.random() < POST_SHARE

    def post(self, page: str) -> RunResult:
        """Type the nickname (once per page visit) and press Post: posted, told to wait (one
        post per student every 10 s) or that the room is full are answers; anything else
        fails."""
        if self.student.widget("board.nickname").value != self.nickname:
            self.student.change("board.nickname", self.nickname)
        result = self.student.press(f"{page}.board-post")
        answers = ("Posted to room", "One post every", "is full")
        if not any(answer in text for text in result.texts for answer in answers):
            raise ActionFailed(f"no answer to the post: {[t[:60] for t in result.texts[-3:]]}")
        return result

    def walk_on(self) -> RunResult:
        if not self.student.has("bigram.walk-next"):
            return self.student.change("bigram.walk-open", True)  # open the walk's panel
        try:
            return self.student.press_first_enabled("bigram.walk-next", "bigram.walk-another")
        except ProtocolError as error:
            raise ActionFailed("neither walk button is on the page") from error


class Projector(User):
    """The teacher's projector on the board, in presenter mode: it refreshes itself every
    few seconds (a fragment on a timer), as the browser's timer asks."""

    fixed_count = 1
    wait_time = constant(0)

    def on_start(self) -> None:
        self.screen = StreamlitStudent(self.host, timeout=TRAIN_TIMEOUT)
        self.opened = False

    def on_stop(self) -> None:
        self.screen.close()

    @task
    def watch(self) -> None:
        if not self.opened:
            self.opened = True
            self.fire(
                "first visit",
                lambda: self.screen.open("board", f"room={ROOM.get('code', '')}&present=1"),
            )
            return
        if self.screen.auto_rerun is None:
            gevent.sleep(1)
            self.opened = False  # the board stopped refreshing: open it again
            return
        gevent.sleep(self.screen.auto_rerun[0])
        self.fire("refresh", self.screen.timer_run)

    def fire(self, action: str, do) -> None:
        _, failure = timed_request("board", action, do)
        if failure is not None:
            self.opened = False
            self.screen.close()


# The class moment: what each scenario opens, which button it presses, and the text that
# says the run's final loss is on screen.
BURSTS = {
    "mlp": ("mlp", "mlp.train", "finished"),
    "demo": ("mlp", "mlp.demo", "finished"),
    "bigram": ("bigram", "bigram.train", "data loss on"),
}
BURST_SPREAD_SECONDS = 1.0  # everyone presses within this second
BURST_DONE: list[bool] = []  # one entry per student who has seen their final loss, or failed


class BurstStudent(User):
    """One student of "everyone press Train now": open the page, press within a second of
    the teacher's word (EXPLORER_BURST_AT, a unix time), follow the live view until the
    final loss shows, then stop. The last student to finish ends the Locust run."""

    wait_time = constant(0)

    def on_start(self) -> None:
        self.page, self.button, self.final_text = BURSTS[os.environ.get("EXPLORER_BURST", "mlp")]
        self.student = StreamlitStudent(self.host, timeout=TRAIN_TIMEOUT)
        self.random = random.Random()

    def on_stop(self) -> None:
        self.student.close()

    @task
    def press_now(self) -> None:
        _, failure = timed_request(self.page, "first visit", lambda: self.student.open(self.page))
        if failure is None:
            at = float(os.environ.get("EXPLORER_BURST_AT", time.time()))
            gevent.sleep(max(at - time.time(), 0) + self.random.uniform(0, BURST_SPREAD_SECONDS))
            timed_request(self.page, "Train burst", self.train_and_follow)
        BURST_DONE.append(True)
        if len(BURST_DONE) >= self.environment.parsed_options.num_users:
            # From a greenlet of its own, once the stats have been written out once more.
            gevent.spawn_later(2.5, self.environment.runner.quit)
        raise StopUser()

    def train_and_follow(self) -> RunResult:
        """Press, then ask for the live fragment on its timer (as the browser does) until
        the page says the run's final loss is there."""
        runs = [self.student.press(self.button)]
        runs += self.student.follow_fragment(time.monotonic() + TRAIN_TIMEOUT)
        texts = [text for run in runs for text in run.texts]
        if not any(self.final_text in text for text in texts[-40:]):
            raise ActionFailed(f"no final loss on screen: {[t[:60] for t in texts[-3:]]}")
        total = RunResult(bytes=sum(run.bytes for run in runs))
        total.exceptions = [error for run in runs for error in run.exceptions]
        return total
