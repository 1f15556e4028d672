"""models/export.py: models survive a JSON round trip; tampered files are refused clearly."""

from __future__ import annotations

import copy
import json

import pytest
import torch

from models.export import (
    ModelFileError,
    export_mlp,
    export_neural_ngram,
    import_mlp,
    import_neural_ngram,
)
from models.mlp import MLP
from models.ngram import NeuralNGram

WORDS = ["emma", "olivia", "ava", "isabella", "sophia", "mia", "amelia"]


def trained_mlp() -> MLP:
    model = MLP(2, [4, 3, 1], activation="tanh", seed=3)
    for k, p in enumerate(model.parameters()):  # weights no fresh MLP has
        p.data += 0.01 * k
    return model


def test_mlp_round_trip_gives_identical_predictions():
    model = trained_mlp()
    restored, settings = import_mlp(export_mlp(model, {"lr": 0.05, "activation": "tanh"}))
    assert settings == {"lr": 0.05, "activation": "tanh"}
    assert [p.data for p in restored.parameters()] == [p.data for p in model.parameters()]
    for point in ([0.3, -1.2], [2.0, 0.5], [-0.7, 0.1]):
        assert restored(point).data == model(point).data


def test_neural_ngram_round_trip_gives_identical_probabilities():
    model = NeuralNGram(n=3, seed=5)
    model.fit(WORDS, steps=20, lr=10.0, reg=0.01)
    restored, _ = import_neural_ngram(export_neural_ngram(model, {"steps": 20}))
    assert restored.n == 3 and restored.itos == model.itos
    assert torch.equal(restored.W, model.W)
    assert restored.nll(WORDS) == model.nll(WORDS)
    assert restored.sample(5, seed=1) == model.sample(5, seed=1)


def mlp_document() -> dict:
    return json.loads(export_mlp(trained_mlp(), {"lr": 0.1}))


def tamper(change) -> str:
    document = mlp_document()
    change(document)
    return json.dumps(document)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"", "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        ("[1, 2, 3]", "JSON object"),
        ('{"format": "other"}', "not a model file"),
        (tamper(lambda d: d.update(version=2)), "version"),
        (tamper(lambda d: d.update(kind="neural-ngram")), 'needs a "mlp"'),
        (tamper(lambda d: d.pop("parameters")), 'no "parameters"'),
        (tamper(lambda d: d["architecture"].pop("inputs")), "architecture.inputs"),
        (tamper(lambda d: d["architecture"].update(activation="swish")), "activation"),
        (
            tamper(lambda d: d["architecture"].update(layer_sizes=[4, 3, 1, 1])),
            "architecture has 4",
        ),
        (tamper(lambda d: d["architecture"].update(layer_sizes=[10**9])), "layer_sizes[0]"),
        (tamper(lambda d: d["parameters"][1].pop()), "parameters[1] must list 3"),
        (tamper(lambda d: d["parameters"][1][0]["w"].pop()), "parameters[1][0].w must have 4"),
        (tamper(lambda d: d["parameters"][0][2]["w"].__setitem__(0, "x")), "parameters[0][2].w[0]"),
        (tamper(lambda d: d["parameters"][0][0].__setitem__("b", 1e300)), "refused"),
        (tamper(lambda d: d["parameters"][0][0].__setitem__("b", [1])), "parameters[0][0].b"),
        (tamper(lambda d: d["parameters"][0][0].__setitem__("extra", 1)), "exactly"),
        (tamper(lambda d: d.update(settings=[1])), "settings"),
        (tamper(lambda d: d["settings"].update(lr={"nested": 1})), 'settings["lr"]'),
        (json.dumps(mlp_document()).replace("0.1}", "NaN}"), "NaN"),
        (json.dumps(mlp_document()).replace('"b": 0.02', '"b": 1e999', 1), "must be a number"),
        (
            json.dumps(mlp_document()).replace('"b": 0.02', '"b": ' + "9" * 5000, 1),
            "not valid JSON",
        ),
        ("[" * 100_000 + "]" * 100_000, "not valid JSON"),
        ("{" * 3, "not valid JSON"),
    ],
)
def test_tampered_mlp_files_are_refused_with_a_message(raw, expected):
    with pytest.raises(ModelFileError) as caught:
        import_mlp(raw)
    assert expected in str(caught.value)


def ngram_document() -> dict:
    model = NeuralNGram(n=2, seed=1)
    model.fit(WORDS, steps=2, lr=1.0, reg=0.0)
    return json.loads(export_neural_ngram(model, {}))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.update(n=1), "at least 2"),
        (lambda d: d.update(n=True), "n must be"),
        (lambda d: d["W"].pop(), "rows"),
        (lambda d: d["W"][3].append(0.0), "W[3]"),
        (lambda d: d["vocabulary"].__setitem__(0, "a"), 'start with "."'),
        (lambda d: d["vocabulary"].__setitem__(1, "ab"), "single character"),
        (lambda d: d.update(vocabulary=["."]), "2 to"),
        (lambda d: d["W"][0].__setitem__(0, None), "W[0][0]"),
    ],
)
def test_tampered_ngram_files_are_refused_with_a_message(change, expected):
    document = copy.deepcopy(ngram_document())
    change(document)
    with pytest.raises(ModelFileError) as caught:
        import_neural_ngram(json.dumps(document))
    assert expected in str(caught.value)


def test_oversized_files_are_refused_before_parsing():
    with pytest.raises(ModelFileError, match="larger than"):
        import_mlp(b" " * (9 * 1024 * 1024))
