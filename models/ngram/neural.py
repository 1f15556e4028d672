"""The n-gram model trained as a neural net, makemore part 1's second model: one linear layer
trained by gradient descent (the loops are in models.ngram.neural_training)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any

import numpy as np
import torch

from models.ngram.base import NGramModel
from models.ngram.encoding import check_table_size, encode_ngrams, padded_text, split_ngrams
from models.ngram.neural_training import (
    FIT_METHODS,
    Descent,
    context_logits,
    initial_weights,
    train_weights,
)
from models.ngram.sampling import LECTURE_SEED, seeded_generator
from models.ngram.vocabulary import Vocabulary

MAX_TRAINING_STEPS = 100_000


class NeuralNGram(NGramModel):
    """One linear layer: logits = concat(one_hot(context chars)) @ W, softmax, trained with
    full-batch gradient descent on the mean NLL + reg * (W**2).mean(), as in the lecture.

    W has shape ((n-1) * V, V) and starts as torch.randn(..., generator=Generator(seed)),
    for n=2 exactly the lecture's W. Every fit starts again from those initial weights, so the
    weights depend only on (seed, words, steps, lr, reg); `fit` is the only method that
    changes the model.
    """

    def __init__(self, n: int = 2, seed: int = LECTURE_SEED, vocab: Any = None):
        super().__init__(n, vocab)
        seeded_generator(seed)  # validates the seed
        self.seed = seed
        self._W: torch.Tensor | None = None
        self._loss_history: tuple[float, ...] = ()
        self._data_loss_history: tuple[float, ...] = ()
        self._eval_history: MappingProxyType = MappingProxyType({})
        if self._vocab is not None:
            self._W = self.initial_weights()

    @classmethod
    def from_weights(cls, weights: torch.Tensor, vocab: Any) -> NeuralNGram:
        """A model with the given W (shape ((n-1) * V, V)); n follows from the shape."""
        vocab = Vocabulary.from_any(vocab)
        vocab_size = len(vocab)
        rows, cols = weights.shape
        if cols != vocab_size or rows % vocab_size:
            raise ValueError(
                f"Weights of shape {tuple(weights.shape)} do not fit a vocabulary of "
                f"{vocab_size} characters: expected ((n-1) * {vocab_size}, {vocab_size})."
            )
        model = cls(n=rows // vocab_size + 1, vocab=vocab)
        model._W = weights.detach().to(torch.float32).clone()
        return model

    def initial_weights(self) -> torch.Tensor:
        """The weights before training: torch.randn(((n-1) * V, V), generator=Generator(seed))."""
        return initial_weights(self.n, self.vocab_size, self.seed)

    def _require_fitted(self) -> None:
        if self._W is None:
            raise ValueError(
                "This neural model has no weights yet: give it a vocabulary or fit it first."
            )

    @property
    def W(self) -> torch.Tensor:  # noqa: N802 - the lecture's name
        """The weight matrix, float32, shape ((n-1) * V, V) (a copy)."""
        self._require_fitted()
        return self._W.clone()

    @property
    def loss_history(self) -> tuple[float, ...]:
        """The losses of the last fit; see fit."""
        return self._loss_history

    @property
    def data_loss_history(self) -> tuple[float, ...]:
        """The data part (mean NLL, without the reg term) of each loss in loss_history."""
        return self._data_loss_history

    @property
    def eval_history(self) -> MappingProxyType:
        """name -> mean NLL on that word set at each step of the last fit (see fit's
        eval_words), recorded at the same moments as loss_history."""
        return self._eval_history

    @property
    def probs(self) -> torch.Tensor:
        """Probability table of shape (V,) * n, like CountNGram.probs: softmax of the logits of
        every possible context. For n=2 it is softmax(W) row by row."""
        self._require_fitted()
        vocab_size = self.vocab_size
        check_table_size(vocab_size, self.n, "The probability table")
        all_contexts = np.arange(vocab_size ** (self.n - 1))
        context_ids = split_ngrams(all_contexts, vocab_size, self.n - 1)
        with torch.no_grad():
            probs = torch.softmax(context_logits(self._W, context_ids, vocab_size), dim=-1)
        return probs.reshape((vocab_size,) * self.n)

    def logits_for_context(self, context: str) -> torch.Tensor:
        """The logits (V,) the net computes after `context` (n-1 characters): the one-hot
        vectors of the context concatenated, times W. For n=2 it is W's row of the character.
        softmax of it is probs_for_context(context). A fresh tensor."""
        self._require_fitted()
        context_ids = torch.tensor([self._ready_vocab().encode_context(context, self.n)])
        with torch.no_grad():
            return context_logits(self._W, context_ids, self.vocab_size)[0].clone()

    def fit(
        self,
        words: Iterable[str],
        steps: int = 100,
        lr: float = 50.0,
        reg: float = 0.01,
        on_step: Callable[[int, float], bool | None] | None = None,
        method: str = "fast",
        eval_words: Mapping[str, Iterable[str]] | None = None,
    ) -> list[float]:
        """Train from the initial weights with plain full-batch gradient descent.

        Returns the loss history: entry k is the loss at step k, computed before that step's
        update, as the lecture prints it. So history[0] is the loss of the initial weights,
        and after the call W has had len(history) updates. on_step(k, loss) is called after
        step k's update; returning False stops training there.

        method="lecture" runs the lecture's code on every example (one-hot @ W, exp,
        normalise, mean NLL). method="fast" trains on the counts of distinct
        (context, next character) pairs instead; it gives the same losses (see
        models.ngram.neural_training). method="engine" (bigrams only) trains the same counts
        with our scalar engine instead of torch: W as 729 engine Values, forward and backward
        through engine/ (see models.ngram.engine_training), from the same initial weights; its
        losses agree with "fast" to about 1e-7 (torch computes in float32, the engine in
        float64). If the loss or the weights become inf or NaN, raises TrainingDiverged and
        the model keeps its previous weights.

        Alongside, data_loss_history records the mean NLL part of each loss (the reg term
        left out), and eval_words (name -> words, e.g. {"dev": dev_words}) adds the mean
        NLL on each of those word sets at every step to eval_history: the numbers a
        train/dev loss curve needs, without a second pass.
        """
        if method not in FIT_METHODS:
            raise ValueError(f"method must be one of {', '.join(FIT_METHODS)}, not {method!r}.")
        if method == "engine" and self.n != 2:
            raise ValueError(
                f"method='engine' trains bigrams (n = 2) only, not n = {self.n}: use "
                "method='fast' for longer contexts."
            )
        if (
            isinstance(steps, bool)
            or not isinstance(steps, int)
            or not 0 <= steps <= MAX_TRAINING_STEPS
        ):
            raise ValueError(
                f"steps must be a whole number from 0 to {MAX_TRAINING_STEPS:,}, not {steps!r}."
            )
        for name, value in (("learning rate", lr), ("reg", reg)):
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
            ):
                raise ValueError(f"The {name} must be a finite number, not {value!r}.")
        if not lr > 0:
            raise ValueError(f"The learning rate must be above 0, not {lr!r}.")
        if not reg >= 0:
            raise ValueError(f"reg must be at least 0, not {reg!r}.")

        words = tuple(words)
        text = padded_text(words, self.n)
        vocab = self._vocab_for(text)
        ngram_ids = encode_ngrams(vocab, text, words, self.n)
        eval_sets = {}
        for name, eval_list in (eval_words or {}).items():
            eval_list = tuple(eval_list)
            eval_text = padded_text(eval_list, self.n)
            eval_sets[name] = encode_ngrams(vocab, eval_text, eval_list, self.n)
        descent = Descent(steps, lr, reg, on_step)
        W, history, data_history, tracked = train_weights(
            method, ngram_ids, eval_sets, len(vocab), self.n, self.seed, descent
        )

        self._vocab = vocab
        self._W = W
        self._loss_history = tuple(history)
        self._data_loss_history = tuple(data_history)
        self._eval_history = MappingProxyType({k: tuple(v) for k, v in tracked.items()})
        return history

    def _ngram_log_probs(self, ngram_ids: np.ndarray) -> np.ndarray:
        vocab_size = self.vocab_size
        contexts, context_of_ngram = np.unique(ngram_ids // vocab_size, return_inverse=True)
        context_ids = split_ngrams(contexts, vocab_size, self.n - 1)
        with torch.no_grad():
            logits = context_logits(self._W, context_ids, vocab_size)
            log_probs = torch.log_softmax(logits, dim=-1).numpy()
        return log_probs[context_of_ngram, ngram_ids % vocab_size].astype(np.float64)

    def _distribution_source(self):
        W, vocab_size = self._W, self.vocab_size
        if self.n == 2:
            table = torch.softmax(W, dim=-1)
            return lambda context: table[context[0]]

        def probs_after(context: tuple[int, ...]) -> torch.Tensor:
            context_ids = torch.tensor([context])
            return torch.softmax(context_logits(W, context_ids, vocab_size), dim=-1)[0]

        return probs_after
