"""Process-wide torch settings for a small CPU server shared by many users.

torch's intra-op thread pool spreads even small tensor operations over every core. On a 2-core
server where another session (or process) holds one core, each such op then waits for the
descheduled thread: training steps measured 3-10x slower under load. The app's tensors are
small (at most 27x27 weights and a few hundred thousand counts), so one thread per operation
is both faster and fairer to the other users' sessions.
"""

from __future__ import annotations

import torch

_configured = False


def configure() -> None:
    """Use one intra-op thread. Idempotent; safe to call from every torch-using module."""
    global _configured
    if not _configured:
        torch.set_num_threads(1)
        _configured = True
