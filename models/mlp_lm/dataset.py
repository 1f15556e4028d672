"""Examples for the MLP language model, made the lecture's way: every word padded in front with
`block_size` dots, each character (and the closing dot) predicted from the `block_size`
characters before it; "emma" with block 3 gives ... -> e, ..e -> m, .em -> m, emm -> a,
mma -> .

The split is makemore's (shuffle with seed 42, cut at 80% and 90%). One shuffle of names.txt
gives 182,625 / 22,655 / 22,866 examples (what makemore part 3 prints). The part-2 notebook
prints 182,437 training examples: its cell seeds and shuffles the list in place, and it had
been run three times in the notebook's session, so the list it split was shuffled three times
(tests/test_mlp_lm.py checks both).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import torch

from models.ngram.vocabulary import BOUNDARY, Vocabulary

LECTURE_BLOCK_SIZE = 3
MAX_BLOCK_SIZE = 8
SPLIT_SEED = 42
NOTEBOOK_SHUFFLES = 3  # how many times the part-2 notebook's list had been shuffled


def _check_block_size(block_size: int) -> None:
    if not 1 <= block_size <= MAX_BLOCK_SIZE:
        raise ValueError(f"The context length must be 1 to {MAX_BLOCK_SIZE} characters.")


def context_examples(
    words: Sequence[str], vocab: Vocabulary, block_size: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """X (examples x block_size, character ids) and Y (the next character's id)."""
    _check_block_size(block_size)
    contexts: list[list[int]] = []
    targets: list[int] = []
    for word in words:
        context = [0] * block_size
        for ix in vocab.encode(word) + [0]:
            contexts.append(context)
            targets.append(ix)
            context = context[1:] + [ix]
    X = torch.tensor(contexts, dtype=torch.long).reshape(len(contexts), block_size)
    return X, torch.tensor(targets, dtype=torch.long)


def example_lines(word: str, vocab: Vocabulary, block_size: int) -> list[str]:
    """The word's examples as the lecture prints them: '..e ---> m'."""
    X, Y = context_examples([word], vocab, block_size)
    return [
        "".join(vocab.itos[i] for i in context) + " ---> " + vocab.itos[target]
        for context, target in zip(X.tolist(), Y.tolist(), strict=True)
    ]


@dataclass(frozen=True)
class ContextSplits:
    """The three splits' examples for one block size (tensors are never changed)."""

    block_size: int
    train: tuple[torch.Tensor, torch.Tensor]
    dev: tuple[torch.Tensor, torch.Tensor]
    test: tuple[torch.Tensor, torch.Tensor]

    def sizes(self) -> tuple[int, int, int]:
        return len(self.train[1]), len(self.dev[1]), len(self.test[1])


def shuffled_words(words: Sequence[str], shuffles: int = 1, seed: int = SPLIT_SEED) -> list[str]:
    """A copy of the words after `shuffles` rounds of the notebook's `random.seed(seed);
    random.shuffle(words)`, each with its own random.Random (no global state)."""
    shuffled = list(words)
    for _ in range(shuffles):
        random.Random(seed).shuffle(shuffled)
    return shuffled


def lecture_splits(
    words: Sequence[str], vocab: Vocabulary, block_size: int, shuffles: int = 1
) -> ContextSplits:
    """makemore's 80/10/10 split of the shuffled words, as examples."""
    if any(BOUNDARY in word for word in words):
        raise ValueError(f"A word cannot contain {BOUNDARY!r}: it marks where words end.")
    shuffled = shuffled_words(words, shuffles)
    first, second = int(0.8 * len(shuffled)), int(0.9 * len(shuffled))
    if first == 0:
        raise ValueError(f"{len(shuffled)} words are too few to split.")
    parts = (shuffled[:first], shuffled[first:second], shuffled[second:])
    train, dev, test = (context_examples(part, vocab, block_size) for part in parts)
    return ContextSplits(block_size, train, dev, test)
