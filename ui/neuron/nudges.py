"""Nudges: one step of gradient ascent or descent on the weights, by hand, with undo; and the
page's presses (walk moves and nudges), taken before any widget is drawn."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from engine import Value
from models.neuron import NEURON_WEIGHTS, nudge
from ui.neuron.graph import backpropagated
from ui.neuron.problem import Problem, current_problem, save_values
from ui.neuron.settings import HISTORY_LENGTH, SETTINGS, VARIABLE_LIMIT, WEIGHT_LIMIT
from ui.neuron.state import NeuronState
from ui.text import literal

NUDGE_BUTTONS = (
    ("Nudge up", "up", 1, ":material/arrow_upward:"),
    ("Nudge down", "down", -1, ":material/arrow_downward:"),
)


def apply_presses(state: NeuronState) -> None:
    """Carry out the page's presses, before its widgets are drawn (see ui/state.py)."""
    for press in state.take_presses():
        if press.name == "walk":
            key, position = press.args
            if key == state.walk_key:  # a press on a walk since replaced does nothing
                state.walk_position = max(0, position)
        elif press.name == "nudge":
            make_nudge(state, current_problem(state).problem, press.args[0])
        elif press.name == "undo":
            undo_nudges(state, current_problem(state).problem)


def make_nudge(state: NeuronState, problem: Problem, direction: int) -> None:
    root, leaves = backpropagated(problem)
    limit = WEIGHT_LIMIT if problem.nudged == NEURON_WEIGHTS else VARIABLE_LIMIT
    grads = {name: leaves[name].grad for name in problem.values}
    step = SETTINGS["nudge"]
    result = nudge(
        problem.values, grads, problem.nudged, step, direction=direction, limits=(-limit, limit)
    )
    try:
        after = problem.graph(result.values)[0].data
    except ValueError as error:
        state.note = f"This nudge was not made: {literal(str(error))}"
        return
    history = state.history_for(problem.expression.text)
    if not history.rows:
        history.start = dict(problem.values)
    row = {
        "nudge": "up" if direction > 0 else "down",
        "step": step,
        "before": root.data,
        "after": after,
        "change": after - root.data,
        "predicted": result.predicted_change,
    }
    history.rows = [*history.rows, row][-HISTORY_LENGTH:]
    if result.clipped:
        state.note = (
            f"{literal(', '.join(result.clipped))} reached the edge of its range (±{limit:g}) and "
            "moved only that far."
        )
    save_values(problem, result.values)


def undo_nudges(state: NeuronState, problem: Problem) -> None:
    history = state.history_for(problem.expression.text)
    if history.start is not None:
        save_values(problem, history.start)
    history.rows, history.start = [], None


def show_nudges(problem: Problem, root: Value, state: NeuronState) -> None:
    what = (
        "the weights and the bias (w1, w2, b; the inputs x1, x2 are data and stay put)"
        if problem.nudged == NEURON_WEIGHTS
        else f"every variable ({literal(', '.join(problem.nudged)) or 'there are none'})"
    )
    st.markdown(
        f"A nudge moves {what} a small step along its gradient: "
        "value += step × grad to raise the output, -= to lower it. That is one step of "
        "gradient descent, the whole of training in one neuron. To first order the output "
        "changes by step × Σ grad²."
    )
    SETTINGS.widget("nudge", st.columns(3)[0])
    history = state.history_for(problem.expression.text)
    up, down, undo = st.columns(3)
    for column, (label, name, direction, icon) in zip((up, down), NUDGE_BUTTONS, strict=True):
        NeuronState.button(
            column,
            label,
            f"neuron.nudge-{name}",
            ("nudge", direction),
            icon=icon,
            disabled=not problem.nudged,
            width="stretch",
        )
    NeuronState.button(
        undo,
        "Undo all nudges",
        "neuron.nudge-reset",
        ("undo",),
        icon=":material/undo:",
        disabled=not history.rows,
        width="stretch",
    )
    if state.note:
        st.warning(state.note, icon=":material/warning:")
        state.note = None
    if history.rows:
        st.dataframe(
            pd.DataFrame(history.rows),
            hide_index=True,
            width="stretch",
            column_config={
                name: st.column_config.NumberColumn(format="%.6f")
                for name in ("before", "after", "change", "predicted")
            },
            key="neuron.nudge-history",
        )
        st.caption(
            f"The last {HISTORY_LENGTH} nudges. 'predicted' is ± step × Σ grad²: close "
            "to the real change for small steps, further off for large ones."
        )
