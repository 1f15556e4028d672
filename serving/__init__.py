"""Sharing one server process between a class of students, without Streamlit.

- `budget`: how much server CPU one press may start (EXPLORER_PRESS_BUDGET_SECONDS, default
  20 s), the estimate of a run's cost made before it starts, and what fits instead.
- `turns`: at most K trainings at once per process (EXPLORER_TRAINING_SLOTS, default the
  process's cores), the others waiting in order; a holder that stops checking in is dropped.

Both are per process: several processes (deploy/) each keep their own budget and turns.
"""
