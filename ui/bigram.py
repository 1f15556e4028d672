"""The Bigram page's settings, data, models and per-user state.

What is shared between users and what is not:
- the built-in name lists and fitted counts models are shared (`shared_resource`, bounded)
  and never changed after they are built;
- an uploaded word list, the trained neural nets, the walk-through position and the page's
  small caches live in this user's session state under keys starting with "bigram:".
The panels that draw all this are in ui/bigram_panels.py; the chart builders in
ui/bigram_charts.py.
"""

from __future__ import annotations

import hashlib
import math
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st
import torch

from data.names import DEFAULT_YEAR, FIRST_YEAR, LAST_YEAR, SEXES, ssa_names
from data.splits import Splits, shuffled_split
from data.words import parse_word_list
from engine.value import paused_gc
from models.ngram import LECTURE_SEED, CountNGram, NeuralNGram, TrainingDiverged, Vocabulary
from ui.bigram_charts import loss_curves
from ui.cache import shared_resource
from ui.runs import RunLog
from ui.settings import PageSettings, Setting

SPLIT_SEED = 42  # makemore's split: shuffle with this seed, then 80% / 10% / 10%
ORDERS = (2, 3, 4)
ORDER_NAMES = {2: "bigram", 3: "trigram", 4: "4-gram"}
MAX_RUNS = 6  # trained nets kept per user (one per data set and n)
SEX_LABELS = {"both": "girls and boys", "F": "girls", "M": "boys"}
METHODS = ("torch", "engine")
METHOD_LABELS = {"torch": "torch", "engine": "our engine"}
# Seconds per engine step before this user has trained with it (benchmarks/ngram_engine.py
# measures about 5 ms on a quiet 2-core machine; busy ones are slower).
ENGINE_STEP_ESTIMATE = 0.006

SETTINGS = PageSettings(
    "bigram",
    [
        Setting("data", "Words", "ssa", kind="choice", options=("ssa", "upload"), widget="radio",
                option_labels={"ssa": "Built-in US baby names",
                               "upload": "My own word list"}.get),
        Setting("year", "Year", DEFAULT_YEAR, kind="int", min_value=FIRST_YEAR,
                max_value=LAST_YEAR, widget="slider+number"),
        Setting("sex", "Names given to", "both", kind="choice", options=SEXES,
                widget="segmented", option_labels=SEX_LABELS.get),
        Setting("top_n", "Keep the most popular names (0 = all)", 0, kind="int", min_value=0,
                max_value=40_000, step=500,
                help="Names are ranked by how many babies got them that year."),
        Setting("word", "A word to take apart", "emma", kind="text", max_chars=50),
        Setting("n", "Model size n", 2, kind="choice", options=ORDERS, widget="segmented",
                option_labels=lambda n: f"n = {n} ({ORDER_NAMES[n]})",
                help="How many characters an n-gram has: the model predicts the last one "
                     "from the n - 1 before it. Both models use the same n."),
        Setting("smoothing", "Smoothing k (added to every count)", 1.0, min_value=0.0,
                max_value=100.0, step=0.1, widget="slider+number",
                help="The lecture adds 1 to every count (k = 1), so that no n-gram has "
                     "probability 0."),
        Setting("prefix", "First n - 2 characters of the context", "", kind="text",
                max_chars=2, help="For n > 2 the count table has n dimensions; the heatmap "
                                  "shows the slice whose contexts start with these characters."),
        Setting("row", "Row (last character of the context)", ".", kind="text", max_chars=1,
                widget="selectbox", help="Or click a cell of the heatmap.",
                option_labels=lambda ch: ". (start of a word)" if ch == "." else ch),
        Setting("lr", "Learning rate", 50.0, min_value=0.1, max_value=500.0, step=0.1,
                widget="slider+number"),
        Setting("steps", "Steps", 500, kind="int", min_value=1, max_value=5000, step=10,
                widget="slider+number"),
        Setting("reg", "Regularisation (reg)", 0.001, min_value=0.0, max_value=1.0,
                step=0.001, format="%.4f",
                help="loss = mean NLL + reg * mean(W**2). The lecture uses 0.01."),
        Setting("seed", "Seed of the initial weights", LECTURE_SEED, kind="int", min_value=0,
                max_value=2**31 - 1, help="2147483647 is the lecture's seed."),
        Setting("method", "Train with", "torch", kind="choice", options=METHODS,
                widget="segmented", option_labels=METHOD_LABELS.get),
        Setting("centre", "Remove each row's mean (the per-row constant)", True, kind="bool"),
        Setting("zoom", "Zoom in where the curves meet", True, kind="bool"),
        Setting("num_samples", "Names to sample", 10, kind="int", min_value=1, max_value=100),
        Setting("sample_seed", "Sampling seed", LECTURE_SEED, kind="int", min_value=0,
                max_value=2**31 - 1),
        Setting("temperature", "Temperature", 1.0, min_value=0.05, max_value=5.0, step=0.05,
                widget="slider+number",
                help="Divides the log-probabilities before sampling: below 1 favours likely "
                     "characters, above 1 flattens the distribution."),
        Setting("top_k", "Top-k (0 = all characters)", 0, kind="int", min_value=0,
                max_value=200, help="Sample only among the k most likely next characters."),
        Setting("score", "A word to score", "andrejq", kind="text", max_chars=50),
        Setting("weights", "Weights", "initial", kind="choice", options=("initial", "trained"),
                widget="segmented",
                option_labels={"initial": "initial W (before training)",
                               "trained": "trained W"}.get),
        Setting("walk_model", "Sample from", "counts", kind="choice",
                options=("counts", "neural"), widget="segmented",
                option_labels={"counts": "counts model", "neural": "neural net"}.get),
        Setting("walk_seed", "Walk-through seed", 0, kind="int", min_value=0,
                max_value=2**31 - 1),
    ],
)  # fmt: skip

