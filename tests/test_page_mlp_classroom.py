"""The MLP page's classroom features in AppTest: share links that reproduce a trained run, the
compare-runs panel, and the trained network as JSON (export, import, tampered files) and its
loss history as CSV.

References are computed here, independently of the page: runs made directly with
`models.mlp_training.Trainer` on data from `data.toy2d`, and scores of an imported network
recomputed by hand from the weights in the file.
"""

from __future__ import annotations

import io
import json
import math
import re
from urllib.parse import parse_qsl, urlsplit

import pandas as pd
import pyarrow as pa
import pytest
import streamlit as st

from data.toy2d import make_dataset, train_test_split
from models.mlp_training import Trainer, TrainingConfig
from tests.apptest_helpers import (
    exception_messages,
    open_page,
    setting_value,
    setting_values,
    shown,
    tampered_json,
)
from tests.test_page_mlp import PAGE, page_with_link, shown_loss, the_run, train_to_end
from ui.mlp import SETTINGS

# One non-default value for every kind of setting the page has.
LINK = {
    "dataset": "circles",
    "points": "60",
    "noise": "0.15",
    "test": "0.3",
    "data_seed": "7",
    "layers": "3",
    "width1": "5",
    "width2": "4",
    "width3": "3",
    "activation": "tanh",
    "loss": "mse",
    "l2": "0.001",
    "lr": "0.05",
    "schedule": "constant",
    "batch": "8",
    "steps": "30",
    "seed": "42",
}


def reference_run(dataset, points, noise, data_seed, test, config: TrainingConfig) -> Trainer:
    """The run the settings describe, made directly with the training code (no page)."""
    train, held_out = train_test_split(
        make_dataset(dataset, points, noise, data_seed), test, data_seed
    )
    trainer = Trainer(config, train.X, train.y, held_out.X, held_out.y)
    trainer.step(config.steps)
    return trainer


def press_train(at):
    at.button(key="mlp.train").click().run()
    return train_to_end(at)


def no_exception(at) -> None:
    assert not at.exception, exception_messages(at)


# ---- share links ------------------------------------------------------------------------------


def test_a_link_with_every_kind_of_setting_reproduces_the_trained_loss():
    at = page_with_link(LINK)
    no_exception(at)
    assert not at.warning
    assert at.selectbox(key="mlp.dataset").value == "circles"
    assert at.slider(key="mlp.noise").value == 0.15
    assert at.radio(key="mlp.schedule").value == "constant"
    assert at.select_slider(key="mlp.l2").value == 0.001
    assert at.number_input(key="mlp.data_seed").value == 7
    press_train(at)
    assert the_run(at).status == "done"

    config = TrainingConfig(
        hidden=(5, 4, 3),
        activation="tanh",
        loss="mse",
        l2=0.001,
        learning_rate=0.05,
        schedule="constant",
        batch_size=8,
        steps=30,
        seed=42,
    )
    reference = reference_run("circles", 60, 0.15, 7, 0.3, config)
    page_history = the_run(at).trainer.history
    assert [r.train_loss for r in page_history] == [r.train_loss for r in reference.history]
    assert [r.test_loss for r in page_history] == [r.test_loss for r in reference.history]
    # The figure on the page, to the last digit: step 29's batch loss.
    assert shown_loss(at) == (29, reference.history[-1].loss)


