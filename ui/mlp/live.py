"""The MLP page's live view: progress, curves and the decision boundary, redrawn while it
trains.

While a run is training, the live view is a fragment with `run_every`: the browser asks for a
redraw every LIVE_TICK_SECONDS, whatever the server is doing, so a watching student costs the
server at most two fragment runs a second however fast the run goes. Each fragment run draws
the run once:
- a shared run (the class's identical settings, ui/mlp/run.py) is trained once by a background
  job; the fragment only shows its latest recorded step (a multiple of STEPS_PER_UPDATE while
  it grows, so the thirty students' charts of it are built once) and never trains or waits;
- a run of the student's own trains for up to CHUNK_SECONDS when it has its turn in the line,
  then draws (with the graph open, step by step for up to RUN_SECONDS, redrawn in place).
Any click or widget change interrupts a fragment run at its next element, and the trainer is
never left half way through a step. When training ends (finished, diverged, paused or
stopped), the page reruns as a whole once, which redraws the buttons and stops the timer.
"""

from __future__ import annotations

import time

import streamlit as st

from ui.charts import SpecCache, chart_height, described, line_chart
from ui.layout import rerunning_expander
from ui.mlp.charts import (
    curve_frames,
    decision_boundary_chart,
    grid_frame,
    points_frame,
    predictions_table,
    weights_table,
)
from ui.mlp.figures import (
    boundary_summary,
    curves_summary,
    draw_chart_tables,
    draw_graph,
    draw_metrics,
    graph_dot,
)
from ui.mlp.run import settle
from ui.mlp.settings import SETTINGS
from ui.mlp.state import MlpState, TrainingRun
from ui.sharing import draw_waiting, shared_jobs, training_turns
from ui.streamlit_private import vega_lite_spec
from ui.text import literal

STEPS_PER_UPDATE = 10  # a growing shared run is shown at every 10th step (charts built once)
LIVE_TICK_SECONDS = 0.5  # how often a watching student's browser asks for a redraw
CHUNK_SECONDS = 0.3  # a student's own run trains this long per redraw
RUN_SECONDS = 1.0  # with the graph open: step-by-step redraws in place for about this long
WAIT_TICK_SECONDS = 1.0  # how often a run waiting for its turn asks whether it has come
NEWS_POLL_SECONDS = 0.05  # how often a page following a shared run looks for a new step
STATUS_WORDS = {
    "ready": "not trained yet",
    "training": "training",
    "paused": "paused",
    "done": "finished",
    "diverged": "stopped: diverged",
    "stopped": "stopped: used this press's share of the server",
}


def live_view(state: MlpState) -> None:
    """The run's progress, charts and graph; while training, trains and redraws on a timer."""
    if state.training and state.run.shared is not None:
        # Catch up first: a shared run that has already finished shows at once, no timer.
        follow_shared(state, state.run)
    tick = None
    if state.training:
        run = state.run
        tick = LIVE_TICK_SECONDS if run.shared is not None or has_turn(run) else WAIT_TICK_SECONDS
    state.ticking = tick is not None  # the browser will ask for the fragment on a timer
    state.in_full_run = True  # the body is drawn now, in the page's run: it must not wait
    st.fragment(run_every=tick)(_live_body)()
    state.in_full_run = False


def has_turn(run: TrainingRun) -> bool:
    """Whether the training run may train now (checking in with the server's line; a run
    dropped from it, after a long silence, joins again at the end)."""
    if run.shared is not None:
        return True  # its job has the place in the line, not the run
    turns = training_turns()
    place = turns.place(run.ticket) if run.ticket is not None else None
    if place is None:
        run.ticket = turns.join()
        place = turns.place(run.ticket)
    return place.training


