"""data.splits against makemore's split code and hand-worked cases."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from data.splits import Splits, ordered_split, shuffled_split


def test_shuffled_split_is_makemores_split(names_txt):
    words = names_txt.read_text().splitlines()
    original = list(words)
    # makemore part 2: random.seed(42); random.shuffle(words); cut at int(0.8n), int(0.9n).
    # A Random(42) instance draws the same numbers as the seeded global generator.
    reference = list(words)
    random.Random(42).shuffle(reference)
    n1, n2 = int(0.8 * len(reference)), int(0.9 * len(reference))

    splits = shuffled_split(words, seed=42)
    assert isinstance(splits, Splits)
    assert splits.train == tuple(reference[:n1])
    assert splits.dev == tuple(reference[n1:n2])
    assert splits.test == tuple(reference[n2:])
    assert (len(splits.train), len(splits.dev), len(splits.test)) == (25626, 3203, 3204)
    assert words == original  # the caller's list is not shuffled


def test_shuffled_split_is_a_partition_and_depends_on_the_seed():
    words = [f"w{i}" for i in range(100)] + ["w0"]  # a duplicate stays a duplicate
    a = shuffled_split(words, seed=1, fractions=(0.5, 0.3, 0.2))
    assert (len(a.train), len(a.dev), len(a.test)) == (50, 30, 21)
    assert Counter(a.train + a.dev + a.test) == Counter(words)
    assert shuffled_split(words, seed=1, fractions=(0.5, 0.3, 0.2)) == a
    assert shuffled_split(words, seed=2, fractions=(0.5, 0.3, 0.2)) != a


def test_shuffled_split_leaves_the_global_random_state_alone():
    state = random.getstate()
    shuffled_split(["a", "b", "c", "d", "e"], seed=3)
    assert random.getstate() == state


def test_ordered_split_hand_worked():
    words = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]
    assert ordered_split(words) == (tuple("abcdefgh"), ("i", "j"))
    assert ordered_split(words, fraction=0.25) == (("a", "b"), tuple("cdefghij"))


@pytest.mark.parametrize(
    ("fractions", "phrase"),
    [
        ((0.8, 0.1), "three fractions"),
        ((0.8, 0.3, 0.1), "add up to 1"),
        ((0.0, 0.5, 0.5), "training fraction"),
        ((1.1, -0.1, 0.0), "at least 0"),
        ((float("nan"), 0.5, 0.5), "at least 0"),
    ],
)
def test_bad_fractions_are_refused(fractions, phrase):
    with pytest.raises(ValueError, match=phrase):
        shuffled_split(["a", "b", "c"], fractions=fractions)


def test_too_few_words_are_refused():
    with pytest.raises(ValueError, match="too few"):
        shuffled_split(["a"], seed=0)
    with pytest.raises(ValueError, match="too few"):
        ordered_split(["a"])
    with pytest.raises(ValueError, match="between 0 and 1"):
        ordered_split(["a", "b"], fraction=1.0)
