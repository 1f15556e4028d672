"""Trained models as JSON, and back, without pickle.

A file a user uploads is data, never code: it is parsed with `json` (NaN and Infinity
refused), checked field by field and shape by shape, and only then turned into a model.
Every problem raises `ModelFileError` (a ValueError) with a message that says what is wrong
and where, e.g. "parameters[1][3].w has 15 numbers; this layer's neurons take 16 inputs".

Layout of a file (version 1):

    {"format": "zero-to-hero-explorer", "version": 1,
     "kind": "mlp" | "neural-ngram" | "count-ngram",
     "settings": {name: number | string | bool, ...},      # the page's settings, for reference
     ... the model's own fields (see export_mlp / export_neural_ngram) ...}
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import torch

from models import torch_runtime
from models.mlp import ACTIVATIONS, MLP
from models.ngram import MAX_ORDER, MAX_TABLE_ENTRIES, CountNGram, NeuralNGram

torch_runtime.configure()

FORMAT = "zero-to-hero-explorer"
VERSION = 1
MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_ABS_WEIGHT = 1e6  # larger weights only come from a diverged run or a tampered file
MAX_LAYERS = 8
MAX_WIDTH = 256
MAX_INPUTS = 16
MAX_VOCAB = 200
MAX_SETTINGS = 100
MAX_COUNT = 2**53  # counts stay exact as JSON numbers up to here


class ModelFileError(ValueError):
    """A model file that cannot be used, with a message for the person who uploaded it."""


# -- writing ----------------------------------------------------------------------------------


def _document(kind: str, settings: Mapping[str, Any], **fields: Any) -> dict[str, Any]:
    """A model file: what it is, the model's fields, and the settings that made it."""
    header = {"format": FORMAT, "version": VERSION, "kind": kind}
    return header | fields | {"settings": _plain_settings(settings)}


def export_mlp(model: MLP, settings: Mapping[str, Any]) -> str:
    """The MLP's architecture and every weight and bias, with the settings that trained it."""
    layers = model.layers
    architecture = {
        "inputs": model.nin,
        "layer_sizes": [len(layer.neurons) for layer in layers],
        "activation": model.activation,
    }
    parameters = [
        [{"w": [w.data for w in neuron.w], "b": neuron.b.data} for neuron in layer.neurons]
        for layer in layers
    ]
    document = _document("mlp", settings, architecture=architecture, parameters=parameters)
    return json.dumps(document, indent=1, allow_nan=False)


def export_neural_ngram(model: NeuralNGram, settings: Mapping[str, Any]) -> str:
    """The neural n-gram's vocabulary, order n and weight matrix W."""
    document = _document(
        "neural-ngram", settings, n=model.n, vocabulary=list(model.itos), W=model.W.tolist()
    )
    return json.dumps(document, allow_nan=False)


def export_count_ngram(model: CountNGram, settings: Mapping[str, Any]) -> str:
    """The counts model's vocabulary, order n, smoothing k and its whole count table."""
    document = _document(
        "count-ngram",
        settings,
        n=model.n,
        vocabulary=list(model.itos),
        smoothing=model.smoothing,
        counts=model.counts.tolist(),
    )
    return json.dumps(document, separators=(",", ":"), allow_nan=False)


def _plain_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    plain = {}
    for key, value in settings.items():
        if isinstance(value, bool | int | str) or (
            isinstance(value, float) and math.isfinite(value)
        ):
            plain[str(key)] = value
    return plain


# -- reading ----------------------------------------------------------------------------------


