"""The counts model and the neural net side by side: the 2-D slices of their tables the Bigram
page draws, and how far the net's weights and probabilities are from the counts'.

The lecture's point is that the trained net ends up where counting gets directly: W close to
log(counts + k) up to a constant per row (softmax does not see a row's constant), and the two
probability tables close to equal. These functions measure that, with NumPy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from models.ngram.counts import CountNGram
from models.ngram.neural import NeuralNGram
from models.ngram.vocabulary import Vocabulary


def slice_prefix(n: int, raw: str, vocab: Vocabulary) -> tuple[str, str | None]:
    """The first n-2 characters of the heatmap's contexts, and a message if `raw` was not
    usable (then the contexts start with '.', the start of a word)."""
    if n == 2:
        return "", None
    fallback = "." * (n - 2)
    if raw == "":
        return fallback, None
    if len(raw) != n - 2:
        return fallback, (
            f"The slice needs {n - 2} character(s) for n = {n}, not {raw!r}; showing {fallback!r}."
        )
    unknown = [ch for ch in raw if ch not in vocab]
    if unknown:
        return fallback, f"{unknown[0]!r} is not in the vocabulary; showing {fallback!r}."
    return raw, None


def count_slice(model: CountNGram, prefix: str) -> np.ndarray:
    """counts[prefix + c, next] for every character c: the 2-D slice the heatmap shows."""
    index = tuple(model.stoi[ch] for ch in prefix)
    return model.counts[index].numpy()


def logit_slice(model: NeuralNGram, prefix: str) -> np.ndarray:
    """The net's logits for the contexts prefix + c, one row per character c."""
    rows = [model.logits_for_context(prefix + ch) for ch in model.itos]
    return torch.stack(rows).numpy()


@dataclass(frozen=True)
class RowConstantGap:
    """How far W is from log(counts + k) once each row's constant is taken out."""

    largest: float  # max |(W - log(N + k)) - its row mean| over finite cells
    where: str  # the n-gram of that cell
    where_count: int  # how often that n-gram occurs in the training words
    typical: float  # the same |...| averaged over the training n-grams (weighted by count)


def row_constant_gap(
    logits: np.ndarray,
    counts: np.ndarray,
    smoothing: float,
    labels: list[str],
    itos: tuple[str, ...],
) -> RowConstantGap:
    """RowConstantGap of a logit slice against the count slice of the same contexts; labels
    name the rows' contexts and itos the columns' characters."""
    with np.errstate(divide="ignore"):
        difference = logits - np.log(counts + smoothing)
    finite = np.isfinite(difference)
    if not finite.any():
        return RowConstantGap(math.nan, "", 0, math.nan)
    row_means = np.array(
        [
            difference[i, finite[i]].mean() if finite[i].any() else 0.0
            for i in range(difference.shape[0])
        ]
    )
    spread = np.where(finite, np.abs(difference - row_means[:, None]), 0.0)
    row, col = divmod(int(spread.argmax()), spread.shape[1])
    total = counts.sum()
    typical = float((spread * counts).sum() / total) if total else math.nan
    return RowConstantGap(
        float(spread[row, col]), labels[row] + itos[col], int(counts[row, col]), typical
    )


def centred(table: np.ndarray) -> np.ndarray:
    """Each row minus the mean of its finite entries (non-finite entries stay as they are)."""
    finite = np.isfinite(table)
    sums = np.where(finite, table, 0.0).sum(axis=1)
    means = sums / np.maximum(finite.sum(axis=1), 1)
    return table - means[:, None]


@dataclass(frozen=True)
class TableDifference:
    """The largest gap between the two models' probability tables, and where it is."""

    largest: float
    where: str  # the n-gram with the largest difference
    counts_prob: float
    neural_prob: float


def largest_difference(
    counts_probs: torch.Tensor, neural_probs: torch.Tensor, itos: tuple[str, ...]
) -> TableDifference:
    """Where |neural - counts| is largest over two probability tables of the same shape."""
    difference = (neural_probs - counts_probs).abs()
    flat = int(difference.argmax())
    index = np.unravel_index(flat, tuple(difference.shape))
    where = "".join(itos[i] for i in index)
    return TableDifference(
        float(difference.reshape(-1)[flat]),
        where,
        float(counts_probs[index]),
        float(neural_probs[index]),
    )
