"""serving/: the per-press budget and the fair line for trainings, without Streamlit."""

from __future__ import annotations

import threading

import pytest

from serving.budget import (
    BUDGET_VARIABLE,
    DEFAULT_BUDGET_SECONDS,
    CostEstimate,
    CpuMeter,
    describe_seconds,
    press_budget_seconds,
    probe_seconds_per_step,
)
from serving.turns import SLOTS_VARIABLE, TrainingTurns, default_slots


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", DEFAULT_BUDGET_SECONDS),
        ("5", 5.0),
        ("2.5", 2.5),
        ("0", DEFAULT_BUDGET_SECONDS),
        ("-3", DEFAULT_BUDGET_SECONDS),
        ("nan", DEFAULT_BUDGET_SECONDS),
        ("inf", DEFAULT_BUDGET_SECONDS),
        ("lots", DEFAULT_BUDGET_SECONDS),
    ],
)
def test_the_budget_comes_from_the_environment_or_the_default(monkeypatch, text, expected):
    monkeypatch.setenv(BUDGET_VARIABLE, text)
    assert press_budget_seconds() == expected


def test_an_estimate_says_what_fits():
    estimate = CostEstimate(per_step=0.38, steps=5000, fixed=0.5)
    assert estimate.seconds == pytest.approx(1900.5)
    assert not estimate.fits(20)
    assert estimate.steps_that_fit(20) == 30  # 0.5 + 30 * 0.38 = 11.9 <= 0.6 * 20 < 12.28
    assert CostEstimate(0.01, 100).fits(20) and CostEstimate(0.01, 100).steps_that_fit(20) == 100
    assert CostEstimate(30.0, 10).steps_that_fit(20) == 0


def test_a_probe_measures_cpu_not_the_clock():
    import time

    spin = probe_seconds_per_step(lambda: sum(range(200_000)))
    sleep = probe_seconds_per_step(lambda: time.sleep(0.05))
    assert spin > 0.001  # work is counted
    assert sleep < 0.01  # waiting is not (another student's work does not count as ours)


def test_a_meter_adds_the_pieces_of_a_run():
    meter = CpuMeter()
    for _ in range(3):
        meter.measure(lambda: sum(range(100_000)))
    assert meter.seconds > 0 and not meter.over(60) and meter.over(meter.seconds)


@pytest.mark.parametrize("seconds, text", [(45, "45 s"), (600, "10 minutes"), (9000, "2.5 hours")])
def test_durations_read_naturally(seconds, text):
    assert describe_seconds(seconds) == text


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_the_line_serves_tickets_in_order_and_frees_places():
    turns = TrainingTurns(slots=2, stale_after=30, clock=FakeClock())
    tickets = [turns.join() for _ in range(5)]
    places = [turns.place(t) for t in tickets]
    assert [p.training for p in places] == [True, True, False, False, False]
    assert [p.ahead for p in places] == [0, 0, 0, 1, 2]
    assert places[4].describe() == (
        "Waiting for a turn: 2 trainings running on this server, 2 trainings ahead of you."
    )
    turns.leave(tickets[0])  # the first training ends: the next in line gets its turn
    assert turns.place(tickets[2]).training and turns.place(tickets[3]).ahead == 0
    turns.leave(tickets[3])  # a student cancels: the ones behind move up
    assert turns.place(tickets[4]).training is False and turns.place(tickets[4]).ahead == 0
    turns.leave(tickets[1])
    assert turns.place(tickets[4]).training
    assert turns.place(tickets[3]) is None  # gone for good
    turns.leave(None)  # a run that never joined


def test_a_student_who_leaves_frees_their_place():
    clock = FakeClock()
    turns = TrainingTurns(slots=1, stale_after=30, clock=clock)
    gone, waiting = turns.join(), turns.join()
    assert turns.place(waiting).training is False
    clock.now = 20
    assert turns.touch(waiting)  # the waiting student's page checks in; the other never does
    clock.now = 31
    assert turns.place(waiting).training
    assert not turns.touch(gone)
    assert turns.waiting() == 0


def test_the_line_is_safe_across_threads():
    turns = TrainingTurns(slots=2)
    tickets, lock = [], threading.Lock()

    def student():
        ticket = turns.join()
        with lock:
            tickets.append(ticket)

    threads = [threading.Thread(target=student) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(tickets)) == 50
    training = [t for t in tickets if turns.place(t).training]
    assert len(training) == 2 and turns.waiting() == 48
    assert sorted(turns.place(t).ahead for t in tickets if t not in training) == list(range(48))


def test_slots_default_to_the_cores(monkeypatch):
    monkeypatch.setenv(SLOTS_VARIABLE, "3")
    assert default_slots() == 3
    monkeypatch.setenv(SLOTS_VARIABLE, "zero")
    import os

    assert default_slots() == len(os.sched_getaffinity(0))
    with pytest.raises(ValueError):
        TrainingTurns(slots=0)
