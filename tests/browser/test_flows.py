"""The main path a student takes on each page, in a real Chromium, with no exception shown:
the flows of tests/browser/flows.py (the same ones benchmarks/load.py runs many at a time).

Each flow checks what the page shows after each action (the typed weight in the graph, the
formula's output, the finished training run, the charts); a screenshot of every page at the end
of its flow, or where it failed, lands in artifacts/screenshots/ (kept by CI, ignored by git).
"""

from __future__ import annotations

import pytest

from tests.browser.flows import FLOWS, run_flows


@pytest.mark.parametrize("page_name", list(FLOWS))
def test_a_students_main_path_runs_without_an_exception(server, page_name):
    student = run_flows(server.url, pages=(page_name,), screenshots="flow")
    assert not student.errors, student.errors
    actions = [timing.action for timing in student.timings]
    assert actions[0] == "open" and len(actions) >= 4, actions
    if page_name in {"mlp", "bigram"}:
        assert "train" in actions
    if page_name == "bigram":
        assert "sample" in actions
