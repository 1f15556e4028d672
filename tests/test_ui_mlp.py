"""ui/mlp/settings.py and ui/mlp/charts.py without a browser: settings to a run, the preset, curves and
the boundary chart."""

from __future__ import annotations

import math

import numpy as np
import pytest

from data.toy2d import Dataset
from models.mlp import MLP
from models.mlp_training import StepRecord
from tests.test_mlp_training import DEMO
from ui.mlp.charts import (
    NEGATIVE_COLOR,
    POSITIVE_COLOR,
    curve_frames,
    decision_boundary_chart,
    grid_frame,
    points_frame,
)
from ui.mlp.settings import DEMO_PRESET, SETTINGS, run_description, spec_from


def test_the_demo_preset_is_micrograds_demo():
    values = {**SETTINGS.defaults(), **DEMO_PRESET}
    for key, value in DEMO_PRESET.items():
        assert SETTINGS.settings[key].validate(value) == value, key
    spec = spec_from(values)
    # The notebook: make_moons(100, noise=0.1) after seed 1337, every point trains,
    # MLP(2, [16, 16, 1]) relu, max-margin + 1e-4 * sum(p*p), lr 1.0 - 0.9*k/100, 100 steps.
    assert (spec.dataset, spec.points, spec.noise, spec.data_seed) == ("moons", 100, 0.1, 1337)
    assert spec.test_fraction == 0.0
    assert spec.config == DEMO  # the notebook's configuration, written out in that test


def test_settings_describe_the_network_layer_by_layer():
    values = {
        **SETTINGS.defaults(),
        "layers": 3,
        "width1": 5,
        "width2": 4,
        "width3": 3,
        "width4": 30,
        "batch": 8,
    }
    config = spec_from(values).config
    assert config.hidden == (5, 4, 3)  # width4 belongs to a layer that is switched off
    assert config.batch_size == 8
    assert spec_from({**values, "layers": 0}).config.hidden == ()


def test_every_setting_default_is_valid_and_the_lr_range_reaches_1e6():
    for setting in SETTINGS.settings.values():
        assert setting.validate(setting.default) == setting.default
    lr = SETTINGS.settings["lr"]
    assert lr.from_link("1000000.0") == 1e6 and lr.from_link("1e6") == 1e6
    with pytest.raises(ValueError):
        lr.from_link("0")


def record(step, loss, train_loss=None, test_loss=None, accuracy=0.5):
    return StepRecord(
        step,
        0.1,
        loss,
        loss if train_loss is None else train_loss,
        accuracy,
        test_loss,
        None if test_loss is None else accuracy,
    )


def test_curves_leave_out_numbers_that_are_not_finite():
    history = [record(0, 1.0), record(1, 2.0), record(2, math.inf), record(3, math.nan)]
    loss, accuracy = curve_frames(history)
    assert loss["value"].tolist() == [1.0, 2.0]
    assert set(loss["curve"]) == {"train"}
    assert len(accuracy) == 4
    assert set(curve_frames(history, full_batch=False)[0]["curve"]) == {"train", "batch"}


def test_curves_show_the_batch_loss_only_for_minibatches_and_test_when_held_out():
    loss, _ = curve_frames([record(0, 1.0, train_loss=0.9, test_loss=1.1)], full_batch=False)
    assert dict(zip(loss["curve"], loss["value"], strict=True)) == {
        "train": 0.9,
        "batch": 1.0,
        "test": 1.1,
    }


def test_the_grid_holds_the_networks_score_at_each_cell_centre():
    train = Dataset("t", ((0.0, 0.0), (2.0, 1.0)), (1, -1))
    test = Dataset("t", ((-1.0, 3.0),), (1,))
    model = MLP(2, [4, 1], "tanh", seed=2)
    grid = grid_frame(model, train, test, cells=10)
    assert len(grid) == 100
    centres = np.column_stack([(grid["x"] + grid["x2"]) / 2, (grid["y"] + grid["y2"]) / 2])
    assert grid["score"].tolist() == pytest.approx(model.predict(centres.tolist()), abs=1e-12)
    # The grid covers every point with a margin.
    assert grid["x"].min() < -1.0 and grid["x2"].max() > 2.0
    assert grid["y"].min() < 0.0 and grid["y2"].max() > 3.0


def test_the_grid_leaves_out_cells_whose_score_is_not_finite():
    train = Dataset("t", ((0.0, 0.0), (1.0, 1.0)), (1, -1))
    model = MLP(2, [2, 1], seed=2)
    model.set_weights([math.inf] * model.num_parameters())
    assert grid_frame(model, train, Dataset("t", (), ()), cells=5).empty


def test_the_boundary_chart_shows_classes_by_colour_and_shape_and_the_score_by_colour():
    train = Dataset("t", ((0.0, 0.0), (1.0, 1.0)), (1, -1))
    test = Dataset("t", ((0.5, 0.5),), (1,))
    grid = grid_frame(MLP(2, [3, 1], seed=1), train, test, cells=4)
    spec = decision_boundary_chart(grid, points_frame(train, test)).to_dict()
    heat, train_layer, test_layer = spec["layer"]
    assert heat["mark"]["type"] == "rect"
    color = heat["encoding"]["color"]
    # A diverging blue-orange scheme, reversed: a positive score (predicts +1) is blue.
    assert color["field"] == "score" and color["scale"]["scheme"] == "blueorange"
    assert color["scale"]["reverse"] is True
    assert color["scale"]["domain"][0] < 0 < color["scale"]["domain"][1]
    for layer in (train_layer, test_layer):
        scale = layer["encoding"]["color"]["scale"]
        assert dict(zip(scale["domain"], scale["range"], strict=True)) == {
            "-1": NEGATIVE_COLOR,
            "+1": POSITIVE_COLOR,
        }
        # Shape as well as colour: colour is never the only sign of a class.
        shapes = layer["encoding"]["shape"]["scale"]
        assert dict(zip(shapes["domain"], shapes["range"], strict=True)) == {
            "-1": "square",
            "+1": "circle",
        }
    assert train_layer["mark"]["filled"] is True
    assert test_layer["mark"]["type"] == "point" and test_layer["mark"]["filled"] is False
    data = spec["datasets"]
    sizes = sorted(len(rows) for rows in data.values())
    assert sizes == [1, 2, 16]  # one test point, two training points, 4 x 4 cells


def test_a_runs_description_leaves_out_what_did_not_shape_it():
    values = {key: value for key, value in SETTINGS.defaults().items() if key != "point"}
    shown = run_description({**values, "layers": 1, "batch": 16, "loss": "bce"})
    assert "width1" in shown and "width2" not in shown and "width4" not in shown
    assert (shown["batch"], shown["loss"]) == ("16", "binary cross-entropy")
    assert (shown["lr"], shown["points"], shown["dataset"]) == (1.0, 100, "Moons")
    lecture = run_description({**values, "dataset": "lecture"})
    assert not {"points", "noise", "test", "data_seed"} & set(lecture)
    assert lecture["dataset"] == "Lecture's 4 examples (3-D)"