INTRO = (
    "Build makemore's character model twice: once by **counting** which character follows "
    "which, once as a **one-layer neural net** trained by gradient descent. Press *Train* and "
    "watch the net's loss settle onto the counting model's NLL line: the two models end up "
    "the same, as the lecture shows. Then train it with **our engine** from lesson 1 (729 "
    "scalar Values instead of one tensor) and see it land on torch's loss, only slower; try "
    "smoothing k against regularisation, score your own name, or switch to n = 3."
)

# Session-state keys of this page (settings use "settings:bigram" and "w:bigram:...").
UPLOAD_KEY = "bigram:upload"
UPLOADER_KEY = "bigram:uploader"
RUNS_KEY = "bigram:runs"
MEMO_KEY = "bigram:memo"
HEATMAP_KEY = "bigram:heatmap"
WALK_KEY = "bigram:walk"
ENGINE_PACE_KEY = "bigram:engine-pace"  # seconds per step of this user's last engine run
RUN_LOG = RunLog("bigram")


# -------------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Dataset:
    """A word list ready for the models: its splits and vocabulary. Never changed."""

    key: str  # identifies the words, for caches: "ssa:2017:both:0", "upload:<digest>"
    label: str
    words: tuple[str, ...]
    splits: Splits
    vocab: Vocabulary
    train_set: frozenset[str]


def build_dataset(words: tuple[str, ...], key: str, label: str) -> Dataset:
    splits = shuffled_split(words, seed=SPLIT_SEED)
    return Dataset(key, label, words, splits, Vocabulary.from_words(words), frozenset(splits.train))


@shared_resource(max_entries=12)
def ssa_dataset(year: int, sex: str, top_n: int) -> Dataset:
    words = ssa_names(year, sex, top_n or None)
    who = SEX_LABELS[sex]
    kept = f"the {len(words):,} most popular" if top_n else f"all {len(words):,}"
    label = f"{kept} names given to {who} in the US in {year}"
    return build_dataset(words, f"ssa:{year}:{sex}:{top_n}", label)


def take_upload(file: Any) -> None:
    """Parse a newly uploaded file into this user's data; a bad file leaves the previous
    data in place and keeps its message until another file is chosen."""
    state = upload_state()
    if file is None:
        state["file_id"], state["error"] = None, None
        return
    if file.file_id == state["file_id"]:
        return
    state["file_id"] = file.file_id
    try:
        words = tuple(parse_word_list(file.getvalue()))
        digest = hashlib.sha256("\n".join(words).encode()).hexdigest()[:16]
        label = f"{len(words):,} words from {file.name}"
        state["dataset"] = build_dataset(words, f"upload:{digest}", label)
        state["error"] = None
    except ValueError as error:
        state["error"] = f"{file.name} was not loaded: {error}"


