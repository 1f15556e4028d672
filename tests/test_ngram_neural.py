"""models.ngram.NeuralNGram against the lecture's training code and printed losses."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from models.ngram import CountNGram, NeuralNGram, TrainingDiverged, Vocabulary
from tests.lecture_reference import lecture_examples

LECTURE_SEED = 2147483647


@pytest.fixture(scope="module")
def words(names_txt) -> list[str]:
    return names_txt.read_text().splitlines()


@pytest.fixture(scope="module")
def histories(words) -> dict[str, list[float]]:
    """Both methods, lecture settings (100 steps, lr 50, reg 0.01), on all of names.txt.

    The lecture method runs the full one-hot forward pass: about 7 s, done once here.
    """
    return {
        method: NeuralNGram(seed=LECTURE_SEED).fit(words, steps=100, lr=50, reg=0.01, method=method)
        for method in ("fast", "lecture")
    }


# ---------------------------------------------------------------- the lecture's bigram net


@pytest.mark.parametrize("method", ["fast", "lecture"])
def test_lecture_losses(histories, method):
    history = histories[method]
    assert len(history) == 100
    # The lecture prints 3.7686 at the first step and 2.4901 at the last of its 100 steps.
    assert history[0] == pytest.approx(3.7686, abs=1e-3)
    assert history[99] == pytest.approx(2.4901, abs=1e-3)
    assert all(b < a for a, b in zip(history, history[1:], strict=False))


def test_both_methods_give_the_same_losses(histories):
    for fast, lecture in zip(histories["fast"], histories["lecture"], strict=True):
        assert fast == pytest.approx(lecture, abs=1e-5)


def test_initial_weights_are_the_lectures_W(words):
    g = torch.Generator().manual_seed(LECTURE_SEED)
    lecture_W = torch.randn((27, 27), generator=g)
    model = NeuralNGram(vocab=Vocabulary.from_words(words))
    assert torch.equal(model.W, lecture_W)
    assert torch.equal(model.initial_weights(), lecture_W)


def test_emma_walk_through_at_the_initial_weights(words):
    vocab = Vocabulary.from_words(words)
    model = NeuralNGram(vocab=vocab)
    examples = model.examples_for_word("emma")
    assert [e.context + e.target for e in examples] == [".e", "em", "mm", "ma", "a."]
    # The lecture's forward pass on emma's five examples.
    xs, ys = lecture_examples(["emma"], vocab.stoi)
    g = torch.Generator().manual_seed(LECTURE_SEED)
    W = torch.randn((27, 27), generator=g)
    xenc = F.one_hot(xs, num_classes=27).float()
    counts = (xenc @ W).exp()
    probs = counts / counts.sum(1, keepdims=True)
    expected = probs[torch.arange(5), ys]
    assert [e.prob for e in examples] == pytest.approx(expected.tolist(), rel=1e-5)
    mean_nll = sum(e.nll for e in examples) / 5
    assert mean_nll == pytest.approx(3.7693, abs=1e-4)  # the lecture's printed average
    assert mean_nll == pytest.approx(model.nll(["emma"]), abs=1e-6)


def test_more_steps_approach_the_counts_model(words):
    """Without regularisation the net's optimum is the unsmoothed counts model."""
    counts_nll = CountNGram(smoothing=0).fit(words).nll(words)
    gaps = []
    for steps in (100, 1000):
        model = NeuralNGram()
        model.fit(words, steps=steps, lr=50, reg=0.0)
        gaps.append(model.nll(words) - counts_nll)
    assert 0 < gaps[1] < gaps[0]
    assert gaps[1] < 2e-3


def test_history_and_nll_agree(words):
    """The loss at step k+1 is the data NLL after k+1 updates plus the regularisation."""
    longer = NeuralNGram()
    history = longer.fit(words, steps=6, lr=50, reg=0.01)
    model = NeuralNGram()
    model.fit(words, steps=5, lr=50, reg=0.01)
    W = model.W
    assert history[5] == pytest.approx(model.nll(words) + 0.01 * float((W**2).mean()), abs=1e-5)
    assert model.loss_history == tuple(history[:5])


