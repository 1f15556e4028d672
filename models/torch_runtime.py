"""Torch settings for a small CPU server shared by many users.

torch's intra-op thread pool spreads even small tensor operations over every core. On a 2-core
server where another session (or process) holds one core, each such op then waits for the
descheduled thread: training steps measured 3-10x slower under load. The app's tensors are
small (at most 27x27 weights and a few hundred thousand counts), so one thread per operation
is both faster and fairer to the other users' sessions.

The setting has to be made in the thread that runs the ops. Streamlit runs every script run in
a new thread, and the first page to import torch does so inside one of them; a later thread
that has not called torch.set_num_threads (or get_num_threads) itself still runs torch's
parallel ops with the default thread count. On a busy 2-core machine that made the Bigram
page's 500 training steps take 1-5 s instead of 0.1 s, from one run to the next
(benchmarks/torch_threads.py). Hence `configure()` is called at the start of every page run
(ui/layout.page_header) as well as at import; it costs about a tenth of a microsecond.
"""

from __future__ import annotations

import torch


def configure() -> None:
    """Use one intra-op thread in the calling thread. Cheap enough to call at the start of
    every script run."""
    torch.set_num_threads(1)