def selected_dataset() -> Dataset:
    """The words the settings choose: this user's upload, or the built-in names (also while
    no upload has worked yet)."""
    upload = upload_state()["dataset"]
    if SETTINGS["data"] == "upload" and upload is not None:
        return upload
    return ssa_dataset(SETTINGS["year"], SETTINGS["sex"], SETTINGS["top_n"])


def upload_state() -> dict[str, Any]:
    return st.session_state.setdefault(
        UPLOAD_KEY, {"file_id": None, "dataset": None, "error": None}
    )


# -------------------------------------------------------------------------------- counts


@dataclass(frozen=True)
class CountsFit:
    model: CountNGram
    nll: dict[str, float]  # split name -> mean NLL (nan for an empty split)


@shared_resource(max_entries=24)
def fitted_counts(data_key: str, n: int, smoothing: float, _dataset: Dataset) -> CountsFit:
    """The counts model of the training split; `_dataset` is not hashed, data_key names it."""
    model = CountNGram(n=n, smoothing=smoothing, vocab=_dataset.vocab).fit(_dataset.splits.train)
    return CountsFit(model, split_nlls(model, _dataset.splits))


def split_nll(model: CountNGram | NeuralNGram, words: tuple[str, ...]) -> float:
    return model.nll(words) if words else math.nan


def split_nlls(model: CountNGram | NeuralNGram, splits: Splits) -> dict[str, float]:
    """The model's mean NLL on every split (nan for an empty one), by split name."""
    return {name: split_nll(model, words) for name, words in splits._asdict().items()}


# -------------------------------------------------------------------------------- neural


@dataclass(frozen=True)
class Timing:
    """How long something took: on the clock, and in CPU time of the thread that did it.

    The clock is what a user waits; the CPU time is the work itself, which other sessions
    and processes on a shared server do not inflate, so it is what compares two methods.
    """

    wall: float
    cpu: float

    @staticmethod
    def now() -> Timing:
        return Timing(time.perf_counter(), time.thread_time())

    def __sub__(self, other: Timing) -> Timing:
        return Timing(self.wall - other.wall, self.cpu - other.cpu)

    def __add__(self, other: Timing) -> Timing:
        return Timing(self.wall + other.wall, self.cpu + other.cpu)


@dataclass(frozen=True)
class TorchCheck:
    """torch's fast path trained with the same settings as an engine run, for comparison."""

    history: tuple[float, ...]
    timing: Timing  # the whole fit call
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
    torch_check: TorchCheck | None = None  # engine runs: the same run with torch
    source: str = ""  # the file an imported net came from
    ident: str = ""  # names this run in the page's caches

    def __post_init__(self) -> None:
        self.ident = self.ident or uuid.uuid4().hex

    def settings(self) -> dict[str, Any]:
        return {"seed": self.seed, "lr": self.lr, "steps": self.steps, "reg": self.reg,
                "method": self.method}  # fmt: skip

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


def wanted_settings(n: int) -> dict[str, Any]:
    """The training settings a press of Train would use now, in the form of run.settings()."""
    wanted = {key: SETTINGS[key] for key in ("seed", "lr", "steps", "reg")}
    return wanted | {"method": effective_method(SETTINGS["method"], n)}


def current_run(dataset: Dataset, n: int) -> NeuralRun | None:
    return st.session_state.get(RUNS_KEY, {}).get((dataset.key, n))


def keep_run(run: NeuralRun) -> None:
    runs = st.session_state.setdefault(RUNS_KEY, {})
    runs.pop((run.data_key, run.n), None)
    runs[(run.data_key, run.n)] = run
    while len(runs) > MAX_RUNS:
        runs.pop(next(iter(runs)))


def engine_seconds_per_step() -> tuple[float, bool]:
    """Seconds per engine step: this user's last engine run, or the estimate (and whether it
    was measured here)."""
    measured = st.session_state.get(ENGINE_PACE_KEY)
    return (measured, True) if measured else (ENGINE_STEP_ESTIMATE, False)


