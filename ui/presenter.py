"""Presenter mode: larger type and charts for a projector, and controls hidden from students.

Both travel in the link (`present=1&hide=lr,steps`) and are read once per session. A hidden
control is not drawn, but its value still applies (and still travels in the link).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import streamlit as st

PRESENT_PARAM = "present"
HIDE_PARAM = "hide"
LINK_PARAMS = (PRESENT_PARAM, HIDE_PARAM)
SESSION_KEY = "presenter"
MAX_HIDE_TEXT = 2000


@dataclass(frozen=True)
class PresenterMode:
    present: bool = False
    hidden: tuple[str, ...] = ()

    def astuple(self) -> tuple[bool, tuple[str, ...]]:
        return self.present, self.hidden

    def link_params(self) -> dict[str, str]:
        if not self.present:
            return {}
        params = {PRESENT_PARAM: "1"}
        if self.hidden:
            params[HIDE_PARAM] = ",".join(self.hidden)
        return params


def from_link(params: dict[str, str]) -> PresenterMode:
    """Presenter mode as a link gives it; anything unreadable means off."""
    raw = params.get(PRESENT_PARAM, "0").strip().lower()
    present = raw in {"1", "true", "on", "yes"}
    hidden = params.get(HIDE_PARAM, "")[:MAX_HIDE_TEXT].split(",")
    return PresenterMode(present, tuple(dict.fromkeys(k.strip() for k in hidden if k.strip())))


def mode() -> PresenterMode:
    """This session's presenter mode, read from the link on the session's first run."""
    current = st.session_state.get(SESSION_KEY)
    if not isinstance(current, PresenterMode):
        current = from_link(st.query_params.to_dict())
        st.session_state[SESSION_KEY] = current
    return current


def presenting() -> bool:
    return mode().present


def is_hidden(key: str) -> bool:
    current = mode()
    return current.present and key in current.hidden


def set_mode(present: bool, hidden: Iterable[str] = ()) -> None:
    st.session_state[SESSION_KEY] = PresenterMode(present, tuple(dict.fromkeys(hidden)))
