"""ui/settings.py and ui/links.py: widgets bound to per-user state, share links, link
validation."""

from __future__ import annotations

import math

import pytest
from streamlit.testing.v1 import AppTest

from ui.settings import PageSettings, Setting

LR = Setting("lr", "Learning rate", 0.1, kind="float", min_value=1e-4, max_value=10.0)
STEPS = Setting("steps", "Steps", 100, kind="int", min_value=1, max_value=1000)
ACT = Setting("act", "Activation", "relu", kind="choice", options=("relu", "tanh"))
ON = Setting("decay", "Decay", False, kind="bool")
TEXT = Setting("f", "Formula", "a*b", kind="text", max_chars=20)
W1 = Setting(
    "w1", "w1", -3.0, kind="float", min_value=-10.0, max_value=10.0, widget="slider+number"
)


@pytest.mark.parametrize(
    ("setting", "raw", "expected"),
    [
        (LR, "0.5", 0.5),
        (LR, "1e-3", 1e-3),
        (STEPS, "250", 250),
        (STEPS, "250.0", 250),
        (ACT, "tanh", "tanh"),
        (ON, "1", True),
        (ON, "off", False),
        (TEXT, "tanh(x)", "tanh(x)"),
    ],
)
def test_link_values_that_are_valid_are_read(setting, raw, expected):
    value = setting.from_link(raw)
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize(
    ("setting", "raw"),
    [
        (LR, "abc"),
        (LR, "nan"),
        (LR, "inf"),
        (LR, "1e6"),
        (LR, "-1"),
        (LR, ""),
        (STEPS, "2.5"),
        (STEPS, "0"),
        (STEPS, "9" * 100),
        (ACT, "sigmoid"),
        (ON, "maybe"),
        (TEXT, "x" * 21),
    ],
)
def test_link_values_that_are_invalid_are_refused(setting, raw):
    with pytest.raises(ValueError):
        setting.from_link(raw)


@pytest.mark.parametrize("setting", [LR, STEPS, ACT, ON, TEXT])
def test_every_default_round_trips_through_a_link(setting):
    assert setting.from_link(setting.to_link(setting.default)) == setting.default


def test_floats_round_trip_exactly():
    bias = 6.8813735870195432
    setting = Setting("b", "b", 0.0, min_value=-10, max_value=10)
    assert setting.from_link(setting.to_link(bias)) == bias
    assert not math.isnan(setting.from_link("-0.0"))


def settings_page():
    import streamlit as st

    from ui import links
    from ui.settings import PageSettings, Setting

    settings = PageSettings(
        "demo",
        [
            Setting("lr", "Learning rate", 0.1, min_value=1e-4, max_value=10.0),
            Setting("steps", "Steps", 100, kind="int", min_value=1, max_value=1000),
            Setting("act", "Activation", "relu", kind="choice", options=("relu", "tanh")),
            Setting("w1", "w1", -3.0, min_value=-10.0, max_value=10.0, widget="slider+number"),
        ],
    )
    links.load(settings)
    links.show_link_warning(settings)
    for key in settings.settings:
        settings.widget(key)
    links.write_link(settings)
    st.write(f"values={settings.values}")


