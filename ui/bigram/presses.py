"""The Bigram page's presses, taken once per run before any widget is drawn (ui/state.py)."""

from __future__ import annotations

import streamlit as st

from ui.bigram.charts import selected_context
from ui.bigram.counting import HEATMAP_KEY
from ui.bigram.data import read_upload
from ui.bigram.files import read_net_file
from ui.bigram.lecture import LECTURE_RUN
from ui.bigram.settings import SETTINGS
from ui.bigram.state import BigramState
from ui.bigram.words import UPLOADER_KEY
from ui.sharing import training_turns


def apply_presses(state: BigramState) -> None:
    for press in state.take_presses():
        state.refusal = None  # a press answers the last refusal, whatever it was
        if press.name == "train":
            state.train_requested = True  # the net's panel trains, then clears it
        elif press.name == "fit-budget":
            SETTINGS.set("steps", press.args[0])
            state.train_requested = True
        elif press.name == "leave-line":
            state.train_requested = False
            training_turns().leave(state.ticket)
            state.ticket = None
        elif press.name == "lecture":
            SETTINGS.update(LECTURE_RUN)
            state.train_requested = True
        elif press.name == "upload-words":
            read_upload(state.choice.upload, st.session_state.get(UPLOADER_KEY))
        elif press.name == "net-file":
            read_net_file(state)
        elif press.name == "pick-row":
            context = selected_context(st.session_state.get(HEATMAP_KEY))
            if context:
                SETTINGS.set("row", context[-1])
        elif press.name == "walk":
            key, count = press.args
            if key == state.walk_key:  # a press on a walk since replaced does nothing
                state.walk_shown = max(1, count)
        elif press.name == "walk-seed":
            SETTINGS.set("walk_seed", press.args[0])
