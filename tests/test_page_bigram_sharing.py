"""The Bigram page on a shared server: Train over the CPU budget is refused with the steps that
fit (our engine at 5,000 steps; n = 4 on every name at 5,000 steps), a run that overshoots
stops at the budget, and a training waits for its turn when every slot is taken.

The estimates are checked against a reference measured here: the CPU time of a real training
of the same net (time.thread_time around NeuralNGram.fit), not the estimator's own numbers.
"""

from __future__ import annotations

import threading
import time

import pytest
from streamlit.testing.v1 import AppTest

from models.ngram import NeuralNGram
from serving.budget import BUDGET_VARIABLE
from tests.apptest_helpers import DEFAULT_TIMEOUT, exception_messages, page_state
from tests.conftest import REPO_ROOT
from ui.bigram.state import BigramState
from ui.bigram.training import FIT_METHODS
from ui.sharing import training_turns

PAGE = "pages/bigram.py"


def page_with_link(params: dict[str, str]) -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / PAGE), default_timeout=DEFAULT_TIMEOUT)
    at.query_params.update(params)
    return at.run()


def refusals(at) -> list[str]:
    return [w.value for w in at.warning if w.value.startswith("Not started")]


def measured_seconds(words, n: int, method: str, steps: int) -> float:
    model = NeuralNGram(n=n, seed=1, vocab=words.vocab)
    started = time.thread_time()
    model.fit(
        words.splits.train,
        steps=steps,
        lr=0.1,
        reg=0.0,
        method=FIT_METHODS[method],
        eval_words={"dev": words.splits.dev},
    )
    return time.thread_time() - started


@pytest.mark.parametrize(
    "link, method, n",
    [
        ({"method": "engine", "steps": "5000"}, "engine", 2),
        ({"n": "4", "steps": "5000"}, "torch", 4),
    ],
)
def test_train_over_the_budget_is_refused_and_says_what_fits(monkeypatch, link, method, n):
    monkeypatch.setenv(BUDGET_VARIABLE, "5")  # n = 4 at 5,000 steps takes about 20 s here
    at = page_with_link(link)  # a first visit trains by itself: refused too
    assert not at.exception, exception_messages(at)
    state = page_state(at, BigramState)
    assert state.nets == {} and state.refusal is not None
    (message,) = refusals(at)
    assert "5,000 steps of this net" in message and "at most 5 s" in message
    # The estimate per step against a real run of 40 steps of the same net.
    estimate, words = state.refusal.estimate, state.choice.built_in
    measured = measured_seconds(words, n, method, 40) / 40
    assert 0.4 < estimate.per_step / measured < 2.5, (estimate, measured)


def test_the_steps_that_fit_train_when_pressed(monkeypatch):
    monkeypatch.setenv(BUDGET_VARIABLE, "3")
    at = page_with_link({"method": "engine", "steps": "5000"})
    fit = page_state(at, BigramState).refusal.steps_that_fit
    assert 0 < fit < 5000 and f"At most {fit:,} steps fit." in refusals(at)[0]
    at.button(key="bigram.fit-budget").click().run()
    assert not at.exception, exception_messages(at)
    (run,) = page_state(at, BigramState).nets.values()
    assert run.steps == fit and len(run.model.loss_history) == fit and not run.stopped_early
    assert not refusals(at)


def test_a_run_that_overshoots_stops_at_the_budget(monkeypatch):
    monkeypatch.setenv(BUDGET_VARIABLE, "0.5")
    import ui.bigram.network
    from serving.budget import CostEstimate

    monkeypatch.setattr(  # an estimate far too low, as on a server slower than it measured
        ui.bigram.network, "training_estimate", lambda words, n, values: CostEstimate(1e-6, 1)
    )
    at = page_with_link({"method": "engine", "steps": "5000"})
    assert not at.exception, exception_messages(at)
    (run,) = page_state(at, BigramState).nets.values()
    assert run.stopped_early and 0 < len(run.model.loss_history) < 5000
    assert run.cpu_seconds < 0.5 + 0.2
    assert any("Stopped after" in w.value and "of 5,000 steps" in w.value for w in at.warning)
    assert training_turns().waiting() == 0


def test_a_training_waits_while_every_slot_is_taken(monkeypatch):
    import ui.bigram.network

    monkeypatch.setattr(ui.bigram.network, "SHARE_SECONDS", 0.0)  # a short shared run skips
    turns = training_turns()
    others = [turns.join() for _ in range(turns.slots)]
    freed = threading.Timer(1.5, lambda: [turns.leave(t) for t in others])
    freed.start()
    started = time.monotonic()
    at = page_with_link({"steps": "20", "seed": "7"})  # a first visit trains by itself
    waited = time.monotonic() - started
    freed.join()
    assert not at.exception, exception_messages(at)
    (run,) = page_state(at, BigramState).nets.values()
    assert len(run.model.loss_history) == 20
    assert waited >= 1.5  # it trained only once a slot was free
    assert turns.waiting() == 0 and page_state(at, BigramState).ticket is None
