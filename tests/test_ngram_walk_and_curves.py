"""The inverse-CDF walk-through sampler and the per-step train/dev curves of NeuralNGram.fit,
against hand-worked distributions and the lecture's plain-torch forward pass."""

from __future__ import annotations

import math
from collections import Counter

import pytest
import torch
import torch.nn.functional as F

from models.ngram import CountNGram, NeuralNGram, inverse_cdf_index, sample_walk
from tests.lecture_reference import lecture_nll

# A corpus small enough to count by hand. Padded: .ab. .b. .ba. .a.
TINY = ["ab", "b", "ba", "a"]
TINY_ITOS = (".", "a", "b")
# After '.', the next character is a twice (ab, a) and b twice (b, ba): P = 1/2, 1/2.
# After 'a': b once (ab), '.' twice (ba., a.): P(.) = 2/3, P(b) = 1/3.
# After 'b': '.' twice (ab., b.), a once (ba): P(.) = 2/3, P(a) = 1/3.
TINY_P = {
    ".": {".": 0.0, "a": 0.5, "b": 0.5},
    "a": {".": 2 / 3, "a": 0.0, "b": 1 / 3},
    "b": {".": 2 / 3, "a": 1 / 3, "b": 0.0},
}


# ------------------------------------------------------------------ inverse-CDF selection


@pytest.mark.parametrize(
    ("u", "expected"),
    [(0.0, 0), (0.2499, 0), (0.25, 1), (0.5, 1), (0.7499, 1), (0.75, 2), (0.9999, 2)],
)
def test_inverse_cdf_picks_the_first_running_total_above_u(u, expected):
    # Running totals 0.25, 0.75, 1 (exact in binary): u in [0, 0.25) -> 0, [0.25, 0.75) -> 1,
    # [0.75, 1) -> 2.
    index, cumulative = inverse_cdf_index(torch.tensor([0.25, 0.5, 0.25]), u)
    assert index == expected
    assert cumulative.tolist() == [0.25, 0.75, 1.0]


def test_inverse_cdf_never_picks_an_impossible_outcome():
    probs = torch.tensor([0.0, 0.5, 0.0, 0.5, 0.0])
    picks = {inverse_cdf_index(probs, u / 100)[0] for u in range(100)}
    assert picks == {1, 3}
    # A total rounded a hair below u still lands on the last possible outcome.
    assert inverse_cdf_index(torch.tensor([0.3, 0.3, 0.3999999, 0.0]), 0.99999999)[0] == 2


# ------------------------------------------------------------------ the walk-through


@pytest.fixture(scope="module")
def tiny_counts() -> CountNGram:
    return CountNGram(n=2, smoothing=0, vocab=TINY_ITOS).fit(TINY)


def test_walk_shows_the_generators_numbers_and_their_characters(tiny_counts):
    seed = 1234
    steps = tiny_counts.sample_walk(seed)
    # The same stream drawn directly: u_k is the k-th torch.rand of a generator seeded `seed`.
    generator = torch.Generator().manual_seed(seed)
    expected_u = [float(torch.rand(1, generator=generator, dtype=torch.float64)) for _ in steps]
    assert [s.u for s in steps] == expected_u
    context = "."
    for step in steps:
        assert step.context == context
        row = TINY_P[context]
        # Walk the hand-worked row in vocabulary order until the running total passes u.
        total, chosen = 0.0, None
        for char in TINY_ITOS:
            total += row[char]
            if total > step.u:
                chosen = char
                break
        assert step.char == chosen
        assert step.prob == pytest.approx(row[chosen])
        assert step.cumulative[-1] == pytest.approx(1.0)
        context = step.char
    assert steps[-1].is_end and not any(s.is_end for s in steps[:-1])


def test_walk_draws_from_the_models_distribution(tiny_counts):
    """Over many seeds, the first character comes out a half of the time each, and after
    'a' the word ends two times in three (the hand-worked table above)."""
    firsts, after_a = Counter(), Counter()
    for seed in range(2000):
        steps = tiny_counts.sample_walk(seed)
        firsts[steps[0].char] += 1
        for previous, step in zip(steps, steps[1:], strict=False):
            if previous.char == "a":
                after_a[step.char] += 1
    share_a = firsts["a"] / 2000
    # Binomial standard deviation of a share at 2000 draws of p = 0.5 is about 0.011.
    assert abs(share_a - 0.5) < 0.045
    ends = after_a["."] / sum(after_a.values())
    assert abs(ends - 2 / 3) < 0.06
    assert firsts["."] == 0 and after_a["a"] == 0


