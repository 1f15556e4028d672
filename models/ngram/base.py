"""What both n-gram models share: their vocabulary, scoring words and sampling from them.

A model takes a Vocabulary (or anything with an `itos` sequence, or a plain sequence of
characters); without one it uses `.` plus the sorted characters of the words it is fitted on.
Fitted models are read-only: nll, log_probs, sampling and the properties never change them
(properties return copies), so one model can be cached and shared between sessions.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import torch

from models.ngram.encoding import check_order, encode_ngrams, padded_text
from models.ngram.sampling import WalkStep, sample_walk, sample_words
from models.ngram.vocabulary import BOUNDARY, Vocabulary


@dataclass(frozen=True)
class Example:
    """One prediction inside a word: from `context`, the model gives `target` probability `prob`."""

    context: str
    target: str
    prob: float
    nll: float


class NGramModel:
    """The base of CountNGram and NeuralNGram; subclasses provide the methods that raise
    NotImplementedError here."""

    def __init__(self, n: int, vocab: Any):
        self.n = check_order(n)
        self._vocab: Vocabulary | None = None if vocab is None else Vocabulary.from_any(vocab)
        self._fixed_vocab = vocab is not None

    def _ngram_log_probs(self, ngram_ids: np.ndarray) -> np.ndarray:
        """float64 log-probability of each flat n-gram index."""
        raise NotImplementedError

    def _distribution_source(self) -> Callable[[tuple[int, ...]], torch.Tensor]:
        """A function from context indices to the next-character distribution (V,)."""
        raise NotImplementedError

    def _require_fitted(self) -> None:
        raise NotImplementedError

    @property
    def itos(self) -> tuple[str, ...]:
        return self._ready_vocab().itos

    @property
    def stoi(self) -> MappingProxyType:
        return self._ready_vocab().stoi

    @property
    def vocab_size(self) -> int:
        return len(self._ready_vocab())

    def _ready_vocab(self) -> Vocabulary:
        if self._vocab is None:
            raise ValueError(
                f"This {type(self).__name__} has no vocabulary yet: fit it on words first."
            )
        return self._vocab

    def _vocab_for(self, text: str) -> Vocabulary:
        """The vocabulary a fit on padded `text` uses: the one given, or the text's own."""
        return self._vocab if self._fixed_vocab else Vocabulary.from_padded_text(text)

    def _words_to_ngrams(self, words: Iterable[str]) -> np.ndarray:
        words = tuple(words)
        return encode_ngrams(self._ready_vocab(), padded_text(words, self.n), words, self.n)

    def nll(self, words: Iterable[str]) -> float:
        """Mean negative log-likelihood per predicted character (end tokens included).

        inf when some n-gram has probability 0 (possible with smoothing 0), as for "andrejq"
        in the lecture.
        """
        self._require_fitted()
        log_probs = self._ngram_log_probs(self._words_to_ngrams(words))
        return float(-log_probs.mean())

    def nll_summed_in_float32(self, words: Iterable[str]) -> float:
        """The mean NLL as the lecture computes it: log p of every n-gram, in the words'
        order, added one by one to a float32 running total, divided by the count in float32.

        Over names.txt's 228,146 bigrams the running total drifts: the lecture prints 2.4544
        for the smoothed counts model, whose exact mean (nll) is 2.4546.
        """
        self._require_fitted()
        log_probs = self._ngram_log_probs(self._words_to_ngrams(words)).astype(np.float32)
        # cumsum adds in order, one at a time, in the array's float32 (np.sum would not).
        total = np.cumsum(log_probs, dtype=np.float32)[-1]
        return float(np.float32(-total) / np.float32(log_probs.size))

    def log_probs(self, word: str) -> list[float]:
        """log p of each character of the word and of the end token, in order."""
        self._require_fitted()
        return self._ngram_log_probs(self._words_to_ngrams((word,))).tolist()

    def examples_for_word(self, word: str) -> list[Example]:
        """The word's (context, next character) examples with the model's probabilities."""
        log_probs = self.log_probs(word)
        padded = BOUNDARY * (self.n - 1) + word + BOUNDARY
        return [
            Example(
                context=padded[i : i + self.n - 1],
                target=padded[i + self.n - 1],
                prob=math.exp(log_p),
                nll=-log_p,
            )
            for i, log_p in enumerate(log_probs)
        ]

    def probs_for_context(self, context: str) -> torch.Tensor:
        """Distribution (V,) over the next character after `context` (n-1 characters); a copy."""
        self._require_fitted()
        context_ids = self._ready_vocab().encode_context(context, self.n)
        return self._distribution_source()(context_ids).detach().clone()

    def sample(self, num: int, seed: int, **options: Any) -> list[str]:
        """`num` words (without the `.` marks) drawn from the model. Options: temperature,
        top_k, max_length; see sample_words."""
        self._require_fitted()
        return sample_words(self._distribution_source(), self.n, self.itos, num, seed, **options)

    def sample_walk(self, seed: int, **options: Any) -> list[WalkStep]:
        """One word drawn by inverse-CDF sampling, every u shown. Options: temperature,
        top_k, max_length; see sample_walk."""
        self._require_fitted()
        return sample_walk(self._distribution_source(), self.n, self.itos, seed, **options)
