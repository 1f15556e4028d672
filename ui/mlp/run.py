"""The MLP page's run: made from the settings, changed only by the page's presses.

A trained run is never replaced by a settings change, only by Train, Step or Reset; a run
that has not trained follows the settings. The presses (ui/state.py) are taken once per page
run, before the widgets are drawn.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from data.toy2d import Dataset, make_dataset, train_test_split
from models.mlp_replay import Recording, record, recordable
from models.mlp_training import Trainer
from serving.budget import CostEstimate, probe_seconds_per_step
from serving.shared_jobs import Job
from ui.cache import shared_data
from ui.mlp.charts import curve_frames
from ui.mlp.settings import DEMO_PRESET, RUN_KEYS, SETTINGS, RunSpec, run_description, spec_from
from ui.mlp.state import ImportedNetwork, MlpState, TrainingRun
from ui.sharing import (
    SHARE_SECONDS,
    press_budget,
    refuse_if_over,
    shared_jobs,
    training_turns,
)


@shared_data(max_entries=64)
def load_split(
    dataset: str, points: int, noise: float, data_seed: int, test_fraction: float
) -> tuple[Dataset, Dataset]:
    """(train, test) for the data settings. The lecture's four examples all train."""
    if dataset == "lecture":
        data = make_dataset("lecture")
        return data, Dataset(data.name, (), ())
    data = make_dataset(dataset, points, noise, data_seed)
    return train_test_split(data, test_fraction, data_seed)


def shared_recording(run: TrainingRun, cost: float) -> Job | None:
    """The job that trains the run these settings make, once for the process (seeded, so
    every session would train exactly these steps), in the background: the first press
    starts it, later ones follow it. None when the server keeps as many as it can."""
    budget = press_budget()

    def train(job: Job) -> None:
        turns = training_turns()
        # Checking in at every step keeps the job's place in the line however long it runs.
        record(trainer, job.result, budget=budget, cancelled=lambda: not turns.touch(job.ticket))

    trainer = Trainer(run.spec.config, run.train.X, run.train.y, run.test.X, run.test.y)
    return shared_jobs().start(
        ("mlp", run.spec), train, cost, result=Recording(run.spec.config.steps)
    )


@shared_data(max_entries=256)
def seconds_per_step(spec: RunSpec) -> float:
    """CPU seconds of one training step with these settings, measured on a throwaway trainer
    (the least of two steps). Everything that shapes a step's cost (network, data size,
    batch, loss) is in the spec; the number of steps is not, so one probe serves them all."""
    probe = replace(spec, config=replace(spec.config, steps=2))
    train, test = load_split(
        probe.dataset, probe.points, probe.noise, probe.data_seed, probe.test_fraction
    )
    trainer = Trainer(probe.config, train.X, train.y, test.X, test.y)
    return probe_seconds_per_step(lambda: trainer.step(1))


def training_estimate(run: TrainingRun) -> CostEstimate:
    """What training the rest of this run would cost (all of it, when it starts over)."""
    trainer = run.trainer
    left = trainer.config.steps if trainer.finished else trainer.config.steps - trainer.steps_done
    return CostEstimate(
        seconds_per_step(replace(run.spec, config=replace(run.spec.config, steps=1))), left
    )


def new_run(spec: RunSpec, values: dict) -> TrainingRun:
    train, test = load_split(
        spec.dataset, spec.points, spec.noise, spec.data_seed, spec.test_fraction
    )
    trainer = Trainer(spec.config, train.X, train.y, test.X, test.y)
    run = TrainingRun(spec, {key: values[key] for key in RUN_KEYS}, train, test, trainer)
    if spec.config.batch_size is not None and spec.config.batch_size >= len(train):
        run.notes.append(
            f"The batch size ({spec.config.batch_size}) is at least the number of training "
            f"points ({len(train)}), so every step uses the full batch."
        )
    return run


def adopt_import(spec: RunSpec, values: dict, imported: ImportedNetwork) -> TrainingRun:
    """A run that shows the imported network on the data the settings describe.

    It is not trained here: Train, Step and Reset start a new run from the seed's weights
    (with the file's settings intact, that run repeats the one that was saved).
    """
    run = new_run(spec, values)
    trainer = run.trainer
    shape = [trainer.nin, *(len(layer.neurons) for layer in trainer.model.layers)]
    theirs = [imported.model.nin, *(len(layer.neurons) for layer in imported.model.layers)]
    if shape != theirs:  # the file's settings make them equal; never show a wrong network
        raise ValueError(f"the page built a {shape} network for a {theirs} file")
    trainer.model.set_weights(imported.model.get_weights())
    trainer.initial_weights = tuple(trainer.model.get_weights())
    run.status, run.imported = "imported", imported.name
    run.notes.extend(imported.notes)
    return run


