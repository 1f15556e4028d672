"""Work that a class shares, done once in the background: the moment a teacher says "press
Train now".

Thirty students who press Train with the same (seeded) settings would all compute the same
steps. `SharedJobs.start(key, work, cost)` starts `work` once per key on a worker thread of
its own and hands every later caller the same `Job`; the sessions only read its progress
(their page redraws on a low, fixed timer) and none of their script runs trains or waits on a
lock. A job takes a place in the server's line of trainings (serving/turns.py) like any
training, so the line stays fair, and its place and an estimate of its wait are there to show.

Bounded: at most `max_jobs` jobs are kept (finished ones are forgotten first, oldest first);
when that many are still unfinished, `start` returns None and the caller trains as before.
Thread-safe.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from serving.turns import Place, TrainingTurns

POLL_SECONDS = 0.05  # how often a queued job checks whether its turn has come


@dataclass
class Job:
    """One piece of shared work: what it makes (`result`), where it stands, how it ended."""

    key: Hashable
    cost: float  # its estimated CPU seconds
    result: Any = None  # what `work` is building (readable while it runs)
    ticket: int | None = None
    queued_at: float = field(default_factory=time.monotonic)
    started_at: float | None = None  # when its turn came
    ended_at: float | None = None
    error: str | None = None  # what went wrong, for the page (never a traceback)
    done: threading.Event = field(default_factory=threading.Event)

    @property
    def running(self) -> bool:
        return self.started_at is not None and not self.done.is_set()


class SharedJobs:
    def __init__(self, turns: TrainingTurns, max_jobs: int = 32) -> None:
        self.turns, self.max_jobs = turns, max_jobs
        self._jobs: OrderedDict[Hashable, Job] = OrderedDict()
        self._lock = threading.Lock()
        # Wall seconds per CPU second of recent jobs: how much slower than its own cost a job
        # runs on this server now (other students' script runs take their share).
        self._slowdown = 1.0

    def get(self, key: Hashable) -> Job | None:
        with self._lock:
            return self._jobs.get(key)

    def start(
        self, key: Hashable, work: Callable[[Job], Any], cost: float, result: Any = None
    ) -> Job | None:
        """The job for `key`: the one already there (running, queued or finished and kept),
        or a new one that runs `work(job)` when its turn comes, `job.result` starting as
        `result`. None when `max_jobs` unfinished jobs fill the store."""
        with self._lock:
            job = self._jobs.get(key)
            if job is not None and job.error is None:
                self._jobs.move_to_end(key)
                return job
            if not self._make_room():
                return None
            job = Job(key, cost, result)
            job.ticket = self.turns.join(cost)
            self._jobs[key] = job
        threading.Thread(target=self._run, args=(job, work), daemon=True, name="shared-job").start()
        return job

    def place(self, job: Job) -> Place | None:
        """Where a queued job stands in the line (None once its turn has come or it ended)."""
        if job.started_at is not None or job.ticket is None:
            return None
        return self.turns.place(job.ticket)

    def wait_seconds(self, job: Job) -> float:
        """About how long until the job ends, on the clock: the CPU still ahead of it in
        the line and its own, shared among the line's slots, at the pace recent jobs ran."""
        if job.done.is_set():
            return 0.0
        if job.started_at is not None:
            left = job.cost * self._slowdown - (time.monotonic() - job.started_at)
            return max(left, 0.0)
        place = self.place(job)
        ahead = place.seconds_ahead if place is not None else 0.0
        return (ahead / self.turns.slots + job.cost) * self._slowdown

    def unfinished(self) -> int:
        with self._lock:
            return sum(not job.done.is_set() for job in self._jobs.values())

    def _make_room(self) -> bool:
        while len(self._jobs) >= self.max_jobs:
            finished = next((k for k, j in self._jobs.items() if j.done.is_set()), None)
            if finished is None:
                return False
            del self._jobs[finished]
        return True

    def _run(self, job: Job, work: Callable[[Job], Any]) -> None:
        try:
            while True:  # wait for the turn, checking in so that the line keeps the place
                place = self.turns.place(job.ticket)
                if place is None:  # dropped (cannot happen while we check in): join again
                    job.ticket = self.turns.join(job.cost)
                elif place.training:
                    break
                time.sleep(POLL_SECONDS)
            job.started_at = time.monotonic()
            cpu_before = time.thread_time()
            work(job)
            self._learn_pace(time.monotonic() - job.started_at, time.thread_time() - cpu_before)
        except Exception as error:  # noqa: BLE001 - the page says so; the server goes on
            job.error = f"{type(error).__name__}: {error}"
        finally:
            self.turns.leave(job.ticket)
            job.ended_at = time.monotonic()
            job.done.set()

    def _learn_pace(self, wall: float, cpu: float) -> None:
        if cpu > 0.05:  # too short a job says little about the pace
            with self._lock:
                self._slowdown = 0.5 * self._slowdown + 0.5 * max(wall / cpu, 1.0)
