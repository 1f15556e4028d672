"""The MLP page in AppTest: the demo preset, divergence, pause/resume, reset, settings changes,
share links, the lecture's 3-D data, the computation graph and the PyTorch check.

In AppTest every `at.run()` is a full run of the page; while a run is training, each one trains
one chunk (the browser's fragment timer does not exist here), so `train_to_end` reruns until
the run stops. References: the figures micrograd's demo notebook printed, and freshly built
models from the same seed.
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from models.mlp import MLP
from tests.apptest_helpers import (
    DEFAULT_TIMEOUT,
    exception_messages,
    open_page,
    page_state,
    rerun_while_training,
    set_session,
)
from tests.conftest import REPO_ROOT
from ui.mlp import MlpState

PAGE = "pages/mlp.py"
DEMO_STEP_99_LOSS = 0.010978370135492717  # printed by micrograd's demo notebook
MAX_RUNS = 80


def the_run(at):
    return page_state(at, MlpState).run


def train_to_end(at):
    return rerun_while_training(at, the_run)


def page_with_link(params: dict[str, str]) -> AppTest:
    """The page opened from a share link (run on its own, as the pages/ folder allows)."""
    at = AppTest.from_file(str(REPO_ROOT / PAGE), default_timeout=DEFAULT_TIMEOUT)
    at.query_params.update(params)
    return at.run()


def shown_loss(at) -> tuple[int, float]:
    """(step, loss) from the page's full-precision caption."""
    for caption in at.caption:
        found = re.search(r"The loss of step (\d+)'s batch.*`([^`]+)`", caption.value)
        if found:
            return int(found.group(1)), float(found.group(2))
    raise AssertionError("no loss shown")


def weights_shown(at) -> list[float]:
    table = next(d.value for d in at.dataframe if "parameter" in d.value.columns)
    return table["value"].tolist()


def test_the_demo_preset_reproduces_micrograds_published_loss_and_accuracy():
    at = open_page(PAGE)
    at.button(key="mlp.demo").click().run()
    assert at.slider(key="mlp.test").value == 0.0  # all 100 points train, as in the demo
    train_to_end(at)
    assert the_run(at).status == "done"
    step, loss = shown_loss(at)
    assert step == 99 and loss == pytest.approx(DEMO_STEP_99_LOSS, abs=1e-9)
    assert any("train accuracy **100.0%**" in m.value for m in at.markdown)
    assert any("Step 100 of 100 · finished" in p.proto.text for p in at.get("progress"))


def test_pause_stops_training_where_it_is():
    at = open_page(PAGE)
    at.number_input(key="mlp.steps").set_value(600).run()
    at.button(key="mlp.train").click().run()  # this run trains for about a second
    assert the_run(at).status == "training"
    at.button(key="mlp.pause").click().run()
    paused_at = the_run(at).trainer.steps_done
    assert the_run(at).status == "paused" and 0 < paused_at < 600
    at.run()
    assert the_run(at).trainer.steps_done == paused_at
    assert at.button(key="mlp.train").label == "Resume"
    assert any(f"Step {paused_at} of 600 · paused" in p.proto.text for p in at.get("progress"))


def test_steps_then_resume_still_give_the_demos_published_loss():
    at = open_page(PAGE)
    at.button(key="mlp.demo").click().run()
    at.button(key="mlp.reset").click().run()
    for _ in range(3):
        at.button(key="mlp.step").click().run()
    assert the_run(at).status == "paused" and the_run(at).trainer.steps_done == 3
    at.button(key="mlp.train").click().run()  # Resume: steps 3 to 99 follow
    train_to_end(at)
    assert shown_loss(at) == (99, pytest.approx(DEMO_STEP_99_LOSS, abs=1e-9))


def test_a_learning_rate_of_1e6_ends_in_the_divergence_message_not_an_exception():
    at = open_page(PAGE)
    at.select_slider(key="mlp.lr").set_value(1e6).run()
    at.button(key="mlp.train").click().run()
    train_to_end(at)
    assert not at.exception, exception_messages(at)
    assert the_run(at).status == "diverged"
    messages = [e.value for e in at.error]
    assert len(messages) == 1
    step = the_run(at).trainer.divergence.step
    assert f"Training stopped at step {step}" in messages[0]
    assert "Lower the learning rate" in messages[0]
    assert any("stopped: diverged" in p.proto.text for p in at.get("progress"))


def test_reset_restores_the_initial_weights():
    at = open_page(PAGE)
    set_session(at, "mlp.weights-open", True)  # the user opens the "Weights" expander
    at.run()
    initial = MLP(2, [16, 16, 1], "relu", seed=1337).get_weights()  # the default network
    assert weights_shown(at) == initial
    for _ in range(3):
        at.button(key="mlp.step").click().run()
    assert the_run(at).trainer.steps_done == 3
    assert weights_shown(at) != initial
    at.button(key="mlp.reset").click().run()
    assert weights_shown(at) == initial
    assert the_run(at).trainer.steps_done == 0 and the_run(at).status == "ready"


