"""Scores for the class board, computed by the server from a run's settings.

A post carries settings, never a number: the server builds the words or the data the settings
name, trains (seeded, so the run is the one the student saw) and measures. Nothing a browser
sends can set a score; what a link can set are settings, which the page's own validation has
already checked. A run that would cost more than one press's budget is refused before it
starts, with the message the Train button gives.

- Bigram: the mean NLL on the dev words (lower is better), then n (smaller is better). The
  counts model (smoothing k) or the neural net (lr, steps, reg, seed; trained with torch,
  whose losses the engine's match) on built-in words with the train / dev / test split.
- MLP: accuracy on the test points at the last step, as the page shows it (higher is
  better), then the number of parameters (fewer is better).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from data.toy2d import DATASET_LABELS
from models.mlp_training import Trainer, count_parameters, evaluate
from serving.board_rules import BoardError
from serving.board_schema import NewPost
from serving.budget import CostEstimate
from ui.bigram import settings as bigram_settings
from ui.bigram.data import WordSet, fitted_counts, makemore_word_set, ssa_word_set
from ui.bigram.training import shared_torch_run, training_estimate
from ui.cache import shared_data
from ui.mlp import settings as mlp_settings
from ui.mlp.run import load_split, seconds_per_step
from ui.sharing import press_budget, refuse_if_over

BIGRAM_MODELS = {"counts": "counts model", "neural": "neural net"}
WORD_KEYS = ("data", "year", "sex", "top_n", "split", "n")
MODEL_KEYS = {"counts": ("smoothing",), "neural": ("lr", "steps", "reg", "seed")}
UPLOAD_REFUSAL = (
    "Your own word list stays in your session (it is never sent to the server's other "
    "users), so the board cannot re-check its score: choose the built-in names or names.txt "
    "to post."
)
ALL_WORDS_REFUSAL = (
    "The board ranks runs by their NLL on dev words the model never saw: under *Fit the "
    "models on* choose *train / dev / test* to post."
)
MIN_TEST_POINTS = 10  # fewer, and one lucky point makes 100%
NO_TEST_REFUSAL = (
    "The board ranks runs by their accuracy on test points the network never trained on: "
    f"use at least {MIN_TEST_POINTS} of them (more *Points* or a larger *Test fraction*, and "
    "a dataset other than the lecture's examples) to post."
)


def bigram_note(values: dict[str, Any]) -> str | None:
    """Why the Bigram page's run cannot be posted at all (before anyone presses), or None."""
    if values["data"] == "upload":
        return UPLOAD_REFUSAL
    return ALL_WORDS_REFUSAL if values["split"] != "split" else None


def mlp_note(values: dict[str, Any]) -> str | None:
    return NO_TEST_REFUSAL if _too_few_test_points(values) else None


def _too_few_test_points(values: dict[str, Any]) -> bool:
    if values["dataset"] == "lecture" or values["test"] <= 0:
        return True
    try:
        _, test = load_split(
            values["dataset"],
            values["points"],
            values["noise"],
            values["data_seed"],
            values["test"],
        )
    except ValueError:
        return True
    return len(test) < MIN_TEST_POINTS


@dataclass(frozen=True)
class Entry:
    """A run ready to post, scored by the server."""

    page: str
    settings: dict[str, str]  # link parameters that reproduce it (the page's own names)
    details: dict[str, Any]  # what the board shows of it
    score: float
    tiebreak: float
    headline: str  # "dev NLL 2.4544", for the student's confirmation

    def new_post(self, nickname: str) -> NewPost:
        return NewPost(self.page, nickname, self.settings, self.details, self.score, self.tiebreak)


def _link_settings(settings: Any, values: dict[str, Any], keys: tuple[str, ...]) -> dict:
    """The link parameters of `keys` (all of them, defaults too: a post stays readable if a
    default changes)."""
    return {key: settings.settings[key].to_link(values[key]) for key in keys}


def bigram_words(values: dict[str, Any]) -> WordSet:
    """The built-in words the settings name, or BoardError."""
    if values["data"] == "upload":
        raise BoardError(UPLOAD_REFUSAL)
    if values["split"] != "split":
        raise BoardError(ALL_WORDS_REFUSAL)
    if values["data"] == "makemore":
        return makemore_word_set("split")
    try:
        return ssa_word_set(values["year"], values["sex"], values["top_n"], "split")
    except ValueError as error:
        raise BoardError(
            f"These names cannot be split into train, dev and test: {error}"
        ) from error


