"""Neuron: tweak one neuron (or your own formula) and watch the gradients flow through it."""

import streamlit as st

from ui import neuron
from ui.layout import page_header
from ui.site import NEURON

page_header(
    neuron.SETTINGS,
    NEURON,
    intro=(
        "Move a weight and watch the lecture's neuron change: every box shows its value and its "
        "gradient d o / d node, blue where raising the node raises o, red where it lowers it. "
        "Check those gradients against torch and finite differences, walk backpropagation one "
        "node at a time to see the chain rule, and nudge the weights to push o up or down: "
        "gradient descent in one neuron. Under *Your formula*, type any expression, starting "
        "with the lecture's `L = (a*b + c) * f`."
    ),
    lecture_label="The spelled-out intro to neural networks and backpropagation: "
    "building micrograd",
)
state = neuron.NeuronState.get()
neuron.apply_presses(state)

problem = neuron.draw_controls(state)
root, leaves = neuron.backpropagated(problem)
neuron.show_full_graph(problem, root)

# Only the open tab runs (on_change="rerun"), so a slider move costs one tab's work.
check, walk, nudges, derivative = st.tabs(neuron.TABS, key="neuron.tab", on_change="rerun")
if check.open:
    with check:
        neuron.show_gradient_check(problem, leaves)
if walk.open:
    with walk:
        neuron.show_step_through(problem, state)
if nudges.open:
    with nudges:
        neuron.show_nudges(problem, root, state)
if derivative.open:
    with derivative:
        neuron.show_derivative()
