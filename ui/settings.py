"""Page settings declared in one place: what each is, its widget, and its value per user.

A page lists its settings once (`PageSettings("mlp", [Setting(...), ...])`). From that list:

- the widgets are drawn (`settings.widget("lr")`); each setting's value lives in the session
  under its widget's key (`"mlp.lr"`), kept across page switches by Streamlit's
  `persist_state="session"`, and set there before a widget is drawn when the page changes it
  (a preset, a nudge, a file). Every widget is also given its current value, so a browser that
  lost track of a widget (a page switch and a Back press at once) shows that value again,
  never the widget's minimum;
- the values travel in the link: see ui/links.py (reading a link, its warning, the address bar);
- a slider paired with a box for exact values is one setting with two widgets kept in step.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from ui import classroom, presenter

MAX_LINK_TEXT = 2000  # longest text a link may carry for one setting
KINDS = ("float", "int", "bool", "choice", "text")


@dataclass(frozen=True)
class Setting:
    """One user-facing setting of a page.

    kind: "float", "int", "bool", "choice" (one of `options`) or "text".
    widget: how to draw it; "auto" picks a sensible widget for the kind.
    """

    key: str
    label: str
    default: Any
    kind: str = "float"
    min_value: float | None = None
    max_value: float | None = None
    step: float | None = None
    options: tuple = ()
    help: str | None = None
    widget: str = "auto"
    format: str | None = None
    max_chars: int = MAX_LINK_TEXT
    option_labels: Callable[[Any], str] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown setting kind {self.kind!r}")
        if self.kind == "choice" and self.default not in self.options:
            raise ValueError(f"default of {self.key!r} is not one of its options")
        if self.key in (*presenter.LINK_PARAMS, *classroom.ROOM_LINK_PARAMS):
            raise ValueError(f"{self.key!r} is reserved for presenter mode and the class board")

    def validate(self, value: Any) -> Any:
        """The value in canonical form, or ValueError saying what is wrong with it."""
        if self.kind == "bool":
            if isinstance(value, bool):
                return value
            raise ValueError("expected on or off")
        if self.kind == "choice":
            for option in self.options:
                if same_option(option, value):
                    return option
            raise ValueError("not one of the choices")
        if self.kind == "text":
            if not isinstance(value, str):
                raise ValueError("expected text")
            if len(value) > self.max_chars:
                raise ValueError(f"longer than {self.max_chars} characters")
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError("expected a number")
        if self.kind == "int":
            if isinstance(value, float) and not value.is_integer():
                raise ValueError("expected a whole number")
            value = int(value)
        else:
            if not math.isfinite(value):
                raise ValueError("expected a finite number")
            value = float(value) + 0.0  # + 0.0 turns -0.0 into the 0.0 a widget shows
        if self.min_value is not None and value < self.min_value:
            raise ValueError(f"below the minimum {self.min_value:g}")
        if self.max_value is not None and value > self.max_value:
            raise ValueError(f"above the maximum {self.max_value:g}")
        return value

    def from_link(self, raw: str) -> Any:
        """A query-parameter string as a valid value (ValueError otherwise)."""
        if self.kind == "bool":
            return parse_bool(raw)
        if self.kind == "text":
            return self.validate(raw)
        if self.kind == "choice":
            for option in self.options:
                if self.to_link(option) == raw:
                    return option
            if all(isinstance(o, int | float) and not isinstance(o, bool) for o in self.options):
                return self.validate(parse_number(raw))
            raise ValueError("not one of the choices")
        return self.validate(parse_number(raw))

    def to_link(self, value: Any) -> str:
        if self.kind == "bool":
            return "1" if value else "0"
        if isinstance(value, float):
            return repr(value)  # the shortest text that reads back to the same float
        return str(value)

    def describe(self, value: Any) -> str:
        """The value as its widget shows it."""
        return (self.option_labels or option_label)(value)


def labelled_choice(
    key: str,
    label: str,
    default: Any,
    labels: Mapping[Any, str],
    widget: str,
    help: str | None = None,
) -> Setting:
    """A setting whose options are `labels`' keys, each shown by its label."""
    return Setting(
        key,
        label,
        default,
        kind="choice",
        options=tuple(labels),
        widget=widget,
        option_labels=labels.get,
        help=help,
    )


