"""models/ngram/engine_training.py: the bigram net trained by our scalar engine agrees with
torch."""

from __future__ import annotations

import random

import pytest
import torch

from engine import Value
from models.ngram import FIT_METHODS, CountNGram, NeuralNGram, TrainingDiverged
from models.ngram.engine_training import (
    EngineTrainingDiverged,
    bigram_nll,
    engine_bigram_loss,
    run_engine_training,
)


def torch_reference_loss(W: torch.Tensor, N: torch.Tensor, reg: float) -> torch.Tensor:
    """The lecture's loss over every example, written from the counts: each (r, c) example
    appears N[r, c] times, so the mean over examples is a count-weighted mean."""
    log_probs = torch.log_softmax(W, dim=1)
    return -(N * log_probs).sum() / N.sum() + reg * (W**2).mean()


def test_loss_and_gradients_match_torch_autograd_on_random_counts():
    rng = random.Random(7)
    size = 5
    counts = [[rng.randrange(0, 9) for _ in range(size)] for _ in range(size)]
    counts[2] = [0] * size  # a character never followed by anything
    initial = [[rng.gauss(0, 2) for _ in range(size)] for _ in range(size)]
    weights = [[Value(w) for w in row] for row in initial]
    loss, data_loss = engine_bigram_loss(weights, counts, reg=0.03)
    loss.backward()

    W = torch.tensor(initial, dtype=torch.float64, requires_grad=True)
    reference = torch_reference_loss(W, torch.tensor(counts, dtype=torch.float64), 0.03)
    reference.backward()
    assert loss.data == pytest.approx(reference.item(), abs=1e-12)
    data_reference = torch_reference_loss(W.detach(), torch.tensor(counts, dtype=torch.float64), 0)
    assert data_loss.data == pytest.approx(data_reference.item(), abs=1e-12)
    for r in range(size):
        for c in range(size):
            assert weights[r][c].grad == pytest.approx(W.grad[r, c].item(), abs=1e-12)


def test_bigram_nll_of_plain_numbers_matches_torch():
    rng = random.Random(11)
    size = 6
    counts = [[rng.randrange(0, 5) for _ in range(size)] for _ in range(size)]
    counts[0] = [0] * size
    weights = [[rng.gauss(0, 3) for _ in range(size)] for _ in range(size)]
    expected = torch_reference_loss(
        torch.tensor(weights, dtype=torch.float64), torch.tensor(counts, dtype=torch.float64), 0
    )
    assert bigram_nll(weights, counts) == pytest.approx(expected.item(), abs=1e-12)


def test_large_logits_do_not_overflow():
    weights = [[Value(800.0), Value(0.0)], [Value(-800.0), Value(1.0)]]
    loss, _ = engine_bigram_loss(weights, [[1, 1], [2, 0]], reg=0.0)
    W = torch.tensor([[800.0, 0.0], [-800.0, 1.0]], dtype=torch.float64)
    expected = torch_reference_loss(
        W, torch.tensor([[1.0, 1.0], [2.0, 0.0]], dtype=torch.float64), 0
    )
    assert loss.data == pytest.approx(expected.item(), rel=1e-12)


def test_engine_training_agrees_with_torch_over_50_steps_on_names(names_txt):
    words = names_txt.read_text().splitlines()
    counts = CountNGram(n=2, smoothing=0).fit(words).counts.tolist()
    torch_model = NeuralNGram(n=2, seed=2147483647)
    torch_history = torch_model.fit(words, steps=50, lr=50.0, reg=0.01)
    initial = torch_model.initial_weights().tolist()
    result = run_engine_training(counts, initial, 50, 50.0, 0.01)
    engine_history, engine_weights = result.history, result.weights

    assert len(engine_history) == len(torch_history) == 50
    assert engine_history[0] == pytest.approx(3.7686, abs=1e-4)  # the lecture's step 0
    assert max(abs(a - b) for a, b in zip(engine_history, torch_history, strict=True)) < 1e-6
    final = torch.tensor(engine_weights, dtype=torch.float64)
    assert torch.allclose(final, torch_model.W.to(torch.float64), atol=1e-4)


def test_a_huge_learning_rate_stops_with_the_step():
    counts = [[0, 5, 1], [3, 0, 2], [4, 4, 0]]
    initial = [[0.1, -0.2, 0.3], [0.0, 0.5, -0.5], [1.0, 0.0, -1.0]]
    with pytest.raises(EngineTrainingDiverged) as caught:
        run_engine_training(counts, initial, steps=50, lr=1e300, reg=0.01)
    assert "step" in str(caught.value) and "learning rate" in str(caught.value)
    assert caught.value.step < 50