def test_a_settings_change_keeps_the_finished_run_until_train_is_pressed():
    at = open_page(PAGE)
    at.number_input(key="mlp.steps").set_value(6).run()
    at.button(key="mlp.train").click().run()
    train_to_end(at)
    finished = the_run(at)
    assert finished.status == "done" and finished.trainer.steps_done == 6
    at.select_slider(key="mlp.lr").set_value(0.1).run()
    assert the_run(at) is finished and finished.trainer.steps_done == 6
    assert any("Settings changed since this run" in i.value for i in at.info)
    assert shown_loss(at)[0] == 5  # the old run is still what the page shows
    at.button(key="mlp.train").click().run()
    train_to_end(at)
    assert the_run(at) is not finished
    assert the_run(at).trainer.config.learning_rate == 0.1
    assert not at.info


def test_a_share_link_restores_the_settings_and_names_bad_values():
    link = {
        "dataset": "xor",
        "layers": "1",
        "width1": "3",
        "activation": "tanh",
        "loss": "bce",
        "lr": "0.05",
        "batch": "16",
        "steps": "40",
        "test": "0.25",
    }
    at = page_with_link(link)
    assert not at.exception and not at.warning
    assert at.selectbox(key="mlp.dataset").value == "xor"
    assert at.select_slider(key="mlp.lr").value == 0.05
    assert at.selectbox(key="mlp.batch").value == 16
    config = the_run(at).trainer.config
    assert (config.hidden, config.activation, config.loss) == ((3,), "tanh", "bce")
    assert (config.batch_size, config.steps) == (16, 40)
    assert len(the_run(at).test) == 25  # a quarter of 100 points held out
    assert any("13 parameters" in c.value for c in at.caption)  # 2-3-1: 3*3 + 4

    bad = page_with_link({"lr": "0", "layers": "9", "loss": "hinge"})
    assert not bad.exception
    assert len(bad.warning) == 1
    warning = bad.warning[0].value
    assert "Learning rate" in warning and "Hidden layers" in warning and "Loss" in warning
    assert the_run(bad).trainer.config.learning_rate == 1.0  # the defaults instead


def test_the_lectures_3d_examples_get_a_predictions_table_instead_of_a_boundary():
    at = page_with_link(
        {
            "dataset": "lecture",
            "layers": "2",
            "width1": "4",
            "width2": "4",
            "activation": "tanh",
            "loss": "mse",
            "lr": "0.05",
        }
    )
    assert not at.exception
    assert not at.get("vega_lite_chart")  # nothing to draw in 3-D
    table = next(d.value for d in at.dataframe if "target" in d.value.columns)
    assert table[["x1", "x2", "x3"]].values.tolist() == [
        [2.0, 3.0, -1.0],
        [3.0, -1.0, 0.5],
        [0.5, 1.0, 1.0],
        [1.0, 1.0, -1.0],
    ]
    assert table["target"].tolist() == [1, -1, -1, 1]
    model = MLP(3, [4, 4, 1], "tanh", seed=1337)
    assert table["prediction"].tolist() == pytest.approx(
        model.predict(table[["x1", "x2", "x3"]].values.tolist())
    )


def test_a_small_networks_graph_is_drawn_when_opened_and_followed_step_by_step(monkeypatch):
    import ui.mlp.live
    import ui.mlp.run

    monkeypatch.setattr(ui.mlp.run, "SHARE_SECONDS", 0.0)  # the student's own run
    monkeypatch.setattr(ui.mlp.live, "RUN_SECONDS", 0.0)  # one redraw per run: steps per redraw
    # A 2-2-1 step takes < 1 ms: a chunk of 0.2 s is many steps even on a busy machine.
    monkeypatch.setattr(ui.mlp.live, "CHUNK_SECONDS", 0.2)
    small = page_with_link({"layers": "1", "width1": "2", "steps": "5000"})
    assert not small.get("graphviz_chart")  # closed: not even computed
    small.button(key="mlp.train").click().run()
    closed = the_run(small).trainer.steps_done
    assert 1 < closed < 5000  # closed: a chunk of steps per redraw
    set_session(small, "mlp.graph-open", True)  # the user opens the expander
    small.run()
    assert the_run(small).trainer.steps_done == closed + 1  # open: every step is drawn
    graphs = small.get("graphviz_chart")
    assert len(graphs) == 1
    spec = graphs[0].proto.spec
    assert spec.count("shape=record") == 2 + 2 * 8 + 7 + 5  # the 2-2-1 graph of one loss
    assert 'label="{ loss |' in spec


def test_a_large_network_says_why_it_has_no_graph():
    at = open_page(PAGE)
    set_session(at, "mlp.graph-open", True)
    at.run()
    assert not at.get("graphviz_chart")
    assert any("too many to read" in c.value for c in at.caption)


def test_the_pytorch_check_agrees_to_1e_12():
    at = page_with_link({"layers": "1", "width1": "8", "steps": "30", "batch": "8"})
    at.button(key="mlp.train").click().run()
    train_to_end(at)
    at.button(key="mlp.torch").click().run()
    assert not at.exception, exception_messages(at)
    message = next(s.value for s in at.success if "Largest |difference|" in s.value)
    found = re.search(r"over (\d+) steps: \*\*([0-9.e+-]+)\*\*", message)
    assert int(found.group(1)) == 30 and float(found.group(2)) < 1e-12
