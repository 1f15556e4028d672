"""ui/charts.py: builders return charts whose spec carries the data and encodings asked for."""

from __future__ import annotations

import pandas as pd

from ui.charts import distribution_bars, line_chart


def spec_data(spec: dict) -> list[list[dict]]:
    return list(spec.get("datasets", {}).values())


def test_line_chart_draws_every_series_and_the_reference_line():
    history = pd.DataFrame(
        {
            "step": [0, 1, 2, 0, 1, 2],
            "loss": [3.0, 2.8, 2.6, 3.1, 2.9, 2.7],
            "split": ["train"] * 3 + ["dev"] * 3,
        }
    )
    spec = line_chart(
        history, x="step", y="loss", series="split", reference_lines={"counts": 2.45}
    ).to_dict()
    layers = spec["layer"]
    assert layers[0]["mark"]["type"] == "line"
    assert layers[0]["encoding"]["color"]["field"] == "split"
    assert layers[1]["mark"]["type"] == "rule"
    rows = [row for data in spec_data(spec) for row in data]
    assert {"line": "counts", "value": 2.45} in rows
    assert sum(1 for row in rows if "loss" in row) == 6


def test_distribution_bars_highlight_the_chosen_outcome():
    spec = distribution_bars(["a", "b", "."], [0.5, 0.3, 0.2], highlight="b").to_dict()
    rows = spec_data(spec)[0]
    assert [r["chosen"] for r in rows] == [False, True, False]
    assert spec["encoding"]["x"]["sort"] is None  # keep vocabulary order


def test_line_chart_can_zoom_the_y_axis_and_clips_what_falls_outside():
    history = pd.DataFrame({"step": [0, 1, 2], "loss": [3.8, 2.5, 2.46]})
    spec = line_chart(history, x="step", y="loss", y_domain=(2.44, 2.6)).to_dict()
    line = spec["layer"][0]
    assert line["encoding"]["y"]["scale"]["domain"] == [2.44, 2.6]
    assert line["mark"]["clip"] is True
    unzoomed = line_chart(history, x="step", y="loss").to_dict()["layer"][0]
    assert "domain" not in unzoomed["encoding"]["y"]["scale"]
