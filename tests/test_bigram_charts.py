"""Chart builders of the Bigram page (ui/bigram_charts.py), checked on small hand-made tables.
The table comparisons behind them are tested in test_ngram_compare.py."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.colour_vision import contrast
from ui.bigram.charts import (
    CELL_RANGE,
    HEATMAP_SELECTION,
    OUTLINED_ROW,
    cell_colour,
    count_heatmap,
    network_diagram,
    probability_rows,
    selected_context,
    value_heatmap,
    with_param,
)
from ui.bigram.curves import (
    engine_torch_curves,
    engine_torch_gaps,
    length_histogram,
    loss_curves,
    walk_probabilities,
    walk_running_totals,
)

ITOS = (".", "a", "b")
COUNTS = [[0, 3, 1], [2, 0, 5], [4, 1, 0]]


def rows_of(spec: dict) -> list[dict]:
    return [row for data in spec.get("datasets", {}).values() for row in data]


def test_count_heatmap_labels_every_cell_with_its_ngram_and_count():
    spec = count_heatmap(COUNTS, list(ITOS), ITOS, selected_row="a").to_dict()
    cells = rows_of(spec)
    assert len(cells) == 9
    by_ngram = {c["ngram"]: c for c in cells}
    assert by_ngram["ab"]["count"] == 5 and by_ngram[".a"]["count"] == 3
    assert by_ngram["b."]["count"] == 4
    # White labels only where the cell is dark enough that white contrasts more than black
    # (here from 4/5 of the largest count up); every label reaches 4.5:1 either way.
    assert {c["ngram"] for c in cells if c["label"] == "#ffffff"} == {"ab", "b."}
    for cell in cells:
        background = cell_colour(cell["count"] / 5)
        assert contrast(cell["label"], np.array(background) / 255) >= 4.5, cell
    rect, ngram_text, count_text = spec["layer"]
    assert rect["mark"]["type"] == "rect"
    # Colours interpolated in sRGB, so cell_colour is the colour Vega draws.
    assert rect["encoding"]["color"]["scale"]["interpolate"] == "rgb"
    assert rect["encoding"]["color"]["scale"]["range"] == list(CELL_RANGE)
    assert ngram_text["encoding"]["fill"]["field"] == "label"
    assert ngram_text["encoding"]["text"]["field"] == "ngram"
    assert count_text["encoding"]["text"]["field"] == "count"
    # Rows and columns keep vocabulary order ('.' first), as in the lecture's figure.
    assert rect["encoding"]["x"]["sort"] == list(ITOS)
    params = {p["name"]: p for p in spec["params"]}
    assert params[HEATMAP_SELECTION]["select"]["fields"] == ["context"]
    # The outline is drawn where the row parameter names the cell's context.
    assert params[OUTLINED_ROW]["value"] == "a"
    assert OUTLINED_ROW in rect["encoding"]["stroke"]["condition"]["test"]


def test_with_param_moves_the_outline_without_copying_the_data():
    spec = count_heatmap(COUNTS, list(ITOS), ITOS, selected_row="a").to_dict()
    moved = with_param(spec, OUTLINED_ROW, "b")
    assert {p["name"]: p.get("value") for p in moved["params"]}[OUTLINED_ROW] == "b"
    assert {p["name"]: p.get("value") for p in spec["params"]}[OUTLINED_ROW] == "a"
    assert moved["datasets"] is spec["datasets"]


def test_count_heatmap_refuses_labels_that_do_not_fit():
    with pytest.raises(ValueError, match="does not fit"):
        count_heatmap(COUNTS, [".", "a"], ITOS)


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ({"selection": {HEATMAP_SELECTION: [{"context": "e"}]}}, "e"),
        ({"selection": {HEATMAP_SELECTION: [{"context": "em"}]}}, "em"),
        ({"selection": {HEATMAP_SELECTION: []}}, None),
        ({"selection": {}}, None),
        (None, None),
    ],
)
def test_selected_context_reads_streamlits_selection_state(state, expected):
    assert selected_context(state) == expected


def test_value_heatmap_leaves_infinite_cells_blank_and_shares_a_domain():
    table = np.array([[0.5, -math.inf], [1.0, -2.0]])
    spec = value_heatmap(table, [".", "a"], [".", "a"], domain=(-3, 3)).to_dict()
    values = sorted(r["value"] for r in rows_of(spec))
    assert values == [-2.0, 0.5, 1.0]
    scale = spec["encoding"]["color"]["scale"]
    assert scale["domain"] == [-3, 3] and scale["domainMid"] == 0


def test_loss_curves_leave_out_an_infinite_reference_and_zoom_on_the_ends():
    spec = loss_curves(
        [3.0, 2.6, 2.5],
        [3.1, 2.7, 2.55],
        {"counts, train": 2.45, "counts, dev": math.inf},
        zoom=True,
    ).to_dict()
    rows = rows_of(spec)
    assert {r["line"] for r in rows if "line" in r} == {"counts, train"}
    assert sum(1 for r in rows if r.get("split") == "dev") == 3
    # The zoom spans the curves' last values and the finite line, with a little room.
    assert spec["layer"][0]["encoding"]["y"]["scale"]["domain"] == pytest.approx([2.44, 2.60])
    unzoomed = loss_curves([3.0, 2.5], None, {}).to_dict()
    assert "domain" not in unzoomed["layer"][0]["encoding"]["y"]["scale"]


def test_length_histogram_counts_words_per_length():
    spec = length_histogram(["ab", "cd", "efg", "h"]).to_dict()
    assert {(r["length"], r["words"]) for r in rows_of(spec)} == {(1, 1), (2, 2), (3, 1)}


WALK_PROBS = [[0.0, 0.6, 0.4], [0.5, 0.25, 0.25]]  # step 1 drew 'b', step 2 drew '.'


def test_walk_probabilities_hold_every_step_and_mark_each_draw():
    spec = walk_probabilities(ITOS, WALK_PROBS, ["b", "."], shown_step=2).to_dict()
    assert spec["transform"] == [{"filter": "datum.step === walk_step"}]
    assert {p["name"]: p.get("value") for p in spec["params"]}["walk_step"] == 2
    rows = rows_of(spec)
    assert len(rows) == 6
    chosen = {(r["step"], r["outcome"]) for r in rows if r["chosen"]}
    assert chosen == {(1, "b"), (2, ".")}


def test_walk_running_totals_draw_u_and_the_chosen_bar_per_step():
    cumulative = [[0.0, 0.6, 1.0], [0.5, 0.75, 1.0]]
    spec = walk_running_totals(ITOS, cumulative, [0.7, 0.1], ["b", "."]).to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["bar", "rule", "text"]
    assert all(
        layer["transform"] == [{"filter": "datum.step === walk_step"}] for layer in spec["layer"]
    )
    rows = rows_of(spec)
    assert {(r["step"], r["u"]) for r in rows if "u" in r} == {(1, 0.7), (2, 0.1)}
    # Step 1: u = 0.7 first falls below the running total at 'b' (1.0), the bar marked chosen.
    step_1 = {r["outcome"]: r for r in rows if r.get("step") == 1 and "running total" in r}
    assert step_1["b"]["chosen"] and not step_1["a"]["chosen"]
    assert step_1["a"]["running total"] <= 0.7 < step_1["b"]["running total"]


@pytest.mark.parametrize(("n", "inputs"), [(2, "27 inputs"), (3, "54 inputs")])
def test_network_diagram_names_the_lectures_layer(n, inputs):
    dot = network_diagram(n, 27)
    assert dot.startswith("digraph") and dot.rstrip().endswith("}")
    assert inputs in dot and "no bias" in dot and "softmax" in dot
    assert f"W: {(n - 1) * 27} x 27" in dot


def test_probability_rows_hold_every_row_and_show_the_chosen_one():
    counts = [[0.0, 0.5, 0.5], [0.4, 0.2, 0.4], [0.6, 0.3, 0.1]]
    neural = [[0.1, 0.45, 0.45], [0.4, 0.2, 0.4], [0.5, 0.3, 0.2]]
    spec = probability_rows(list(ITOS), ITOS, counts, neural, shown_row="b").to_dict()
    bars, ticks = spec["layer"]
    assert bars["transform"] == ticks["transform"] == [{"filter": "datum.context === shown_row"}]
    assert {p["name"]: p.get("value") for p in spec["params"]}["shown_row"] == "b"
    rows = rows_of(spec)
    row_b = {
        r["next"]: r["probability"] for r in rows if r.get("context") == "b" and "probability" in r
    }
    assert row_b == {".": 0.6, "a": 0.3, "b": 0.1}
    assert sum(1 for r in rows if "neural net" in r) == 9


def test_engine_and_torch_curves_hold_both_histories_drawn_wide_and_thin():
    spec = engine_torch_curves([3.0, 2.5, 2.4], [3.0, 2.5000002, 2.4000001]).to_dict()
    rows = rows_of(spec)
    by_method = {
        m: [r["loss"] for r in rows if r["trained with"] == m] for m in ("torch", "our engine")
    }
    assert by_method == {"torch": [3.0, 2.5000002, 2.4000001], "our engine": [3.0, 2.5, 2.4]}
    widths = {
        layer["transform"][0]["filter"]: layer["mark"]["strokeWidth"] for layer in spec["layer"]
    }
    assert sorted(widths.values()) == [1.5, 7]  # torch wide underneath, the engine on top
    with pytest.raises(ValueError, match="same number of steps"):
        engine_torch_curves([1.0], [1.0, 2.0])


def test_engine_torch_gaps_leave_out_exact_agreement_for_the_log_scale():
    spec = engine_torch_gaps([3.0, 2.5, 2.4], [3.0, 2.5000002, 2.4000001]).to_dict()
    rows = rows_of(spec)
    assert [r["step"] for r in rows] == [1, 2]  # step 0 agrees exactly: no point on a log axis
    assert rows[0]["difference"] == pytest.approx(2e-7, rel=1e-6)
    assert spec["encoding"]["y"]["scale"]["type"] == "log"
