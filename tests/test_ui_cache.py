"""ui/cache.py: shared resources are fingerprinted, and a mutation is caught."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from ui.cache import fingerprint, mutated_resources, shared_resource


class Model:
    def __init__(self):
        self.weights = torch.zeros(3, 3)
        self.words = ["emma", "olivia"]


@pytest.mark.parametrize(
    ("make", "mutate"),
    [
        (Model, lambda m: m.weights.__setitem__((0, 0), 1.0)),
        (Model, lambda m: m.words.append("ava")),
        (lambda: {"a": [1, 2]}, lambda d: d["a"].append(3)),
        (lambda: np.zeros(4), lambda a: a.__setitem__(1, 2.0)),
        (
            lambda: pd.DataFrame({"name": ["emma"], "n": [3]}),
            lambda f: f.loc.__setitem__((0, "n"), 4),
        ),
        (lambda: np.array(["a", "b"], dtype=object), lambda a: a.__setitem__(0, "z")),
    ],
)
def test_fingerprint_changes_when_contents_change(make, mutate):
    value = make()
    before = fingerprint(value)
    assert fingerprint(value) == before
    mutate(value)
    assert fingerprint(value) != before


def test_a_mutated_shared_resource_is_reported():
    @shared_resource(max_entries=2)
    def load_model(size: int) -> Model:
        return Model()

    model = load_model(3)
    assert load_model(3) is model  # the very same object for every caller
    assert "load_model" not in " ".join(mutated_resources())
    model.words.append("intruder")
    assert any("load_model" in name for name in mutated_resources())
    model.words.pop()
    assert not any("load_model" in name for name in mutated_resources())
