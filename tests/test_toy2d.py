"""data/toy2d.py: seeded datasets, micrograd's demo data, train/test split."""

from __future__ import annotations

import numpy as np
import pytest
import sklearn.datasets

from data.toy2d import DATASETS, LECTURE_XS, LECTURE_YS, make_dataset, train_test_split


def test_moons_are_micrograds_demo_data():
    """micrograd's demo seeds numpy's global RNG with 1337 and calls make_moons without a seed."""
    saved = np.random.get_state()  # only the reference uses the global seed
    try:
        np.random.seed(1337)
        X_ref, y_ref = sklearn.datasets.make_moons(n_samples=100, noise=0.1)
    finally:
        np.random.set_state(saved)
    data = make_dataset("moons", n_samples=100, noise=0.1, seed=1337)
    assert np.array_equal(np.array(data.X), X_ref)
    assert list(data.y) == list(y_ref * 2 - 1)


def test_lecture_examples_are_the_lectures():
    data = make_dataset("lecture")
    assert data.X == LECTURE_XS == ((2, 3, -1), (3, -1, 0.5), (0.5, 1, 1), (1, 1, -1))
    assert data.y == LECTURE_YS == (1, -1, -1, 1)
    assert data.dim == 3


@pytest.mark.parametrize("name", [d for d in DATASETS if d != "lecture"])
def test_datasets_are_seeded_two_class_and_two_dimensional(name):
    a = make_dataset(name, n_samples=60, noise=0.2, seed=5)
    b = make_dataset(name, n_samples=60, noise=0.2, seed=5)
    c = make_dataset(name, n_samples=60, noise=0.2, seed=6)
    assert a == b
    assert a.X != c.X
    assert len(a) == 60 and a.dim == 2
    assert set(a.y) == {-1, 1}
    assert all(np.isfinite(v) for point in a.X for v in point)


def test_xor_labels_follow_the_quadrants_without_noise():
    data = make_dataset("xor", n_samples=200, noise=0.0, seed=1)
    for (x, y), label in zip(data.X, data.y, strict=True):
        assert label == (1 if x * y > 0 else -1)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"name": "nope"},
        {"name": "moons", "n_samples": 0},
        {"name": "moons", "n_samples": 10**6},
        {"name": "moons", "noise": -0.1},
        {"name": "moons", "noise": float("nan")},
        {"name": "moons", "seed": -1},
    ],
)
def test_bad_settings_are_refused(kwargs):
    with pytest.raises(ValueError):
        make_dataset(**kwargs)


def test_split_keeps_every_point_once_and_is_seeded():
    data = make_dataset("moons", n_samples=50, seed=3)
    train, test = train_test_split(data, 0.2, seed=9)
    assert len(train) == 40 and len(test) == 10
    pairs = sorted(zip(train.X + test.X, train.y + test.y, strict=True))
    assert pairs == sorted(zip(data.X, data.y, strict=True))
    assert train_test_split(data, 0.2, seed=9) == (train, test)
    assert train_test_split(data, 0.2, seed=10) != (train, test)


def test_split_of_zero_keeps_the_demo_order():
    data = make_dataset("moons")
    train, test = train_test_split(data, 0.0, seed=1)
    assert train == data and len(test) == 0
