"""Drawing words from an n-gram model one character at a time.

One loop (`_draws`) runs both samplers, with the draw passed in:
- `sample_words`, the lecture's sampler: torch.multinomial(p, 1, replacement=True, generator=g)
  for each character, so with temperature 1 and no top-k it reproduces the lecture's names
  draw for draw;
- `sample_walk`, the walk-through: a uniform u = torch.rand(1, generator=g) per character and
  the first character whose running total of probabilities exceeds u (inverse-CDF sampling),
  so every random number can be shown.
A sampler takes `next_char_probs(context)`, the distribution (shape (V,)) over the character
after the n-1 character indices `context`, so it works for any model. Every call seeds its own
torch.Generator; the global seed is never used.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import torch

from models.ngram.encoding import check_order

LECTURE_SEED = 2147483647
MAX_SAMPLES = 1000
MAX_SAMPLE_LENGTH = 1000
DEFAULT_MAX_LENGTH = 100

NextCharProbs = Callable[[tuple[int, ...]], torch.Tensor]
# A draw picks an index from a distribution with the generator and returns it with what the
# caller may want to show of the draw (the walk-through's u and running totals).
Draw = Callable[[torch.Tensor, torch.Generator], tuple[int, Any]]


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


def seeded_generator(seed: int) -> torch.Generator:
    """A fresh torch.Generator seeded with `seed` (a whole number from 0 to 2**63 - 1)."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        raise ValueError(f"The seed must be a whole number from 0 to 2**63 - 1, not {seed!r}.")
    return torch.Generator().manual_seed(seed)


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


def _multinomial_draw(probs: torch.Tensor, generator: torch.Generator) -> tuple[int, None]:
    """The lecture's draw; torch.multinomial keeps its random numbers to itself."""
    return int(torch.multinomial(probs, num_samples=1, replacement=True, generator=generator)), None


def _inverse_cdf_draw(
    probs: torch.Tensor, generator: torch.Generator
) -> tuple[int, tuple[float, torch.Tensor]]:
    """A draw with its random number in sight: (index, (u, running totals))."""
    u = float(torch.rand(1, generator=generator, dtype=torch.float64))
    index, cumulative = inverse_cdf_index(probs, u)
    return index, (u, cumulative)


def _draws(
    next_char_probs: NextCharProbs,
    n: int,
    generator: torch.Generator,
    draw: Draw,
    temperature: float,
    top_k: int | None,
    max_length: int,
) -> Iterator[tuple[tuple[int, ...], torch.Tensor, int, Any]]:
    """The sampling loop: (context, distribution, drawn index, what the draw shows) for each
    character of one word, until `.` is drawn or max_length characters have been drawn."""
    context = (0,) * (n - 1)
    for _ in range(max_length):
        probs = _adjusted(next_char_probs(context), temperature, top_k)
        if not float(probs.sum()) > 0:
            raise ValueError(
                "The model has no probabilities for this context (it never saw it, and "
                "smoothing is 0), so it cannot continue the word."
            )
        index, shown = draw(probs, generator)
        yield context, probs, index, shown
        if index == 0:
            return
        context = (*context[1:], index)


def sample_words(
    next_char_probs: NextCharProbs,
    n: int,
    itos: Sequence[str],
    num: int,
    seed: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    max_length: int = DEFAULT_MAX_LENGTH,
) -> list[str]:
    """`num` words drawn one character at a time, as in the lecture's sampling loop.

    One torch.Generator seeded with `seed` serves the whole call, and each draw is
    torch.multinomial(p, 1, replacement=True, generator=g), so with temperature 1 and no
    top-k this reproduces the lecture's code draw for draw. A word that reaches max_length
    characters without drawing `.` is cut there.
    """
    _check_sampling(n, itos, temperature, top_k, max_length)
    if isinstance(num, bool) or not isinstance(num, int) or not 1 <= num <= MAX_SAMPLES:
        raise ValueError(f"The number of samples must be from 1 to {MAX_SAMPLES}, not {num!r}.")
    generator = seeded_generator(seed)
    words = []
    for _ in range(num):
        draws = _draws(
            next_char_probs, n, generator, _multinomial_draw, temperature, top_k, max_length
        )
        words.append("".join(itos[index] for _, _, index, _ in draws if index != 0))
    return words


def sample_walk(
    next_char_probs: NextCharProbs,
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
    same seed gives a different word than torch.multinomial would. The last step draws `.`
    unless the word was cut at max_length.
    """
    _check_sampling(n, itos, temperature, top_k, max_length)
    generator = seeded_generator(seed)
    draws = _draws(next_char_probs, n, generator, _inverse_cdf_draw, temperature, top_k, max_length)
    return [
        WalkStep(
            context="".join(itos[i] for i in context),
            probs=probs.detach().clone(),
            cumulative=cumulative,
            u=u,
            index=index,
            char=itos[index],
            prob=float(probs[index]),
        )
        for context, probs, index, (u, cumulative) in draws
    ]


def _adjusted(probs: torch.Tensor, temperature: float, top_k: int | None) -> torch.Tensor:
    """The distribution with the temperature and top-k applied."""
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


def _check_sampling(
    n: int, itos: Sequence[str], temperature: float, top_k: int | None, max_length: int
) -> None:
    check_order(n)
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
