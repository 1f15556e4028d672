"""ui/charts.py: builders return charts whose spec carries the data and encodings asked for."""

from __future__ import annotations

import pandas as pd

from ui.charts import line_chart


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