def settings_changed(run: TrainingRun | None, values: dict) -> bool:
    return run is not None and any(run.settings[key] != values[key] for key in RUN_KEYS)


def log_run(state: MlpState, run: TrainingRun) -> None:
    """Put an ended run (finished or diverged) into this user's compare-runs log."""
    loss, _ = curve_frames(run.trainer.history, full_batch=True)  # train and test, no batch
    curves = pd.DataFrame(
        {"step": loss["step"], "value": loss["value"], "series": loss["curve"] + " loss"}
    )
    last = run.trainer.history[-1]
    divergence = run.trainer.divergence
    summary = {
        "outcome": f"diverged at step {divergence.step}" if divergence else "finished",
        "last train loss": last.train_loss,
        "last train accuracy": f"{last.train_accuracy:.1%}",
    }
    if last.test_accuracy is not None:
        summary["last test accuracy"] = f"{last.test_accuracy:.1%}"
    state.run_log.record(run_description(run.settings), curves, summary)


def settle(state: MlpState, run: TrainingRun) -> None:
    """After some training: log the run if it has just ended, and give its turn back."""
    if run.settle():
        log_run(state, run)
    end_turn(run)


def current_run(state: MlpState, *, restart: bool = False) -> TrainingRun | None:
    """The run to show for the current settings (made when there is none, or when the
    settings changed and the run has nothing to lose, or `restart`). None, with
    state.settings_error saying why, when the settings make no network."""
    values = SETTINGS.values
    run = state.run
    try:
        spec = spec_from(values)
        replace = run is None or (run.imported is not None and restart)
        if not replace and settings_changed(run, values):
            replace = run.untouched or restart
        if replace:
            run = new_run(spec, values)
    except ValueError as error:
        state.settings_error = f"These settings do not make a network to train: {error}"
        return run
    state.settings_error = None
    state.run = run
    return run


def apply_presses(state: MlpState) -> None:
    """Carry out the page's presses, before its widgets are drawn (see ui/state.py)."""
    from ui.mlp.files import read_network_file  # files.py draws with run.py's helpers

    previous = state.run
    for press in state.take_presses():
        state.refusal = None  # a press answers the last refusal, whatever it was
        if press.name == "fit-budget":
            SETTINGS.set("steps", press.args[0])
            start_training(state)
        elif press.name == "demo":
            SETTINGS.update(DEMO_PRESET)
            start_training(state)
        elif press.name == "train":
            start_training(state)
        elif press.name == "upload":
            imported = read_network_file(state)
            if imported is not None:
                try:
                    state.run = adopt_import(spec_from(SETTINGS.values), SETTINGS.values, imported)
                except ValueError as error:
                    state.settings_error = f"The network cannot be shown: {error}"
        elif press.name == "pause":
            if state.training:
                state.run.status = "paused"
        elif press.name == "step":
            run = current_run(state, restart=True)
            if run is not None and not state.training:
                if run.trainer.finished:
                    run.restart()
                if run.shared is not None:
                    run.replay_steps(1)
                else:
                    run.trainer.step(1)
                run.status = "paused"
                settle(state, run)
        elif press.name == "reset":
            run = current_run(state, restart=True)
            if run is not None:
                run.restart()
                run.status, run.steps_per_second = "ready", None
        elif press.name == "torch":
            run = state.run
            if run is not None and run.trainer.steps_done and not state.training:
                from models.mlp_torch import compare_with_torch  # torch loads only when asked

                run.torch_check = compare_with_torch(run.trainer)
    end_turn(previous)
    end_turn(state.run)


def start_training(state: MlpState) -> None:
    """Start (or go on with) the run, if its cost fits the budget; it then joins the line."""
    run = current_run(state, restart=True)
    if run is None or state.training:
        return
    estimate = training_estimate(run)
    what = f"{estimate.steps:,} steps of this network on {len(run.train):,} points"
    state.refusal = refuse_if_over(what, estimate, SETTINGS.values)
    if state.refusal is None:
        shared = estimate.seconds <= SHARE_SECONDS and run.imported is None
        run.shared = (
            shared_recording(run, estimate.seconds) if shared and recordable(run.trainer) else None
        )
        run.start(press_budget())
        if run.shared is None:  # a shared run's job has the place in the line, not the run
            run.ticket = training_turns().join(estimate.seconds)


def end_turn(run: TrainingRun | None) -> None:
    """Give the run's place in the line back once it no longer trains."""
    if run is not None and run.ticket is not None and run.status != "training":
        training_turns().leave(run.ticket)
        run.ticket = None
