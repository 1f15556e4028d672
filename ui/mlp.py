"""The MLP page: its settings, the per-user training run, the live view and its charts.

A run (`Run`: a `Trainer` plus what the page needs around it) lives in `st.session_state` under
"mlp:run". Buttons only queue an action ("mlp:action") in their callbacks; the page applies it
once the settings are read, so a button press always sees this run's widget values.

While a run is training, the live view is a fragment with `run_every`. Each run of it trains in
chunks (at most STEPS_PER_UPDATE steps or CHUNK_SECONDS) and redraws the progress, curves and
boundary in place after every chunk, for about RUN_SECONDS; then the browser's timer starts the
next fragment run. Any click or widget change interrupts it at the next redraw (Streamlit stops
a run at its next element), so the page stays responsive, and the trainer is never left half
way through a step (no element is drawn inside a step). When training ends (finished, diverged
or paused), the page reruns as a whole once, which redraws the buttons and stops the timer.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass, field

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from data.toy2d import DATASET_LABELS, DATASETS, Dataset, make_dataset, train_test_split
from engine.graph import to_dot
from models.mlp import MLP
from models.mlp_training import (
    HIDDEN_ACTIVATIONS,
    LOSS_LABELS,
    LOSSES,
    MAX_GRAPH_NODES,
    MAX_HIDDEN_LAYERS,
    MAX_STEPS,
    MAX_WIDTH,
    SCHEDULE_LABELS,
    SCHEDULES,
    Trainer,
    TrainingConfig,
    count_parameters,
    evaluate,
    point_loss_graph,
)
from ui.cache import shared_data
from ui.charts import chart_height, line_chart
from ui.mlp_charts import curve_frames, decision_boundary_chart, grid_frame, points_frame
from ui.runs import RunLog, compare_runs_panel
from ui.settings import PageSettings, Setting

RUN_KEY = "mlp:run"
ACTION_KEY = "mlp:action"
IMPORT_KEY = "mlp:import"  # a network read from a file, waiting for prepare_run to adopt it
GRAPH_KEY = "mlp:graph-open"  # expander states
WEIGHTS_KEY = "mlp:weights-open"
# Each live update trains at most this many steps or this long (a slow network still redraws
# after one step), so the boundary moves in small steps while a redraw's cost stays amortised.
STEPS_PER_UPDATE = 10
CHUNK_SECONDS = 0.25
RUN_SECONDS = 1.0  # live updates per script run: up to about this long
TICK_SECONDS = 0.05  # how soon the browser asks for the next chunk
FULL_BATCH = "full"
MAX_POINTS = 500

LEARNING_RATES = (
    1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5,
    1.0, 2.0, 5.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6,
)  # fmt: skip
L2_STRENGTHS = (0.0, 1e-5, 1e-4, 1e-3, 1e-2, 0.1)
BATCH_SIZES = (FULL_BATCH, 1, 2, 4, 8, 16, 32, 64, 128, 256)
WIDTH_DEFAULTS = (16, 16, 8, 8)


def _width_setting(layer: int) -> Setting:
    return Setting(
        f"width{layer}", f"Neurons in hidden layer {layer}", WIDTH_DEFAULTS[layer - 1],
        kind="int", min_value=1, max_value=MAX_WIDTH, widget="slider",
    )  # fmt: skip


SETTINGS = PageSettings(
    "mlp",
    [
        Setting("dataset", "Dataset", "moons", kind="choice", options=DATASETS,
                option_labels=DATASET_LABELS.get),
        Setting("points", "Points", 100, kind="int", min_value=10, max_value=MAX_POINTS,
                step=10, widget="slider"),
        Setting("noise", "Noise", 0.1, min_value=0.0, max_value=1.0, step=0.05,
                widget="slider"),
        Setting("test", "Test fraction", 0.2, min_value=0.0, max_value=0.5, step=0.05,
                widget="slider", help="Held out from training; drawn hollow."),
        Setting("data_seed", "Data seed", 1337, kind="int", min_value=0,
                max_value=2**31 - 1),
        Setting("layers", "Hidden layers", 2, kind="int", min_value=0,
                max_value=MAX_HIDDEN_LAYERS, widget="slider"),
        *[_width_setting(layer) for layer in range(1, MAX_HIDDEN_LAYERS + 1)],
        Setting("activation", "Activation", "relu", kind="choice",
                options=HIDDEN_ACTIVATIONS, widget="segmented"),
        Setting("loss", "Loss", "max_margin", kind="choice", options=LOSSES,
                option_labels=LOSS_LABELS.get),
        Setting("l2", "L2 strength", 1e-4, kind="choice", options=L2_STRENGTHS,
                widget="select_slider", help="Adds l2 * (sum of every weight squared)."),
        Setting("lr", "Learning rate", 1.0, kind="choice", options=LEARNING_RATES,
                widget="select_slider"),
        Setting("schedule", "Schedule", "linear", kind="choice", options=SCHEDULES,
                option_labels=SCHEDULE_LABELS.get, widget="radio"),
        Setting("batch", "Batch size", FULL_BATCH, kind="choice", options=BATCH_SIZES,
                option_labels=lambda b: "full batch" if b == FULL_BATCH else str(b)),
        Setting("steps", "Steps", 100, kind="int", min_value=1, max_value=MAX_STEPS),
        Setting("seed", "Seed (initial weights and batches)", 1337, kind="int",
                min_value=0, max_value=2**31 - 1),
        Setting("point", "Point whose loss is drawn", 1, kind="int", min_value=1,
                max_value=MAX_POINTS),
    ],
)  # fmt: skip

# Settings that define a run; "point" only chooses what is drawn.
RUN_KEYS = tuple(key for key in SETTINGS.settings if key != "point")

# micrograd's demo notebook: moons(100, noise 0.1, seed 1337), all points for training,
# MLP(2, [16, 16, 1]) relu, max-margin + 1e-4 L2, full batch, lr 1.0 - 0.9*k/100, 100 steps.
DEMO_PRESET = {
    "dataset": "moons", "points": 100, "noise": 0.1, "test": 0.0, "data_seed": 1337,
    "layers": 2, "width1": 16, "width2": 16, "activation": "relu", "loss": "max_margin",
    "l2": 1e-4, "lr": 1.0, "schedule": "linear", "batch": FULL_BATCH, "steps": 100,
    "seed": 1337,
}  # fmt: skip


# ---- from settings to a run --------------------------------------------------------------------


@dataclass(frozen=True)
class RunSpec:
    """Everything a run is made from: the data's settings and the training configuration."""

    dataset: str
    points: int
    noise: float
    data_seed: int
    test_fraction: float
    config: TrainingConfig


