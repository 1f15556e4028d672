"""Page settings declared in one place: widgets, per-user state, share links, presenter mode.

Each page lists its settings once (`PageSettings("mlp", [Setting(...), ...])`). From that list:

- the widgets are drawn (`settings.widget("lr")`), bound to this user's session state;
- the values survive page switches: Streamlit drops the state of widgets that were not drawn
  in a run, so the canonical values live in a per-page store and re-seed the widgets;
- the settings travel in the URL query parameters, so the address bar is always a share link;
  a link's values are validated, and anything out of range or of the wrong type falls back to
  its default with one warning naming it;
- presenter mode (`present=1`) and hidden controls (`hide=lr,steps`) travel in the link too.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import streamlit as st

PRESENT_PARAM = "present"
HIDE_PARAM = "hide"
RESERVED_PARAMS = (PRESENT_PARAM, HIDE_PARAM)
MAX_URL_TEXT = 2000  # longest text a link may carry for one setting


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
    max_chars: int = MAX_URL_TEXT
    option_labels: Callable[[Any], str] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in {"float", "int", "bool", "choice", "text"}:
            raise ValueError(f"unknown setting kind {self.kind!r}")
        if self.kind == "choice" and self.default not in self.options:
            raise ValueError(f"default of {self.key!r} is not one of its options")
        if self.key in RESERVED_PARAMS:
            raise ValueError(f"{self.key!r} is reserved for presenter mode")

    # -- validation -------------------------------------------------------------------------

    def validate(self, value: Any) -> Any:
        """The value in canonical form, or ValueError saying what is wrong with it."""
        if self.kind == "bool":
            if isinstance(value, bool):
                return value
            raise ValueError("expected on or off")
        if self.kind == "choice":
            for option in self.options:
                if _same_option(option, value):
                    return option
            raise ValueError("not one of the choices")
        if self.kind == "text":
            if not isinstance(value, str):
                raise ValueError("expected text")
            if len(value) > self.max_chars:
                raise ValueError(f"longer than {self.max_chars} characters")
            return value
        # numbers
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError("expected a number")
        if self.kind == "int":
            if isinstance(value, float) and not value.is_integer():
                raise ValueError("expected a whole number")
            value = int(value)
        else:
            value = float(value)
            if not math.isfinite(value):
                raise ValueError("expected a finite number")
        if self.min_value is not None and value < self.min_value:
            raise ValueError(f"below the minimum {self.min_value:g}")
        if self.max_value is not None and value > self.max_value:
            raise ValueError(f"above the maximum {self.max_value:g}")
        return value

    def from_url(self, raw: str) -> Any:
        """Parse a query-parameter string into a valid value (ValueError otherwise)."""
        if self.kind == "bool":
            lowered = raw.strip().lower()
            if lowered in {"1", "true", "on", "yes"}:
                return True
            if lowered in {"0", "false", "off", "no"}:
                return False
            raise ValueError("expected 1 or 0")
        if self.kind == "text":
            return self.validate(raw)
        if self.kind == "choice":
            for option in self.options:
                if self.to_url(option) == raw:
                    return option
            if all(isinstance(o, int | float) and not isinstance(o, bool) for o in self.options):
                return self.validate(_parse_number(raw))
            raise ValueError("not one of the choices")
        return self.validate(_parse_number(raw))

    def to_url(self, value: Any) -> str:
        if self.kind == "bool":
            return "1" if value else "0"
        if isinstance(value, float):
            return repr(value)  # shortest string that reads back to the same float
        return str(value)


def _parse_number(raw: str) -> float | int:
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


def _same_option(option: Any, value: Any) -> bool:
    if isinstance(option, bool) or isinstance(value, bool):
        return option is value
    if isinstance(option, int | float) and isinstance(value, int | float):
        return float(option) == float(value)
    return option == value


# -- per-page settings ------------------------------------------------------------------------


class PageSettings:
    """The settings of one page and their per-user values."""

    def __init__(self, page: str, settings: Sequence[Setting]):
        keys = [s.key for s in settings]
        if len(set(keys)) != len(keys):
            raise ValueError(f"duplicate setting keys on page {page!r}")
        self.page = page
        self.settings: dict[str, Setting] = {s.key: s for s in settings}

    # Session-state keys (one namespace per page, so pages never collide).
    @property
    def _store_key(self) -> str:
        return f"settings:{self.page}"

    def _widget_key(self, key: str, part: str = "") -> str:
        return f"w:{self.page}:{key}{':' + part if part else ''}"

    def defaults(self) -> dict[str, Any]:
        return {key: s.default for key, s in self.settings.items()}

    @property
    def values(self) -> dict[str, Any]:
        """This user's current values (a copy)."""
        return dict(self._store)

    @property
    def _store(self) -> dict[str, Any]:
        return st.session_state[self._store_key]

    def __getitem__(self, key: str) -> Any:
        return self._store[key]

    def set(self, key: str, value: Any) -> None:
        """Change a value from code (a preset, an import); the widgets follow on this run."""
        value = self.settings[key].validate(value)
        self._store[key] = value
        for part in ("", "slider", "number"):
            st.session_state.pop(self._widget_key(key, part), None)
        self.sync_link()

    def update(self, values: dict[str, Any]) -> None:
        for key, value in values.items():
            self.set(key, value)

    # -- start of every run ---------------------------------------------------------------

    def start(self) -> list[str]:
        """Load this user's values; on the first visit, read them from the link.

        Returns the problems found in the link (shown once as a warning by `show_warnings`).
        """
        if self._store_key in st.session_state:
            self._refresh_from_widgets()
            return []
        values = self.defaults()
        problems = []
        params = st.query_params
        for key, setting in self.settings.items():
            if key not in params:
                continue
            raw = params.get(key, "")
            try:
                values[key] = setting.from_url(raw)
            except ValueError as error:
                # Shown inside a code span: a backtick cannot break out of it and add
                # markdown (links, images) to the warning.
                shown = code_safe(raw)
                shown = shown if len(shown) <= 40 else shown[:40] + "..."
                problems.append(f"{setting.label} (`{key}={shown}`): {error}")
        st.session_state[self._store_key] = values
        if problems:
            # Kept with the values the link gave, so the warning outlives reruns the page
            # makes by itself (a first training run, say) until the user changes a setting.
            st.session_state[self._problems_key] = (problems, dict(values))
        return problems

    def _refresh_from_widgets(self) -> None:
        """Widget changes arrive in session state before the run starts: take them now, so
        values read at the top of the page (and the share link) are never one step behind."""
        store = self._store
        for key in self.settings:
            wkey = self._widget_key(key)
            if wkey in st.session_state:
                # A value that does not validate (a cleared segmented control) keeps the last.
                with contextlib.suppress(ValueError):
                    store[key] = self.settings[key].validate(st.session_state[wkey])

    @property
    def _problems_key(self) -> str:
        return f"link-problems:{self.page}"

    def show_warnings(self) -> None:
        """One warning naming every link value that fell back to its default, shown on every
        run until the user changes one of the page's settings."""
        problems, link_values = st.session_state.get(self._problems_key, ([], None))
        if problems and self.values != link_values:
            del st.session_state[self._problems_key]
            return
        if problems:
            st.warning(
                "Some settings in the link were not valid and use their defaults instead: "
                + "; ".join(problems),
                icon=":material/link_off:",
            )

    # -- widgets ----------------------------------------------------------------------------

    def widget(
        self,
        key: str,
        container: Any = None,
        *,
        disabled: bool = False,
        options: Sequence[Any] | None = None,
    ) -> Any:
        """Draw the setting's widget (unless presenter mode hides it) and return its value.

        `options` gives the choices of a selectbox, radio or segmented control at run time,
        for choices that depend on the user's data (the characters of their word list). A
        stored value that is not among them falls back to the first one.
        """
        setting = self.settings[key]
        choices = setting.options
        if options is not None:
            choices = tuple(options)
            if not choices:
                raise ValueError(f"no options to choose {key!r} from")
            if not any(_same_option(option, self._store[key]) for option in choices):
                self._store[key] = choices[0]
                st.session_state.pop(self._widget_key(key), None)
        if is_hidden(key):
            return self._store[key]
        where = container if container is not None else st
        kind = setting.widget
        if kind == "slider+number":
            return self._slider_with_entry(setting, where, disabled)
        wkey = self._widget_key(key)
        if wkey not in st.session_state:
            st.session_state[wkey] = self._store[key]
        common = {"key": wkey, "help": setting.help, "disabled": disabled}
        if kind == "auto":
            kind = {
                "bool": "toggle",
                "choice": "selectbox",
                "text": "text_input",
                "int": "number",
                "float": "number",
            }[setting.kind]
        if kind == "toggle":
            value = where.toggle(setting.label, **common)
        elif kind == "checkbox":
            value = where.checkbox(setting.label, **common)
        elif kind in {"selectbox", "radio", "segmented", "select_slider"}:
            format_func = setting.option_labels or _default_option_label
            if kind == "selectbox":
                value = where.selectbox(setting.label, choices, format_func=format_func, **common)
            elif kind == "radio":
                value = where.radio(
                    setting.label, choices, format_func=format_func, horizontal=True,
                    **common,
                )  # fmt: skip
            elif kind == "segmented":
                value = where.segmented_control(
                    setting.label, choices, format_func=format_func,
                    selection_mode="single", **common,
                )  # fmt: skip
                if value is None:  # clicking the selected segment clears it; keep the value
                    value = self._store[key]
            else:
                value = where.select_slider(
                    setting.label, choices, format_func=format_func, **common
                )
        elif kind == "text_input":
            value = where.text_input(setting.label, max_chars=setting.max_chars, **common)
        elif kind == "text_area":
            value = where.text_area(setting.label, max_chars=setting.max_chars, **common)
        elif kind == "slider":
            value = where.slider(setting.label, **self._number_args(setting), **common)
        elif kind == "number":
            value = where.number_input(setting.label, **self._number_args(setting), **common)
        else:
            raise ValueError(f"unknown widget {kind!r} for {key!r}")
        self._store[key] = value
        return value

    def _number_args(self, setting: Setting) -> dict[str, Any]:
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

    def _slider_with_entry(self, setting: Setting, where: Any, disabled: bool) -> Any:
        """A slider for exploring and a number box for exact values, kept in step."""
        key = setting.key
        slider_key = self._widget_key(key, "slider")
        number_key = self._widget_key(key, "number")
        value = self._store[key]
        for wkey in (slider_key, number_key):
            if wkey not in st.session_state:
                st.session_state[wkey] = value

        def copy_from(source: str, target: str) -> None:
            new = st.session_state[source]
            self._store[key] = new
            st.session_state[target] = new

        args = self._number_args(setting)
        left, right = where.columns([3, 2], vertical_alignment="bottom")
        left.slider(
            setting.label, key=slider_key, help=setting.help, disabled=disabled,
            on_change=copy_from, args=(slider_key, number_key), **args,
        )  # fmt: skip
        right.number_input(
            f"{setting.label} (exact)", key=number_key, disabled=disabled,
            label_visibility="collapsed", on_change=copy_from, args=(number_key, slider_key),
            **args,
        )  # fmt: skip
        return self._store[key]

    # -- share links --------------------------------------------------------------------------

    def link_params(self) -> dict[str, str]:
        """Query parameters for this user's settings: only those that differ from defaults."""
        params = {
            key: setting.to_url(self._store[key])
            for key, setting in self.settings.items()
            if not _same_value(self._store[key], setting.default)
        }
        params.update(presenter_params())
        return params

    def sync_link(self) -> None:
        """Make the address bar carry this user's settings, so it is always a share link."""
        params = self.link_params()
        current = {key: st.query_params.get(key) for key in st.query_params}
        if current != params:
            st.query_params.from_dict(params)

    def share_link(self) -> str:
        base = (st.context.url or "").split("?", 1)[0]
        query = urlencode(self.link_params())
        return f"{base}?{query}" if query else base


