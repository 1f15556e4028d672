"""The MLP page's settings, micrograd's demo as a preset, and the run they describe."""

from __future__ import annotations

from dataclasses import dataclass

from data.toy2d import DATASET_LABELS, DATASETS
from models.mlp_training import (
    HIDDEN_ACTIVATIONS,
    LOSS_LABELS,
    LOSSES,
    MAX_HIDDEN_LAYERS,
    MAX_STEPS,
    MAX_WIDTH,
    SCHEDULE_LABELS,
    SCHEDULES,
    TrainingConfig,
)
from ui.settings import PageSettings, Setting

FULL_BATCH = "full"
MAX_POINTS = 500
LEARNING_RATES = (
    *(1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5),
    *(1.0, 2.0, 5.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6),
)
L2_STRENGTHS = (0.0, 1e-5, 1e-4, 1e-3, 1e-2, 0.1)
BATCH_SIZES = (FULL_BATCH, 1, 2, 4, 8, 16, 32, 64, 128, 256)
WIDTH_DEFAULTS = (16, 16, 8, 8)
SEED_LIMIT = 2**31 - 1


def _width_setting(layer: int) -> Setting:
    return Setting(
        f"width{layer}",
        f"Neurons in hidden layer {layer}",
        WIDTH_DEFAULTS[layer - 1],
        kind="int",
        min_value=1,
        max_value=MAX_WIDTH,
        widget="slider",
    )


def _batch_label(batch: int | str) -> str:
    return "full batch" if batch == FULL_BATCH else str(batch)


SETTINGS = PageSettings(
    "mlp",
    [
        Setting(
            "dataset",
            "Dataset",
            "moons",
            kind="choice",
            options=DATASETS,
            option_labels=DATASET_LABELS.get,
        ),
        Setting(
            "points",
            "Points",
            100,
            kind="int",
            min_value=10,
            max_value=MAX_POINTS,
            step=10,
            widget="slider",
        ),
        Setting("noise", "Noise", 0.1, min_value=0.0, max_value=1.0, step=0.05, widget="slider"),
        Setting(
            "test",
            "Test fraction",
            0.2,
            min_value=0.0,
            max_value=0.5,
            step=0.05,
            widget="slider",
            help="Held out from training; drawn hollow.",
        ),
        Setting("data_seed", "Data seed", 1337, kind="int", min_value=0, max_value=SEED_LIMIT),
        Setting(
            "layers",
            "Hidden layers",
            2,
            kind="int",
            min_value=0,
            max_value=MAX_HIDDEN_LAYERS,
            widget="slider",
        ),
        *[_width_setting(layer) for layer in range(1, MAX_HIDDEN_LAYERS + 1)],
        Setting(
            "activation",
            "Activation",
            "relu",
            kind="choice",
            options=HIDDEN_ACTIVATIONS,
            widget="segmented",
        ),
        Setting(
            "loss",
            "Loss",
            "max_margin",
            kind="choice",
            options=LOSSES,
            option_labels=LOSS_LABELS.get,
        ),
        Setting(
            "l2",
            "L2 strength",
            1e-4,
            kind="choice",
            options=L2_STRENGTHS,
            widget="select_slider",
            help="Adds l2 * (sum of every weight squared).",
        ),
        Setting(
            "lr",
            "Learning rate",
            1.0,
            kind="choice",
            options=LEARNING_RATES,
            widget="select_slider",
        ),
        Setting(
            "schedule",
            "Schedule",
            "linear",
            kind="choice",
            options=SCHEDULES,
            option_labels=SCHEDULE_LABELS.get,
            widget="radio",
        ),
        Setting(
            "batch",
            "Batch size",
            FULL_BATCH,
            kind="choice",
            options=BATCH_SIZES,
            option_labels=_batch_label,
        ),
        Setting("steps", "Steps", 100, kind="int", min_value=1, max_value=MAX_STEPS),
        Setting(
            "seed",
            "Seed (initial weights and batches)",
            1337,
            kind="int",
            min_value=0,
            max_value=SEED_LIMIT,
        ),
        Setting(
            "point",
            "Point whose loss is drawn",
            1,
            kind="int",
            min_value=1,
            max_value=MAX_POINTS,
        ),
    ],
)

# Settings that define a run; "point" only chooses what is drawn.
RUN_KEYS = tuple(key for key in SETTINGS.settings if key != "point")
LABELS = {key: setting.label for key, setting in SETTINGS.settings.items()}
DATA_KEYS = ("points", "noise", "test", "data_seed")
ARCHITECTURE_KEYS = (
    "layers",
    *(f"width{layer}" for layer in range(1, MAX_HIDDEN_LAYERS + 1)),
    "activation",
)

# micrograd's demo notebook: moons(100, noise 0.1, seed 1337), all points for training,
# MLP(2, [16, 16, 1]) relu, max-margin + 1e-4 L2, full batch, lr 1.0 - 0.9*k/100, 100 steps.
DEMO_PRESET = {
    "dataset": "moons",
    "points": 100,
    "noise": 0.1,
    "test": 0.0,
    "data_seed": 1337,
    "layers": 2,
    "width1": 16,
    "width2": 16,
    "activation": "relu",
    "loss": "max_margin",
    "l2": 1e-4,
    "lr": 1.0,
    "schedule": "linear",
    "batch": FULL_BATCH,
    "steps": 100,
    "seed": 1337,
}


# The losses micrograd's demo notebook prints (step: loss), for the page to show beside the
# run's own when it trains the demo.
DEMO_PRINTED = {0: 0.8958441028683222, 1: 1.7235905336972022, 99: 0.010978370135492717}


def is_demo(settings: dict) -> bool:
    """Whether a run's settings are micrograd's demo."""
    return all(settings.get(key) == value for key, value in DEMO_PRESET.items())


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
        hidden=widths,
        activation=values["activation"],
        loss=values["loss"],
        l2=values["l2"],
        learning_rate=values["lr"],
        schedule=values["schedule"],
        batch_size=batch,
        steps=values["steps"],
        seed=values["seed"],
    )
    return RunSpec(
        values["dataset"],
        values["points"],
        values["noise"],
        values["data_seed"],
        values["test"],
        config,
    )


def architecture(nin: int, config: TrainingConfig) -> str:
    """The network's shape as the page writes it, e.g. 2-16-16-1."""
    return "-".join(str(n) for n in [nin, *config.layer_sizes])


def run_description(settings: dict) -> dict:
    """The settings that shaped a run, as the page names them: the widths of layers the network
    does not have, and the data settings the lecture's fixed examples ignore, are left out."""
    shown = {}
    for key, value in settings.items():
        if key.startswith("width") and int(key.removeprefix("width")) > settings["layers"]:
            continue
        if key in DATA_KEYS and settings["dataset"] == "lecture":
            continue
        labels = SETTINGS.settings[key].option_labels
        shown[key] = labels(value) if labels else value
    return shown
