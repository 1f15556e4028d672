"""Fair turns: at most `slots` trainings at once in this server process, the rest in order.

A student's training joins the line with a ticket; the first `slots` tickets in the line
train, the others wait and can see their place. A ticket leaves the line when its training
ends, when the student cancels, or when its holder has not checked in (`touch`) for
`stale_after` seconds: a student who closed the tab frees their place without any signal from
Streamlit. Thread-safe: every script run of every session may call it.
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

SLOTS_VARIABLE = "EXPLORER_TRAINING_SLOTS"
# Long enough for a busy server to come back to a training between its chunks.
STALE_AFTER_SECONDS = 30.0


def default_slots() -> int:
    """EXPLORER_TRAINING_SLOTS, or the cores this process may run on (at least 1)."""
    text = os.environ.get(SLOTS_VARIABLE, "").strip()
    if text.isdigit() and int(text) > 0:
        return int(text)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Place:
    """Where a ticket stands: training now, or waiting behind `ahead` others."""

    training: bool
    ahead: int  # tickets waiting in front of this one (0 when training or next in line)
    running: int  # trainings running now
    seconds_ahead: float = 0.0  # the CPU seconds the tickets in front of this one cost

    def describe(self) -> str:
        if self.training:
            return "Your training has its turn."
        waiting = f"{self.ahead} training{'s' if self.ahead != 1 else ''} ahead of you"
        if self.ahead == 0:
            waiting = "you are next"
        return (
            f"Waiting for a turn: {self.running} training{'s' if self.running != 1 else ''} "
            f"running on this server, {waiting}."
        )


class TrainingTurns:
    def __init__(
        self,
        slots: int,
        stale_after: float = STALE_AFTER_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if slots < 1:
            raise ValueError("at least one training must be able to run")
        self.slots, self.stale_after, self._clock = slots, stale_after, clock
        self._lock = threading.Lock()
        self._line: dict[int, float] = {}  # ticket -> last check-in, in the order of joining
        self._costs: dict[int, float] = {}  # ticket -> its estimated CPU seconds, if known
        self._numbers = itertools.count(1)

    def join(self, cost: float = 0.0) -> int:
        """A new ticket at the end of the line (`cost`: its estimated CPU seconds, which
        tells those behind it how long they may wait)."""
        with self._lock:
            ticket = next(self._numbers)
            self._line[ticket] = self._clock()
            self._costs[ticket] = cost
            return ticket

    def place(self, ticket: int) -> Place | None:
        """The ticket's place (checking it in), or None when it is no longer in the line."""
        with self._lock:
            self._drop_stale()
            if ticket not in self._line:
                return None
            self._line[ticket] = self._clock()
            order = list(self._line)
            index = order.index(ticket)
            running = min(self.slots, len(self._line))
            if index < self.slots:
                return Place(True, 0, running)
            ahead = sum(self._costs.get(t, 0.0) for t in order[:index])
            return Place(False, index - self.slots, running, ahead)

    def touch(self, ticket: int) -> bool:
        """Check in; False when the ticket was dropped (too long without a check-in)."""
        return self.place(ticket) is not None

    def leave(self, ticket: int | None) -> None:
        with self._lock:
            if ticket is not None:
                self._line.pop(ticket, None)
                self._costs.pop(ticket, None)

    def waiting(self) -> int:
        with self._lock:
            self._drop_stale()
            return max(0, len(self._line) - self.slots)

    def _drop_stale(self) -> None:
        cutoff = self._clock() - self.stale_after
        for ticket in [t for t, seen in self._line.items() if seen < cutoff]:
            del self._line[ticket]
            self._costs.pop(ticket, None)
