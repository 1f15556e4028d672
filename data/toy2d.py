"""Small labelled datasets for the MLP page: 2-D toy problems and the lecture's four examples.

Every generator takes an explicit seed (scikit-learn's `random_state`, numpy's `default_rng`),
so a dataset is a pure function of its settings. Labels are -1 or +1, as in micrograd's demo
(`y = y*2 - 1`); a binary cross-entropy loss maps them to 0/1 itself.

`make_dataset("moons", n_samples=100, noise=0.1, seed=1337)` is exactly micrograd's demo data:
the demo calls `make_moons(n_samples=100, noise=0.1)` after `np.random.seed(1337)`, and an
integer `random_state` draws from the same legacy generator.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np
from sklearn.datasets import make_blobs, make_circles, make_moons

DATASETS = ("moons", "circles", "xor", "spiral", "blobs", "lecture")
DATASET_LABELS = {
    "moons": "Moons",
    "circles": "Circles",
    "xor": "XOR",
    "spiral": "Spiral",
    "blobs": "Two blobs",
    "lecture": "Lecture's 4 examples (3-D)",
}
MIN_SAMPLES, MAX_SAMPLES = 4, 1000
MAX_NOISE = 1.0

# The four examples the lecture trains its first MLP on (3 inputs each), with their targets.
LECTURE_XS = ((2.0, 3.0, -1.0), (3.0, -1.0, 0.5), (0.5, 1.0, 1.0), (1.0, 1.0, -1.0))
LECTURE_YS = (1, -1, -1, 1)


@dataclass(frozen=True)
class Dataset:
    """Points and their labels (-1 or +1), as plain Python numbers for the scalar engine."""

    name: str
    X: tuple[tuple[float, ...], ...]
    y: tuple[int, ...]

    @property
    def dim(self) -> int:
        return len(self.X[0]) if self.X else 0

    def __len__(self) -> int:
        return len(self.y)


def make_dataset(name: str, n_samples: int = 100, noise: float = 0.1, seed: int = 1337) -> Dataset:
    """Build a dataset by name. Raises ValueError for unknown names or settings out of range."""
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}")
    if name == "lecture":  # fixed data: size, noise and seed do not apply
        return Dataset("lecture", LECTURE_XS, LECTURE_YS)
    if not (isinstance(n_samples, int) and MIN_SAMPLES <= n_samples <= MAX_SAMPLES):
        raise ValueError(
            f"number of points must be a whole number from {MIN_SAMPLES} to {MAX_SAMPLES}"
        )
    if not (isinstance(noise, int | float) and 0.0 <= noise <= MAX_NOISE):
        raise ValueError(f"noise must be between 0 and {MAX_NOISE}")
    if not isinstance(seed, int) or seed < 0:
        raise ValueError("seed must be a whole number, 0 or more")

    if name == "moons":
        X, labels = make_moons(n_samples=n_samples, noise=noise, random_state=seed)
    elif name == "circles":
        X, labels = make_circles(n_samples=n_samples, noise=noise, factor=0.5, random_state=seed)
    elif name == "blobs":
        X, labels = make_blobs(
            n_samples=n_samples,
            centers=[(-1.0, -1.0), (1.0, 1.0)],
            cluster_std=0.2 + 1.5 * noise,
            random_state=seed,
        )
    elif name == "xor":
        X, labels = _xor(n_samples, noise, seed)
    else:
        X, labels = _spiral(n_samples, noise, seed)

    points = tuple((float(a), float(b)) for a, b in X)
    return Dataset(name, points, tuple(int(v) * 2 - 1 for v in labels))


def _xor(n_samples: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Points in the square [-1, 1]^2, labelled by the sign of x*y (same sign: class 1)."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1.0, 1.0, size=(n_samples, 2))
    # Keep points off the axes so the label is not ambiguous, as TensorFlow Playground does.
    X += np.sign(X) * 0.05
    labels = (X[:, 0] * X[:, 1] > 0).astype(int)
    X += rng.normal(0.0, noise * 0.5, size=X.shape)
    return X, labels


def _spiral(n_samples: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spirals, one turn and a half each."""
    rng = np.random.default_rng(seed)
    per_class = [n_samples // 2, n_samples - n_samples // 2]
    points, labels = [], []
    for label, count in enumerate(per_class):
        t = np.linspace(0.0, 1.0, count, endpoint=False) if count else np.zeros(0)
        radius = 0.1 + 0.9 * t
        angle = 3.0 * math.pi * t + label * math.pi
        xy = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
        xy += rng.normal(0.0, noise * 0.2, size=xy.shape)
        points.append(xy)
        labels.append(np.full(count, label))
    return np.concatenate(points), np.concatenate(labels)


def train_test_split(data: Dataset, test_fraction: float, seed: int) -> tuple[Dataset, Dataset]:
    """Shuffle with `random.Random(seed)` and hold out `test_fraction` of the points.

    A fraction of 0 keeps every point for training, in its original order (as micrograd's demo).
    """
    if not 0.0 <= test_fraction < 1.0:
        raise ValueError("the test fraction must be at least 0 and below 1")
    n_test = int(round(len(data) * test_fraction))
    if n_test == 0:
        return data, Dataset(data.name, (), ())
    if len(data) - n_test < 1:
        raise ValueError("the test split would leave no training points")
    order = list(range(len(data)))
    random.Random(seed).shuffle(order)
    test_ids, train_ids = order[:n_test], order[n_test:]

    def subset(ids: list[int]) -> Dataset:
        return Dataset(data.name, tuple(data.X[i] for i in ids), tuple(data.y[i] for i in ids))

    return subset(train_ids), subset(test_ids)