def test_neural_probabilities_table_is_softmax_of_W(words):
    model = NeuralNGram()
    model.fit(words, steps=3)
    W = model.W
    expected = W.exp() / W.exp().sum(1, keepdim=True)
    assert torch.allclose(model.probs, expected, atol=1e-6)
    assert torch.allclose(model.probs_for_context("a"), expected[1], atol=1e-6)


# ---------------------------------------------------------------- n > 2 against a plain net

CORPUS = ["abab", "bab", "ba", "abba"]


def plain_trigram_net(corpus, steps, lr, reg, seed):
    """The lecture's training loop, with two one-hot vectors concatenated for a trigram net."""
    stoi = {".": 0, "a": 1, "b": 2}
    xs, ys = [], []
    for w in corpus:
        chs = [".", "."] + list(w) + ["."]
        for ch1, ch2, ch3 in zip(chs, chs[1:], chs[2:], strict=False):
            xs.append([stoi[ch1], stoi[ch2]])
            ys.append(stoi[ch3])
    xs, ys = torch.tensor(xs), torch.tensor(ys)
    num = len(ys)
    g = torch.Generator().manual_seed(seed)
    W = torch.randn((6, 3), generator=g, requires_grad=True)
    losses = []
    for _ in range(steps):
        xenc = F.one_hot(xs, num_classes=3).float().view(num, 6)
        probs = (xenc @ W).exp()
        probs = probs / probs.sum(1, keepdims=True)
        loss = -probs[torch.arange(num), ys].log().mean() + reg * (W**2).mean()
        losses.append(loss.item())
        W.grad = None
        loss.backward()
        W.data += -lr * W.grad
    return losses, W.detach()


@pytest.mark.parametrize("method", ["fast", "lecture"])
def test_trigram_net_matches_a_plain_implementation(method):
    reference_losses, reference_W = plain_trigram_net(CORPUS, steps=30, lr=5, reg=0.01, seed=3)
    model = NeuralNGram(n=3, seed=3)
    losses = model.fit(CORPUS, steps=30, lr=5, reg=0.01, method=method)
    assert losses == pytest.approx(reference_losses, abs=1e-5)
    assert torch.allclose(model.W, reference_W, atol=1e-5)
    assert model.W.shape == (6, 3)


def test_four_gram_net_probabilities():
    model = NeuralNGram(n=4, seed=5)
    model.fit(CORPUS, steps=200, lr=5, reg=0.0)
    probs = model.probs
    assert probs.shape == (3, 3, 3, 3)
    assert torch.allclose(probs.sum(-1), torch.ones(3, 3, 3))
    W = model.W
    # Context "ab" after "." : rows 0, 3 + 1 and 6 + 2 of W add up (one-hot blocks).
    expected = torch.softmax(W[0] + W[3 + 1] + W[6 + 2], dim=0)
    assert torch.allclose(model.probs_for_context(".ab"), expected, atol=1e-6)
    assert torch.allclose(probs[0, 1, 2], expected, atol=1e-6)
    # Every training 4-gram is learnt to be likely: ".ab" continues with "a" or "b".
    assert expected[0] < 0.1


@settings(max_examples=25, deadline=None)
@given(
    corpus=st.lists(st.text(alphabet="abcé", max_size=5), min_size=1, max_size=6),
    n=st.integers(2, 4),
    seed=st.integers(0, 2**31),
)
def test_fast_and_lecture_methods_agree_on_any_small_corpus(corpus, n, seed):
    fast, lecture = NeuralNGram(n=n, seed=seed), NeuralNGram(n=n, seed=seed)
    fast_history = fast.fit(corpus, steps=8, lr=2.0, reg=0.01, method="fast")
    lecture_history = lecture.fit(corpus, steps=8, lr=2.0, reg=0.01, method="lecture")
    assert fast_history == pytest.approx(lecture_history, abs=1e-5)
    assert torch.allclose(fast.W, lecture.W, atol=1e-5)


# ---------------------------------------------------------------- control and failures