def test_on_step_can_stop_training_early():
    counts = [[0, 5], [3, 1]]
    seen = []
    history = run_engine_training(
        counts,
        [[0.0, 0.0], [0.0, 0.0]],
        steps=10,
        lr=1.0,
        reg=0.0,
        on_step=lambda step, loss: seen.append(step) or step < 2,
    ).history
    assert seen == [0, 1, 2] and len(history) == 3
    assert history[1] < history[0]  # gradient descent lowers the loss


def test_no_torch_in_the_engine_path():
    import ast
    from pathlib import Path

    source = Path("models/ngram/engine_training.py")
    tree = ast.parse((Path(__file__).parent.parent / source).read_text())
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        node.module.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert "torch" not in imported and "numpy" not in imported


# ------------------------------------------------------------ NeuralNGram.fit(method="engine")


def test_fit_with_the_engine_agrees_with_the_torch_fast_path_on_names(names_txt):
    """50 steps of the lecture's settings on names.txt, with a dev set tracked at every step:
    the losses, their data parts, the dev NLLs and the final W of the two paths agree."""
    words = names_txt.read_text().splitlines()
    dev = words[::10]
    models = {method: NeuralNGram(n=2, seed=2147483647) for method in ("engine", "fast")}
    histories = {
        method: model.fit(
            words, steps=50, lr=50.0, reg=0.01, method=method, eval_words={"dev": dev}
        )
        for method, model in models.items()
    }
    engine, fast = models["engine"], models["fast"]
    assert histories["engine"][0] == pytest.approx(3.7686, abs=5e-5)  # the lecture's step 0
    assert len(histories["engine"]) == len(histories["fast"]) == 50
    assert engine.loss_history == tuple(histories["engine"])
    for ours, theirs in (
        (engine.loss_history, fast.loss_history),
        (engine.data_loss_history, fast.data_loss_history),
        (engine.eval_history["dev"], fast.eval_history["dev"]),
    ):
        assert len(ours) == len(theirs) == 50
        assert max(abs(a - b) for a, b in zip(ours, theirs, strict=True)) < 1e-6
    assert engine.W.dtype == torch.float32 and engine.W.shape == (27, 27)
    assert torch.allclose(engine.W, fast.W, atol=1e-4)
    assert engine.nll(dev) == pytest.approx(fast.nll(dev), abs=1e-6)


def test_fit_with_the_engine_calls_on_step_and_can_stop_early():
    words = ["emma", "olivia", "ava", "mia"]
    seen = []
    model = NeuralNGram(n=2, seed=3)
    history = model.fit(
        words,
        steps=20,
        lr=5.0,
        reg=0.0,
        method="engine",
        on_step=lambda step, loss: seen.append((step, loss)) or step < 4,
    )
    assert [step for step, _ in seen] == [0, 1, 2, 3, 4]
    assert [loss for _, loss in seen] == history == list(model.loss_history)
    reference = NeuralNGram(n=2, seed=3)
    reference.fit(words, steps=5, lr=5.0, reg=0.0, method="fast")
    assert history == pytest.approx(list(reference.loss_history), abs=1e-6)


def test_the_engine_trains_bigrams_only():
    assert "engine" in FIT_METHODS
    with pytest.raises(ValueError, match="n = 2") as caught:
        NeuralNGram(n=3).fit(["emma", "ava"], steps=3, method="engine")
    assert "n = 3" in str(caught.value)


def test_a_diverging_engine_fit_names_the_step_and_keeps_the_old_weights():
    words = ["emma", "olivia", "ava", "mia", "sophia"]
    model = NeuralNGram(n=2, seed=1)
    model.fit(words, steps=3, lr=1.0, reg=0.0, method="engine")
    before = model.W
    with pytest.raises(TrainingDiverged) as caught:
        model.fit(words, steps=50, lr=1e300, reg=0.01, method="engine")
    with pytest.raises(TrainingDiverged) as caught_by_torch:
        NeuralNGram(n=2, seed=1).fit(words, steps=50, lr=1e300, reg=0.01, method="fast")
    # The first update throws W to about 1e299: the next loss is no longer a number.
    assert caught.value.step == caught_by_torch.value.step == 1
    assert caught.value.history == pytest.approx(caught_by_torch.value.history, abs=1e-6)
    assert "at step 1 (learning rate 1e+300)" in str(caught.value)
    assert torch.equal(model.W, before)
    assert len(model.loss_history) == 3
