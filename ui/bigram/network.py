"""The Bigram page's neural net: its controls, Train, the net's loss against the counts
model's, W beside log(counts + k), and (after training with our engine) engine vs torch."""

from __future__ import annotations

import math
import time

import numpy as np
import pandas as pd
import streamlit as st

from models.ngram import TrainingDiverged
from models.ngram.compare import centred, count_slice, logit_slice, row_constant_gap, slice_prefix
from ui.bigram.charts import value_heatmap
from ui.bigram.curves import engine_torch_curves, engine_torch_gaps
from ui.bigram.data import CountsFit, WordSet, format_nll
from ui.bigram.settings import METHOD_LABELS, SETTINGS, ngram_word
from ui.bigram.state import BigramState
from ui.bigram.training import (
    NeuralRun,
    train,
    training_estimate,
    trains_shared,
    wanted_settings,
)
from ui.charts import data_table, described
from ui.layout import lazy_panel
from ui.presenter import is_hidden
from ui.sharing import (
    SHARE_SECONDS,
    draw_refusal,
    draw_waiting,
    press_budget,
    refuse_if_over,
    training_turns,
)
from ui.streamlit_private import vega_lite_spec
from ui.text import literal


def neural_column(state: BigramState, words: WordSet, n: int, fit: CountsFit) -> NeuralRun | None:
    st.subheader("The neural net", anchor=False)
    inputs = (n - 1) * len(words.vocab)
    st.caption(
        f"{inputs} one-hot inputs → {len(words.vocab)} neurons (no bias, no non-linearity) "
        f"→ softmax, trained by gradient descent on {words.training_words}."
    )
    # Controls a presenter hides leave no gap: the visible ones fill the two columns in order.
    visible = [key for key in ("lr", "steps", "reg", "seed") if not is_hidden(key)]
    columns = st.columns(2)
    for i, key in enumerate(visible):
        with columns[i * 2 // len(visible)]:  # the first half on the left, the rest right
            SETTINGS.widget(key)
    method = SETTINGS.widget("method")
    _method_note(state, method, n)
    BigramState.button(
        st, "Train", "bigram.train", ("train",), type="primary", icon=":material/play_arrow:"
    )
    _refusal_notice(state)
    area = st.container()
    run = state.net_for(words.key, n)
    # A first visit (or new words) trains once by itself, so the comparison below is there.
    first_time = run is None and state.auto_trained != (words.key, n)
    if state.train_requested or first_time:
        state.auto_trained = (words.key, n)
        trained = _train(state, words, n, area)
        state.train_requested = False
        if trained is not None:
            # Redraw the panels above with the new run (a link's warning outlives the rerun:
            # ui/links.py keeps it until a setting changes).
            st.rerun()
    if run is None:
        st.info("Press Train to train the net.", icon=":material/play_arrow:")
        return None
    _describe_run(run, words, n, fit)
    if run.torch_twin is not None:
        engine_vs_torch(state, run)
    elif n == 2 and not run.source:
        st.caption(
            "Pick *our engine* above and press Train: lesson 1's scalar engine trains the same "
            "729 weights and lands on the same loss, step by step."
        )
    # The two heatmaps are a sixth of the page's bytes: built only while their panel is open
    # (a link that sets how they are drawn opens it).
    name = "W" if n == 2 else "The logits"
    box = lazy_panel(
        f"{name} beside log(counts + k): the net learns the counts",
        "bigram.weights-open",
        opened=SETTINGS.changed("centre"),
        icon=":material/grid_on:",
    )
    if box is not None:
        with box:
            _weights_vs_log_counts(state, words, n, fit, run)
    return run


def train_before_drawing(state: BigramState, words: WordSet, n: int) -> None:
    """A press of Train, or a first visit (or new words), with a short shared run: fetch it
    (or train it, once for the class) before the page draws, so the page is drawn once, with
    the run, rather than drawn, trained in the neural column, and drawn again. Anything else
    (an upload, our engine, a long run, a refusal or failure to explain) is left to the
    neural column."""
    first_time = state.net_for(words.key, n) is None and state.auto_trained != (words.key, n)
    if not (state.train_requested or first_time):
        return
    estimate, refusal = _estimate_and_refusal(words, n)
    if refusal is not None or not _short_and_shared(words, n, estimate):
        return
    try:
        run = train(words, n, SETTINGS.values, None, budget=press_budget())
    except (TrainingDiverged, ValueError):
        return  # the neural column trains again and says why
    state.auto_trained = (words.key, n)
    state.train_requested = False
    state.refusal = None
    state.keep_net(run)
    log_run(state, words, run)


def _estimate_and_refusal(words: WordSet, n: int):
    """What training the current settings would cost, and the refusal when it is over the
    press's budget (None when it fits)."""
    estimate = training_estimate(words, n, SETTINGS.values)
    what = f"{estimate.steps:,} steps of this net on {words.training_words}"
    return estimate, refuse_if_over(what, estimate, SETTINGS.values)


def _short_and_shared(words: WordSet, n: int, estimate) -> bool:
    """A run trained once for the class, short enough to need no turn in the line."""
    return trains_shared(words, n, SETTINGS["method"]) and estimate.seconds <= SHARE_SECONDS


def _refusal_notice(state: BigramState) -> None:
    draw_refusal(state.refusal, SETTINGS.values, BigramState, "bigram.fit-budget")


def _wait_for_turn(state: BigramState, area) -> None:
    """Wait, showing the place in the line, until this training may run. Any click reruns
    the page (Streamlit stops this loop at its next redraw) and the next run waits on with
    the same ticket; "Leave the line" gives it up."""
    turns = training_turns()
    box, offered = area.empty(), False
    while True:
        place = turns.place(state.ticket) if state.ticket is not None else None
        if place is None:  # no ticket yet, or dropped after a long silence
            state.ticket = turns.join()
            continue
        if place.training:
            box.empty()
            return
        if not offered:
            BigramState.button(area, "Leave the line", "bigram.leave-line", ("leave-line",))
            offered = True
        with box.container():
            draw_waiting(place, "press Leave the line to stop waiting")
        time.sleep(0.5)


def _train(state: BigramState, words: WordSet, n: int, area) -> NeuralRun | None:
    """Train with the current settings if the press fits the budget, once it is this
    training's turn; the run (kept and logged), or None after showing why not. The user's
    previous run is kept either way."""
    estimate, state.refusal = _estimate_and_refusal(words, n)
    if state.refusal is not None:
        _refusal_notice(state)
        return None
    if not _short_and_shared(words, n, estimate):
        _wait_for_turn(state, area)  # a short shared run is trained once: it needs no turn
    try:
        run = train(words, n, SETTINGS.values, area, budget=press_budget())
    except TrainingDiverged as error:
        area.error(f"{literal(str(error))} Your previous run is kept.", icon=":material/warning:")
        return None
    except ValueError as error:
        area.error(f"The net could not be trained: {literal(str(error))}", icon=":material/error:")
        return None
    finally:
        training_turns().leave(state.ticket)  # done, failed, or stopped by a rerun
        state.ticket = None
    if run.method == "engine":
        state.engine_pace = run.seconds_per_step
    state.keep_net(run)
    log_run(state, words, run)
    return run


def log_run(state: BigramState, words: WordSet, run: NeuralRun) -> None:
    """Add a finished training run to this user's run log, for the compare panel."""
    model = run.model
    train_curve = model.data_loss_history
    frames = [pd.DataFrame({"step": range(len(train_curve)), "value": train_curve})]
    frames[0]["series"] = "train"
    if "dev" in model.eval_history:
        dev = model.eval_history["dev"]
        frames.append(pd.DataFrame({"step": range(len(dev)), "value": dev, "series": "dev"}))
    settings = {"words": words.label, "n": run.n} | run.settings()
    settings["method"] = METHOD_LABELS[run.method]
    summary = {
        "NLL train": run.nll["train"],
        "NLL dev": run.nll["dev"],
        "ms per step": run.seconds_per_step * 1000,
    }
    state.run_log.record(settings, pd.concat(frames, ignore_index=True), summary)


def _method_note(state: BigramState, method: str, n: int) -> None:
    """What the chosen method will do, and how long the engine will take, before Train."""
    if method != "engine":
        return
    if n != 2:
        st.caption(
            f"Our engine trains bigrams (n = 2) only: for n = {n} the net trains with torch."
        )
        return
    pace, measured = state.engine_seconds_per_step()
    where = "your last engine run" if measured else "an estimate"
    steps = SETTINGS["steps"]
    st.caption(
        f"Lesson 1's scalar engine: each of the 729 weights a Value, the same loss and initial "
        f"weights as torch. About {pace * 1000:.1f} ms per step ({where}), so {steps:,} steps "
        f"take about {pace * steps:,.1f} s; torch then trains the same net (a fraction of a "
        "second) to compare the two."
    )


def describe_training(run: NeuralRun) -> str:
    """'lr 50, 500 steps, reg 0.001, seed 2147483647, torch', leaving out what is unknown."""
    parts = [
        f"lr {run.lr:g}" if run.lr is not None else "",
        f"{run.steps:,} steps" if run.steps is not None else "",
        f"reg {run.reg:g}" if run.reg is not None else "",
        f"seed {run.seed}" if run.seed is not None else "",
        METHOD_LABELS.get(run.method, ""),
    ]
    shown = ", ".join(part for part in parts if part)
    return shown or "no training settings in the file"


def _describe_run(run: NeuralRun, words: WordSet, n: int, fit: CountsFit) -> None:
    if run.source:
        st.caption(
            f"Shown: the net loaded from {literal(run.source)} ({describe_training(run)}). "
            "Press Train to train one with the settings above."
        )
    elif wanted_settings(n) != run.settings():
        st.caption(
            f"Shown: the run with {describe_training(run)}. Press Train to use the new settings."
        )
    if run.stopped_early:
        st.warning(
            f"Stopped after {len(run.model.loss_history):,} of {run.steps:,} steps: this press "
            "used its share of the server's time (the server was slower than the estimate). "
            "What it trained is shown; fewer steps finish within the share.",
            icon=":material/timer_off:",
        )
    gap = run.nll["train"] - fit.nll["train"]
    if run.source:
        done = f"Loaded from {literal(run.source)}"
    else:
        steps = len(run.model.loss_history)
        done = (
            f"After {steps} steps with {METHOD_LABELS[run.method]} ({run.seconds * 1000:,.0f} ms)"
        )
    on = "all words" if words.all_words else "train"
    dev = "" if words.all_words else f", dev {format_nll(run.nll['dev'])}"
    st.markdown(
        f"{done}: data loss on {on} **{format_nll(run.nll['train'])}** ({gap:+.4f} from the "
        f"counts model's {format_nll(fit.nll['train'])}){dev}."
    )


def _weights_vs_log_counts(
    state: BigramState, words: WordSet, n: int, fit: CountsFit, run: NeuralRun
) -> None:
    itos = words.vocab.itos
    prefix, _ = slice_prefix(n, SETTINGS["prefix"], words.vocab)
    smoothing = fit.model.smoothing
    centre = SETTINGS.widget("centre")
    labels = [prefix + ch for ch in itos]

    def build():
        counts = count_slice(fit.model, prefix)
        logits = logit_slice(run.model, prefix)
        with np.errstate(divide="ignore"):
            log_counts = np.log(counts + smoothing)
        gap = row_constant_gap(logits, counts, smoothing, labels, itos)
        if centre:
            logits, log_counts = centred(logits), centred(log_counts)
        finite = np.concatenate([logits[np.isfinite(logits)], log_counts[np.isfinite(log_counts)]])
        bound = float(np.abs(finite).max()) if centre and finite.size else None
        domain = (-bound, bound) if bound else None
        name = "W" if n == 2 else "logits (x @ W)"
        log_title = f"log(counts + {smoothing:g})"
        left = value_heatmap(logits, labels, itos, title=name, domain=domain)
        right = value_heatmap(log_counts, labels, itos, title=log_title, domain=domain)
        return vega_lite_spec(left), vega_lite_spec(right), gap

    key = (run.ident, fit.model.smoothing, words.key, prefix, centre)
    left_spec, right_spec, gap = state.charts.get("weights", key, build)
    left, right = st.columns(2)
    name = "W" if n == 2 else "the logits"
    left.vega_lite_chart(
        spec=described(left_spec, f"{name} of the net as a heatmap, one row per context."),
        width="stretch",
    )
    right.vega_lite_chart(
        spec=described(right_spec, f"log(counts + {smoothing:g}) as a heatmap, the same rows."),
        width="stretch",
    )

    def tables() -> pd.DataFrame:
        counts = count_slice(fit.model, prefix)
        logits = logit_slice(run.model, prefix)
        rows = pd.Index(labels, name="context")
        with np.errstate(divide="ignore"):
            log_counts = pd.DataFrame(np.log(counts + smoothing), index=rows, columns=itos)
        weights = pd.DataFrame(logits, index=rows, columns=itos)
        return pd.concat({name: weights, "log(counts + k)": log_counts}, axis=1).reset_index()

    data_table(f"{name} and log(counts + k) as tables", "bigram.weights-table", tables)
    if math.isnan(gap.largest):
        return
    st.caption(
        f"W learns log-counts up to a constant in each row (softmax ignores such a constant). "
        f"With the row constants taken out they differ by {gap.typical:.3f} on average over the "
        f"training {ngram_word(n)}, and by at most {gap.largest:.2f}, at "
        f"{literal(repr(gap.where))} (seen {gap.where_count:,} times): rare pairs get tiny "
        "gradients and converge last. Try k = 0, reg = 0 and 5,000 steps."
    )


def engine_vs_torch(state: BigramState, run: NeuralRun) -> None:
    """Both loss curves overlaid, their largest difference, and each one's time per step."""
    twin = run.torch_twin
    engine = run.model.loss_history
    if twin.failure:
        st.warning(
            f"torch could not train the same settings: {literal(twin.failure)}",
            icon=":material/warning:",
        )
        return
    gaps = [abs(a - b) for a, b in zip(engine, twin.history, strict=True)]
    if not gaps:
        return
    worst = max(range(len(gaps)), key=gaps.__getitem__)
    # CPU time of the training thread: what each method costs, whatever else the server does.
    engine_ms = run.cpu_seconds_per_step * 1000
    torch_ms = twin.elapsed.cpu / len(twin.history) * 1000
    st.markdown("**Our engine vs torch**: the same net, the same initial W, the same loss.")
    state.charts.draw(
        "engine-vs-torch",
        run.ident,
        lambda: engine_torch_curves(engine, twin.history),
        f"The loss per step of our engine and of torch over {len(engine)} steps: both fall "
        f"from {engine[0]:.4f} to {engine[-1]:.4f}, one on top of the other.",
        width="stretch",
    )
    state.charts.draw(
        "engine-torch-gaps",
        run.ident,
        lambda: engine_torch_gaps(engine, twin.history),
        f"The difference between the two losses at each step, at most {gaps[worst]:.1e} "
        f"(step {worst}).",
        width="stretch",
    )
    data_table(
        "Both losses as a table",
        "bigram.engine-table",
        lambda: pd.DataFrame(
            {
                "step": range(len(engine)),
                "our engine": engine,
                "torch": twin.history,
                "|difference|": gaps,
            }
        ),
    )
    st.markdown(
        f"Largest |engine − torch| **{gaps[worst]:.1e}** (step {worst}) · CPU time per step: "
        f"our engine **{engine_ms:.2f} ms**, torch **{torch_ms:.3f} ms**"
    )
    st.caption(
        "torch works in float32 (about 7 significant digits), the engine in Python's float64, "
        f"so what is left between them is rounding. torch is about {engine_ms / torch_ms:,.0f}x "
        "faster: one tensor operation does what the engine does one Value at a time (729 "
        "weights, about a thousand nodes per row of W). Times are the CPU time of the whole "
        "training run (encoding included, the page's progress redraws left out) divided by "
        "the steps; on a busy server the clock runs longer than that."
    )
