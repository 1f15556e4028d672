"""The Bigram page: makemore part 1's character model built twice, by counting and as a
one-layer neural net, side by side; then compared, sampled, scored and opened up.

- settings.py: the settings; state.py: the per-user state; presses.py: the page's presses;
- data.py: the words (built-in or uploaded) and the counts model; training.py: the net;
- words.py, counting.py, network.py, comparison.py, inside.py, files.py: the panels, in the
  order the page shows them; charts.py and curves.py: the chart builders.

What is shared between users and what is not: the built-in name lists, the fitted counts
models and torch runs on the built-in names are shared (bounded, never changed after they are
built); an upload, nets trained on it or with our engine, and the page's chart cache live in
the user's BigramState.
"""

from ui.bigram.comparison import comparison, samples, score_word
from ui.bigram.counting import count_table, counts_column
from ui.bigram.files import save_load_compare
from ui.bigram.inside import inside_network, walk_through
from ui.bigram.lecture import lecture_figures
from ui.bigram.network import neural_column, train_before_drawing
from ui.bigram.presses import apply_presses
from ui.bigram.settings import INTRO, SETTINGS
from ui.bigram.state import BigramState
from ui.bigram.words import data_panel

__all__ = [
    "INTRO",
    "SETTINGS",
    "BigramState",
    "apply_presses",
    "comparison",
    "count_table",
    "counts_column",
    "data_panel",
    "inside_network",
    "lecture_figures",
    "neural_column",
    "samples",
    "save_load_compare",
    "score_word",
    "train_before_drawing",
    "walk_through",
]