def test_the_copy_link_control_carries_the_settings_and_pressing_train_repeats_the_run():
    first = open_page(PAGE)
    first.selectbox(key="mlp.dataset").set_value("spiral").run()
    first.slider(key="mlp.layers").set_value(1).run()
    first.slider(key="mlp.width1").set_value(6).run()
    first.select_slider(key="mlp.lr").set_value(0.2).run()
    first.selectbox(key="mlp.batch").set_value(16).run()
    first.number_input(key="mlp.steps").set_value(25).run()
    first.number_input(key="mlp.seed").set_value(3).run()
    press_train(first)
    # The sidebar's "Share these settings" popover shows the link in a code block.
    link = next(code.value for code in first.code if "dataset=spiral" in code.value)
    params = dict(parse_qsl(urlsplit(link).query))
    assert params == {
        "dataset": "spiral",
        "layers": "1",
        "width1": "6",
        "lr": "0.2",
        "batch": "16",
        "steps": "25",
        "seed": "3",
    }
    assert dict(first.query_params) == params  # the address bar is the same link

    second = page_with_link(params)
    press_train(second)
    mine, theirs = the_run(first).trainer, the_run(second).trainer
    assert mine.model.get_weights() == theirs.model.get_weights()
    assert [r.loss for r in mine.history] == [r.loss for r in theirs.history]
    assert shown_loss(second) == shown_loss(first)


def test_bad_link_values_fall_back_to_their_defaults_with_one_warning_naming_them():
    at = page_with_link(
        {
            "lr": "abc",
            "layers": "9",
            "width2": "0",
            "steps": "-1",
            "batch": "zero",
            "seed": "1.5",
            "noise": "nan",
            "l2": "0.3",
            "width1": "3",
        }
    )
    no_exception(at)
    assert len(at.warning) == 1
    warning = at.warning[0].value
    for named in (
        "Learning rate (`lr=abc`): not a number",
        "Hidden layers (`layers=9`): above the maximum 4",
        "Neurons in hidden layer 2 (`width2=0`): below the minimum 1",
        "Steps (`steps=-1`): below the minimum 1",
        "Batch size (`batch=zero`): not one of the choices",
        "Seed (initial weights and batches) (`seed=1.5`): expected a whole number",
        "Noise (`noise=nan`): expected a finite number",
        "L2 strength (`l2=0.3`): not one of the choices",
    ):
        assert named in warning
    assert "width1" not in warning  # a good value in the same link is taken
    config = the_run(at).trainer.config
    assert config.learning_rate == 1.0 and config.steps == 100 and config.batch_size is None
    assert config.hidden == (3, 16) and config.seed == 1337
    assert the_run(at).spec.noise == 0.1 and config.l2 == 1e-4
    at.run()  # the warning stays while the link's values are what the page uses...
    assert len(at.warning) == 1
    at.number_input(key="mlp.seed").set_value(3).run()  # ...and goes once the student moves on
    assert not at.warning


# ---- compare runs -----------------------------------------------------------------------------


def chart(at, title: str) -> tuple[dict, pd.DataFrame]:
    """The spec and the data (decoded from Arrow) of the chart with this title."""
    for element in at.get("vega_lite_chart"):
        spec = json.loads(element.proto.spec)
        if title in (
            spec.get("title"),
            spec.get("title", {}).get("text") if isinstance(spec.get("title"), dict) else None,
        ):
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
    at.select_slider(key="mlp.lr").set_value(0.5).run()
    press_train(at)
    no_exception(at)

    first, second = at.selectbox(key="mlp.compare-first"), at.selectbox(key="mlp.compare-second")
    assert first.options == ["run 1", "run 2"] == second.options
    assert (first.value, second.value) == ("run 1", "run 2")

    _, curves = chart(at, "Loss curves of the two runs")
    assert set(curves["series"]) == {
        "run 1: train loss",
        "run 1: test loss",
        "run 2: train loss",
        "run 2: test loss",
    }
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
        at.number_input(key="mlp.seed").set_value(seed).run()
        press_train(at)
    first = at.selectbox(key="mlp.compare-first")
    assert first.options == [f"run {k}" for k in range(2, 7)]
    assert (first.value, at.selectbox(key="mlp.compare-second").value) == ("run 5", "run 6")
    first.set_value("run 2").run()
    table = next(d.value for d in at.dataframe if "setting" in d.value.columns)
    assert table.set_index("setting").loc["Seed (initial weights and batches)"].tolist() == [
        "2",
        "6",
    ]


