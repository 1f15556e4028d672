"""A short class for CI: benchmarks/load.py with 4 students, each walking every page once at
the same time on a server of its own. Asserts no errors only; its times go to the log (the
figures that count are in BENCHMARKS.md, from the full benchmark)."""

from __future__ import annotations

import concurrent.futures

from benchmarks.load import PAGES, format_report, run_load


def test_four_students_at_once_walk_every_page_without_an_error(browser):
    # In a thread of its own: the benchmark drives Chromium with Playwright's async API, which
    # must not share an event loop with the sync Playwright of the other browser tests.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        report = pool.submit(
            run_load,
            users=4,
            seconds=0,
            think=(0.0, 0.0),
            settle=0,
            reap=False,
            log=lambda text: None,
            reference=False,
        ).result()
    print(format_report(report))
    assert report.errors == []
    assert report.passes == [len(PAGES)] * 4  # every student walked every page
    kinds = {timing.action for timing in report.timings}
    assert {"open", "slider", "number", "train", "sample", "formula"} <= kinds
    # The server's own log (benchmarks/timed_server.py) answered every action the students
    # timed: each one waited for a finished run, and each run answers a request.
    assert len(report.server_answers) >= len(report.timings)
    assert all(0 < answer["seconds"] < 120 for answer in report.server_answers)
    assert {answer["session"] for answer in report.server_answers} == set(range(4))