class _Progress:
    """The progress bar and live loss curve of a training run, redrawn every `every` steps or
    every `seconds`, keeping count of the time spent drawing (not training)."""

    def __init__(self, area: Any, steps: int, every: int, seconds: float):
        self.bar = area.progress(0.0, text="Training...")
        self.live = area.empty()
        self.steps, self.every, self.seconds = steps, every, seconds
        self.losses: list[float] = []
        self.drawing = Timing(0.0, 0.0)
        self.started = self.last_drawn = Timing.now()

    def __call__(self, step: int, loss: float) -> None:
        self.losses.append(loss)
        now = Timing.now()
        done = step + 1
        due = done % self.every == 0 or now.wall - self.last_drawn.wall >= self.seconds
        if not due and done != self.steps:
            return
        left = (now - self.started - self.drawing).wall / done * (self.steps - done)
        eta = f" · about {left:.0f} s left" if left >= 1 else ""
        self.bar.progress(done / self.steps,
                          text=f"Step {done} of {self.steps}: loss {loss:.4f}{eta}")  # fmt: skip
        self.live.altair_chart(loss_curves(self.losses, None, {}, title="Training loss (live)",
                                           height=180), width="stretch")  # fmt: skip
        self.last_drawn = Timing.now()
        self.drawing += self.last_drawn - now

    def clear(self) -> None:
        self.bar.empty()
        self.live.empty()


def train(dataset: Dataset, n: int, values: dict[str, Any], area: Any) -> NeuralRun | None:
    """Train a fresh net with a progress bar and a live loss curve drawn in `area`.

    With the engine, torch's fast path then trains the same net (a fraction of a second) for
    the comparison of the two. Returns the run (also kept in the session and in the run
    log), or None after showing why it failed; the user's previous run is kept either way.
    """
    settings = (values["seed"], values["lr"], values["steps"], values["reg"])
    method = effective_method(values["method"], n)
    shared = method == "torch" and dataset.key.startswith(BUILT_IN_PREFIX)
    # Each redraw of the live curve costs ~15 ms: one every quarter second, so a training of
    # a fraction of a second (torch on a small upload) spends nothing on it.
    progress = None if shared else _Progress(area, values["steps"], every=values["steps"],
                                             seconds=0.25)  # fmt: skip
    try:
        if shared:
            run = shared_torch_run(dataset.key, n, *settings, _dataset=dataset)
        else:
            run = fit_run(dataset, n, *settings, method=method, progress=progress)
            if method == "engine":
                run.torch_check = torch_twin(dataset, n, *settings)
    except TrainingDiverged as error:
        area.error(f"{error} Your previous run is kept.", icon=":material/warning:")
        return None
    except ValueError as error:
        area.error(f"The net could not be trained: {error}", icon=":material/error:")
        return None
    finally:
        if progress is not None:
            progress.clear()
    if method == "engine":
        st.session_state[ENGINE_PACE_KEY] = run.seconds_per_step
    keep_run(run)
    record_run(dataset, run)
    return run


def fit_run(dataset: Dataset, n: int, seed: int, lr: float, steps: int, reg: float, *,
            method: str, progress: _Progress | None = None) -> NeuralRun:  # fmt: skip
    """A fresh net trained on the training split, with its NLL on every split. The time it
    took leaves out the progress redraws. Raises TrainingDiverged or ValueError."""
    model = NeuralNGram(n=n, seed=seed, vocab=dataset.vocab)
    dev = dataset.splits.dev
    start = Timing.now()
    model.fit(dataset.splits.train, steps=steps, lr=lr, reg=reg, method=_FIT_METHOD[method],
              on_step=progress, eval_words={"dev": dev} if dev else None)  # fmt: skip
    took = Timing.now() - start
    if progress is not None:
        took = took - progress.drawing
    return NeuralRun(dataset.key, n, seed, lr, steps, reg, model, took.wall,
                     split_nlls(model, dataset.splits), method=method,
                     cpu_seconds=took.cpu)  # fmt: skip


def torch_twin(dataset: Dataset, n: int, seed: int, lr: float, steps: int,
               reg: float) -> TorchCheck:  # fmt: skip
    """The same net trained with torch's fast path, for the engine run's comparison."""
    twin = NeuralNGram(n=n, seed=seed, vocab=dataset.vocab)
    # The engine pauses the cyclic garbage collector while it builds each step's graph; torch
    # gets the same, or a collection of the server's whole heap (other sessions' data
    # included) lands in its tenth of a second.
    with paused_gc():
        start = Timing.now()
        try:
            twin.fit(dataset.splits.train, steps=steps, lr=lr, reg=reg, method="fast")
            return TorchCheck(twin.loss_history, Timing.now() - start)
        except TrainingDiverged as error:  # float32 can give out before float64
            return TorchCheck(error.history, Timing.now() - start, str(error))


