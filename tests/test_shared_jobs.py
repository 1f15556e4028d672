"""serving/shared_jobs: one background job per key for everyone who asks, in the server's
line of trainings; its place and wait are known; failures are reported, not raised; bounded."""

from __future__ import annotations

import threading

from serving.shared_jobs import SharedJobs
from serving.turns import TrainingTurns


def test_one_job_per_key_whoever_asks_and_it_runs_once():
    jobs = SharedJobs(TrainingTurns(1))
    runs = []

    def work(job):
        runs.append(job.key)
        job.result.append("trained")

    first = jobs.start("demo", work, cost=0.1, result=[])
    again = [jobs.start("demo", work, cost=0.1, result=[]) for _ in range(29)]
    assert all(job is first for job in again)
    assert first.done.wait(5) and runs == ["demo"] and first.result == ["trained"]
    assert jobs.start("demo", work, cost=0.1) is first  # finished, kept: not trained again


def test_a_job_waits_its_turn_in_the_line_and_knows_its_place_and_wait():
    turns = TrainingTurns(1)
    other = turns.join(cost=4.0)  # a student's own training holds the only slot
    jobs = SharedJobs(turns)
    job = jobs.start("demo", lambda job: None, cost=1.0)
    place = jobs.place(job)
    assert place is not None and not place.training and place.seconds_ahead == 4.0
    assert 4.0 + 1.0 <= jobs.wait_seconds(job) <= 2 * (4.0 + 1.0)
    assert not job.done.wait(0.3) and job.started_at is None  # still waiting
    turns.leave(other)
    assert job.done.wait(5) and job.error is None and turns.waiting() == 0


def test_a_failing_job_is_reported_and_the_next_ask_starts_afresh():
    jobs = SharedJobs(TrainingTurns(1))

    def broken(job):
        raise RuntimeError("no memory left")

    job = jobs.start("x", broken, cost=0.1)
    assert job.done.wait(5) and job.error == "RuntimeError: no memory left"
    retry = jobs.start("x", lambda job: None, cost=0.1)
    assert retry is not job and retry.done.wait(5) and retry.error is None


def test_the_store_is_bounded_and_unfinished_jobs_are_never_dropped():
    turns = TrainingTurns(4)
    jobs = SharedJobs(turns, max_jobs=2)
    release = threading.Event()
    held = [jobs.start(k, lambda job: release.wait(5), cost=0.1) for k in ("a", "b")]
    assert jobs.start("c", lambda job: None, cost=0.1) is None  # full of running jobs
    release.set()
    assert all(job.done.wait(5) for job in held)
    third = jobs.start("c", lambda job: None, cost=0.1)
    assert third is not None and third.done.wait(5)
    assert jobs.get("a") is None and jobs.get("b") is held[1]  # the oldest finished went
