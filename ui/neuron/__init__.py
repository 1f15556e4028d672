"""The Neuron page: one neuron (or a typed formula) as a live graph, a gradient check against
finite differences and torch, a step-through of backpropagation, nudges (gradient descent by
hand) and the lecture's first derivative.

- settings.py: the page's settings and limits; state.py: its per-user state;
- problem.py: what is drawn (the neuron or a formula) and its controls;
- graph.py: the computation graph; panels.py: the tabs; nudges.py: nudges and the presses.
"""

from ui.neuron.graph import backpropagated, show_full_graph
from ui.neuron.nudges import apply_presses, show_nudges
from ui.neuron.panels import show_derivative, show_gradient_check, show_step_through
from ui.neuron.problem import draw_controls
from ui.neuron.settings import SETTINGS, TABS
from ui.neuron.state import NeuronState

__all__ = [
    "SETTINGS",
    "TABS",
    "NeuronState",
    "apply_presses",
    "backpropagated",
    "draw_controls",
    "show_derivative",
    "show_full_graph",
    "show_gradient_check",
    "show_nudges",
    "show_step_through",
]