def spec_from(values: dict) -> RunSpec:
    """The run the settings describe; ValueError with a plain message if they make none."""
    widths = tuple(values[f"width{i}"] for i in range(1, values["layers"] + 1))
    batch = None if values["batch"] == FULL_BATCH else values["batch"]
    config = TrainingConfig(
        hidden=widths, activation=values["activation"], loss=values["loss"], l2=values["l2"],
        learning_rate=values["lr"], schedule=values["schedule"], batch_size=batch,
        steps=values["steps"], seed=values["seed"],
    )  # fmt: skip
    return RunSpec(
        values["dataset"], values["points"], values["noise"], values["data_seed"],
        values["test"], config,
    )  # fmt: skip


@shared_data(max_entries=64)
def load_split(
    dataset: str, points: int, noise: float, data_seed: int, test_fraction: float
) -> tuple[Dataset, Dataset]:
    """(train, test) for the data settings. The lecture's four examples all train."""
    if dataset == "lecture":
        data = make_dataset("lecture")
        return data, Dataset(data.name, (), ())
    data = make_dataset(dataset, points, noise, data_seed)
    return train_test_split(data, test_fraction, data_seed)


def architecture(nin: int, config: TrainingConfig) -> str:
    return "-".join(str(n) for n in [nin, *config.layer_sizes])


# ---- the per-user run ---------------------------------------------------------------------------