def code_safe(text: str) -> str:
    """Text from a link, made safe to show inside a `code span` (no backtick can end it)."""
    return text.replace("`", "'")


def _same_value(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        try:
            return float(a) == float(b)
        except (TypeError, ValueError):
            return False
    return a == b


def _default_option_label(option: Any) -> str:
    if isinstance(option, float):
        return f"{option:g}"
    return str(option)


# -- presenter mode ---------------------------------------------------------------------------

_PRESENTER_KEY = "presenter"


def _presenter_state() -> dict[str, Any]:
    """Presenter mode and hidden controls, read once per session from the link."""
    if _PRESENTER_KEY not in st.session_state:
        present = st.query_params.get(PRESENT_PARAM, "0").strip() in {"1", "true", "on"}
        raw_hide = st.query_params.get(HIDE_PARAM, "")[:MAX_URL_TEXT]
        hidden = tuple(dict.fromkeys(k for k in raw_hide.split(",") if k.strip()))
        st.session_state[_PRESENTER_KEY] = {"present": present, "hide": hidden}
    return st.session_state[_PRESENTER_KEY]


def presenting() -> bool:
    return _presenter_state()["present"]


def is_hidden(key: str) -> bool:
    state = _presenter_state()
    return state["present"] and key in state["hide"]


def presenter_params() -> dict[str, str]:
    state = _presenter_state()
    params = {}
    if state["present"]:
        params[PRESENT_PARAM] = "1"
        if state["hide"]:
            params[HIDE_PARAM] = ",".join(state["hide"])
    return params


def set_presenter(present: bool, hide: Sequence[str] = ()) -> None:
    st.session_state[_PRESENTER_KEY] = {"present": present, "hide": tuple(hide)}