_FIT_METHOD = {"torch": "fast", "engine": "engine"}
BUILT_IN_PREFIX = "ssa:"  # Dataset.key of the built-in names, the same for every user


@shared_resource(max_entries=32)
def shared_torch_run(data_key: str, n: int, seed: int, lr: float, steps: int, reg: float,
                     _dataset: Dataset) -> NeuralRun:  # fmt: skip
    """A torch run on built-in names, trained once for everyone who asks for these settings.

    Training is seeded and single-threaded, so every user would get exactly these weights and
    losses anyway; in a class that opens the page (or a teacher's link) at once, one training
    replaces thirty. `_dataset` is not hashed: data_key names it. Nothing may change the run
    afterwards (tests/test_session_isolation.py checks). A diverging run raises, and
    Streamlit keeps nothing. Uploads and our engine train in the user's own session.
    """
    return fit_run(_dataset, n, seed, lr, steps, reg, method="torch")


def record_run(dataset: Dataset, run: NeuralRun) -> None:
    """Add a finished training run to this user's run log, for the compare panel."""
    model = run.model
    frames = [pd.DataFrame({"step": range(len(model.data_loss_history)),
                            "value": model.data_loss_history, "series": "train"})]  # fmt: skip
    if "dev" in model.eval_history:
        dev = model.eval_history["dev"]
        frames.append(pd.DataFrame({"step": range(len(dev)), "value": dev, "series": "dev"}))
    settings = {"words": dataset.label, "n": run.n} | run.settings()
    settings["method"] = METHOD_LABELS[run.method]
    summary = {"NLL train": run.nll["train"], "NLL dev": run.nll["dev"],
               "ms per step": run.seconds_per_step * 1000}  # fmt: skip
    RUN_LOG.record(settings, pd.concat(frames, ignore_index=True), summary)


def run_labels() -> dict[str, str]:
    """Labels of the settings a run log entry holds, for the compare panel."""
    return {"words": "Words"} | {key: SETTINGS.settings[key].label
                                 for key in ("n", "method", "lr", "steps", "reg", "seed")}  # fmt: skip


# -------------------------------------------------------------------------------- small caches


def memo(name: str, key: Any, compute: Callable[[], Any]) -> Any:
    """This user's last value of `compute` for `name`, recomputed only when `key` changes.

    One entry per name, so the cache stays as small as the page; per user, so nothing a
    user computes from their own model is shared.
    """
    store = st.session_state.setdefault(MEMO_KEY, {})
    hit = store.get(name)
    if hit is not None and hit[0] == key:
        return hit[1]
    value = compute()
    store[name] = (key, value)
    return value


def altair_spec(chart: Any) -> dict[str, Any]:
    """The Vega-Lite spec Streamlit makes of an Altair chart, data already in Arrow form.

    Converting a chart (validating it, serialising its data) costs 5-25 ms; keeping the
    result lets a rerun that did not change a chart skip that work.
    """
    try:  # Streamlit's own conversion (st.altair_chart uses it), so the chart looks the same
        from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec
    except ImportError:  # a later Streamlit may move it: plain Altair output works too
        return chart.to_dict()
    return _convert_altair_to_vega_lite_spec(chart)


def draw_chart(name: str, cache_key: Any, build: Callable[[], Any], where: Any = None,
               **options: Any) -> Any:  # fmt: skip
    """Draw the Altair chart `build()` makes, built and converted again only when
    `cache_key` changes (see memo). `options` go to st.vega_lite_chart (width, key,
    on_select...)."""
    spec = memo(name, cache_key, lambda: altair_spec(build()))
    # Streamlit moves the datasets out of the spec it is given: hand it a shallow copy.
    return (where or st).vega_lite_chart(spec=dict(spec), **options)


def clean_word(raw: str) -> str:
    """A typed word as the models see it: trimmed and lowercased, like the data."""
    return raw.strip().lower()