@dataclass
class Run:
    """One training run of one user, and what the page shows about it."""

    spec: RunSpec
    settings: dict
    train: Dataset
    test: Dataset
    trainer: Trainer
    state: str = "ready"  # ready, training, paused, done, diverged, imported
    clock_start: float = 0.0  # wall clock and step when training last (re)started
    step_start: int = 0
    steps_per_second: float | None = None  # wall clock, drawing and waiting included
    torch_check: object | None = None
    notes: list[str] = field(default_factory=list)
    recorded: bool = False  # in the compare-runs log since it last ended
    imported: str | None = None  # the file the weights came from, for an imported network

    @property
    def untouched(self) -> bool:
        """Nothing to lose: not trained, not imported (a settings change may replace it)."""
        return self.trainer.steps_done == 0 and self.imported is None

    def restart(self) -> None:
        """Back to the seed's initial weights, as a new run of the same settings."""
        self.trainer.reset()
        self.torch_check, self.recorded = None, False

    def start(self) -> None:
        if self.trainer.finished:
            self.restart()
        self.state = "training"
        self.clock_start, self.step_start = time.perf_counter(), self.trainer.steps_done

    def settle(self) -> None:
        """After training: done, diverged, or still waiting for more. A run that has just
        ended goes into the compare-runs log."""
        if self.trainer.divergence is not None:
            self.state = "diverged"
        elif self.trainer.finished:
            self.state = "done"
        if self.state in {"done", "diverged"} and not self.recorded:
            self.recorded = True
            record_run(self)

    def advance(self, seconds: float, max_steps: int) -> None:
        """Train for about `seconds` or `max_steps` steps and update the measured rate."""
        self.trainer.run_for(seconds, max_steps)
        elapsed = time.perf_counter() - self.clock_start
        if elapsed > 0:
            self.steps_per_second = (self.trainer.steps_done - self.step_start) / elapsed
        self.settle()


def new_run(spec: RunSpec, values: dict) -> Run:
    train, test = load_split(
        spec.dataset, spec.points, spec.noise, spec.data_seed, spec.test_fraction
    )
    trainer = Trainer(spec.config, train.X, train.y, test.X, test.y)
    run = Run(spec, {key: values[key] for key in RUN_KEYS}, train, test, trainer)
    if spec.config.batch_size is not None and spec.config.batch_size >= len(train):
        run.notes.append(
            f"The batch size ({spec.config.batch_size}) is at least the number of training "
            f"points ({len(train)}), so every step uses the full batch."
        )
    return run


# ---- the runs to compare ------------------------------------------------------------------------

RUN_LOG = RunLog("mlp")
LABELS = {key: setting.label for key, setting in SETTINGS.settings.items()}
_DATA_KEYS = ("points", "noise", "test", "data_seed")


def run_description(settings: dict) -> dict:
    """The settings that shaped a run, as the page names them: the widths of layers the network
    does not have, and the data settings the lecture's fixed examples ignore, are left out."""
    shown = {}
    for key, value in settings.items():
        if key.startswith("width") and int(key.removeprefix("width")) > settings["layers"]:
            continue
        if key in _DATA_KEYS and settings["dataset"] == "lecture":
            continue
        describe = SETTINGS.settings[key].option_labels
        shown[key] = describe(value) if describe else value
    return shown


def record_run(run: Run) -> None:
    """Put an ended run (finished or diverged) into this user's compare-runs log."""
    loss, _ = curve_frames(run.trainer.history, full_batch=True)  # train and test, no batch
    curves = pd.DataFrame(
        {"step": loss["step"], "value": loss["value"], "series": loss["curve"] + " loss"}
    )
    last = run.trainer.history[-1]
    divergence = run.trainer.divergence
    summary = {
        "outcome": f"diverged at step {divergence.step}" if divergence else "finished",
        "last train loss": last.train_loss,
        "last train accuracy": f"{last.train_accuracy:.1%}",
    }
    if last.test_accuracy is not None:
        summary["last test accuracy"] = f"{last.test_accuracy:.1%}"
    RUN_LOG.record(run_description(run.settings), curves, summary)


def draw_compare_runs() -> None:
    st.subheader("Compare runs")
    st.caption(
        "Every run that finishes (or diverges) is kept, the last five of them: pick two to "
        "see their loss curves on one chart and their settings side by side."
    )
    compare_runs_panel(RUN_LOG, LABELS)


