"""Train / dev / test splits of a word list.

`shuffled_split` follows the makemore convention (shuffle, then cut at 80% and 90%), with its
own `random.Random(seed)` so that no global random state is touched. `ordered_split` keeps
the file's order: the first 80% to learn from, the last 20% to test on.
Both return tuples: the caller's list is never shuffled or changed.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import NamedTuple

DEFAULT_SEED = 42
DEFAULT_FRACTIONS = (0.8, 0.1, 0.1)


class Splits(NamedTuple):
    train: tuple[str, ...]
    dev: tuple[str, ...]
    test: tuple[str, ...]


def shuffled_split(
    words: Sequence[str],
    seed: int = DEFAULT_SEED,
    fractions: tuple[float, float, float] = DEFAULT_FRACTIONS,
) -> Splits:
    """Shuffle a copy of the words with `random.Random(seed)` and cut it into three parts.

    The cuts are at int(train * N) and int((train + dev) * N), as in makemore.
    """
    train_fraction, dev_fraction, test_fraction = _check_fractions(fractions)
    shuffled = list(words)
    random.Random(seed).shuffle(shuffled)
    first_cut = int(train_fraction * len(shuffled))
    second_cut = int((train_fraction + dev_fraction) * len(shuffled))
    if first_cut == 0:
        raise ValueError(
            f"{len(shuffled)} words are too few to split: the training part would be empty."
        )
    return Splits(
        tuple(shuffled[:first_cut]),
        tuple(shuffled[first_cut:second_cut]),
        tuple(shuffled[second_cut:]),
    )


def ordered_split(
    words: Sequence[str], fraction: float = 0.8
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The first `fraction` of the words (in file order) and the rest."""
    if not (isinstance(fraction, int | float) and 0 < fraction < 1):
        raise ValueError(f"The fraction to keep first must be between 0 and 1, not {fraction!r}.")
    words = tuple(words)
    cut = int(fraction * len(words))
    if cut == 0 or cut == len(words):
        raise ValueError(
            f"{len(words)} words are too few to split at {fraction:.0%}: one part would be empty."
        )
    return words[:cut], words[cut:]


def _check_fractions(fractions: Sequence[float]) -> tuple[float, float, float]:
    if len(fractions) != 3:
        raise ValueError("Give three fractions: train, dev and test, for example (0.8, 0.1, 0.1).")
    if any(not isinstance(f, int | float) or not math.isfinite(f) or f < 0 for f in fractions):
        raise ValueError(f"Split fractions must be numbers of at least 0, not {tuple(fractions)}.")
    if fractions[0] <= 0:
        raise ValueError("The training fraction must be above 0.")
    if not math.isclose(sum(fractions), 1.0, abs_tol=1e-9):
        raise ValueError(
            f"Split fractions must add up to 1; {tuple(fractions)} add up to {sum(fractions):g}."
        )
    return float(fractions[0]), float(fractions[1]), float(fractions[2])


def all_words(words: Sequence[str]) -> Splits:
    """Every word to learn from and none held out, as the makemore lecture fits its models."""
    return Splits(tuple(words), (), ())