@pytest.mark.parametrize("method", ["fast", "lecture"])
def test_divergence_is_reported_with_its_step(words, method):
    corpus = words if method == "fast" else CORPUS
    model = NeuralNGram()
    model.fit(corpus, steps=2)
    before = model.W
    with pytest.raises(TrainingDiverged) as caught:
        model.fit(corpus, steps=50, lr=1e6)
    error = caught.value
    assert isinstance(error, ValueError)
    assert f"at step {error.step}" in str(error) and "Lower the learning rate" in str(error)
    assert 0 < error.step < 50
    assert len(error.history) == error.step
    assert all(math.isfinite(loss) for loss in error.history)
    assert torch.equal(model.W, before)  # the model keeps its previous weights


def test_on_step_sees_every_loss_and_can_stop(words):
    seen = []

    def on_step(step, loss):
        seen.append((step, loss))
        return step < 4  # stop after step 4

    model = NeuralNGram()
    history = model.fit(words, steps=100, on_step=on_step)
    assert len(history) == 5
    assert seen == list(enumerate(history))
    five = NeuralNGram()
    five.fit(words, steps=5)
    assert torch.equal(model.W, five.W)


def test_fit_starts_again_from_the_seed_and_leaves_the_words_alone(words):
    corpus = list(words[:500])
    model = NeuralNGram()
    first = model.fit(corpus, steps=10)
    again = model.fit(corpus, steps=10)
    assert first == again
    assert corpus == words[:500]
    assert NeuralNGram(seed=1).fit(corpus, steps=1)[0] != first[0]


def test_the_global_random_state_is_untouched(words):
    state = torch.get_rng_state()
    model = NeuralNGram()
    model.fit(words[:200], steps=3)
    model.sample(5, seed=0)
    assert torch.equal(torch.get_rng_state(), state)


@pytest.mark.parametrize(
    ("kwargs", "phrase"),
    [
        ({"method": "slow"}, "method must be one of fast, lecture"),
        ({"steps": -1}, "steps must be"),
        ({"steps": 1.5}, "steps must be"),
        ({"lr": 0}, "above 0"),
        ({"lr": math.inf}, "finite number"),
        ({"reg": -0.1}, "at least 0"),
    ],
)
def test_bad_training_settings_are_refused(kwargs, phrase):
    with pytest.raises(ValueError, match=phrase):
        NeuralNGram().fit(["ab"], **kwargs)


def test_the_lecture_method_refuses_a_one_hot_matrix_too_big():
    chars = [chr(0x4E00 + i) for i in range(3000)]
    big = ["".join(chars[i : i + 10]) for i in range(0, 3000, 10)] * 8  # 26,400 examples
    with pytest.raises(ValueError, match="method='fast'"):
        NeuralNGram().fit(big, steps=1, method="lecture")


def test_a_given_vocabulary_is_kept():
    model = NeuralNGram(vocab=".abc")
    model.fit(["ab", "ba"], steps=3)
    assert model.itos == (".", "a", "b", "c") and model.W.shape == (4, 4)
    with pytest.raises(ValueError, match=r"'d' in 'dab' is not in the vocabulary"):
        model.fit(["ab", "dab"], steps=3)
    with pytest.raises(ValueError, match=r"'d' in 'bad' is not in the vocabulary"):
        model.nll(["bad"])


def test_unfitted_model_without_vocabulary_says_so():
    with pytest.raises(ValueError, match="fit it first"):
        NeuralNGram().nll(["ab"])
    with pytest.raises(ValueError, match="do not fit a vocabulary"):
        NeuralNGram.from_weights(torch.zeros(4, 3), ".ab")


def test_read_only_operations_change_nothing(words):
    model = NeuralNGram(n=3)
    model.fit(words[:1000], steps=5)
    W, history = model.W, model.loss_history
    model.nll(words[:100])
    model.log_probs("emma")
    model.sample(5, seed=1, temperature=2.0)
    model.sample_walk(seed=1)
    model.probs_for_context("em").zero_()
    model.W.zero_()
    assert torch.equal(model.W, W)
    assert model.loss_history == history


def test_importing_the_models_sets_torch_to_one_thread():
    import subprocess
    import sys

    probe = "import models.ngram, torch; print(torch.get_num_threads())"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "1"
