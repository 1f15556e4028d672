"""The MLP page: train a micrograd MLP live on 2-D data and watch the decision boundary move.

- settings.py: the settings, micrograd's demo preset and the run they describe;
- state.py: the per-user state (the run on screen, the runs to compare);
- run.py: making the run and the page's presses; controls.py: the settings and buttons;
- live.py: the live view; panels.py: compare runs, the PyTorch check; files.py: save/load;
- charts.py: the boundary, curves and tables.
"""

from ui.mlp.controls import draw_buttons, draw_controls, draw_notices
from ui.mlp.files import draw_files
from ui.mlp.live import live_view
from ui.mlp.panels import draw_compare_runs, draw_torch_check
from ui.mlp.run import apply_presses, current_run
from ui.mlp.settings import SETTINGS
from ui.mlp.state import MlpState

__all__ = [
    "SETTINGS",
    "MlpState",
    "apply_presses",
    "current_run",
    "draw_buttons",
    "draw_compare_runs",
    "draw_controls",
    "draw_files",
    "draw_notices",
    "draw_torch_check",
    "live_view",
]
