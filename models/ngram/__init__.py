"""Character n-gram language models of makemore part 1: one built by counting, one trained as a
single linear layer with gradient descent, and the sampler they share.

Conventions (the lecture's, generalised from bigrams to n-grams):
- `.` (index 0) marks both ends of a word. A word is padded with n-1 `.` in front and one `.`
  behind, so "emma" with n=2 gives the examples .e em mm ma a.: every character and the end
  token are predicted, each from the n-1 characters before it.
- A vocabulary is the tuple `itos` with `.` first. A model takes a Vocabulary from data/vocab.py
  (anything with an `itos` attribute) or a plain sequence of characters; without one it uses
  `.` plus the sorted characters of the words it is fitted on, the same rule as Vocabulary.
  This keeps models/ independent of data/, as tests/test_layering.py requires.
- Fitted models are read-only: nll, log_probs, sample and the properties never change them
  (properties return copies), so one model can be cached and shared between sessions.
- Every random draw comes from a torch.Generator seeded for that call; the global seed is
  never used.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from models import torch_runtime
from models.ngram.engine_training import EngineTrainingDiverged, run_engine_training

torch_runtime.configure()

BOUNDARY = "."
LECTURE_SEED = 2147483647
MAX_ORDER = 8
# Largest V**n table a model will build (counts model, or a full probability table).
MAX_TABLE_ENTRIES = 2**22
# The lecture method materialises a one-hot matrix of examples x (n-1)*V floats.
MAX_ONE_HOT_ENTRIES = 60_000_000
MAX_SAMPLES = 1000
MAX_SAMPLE_LENGTH = 1000
DEFAULT_MAX_LENGTH = 100
MAX_TRAINING_STEPS = 100_000
FIT_METHODS = ("fast", "lecture", "engine")  # "engine": our scalar engine, bigrams only

# Ends each padded word in the encoder's working string; words may not contain it, so the
# encoder can tell the end of one word from the padding of the next.
_WORD_END = "\n"


class TrainingDiverged(ValueError):
    """The loss or the weights stopped being finite numbers; the model keeps its old weights."""

    def __init__(self, step: int, history: Sequence[float], lr: float, what: str = "loss"):
        self.step = step
        self.history = tuple(history)
        self.lr = lr
        super().__init__(
            f"Training diverged: the {what} became infinite or NaN at step {step} "
            f"(learning rate {lr:g}). Lower the learning rate and train again."
        )


@dataclass(frozen=True)
class Example:
    """One prediction inside a word: from `context`, the model gives `target` probability `prob`."""

    context: str
    target: str
    prob: float
    nll: float


@dataclass(frozen=True)
class SampleStep:
    """One draw of the sampler: the distribution it drew from and what came out.

    torch.multinomial does not expose the random numbers it uses internally, so a step shows
    the (temperature / top-k adjusted) distribution and the character that was drawn.
    """

    context: str
    probs: torch.Tensor  # shape (V,), a copy the caller may keep or change
    index: int
    char: str
    prob: float

    @property
    def is_end(self) -> bool:
        return self.index == 0


@dataclass(frozen=True)
class WalkStep:
    """One draw of the inverse-CDF walk-through (see sample_walk): the distribution, its
    running total, the uniform number u that was drawn and the character u selects."""

    context: str
    probs: torch.Tensor  # shape (V,), the (temperature / top-k adjusted) distribution
    cumulative: torch.Tensor  # shape (V,), float64 running total of probs
    u: float
    index: int
    char: str
    prob: float

    @property
    def is_end(self) -> bool:
        return self.index == 0


def ngrams_of(word: str, n: int = 2) -> list[str]:
    """The n-grams the models learn from in a word: ngrams_of("emma") == [".e", "em", ...]."""
    _check_order(n)
    padded = BOUNDARY * (n - 1) + word + BOUNDARY
    return [padded[i : i + n] for i in range(len(word) + 1)]


def bigrams_of(word: str) -> list[str]:
    """bigrams_of("emma") == [".e", "em", "mm", "ma", "a."], the lecture's first example."""
    return ngrams_of(word, 2)


# --------------------------------------------------------------------------------------------
# Vocabulary handling and bulk encoding