def follow_shared(state: MlpState, run: TrainingRun) -> None:
    """Show the shared recording's latest step: while it grows, the last multiple of
    STEPS_PER_UPDATE (every student's redraw of it is then the same chart, built once)."""
    recording = run.recording
    finished = recording.finished  # before the steps: they are final once it is
    steps = recording.steps
    if not finished:
        steps -= steps % STEPS_PER_UPDATE
    if steps > run.trainer.steps_done or finished:
        run.replay_steps(max(steps - run.trainer.steps_done, 0))
    run.waiting = run.shared.started_at is None
    run.measure_rate()
    settle(state, run)


def wait_for_news(run: TrainingRun, timeout: float) -> None:
    """In a fragment run that follows a shared run: wait, on the clock and with no CPU,
    until the recording has a newer step to show than this student's page does, or has
    ended, for at most `timeout`. The timer's next requests wait behind this run (Streamlit
    folds them into one), so a watching student costs a redraw only when there is something
    new, and sees the end as soon as it comes."""
    deadline = time.monotonic() + timeout
    shown = run.trainer.steps_done
    while time.monotonic() < deadline:
        recording = run.recording
        if (
            recording.finished
            or recording.steps >= shown + STEPS_PER_UPDATE - shown % STEPS_PER_UPDATE
        ):
            return
        run.shared.done.wait(NEWS_POLL_SECONDS)


def draw_shared_waiting(run: TrainingRun) -> None:
    """A shared run's job still waiting for its turn: its place, and about how long."""
    jobs = shared_jobs()
    place = jobs.place(run.shared)
    if place is not None:
        draw_waiting(place, "press Pause to stop waiting", jobs.wait_seconds(run.shared))


def _live_body() -> None:
    state = MlpState.get()
    run = state.run
    if run is None:
        return
    if run.status == "training" and run.shared is not None:
        if not state.in_full_run:
            wait_for_news(run, LIVE_TICK_SECONDS)
        follow_shared(state, run)
        if run.waiting:
            draw_shared_waiting(run)
    elif run.status == "training" and not has_turn(run):
        run.waiting = True
        turns = training_turns()
        draw_waiting(turns.place(run.ticket), "press Pause to leave the line")
        draw_run(run)
        return
    elif run.waiting:  # its turn has come: a full run sets the fragment's faster timer
        run.waiting = False
        st.rerun()
    view = st.empty()
    # The graph and the weights are computed only while their expander is open.
    graph_box = rerunning_expander(
        "Computation graph of one point's loss", "mlp.graph-open", icon=":material/account_tree:"
    )
    graph_slot = graph_box.empty()
    weights_box = rerunning_expander("Weights", "mlp.weights-open", icon=":material/table:")
    tables_box = rerunning_expander(
        "The charts' data as tables", "mlp.tables-open", icon=":material/table_view:"
    )
    started = time.perf_counter()
    # An open graph of a run of one's own is followed step by step, redrawn in place.
    follow = graph_box.open and run.shared is None and graph_dot(run, SETTINGS["point"])
    while True:
        if run.status == "training" and run.shared is None:
            run.advance(CHUNK_SECONDS, 1 if follow else None)
            settle(state, run)
        with view.container():
            draw_run(run)
        if graph_box.open:
            with graph_slot.container():
                draw_graph(run)  # a closed graph costs nothing
        if not follow or run.status != "training" or time.perf_counter() - started > RUN_SECONDS:
            break
    if weights_box.open:
        with weights_box:
            if run.status == "training":  # a table nobody can read while it changes
                st.caption("Shown when training pauses or ends.")
            else:
                table = weights_table(run.trainer.model, run.trainer.initial_weights)
                st.dataframe(table, hide_index=True, width="stretch")
    if tables_box.open:
        with tables_box:
            if run.status == "training":
                st.caption("Shown when training pauses or ends.")
            else:
                draw_chart_tables(run)
    if run.status != "training" and state.ticking:
        # Redraw the buttons and stop the fragment's timer. Not only right after the last
        # step: on a busy server the fragment run that ended training can be cut short by
        # the next tick before it gets here, and the timer would tick on forever.
        st.rerun()


