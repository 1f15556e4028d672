"""One typed state object per page, and the one way every page handles a button press.

A page's per-user state is a dataclass (subclass of `PageState`) kept in `st.session_state`
under one key, `"<page>:state"`; its fields are the page's session state (the trained run,
the step-through position, an upload...), so code and tests read attributes, never key strings.
Widget keys are the only other session keys a page has, and `PageSettings` owns those.

Presses. Every button, and every uploader, has `on_click=MlpState.press` (or `on_change`) with
`args=(name, *more)`: the callback only appends the press to this user's `state.presses`. The page takes the
presses at one point of its run (`state.take_presses()`), before it draws any widget, and acts
on each. That keeps a press from being lost or run twice:
- Streamlit runs a callback exactly once per click, before the script, even when the click
  arrives while an earlier run is still going (that run is stopped and the click is kept);
- the press waits in the state until a run takes it, so a run stopped early by a newer
  interaction leaves it for the next run, and taking it is one list swap that no rerun can
  interrupt half way;
- acting on it happens before the page's widgets are drawn, so a press may change settings
  (a preset, a nudge, a loaded file) and the widgets show the new values in the same run.
Work that takes long (training) is not done while taking the press: the press records a
request in the state, and the page's panel carries it out (and clears it when done).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

import streamlit as st


@dataclass(frozen=True)
class Press:
    """A button pressed (or a file chosen): what to do, with the arguments the button gave."""

    name: str
    args: tuple[Any, ...] = ()


@dataclass
class PageState:
    """Base of a page's typed per-user state. Subclasses set PAGE and add fields (with
    defaults): `MlpState.get()` returns this user's instance, made on first use."""

    PAGE: ClassVar[str] = ""
    presses: list[Press] = field(default_factory=list)

    @classmethod
    def session_key(cls) -> str:
        return f"{cls.PAGE}:state"

    @classmethod
    def get(cls) -> Self:
        state = st.session_state.get(cls.session_key())
        if not isinstance(state, cls):
            state = cls()
            st.session_state[cls.session_key()] = state
        return state

    @classmethod
    def press(cls, name: str, *args: Any) -> None:
        """A widget callback: remember the press for the page's next `take_presses`. A class
        method, so a callback never holds on to a state object that was since replaced."""
        cls.get().presses.append(Press(name, args))

    @classmethod
    def button(cls, where: Any, label: str, key: str, press: tuple, **options: Any) -> None:
        """A button (in `where`: st, a column...) whose click queues `press`, a (name, *args)
        tuple."""
        where.button(label, key=key, on_click=cls.press, args=press, **options)

    @classmethod
    def uploader(cls, where: Any, label: str, key: str, press: str, **options: Any) -> Any:
        """A file uploader whose change (a file chosen or removed) queues `press`."""
        return where.file_uploader(label, key=key, on_change=cls.press, args=(press,), **options)

    def take_presses(self) -> list[Press]:
        """The presses since the last call, oldest first; they are handed out once."""
        taken, self.presses = self.presses, []
        return taken