def test_a_diverged_run_is_recorded_with_its_outcome():
    at = page_with_link({"steps": "10"})  # the 2-16-16-1 default: 1e6 blows it up at step 6
    press_train(at)
    at.select_slider(key="mlp.lr").set_value(1e6).run()
    press_train(at)
    assert the_run(at).status == "diverged"
    table = next(d.value for d in at.dataframe if "setting" in d.value.columns)
    outcome = table.set_index("setting").loc["outcome"].tolist()
    step = the_run(at).trainer.divergence.step
    assert outcome == ["finished", f"diverged at step {step}"]


# ---- export and import ------------------------------------------------------------------------


@pytest.fixture
def downloads(monkeypatch) -> dict[str, str]:
    """label -> data of every download button drawn (AppTest has no server to fetch them);
    a button whose file is made when clicked is clicked here."""
    captured: dict[str, str] = {}
    original = st.download_button

    def spy(label, data, *args, **kwargs):
        captured[label] = data() if callable(data) else data
        return original(label, data, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", spy)
    return captured


def upload(at, name: str, content: bytes):
    at.file_uploader(key="mlp.uploader").set_value((name, content, "application/json")).run()
    no_exception(at)
    return at


def errors(at) -> list[str]:
    return [shown(e.value) for e in at.error]


def by_hand(document: dict, point: tuple[float, ...]) -> float:
    """The file's network evaluated straight from its JSON, written out here."""
    values = list(point)
    layers = document["parameters"]
    for depth, layer in enumerate(layers):
        values = [
            neuron["b"] + sum(w * v for w, v in zip(neuron["w"], values, strict=True))
            for neuron in layer
        ]
        if depth < len(layers) - 1:
            act = document["architecture"]["activation"]
            values = [math.tanh(v) if act == "tanh" else max(v, 0.0) for v in values]
    return values[0]


GRID = [(x / 4, y / 4) for x in range(-8, 9) for y in range(-6, 7)]  # 17 x 13 points


def test_an_exported_network_reimports_to_identical_predictions(downloads):
    saved = page_with_link(
        {
            "dataset": "xor",
            "layers": "2",
            "width1": "5",
            "width2": "3",
            "activation": "tanh",
            "steps": "20",
            "lr": "0.2",
            "noise": "0.2",
        }
    )
    press_train(saved)
    text = downloads["Network (JSON)"]
    document = json.loads(text)
    trained = the_run(saved).trainer.model
    assert document["architecture"] == {"inputs": 2, "layer_sizes": [5, 3, 1], "activation": "tanh"}

    at = page_with_link({})  # another student, on the defaults
    upload(at, "xor-net.json", text.encode())
    run = the_run(at)
    assert run.status == "imported" and run.imported == "xor-net.json"
    # The page took the file's settings: same data, same architecture.
    assert at.selectbox(key="mlp.dataset").value == "xor"
    assert at.slider(key="mlp.width1").value == 5 and at.slider(key="mlp.width2").value == 3
    assert run.trainer.config.hidden == (5, 3) and run.spec.noise == 0.2
    # Identical scores on a grid, and the file's own numbers worked out by hand agree.
    imported = run.trainer.model.predict(GRID)
    assert imported == trained.predict(GRID)
    assert imported == pytest.approx([by_hand(document, p) for p in GRID], rel=1e-12, abs=1e-12)
    # What the student sees: the same boundary and the same accuracy.
    _, before = chart(saved, "Decision boundary")
    _, after = chart(at, "Decision boundary")
    assert after["score"].dropna().tolist() == before["score"].dropna().tolist()
    assert any(
        shown(p.proto.text).startswith("Imported from xor-net.json") for p in at.get("progress")
    )
    assert any("Imported network on this data" in m.value for m in at.markdown)
    assert any("xor-net.json: Loaded a 2-5-3-1 tanh network" in shown(s.value) for s in at.success)

    # Train starts a new run from the seed: with the file's settings, the saved run again.
    press_train(at)
    assert the_run(at).imported is None and the_run(at).trainer.steps_done == 20
    assert the_run(at).trainer.model.get_weights() == trained.get_weights()


def test_a_three_input_network_is_shown_on_the_lectures_examples(downloads):
    saved = page_with_link(
        {
            "dataset": "lecture",
            "layers": "1",
            "width1": "4",
            "activation": "tanh",
            "loss": "mse",
            "lr": "0.05",
            "steps": "8",
        }
    )
    press_train(saved)
    document = json.loads(downloads["Network (JSON)"])
    at = page_with_link({"dataset": "spiral"})
    upload(at, "lecture.json", downloads["Network (JSON)"].encode())
    assert at.selectbox(key="mlp.dataset").value == "lecture"
    table = next(d.value for d in at.dataframe if "target" in d.value.columns)
    points = table[["x1", "x2", "x3"]].values.tolist()
    assert table["prediction"].tolist() == pytest.approx(
        [by_hand(document, tuple(p)) for p in points], rel=1e-12
    )


def test_the_loss_history_csv_holds_every_step_of_the_run(downloads):
    at = page_with_link(
        {"layers": "1", "width1": "4", "steps": "12", "batch": "16", "test": "0.25"}
    )
    assert "Loss history (CSV)" not in downloads  # nothing trained yet
    press_train(at)
    table = pd.read_csv(io.StringIO(downloads["Loss history (CSV)"]))
    config = TrainingConfig(hidden=(4,), batch_size=16, steps=12)
    reference = reference_run("moons", 100, 0.1, 1337, 0.25, config).history
    assert table["step"].tolist() == list(range(12))
    for column, field in (
        ("learning_rate", "learning_rate"),
        ("batch_loss", "loss"),
        ("train_loss", "train_loss"),
        ("test_loss", "test_loss"),
        ("test_accuracy", "test_accuracy"),
    ):
        # CSV writes floats with repr's digits, so they read back exactly.
        assert table[column].tolist() == [getattr(r, field) for r in reference], column


def test_a_diverged_run_has_a_history_but_no_network_to_save(downloads):
    at = page_with_link({"steps": "10", "lr": "1000000.0"})
    press_train(at)
    assert the_run(at).status == "diverged"
    assert "Loss history (CSV)" in downloads and "Network (JSON)" not in downloads
    assert any("no network to save" in c.value for c in at.caption)


def test_tampered_files_are_refused_with_a_message_and_the_run_stays(downloads):
    saved = page_with_link({"layers": "1", "width1": "3", "steps": "4"})
    press_train(saved)
    good = json.loads(downloads["Network (JSON)"])  # 2-3-1

    def weight(value):
        return lambda d: d["parameters"][0][1]["w"].__setitem__(0, value)

    cases = {
        "not JSON": (b"{'format': 'zero-to-hero-explorer'", "not valid JSON"),
        "not text": (b"\x80\x81\xfe", "not UTF-8 text"),
        "a list": (b"[1, 2, 3]", "must hold a JSON object"),
        "wrong kind": (
            tampered_json(good, lambda d: d.update(kind="neural-ngram")),
            'holds a "neural-ngram" model; this page needs a "mlp" model',
        ),
        "missing parameters": (
            tampered_json(good, lambda d: d.pop("parameters")),
            'has no "parameters"',
        ),
        "missing bias": (
            tampered_json(good, lambda d: d["parameters"][0][0].pop("b")),
            'parameters[0][0] must be an object with exactly "w" and "b"',
        ),
        "wrong shape": (
            tampered_json(good, lambda d: d["parameters"][0][2]["w"].append(0.5)),
            "parameters[0][2].w must have 2 numbers",
        ),
        "layer count": (
            tampered_json(good, lambda d: d["architecture"].update(layer_sizes=[3, 3, 1])),
            "parameters has 2 layers; the architecture has 3",
        ),
        "huge number": (tampered_json(good, weight(1e300)), "weights above 1e+06 are refused"),
        "wrong type": (
            tampered_json(good, weight("0.5")),
            "parameters[0][1].w[0] must be a number",
        ),
        "a bool weight": (
            tampered_json(good, weight(True)),
            "parameters[0][1].w[0] must be a number",
        ),
        "NaN": (tampered_json(good, weight(math.nan)), "contains NaN"),  # json writes NaN
        "Infinity": (
            tampered_json(good, lambda d: d["parameters"][1][0].update(b=-math.inf)),
            "contains -Infinity",
        ),
        "two outputs": (
            tampered_json(
                good,
                lambda d: (
                    d["architecture"].update(layer_sizes=[3, 2]),
                    d["parameters"][1].append({"w": [0.1, 0.2, 0.3], "b": 0.0}),
                ),
            ),
            "this page's networks have one",
        ),
        "too wide": (
            tampered_json(
                good,
                lambda d: (
                    d["architecture"].update(layer_sizes=[40, 1]),
                    d["parameters"].__setitem__(0, [{"w": [0.1, 0.2], "b": 0.0}] * 40),
                    d["parameters"].__setitem__(1, [{"w": [0.1] * 40, "b": 0.0}]),
                ),
            ),
            "larger than this page trains",
        ),
        "linear hidden layers": (
            tampered_json(good, lambda d: d["architecture"].update(activation="linear")),
            'hidden layers use "linear"',
        ),
        "five inputs": (
            tampered_json(
                good,
                lambda d: (
                    d["architecture"].update(inputs=5),
                    [n.update(w=[0.1] * 5) for n in d["parameters"][0]],
                ),
            ),
            "takes 5 inputs",
        ),
    }
    at = page_with_link({"layers": "2", "width1": "6", "width2": "2", "steps": "3"})
    press_train(at)
    kept, weights = the_run(at), the_run(at).trainer.model.get_weights()
    settings_before = {key: setting_value(at, SETTINGS, key) for key in ("layers", "width1")}
    for case, (content, message) in cases.items():
        upload(at, f"{case}.json", content)
        shown = errors(at)
        assert len(shown) == 1 and message in shown[0], (case, shown)
        assert shown[0].startswith(f"{case}.json cannot be loaded:"), case
        assert "The network shown above is kept" in shown[0]
        assert the_run(at) is kept and kept.trainer.model.get_weights() == weights, case
        assert kept.status == "done" and kept.trainer.steps_done == 3
        current = {key: setting_value(at, SETTINGS, key) for key in settings_before}
        assert current == settings_before, case
    at.file_uploader(key="mlp.uploader").set_value(None).run()  # removing the file
    assert not at.error and the_run(at) is kept


def test_settings_in_a_file_that_do_not_fit_the_page_are_named_and_left_out(downloads):
    saved = page_with_link({"layers": "1", "width1": "3", "steps": "4", "seed": "5"})
    press_train(saved)
    document = json.loads(downloads["Network (JSON)"])
    document["settings"].update(lr=0.3, steps=10**9, dataset="mnist", colour="red", width1=7)
    at = page_with_link({"lr": "0.05"})
    upload(at, "odd.json", json.dumps(document).encode())
    notes = " ".join(shown(c.value) for c in at.caption)
    assert "The file's values for Dataset, Learning rate, Steps are not valid" in notes
    values = setting_values(at, SETTINGS)
    assert (values["lr"], values["steps"], values["dataset"]) == (0.05, 100, "moons")
    assert (values["seed"], values["width1"]) == (5, 3)  # valid values taken; the shape wins
    assert the_run(at).trainer.model.get_weights() == the_run(saved).trainer.model.get_weights()


def test_a_file_name_or_message_cannot_add_markdown_to_the_page():
    at = page_with_link({"steps": "2"})
    upload(at, "[click me](https://example.com).json", b'{"format": "**bold** ![x](y)"}')
    raw = at.error[0].value
    # No link, no emphasis: every [ and * is escaped.
    assert not re.search(r"(?<!\\)\]\(|(?<!\\)\*\*", raw)
    assert shown(raw).startswith("[click me](https://example.com).json cannot be loaded")