def read_model_file(raw: bytes | str) -> dict[str, Any]:
    """Parse and check the common envelope; returns the document."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_FILE_BYTES:
            raise ModelFileError(f"The file is larger than {MAX_FILE_BYTES // 2**20} MB.")
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ModelFileError("The file is not UTF-8 text, so it is not a model file.") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ModelFileError(f"The file is larger than {MAX_FILE_BYTES // 2**20} MB.")
    try:
        document = json.loads(raw, parse_constant=_refuse_constant)
    except ModelFileError:
        raise
    except (json.JSONDecodeError, RecursionError, ValueError) as error:
        where = f" (line {error.lineno}, column {error.colno})" if hasattr(error, "lineno") else ""
        raise ModelFileError(f"The file is not valid JSON{where}.") from None
    if not isinstance(document, dict):
        raise ModelFileError("The file must hold a JSON object, not a list or a single value.")
    if document.get("format") != FORMAT:
        raise ModelFileError(f'This is not a model file of this app ("format" must be "{FORMAT}").')
    if document.get("version") != VERSION or isinstance(document.get("version"), bool):
        raise ModelFileError(
            f"Unsupported model file version {document.get('version')!r}; "
            f"this app reads version {VERSION}."
        )
    settings = document.get("settings", {})
    if not isinstance(settings, dict) or len(settings) > MAX_SETTINGS:
        raise ModelFileError('"settings" must be an object of at most 100 names and values.')
    for key, value in settings.items():
        if not (isinstance(value, bool | int | str) or _finite(value)) or (
            isinstance(value, str) and len(value) > 2000
        ):
            raise ModelFileError(
                f'settings["{key[:40]}"] must be a short number, text or true/false.'
            )
    return document


def _refuse_constant(name: str) -> None:
    raise ModelFileError(f"The file contains {name}; weights must be finite numbers.")


def import_mlp(raw: bytes | str) -> tuple[MLP, dict[str, Any]]:
    """An MLP and the settings stored with it, from a file written by `export_mlp`."""
    document = read_model_file(raw)
    _expect_kind(document, "mlp")
    architecture = _field(document, "architecture", dict)
    inputs = _count(architecture, "inputs", "architecture.inputs", MAX_INPUTS)
    sizes = _field(architecture, "layer_sizes", list, "architecture.layer_sizes")
    if not 1 <= len(sizes) <= MAX_LAYERS:
        raise ModelFileError(f"architecture.layer_sizes must list 1 to {MAX_LAYERS} layers.")
    sizes = [
        _count({"size": s}, "size", f"architecture.layer_sizes[{i}]", MAX_WIDTH)
        for i, s in enumerate(sizes)
    ]
    activation = architecture.get("activation")
    if activation not in ACTIVATIONS:
        raise ModelFileError(f"architecture.activation must be one of {', '.join(ACTIVATIONS)}.")

    parameters = _field(document, "parameters", list)
    if len(parameters) != len(sizes):
        raise ModelFileError(
            f"parameters has {len(parameters)} layers; the architecture has {len(sizes)}."
        )
    fan_in = inputs
    for i, (layer, size) in enumerate(zip(parameters, sizes, strict=True)):
        if not isinstance(layer, list) or len(layer) != size:
            raise ModelFileError(f"parameters[{i}] must list {size} neurons.")
        for j, neuron in enumerate(layer):
            where = f"parameters[{i}][{j}]"
            if not isinstance(neuron, dict) or set(neuron) != {"w", "b"}:
                raise ModelFileError(f'{where} must be an object with exactly "w" and "b".')
            weights = neuron["w"]
            if not isinstance(weights, list) or len(weights) != fan_in:
                raise ModelFileError(
                    f"{where}.w must have {fan_in} numbers, one per input of this layer."
                )
            for k, w in enumerate(weights):
                _weight(w, f"{where}.w[{k}]")
            _weight(neuron["b"], f"{where}.b")
        fan_in = size

    model = MLP(inputs, sizes, activation=activation, seed=0)
    # In MLP.parameters() order: layer by layer, each neuron's weights, then its bias.
    model.set_weights(
        [
            value
            for stored_layer in parameters
            for stored in stored_layer
            for value in (*stored["w"], stored["b"])
        ]
    )
    return model, dict(document.get("settings", {}))


def _ngram_file(raw: bytes | str, kind: str) -> tuple[dict[str, Any], int, list[str]]:
    """The parts every n-gram file has: the document, n and the vocabulary."""
    document = read_model_file(raw)
    _expect_kind(document, kind)
    n = _count(document, "n", "n", MAX_ORDER)
    if n < 2:
        raise ModelFileError("n must be at least 2.")
    return document, n, _vocabulary(document)


def import_neural_ngram(raw: bytes | str) -> tuple[NeuralNGram, dict[str, Any]]:
    """A neural n-gram and its settings, from a file written by `export_neural_ngram`."""
    document, n, vocabulary = _ngram_file(raw, "neural-ngram")
    size = len(vocabulary)
    rows = _field(document, "W", list)
    if len(rows) != (n - 1) * size:
        raise ModelFileError(f"W must have {(n - 1) * size} rows for n={n} and {size} characters.")
    for r, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != size:
            raise ModelFileError(f"W[{r}] must have {size} numbers, one per character.")
        for c, value in enumerate(row):
            _weight(value, f"W[{r}][{c}]")
    weights = torch.tensor(rows, dtype=torch.float32)
    try:
        model = NeuralNGram.from_weights(weights, "".join(vocabulary))
    except ValueError as error:
        raise ModelFileError(f"The weights do not fit the vocabulary: {error}") from None
    return model, dict(document.get("settings", {}))


def import_count_ngram(raw: bytes | str) -> tuple[CountNGram, dict[str, Any]]:
    """A counts n-gram and its settings, from a file written by `export_count_ngram`."""
    document, n, vocabulary = _ngram_file(raw, "count-ngram")
    size = len(vocabulary)
    if size**n > MAX_TABLE_ENTRIES:
        raise ModelFileError(
            f"A count table of {size} characters for n={n} would have {size**n:,} entries, "
            f"more than this app's limit of {MAX_TABLE_ENTRIES:,}."
        )
    smoothing = document.get("smoothing")
    if not _finite(smoothing) or not 0 <= smoothing <= MAX_ABS_WEIGHT:
        raise ModelFileError(f"smoothing must be a number from 0 to {MAX_ABS_WEIGHT:g}.")
    table = _field(document, "counts", list)
    # Walk the nested lists level by level: every level lists `size` entries, and the last
    # one whole numbers.
    level = [("counts", table)]
    for depth in range(n):
        deeper = []
        for where, entries in level:
            if not isinstance(entries, list) or len(entries) != size:
                raise ModelFileError(f"{where} must list {size} entries, one per character.")
            if depth < n - 1:
                deeper.extend((f"{where}[{i}]", entry) for i, entry in enumerate(entries))
                continue
            for i, count in enumerate(entries):
                if isinstance(count, bool) or not isinstance(count, int):
                    raise ModelFileError(f"{where}[{i}] must be a whole number.")
                if not 0 <= count <= MAX_COUNT:
                    raise ModelFileError(f"{where}[{i}] must be from 0 to 2**53, not {count}.")
        level = deeper
    counts = torch.tensor(table, dtype=torch.int64)
    if int(counts.sum()) == 0:
        raise ModelFileError("Every count is 0: the file holds no n-grams to learn from.")
    try:
        model = CountNGram.from_counts(counts, "".join(vocabulary), smoothing=float(smoothing))
    except ValueError as error:
        raise ModelFileError(f"The counts do not fit the vocabulary: {error}") from None
    return model, dict(document.get("settings", {}))


# -- checks -------------------------------------------------------------------------------------


def _vocabulary(document: dict[str, Any]) -> list[str]:
    """The file's vocabulary: "." first, then distinct single characters."""
    vocabulary = _field(document, "vocabulary", list)
    if not 2 <= len(vocabulary) <= MAX_VOCAB:
        raise ModelFileError(f"vocabulary must list 2 to {MAX_VOCAB} characters.")
    for i, ch in enumerate(vocabulary):
        if not isinstance(ch, str) or len(ch) != 1:
            raise ModelFileError(f"vocabulary[{i}] must be a single character.")
    if vocabulary[0] != "." or len(set(vocabulary)) != len(vocabulary):
        raise ModelFileError('vocabulary must start with "." and list each character once.')
    return vocabulary


def _expect_kind(document: dict[str, Any], kind: str) -> None:
    if document.get("kind") != kind:
        raise ModelFileError(
            f'This file holds a "{document.get("kind")}" model; this page needs a "{kind}" model.'
        )


def _field(document: dict[str, Any], name: str, kind: type, where: str | None = None) -> Any:
    if name not in document:
        raise ModelFileError(f'The file has no "{where or name}".')
    value = document[name]
    if not isinstance(value, kind):
        raise ModelFileError(
            f'"{where or name}" must be a JSON {kind.__name__.replace("dict", "object")}.'
        )
    return value


def _count(document: dict[str, Any], name: str, where: str, largest: int) -> int:
    value = document.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= largest:
        raise ModelFileError(f"{where} must be a whole number from 1 to {largest}.")
    return value


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _weight(value: Any, where: str) -> None:
    if not _finite(value):
        raise ModelFileError(f"{where} must be a number.")
    if abs(value) > MAX_ABS_WEIGHT:
        raise ModelFileError(
            f"{where} is {value:.3g}; weights above {MAX_ABS_WEIGHT:g} are refused."
        )
