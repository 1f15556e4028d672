"""The app's colours: WCAG 2.1 AA contrast of the theme (light and dark), of chart colours and
of the computation graph's node text, and colour pairs that stay apart for protanopia and
deuteranopia (simulated with Machado et al.'s matrices, tests/colour_vision.py)."""

from __future__ import annotations

import itertools
import tomllib

import numpy as np
import pytest

from engine.graph import HIGHLIGHT_COLOR, grad_color
from tests.colour_vision import blend, contrast, difference, rgb, simulate
from tests.conftest import REPO_ROOT
from ui.bigram.charts import CHOSEN_COLOR
from ui.charts import REFERENCE_COLORS, SERIES_COLORS
from ui.mlp.charts import NEGATIVE_COLOR, POSITIVE_COLOR

THEME = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text())["theme"]
DEFICIENCIES = ("protanopia", "deuteranopia")
APART = 20.0  # CIE76: clearly different colours


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_the_theme_meets_aa_contrast(mode):
    theme = THEME[mode]
    background, text = theme["backgroundColor"], theme["textColor"]
    assert contrast(text, background) >= 7.0  # body text (AAA, in fact)
    # Captions and other quiet text: Streamlit draws them in the text colour at 60%.
    assert contrast(blend(text, 0.6, background), rgb(background)) >= 4.5
    assert contrast(text, theme["secondaryBackgroundColor"]) >= 4.5  # sidebar, inputs
    assert contrast(theme["linkColor"], background) >= 4.5
    assert contrast(blend(theme["codeTextColor"], 0.6, background), rgb(background)) >= 4.5
    primary = theme["primaryColor"]
    # A control (slider, toggle, a chosen segment's border) stands out at 3:1 (WCAG 1.4.11).
    assert contrast(primary, background) >= 3.0
    assert contrast(primary, theme["secondaryBackgroundColor"]) >= 3.0
    # A chosen segment's text, drawn in the text colour (ui/streamlit_private.py), on the
    # segment's primary tint.
    assert contrast(rgb(text), blend(primary, 0.2, background)) >= 4.5


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_the_primary_button_text_is_readable(mode):
    assert contrast("#ffffff", THEME[mode]["primaryColor"]) >= 4.5


@pytest.mark.parametrize("colour", [*SERIES_COLORS, *REFERENCE_COLORS, CHOSEN_COLOR])
def test_chart_colours_stand_out_from_a_white_page(colour):
    assert contrast(colour, "#ffffff") >= 3.0  # WCAG 1.4.11: graphics need 3:1


@pytest.mark.parametrize("strength", np.linspace(0.0, 1.0, 11))
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_graph_node_text_is_readable_on_every_fill(strength, sign):
    fill = grad_color(sign * strength, 1.0) if strength else "#ffffff"
    assert contrast("#000000", fill) >= 4.5  # Graphviz writes node text in black


def test_the_step_through_outline_stands_out():
    assert contrast(HIGHLIGHT_COLOR, "#ffffff") >= 3.0
    assert contrast(HIGHLIGHT_COLOR, grad_color(1.0, 1.0)) >= 3.0


def pairs_that_must_differ() -> dict[str, tuple[str, str]]:
    pairs = {
        "classes -1 / +1": (NEGATIVE_COLOR, POSITIVE_COLOR),
        "gradient - / +": (grad_color(-1.0, 1.0), grad_color(1.0, 1.0)),
        "chosen / other bar": (CHOSEN_COLOR, SERIES_COLORS[0]),
    }
    for (i, a), (j, b) in itertools.combinations(enumerate(SERIES_COLORS[:4]), 2):
        pairs[f"series {i} / {j}"] = (a, b)
    return pairs


@pytest.mark.parametrize("deficiency", DEFICIENCIES)
@pytest.mark.parametrize("pair", list(pairs_that_must_differ()))
def test_colour_pairs_stay_apart_with_colour_blindness(deficiency, pair):
    a, b = (rgb(colour) for colour in pairs_that_must_differ()[pair])
    assert difference(a, b) >= APART  # for everyone
    assert difference(simulate(a, deficiency), simulate(b, deficiency)) >= APART, pair


@pytest.mark.parametrize("deficiency", DEFICIENCIES)
def test_the_simulation_merges_what_it_should(deficiency):
    """Not vacuous: red against green, the classic confusion, comes out far closer."""
    red, green = rgb("#d62728"), rgb("#2ca02c")
    seen = difference(simulate(red, deficiency), simulate(green, deficiency))
    assert seen < difference(red, green) / 3