@dataclass(frozen=True)
class ImportedNetwork:
    """A network read from a file, with the file's name and what the page changed to fit it."""

    model: MLP
    name: str
    notes: tuple[str, ...] = ()


def adopt_import(spec: RunSpec, values: dict, imported: ImportedNetwork) -> Run:
    """A run that shows the imported network on the data the settings describe.

    It is not trained here: Train, Step and Reset start a new run from the seed's weights
    (with the file's settings intact, that run repeats the one that was saved).
    """
    run = new_run(spec, values)
    trainer = run.trainer
    shape = [trainer.nin, *(len(layer.neurons) for layer in trainer.model.layers)]
    theirs = [imported.model.nin, *(len(layer.neurons) for layer in imported.model.layers)]
    if shape != theirs:  # settings_for_import makes them equal; never show a wrong network
        raise ValueError(f"the page built a {shape} network for a {theirs} file")
    trainer.model.set_weights(imported.model.get_weights())
    trainer.initial_weights = tuple(trainer.model.get_weights())
    run.state, run.imported = "imported", imported.name
    run.notes.extend(imported.notes)
    return run


def plain(text: str) -> str:
    """Text from a user's file shown literally: markdown punctuation escaped (no links or
    images from a file name or a file's contents)."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$:])", r"\\\1", text)


def current_run() -> Run | None:
    return st.session_state.get(RUN_KEY)


def queue(action: str) -> None:
    """Button callback: remember the action; `prepare_run` carries it out in the run."""
    st.session_state[ACTION_KEY] = action


def queue_demo() -> None:
    SETTINGS.update(DEMO_PRESET)
    queue("train")


def settings_changed(run: Run | None, values: dict) -> bool:
    return run is not None and any(run.settings[key] != values[key] for key in RUN_KEYS)


def prepare_run(values: dict) -> Run | None:
    """Carry out a queued action and make sure there is a run to show. A run that has trained
    is never replaced by a settings change, only by Train, Step or Reset."""
    action = st.session_state.pop(ACTION_KEY, None)
    imported = st.session_state.pop(IMPORT_KEY, None)
    run = current_run()
    restart = action in {"train", "step", "reset"}
    try:
        spec = spec_from(values)
        matches = run is not None and not settings_changed(run, values)
        if action == "import" and imported is not None:
            run = adopt_import(spec, values, imported)
        # An untrained run follows the settings; a trained one only Train, Step or Reset
        # replace. An imported network is never trained here: those start a new run.
        elif (
            run is None
            or (run.imported and restart)
            or (not matches and (run.untouched or restart))
        ):
            run = new_run(spec, values)
    except ValueError as error:
        st.error(f"These settings do not make a network to train: {error}", icon=":material/error:")
        return run
    st.session_state[RUN_KEY] = run
    if action == "train":
        run.start()
    elif action == "pause" and run.state == "training":
        run.state = "paused"
    elif action == "step":
        if run.trainer.finished:
            run.restart()
        run.trainer.step(1)
        run.state = "paused"
        run.settle()
    elif action == "reset":
        run.restart()
        run.state, run.steps_per_second = "ready", None
    elif action == "torch" and run.trainer.steps_done:
        from models.mlp_torch import compare_with_torch  # torch loads only when asked

        run.torch_check = compare_with_torch(run.trainer)
    return run


# ---- controls -----------------------------------------------------------------------------------


def draw_controls(settings: PageSettings) -> dict:
    """The demo preset and the settings' widgets in three groups; returns their values."""
    st.button("Micrograd's demo", key="mlp:demo", icon=":material/auto_awesome:",
              on_click=queue_demo, width="stretch",
              help="Moons, 2-16-16-1 relu, max-margin + 1e-4 L2, the demo's decaying "
              "learning rate, 100 full-batch steps on all 100 points: the notebook's "
              "exact run, started at once.")  # fmt: skip
    data_box = st.expander("Data", expanded=True, icon=":material/scatter_plot:")
    settings.widget("dataset", data_box)
    fixed = settings["dataset"] == "lecture"
    for key in ("points", "noise", "test", "data_seed"):
        settings.widget(key, data_box, disabled=fixed)
    if fixed:
        data_box.caption("The lecture's four 3-D examples, all used for training.")

    net_box = st.expander("Network", expanded=True, icon=":material/hub:")
    settings.widget("layers", net_box)
    for layer in range(1, settings["layers"] + 1):
        settings.widget(f"width{layer}", net_box)
    settings.widget("activation", net_box)
    try:
        config = spec_from(settings.values).config
        nin = 3 if fixed else 2
        net_box.caption(
            f"Network {architecture(nin, config)}: **{count_parameters(nin, config)} "
            "parameters** (each neuron has a weight per input and a bias; the output is linear)."
        )
    except ValueError:
        pass

    train_box = st.expander("Training", expanded=True, icon=":material/model_training:")
    for key in ("loss", "l2", "lr", "schedule", "batch", "steps", "seed", "point"):
        settings.widget(key, train_box)
    return settings.values


