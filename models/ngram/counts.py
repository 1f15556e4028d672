"""The n-gram model built by counting, makemore part 1's first model."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import torch

from models.ngram.base import NGramModel
from models.ngram.encoding import check_table_size, encode_ngrams, padded_text
from models.ngram.vocabulary import Vocabulary


class CountNGram(NGramModel):
    """Counts every n-gram of the words; P(next | context) = (count + smoothing) / row total.

    For n=2 and smoothing=1 this is the lecture's P = (N+1).float(); P /= P.sum(1, keepdim=True).
    With smoothing=0, a context that never occurred has an all-zero row.
    """

    def __init__(self, n: int = 2, smoothing: float = 1.0, vocab: Any = None):
        super().__init__(n, vocab)
        if (
            isinstance(smoothing, bool)
            or not isinstance(smoothing, int | float)
            or not (math.isfinite(smoothing) and smoothing >= 0)
        ):
            raise ValueError(f"Smoothing must be a number of at least 0, not {smoothing!r}.")
        self.smoothing = float(smoothing)
        if self._vocab is not None:
            check_table_size(len(self._vocab), self.n, "The count table")
        self._counts: torch.Tensor | None = None
        self._probs: torch.Tensor | None = None

    def fit(self, words: Iterable[str]) -> CountNGram:
        """Count the n-grams of the words (replacing any earlier fit); returns self."""
        words = tuple(words)
        text = padded_text(words, self.n)
        vocab = self._vocab_for(text)
        vocab_size = len(vocab)
        check_table_size(vocab_size, self.n, "The count table")
        ngram_ids = encode_ngrams(vocab, text, words, self.n)

        counts = np.bincount(ngram_ids, minlength=vocab_size**self.n)
        counts = torch.from_numpy(counts.astype(np.int64, copy=False)).reshape(
            (vocab_size,) * self.n
        )
        self._vocab, self._counts = vocab, counts
        self._probs = self._smoothed(counts)
        return self

    @classmethod
    def from_counts(cls, counts: torch.Tensor, vocab: Any, smoothing: float = 1.0) -> CountNGram:
        """A model with these counts (shape (V,) * n, whole numbers of at least 0), as if it
        had been fitted on words with them; n follows from the shape."""
        vocab = Vocabulary.from_any(vocab)
        vocab_size, shape = len(vocab), tuple(counts.shape)
        if len(shape) < 2 or any(size != vocab_size for size in shape):
            raise ValueError(
                f"Counts of shape {shape} do not fit a vocabulary of {vocab_size} characters: "
                f"expected ({vocab_size}, {vocab_size}, ...)."
            )
        if counts.is_floating_point() or counts.is_complex() or bool((counts < 0).any()):
            raise ValueError("Counts must be whole numbers of at least 0.")
        model = cls(n=len(shape), smoothing=smoothing, vocab=vocab)
        model._counts = counts.to(torch.int64).clone()
        model._probs = model._smoothed(model._counts)
        return model

    def _smoothed(self, counts: torch.Tensor) -> torch.Tensor:
        probs = counts.to(torch.float32) + self.smoothing
        totals = probs.sum(-1, keepdim=True)
        # Same division as the lecture's P /= P.sum(1, keepdim=True); unseen rows become 0.
        return torch.where(totals > 0, probs / totals, torch.zeros((), dtype=probs.dtype))

    def _require_fitted(self) -> None:
        if self._counts is None:
            raise ValueError("Fit the counts model on words first.")

    @property
    def counts(self) -> torch.Tensor:
        """int64 tensor of shape (V,) * n: counts[a, b] is how often b followed a (a copy)."""
        self._require_fitted()
        return self._counts.clone()

    @property
    def probs(self) -> torch.Tensor:
        """float32 tensor of shape (V,) * n; the last axis is the next character (a copy)."""
        self._require_fitted()
        return self._probs.clone()

    @property
    def num_ngrams(self) -> int:
        """How many n-grams (predicted characters) the model was fitted on."""
        self._require_fitted()
        return int(self._counts.sum())

    def _ngram_log_probs(self, ngram_ids: np.ndarray) -> np.ndarray:
        probs = self._probs.reshape(-1).numpy()[ngram_ids].astype(np.float64)
        with np.errstate(divide="ignore"):  # log(0) = -inf is the honest answer
            return np.log(probs)

    def _distribution_source(self):
        probs = self._probs
        return lambda context: probs[context]