def parse_bool(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "on", "yes"}:
        return True
    if lowered in {"0", "false", "off", "no"}:
        return False
    raise ValueError("expected 1 or 0")


def parse_number(raw: str) -> float | int:
    text = raw.strip()
    if len(text) > 64:
        raise ValueError("not a number")
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        raise ValueError("not a number") from None


def same_option(option: Any, value: Any) -> bool:
    if isinstance(option, bool) or isinstance(value, bool):
        return option is value
    if isinstance(option, int | float) and isinstance(value, int | float):
        return float(option) == float(value)
    return option == value


def same_value(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        try:
            return float(a) == float(b)
        except (TypeError, ValueError):
            return False
    return a == b


def option_label(option: Any) -> str:
    if isinstance(option, float):
        return f"{option:g}"
    return str(option)


# Widget kinds a setting may ask for; "auto" picks one by the setting's kind.
AUTO_WIDGETS = {
    "bool": "toggle",
    "choice": "selectbox",
    "text": "text_input",
    "int": "number",
    "float": "number",
}


# Who hears of values changed by code (a preset, a nudge, a file): ui/links.py subscribes, to
# write the share link at once. Settings know nothing of links; links know settings.
_CHANGE_LISTENERS: list[Callable[[PageSettings], None]] = []


def listen_for_changes(listener: Callable[[PageSettings], None]) -> None:
    """Call `listener(settings)` whenever code sets a page's values (idempotent)."""
    if listener not in _CHANGE_LISTENERS:
        _CHANGE_LISTENERS.append(listener)


def _tell_listeners(settings: PageSettings) -> None:
    for listener in _CHANGE_LISTENERS:
        listener(settings)


class PageSettings:
    """The settings of one page and this user's values of them."""

    def __init__(self, page: str, settings: Sequence[Setting]):
        keys = [s.key for s in settings]
        if len(set(keys)) != len(keys):
            raise ValueError(f"duplicate setting keys on page {page!r}")
        self.page = page
        self.settings: dict[str, Setting] = {s.key: s for s in settings}

    # -- session keys: the page's name first, so two pages never share one ----------------

    def key(self, name: str) -> str:
        """The session key (and widget key) holding this user's value of a setting."""
        return f"{self.page}.{name}"

    def exact_key(self, name: str) -> str:
        """The key of the exact-value box that goes with a setting's slider."""
        return f"{self.page}.{name}#exact"

    @property
    def loaded(self) -> bool:
        """Whether this user's values are in the session (the page ran before)."""
        return st.session_state.get(f"{self.page}.loaded", False)

    def seed(self, values: dict[str, Any]) -> None:
        """Put a full set of values in the session (the first visit, from the link)."""
        for name, value in values.items():
            self._store(name, value)
        st.session_state[f"{self.page}.loaded"] = True

    # -- values -------------------------------------------------------------------------------

    def defaults(self) -> dict[str, Any]:
        return {name: s.default for name, s in self.settings.items()}

    def __getitem__(self, name: str) -> Any:
        setting = self.settings[name]
        try:
            return setting.validate(st.session_state[self.key(name)])
        except (KeyError, ValueError):  # never set (the page has not loaded), or cleared
            return setting.default

    @property
    def values(self) -> dict[str, Any]:
        """This user's current values (a fresh dict)."""
        return {name: self[name] for name in self.settings}

    def changed(self, *names: str) -> bool:
        """Whether any of these settings differs from its default (a link that sets one of
        them points into the panel that shows it)."""
        return any(not same_value(self[name], self.settings[name].default) for name in names)

    def set(self, name: str, value: Any) -> None:
        """Change a value from code (a preset, a nudge, a file) before its widget is drawn;
        the widget and the link follow."""
        self._store(name, self.settings[name].validate(value))
        _tell_listeners(self)

    def update(self, values: dict[str, Any]) -> None:
        for name, value in values.items():
            self._store(name, self.settings[name].validate(value))
        _tell_listeners(self)

    def _store(self, name: str, value: Any) -> None:
        st.session_state[self.key(name)] = value
        if self.settings[name].widget == "slider+number":
            st.session_state[self.exact_key(name)] = value

    # -- widgets ------------------------------------------------------------------------------

    def widget(
        self,
        name: str,
        container: Any = None,
        *,
        disabled: bool = False,
        options: Sequence[Any] | None = None,
    ) -> Any:
        """Draw the setting's widget (unless presenter mode hides it) and return its value.

        `options` gives the choices of a selectbox, radio or segmented control at run time,
        for choices that depend on the user's data (the characters of their word list). A
        value that is not among them falls back to the first one.
        """
        setting = self.settings[name]
        choices = setting.options
        if options is not None:
            choices = tuple(options)
            if not choices:
                raise ValueError(f"no options to choose {name!r} from")
            if not any(same_option(option, self[name]) for option in choices):
                self._store(name, choices[0])
        value = self[name]
        if presenter.is_hidden(name):
            return value
        where = container if container is not None else st
        kind = setting.widget if setting.widget != "auto" else AUTO_WIDGETS[setting.kind]
        if kind == "slider+number":
            return self._slider_with_entry(setting, where, disabled)
        common = {
            "key": self.key(name),
            "help": setting.help,
            "disabled": disabled,
            "persist_state": "session",
        }
        label = setting.label
        labels = setting.option_labels or option_label
        if kind == "toggle":
            return where.toggle(label, value=value, **common)
        if kind == "checkbox":
            return where.checkbox(label, value=value, **common)
        if kind == "selectbox":
            index = _index_of(choices, value)
            return where.selectbox(label, choices, index=index, format_func=labels, **common)
        if kind == "radio":
            index = _index_of(choices, value)
            return where.radio(
                label, choices, index=index, format_func=labels, horizontal=True, **common
            )
        if kind == "segmented":
            # required: clicking the chosen segment keeps it chosen (no empty choice).
            return where.segmented_control(
                label, choices, default=value, format_func=labels, required=True, **common
            )
        if kind == "select_slider":
            return where.select_slider(label, choices, value=value, format_func=labels, **common)
        if kind == "text_input":
            return where.text_input(label, value=value, max_chars=setting.max_chars, **common)
        if kind == "text_area":
            return where.text_area(label, value=value, max_chars=setting.max_chars, **common)
        if kind == "slider":
            return where.slider(label, value=value, **number_args(setting), **common)
        if kind == "number":
            return where.number_input(label, value=value, **number_args(setting), **common)
        raise ValueError(f"unknown widget {kind!r} for {name!r}")

    def _slider_with_entry(self, setting: Setting, where: Any, disabled: bool) -> Any:
        """A slider for exploring and a number box for exact values, kept in step."""
        name = setting.key
        value = self[name]
        slider_key, exact_key = self.key(name), self.exact_key(name)
        if st.session_state.get(exact_key) != value:
            st.session_state[exact_key] = value

        def copy(source: str, target: str) -> None:
            st.session_state[target] = st.session_state[source]

        args = number_args(setting)
        # The value is also each widget's default, so a browser that lost them shows it.
        left, right = where.columns([3, 2], vertical_alignment="bottom")
        left.slider(
            setting.label,
            value=value,
            key=slider_key,
            help=setting.help,
            disabled=disabled,
            on_change=copy,
            args=(slider_key, exact_key),
            persist_state="session",
            **args,
        )
        right.number_input(
            f"{setting.label} (exact)",
            value=value,
            key=exact_key,
            disabled=disabled,
            label_visibility="collapsed",
            on_change=copy,
            args=(exact_key, slider_key),
            persist_state="session",
            **args,
        )
        return self[name]


def number_args(setting: Setting) -> dict[str, Any]:
    cast = int if setting.kind == "int" else float
    args: dict[str, Any] = {}
    if setting.min_value is not None:
        args["min_value"] = cast(setting.min_value)
    if setting.max_value is not None:
        args["max_value"] = cast(setting.max_value)
    if setting.step is not None:
        args["step"] = cast(setting.step)
    if setting.format:
        args["format"] = setting.format
    return args


def _index_of(choices: Sequence[Any], value: Any) -> int:
    return next((i for i, option in enumerate(choices) if same_option(option, value)), 0)
