"""The MLP page on a shared server: a press over the CPU budget is refused with the nearest
settings that fit, a run that overshoots stops at the budget and keeps what it trained, and
trainings wait their turn in a line that a student can leave.

The estimate is checked against a reference measured here: the CPU time of real training steps
of the same network (time.thread_time), not against the estimator's own numbers.
"""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from models.mlp_training import Trainer
from serving.budget import BUDGET_VARIABLE, OFFER_SHARE
from tests.apptest_helpers import exception_messages, page_state
from tests.test_page_mlp import page_with_link, the_run, train_to_end
from ui.mlp import MlpState
from ui.mlp.run import load_split, seconds_per_step
from ui.sharing import training_turns
from ui.state import Press

LARGEST = {
    "layers": "4",
    "width1": "32",
    "width2": "32",
    "width3": "32",
    "width4": "32",
    "points": "500",
    "steps": "5000",
}


def warnings(at) -> list[str]:
    return [w.value for w in at.warning]


def measured_seconds_per_step(spec, steps: int = 3) -> float:
    train, test = load_split(
        spec.dataset, spec.points, spec.noise, spec.data_seed, spec.test_fraction
    )
    trainer = Trainer(replace(spec.config, steps=steps + 1), train.X, train.y, test.X, test.y)
    trainer.step(1)  # warm
    started = time.thread_time()
    trainer.step(steps)
    return (time.thread_time() - started) / steps


def test_the_largest_network_a_link_allows_is_refused_with_steps_that_fit(monkeypatch):
    monkeypatch.delenv(BUDGET_VARIABLE, raising=False)  # the default, 20 s
    at = page_with_link(LARGEST)
    at.button(key="mlp.train").click().run()
    assert not at.exception, exception_messages(at)
    run = the_run(at)
    assert run.status == "ready" and run.trainer.steps_done == 0  # nothing started
    (message,) = [w for w in warnings(at) if w.startswith("Not started")]
    assert "5,000 steps of this network on 400 points" in message
    assert "minutes of the server's time" in message and "at most 20 s" in message
    fit = page_state(at, MlpState).refusal.steps_that_fit
    assert f"At most {fit:,} steps fit." in message
    # The estimate agrees with real steps of this network, measured here.
    spec = run.spec
    estimate = seconds_per_step(replace(spec, config=replace(spec.config, steps=1)))
    measured = measured_seconds_per_step(spec)
    assert 0.5 < estimate / measured < 2.0, (estimate, measured)
    # The offer fills OFFER_SHARE of the 20 s budget, at the estimate's speed (within 2x).
    offered_seconds = 20 * OFFER_SHARE
    assert offered_seconds / measured / 2 < fit < offered_seconds / measured * 2

    at.button(key="mlp.fit-budget").click().run()  # "Train N steps instead"
    assert at.number_input(key="mlp.steps").value == fit
    assert the_run(at).status == "training" and not warnings(at)
    at.button(key="mlp.pause").click().run()


def test_a_run_that_overshoots_its_estimate_stops_at_the_budget_and_keeps_its_steps(monkeypatch):
    monkeypatch.setenv(BUDGET_VARIABLE, "0.4")
    import ui.mlp.run

    monkeypatch.setattr(ui.mlp.run, "seconds_per_step", lambda spec: 1e-6)  # a wrong estimate
    at = page_with_link({"steps": "5000"})
    at.button(key="mlp.train").click().run()
    train_to_end(at)
    run = the_run(at)
    assert run.status == "stopped"
    assert 0 < run.trainer.steps_done < 5000
    assert run.meter.seconds < 0.4 + 0.3  # the budget, and at most one chunk over it
    assert any(
        "Stopped at step" in c.value and "What it trained is kept" in c.value for c in at.caption
    )
    assert any("stopped: used this press's share" in p.proto.text for p in at.get("progress"))
    assert at.button(key="mlp.train").label == "Resume"
    assert page_state(at, MlpState).run_log.runs  # an ended run goes to the compare log
    assert training_turns().waiting() == 0  # its place in the line is given back


@pytest.fixture
def busy_server(monkeypatch):
    """Every training slot taken by other students (tickets nobody will check in); the runs
    here are short, and would be shared and replayed without a turn: sharing is off."""
    import ui.mlp.run

    monkeypatch.setattr(ui.mlp.run, "SHARE_SECONDS", 0.0)
    turns = training_turns()
    others = [turns.join() for _ in range(turns.slots)]
    yield turns, others
    for ticket in others:
        turns.leave(ticket)


def test_a_training_waits_for_its_turn_then_trains(busy_server):
    turns, others = busy_server
    at = page_with_link({"steps": "20"})
    at.button(key="mlp.train").click().run()
    run = the_run(at)
    assert run.status == "training" and run.waiting and run.trainer.steps_done == 0
    running = turns.slots
    expected = f"Waiting for a turn: {running} training{'s' if running > 1 else ''} running"
    assert any(expected in i.value and "you are next" in i.value for i in at.info)
    assert any("waiting for its turn" in p.proto.text for p in at.get("progress"))
    at.run()  # still nobody has finished
    assert the_run(at).trainer.steps_done == 0
    turns.leave(others[0])  # one of the others finishes
    train_to_end(at)
    assert the_run(at).status == "done" and the_run(at).trainer.steps_done == 20
    assert turns.waiting() == 0 and run.ticket is None


def test_pause_leaves_the_line(busy_server):
    turns, _ = busy_server
    at = page_with_link({"steps": "20"})
    at.button(key="mlp.train").click().run()
    assert turns.waiting() == 1
    at.button(key="mlp.pause").click().run()
    assert the_run(at).status == "paused" and turns.waiting() == 0


def test_fifty_presses_in_a_row_take_one_place(busy_server):
    """Fifty clicks of Train that reach the server before the page redraws it disabled."""
    turns, _ = busy_server
    at = page_with_link({"steps": "20"})
    page_state(at, MlpState).presses.extend([Press("train", ())] * 50)
    at.run()
    assert not at.exception and turns.waiting() == 1
    page_state(at, MlpState).presses.extend([Press("train", ())] * 50)
    at.run()
    assert turns.waiting() == 1
    at.button(key="mlp.pause").click().run()
    assert turns.waiting() == 0


def test_a_shared_run_waits_in_the_line_once_for_the_class(busy_server, monkeypatch):
    """Micrograd's demo pressed by two students on a busy server: one job, one place in the
    line (both see it, with a wait), trained once when a slot frees, both see its end."""
    import ui.mlp.run
    from ui.sharing import SHARE_SECONDS

    monkeypatch.setattr(ui.mlp.run, "SHARE_SECONDS", SHARE_SECONDS)  # sharing back on
    turns, others = busy_server
    students = [page_with_link({}), page_with_link({})]
    for at in students:
        at.button(key="mlp.demo").click().run()
    runs = [the_run(at) for at in students]
    assert runs[0].shared is runs[1].shared and runs[0].ticket is None
    assert turns.waiting() == 1  # one place for both
    for at in students:
        assert any("you are next" in i.value and "About" in i.value for i in at.info)
        assert any("waiting for its turn" in p.proto.text for p in at.get("progress"))
    turns.leave(others[0])  # a slot frees: the job trains
    for at in students:
        train_to_end(at)
        assert the_run(at).status == "done" and the_run(at).trainer.steps_done == 100
    assert turns.waiting() == 0