def draw_buttons(run: Run | None, values: dict) -> None:
    training = run is not None and run.state == "training"
    cols = st.columns(4)
    resume = run is not None and run.state == "paused" and not settings_changed(run, values)
    cols[0].button("Resume" if resume else "Train", key="mlp:train", type="primary",
                   icon=":material/play_arrow:", on_click=queue, args=("train",),
                   disabled=training, width="stretch")  # fmt: skip
    cols[1].button("Pause", key="mlp:pause", icon=":material/pause:", on_click=queue,
                   args=("pause",), disabled=not training, width="stretch")  # fmt: skip
    cols[2].button("Step", key="mlp:step", icon=":material/skip_next:", on_click=queue,
                   args=("step",), disabled=training, width="stretch",
                   help="One step: forward, loss, backward, update.")  # fmt: skip
    cols[3].button("Reset", key="mlp:reset", icon=":material/restart_alt:", on_click=queue,
                   args=("reset",), width="stretch",
                   help="Back to the initial weights (the seed's).")  # fmt: skip


def draw_notices(run: Run | None, values: dict) -> None:
    if settings_changed(run, values):
        st.info(
            "Settings changed since this run; press **Train** to start a new run with them. "
            "The charts below still show the run you trained.",
            icon=":material/edit_note:",
        )
    for note in run.notes if run else []:
        st.caption(note)


# ---- the live view ------------------------------------------------------------------------------


def live_view() -> None:
    """The run's progress, charts and graph; while training, trains and redraws in chunks."""
    run = current_run()
    ticking = run is not None and run.state == "training"
    st.fragment(run_every=TICK_SECONDS if ticking else None)(_live_body)()


def _live_body() -> None:
    run = current_run()
    if run is None:
        return
    was_training = run.state == "training"
    view = st.empty()
    # The graph and the weights are computed only while their expander is open.
    graph_box = st.expander("Computation graph of one point's loss", key=GRAPH_KEY,
                            on_change="rerun", icon=":material/account_tree:")  # fmt: skip
    graph_slot = graph_box.empty()
    weights_box = st.expander("Weights", key=WEIGHTS_KEY, on_change="rerun",
                              icon=":material/table:")  # fmt: skip
    started = time.perf_counter()
    follow = graph_box.open and graph_dot(run, SETTINGS["point"]) is not None
    per_update = 1 if follow else STEPS_PER_UPDATE
    while True:
        if run.state == "training":
            run.advance(CHUNK_SECONDS, per_update)
        with view.container():
            draw_run(run)
        if graph_box.open:
            with graph_slot.container():
                # An open graph is followed step by step; a closed one costs nothing.
                per_update = 1 if draw_graph(run) else STEPS_PER_UPDATE
        # Redraw in place for a while before handing back to the fragment's timer: each
        # rerun costs a round trip to the browser.
        if run.state != "training" or time.perf_counter() - started > RUN_SECONDS:
            break
    if weights_box.open:
        with weights_box:
            if run.state == "training":  # a table nobody can read while it changes
                st.caption("Shown when training pauses or ends.")
            else:
                st.dataframe(weights_table(run), hide_index=True, width="stretch")
    if was_training and run.state != "training":
        st.rerun()  # redraw the buttons and stop the fragment's timer


