"""Training the Bigram page's neural net: with torch (shared between users on the built-in
names) or with our engine, with a progress bar and a live loss curve.

A torch run on built-in names is trained once for everyone who asks for its settings: training
is seeded and single-threaded, so every user would get exactly these weights and losses anyway.
Uploads and our engine train in the user's own session.
"""

from __future__ import annotations

import math
import time
import uuid
from dataclasses import dataclass
from typing import Any

from engine.value import paused_gc
from models.ngram import NeuralNGram, TrainingDiverged
from serving.budget import CostEstimate
from ui.bigram.curves import loss_curves
from ui.bigram.data import WordSet, split_nlls
from ui.bigram.settings import SETTINGS
from ui.cache import shared_data, shared_resource
from ui.charts import described

# Seconds per engine step before this user has trained with it (benchmarks/ngram_engine.py
# measures about 5 ms on a quiet 2-core machine; busy ones are slower).
ENGINE_STEP_ESTIMATE = 0.006
FIT_METHODS = {"torch": "fast", "engine": "engine"}  # page method -> NeuralNGram.fit method


@dataclass(frozen=True)
class Elapsed:
    """How long something took: on the clock, and in CPU time of the thread that did it.

    The clock is what a user waits; the CPU time is the work itself, which other sessions
    and processes on a shared server do not inflate, so it is what compares two methods.
    """

    wall: float
    cpu: float

    @staticmethod
    def now() -> Elapsed:
        return Elapsed(time.perf_counter(), time.thread_time())

    def __sub__(self, other: Elapsed) -> Elapsed:
        return Elapsed(self.wall - other.wall, self.cpu - other.cpu)

    def __add__(self, other: Elapsed) -> Elapsed:
        return Elapsed(self.wall + other.wall, self.cpu + other.cpu)


@dataclass(frozen=True)
class TorchTwin:
    """torch's fast path trained with the same settings as an engine run, for comparison."""

    history: tuple[float, ...]
    elapsed: Elapsed  # the whole fit call
    failure: str = ""  # why torch could not train these settings, if it could not


@dataclass
class NeuralRun:
    """One training run of this user's neural net, with the settings it was trained with.

    An imported net (`source` names the file) has the settings stored in its file, None
    where the file had none, and no loss history.
    """

    data_key: str
    n: int
    seed: int | None
    lr: float | None
    steps: int | None
    reg: float | None
    model: NeuralNGram
    seconds: float  # training time, without the page's progress redraws (nan if imported)
    nll: dict[str, float]
    method: str = "torch"
    cpu_seconds: float = math.nan  # the same in CPU time of the training thread
    torch_twin: TorchTwin | None = None  # engine runs: the same run with torch
    source: str = ""  # the file an imported net came from
    ident: str = ""  # names this run in the page's chart cache
    stopped_early: bool = False  # it used its press's CPU budget before its last step

    def __post_init__(self) -> None:
        self.ident = self.ident or uuid.uuid4().hex

    def settings(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "lr": self.lr,
            "steps": self.steps,
            "reg": self.reg,
            "method": self.method,
        }

    @property
    def seconds_per_step(self) -> float:
        steps = len(self.model.loss_history)
        return self.seconds / steps if steps else math.nan

    @property
    def cpu_seconds_per_step(self) -> float:
        steps = len(self.model.loss_history)
        return self.cpu_seconds / steps if steps else math.nan


def effective_method(method: str, n: int) -> str:
    """The engine trains bigrams only; longer contexts train with torch."""
    return method if n == 2 else "torch"


def trains_shared(words: WordSet, n: int, method: str) -> bool:
    """Whether Train with `method` is one shared run for everyone (torch on built-in names)
    rather than this user's own."""
    return effective_method(method, n) == "torch" and words.shared


def wanted_settings(n: int) -> dict[str, Any]:
    """The training settings a press of Train would use now, in the form of run.settings()."""
    wanted = {key: SETTINGS[key] for key in ("seed", "lr", "steps", "reg")}
    return wanted | {"method": effective_method(SETTINGS["method"], n)}


class Progress:
    """The progress bar and live loss curve of a training run, redrawn every `every` steps or
    every `seconds`, keeping count of the time spent drawing (not training)."""

    def __init__(self, area: Any, steps: int, every: int, seconds: float):
        self.bar = area.progress(0.0, text="Training...")
        self.live = area.empty()
        self.steps, self.every, self.seconds = steps, every, seconds
        self.losses: list[float] = []
        self.drawing = Elapsed(0.0, 0.0)
        self.started = self.last_drawn = Elapsed.now()

    def __call__(self, step: int, loss: float) -> None:
        self.losses.append(loss)
        now = Elapsed.now()
        done = step + 1
        due = done % self.every == 0 or now.wall - self.last_drawn.wall >= self.seconds
        if not due and done != self.steps:
            return
        left = (now - self.started - self.drawing).wall / done * (self.steps - done)
        eta = f" · about {left:.0f} s left" if left >= 1 else ""
        text = f"Step {done} of {self.steps}: loss {loss:.4f}{eta}"
        self.bar.progress(done / self.steps, text=text)
        chart = loss_curves(self.losses, None, {}, title="Training loss (live)", height=180)
        summary = f"Training: step {done} of {self.steps}, loss {loss:.4f}."
        self.live.altair_chart(described(chart, summary), width="stretch")
        self.last_drawn = Elapsed.now()
        self.drawing += self.last_drawn - now

    def clear(self) -> None:
        self.bar.empty()
        self.live.empty()