def word_problem(word: str, vocab: Vocabulary) -> str | None:
    """Why the models cannot read `word`, or None when they can."""
    if not word:
        return "Type a word."
    if "." in word:
        return "'.' marks the start and end of words, so a word cannot contain it."
    unknown = sorted(set(word) - set(vocab.itos))
    if unknown:
        shown = ", ".join(repr(ch) for ch in unknown)
        return (
            f"{shown} {'is' if len(unknown) == 1 else 'are'} not in the vocabulary of these "
            f"words ({''.join(vocab.itos[1:])}), so the models have no row or column for it."
        )
    return None


def format_nll(value: float) -> str:
    if math.isnan(value):
        return "–"
    return "∞" if math.isinf(value) else f"{value:.4f}"


# -------------------------------------------------------------------------------- tables


def slice_prefix(n: int, raw: str, vocab: Vocabulary) -> tuple[str, str | None]:
    """The first n-2 characters of the heatmap's contexts, and a message if `raw` was not
    usable (then the contexts start with '.', the start of a word)."""
    if n == 2:
        return "", None
    fallback = "." * (n - 2)
    if raw == "":
        return fallback, None
    if len(raw) != n - 2:
        return fallback, (
            f"The slice needs {n - 2} character(s) for n = {n}, not {raw!r}; showing {fallback!r}."
        )
    unknown = [ch for ch in raw if ch not in vocab]
    if unknown:
        return fallback, f"{unknown[0]!r} is not in the vocabulary; showing {fallback!r}."
    return raw, None


def count_slice(model: CountNGram, prefix: str) -> np.ndarray:
    """counts[prefix + c, next] for every character c: the 2-D slice the heatmap shows."""
    index = tuple(model.stoi[ch] for ch in prefix)
    return model.counts[index].numpy()


def logit_slice(model: NeuralNGram, prefix: str) -> np.ndarray:
    """The net's logits for the contexts prefix + c, one row per character c."""
    rows = [model.logits_for_context(prefix + ch) for ch in model.itos]
    return torch.stack(rows).numpy()


@dataclass(frozen=True)
class RowConstantGap:
    """How far W is from log(counts + k) once each row's constant is taken out."""

    largest: float  # max |(W - log(N + k)) - its row mean| over finite cells
    where: str  # the n-gram of that cell
    where_count: int  # how often that n-gram occurs in the training words
    typical: float  # the same |...| averaged over the training n-grams (weighted by count)


def row_constant_gap(logits: np.ndarray, counts: np.ndarray, smoothing: float,
                     labels: list[str], itos: tuple[str, ...]) -> RowConstantGap:  # fmt: skip
    with np.errstate(divide="ignore"):
        difference = logits - np.log(counts + smoothing)
    finite = np.isfinite(difference)
    if not finite.any():
        return RowConstantGap(math.nan, "", 0, math.nan)
    row_means = np.array([
        difference[i, finite[i]].mean() if finite[i].any() else 0.0
        for i in range(difference.shape[0])
    ])  # fmt: skip
    spread = np.where(finite, np.abs(difference - row_means[:, None]), 0.0)
    row, col = divmod(int(spread.argmax()), spread.shape[1])
    total = counts.sum()
    typical = float((spread * counts).sum() / total) if total else math.nan
    return RowConstantGap(float(spread[row, col]), labels[row] + itos[col],
                          int(counts[row, col]), typical)  # fmt: skip


def centred(table: np.ndarray) -> np.ndarray:
    """Each row minus the mean of its finite entries (non-finite entries stay as they are)."""
    finite = np.isfinite(table)
    sums = np.where(finite, table, 0.0).sum(axis=1)
    means = sums / np.maximum(finite.sum(axis=1), 1)
    return table - means[:, None]


@dataclass(frozen=True)
class TableDifference:
    largest: float
    where: str  # the n-gram with the largest difference
    counts_prob: float
    neural_prob: float


def largest_difference(counts_probs: torch.Tensor, neural_probs: torch.Tensor,
                       itos: tuple[str, ...]) -> TableDifference:  # fmt: skip
    difference = (neural_probs - counts_probs).abs()
    flat = int(difference.argmax())
    index = np.unravel_index(flat, tuple(difference.shape))
    where = "".join(itos[i] for i in index)
    return TableDifference(float(difference.reshape(-1)[flat]), where,
                           float(counts_probs[index]), float(neural_probs[index]))  # fmt: skip