class _CharTable:
    """itos / stoi plus a vectorised encoder from words to flat n-gram indices."""

    def __init__(self, itos: Sequence[str]):
        itos = tuple(itos)
        if not itos or itos[0] != BOUNDARY:
            raise ValueError(f"A vocabulary must start with {BOUNDARY!r} at index 0.")
        if any(not isinstance(ch, str) or len(ch) != 1 for ch in itos):
            raise ValueError("Every entry of a vocabulary must be a single character.")
        if len(set(itos)) != len(itos):
            raise ValueError("A vocabulary must list each character once.")
        if _WORD_END in itos:
            raise ValueError("A vocabulary cannot contain a line break.")
        self.itos = itos
        self.stoi = MappingProxyType({ch: i for i, ch in enumerate(itos)})

    @classmethod
    def from_any(cls, vocab: Any) -> _CharTable:
        if isinstance(vocab, _CharTable):
            return vocab
        return cls(getattr(vocab, "itos", vocab))

    @classmethod
    def from_text(cls, text: str) -> _CharTable:
        chars = set(text)
        chars.discard(BOUNDARY)
        chars.discard(_WORD_END)
        return cls((BOUNDARY, *sorted(chars)))

    def __len__(self) -> int:
        return len(self.itos)

    def index_of(self, char: str, where: str) -> int:
        index = self.stoi.get(char)
        if index is None:
            raise ValueError(
                f"The character {char!r} in {where!r} is not in the model's vocabulary "
                f"({''.join(self.itos)!r})."
            )
        return index

    def encode_context(self, context: str, n: int) -> tuple[int, ...]:
        if not isinstance(context, str) or len(context) != n - 1:
            raise ValueError(
                f"A context of this model is {n - 1} character(s) long, not {context!r}."
            )
        return tuple(self.index_of(ch, context) for ch in context)

    def context_string(self, context_ids: Iterable[int]) -> str:
        return "".join(self.itos[i] for i in context_ids)


def _padded_text(words: Sequence[str], n: int) -> str:
    """'..emma\\n..ava\\n' for n=3: each word behind n-1 pad tokens, closed by the end mark."""
    if not words:
        raise ValueError("There are no words.")
    pad = BOUNDARY * (n - 1)
    text = pad + (_WORD_END + pad).join(words) + _WORD_END
    # Counting is one C loop; only when a count is off do we look for the culprit.
    if text.count(BOUNDARY) != len(pad) * len(words):
        bad = next(w for w in words if BOUNDARY in w)
        raise ValueError(f"The word {bad!r} contains '.', which marks the start and end of words.")
    if text.count(_WORD_END) != len(words):
        bad = next(w for w in words if _WORD_END in w)
        raise ValueError(f"The word {bad!r} contains a line break.")
    return text


def _encode_ngrams(table: _CharTable, text: str, words: Sequence[str], n: int) -> np.ndarray:
    """Flat indices (base V, oldest context character first) of every n-gram of the words.

    Vectorised because this is most of a counts fit: code points come out of one
    str.encode, a lookup table maps them to vocabulary indices, and the n-gram index of every
    window is built with n array operations. Windows that straddle two words are dropped.
    NumPy rather than torch for these per-character arrays: torch spreads ops of this size
    over its intra-op threads, and on a shared CPU (a busy 2-core machine, a cloud container)
    waiting for a descheduled thread made a 6 ms fit take 70-130 ms; NumPy's single thread
    does not wait for anyone.
    """
    vocab_size = len(table)
    if vocab_size**n >= 2**62:
        raise ValueError(f"{vocab_size} characters are too many for n = {n}.")
    try:
        raw = text.encode("utf-32-le")
    except UnicodeEncodeError:
        raise ValueError("A word contains a broken Unicode character (a lone surrogate).") from None
    codes = np.frombuffer(raw, dtype=np.uint32)

    vocab_codes = np.array([ord(ch) for ch in table.itos], dtype=np.int64)
    lookup = np.full(int(vocab_codes.max()) + 2, -1, dtype=np.int64)
    lookup[vocab_codes] = np.arange(vocab_size)
    lookup[ord(_WORD_END)] = 0  # the end of a word is the boundary token
    # Code points beyond the table land on its last slot, which stays -1 (unknown).
    ids = lookup[np.minimum(codes, lookup.size - 1)]

    word_ends = np.flatnonzero(codes == ord(_WORD_END))
    unknown = np.flatnonzero(ids < 0)
    if unknown.size:
        position = int(unknown[0])
        word = words[int(np.searchsorted(word_ends, position))]
        table.index_of(chr(int(codes[position])), word)  # raises with the message

    num_windows = ids.size - n + 1
    flat = ids[:num_windows].copy()
    for k in range(1, n):
        flat *= vocab_size
        flat += ids[k : k + num_windows]
    # A window starting on a word's end mark or on the n-2 positions before it reaches into
    # the next word's padding.
    keep = np.ones(num_windows, dtype=bool)
    for back in range(n - 1):
        starts = word_ends - back
        keep[starts[starts < num_windows]] = False
    return flat[keep]


