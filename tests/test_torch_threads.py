"""Every page run sets torch's thread count in its own thread.

Streamlit runs each script run in a new thread, and a thread that has not called
torch.set_num_threads itself runs torch's parallel ops on every core, whatever the main thread
or an earlier run set (models/torch_runtime.py; the speed-up is measured by
benchmarks/torch_threads.py, not here). This test checks the wiring: page_header calls
torch_runtime.configure in the thread of every run.
"""

from __future__ import annotations

import threading

import torch
from streamlit.testing.v1 import AppTest

from models import torch_runtime


def header_only_page():
    from ui.layout import page_header
    from ui.settings import PageSettings
    from ui.site import LESSON_1, PageInfo

    page = PageInfo("probe", "Probe", "Probe", ":material/hub:", LESSON_1)
    page_header(PageSettings("probe", []), page, intro="", lecture_label="")


def test_page_header_configures_torch_in_the_thread_of_every_run(monkeypatch):
    threads = []
    monkeypatch.setattr(torch_runtime, "configure", lambda: threads.append(threading.get_ident()))
    at = AppTest.from_function(header_only_page, default_timeout=30).run()
    at.run()
    assert not at.exception
    assert len(threads) == 2  # once per run...
    assert threading.get_ident() not in threads  # ...in the run's thread, not the test's


def test_configure_leaves_one_thread_in_a_fresh_thread():
    seen = []
    worker = threading.Thread(
        target=lambda: (torch_runtime.configure(), seen.append(torch.get_num_threads()))
    )
    worker.start()
    worker.join()
    assert seen == [1]
