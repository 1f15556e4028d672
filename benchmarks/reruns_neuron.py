"""Warm reruns of the Neuron page: what a student waits for after each change (goal < 150 ms).

Run from the repository root: `python -m benchmarks.reruns_neuron [--repeats N]`.
Each scenario opens the page in AppTest, warms it up, then times `at.run()` after a widget
change, beside the home page's rerun in the same process (see benchmarks/rerun_timing.py).
"""

from __future__ import annotations

import argparse
import os
import platform

from benchmarks.rerun_timing import report

PAGE = "pages/neuron.py"
H_CHOICES = (1e-2, 1e-4, 1e-6, 1e-8, 1e-10)


def move_w1(at, i):
    at.slider(key="neuron.w1").set_value(round(-3.0 + 0.05 * (i % 40), 2))


def type_b(at, i):
    at.number_input(key="neuron.b#exact").set_value(6.0 + 0.01 * (i % 50))


def change_h(at, i):
    at.select_slider(key="neuron.h").set_value(H_CHOICES[i % len(H_CHOICES)])


def exp_form_move_w1(at, i):
    if i == 0:
        at.toggle(key="neuron.exp_form").set_value(True).run()
    move_w1(at, i)


def open_tab(at, label):
    at.session_state["neuron.tab"] = label
    at.run()


def step_backward(at, i):
    if i == 0:
        open_tab(at, "Step through backward")
    # Walk forwards and, at the end, start again: every rerun replays the walk so far.
    position = at.get("progress")[0].proto.text
    if position.startswith("Step 10 of"):
        at.button(key="neuron.walk-reset").click()
    else:
        at.button(key="neuron.walk-next").click()


def nudge_up(at, i):
    if i == 0:
        open_tab(at, "Nudge")
    at.button(key="neuron.nudge-up" if i % 2 == 0 else "neuron.nudge-down").click()


def formula_change_a(at, i):
    if i == 0:
        at.segmented_control(key="neuron.mode").set_value("formula").run()
    at.slider(key="neuron.var.a").set_value(round(1.0 + 0.05 * (i % 40), 2))


def long_formula_change_a(at, i):
    """A 116-value graph, just under the drawing limit of 120."""
    if i == 0:
        at.segmented_control(key="neuron.mode").set_value("formula").run()
        terms = " + ".join(f"tanh(a*{k} + b)" for k in range(1, 24))
        at.text_input(key="neuron.formula").set_value(f"y = {terms}").run()
    at.slider(key="neuron.var.a").set_value(round(0.1 + 0.01 * (i % 40), 2))


def move_tangent_x(at, i):
    if i == 0:
        open_tab(at, "What is a derivative?")
    at.slider(key="neuron.tangent_x").set_value(round(-3.0 + 0.1 * (i % 60), 2))


SCENARIOS = {
    "move w1 slider": move_w1,
    "type an exact b": type_b,
    "change h": change_h,
    "tanh as exponentials: move w1": exp_form_move_w1,
    "step backward (next / reset)": step_backward,
    "nudge up / down": nudge_up,
    "formula mode: change a": formula_change_a,
    "formula, 116 values drawn: change a": long_formula_change_a,
    "derivative panel: move x": move_tangent_x,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"python {platform.python_version()}  {os.cpu_count()} cpus  load average {load:.2f}")
    report(PAGE, SCENARIOS, repeats=args.repeats)
    if hasattr(os, "getloadavg"):
        print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
