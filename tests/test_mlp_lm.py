"""Lesson 3's MLP language model (models/mlp_lm) against independent references: the
examples and split sizes counted here from the words, the lecture's parameter count, the
init loss against -log(1/27), the written-out backward pass against torch autograd, and the
seeded batches and samples."""

import math
import random

import pytest
import torch
import torch.nn.functional as F

from data.names import makemore_names
from models.mlp_lm import (
    LmConfig,
    context_examples,
    evaluate_loss,
    example_lines,
    init_parameters,
    lecture_splits,
    parameter_count,
    sample_names,
    train_steps,
)
from models.mlp_lm.model import autograd_gradients, fused_gradients, step_decay
from models.ngram.vocabulary import Vocabulary


@pytest.fixture(scope="module")
def words():
    return list(makemore_names())


@pytest.fixture(scope="module")
def vocab(words):
    return Vocabulary.from_words(words)


@pytest.fixture(scope="module")
def splits(words, vocab):
    return lecture_splits(words, vocab, 3)


def test_emma_gives_the_lectures_examples(vocab):
    assert example_lines("emma", vocab, 3) == [
        "... ---> e",
        "..e ---> m",
        ".em ---> m",
        "emm ---> a",
        "mma ---> .",
    ]
    assert example_lines("ab", vocab, 1) == [". ---> a", "a ---> b", "b ---> ."]


def test_block_size_is_checked(vocab):
    for block_size in (0, 9):
        with pytest.raises(ValueError, match="1 to 8"):
            context_examples(["emma"], vocab, block_size)


def notebook_sizes(words, shuffles):
    """The notebook's own steps, counted without the model's code: seed and shuffle the list
    in place `shuffles` times, cut at 80% and 90%, one example per character plus the end."""
    words = list(words)
    for _ in range(shuffles):
        random.seed(42)
        random.shuffle(words)
    n1, n2 = int(0.8 * len(words)), int(0.9 * len(words))
    return tuple(sum(len(w) + 1 for w in part) for part in (words[:n1], words[n1:n2], words[n2:]))


def test_one_shuffle_gives_the_true_split_sizes(words, splits):
    assert splits.sizes() == notebook_sizes(words, 1) == (182625, 22655, 22866)
    assert sum(splits.sizes()) == sum(len(w) + 1 for w in words)
    assert splits.train[0].shape == (182625, 3)


def test_the_part2_notebooks_182437_is_a_list_shuffled_three_times(words, vocab):
    three = lecture_splits(words, vocab, 3, shuffles=3).sizes()
    assert three == notebook_sizes(words, 3)
    assert three[0] == 182437  # what the part-2 notebook prints for Xtr


def test_the_lectures_parameter_count():
    assert parameter_count(LmConfig(block_size=3, embedding=10, hidden=200)) == 11897
    assert parameter_count(LmConfig(block_size=3, embedding=2, hidden=100)) == 3481
    params = init_parameters(LmConfig())
    assert sum(t.numel() for t in params.tensors()) == 11897


def test_the_init_draws_in_the_notebooks_order():
    g = torch.Generator().manual_seed(2147483647)
    expected = [
        torch.randn((27, 10), generator=g),
        torch.randn((30, 200), generator=g),
        torch.randn(200, generator=g),
        torch.randn((200, 27), generator=g),
        torch.randn(27, generator=g),
    ]
    for got, want in zip(init_parameters(LmConfig()).tensors(), expected, strict=True):
        assert torch.equal(got, want)


def test_fixing_the_init_brings_the_step0_loss_to_log27(splits):
    uniform = -math.log(1 / 27)
    assert uniform == pytest.approx(3.2958, abs=1e-4)
    raw = evaluate_loss(init_parameters(LmConfig()), *splits.train)
    fixed = evaluate_loss(init_parameters(LmConfig(fix_init=True)), *splits.train)
    assert raw > 15  # the lecture's "way too high" first loss
    assert abs(fixed - uniform) < 0.05


@pytest.mark.parametrize("fix_init", [False, True])
def test_written_out_backward_matches_autograd(splits, fix_init):
    params = init_parameters(LmConfig(block_size=3, embedding=10, hidden=200, fix_init=fix_init))
    X, Y = splits.train[0][:32], splits.train[1][:32]
    loss, grads = fused_gradients(params, X, Y)
    reference, expected = autograd_gradients(params, X, Y)
    assert loss == pytest.approx(reference, rel=1e-6)
    for got, want in zip(grads, expected, strict=True):
        torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-6)


def test_autograd_path_is_the_notebooks_step(splits):
    """One step of train_steps(method='autograd') against the notebook's lines themselves."""
    params = init_parameters(LmConfig(fix_init=True))
    trained, losses = train_steps(
        params, *splits.train, 1, lambda _: 0.1, torch.Generator().manual_seed(5)
    )
    ix = torch.randint(
        0, splits.train[0].shape[0], (32,), generator=torch.Generator().manual_seed(5)
    )
    C, W1, b1, W2, b2 = (t.clone().requires_grad_(True) for t in params.tensors())
    emb = C[splits.train[0][ix]]
    h = torch.tanh(emb.view(-1, 30) @ W1 + b1)
    loss = F.cross_entropy(h @ W2 + b2, splits.train[1][ix])
    loss.backward()
    assert losses[0] == pytest.approx(loss.item(), abs=1e-6)
    for got, p in zip(trained.tensors(), (C, W1, b1, W2, b2), strict=True):
        torch.testing.assert_close(got, p.detach() - 0.1 * p.grad, rtol=1e-5, atol=1e-6)


def test_both_methods_draw_the_same_batches_and_curve(splits):
    params = init_parameters(LmConfig(fix_init=True))
    schedule = step_decay(0.1, 0.01, 200)
    curves = [
        train_steps(
            params, *splits.train, 200, schedule, torch.Generator().manual_seed(7), method=m
        )[1]
        for m in ("fused", "autograd")
    ]
    assert max(abs(a - b) for a, b in zip(*curves, strict=True)) < 1e-6
    assert curves[0][-1] < curves[0][0] - 0.4  # it learns
    assert init_parameters(LmConfig(fix_init=True)).C.equal(params.C)  # the input is untouched


def test_samples_are_seeded_and_end_with_a_dot(vocab):
    params = init_parameters(LmConfig())
    first = sample_names(params, vocab.itos, count=5)
    assert first == sample_names(params, vocab.itos, count=5)
    assert all(name.endswith(".") or len(name) == 50 for name in first)
    assert first != sample_names(params, vocab.itos, count=5, seed=1)
