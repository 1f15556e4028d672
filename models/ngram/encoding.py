"""From words to the n-gram indices the models count and train on.

A word is padded with n-1 `.` in front and one `.` behind, so "emma" with n=2 gives the examples
.e em mm ma a.: every character and the end token are predicted, each from the n-1 characters
before it. An n-gram is stored as one flat index in base V (V characters in the vocabulary),
its oldest context character first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from models.ngram.vocabulary import BOUNDARY, WORD_END, Vocabulary

MAX_ORDER = 8
# Largest V**n table a model will build (counts model, or a full probability table).
MAX_TABLE_ENTRIES = 2**22


def check_order(n: Any) -> int:
    """n itself if it is a whole number from 2 to MAX_ORDER; else a ValueError."""
    if isinstance(n, bool) or not isinstance(n, int) or not 2 <= n <= MAX_ORDER:
        raise ValueError(f"n must be a whole number from 2 to {MAX_ORDER}, not {n!r}.")
    return n


def check_table_size(vocab_size: int, n: int, what: str) -> None:
    """Refuses a V**n table above MAX_TABLE_ENTRIES, naming `what` it would have been."""
    if vocab_size**n > MAX_TABLE_ENTRIES:
        raise ValueError(
            f"{what} for n = {n} with {vocab_size} characters would have {vocab_size**n:,} "
            f"entries, more than the limit of {MAX_TABLE_ENTRIES:,}. Use a smaller n or "
            "fewer distinct characters."
        )


def ngrams_of(word: str, n: int = 2) -> list[str]:
    """The n-grams the models learn from in a word: ngrams_of("emma") == [".e", "em", ...]."""
    check_order(n)
    padded = BOUNDARY * (n - 1) + word + BOUNDARY
    return [padded[i : i + n] for i in range(len(word) + 1)]


def padded_text(words: Sequence[str], n: int) -> str:
    """'..emma\\n..ava\\n' for n=3: each word behind n-1 pad tokens, closed by WORD_END."""
    if not words:
        raise ValueError("There are no words.")
    pad = BOUNDARY * (n - 1)
    text = pad + (WORD_END + pad).join(words) + WORD_END
    # Counting is one C loop; only when a count is off do we look for the culprit.
    if text.count(BOUNDARY) != len(pad) * len(words):
        bad = next(w for w in words if BOUNDARY in w)
        raise ValueError(f"The word {bad!r} contains '.', which marks the start and end of words.")
    if text.count(WORD_END) != len(words):
        bad = next(w for w in words if WORD_END in w)
        raise ValueError(f"The word {bad!r} contains a line break.")
    return text


def encode_ngrams(vocab: Vocabulary, text: str, words: Sequence[str], n: int) -> np.ndarray:
    """Flat indices (base V, oldest context character first) of every n-gram of the words;
    `text` is padded_text(words, n).

    Vectorised because this is most of a counts fit: code points come out of one
    str.encode, a lookup table maps them to vocabulary indices, and the n-gram index of every
    window is built with n array operations. Windows that straddle two words are dropped.
    NumPy rather than torch for these per-character arrays: torch spreads ops of this size
    over its intra-op threads, and on a shared CPU (a busy 2-core machine, a cloud container)
    waiting for a descheduled thread made a 6 ms fit take 70-130 ms; NumPy's single thread
    does not wait for anyone.
    """
    vocab_size = len(vocab)
    if vocab_size**n >= 2**62:
        raise ValueError(f"{vocab_size} characters are too many for n = {n}.")
    try:
        raw = text.encode("utf-32-le")
    except UnicodeEncodeError:
        raise ValueError("A word contains a broken Unicode character (a lone surrogate).") from None
    codes = np.frombuffer(raw, dtype=np.uint32)

    vocab_codes = np.array([ord(ch) for ch in vocab.itos], dtype=np.int64)
    lookup = np.full(int(vocab_codes.max()) + 2, -1, dtype=np.int64)
    lookup[vocab_codes] = np.arange(vocab_size)
    lookup[ord(WORD_END)] = 0  # the end of a word is the boundary token
    # Code points beyond the table land on its last slot, which stays -1 (unknown).
    ids = lookup[np.minimum(codes, lookup.size - 1)]

    word_ends = np.flatnonzero(codes == ord(WORD_END))
    unknown = np.flatnonzero(ids < 0)
    if unknown.size:
        word = words[int(np.searchsorted(word_ends, int(unknown[0])))]
        vocab.encode(word)  # raises, naming the first unknown character and its word

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


def distinct(values: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values in [0, size) and how often each occurs."""
    if size <= MAX_TABLE_ENTRIES:  # counting is faster than sorting when the range is small
        all_counts = np.bincount(values, minlength=size)
        present = np.flatnonzero(all_counts)
        return present, all_counts[present]
    return np.unique(values, return_counts=True)


def split_ngrams(ngram_ids: np.ndarray, vocab_size: int, n: int) -> torch.Tensor:
    """(N, n) character indices from flat n-gram indices, oldest context character first."""
    powers = vocab_size ** np.arange(n - 1, -1, -1, dtype=np.int64)
    return torch.from_numpy((ngram_ids[:, None] // powers) % vocab_size)