def status_text(run: Run) -> str:
    trainer = run.trainer
    if run.imported is not None:
        return (f"Imported from {plain(run.imported)}: the saved weights, not trained here. Train "
                f"starts a new run of {trainer.config.steps} steps from the seed's weights.")  # fmt: skip
    text = f"Step {trainer.steps_done} of {trainer.config.steps}"
    rate = f" · {run.steps_per_second:.0f} steps/s" if run.steps_per_second is not None else ""
    compute = trainer.compute_seconds
    words = {
        "ready": "not trained yet",
        "training": "training",
        "paused": "paused",
        "done": "finished",
        "diverged": "stopped: diverged",
    }
    text += f" · {words[run.state]}{rate}"
    if trainer.steps_done and compute > 0:
        text += f" (training alone: {trainer.steps_done / compute:.0f} steps/s)"
    return text


def draw_run(run: Run) -> None:
    trainer = run.trainer
    st.progress(min(trainer.steps_done / trainer.config.steps, 1.0), text=status_text(run))
    if trainer.divergence is not None:
        st.error(trainer.divergence.message, icon=":material/warning:")
    draw_metrics(run)
    left, right = st.columns([3, 2])
    with left:
        if trainer.nin == 2:
            st.altair_chart(boundary_chart(run), width="stretch")
            st.caption(
                "Background: the network's score (blue: predicts +1, red: predicts -1, white: "
                "the boundary). Training points filled, test points hollow."
            )
        else:
            st.markdown("**Predictions** (3-D inputs: no boundary to draw)")
            st.dataframe(predictions_table(run), hide_index=True, width="stretch")
    with right:
        loss_data, accuracy_data = curve_frames(trainer.history, trainer.full_batch)
        if loss_data.empty:
            st.caption("The loss and accuracy curves appear when training starts.")
        else:
            st.altair_chart(
                line_chart(loss_data, x="step", y="value", series="curve", title="Loss",
                           y_title="loss", height=chart_height(200)),
                width="stretch",
            )  # fmt: skip
            st.altair_chart(
                line_chart(accuracy_data, x="step", y="value", series="curve",
                           title="Accuracy", y_title="accuracy", height=chart_height(160)),
                width="stretch",
            )  # fmt: skip


def draw_metrics(run: Run) -> None:
    """The last step's figures in one line (metric tiles get cut off in narrow columns)."""
    history = run.trainer.history
    if run.imported is not None:
        draw_imported_metrics(run)
    if not history:
        return
    last = history[-1]
    parts = [
        f"loss at step {last.step} **{_fmt(last.loss, '.6g')}**",
        f"train accuracy **{_fmt(last.train_accuracy, '.1%')}**",
    ]
    if last.test_accuracy is not None:
        parts.append(f"test accuracy **{_fmt(last.test_accuracy, '.1%')}**")
    parts.append(f"learning rate **{_fmt(last.learning_rate, '.4g')}**")
    st.markdown(" · ".join(parts))
    st.caption(
        f"The loss of step {last.step}'s batch, L2 included, before its update (the figure "
        f"micrograd's demo prints), to the last digit: `{last.loss!r}`"
    )


def draw_imported_metrics(run: Run) -> None:
    """How the imported network does on the data the settings describe."""
    trainer, config = run.trainer, run.trainer.config
    loss, accuracy = evaluate(trainer.model, trainer.X_train, trainer.y_train, config.loss,
                              config.l2)  # fmt: skip
    parts = [f"on this data: train loss **{_fmt(loss, '.6g')}**",
             f"train accuracy **{_fmt(accuracy, '.1%')}**"]  # fmt: skip
    if trainer.X_test:
        _, test_accuracy = evaluate(trainer.model, trainer.X_test, trainer.y_test, config.loss,
                                    config.l2)  # fmt: skip
        parts.append(f"test accuracy **{_fmt(test_accuracy, '.1%')}**")
    st.markdown("Imported network " + " · ".join(parts))


def _fmt(value: float, spec: str) -> str:
    return format(value, spec) if math.isfinite(value) else str(value)


