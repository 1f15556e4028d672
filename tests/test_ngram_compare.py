"""models.ngram.compare: the counts model and the net side by side, on small hand-worked
tables and against the net's forward pass written out with one-hot vectors."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from models.ngram import (
    CountNGram,
    NeuralNGram,
    Vocabulary,
    centred,
    count_slice,
    largest_difference,
    logit_slice,
    row_constant_gap,
    slice_prefix,
)

ITOS = (".", "a", "b")


def test_row_constant_gap_is_zero_when_W_is_log_counts_plus_row_constants():
    counts = np.array([[1.0, 4.0, 9.0], [2.0, 2.0, 6.0], [5.0, 1.0, 3.0]])
    logits = np.log(counts) + np.array([[3.0], [-1.5], [0.25]])  # a constant per row
    gap = row_constant_gap(logits, counts, 0.0, ["."] + ["a", "b"], ITOS)
    assert gap.largest == pytest.approx(0.0, abs=1e-12)
    assert gap.typical == pytest.approx(0.0, abs=1e-12)


def test_row_constant_gap_finds_the_cell_that_breaks_the_pattern():
    counts = np.array([[1.0, 4.0, 9.0], [2.0, 2.0, 6.0], [5.0, 1.0, 3.0]])
    logits = np.log(counts + 1.0)
    logits[1, 2] += 0.9  # 'ab' off by 0.9; its row mean moves by 0.3
    gap = row_constant_gap(logits, counts, 1.0, [".", "a", "b"], ITOS)
    assert gap.where == "ab" and gap.where_count == 6
    assert gap.largest == pytest.approx(0.6)
    # Weighted by counts: row 'a' (counts 2, 2, 6) is off by 0.3, 0.3, 0.6 over 33 n-grams.
    assert gap.typical == pytest.approx((2 * 0.3 + 2 * 0.3 + 6 * 0.6) / 33)


def test_row_constant_gap_skips_cells_of_log_zero():
    counts = np.array([[0.0, 2.0, 2.0], [1.0, 1.0, 1.0], [3.0, 3.0, 0.0]])
    logits = np.zeros((3, 3))
    gap = row_constant_gap(logits, counts, 0.0, [".", "a", "b"], ITOS)
    assert math.isfinite(gap.largest) and gap.largest == pytest.approx(0.0)


def test_centred_removes_each_rows_mean_of_finite_entries():
    table = np.array([[1.0, 2.0, 3.0], [-math.inf, 4.0, 6.0]])
    result = centred(table)
    assert result[0].tolist() == [-1.0, 0.0, 1.0]
    assert result[1, 0] == -math.inf and result[1, 1:].tolist() == [-1.0, 1.0]


def test_largest_difference_names_its_ngram():
    counts_probs = torch.tensor([[0.2, 0.5, 0.3], [0.1, 0.1, 0.8], [0.3, 0.3, 0.4]])
    neural_probs = torch.tensor([[0.2, 0.5, 0.3], [0.1, 0.3, 0.6], [0.3, 0.3, 0.4]])
    difference = largest_difference(counts_probs, neural_probs, ITOS)
    assert difference.where in {"aa", "ab"}  # both moved by 0.2
    assert difference.largest == pytest.approx(0.2)


@pytest.mark.parametrize(
    ("n", "raw", "prefix", "complains"),
    [
        (2, "anything", "", False),
        (3, "", ".", False),
        (3, "e", "e", False),
        (3, "ee", ".", True),
        (3, "é", ".", True),
        (4, "em", "em", False),
        (4, "e", "..", True),
    ],
)
def test_slice_prefix(n, raw, prefix, complains):
    vocab = Vocabulary.from_words(["emma", "ava"])
    got, problem = slice_prefix(n, raw, vocab)
    assert got == prefix
    assert (problem is not None) == complains


# ------------------------------------------------------------------ slices of the models

# Padded for n = 3: ..abab. -> ..a .ab aba bab ab.   and   ..bab. -> ..b .ba bab ab.
CORPUS = ["abab", "bab"]


def test_count_slice_of_trigrams_by_hand():
    model = CountNGram(n=3, smoothing=0).fit(CORPUS)
    # Rows: the contexts prefix + '.', prefix + 'a', prefix + 'b'; columns: the next character.
    assert count_slice(model, ".").tolist() == [[0, 1, 1], [0, 0, 1], [0, 1, 0]]
    assert count_slice(model, "a").tolist() == [[0, 0, 0], [0, 0, 0], [2, 1, 0]]
    assert count_slice(model, "b").tolist() == [[0, 0, 0], [0, 0, 2], [0, 0, 0]]


def test_count_slice_of_bigrams_is_the_whole_table():
    model = CountNGram(n=2, smoothing=1).fit(CORPUS)
    # .abab. .bab.: .a .b once each; ab three times; ba twice; b. twice.
    assert count_slice(model, "").tolist() == [[0, 1, 1], [0, 0, 3], [2, 2, 0]]


@pytest.mark.parametrize(("n", "prefix"), [(2, ""), (3, "."), (3, "b"), (4, "ab")])
def test_logit_slice_is_the_one_hot_contexts_times_W(n, prefix):
    generator = torch.Generator().manual_seed(5)
    W = torch.randn(((n - 1) * 3, 3), generator=generator)
    model = NeuralNGram.from_weights(W, ITOS)
    expected = []
    for last in ITOS:
        context = prefix + last
        one_hots = [F.one_hot(torch.tensor(ITOS.index(ch)), 3).float() for ch in context]
        expected.append((torch.cat(one_hots) @ W).tolist())
    assert logit_slice(model, prefix) == pytest.approx(np.array(expected), abs=1e-6)


def test_a_net_with_log_counts_plus_row_constants_has_no_gap():
    """The lecture's point: W = log(N + k) up to a constant per row gives the counts model."""
    counts_model = CountNGram(n=2, smoothing=1).fit(CORPUS)
    counts = count_slice(counts_model, "")
    W = torch.log(torch.tensor(counts, dtype=torch.float32) + 1) + torch.tensor(
        [[2.0], [-1.0], [0.5]]
    )
    net = NeuralNGram.from_weights(W, ITOS)
    gap = row_constant_gap(logit_slice(net, ""), counts, 1.0, list(ITOS), ITOS)
    assert gap.largest == pytest.approx(0.0, abs=1e-6)
    difference = largest_difference(counts_model.probs, net.probs, ITOS)
    assert difference.largest == pytest.approx(0.0, abs=1e-6)
