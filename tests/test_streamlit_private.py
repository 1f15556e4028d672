"""ui/streamlit_private.py: the private Streamlit names the app relies on are still there and
still do what the app uses them for. An upgrade of Streamlit that moves one fails here."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pyarrow as pa
import pytest

from ui import streamlit_private


def test_the_legacy_pages_flag_exists_and_is_a_class_attribute():
    from streamlit.runtime.pages_manager import PagesManager

    assert isinstance(PagesManager.uses_pages_directory, bool | None)


def test_leaving_the_legacy_mode_clears_the_flag_once(monkeypatch):
    from streamlit import config
    from streamlit.runtime.pages_manager import PagesManager

    monkeypatch.setattr(
        config, "get_option", lambda name: False if name == "global.appTest" else None
    )
    monkeypatch.setattr(PagesManager, "uses_pages_directory", True)
    assert streamlit_private.leave_legacy_pages_mode() is True
    assert PagesManager.uses_pages_directory is False
    assert streamlit_private.leave_legacy_pages_mode() is False


def test_the_private_conversion_exists():
    from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec  # noqa: F401


@pytest.fixture
def chart():
    data = pd.DataFrame({"x": [1, 2, 3], "y": [3.0, 1.0, 2.0]})
    return alt.Chart(data).mark_line().encode(x="x:Q", y="y:Q").properties(title="t")


def test_a_converted_spec_keeps_the_chart_and_carries_its_rows_as_arrow(chart):
    spec = streamlit_private.vega_lite_spec(chart)
    assert spec["mark"] == {"type": "line"} and spec["title"] == "t"
    assert spec["encoding"] == chart.to_dict()["encoding"]
    # Streamlit's conversion has already turned the rows into Arrow bytes (the work a page
    # that keeps the spec skips on later reruns), under the name the spec's data refers to.
    [(name, rows)] = spec["datasets"].items()
    assert spec["data"] == {"name": name}
    table = pa.ipc.open_stream(rows).read_all().to_pandas()
    assert table["y"].tolist() == [3.0, 1.0, 2.0]