def training_estimate(words: WordSet, n: int, values: dict[str, Any]) -> CostEstimate:
    """What a press of Train would cost with these settings (the engine's run includes the
    torch run it is compared with)."""
    method = effective_method(values["method"], n)
    try:
        fixed, per_step = step_cost(words.key, n, method, _words=words)
        if method == "engine":
            twin_fixed, twin_step = step_cost(words.key, n, "torch", _words=words)
            fixed, per_step = fixed + twin_fixed, per_step + twin_step
    except (TrainingDiverged, ValueError):
        # No estimate (and none cached): the real run shows why it cannot train, and its
        # budget still binds.
        fixed, per_step = 0.0, 0.0
    return CostEstimate(per_step, values["steps"], fixed)


@shared_data(max_entries=128)
def step_cost(data_key: str, n: int, method: str, _words: WordSet) -> tuple[float, float]:
    """(setup, one step) in CPU seconds for a net on these words, from two short probe runs
    (2 and 10 steps, the least of two runs each: a first run's one-time costs or a garbage
    collection in the 2-step run made the difference, and the estimate, 10x too small; the
    setup is what they share). `_words` is named by data_key."""

    def least(steps: int) -> float:  # a one-time cost or a collection lands in one run only
        return min(
            fit_run(_words, n, 0, 0.1, steps, 0.0, method=method).cpu_seconds for _ in range(2)
        )

    short, longer = least(2), least(10)
    per_step = max((longer - short) / 8, longer / 10 * 0.05)
    return max(short - per_step, 0.0), per_step


def train(
    words: WordSet, n: int, values: dict[str, Any], area: Any, budget: float = math.inf
) -> NeuralRun:
    """Train a fresh net, with a progress bar and a live loss curve drawn in `area` (when it
    is not a shared run). With the engine, torch's fast path then trains the same net (a
    fraction of a second) for the comparison of the two. Raises TrainingDiverged or
    ValueError."""
    settings = (values["seed"], values["lr"], values["steps"], values["reg"])
    method = effective_method(values["method"], n)
    if trains_shared(words, n, method):
        return shared_torch_run(words.key, n, *settings, budget, _words=words)
    # Each redraw of the live curve costs ~15 ms: one every quarter second, so a training of
    # a fraction of a second (torch on a small upload) spends nothing on it.
    progress = Progress(area, values["steps"], every=values["steps"], seconds=0.25)
    try:
        run = fit_run(words, n, *settings, method=method, progress=progress, budget=budget)
    finally:
        progress.clear()
    if method == "engine":  # torch trains as many steps as the engine did (all, unless stopped)
        seed, lr, _, reg = settings
        run.torch_twin = torch_twin(words, n, seed, lr, len(run.model.loss_history), reg)
    return run


def fit_run(
    words: WordSet,
    n: int,
    seed: int,
    lr: float,
    steps: int,
    reg: float,
    *,
    method: str,
    progress: Progress | None = None,
    budget: float = math.inf,
) -> NeuralRun:
    """A fresh net trained on the training split, with its NLL on every split. The time it
    took leaves out the progress redraws. Training stops once it has used `budget` CPU
    seconds (the run says so). Raises TrainingDiverged or ValueError."""
    model = NeuralNGram(n=n, seed=seed, vocab=words.vocab)
    dev = words.splits.dev
    start = Elapsed.now()
    stopped = []

    def on_step(step: int, loss: float) -> bool:
        if progress is not None:
            progress(step, loss)
        drawing = progress.drawing.cpu if progress is not None else 0.0
        if time.thread_time() - start.cpu - drawing >= budget and step + 1 < steps:
            stopped.append(step)
            return False
        return True

    model.fit(
        words.splits.train,
        steps=steps,
        lr=lr,
        reg=reg,
        method=FIT_METHODS[method],
        on_step=on_step,
        eval_words={"dev": dev} if dev else None,
    )
    took = Elapsed.now() - start
    if progress is not None:
        took = took - progress.drawing
    return NeuralRun(
        words.key,
        n,
        seed,
        lr,
        steps,
        reg,
        model,
        took.wall,
        split_nlls(model, words.splits),
        method=method,
        cpu_seconds=took.cpu,
        stopped_early=bool(stopped),
    )


def torch_twin(words: WordSet, n: int, seed: int, lr: float, steps: int, reg: float) -> TorchTwin:
    """The same net trained with torch's fast path, for the engine run's comparison."""
    twin = NeuralNGram(n=n, seed=seed, vocab=words.vocab)
    # The engine pauses the cyclic garbage collector while it builds each step's graph; torch
    # gets the same, or a collection of the server's whole heap (other sessions' data
    # included) lands in its tenth of a second.
    with paused_gc():
        start = Elapsed.now()
        try:
            twin.fit(words.splits.train, steps=steps, lr=lr, reg=reg, method="fast")
            return TorchTwin(twin.loss_history, Elapsed.now() - start)
        except TrainingDiverged as error:  # float32 can give out before float64
            return TorchTwin(error.history, Elapsed.now() - start, str(error))


@shared_resource(max_entries=32)
def shared_torch_run(
    data_key: str,
    n: int,
    seed: int,
    lr: float,
    steps: int,
    reg: float,
    budget: float,
    _words: WordSet,
) -> NeuralRun:
    """A torch run on built-in names, trained once for everyone who asks for these settings.

    In a class that opens the page (or a teacher's link) at once, one training replaces
    thirty. `_words` is not hashed: data_key names it. Nothing may change the run afterwards
    (tests/test_session_isolation.py checks). A diverging run raises, and Streamlit keeps
    nothing.
    """
    return fit_run(_words, n, seed, lr, steps, reg, method="torch", budget=budget)