def _distinct(values: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values in [0, size) and how often each occurs."""
    if size <= MAX_TABLE_ENTRIES:  # counting is faster than sorting when the range is small
        all_counts = np.bincount(values, minlength=size)
        present = np.flatnonzero(all_counts)
        return present, all_counts[present]
    return np.unique(values, return_counts=True)


def _split_ngrams(ngram_ids: np.ndarray, vocab_size: int, n: int) -> torch.Tensor:
    """(N, n) character indices from flat n-gram indices, oldest context character first."""
    powers = vocab_size ** np.arange(n - 1, -1, -1, dtype=np.int64)
    return torch.from_numpy((ngram_ids[:, None] // powers) % vocab_size)


def _check_order(n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or not 2 <= n <= MAX_ORDER:
        raise ValueError(f"n must be a whole number from 2 to {MAX_ORDER}, not {n!r}.")
    return n


def _check_table_size(vocab_size: int, n: int, what: str) -> None:
    if vocab_size**n > MAX_TABLE_ENTRIES:
        raise ValueError(
            f"{what} for n = {n} with {vocab_size} characters would have {vocab_size**n:,} "
            f"entries, more than the limit of {MAX_TABLE_ENTRIES:,}. Use a smaller n or "
            "fewer distinct characters."
        )


# --------------------------------------------------------------------------------------------
# Sampling, shared by both models


def sample_words(
    next_char_probs: Callable[[tuple[int, ...]], torch.Tensor],
    n: int,
    itos: Sequence[str],
    num: int,
    seed: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    max_length: int = DEFAULT_MAX_LENGTH,
) -> list[str]:
    """`num` words drawn one character at a time, as in the lecture's sampling loop.

    next_char_probs(context) gives the distribution (shape (V,)) over the next character
    after the n-1 character indices `context`. One torch.Generator seeded with `seed` serves
    the whole call, and each draw is torch.multinomial(p, 1, replacement=True, generator=g),
    so with temperature 1 and no top-k this reproduces the lecture's code draw for draw.
    A word that reaches max_length characters without drawing `.` is cut there.
    """
    _check_sampling(n, itos, temperature, top_k, max_length)
    if isinstance(num, bool) or not isinstance(num, int) or not 1 <= num <= MAX_SAMPLES:
        raise ValueError(f"The number of samples must be from 1 to {MAX_SAMPLES}, not {num!r}.")
    generator = _seeded_generator(seed)
    return [
        "".join(
            itos[index]
            for _context, _probs, index in _draw_word(
                next_char_probs, n, generator, temperature, top_k, max_length
            )
            if index != 0
        )
        for _ in range(num)
    ]


def sample_steps(
    next_char_probs: Callable[[tuple[int, ...]], torch.Tensor],
    n: int,
    itos: Sequence[str],
    seed: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    max_length: int = DEFAULT_MAX_LENGTH,
) -> list[SampleStep]:
    """Every draw of one word, for a step-by-step walk-through; the same draws as the first
    word of sample_words with the same arguments. The last step draws `.` unless the word
    was cut at max_length."""
    _check_sampling(n, itos, temperature, top_k, max_length)
    generator = _seeded_generator(seed)
    steps = []
    for context, probs, index in _draw_word(
        next_char_probs, n, generator, temperature, top_k, max_length
    ):
        steps.append(
            SampleStep(
                context="".join(itos[i] for i in context),
                probs=probs.detach().clone(),
                index=index,
                char=itos[index],
                prob=float(probs[index]),
            )
        )
    return steps


def inverse_cdf_index(probs: torch.Tensor, u: float) -> tuple[int, torch.Tensor]:
    """The first index whose cumulative probability exceeds u, and the cumulative sums.

    This is sampling by inverse transform: for u ~ U(0, 1) the index has the distribution
    `probs`, the same distribution torch.multinomial draws from.
    """
    cumulative = torch.cumsum(probs.detach().to(torch.float64), dim=0)
    index = int(torch.searchsorted(cumulative, torch.tensor([u], dtype=torch.float64), right=True))
    if index >= cumulative.numel():
        # Rounding can leave the total a hair below u: take the last possible outcome.
        index = int(torch.nonzero(probs > 0).flatten()[-1])
    return index, cumulative


def sample_walk(
    next_char_probs: Callable[[tuple[int, ...]], torch.Tensor],
    n: int,
    itos: Sequence[str],
    seed: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    max_length: int = DEFAULT_MAX_LENGTH,
) -> list[WalkStep]:
    """One word drawn step by step with visible random numbers, for teaching.

    Each step draws u = torch.rand(1, generator=g) from one generator seeded with `seed` and
    picks the first character whose cumulative probability exceeds u. The words have the
    same distribution as sample_words' but come from a different random stream, so the
    same seed gives a different word than torch.multinomial would.
    """
    _check_sampling(n, itos, temperature, top_k, max_length)
    generator = _seeded_generator(seed)
    steps: list[WalkStep] = []
    context = (0,) * (n - 1)
    while True:
        probs = _adjust_distribution(next_char_probs(context), temperature, top_k)
        if not float(probs.sum()) > 0:
            raise ValueError(
                "The model has no probabilities for this context (it never saw it, and "
                "smoothing is 0), so it cannot continue the word."
            )
        u = float(torch.rand(1, generator=generator, dtype=torch.float64))
        index, cumulative = inverse_cdf_index(probs, u)
        steps.append(
            WalkStep(
                context="".join(itos[i] for i in context),
                probs=probs.detach().clone(),
                cumulative=cumulative,
                u=u,
                index=index,
                char=itos[index],
                prob=float(probs[index]),
            )
        )
        if index == 0 or len(steps) == max_length:
            return steps
        context = (*context[1:], index)


def _draw_word(next_char_probs, n, generator, temperature, top_k, max_length):
    """Yields (context, distribution, drawn index) until `.` is drawn or max_length is hit."""
    context = (0,) * (n - 1)
    length = 0
    while True:
        probs = _adjust_distribution(next_char_probs(context), temperature, top_k)
        if not float(probs.sum()) > 0:
            raise ValueError(
                "The model has no probabilities for this context (it never saw it, and "
                "smoothing is 0), so it cannot continue the word."
            )
        index = int(torch.multinomial(probs, num_samples=1, replacement=True, generator=generator))
        yield context, probs, index
        if index == 0:
            return
        length += 1
        if length == max_length:
            return
        context = (*context[1:], index)


def _adjust_distribution(
    probs: torch.Tensor, temperature: float, top_k: int | None
) -> torch.Tensor:
    # Temperature 1 and no top-k leave the tensor untouched: bit-exact lecture reproduction.
    keep_all = top_k is None or top_k >= probs.numel()
    if temperature == 1.0 and keep_all:
        return probs
    logits = torch.log(probs) / temperature
    if not keep_all:
        kept = torch.topk(probs, top_k).indices
        masked = torch.full_like(logits, -math.inf)
        masked[kept] = logits[kept]
        logits = masked
    return torch.softmax(logits, dim=-1)


def _check_sampling(n, itos, temperature, top_k, max_length) -> None:
    _check_order(n)
    if not isinstance(temperature, int | float) or not (
        math.isfinite(temperature) and temperature > 0
    ):
        raise ValueError(f"The temperature must be a number above 0, not {temperature!r}.")
    if top_k is not None and (isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1):
        raise ValueError(f"top_k must be a whole number of at least 1 (or None), not {top_k!r}.")
    if (
        isinstance(max_length, bool)
        or not isinstance(max_length, int)
        or not 1 <= max_length <= MAX_SAMPLE_LENGTH
    ):
        raise ValueError(
            f"The maximum length must be from 1 to {MAX_SAMPLE_LENGTH}, not {max_length!r}."
        )
    if len(itos) < 2:
        raise ValueError("A vocabulary needs at least one character besides '.'.")


def _seeded_generator(seed: int) -> torch.Generator:
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        raise ValueError(f"The seed must be a whole number from 0 to 2**63 - 1, not {seed!r}.")
    return torch.Generator().manual_seed(seed)


# --------------------------------------------------------------------------------------------
# What both models share: vocabulary, evaluation, sampling


class _NGramModel:
    def __init__(self, n: int, vocab: Any):
        self.n = _check_order(n)
        self._table: _CharTable | None = None if vocab is None else _CharTable.from_any(vocab)
        self._fixed_vocab = vocab is not None

    # Subclasses provide these two.
    def _ngram_log_probs(self, ngram_ids: np.ndarray) -> np.ndarray:
        """float64 log-probability of each flat n-gram index."""
        raise NotImplementedError

    def _distribution_source(self) -> Callable[[tuple[int, ...]], torch.Tensor]:
        """A function from context indices to the next-character distribution (V,)."""
        raise NotImplementedError

    @property
    def itos(self) -> tuple[str, ...]:
        return self._ready_table().itos

    @property
    def stoi(self) -> MappingProxyType:
        return self._ready_table().stoi

    @property
    def vocab_size(self) -> int:
        return len(self._ready_table())

    def _ready_table(self) -> _CharTable:
        if self._table is None:
            raise ValueError(
                f"This {type(self).__name__} has no vocabulary yet: fit it on words first."
            )
        return self._table

    def _require_fitted(self) -> None:
        raise NotImplementedError

    def _words_to_ngrams(self, words: Iterable[str]) -> np.ndarray:
        words = tuple(words)
        return _encode_ngrams(self._ready_table(), _padded_text(words, self.n), words, self.n)

    def nll(self, words: Iterable[str]) -> float:
        """Mean negative log-likelihood per predicted character (end tokens included).

        inf when some n-gram has probability 0 (possible with smoothing 0), as for "andrejq"
        in the lecture.
        """
        self._require_fitted()
        log_probs = self._ngram_log_probs(self._words_to_ngrams(words))
        return float(-log_probs.mean())

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
        context_ids = self._ready_table().encode_context(context, self.n)
        return self._distribution_source()(context_ids).detach().clone()

    def sample(
        self,
        num: int,
        seed: int,
        temperature: float = 1.0,
        top_k: int | None = None,
        max_length: int = DEFAULT_MAX_LENGTH,
    ) -> list[str]:
        """`num` words (without the `.` marks) drawn from the model; see sample_words."""
        self._require_fitted()
        return sample_words(
            self._distribution_source(),
            self.n,
            self.itos,
            num,
            seed,
            temperature=temperature,
            top_k=top_k,
            max_length=max_length,
        )

    def sample_steps(
        self,
        seed: int,
        temperature: float = 1.0,
        top_k: int | None = None,
        max_length: int = DEFAULT_MAX_LENGTH,
    ) -> list[SampleStep]:
        """The draws that make the first word of sample(..., seed, ...); see sample_steps."""
        self._require_fitted()
        return sample_steps(
            self._distribution_source(),
            self.n,
            self.itos,
            seed,
            temperature=temperature,
            top_k=top_k,
            max_length=max_length,
        )

    def sample_walk(
        self,
        seed: int,
        temperature: float = 1.0,
        top_k: int | None = None,
        max_length: int = DEFAULT_MAX_LENGTH,
    ) -> list[WalkStep]:
        """One word drawn by inverse-CDF sampling, every u shown; see sample_walk."""
        self._require_fitted()
        return sample_walk(
            self._distribution_source(),
            self.n,
            self.itos,
            seed,
            temperature=temperature,
            top_k=top_k,
            max_length=max_length,
        )


# --------------------------------------------------------------------------------------------
# The counting model


class CountNGram(_NGramModel):
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
        if self._table is not None:
            _check_table_size(len(self._table), self.n, "The count table")
        self._counts: torch.Tensor | None = None
        self._probs: torch.Tensor | None = None

    def fit(self, words: Iterable[str]) -> CountNGram:
        """Count the n-grams of the words (replacing any earlier fit); returns self."""
        words = tuple(words)
        text = _padded_text(words, self.n)
        table = self._table if self._fixed_vocab else _CharTable.from_text(text)
        vocab_size = len(table)
        _check_table_size(vocab_size, self.n, "The count table")
        ngram_ids = _encode_ngrams(table, text, words, self.n)

        counts = np.bincount(ngram_ids, minlength=vocab_size**self.n)
        counts = torch.from_numpy(counts.astype(np.int64, copy=False)).reshape(
            (vocab_size,) * self.n
        )
        self._table, self._counts = table, counts
        self._probs = self._smoothed(counts)
        return self

    @classmethod
    def from_counts(cls, counts: torch.Tensor, vocab: Any, smoothing: float = 1.0) -> CountNGram:
        """A model with these counts (shape (V,) * n, whole numbers of at least 0), as if it
        had been fitted on words with them; n follows from the shape."""
        table = _CharTable.from_any(vocab)
        vocab_size, shape = len(table), tuple(counts.shape)
        if len(shape) < 2 or any(size != vocab_size for size in shape):
            raise ValueError(
                f"Counts of shape {shape} do not fit a vocabulary of {vocab_size} characters: "
                f"expected ({vocab_size}, {vocab_size}, ...)."
            )
        if counts.is_floating_point() or counts.is_complex() or bool((counts < 0).any()):
            raise ValueError("Counts must be whole numbers of at least 0.")
        model = cls(n=len(shape), smoothing=smoothing, vocab=table)
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

    def row(self, context: str) -> torch.Tensor:
        """Same as probs_for_context: the (V,) distribution after `context`."""
        return self.probs_for_context(context)

    def _ngram_log_probs(self, ngram_ids: np.ndarray) -> np.ndarray:
        probs = self._probs.reshape(-1).numpy()[ngram_ids].astype(np.float64)
        with np.errstate(divide="ignore"):  # log(0) = -inf is the honest answer
            return np.log(probs)

    def _distribution_source(self):
        probs = self._probs
        return lambda context: probs[context]


# --------------------------------------------------------------------------------------------
# The neural model


class NeuralNGram(_NGramModel):
    """One linear layer: logits = concat(one_hot(context chars)) @ W, softmax, trained with
    full-batch gradient descent on the mean NLL + reg * (W**2).mean(), as in the lecture.

    W has shape ((n-1) * V, V) and starts as torch.randn(..., generator=Generator(seed)),
    for n=2 exactly the lecture's W. Every fit starts again from those initial weights, so the
    weights depend only on (seed, words, steps, lr, reg); `fit` is the only method that
    changes the model.
    """

    def __init__(self, n: int = 2, seed: int = LECTURE_SEED, vocab: Any = None):
        super().__init__(n, vocab)
        _seeded_generator(seed)  # validates the seed
        self.seed = seed
        self._W: torch.Tensor | None = None
        self._loss_history: tuple[float, ...] = ()
        self._data_loss_history: tuple[float, ...] = ()
        self._eval_history: MappingProxyType = MappingProxyType({})
        if self._table is not None:
            self._W = self.initial_weights()

    @classmethod
    def from_weights(cls, weights: torch.Tensor, vocab: Any) -> NeuralNGram:
        """A model with the given W (shape ((n-1) * V, V)); n follows from the shape."""
        table = _CharTable.from_any(vocab)
        vocab_size = len(table)
        rows, cols = weights.shape
        if cols != vocab_size or rows % vocab_size:
            raise ValueError(
                f"Weights of shape {tuple(weights.shape)} do not fit a vocabulary of "
                f"{vocab_size} characters: expected ((n-1) * {vocab_size}, {vocab_size})."
            )
        model = cls(n=rows // vocab_size + 1, vocab=table)
        model._W = weights.detach().to(torch.float32).clone()
        return model

    def initial_weights(self) -> torch.Tensor:
        """The weights before training: torch.randn(((n-1) * V, V), generator=Generator(seed))."""
        return _initial_weights(self.n, self.vocab_size, self.seed)

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
        _check_table_size(vocab_size, self.n, "The probability table")
        all_contexts = np.arange(vocab_size ** (self.n - 1))
        context_ids = _split_ngrams(all_contexts, vocab_size, self.n - 1)
        with torch.no_grad():
            probs = torch.softmax(_context_logits(self._W, context_ids, vocab_size), dim=-1)
        return probs.reshape((vocab_size,) * self.n)

    def logits_for_context(self, context: str) -> torch.Tensor:
        """The logits (V,) the net computes after `context` (n-1 characters): the one-hot
        vectors of the context concatenated, times W. For n=2 it is W's row of the character.
        softmax of it is probs_for_context(context). A fresh tensor."""
        self._require_fitted()
        context_ids = torch.tensor([self._ready_table().encode_context(context, self.n)])
        with torch.no_grad():
            return _context_logits(self._W, context_ids, self.vocab_size)[0].clone()

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
        _distinct_pair_loss). method="engine" (bigrams only) trains the same counts with
        our scalar engine instead of torch: W as 729 engine Values, forward and backward
        through engine/ (see models/ngram/engine_training.py), from the same initial weights; its
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
        text = _padded_text(words, self.n)
        table = self._table if self._fixed_vocab else _CharTable.from_text(text)
        vocab_size = len(table)
        ngram_ids = _encode_ngrams(table, text, words, self.n)
        eval_sets = {}
        for name, eval_list in (eval_words or {}).items():
            eval_list = tuple(eval_list)
            eval_text = _padded_text(eval_list, self.n)
            eval_sets[name] = _encode_ngrams(table, eval_text, eval_list, self.n)
        train = _train_with_engine if method == "engine" else _train_with_torch
        W, history, data_history, tracked = train(
            ngram_ids, eval_sets, vocab_size, self.n, self.seed, method, steps, lr, reg, on_step
        )

        self._table = table
        self._W = W
        self._loss_history = tuple(history)
        self._data_loss_history = tuple(data_history)
        self._eval_history = MappingProxyType({k: tuple(v) for k, v in tracked.items()})
        return history

    def _ngram_log_probs(self, ngram_ids: np.ndarray) -> np.ndarray:
        vocab_size = self.vocab_size
        contexts, context_of_ngram = np.unique(ngram_ids // vocab_size, return_inverse=True)
        context_ids = _split_ngrams(contexts, vocab_size, self.n - 1)
        with torch.no_grad():
            logits = _context_logits(self._W, context_ids, vocab_size)
            log_probs = torch.log_softmax(logits, dim=-1).numpy()
        return log_probs[context_of_ngram, ngram_ids % vocab_size].astype(np.float64)

    def _distribution_source(self):
        W, vocab_size = self._W, self.vocab_size
        if self.n == 2:
            table = torch.softmax(W, dim=-1)
            return lambda context: table[context[0]]

        def probs_after(context: tuple[int, ...]) -> torch.Tensor:
            context_ids = torch.tensor([context])
            return torch.softmax(_context_logits(W, context_ids, vocab_size), dim=-1)[0]

        return probs_after


_Trained = tuple[torch.Tensor, list[float], list[float], dict[str, list[float]]]


def _train_with_torch(ngram_ids, eval_sets, vocab_size, n, seed, method, steps, lr, reg,
                      on_step) -> _Trained:  # fmt: skip
    """NeuralNGram.fit's loop with torch autograd: (W, history, data history, eval history)."""
    if method == "fast":
        data_loss = _distinct_pair_loss(ngram_ids, vocab_size, n)
    else:
        data_loss = _lecture_loss(ngram_ids, vocab_size, n)
    evaluators = {
        name: _distinct_pair_loss(eval_ids, vocab_size, n) for name, eval_ids in eval_sets.items()
    }
    W = _initial_weights(n, vocab_size, seed).requires_grad_(True)
    history: list[float] = []
    data_history: list[float] = []
    tracked: dict[str, list[float]] = {name: [] for name in evaluators}
    for step in range(steps):
        data = data_loss(W)
        loss = data + reg * (W**2).mean()
        loss_value = loss.item()
        if not math.isfinite(loss_value):
            raise TrainingDiverged(step, history, lr)
        history.append(loss_value)
        data_history.append(data.item())
        if evaluators:
            with torch.no_grad():
                for name, evaluate in evaluators.items():
                    tracked[name].append(evaluate(W).item())
        W.grad = None
        loss.backward()
        W.data += -lr * W.grad
        if on_step is not None and on_step(step, loss_value) is False:
            break
    if not bool(torch.isfinite(W).all()):
        raise TrainingDiverged(len(history) - 1, history, lr, what="weights")
    return W.detach(), history, data_history, tracked


def _train_with_engine(ngram_ids, eval_sets, vocab_size, n, seed, method, steps, lr, reg,
                       on_step) -> _Trained:  # fmt: skip
    """The same training with our scalar engine (n = 2): no torch between the initial
    weights and the final ones; torch only draws the initial W (so it is the torch model's)
    and holds the result, as float32 like every other fit."""

    def counted(ids: np.ndarray) -> list[list[int]]:
        return np.bincount(ids, minlength=vocab_size**2).reshape(vocab_size, -1).tolist()

    initial = _initial_weights(n, vocab_size, seed).tolist()
    try:
        result = run_engine_training(
            counted(ngram_ids), initial, steps, lr, reg, on_step,
            eval_counts={name: counted(ids) for name, ids in eval_sets.items()},
        )  # fmt: skip
    except EngineTrainingDiverged as error:
        raise TrainingDiverged(error.step, error.history, lr, what=error.what) from None
    W = torch.tensor(result.weights, dtype=torch.float32)
    return W, result.history, result.data_history, result.eval_history


def _initial_weights(n: int, vocab_size: int, seed: int) -> torch.Tensor:
    # For n=2 this is the lecture's W = torch.randn((27, 27), generator=g).
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(((n - 1) * vocab_size, vocab_size), generator=generator)


def _context_logits(W: torch.Tensor, context_ids: torch.Tensor, vocab_size: int) -> torch.Tensor:
    """concat(one_hot(c_1), ..., one_hot(c_{n-1})) @ W without building the one-hot vectors:
    the product just adds up row c_k of the k-th block of W."""
    logits = W[context_ids[:, 0]]
    for k in range(1, context_ids.shape[1]):
        logits = logits + W[k * vocab_size + context_ids[:, k]]
    return logits


def _distinct_pair_loss(ngram_ids: np.ndarray, vocab_size: int, n: int):
    """The mean NLL over all examples, computed from distinct (context, next) pairs.

    An example's loss depends only on its context and its next character, so the mean over
    all N examples equals sum(count(pair) * -log p(next | context)) / N over distinct pairs.
    For names.txt that is 27 contexts and at most 729 pairs instead of 228,146 rows: the
    same loss and gradients as the lecture's code, which is why the two methods agree.
    """
    pairs, pair_counts = _distinct(ngram_ids, vocab_size**n)
    contexts, context_of_pair = np.unique(pairs // vocab_size, return_inverse=True)
    context_ids = _split_ngrams(contexts, vocab_size, n - 1)
    context_of_pair = torch.from_numpy(context_of_pair)
    next_of_pair = torch.from_numpy(pairs % vocab_size)
    weights = torch.from_numpy(pair_counts).to(torch.float32) / ngram_ids.size

    def data_loss(W: torch.Tensor) -> torch.Tensor:
        logits = _context_logits(W, context_ids, vocab_size)
        # log-softmax written out: torch.log_softmax hands even a 27 x 27 input to its thread
        # pool, which made 100 steps take 10x longer on a busy CPU; logsumexp stays serial.
        log_probs = logits - logits.logsumexp(dim=-1, keepdim=True)
        return -(weights * log_probs[context_of_pair, next_of_pair]).sum()

    return data_loss


def _lecture_loss(ngram_ids: np.ndarray, vocab_size: int, n: int):
    """The lecture's forward pass over every example, one-hot vectors included."""
    num = ngram_ids.size
    if num * (n - 1) * vocab_size > MAX_ONE_HOT_ENTRIES:
        raise ValueError(
            f"The lecture method would build a one-hot matrix of {num:,} x "
            f"{(n - 1) * vocab_size} numbers, too big for this server; use method='fast'."
        )
    characters = _split_ngrams(ngram_ids, vocab_size, n)
    xs, ys = characters[:, :-1], characters[:, -1]

    def data_loss(W: torch.Tensor) -> torch.Tensor:
        xenc = F.one_hot(xs, num_classes=vocab_size).float().reshape(num, -1)
        logits = xenc @ W  # log-counts
        counts = logits.exp()  # counts, equivalent to N
        probs = counts / counts.sum(1, keepdims=True)  # probabilities for the next character
        return -probs[torch.arange(num), ys].log().mean()

    return data_loss