def bigram_entry(values: dict[str, Any], model: str) -> Entry:
    """The Bigram page's run of `model` ("counts" or "neural") as the settings describe it."""
    if model not in BIGRAM_MODELS:
        raise BoardError("Choose the counts model or the neural net to post.")
    words = bigram_words(values)
    n = values["n"]
    if model == "counts":
        nll = fitted_counts(words.key, n, values["smoothing"], _words=words).nll["dev"]
        what = f"counts, k = {values['smoothing']:g}"
    else:
        torch_values = values | {"method": "torch"}
        refusal = refuse_if_over(
            f"re-checking {values['steps']:,} steps of this net",
            training_estimate(words, n, torch_values),
            torch_values,
        )
        if refusal is not None:
            raise BoardError(refusal.text())
        run = shared_torch_run(
            words.key,
            n,
            values["seed"],
            values["lr"],
            values["steps"],
            values["reg"],
            press_budget(),
            _words=words,
        )
        if run.stopped_early:
            raise BoardError(
                "Re-checking this run took longer than one press may use; post a run with "
                "fewer steps."
            )
        nll = run.nll["dev"]
        what = (
            f"net, lr {values['lr']:g}, {values['steps']:,} steps, reg {values['reg']:g}, "
            f"seed {values['seed']}"
        )
    if not math.isfinite(nll):
        raise BoardError("This run has no finite dev NLL to post (try a smaller learning rate).")
    order = bigram_settings.ORDER_NAMES[n]
    return Entry(
        "bigram",
        _link_settings(bigram_settings.SETTINGS, values, WORD_KEYS + MODEL_KEYS[model]),
        # Runs are ranked among runs on the same words (a smaller list is easier).
        {
            "model": model,
            "n": n,
            "run": f"{order} {what}",
            "data": words.key,
            "data_label": words.label,
        },
        nll,
        float(n),
        f"dev NLL {nll:.4f}",
    )


def mlp_entry(values: dict[str, Any]) -> Entry:
    """The MLP page's run as the settings describe it, trained to its last step."""
    try:
        spec = mlp_settings.spec_from(values)
    except ValueError as error:
        raise BoardError(f"These settings make no network: {error}") from error
    if _too_few_test_points(values):
        raise BoardError(NO_TEST_REFUSAL)
    one_step = replace(spec, config=replace(spec.config, steps=1))
    estimate = CostEstimate(seconds_per_step(one_step), spec.config.steps)
    refusal = refuse_if_over(
        f"re-checking {spec.config.steps:,} steps of this network", estimate, values
    )
    if refusal is not None:
        raise BoardError(refusal.text())
    accuracy, parameters = mlp_test_accuracy(spec)
    shape = mlp_settings.architecture(2, spec.config)
    keys = tuple(k for k in mlp_settings.RUN_KEYS if k in mlp_settings.SETTINGS.settings)
    return Entry(
        "mlp",
        _link_settings(mlp_settings.SETTINGS, values, keys),
        {
            # Runs are ranked among runs on the same points (the same test set).
            "data": f"{spec.dataset}:{spec.points}:{spec.noise}:{spec.data_seed}:"
            f"{spec.test_fraction}",
            "data_label": f"{DATASET_LABELS.get(spec.dataset, spec.dataset)}, {spec.points} "
            f"points, noise {spec.noise:g}, data seed {spec.data_seed}, "
            f"{spec.test_fraction:.0%} of them to test",
            "parameters": parameters,
            "run": f"{shape} {spec.config.activation}, {spec.config.steps:,} steps, "
            f"lr {spec.config.learning_rate:g}",
        },
        accuracy,
        float(parameters),
        f"test accuracy {accuracy:.1%}",
    )


@shared_data(max_entries=256)
def mlp_test_accuracy(spec: mlp_settings.RunSpec) -> tuple[float, int]:
    """(test accuracy at the last step, parameters), the figure the MLP page shows after
    training (measured on the weights the last step started from); a class posting the
    same settings trains them once."""
    train, test = load_split(
        spec.dataset, spec.points, spec.noise, spec.data_seed, spec.test_fraction
    )
    trainer = Trainer(spec.config, train.X, train.y, test.X, test.y)
    trainer.step(spec.config.steps)
    last = trainer.history[-1].test_accuracy if trainer.history else None
    if last is None:  # no step ran (a run that diverged at once): the initial weights
        _, last = evaluate(trainer.model, test.X, test.y, spec.config.loss, spec.config.l2)
    return last, count_parameters(trainer.nin, spec.config)
