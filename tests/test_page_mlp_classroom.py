"""The MLP page's classroom features in AppTest: share links that reproduce a trained run, the
compare-runs panel, and the trained network as JSON (export, import, tampered files) and its
loss history as CSV.

References are computed here, independently of the page: runs made directly with
`models.mlp_training.Trainer` on data from `data.toy2d`, and scores of an imported network
recomputed by hand from the weights in the file.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl, urlsplit

import pandas as pd
import pyarrow as pa

from data.toy2d import make_dataset, train_test_split
from models.mlp_training import Trainer, TrainingConfig
from tests.apptest_helpers import exception_messages, open_page
from tests.test_page_mlp import PAGE, page_with_link, shown_loss, the_run, train_to_end

# One non-default value for every kind of setting the page has.
LINK = {
    "dataset": "circles", "points": "60", "noise": "0.15", "test": "0.3", "data_seed": "7",
    "layers": "3", "width1": "5", "width2": "4", "width3": "3", "activation": "tanh",
    "loss": "mse", "l2": "0.001", "lr": "0.05", "schedule": "constant", "batch": "8",
    "steps": "30", "seed": "42",
}  # fmt: skip


def reference_run(dataset, points, noise, data_seed, test, config: TrainingConfig) -> Trainer:
    """The run the settings describe, made directly with the training code (no page)."""
    train, held_out = train_test_split(make_dataset(dataset, points, noise, data_seed), test,
                                       data_seed)  # fmt: skip
    trainer = Trainer(config, train.X, train.y, held_out.X, held_out.y)
    trainer.step(config.steps)
    return trainer


def press_train(at):
    at.button(key="mlp:train").click().run()
    return train_to_end(at)


def no_exception(at) -> None:
    assert not at.exception, exception_messages(at)


# ---- share links ------------------------------------------------------------------------------


def test_a_link_with_every_kind_of_setting_reproduces_the_trained_loss():
    at = page_with_link(LINK)
    no_exception(at)
    assert not at.warning
    assert at.selectbox(key="w:mlp:dataset").value == "circles"
    assert at.slider(key="w:mlp:noise").value == 0.15
    assert at.radio(key="w:mlp:schedule").value == "constant"
    assert at.select_slider(key="w:mlp:l2").value == 0.001
    assert at.number_input(key="w:mlp:data_seed").value == 7
    press_train(at)
    assert the_run(at).state == "done"

    config = TrainingConfig(hidden=(5, 4, 3), activation="tanh", loss="mse", l2=0.001,
                            learning_rate=0.05, schedule="constant", batch_size=8, steps=30,
                            seed=42)  # fmt: skip
    reference = reference_run("circles", 60, 0.15, 7, 0.3, config)
    page_history = the_run(at).trainer.history
    assert [r.train_loss for r in page_history] == [r.train_loss for r in reference.history]
    assert [r.test_loss for r in page_history] == [r.test_loss for r in reference.history]
    # The figure on the page, to the last digit: step 29's batch loss.
    assert shown_loss(at) == (29, reference.history[-1].loss)


def test_the_copy_link_control_carries_the_settings_and_pressing_train_repeats_the_run():
    first = open_page(PAGE)
    first.selectbox(key="w:mlp:dataset").set_value("spiral").run()
    first.slider(key="w:mlp:layers").set_value(1).run()
    first.slider(key="w:mlp:width1").set_value(6).run()
    first.select_slider(key="w:mlp:lr").set_value(0.2).run()
    first.selectbox(key="w:mlp:batch").set_value(16).run()
    first.number_input(key="w:mlp:steps").set_value(25).run()
    first.number_input(key="w:mlp:seed").set_value(3).run()
    press_train(first)
    # The sidebar's "Share these settings" popover shows the link in a code block.
    link = next(code.value for code in first.code if "dataset=spiral" in code.value)
    params = dict(parse_qsl(urlsplit(link).query))
    assert params == {"dataset": "spiral", "layers": "1", "width1": "6", "lr": "0.2",
                      "batch": "16", "steps": "25", "seed": "3"}  # fmt: skip
    assert dict(first.query_params) == params  # the address bar is the same link

    second = page_with_link(params)
    press_train(second)
    mine, theirs = the_run(first).trainer, the_run(second).trainer
    assert mine.model.get_weights() == theirs.model.get_weights()
    assert [r.loss for r in mine.history] == [r.loss for r in theirs.history]
    assert shown_loss(second) == shown_loss(first)


def test_bad_link_values_fall_back_to_their_defaults_with_one_warning_naming_them():
    at = page_with_link({"lr": "abc", "layers": "9", "width2": "0", "steps": "-1",
                         "batch": "zero", "seed": "1.5", "noise": "nan", "l2": "0.3",
                         "width1": "3"})  # fmt: skip
    no_exception(at)
    assert len(at.warning) == 1
    warning = at.warning[0].value
    for shown in ("Learning rate (`lr=abc`): not a number",
                  "Hidden layers (`layers=9`): above the maximum 4",
                  "Neurons in hidden layer 2 (`width2=0`): below the minimum 1",
                  "Steps (`steps=-1`): below the minimum 1",
                  "Batch size (`batch=zero`): not one of the choices",
                  "Seed (initial weights and batches) (`seed=1.5`): expected a whole number",
                  "Noise (`noise=nan`): expected a finite number",
                  "L2 strength (`l2=0.3`): not one of the choices"):  # fmt: skip
        assert shown in warning
    assert "width1" not in warning  # a good value in the same link is taken
    config = the_run(at).trainer.config
    assert config.learning_rate == 1.0 and config.steps == 100 and config.batch_size is None
    assert config.hidden == (3, 16) and config.seed == 1337
    assert the_run(at).spec.noise == 0.1 and config.l2 == 1e-4
    at.run()  # the warning is shown once, not on every rerun
    assert not at.warning


# ---- compare runs -----------------------------------------------------------------------------


def chart(at, title: str) -> tuple[dict, pd.DataFrame]:
    """The spec and the data (decoded from Arrow) of the chart with this title."""
    for element in at.get("vega_lite_chart"):
        spec = json.loads(element.proto.spec)
        if title in (spec.get("title"), spec.get("title", {}).get("text") if isinstance(
                spec.get("title"), dict) else None):  # fmt: skip
            frames = [pa.ipc.open_stream(d.data.data).read_pandas() for d in element.proto.datasets]
            return spec, pd.concat(frames, ignore_index=True)
    raise AssertionError(f"no chart titled {title!r}")


SMALL = {"layers": "1", "width1": "4", "steps": "15", "test": "0.2", "schedule": "constant"}


def small_reference(lr: float) -> Trainer:
    config = TrainingConfig(hidden=(4,), learning_rate=lr, schedule="constant", steps=15)
    return reference_run("moons", 100, 0.1, 1337, 0.2, config)


def test_two_runs_with_different_learning_rates_are_compared_side_by_side():
    at = page_with_link({**SMALL, "lr": "0.1"})
    assert any("Train at least two runs" in c.value for c in at.caption)
    press_train(at)
    at.select_slider(key="w:mlp:lr").set_value(0.5).run()
    press_train(at)
    no_exception(at)

    first, second = at.selectbox(key="compare-first:mlp"), at.selectbox(key="compare-second:mlp")
    assert first.options == ["run 1", "run 2"] == second.options
    assert (first.value, second.value) == ("run 1", "run 2")

    _, curves = chart(at, "Loss curves of the two runs")
    assert set(curves["series"]) == {"run 1: train loss", "run 1: test loss",
                                     "run 2: train loss", "run 2: test loss"}  # fmt: skip
    for name, lr in (("run 1", 0.1), ("run 2", 0.5)):
        history = small_reference(lr).history
        for split in ("train", "test"):
            shown = curves[curves["series"] == f"{name}: {split} loss"].sort_values("step")
            assert shown["step"].tolist() == list(range(15))
            assert shown["value"].tolist() == [getattr(r, f"{split}_loss") for r in history]

    element = next(d for d in at.dataframe if "setting" in d.value.columns)
    table = element.value
    rows = table.set_index("setting")
    assert rows.loc["Learning rate"].tolist() == ["0.1", "0.5"]
    # The styler's CSS colours the cells of the rows that differ, and only those.
    styles = element.proto.arrow_data.styler.styles
    highlighted = {int(row) for row in re.findall(r"row(\d+)_col\d+", styles)}
    assert "background-color" in styles
    assert [table["setting"][row] for row in sorted(highlighted)] == ["Learning rate"]
    assert rows.loc["Hidden layers"].tolist() == ["1", "1"]
    assert "Neurons in hidden layer 2" not in rows.index  # a layer neither network has
    assert rows.loc["Batch size"].tolist() == ["full batch", "full batch"]
    assert any(c.value == "Settings that differ (highlighted): Learning rate" for c in at.caption)


def test_only_the_last_five_runs_are_kept_and_any_two_can_be_picked():
    at = page_with_link({**SMALL, "steps": "2"})
    for seed in range(1, 7):
        at.number_input(key="w:mlp:seed").set_value(seed).run()
        press_train(at)
    first = at.selectbox(key="compare-first:mlp")
    assert first.options == [f"run {k}" for k in range(2, 7)]
    assert (first.value, at.selectbox(key="compare-second:mlp").value) == ("run 5", "run 6")
    first.set_value("run 2").run()
    table = next(d.value for d in at.dataframe if "setting" in d.value.columns)
    assert table.set_index("setting").loc["Seed (initial weights and batches)"].tolist() == [
        "2", "6"
    ]  # fmt: skip


def test_a_diverged_run_is_recorded_with_its_outcome():
    at = page_with_link({"steps": "10"})  # the 2-16-16-1 default: 1e6 blows it up at step 6
    press_train(at)
    at.select_slider(key="w:mlp:lr").set_value(1e6).run()
    press_train(at)
    assert the_run(at).state == "diverged"
    table = next(d.value for d in at.dataframe if "setting" in d.value.columns)
    outcome = table.set_index("setting").loc["outcome"].tolist()
    step = the_run(at).trainer.divergence.step
    assert outcome == ["finished", f"diverged at step {step}"]