def draw_graph(run: Run) -> bool:
    """One point's loss graph, or why it is not drawn; True if it was drawn."""
    dot = graph_dot(run, SETTINGS["point"])
    if dot is None:
        config, nin = run.trainer.config, run.trainer.nin
        st.caption(
            f"Drawn for networks whose graph for one point has at most {MAX_GRAPH_NODES} "
            f"values (2-2-1, 2-3-1 or 2-4-1, say); this {architecture(nin, config)} network "
            f"has {count_parameters(nin, config)} parameters, too many to read."
        )
        return False
    index = min(SETTINGS["point"], len(run.train)) - 1
    x, label = run.train.X[index], run.train.y[index]
    where = ", ".join(f"{v:.3f}" for v in x)
    st.caption(
        f"The loss of training point {index + 1} of {len(run.train)} (x = ({where}), label "
        f"{label:+d}) with the current weights: each box shows a value and d loss / d value "
        "(blue positive, red negative). While this is open, training redraws after every "
        "step; close it to train faster."
    )
    st.graphviz_chart(dot, width="stretch")
    return True


def graph_dot(run: Run, point: int) -> str | None:
    """DOT text of the chosen training point's loss, or None for a network too large."""
    index = min(point, len(run.train)) - 1
    root = point_loss_graph(
        run.trainer.model, run.train.X[index], run.train.y[index], run.trainer.config.loss
    )
    if root is None:
        return None
    return to_dot(
        root, color_by_grad=True, rankdir="TB", number_format=".3f", max_nodes=MAX_GRAPH_NODES
    )


# ---- the run's chart and tables ------------------------------------------------------------------


def boundary_chart(run: Run) -> alt.LayerChart:
    return decision_boundary_chart(
        grid_frame(run.trainer.model, run.train, run.test), points_frame(run.train, run.test)
    )


def predictions_table(run: Run) -> pd.DataFrame:
    """Each point of 3-D data with its target and the network's score."""
    rows = []
    for split, data in (("train", run.train), ("test", run.test)):
        if not len(data):
            continue
        for x, label, score in zip(data.X, data.y, run.trainer.model.predict(data.X), strict=True):
            rows.append({**{f"x{i + 1}": v for i, v in enumerate(x)}, "target": label,
                         "prediction": score, "correct sign": (score > 0) == (label > 0),
                         "split": split})  # fmt: skip
    return pd.DataFrame(rows)


def weights_table(run: Run) -> pd.DataFrame:
    params = run.trainer.model.parameters()
    return pd.DataFrame(
        {
            "parameter": [p.label for p in params],
            "value": [p.data for p in params],
            "initial": list(run.trainer.initial_weights),
        }
    )


# ---- the PyTorch check --------------------------------------------------------------------------


def draw_torch_check(run: Run | None) -> None:
    st.subheader("Check against PyTorch")
    st.caption(
        "Trains the same network from the same initial weights in PyTorch (float64, its own "
        "autograd) on the same batches with the same learning rates, and overlays the losses."
    )
    has_steps = run is not None and run.trainer.steps_done > 0
    st.button("Check against PyTorch", key="mlp:torch", icon=":material/fact_check:",
              on_click=queue, args=("torch",),
              disabled=not has_steps or run.state == "training")  # fmt: skip
    check = run.torch_check if run is not None else None
    if check is None:
        return
    if math.isnan(check.max_abs_difference):
        st.warning("No step with a finite loss to compare.", icon=":material/info:")
        return
    st.success(
        f"Largest |difference| between the engine's and PyTorch's losses over "
        f"{check.steps} steps: **{check.max_abs_difference:.3g}**",
        icon=":material/check_circle:",
    )
    if check.steps < run.trainer.steps_done:
        st.caption(f"Checked the first {check.steps} steps; press the button again for the rest.")
    frame = pd.DataFrame(
        [(k, "micrograd engine", v) for k, v in enumerate(check.engine_losses)]
        + [(k, "PyTorch float64", v) for k, v in enumerate(check.torch_losses)],
        columns=["step", "curve", "loss"],
    )
    frame = frame[np.isfinite(frame["loss"].to_numpy(dtype=float))]
    st.altair_chart(
        line_chart(frame, x="step", y="loss", series="curve", title="Same run, two engines",
                   height=chart_height(220)),
        width="stretch",
    )  # fmt: skip
