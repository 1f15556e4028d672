"""A small class on the real server, without browsers: 5 Locust students (the protocol client
of benchmarks/streamlit_client.py) walk every page for 30 s. Every action must be answered
without an error; the full-size runs (30 and 100 students) are benchmarks/class_load.py's."""

from __future__ import annotations

from benchmarks.class_load import read_stats, run_locust
from tests.browser.harness import streamlit_server

EXPECTED = {
    ("neuron", "first visit"),
    ("neuron", "widget change"),
    ("mlp", "first visit"),
    ("mlp", "widget change"),
    ("mlp", "Train"),
    ("bigram", "first visit"),
    ("bigram", "widget change"),
    ("bigram", "Train"),
    ("bigram", "sample"),
}


def test_five_students_for_thirty_seconds_get_every_action_answered(tmp_path):
    with streamlit_server("class-load-server.log") as server:
        run_locust(server.url, users=5, seconds=30, arrive=2, core=None, prefix=tmp_path / "class")
        assert server.process.poll() is None  # the server is still up
    rows = {(row["Type"], row["Name"]): row for row in read_stats(tmp_path / "class")}
    total = rows.pop(("", "Aggregated"))
    assert int(total["Failure Count"]) == 0, (tmp_path / "class_failures.csv").read_text()
    assert set(rows) >= EXPECTED, sorted(rows)
    for (page, action), row in rows.items():
        assert int(row["Request Count"]) >= 1
        assert float(row["Max Response Time"]) < 60_000, (page, action)