def test_walk_with_top_1_is_greedy(tiny_counts):
    """top_k=1 leaves one possible character, whatever u is: after '.', a and b tie, and
    torch.topk's pick is then the only outcome."""
    words = {"".join(s.char for s in tiny_counts.sample_walk(seed, top_k=1)) for seed in range(20)}
    assert len(words) == 1
    word = words.pop()
    # After the first letter the most likely next character is '.' (2/3): words of one letter.
    assert len(word) == 2 and word.endswith(".")


def test_walk_is_cut_at_max_length():
    model = CountNGram(n=2, smoothing=1, vocab=TINY_ITOS).fit(TINY)
    for seed in range(30):
        assert len(model.sample_walk(seed, max_length=3)) <= 3


def test_walk_runs_for_trigrams():
    model = CountNGram(n=3, smoothing=0, vocab=TINY_ITOS).fit(TINY)
    steps = model.sample_walk(5)
    assert steps[0].context == ".."
    assert all(len(s.context) == 2 for s in steps)
    assert steps[-1].is_end


def test_walk_refuses_a_context_without_probabilities():
    """A context the counts never saw has an all-zero row when smoothing is 0."""

    def next_char_probs(context):
        return torch.tensor([0.0, 1.0, 0.0]) if context == (0,) else torch.zeros(3)

    with pytest.raises(ValueError, match="no probabilities"):
        sample_walk(next_char_probs, 2, TINY_ITOS, seed=0)


# ------------------------------------------------------------------ train / dev curves


TRAIN = ["emma", "olivia", "ava", "isabella", "sophia", "mia", "amelia", "harper"]
DEV = ["evelyn", "abigail", "emily"]
ITOS = (".", *sorted(set("".join(TRAIN + DEV))))


@pytest.mark.parametrize("reg", [0.0, 0.01])
def test_curves_are_the_nll_of_the_weights_at_each_step(reg):
    """Entry k of each curve is the NLL before update k, i.e. of a model trained k steps."""
    steps, lr = 6, 5.0
    model = NeuralNGram(n=2, seed=7, vocab=ITOS)
    history = model.fit(TRAIN, steps=steps, lr=lr, reg=reg, eval_words={"dev": DEV})
    assert len(model.data_loss_history) == len(model.eval_history["dev"]) == steps
    for k in range(steps):
        earlier = NeuralNGram(n=2, seed=7, vocab=ITOS)
        if k:
            earlier.fit(TRAIN, steps=k, lr=lr, reg=reg)
        W = earlier.W
        assert model.data_loss_history[k] == pytest.approx(lecture_nll(W, TRAIN, ITOS), abs=1e-5)
        assert model.eval_history["dev"][k] == pytest.approx(lecture_nll(W, DEV, ITOS), abs=1e-5)
        # The training loss adds reg times the mean squared weight to the data loss.
        reg_term = reg * float((W.double() ** 2).mean())
        assert history[k] == pytest.approx(model.data_loss_history[k] + reg_term, abs=1e-5)


def test_curves_without_eval_words_and_after_a_refit():
    model = NeuralNGram(n=2, seed=7, vocab=ITOS)
    model.fit(TRAIN, steps=3, lr=5.0, reg=0.0, eval_words={"dev": DEV})
    model.fit(TRAIN, steps=2, lr=5.0, reg=0.0)
    assert dict(model.eval_history) == {}
    assert model.data_loss_history == pytest.approx(model.loss_history)
    assert len(model.loss_history) == 2


def test_eval_words_outside_the_vocabulary_are_refused_before_training():
    model = NeuralNGram(n=2, seed=7, vocab=ITOS)
    with pytest.raises(ValueError, match="not in the vocabulary"):
        model.fit(TRAIN, steps=3, lr=5.0, eval_words={"dev": ["zq"]})
    assert model.loss_history == ()
    assert math.isfinite(float(model.W.sum()))


@pytest.mark.parametrize(("n", "contexts"), [(2, (".", "e", "m")), (3, ("..", "em", "a."))])
def test_logits_for_a_context_are_the_one_hot_inputs_times_W(n, contexts):
    model = NeuralNGram(n=n, seed=3, vocab=ITOS)
    model.fit(TRAIN, steps=4, lr=5.0)
    W = model.W
    stoi = {ch: i for i, ch in enumerate(ITOS)}
    for context in contexts:
        one_hots = [F.one_hot(torch.tensor(stoi[c]), len(ITOS)).float() for c in context]
        expected = torch.cat(one_hots) @ W
        logits = model.logits_for_context(context)
        assert torch.allclose(logits, expected, atol=1e-6)
        assert torch.allclose(torch.softmax(logits, 0), model.probs_for_context(context))
