"""models/export.py: models survive a JSON round trip; tampered files are refused clearly."""

from __future__ import annotations

import copy
import json

import pytest
import torch

from models.export import (
    ModelFileError,
    export_count_ngram,
    export_mlp,
    export_neural_ngram,
    import_count_ngram,
    import_mlp,
    import_neural_ngram,
)
from models.mlp import MLP
from models.ngram import CountNGram, NeuralNGram

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


def test_a_neural_file_with_a_line_break_in_its_vocabulary_is_refused():
    document = ngram_document()
    document["vocabulary"][1] = "\n"
    with pytest.raises(ModelFileError, match="do not fit the vocabulary"):
        import_neural_ngram(json.dumps(document))


# ---- the counts model ------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "smoothing"), [(2, 1.0), (3, 0.0), (4, 0.5)])
def test_count_ngram_round_trip_gives_identical_probabilities(n, smoothing):
    model = CountNGram(n=n, smoothing=smoothing).fit(WORDS)
    restored, settings = import_count_ngram(export_count_ngram(model, {"k": smoothing}))
    assert settings == {"k": smoothing}
    assert restored.n == n and restored.itos == model.itos
    assert restored.smoothing == smoothing
    assert torch.equal(restored.counts, model.counts)
    assert torch.equal(restored.probs, model.probs)
    assert restored.nll(WORDS) == model.nll(WORDS)
    assert restored.sample(5, seed=2) == model.sample(5, seed=2)


def test_count_ngram_counts_match_a_plain_count_of_the_bigrams():
    """The file holds the lecture's N: checked against counting the bigrams here."""
    document = json.loads(export_count_ngram(CountNGram().fit(WORDS), {}))
    itos = document["vocabulary"]
    for a, first in enumerate(itos):
        for b, second in enumerate(itos):
            expected = sum(
                (first + second) == (x + y)
                for w in WORDS
                for x, y in zip("." + w, w + ".", strict=True)
            )
            assert document["counts"][a][b] == expected


def counts_document() -> dict:
    return json.loads(export_count_ngram(CountNGram(n=2).fit(WORDS), {"smoothing": 1.0}))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.pop("counts"), 'no "counts"'),
        (lambda d: d.update(counts={"a": 1}), '"counts" must be a JSON list'),
        (lambda d: d["counts"].pop(), "counts must list"),
        (lambda d: d["counts"][4].append(0), "counts[4] must list"),
        (lambda d: d["counts"][2].__setitem__(3, 1.5), "counts[2][3] must be a whole number"),
        (lambda d: d["counts"][2].__setitem__(3, True), "counts[2][3] must be a whole number"),
        (lambda d: d["counts"][2].__setitem__(3, "7"), "counts[2][3] must be a whole number"),
        (lambda d: d["counts"][2].__setitem__(3, -1), "counts[2][3] must be from 0"),
        (lambda d: d["counts"][2].__setitem__(3, 10**30), "counts[2][3] must be from 0"),
        (lambda d: d["counts"].__setitem__(1, 5), "counts[1] must list"),
        (lambda d: d.update(n=3), "counts[0][0] must list"),
        (lambda d: d.update(n=8), "limit"),
        (lambda d: d.update(smoothing=-1), "smoothing"),
        (lambda d: d.update(smoothing="1"), "smoothing"),
        (lambda d: d.pop("smoothing"), "smoothing"),
        (
            lambda d: d.update(counts=[[0] * len(d["vocabulary"])] * len(d["vocabulary"])),
            "Every count is 0",
        ),
        (lambda d: d.update(kind="neural-ngram"), 'needs a "count-ngram"'),
        (lambda d: d["vocabulary"].__setitem__(2, "."), "each character once"),
    ],
)
def test_tampered_count_files_are_refused_with_a_message(change, expected):
    document = counts_document()
    change(document)
    with pytest.raises(ModelFileError) as caught:
        import_count_ngram(json.dumps(document))
    assert expected in str(caught.value)


def test_a_neural_file_is_not_a_counts_model_and_the_other_way_round():
    with pytest.raises(ModelFileError, match='holds a "neural-ngram" model'):
        import_count_ngram(json.dumps(ngram_document()))
    with pytest.raises(ModelFileError, match='holds a "count-ngram" model'):
        import_neural_ngram(json.dumps(counts_document()))
