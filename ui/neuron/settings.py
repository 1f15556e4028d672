"""The Neuron page's settings and the limits of its controls."""

from __future__ import annotations

from engine.expr import MAX_CHARACTERS
from models.neuron import ACTIVATIONS, H_CHOICES, LECTURE_NEURON, h_label
from ui.settings import PageSettings, Setting, labelled_choice

PAGE = "neuron"
WEIGHT_LIMIT = 10.0  # sliders for x1, x2, w1, w2, b
VARIABLE_LIMIT = 20.0  # sliders for a formula's variables
MAX_VARIABLES = 12  # one slider each
GRAPH_LIMIT = 120  # Values drawn; bigger graphs take long to lay out and are unreadable
HISTORY_LENGTH = 10  # nudges listed
LECTURE_FORMULA = "L = (a*b + c) * f"
LECTURE_VALUES = {"a": 2.0, "b": -3.0, "c": 10.0, "f": -2.0}
NEW_VARIABLE_VALUE = 1.0
MODES = {"neuron": "One neuron", "formula": "Your formula"}
TABS = ("Gradient check", "Step through backward", "Nudge", "What is a derivative?")


def _leaf_setting(name: str, role: str) -> Setting:
    return Setting(
        name,
        name,
        LECTURE_NEURON[name],
        min_value=-WEIGHT_LIMIT,
        max_value=WEIGHT_LIMIT,
        step=0.01,
        format="%.4f",
        widget="slider+number",
        help=role,
    )


SETTINGS = PageSettings(
    PAGE,
    [
        labelled_choice(
            "mode",
            "Explore",
            "neuron",
            MODES,
            widget="segmented",
        ),
        _leaf_setting("x1", "First input (data: a nudge leaves it alone)"),
        _leaf_setting("w1", "Weight of x1"),
        _leaf_setting("x2", "Second input (data: a nudge leaves it alone)"),
        _leaf_setting("w2", "Weight of x2"),
        _leaf_setting("b", "Bias. The lecture's 6.8813735870195432 makes n = 0.8814, o = 0.7071"),
        Setting(
            "activation",
            "Activation",
            "tanh",
            kind="choice",
            options=ACTIVATIONS,
            widget="segmented",
        ),
        Setting(
            "exp_form",
            "tanh as exponentials",
            False,
            kind="bool",
            help="The lecture's second version: e = exp(2n), o = (e - 1) / (e + 1). "
            "Same numbers, a bigger graph, and e gets its gradient from two places.",
        ),
        Setting(
            "formula",
            "Formula",
            LECTURE_FORMULA,
            kind="text",
            max_chars=MAX_CHARACTERS,
            help="+ - * / ** ( ), tanh exp log relu sigmoid, and `name =` for the output. "
            "Press Enter to apply.",
        ),
        Setting(
            "vars",
            "Variable values",
            "",
            kind="text",
            max_chars=600,
            help="name=value pairs, set by the sliders under the formula",
        ),
        Setting(
            "h",
            "Finite-difference step h",
            1e-6,
            kind="choice",
            options=H_CHOICES,
            widget="select_slider",
            option_labels=h_label,
        ),
        Setting(
            "nudge",
            "Step size",
            0.01,
            min_value=0.001,
            max_value=1.0,
            step=0.001,
            format="%.3f",
            widget="number",
            help="How far each value moves per unit of gradient",
        ),
        Setting(
            "tangent_x",
            "x",
            3.0,
            min_value=-4.0,
            max_value=4.0,
            step=0.01,
            format="%.4f",
            widget="slider+number",
        ),
    ],
)