def run_settings_page(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_function(settings_page, default_timeout=30)
    at.query_params.update(query or {})
    return at.run()


def shown_values(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("values="))


def test_defaults_without_a_link():
    at = run_settings_page()
    assert not at.exception and not at.warning
    assert "'lr': 0.1" in shown_values(at)
    assert at.query_params == {}


def test_a_link_restores_its_settings():
    at = run_settings_page({"lr": "0.25", "steps": "40", "act": "tanh", "w1": "2.5"})
    assert not at.exception and not at.warning
    assert at.number_input(key="demo.lr").value == 0.25
    assert at.number_input(key="demo.steps").value == 40
    assert at.selectbox(key="demo.act").value == "tanh"
    assert at.slider(key="demo.w1").value == 2.5
    assert at.number_input(key="demo.w1#exact").value == 2.5


def test_bad_link_values_fall_back_with_one_warning_naming_them():
    at = run_settings_page({"lr": "banana", "steps": "-5", "act": "tanh"})
    assert not at.exception
    assert len(at.warning) == 1
    message = at.warning[0].value
    assert "Learning rate" in message and "Steps" in message and "Activation" not in message
    assert at.number_input(key="demo.lr").value == 0.1
    assert at.number_input(key="demo.steps").value == 100
    assert at.selectbox(key="demo.act").value == "tanh"


def test_changing_a_widget_updates_the_link():
    at = run_settings_page()
    at.number_input(key="demo.steps").set_value(7).run()
    assert at.query_params.get("steps") == "7"
    at.number_input(key="demo.steps").set_value(100).run()
    assert "steps" not in at.query_params


def test_slider_and_exact_entry_stay_in_step():
    at = run_settings_page()
    at.number_input(key="demo.w1#exact").set_value(1.25).run()
    assert at.slider(key="demo.w1").value == 1.25
    at.slider(key="demo.w1").set_value(-4.0).run()
    assert at.number_input(key="demo.w1#exact").value == -4.0
    assert "'w1': -4.0" in shown_values(at)


def test_duplicate_keys_are_a_programming_error():
    with pytest.raises(ValueError):
        PageSettings("x", [LR, LR])


def header_page():
    import streamlit as st

    from ui.layout import page_header
    from ui.settings import PageSettings, Setting
    from ui.site import LESSON_1, PageInfo

    settings = PageSettings(
        "demo",
        [
            Setting("lr", "Learning rate", 0.1, min_value=1e-4, max_value=10.0),
            Setting("act", "Activation", "relu", kind="choice", options=("relu", "tanh")),
        ],
    )
    page = PageInfo("demo", "Demo", "Demo", ":material/hub:", LESSON_1)
    page_header(settings, page, intro="Try things.", lecture_label="lecture")
    st.write(f"top={settings.values}")
    for key in settings.settings:
        settings.widget(key)


def test_values_are_current_at_the_top_of_the_page():
    at = AppTest.from_function(header_page, default_timeout=30).run()
    at.selectbox(key="demo.act").set_value("tanh").run()
    top = next(m.value for m in at.markdown if m.value.startswith("top="))
    assert "'act': 'tanh'" in top
    assert at.query_params.get("act") == "tanh"


def test_presenter_link_hides_the_chosen_controls():
    at = AppTest.from_function(header_page, default_timeout=30)
    at.query_params.update({"present": "1", "hide": "lr", "lr": "0.5"})
    at.run()
    assert not at.exception
    keys = {w.key for w in at.number_input}
    assert "demo.lr" not in keys  # hidden from students...
    assert at.selectbox(key="demo.act").value == "relu"
    top = next(m.value for m in at.markdown if m.value.startswith("top="))
    assert "'lr': 0.5" in top  # ...but the teacher's value still applies
    assert at.query_params.get("present") == "1" and at.query_params.get("hide") == "lr"


def test_a_link_value_cannot_inject_markdown_into_the_warning():
    at = run_settings_page({"lr": "`[click](https://evil.example)`"})
    assert len(at.warning) == 1
    message = at.warning[0].value
    assert message.count("`") == 2  # only the code span the app itself opened and closed


def runtime_options_page():
    import streamlit as st

    from ui import links
    from ui.settings import PageSettings, Setting

    settings = PageSettings(
        "demo", [Setting("row", "Row", "e", kind="text", max_chars=3, widget="selectbox")]
    )
    links.load(settings)
    choices = st.session_state.get("choices", (".", "a", "e"))
    settings.widget("row", options=choices)
    links.write_link(settings)
    st.write(f"row={settings['row']}")


def test_choices_given_at_run_time_are_offered_and_enforced():
    """A text setting drawn as a selectbox whose options come from the user's data."""
    at = AppTest.from_function(runtime_options_page, default_timeout=30)
    at.query_params.update({"row": "a"})
    at.run()
    assert at.selectbox(key="demo.row").options == [".", "a", "e"]
    assert at.selectbox(key="demo.row").value == "a"
    # New data without that character: the first option is used, and the link follows.
    at.session_state["choices"] = (".", "x", "y")
    at.run()
    assert not at.exception
    assert at.selectbox(key="demo.row").value == "."
    assert "row=." in [m.value for m in at.markdown]
    at.selectbox(key="demo.row").set_value("y").run()
    assert at.query_params.get("row") == "y"


def self_rerunning_page():
    """A page that reruns itself once on a first visit, as the Bigram page does after training
    its first net."""
    import streamlit as st

    from ui import links
    from ui.settings import PageSettings, Setting

    settings = PageSettings(
        "demo", [Setting("lr", "Learning rate", 0.1, min_value=1e-4, max_value=10.0)]
    )
    links.load(settings)
    links.show_link_warning(settings)
    settings.widget("lr")
    if not st.session_state.get("reran"):
        st.session_state["reran"] = True
        st.rerun()


def test_a_link_warning_outlives_the_pages_own_reruns_until_a_setting_changes():
    at = AppTest.from_function(self_rerunning_page, default_timeout=30)
    at.query_params.update({"lr": "banana"})
    at.run()
    assert at.session_state["reran"]  # the warning below was drawn by the second run
    assert len(at.warning) == 1 and "Learning rate" in at.warning[0].value
    at.run()  # a rerun that changes nothing (a button, a timer) keeps it
    assert len(at.warning) == 1
    at.number_input(key="demo.lr").set_value(0.5).run()
    assert not at.warning  # the user has moved on from the link
    at.number_input(key="demo.lr").set_value(0.1).run()
    assert not at.warning  # and it does not come back
