"""The Neuron page's tabs: the gradient check, the step-through of backpropagation, and the
derivative the lecture opens with. (Nudges are in ui/neuron/nudges.py.)"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd
import streamlit as st

from engine import Value
from engine.graph import to_dot
from models.backprop_walk import chain_rule_lines, walk_to
from models.gradient_check import gradient_check
from models.neuron import difference_table, h_label, parabola, parabola_slope
from ui.charts import chart_height, configure_text, described
from ui.neuron.graph import show_graph
from ui.neuron.problem import Problem
from ui.neuron.settings import GRAPH_LIMIT, SETTINGS
from ui.neuron.state import NeuronState

PRECISE = st.column_config.NumberColumn(format="%.10f")
ERROR = st.column_config.NumberColumn(format="%.1e")
SLOPE = st.column_config.NumberColumn(format="%.12f")


def _difference_text(x: float) -> str:
    return "n/a" if not math.isfinite(x) else f"{x:.1e}"


# ---- gradient check -----------------------------------------------------------------------


def show_gradient_check(problem: Problem, leaves: dict[str, Value]) -> None:
    h = SETTINGS.widget("h")
    check = gradient_check(problem.expression, problem.values, leaves, h)
    if check.table.empty:
        st.info("This formula has no variables, so there is nothing to differentiate.")
        return
    st.dataframe(
        check.table,
        hide_index=True,
        width="stretch",
        column_config={
            "value": st.column_config.NumberColumn(format="%.4f"),
            "engine grad": PRECISE,
            "finite difference": PRECISE,
            "torch grad": PRECISE,
            "|fd - engine|": ERROR,
            "|torch - engine|": ERROR,
        },
    )
    left, right = st.columns(2)
    left.metric(
        f"Largest |finite difference - engine| at h = {h_label(h)}",
        _difference_text(check.largest_fd_difference),
    )
    right.metric("Largest |torch - engine|", _difference_text(check.largest_torch_difference))
    for note in check.notes:
        st.warning(note, icon=":material/warning:")
    st.caption(
        "Finite difference: (f(x + h) - f(x - h)) / 2h on the same formula with plain floats. "
        "Its error shrinks like h² as h gets smaller, until rounding (about 1e-16 / h) takes "
        "over: slide h down to 1e-10 or 1e-12 and watch the difference grow again. torch "
        "computes the same derivatives by its own autograd in float64 and agrees with the "
        "engine to about 1e-16."
    )


# ---- step-through backward ----------------------------------------------------------------

WALK_MOVES = (
    ("Reset", "reset", ":material/first_page:"),
    ("Previous", "previous", ":material/chevron_left:"),
    ("Next", "next", ":material/chevron_right:"),
    ("Run all", "run-all", ":material/last_page:"),
)


def show_step_through(problem: Problem, state: NeuronState) -> None:
    walk = walk_to(problem.graph(), state.walk_position_for(problem.key))
    position, total = len(walk.steps), walk.total
    targets = {"reset": 0, "previous": position - 1, "next": position + 1, "run-all": total}
    disabled = {
        "reset": position == 0,
        "previous": position == 0,
        "next": position == total,
        "run-all": position == total,
    }
    for column, (label, move, icon) in zip(st.columns(4), WALK_MOVES, strict=True):
        NeuronState.button(
            column,
            label,
            f"neuron.walk-{move}",
            ("walk", problem.key, targets[move]),
            icon=icon,
            disabled=disabled[move],
            width="stretch",
        )
    st.progress(position / total if total else 0.0, text=f"Step {position} of {total}")
    if position == 0:
        st.markdown(
            "Press **Next**: backpropagation visits the nodes from the output back "
            "to the leaves (reverse topological order), so each node's gradient is "
            "complete before it is passed on."
        )
    else:
        st.markdown("\n".join(chain_rule_lines(walk)))
    current = walk.steps[-1].node if walk.steps else None
    reached = walk.reached()
    show_graph(
        lambda: to_dot(
            walk.root,
            highlight=current,
            color_by_grad=True,
            grad_mask=reached,
            rankdir="TB",
            max_nodes=GRAPH_LIMIT,
        ),
        total,
        "neuron-walk-graph",
    )
    st.caption(
        "Thick purple outline: the node whose turn it is. `grad ?`: not reached yet. "
        "A node that feeds several others collects a contribution from each."
    )
    grads = [repr(leaf.grad) if leaf in reached else "?" for leaf in walk.leaves.values()]
    st.dataframe(
        pd.DataFrame({"leaf": list(walk.leaves), "grad so far": grads}),
        hide_index=True,
        key="neuron.walk-grads",
    )


# ---- the derivative itself ----------------------------------------------------------------

PARABOLA_X = [i / 20 for i in range(-100, 101)]  # -5 .. 5
PARABOLA_CURVE = pd.DataFrame({"x": PARABOLA_X, "f(x)": [parabola(x) for x in PARABOLA_X]})


def derivative_chart(x: float) -> alt.LayerChart:
    """f(x) = 3x² - 4x + 5 with its tangent at x (slope 6x - 4) and the point of contact."""
    slope, y = parabola_slope(x), parabola(x)
    ends = [x - 2.0, x + 2.0]
    tangent = pd.DataFrame({"x": ends, "f(x)": [y + slope * (t - x) for t in ends]})
    x_scale = alt.Scale(domain=[-5, 5])
    y_scale = alt.Scale(domain=[-20, 110])
    encode = {"x": alt.X("x:Q", scale=x_scale), "y": alt.Y("f(x):Q", scale=y_scale)}
    curve = alt.Chart(PARABOLA_CURVE).mark_line(color="#1f77b4", clip=True).encode(**encode)
    line = alt.Chart(tangent).mark_line(color="#ff7f0e", strokeWidth=2, clip=True).encode(**encode)
    point = (
        alt.Chart(pd.DataFrame({"x": [x], "f(x)": [y]}))
        .mark_point(color="#ff7f0e", size=80, filled=True)
        .encode(
            **encode,
            tooltip=[alt.Tooltip("x:Q", format=".4f"), alt.Tooltip("f(x):Q", format=".4f")],
        )
    )
    title = f"f(x) = 3x² - 4x + 5 and its tangent at x = {x:.4g} (slope {slope:.4g})"
    chart = alt.layer(curve, line, point).properties(title=title, height=chart_height(300))
    return configure_text(chart)


def show_derivative() -> None:
    st.markdown(
        "The lecture opens here: the derivative of f at x is how much f moves per unit "
        "nudge of x, (f(x + h) - f(x)) / h as h shrinks: the slope of the tangent."
    )
    x = SETTINGS.widget("tangent_x")
    chart_column, numbers = st.columns([3, 2])
    summary = (
        f"The parabola f(x) = 3x² - 4x + 5 and its tangent at x = {x:.4g}, where "
        f"f = {parabola(x):.4g} and the slope is {parabola_slope(x):.4g}."
    )
    chart_column.altair_chart(described(derivative_chart(x), summary), width="stretch")
    with numbers:
        st.metric("f(x)", f"{parabola(x):.6g}")
        st.metric("Exact slope 6x - 4", f"{parabola_slope(x):.6g}")
        st.caption("At x = 3: f = 20, slope 14; at x = 2/3 the slope is 0 (the bottom).")
    table = difference_table(x)
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            column: SLOPE if "error" not in column else ERROR
            for column in table.columns
            if column != "h"
        },
        key="neuron.differences",
    )
    st.caption(
        "The one-sided difference the lecture uses is off by 3h here; the central difference "
        "has no h² error for a parabola, so only rounding is left. Both go wrong for tiny h, "
        "where f(x + h) - f(x) keeps only a few significant digits."
    )