def status_text(run: TrainingRun) -> str:
    trainer = run.trainer
    if run.imported is not None:
        return (
            f"Imported from {literal(run.imported)}: the saved weights, not trained here. "
            f"Train starts a new run of {trainer.config.steps} steps from the seed's weights."
        )
    rate = f" · {run.steps_per_second:.0f} steps/s" if run.steps_per_second is not None else ""
    status = "waiting for its turn" if run.waiting else STATUS_WORDS[run.status]
    if run.shared is not None and run.status == "training" and not run.waiting:
        status = "training once on the server for everyone who pressed these settings"
    text = f"Step {trainer.steps_done} of {trainer.config.steps} · {status}"
    text += rate
    compute = trainer.compute_seconds
    if trainer.steps_done and compute > 0:
        text += f" (training alone: {trainer.steps_done / compute:.0f} steps/s)"
    return text


def draw_run(run: TrainingRun) -> None:
    trainer = run.trainer
    st.progress(min(trainer.steps_done / trainer.config.steps, 1.0), text=status_text(run))
    if trainer.divergence is not None:
        st.error(trainer.divergence.message, icon=":material/warning:")
    draw_metrics(run)
    left, right = st.columns([3, 2])
    with left:
        if trainer.nin == 2:
            chart = run_chart(
                run,
                "mlp-boundary",
                lambda: decision_boundary_chart(
                    grid_frame(trainer.model, run.train, run.test),
                    points_frame(run.train, run.test),
                ),
            )
            draw_chart(chart, boundary_summary(run))
            st.caption(
                "Background: the network's score (blue: predicts +1, orange: predicts -1, "
                "white: the boundary). Points: class +1 blue circles, class -1 orange squares; "
                "training points filled, test points hollow."
            )
        else:
            st.markdown("**Predictions** (3-D inputs: no boundary to draw)")
            table = predictions_table(trainer.model, run.train, run.test)
            st.dataframe(table, hide_index=True, width="stretch")
    with right:
        if not trainer.history:
            st.caption("The loss and accuracy curves appear when training starts.")
            return
        for index, (title, height) in enumerate((("Loss", 200), ("Accuracy", 160))):

            def build(index=index, title=title, height=height):
                data = curve_frames(trainer.history, trainer.full_batch)[index]
                chart = line_chart(
                    data,
                    x="step",
                    y="value",
                    series="curve",
                    title=title,
                    y_title=title.lower(),
                    height=chart_height(height),
                )
                return chart, curves_summary(title, data)

            chart, summary = run_chart(run, f"mlp-{title}", build)
            draw_chart(chart, summary)


def run_chart(run: TrainingRun, name: str, build):
    """What `build()` makes of the run as it is now (a chart, or a chart and its summary),
    with each chart as a finished spec where it is kept for the class.

    A run that is not imported is fixed by its settings and its step (everything is seeded),
    so every student's chart of it at that step is the same: it is built once for the
    process at the steps a class shares (step 0, which every first visit draws; each
    STEPS_PER_UPDATE-th step of a shared run; the end). Other steps of one student's own run
    would only churn the shared store."""
    trainer = run.trainer
    steps = trainer.steps_done
    shared_step = run.shared is not None and steps % STEPS_PER_UPDATE == 0
    if run.imported is not None or not (steps == 0 or trainer.finished or shared_step):
        return build()
    key = (run.spec, steps, trainer.finished)

    def finished_spec():
        built = build()
        if isinstance(built, tuple):
            return (vega_lite_spec(built[0]), *built[1:])
        return vega_lite_spec(built)

    return SpecCache().get(name, key, finished_spec)


def draw_chart(chart, summary: str) -> None:
    if isinstance(chart, dict):  # a finished spec from the store: Streamlit gets a copy
        st.vega_lite_chart(spec=described(chart, summary), width="stretch")
    else:
        st.altair_chart(described(chart, summary), width="stretch")
