"""Driving the dashboard with Streamlit's AppTest.

AppTest runs dashboard.py first, which registers the pages with st.navigation. Because the
page folder is called pages/, a rerun after `switch_page` executes the page script alone
(Streamlit's legacy pages/ discovery), so the navigation registry must be read after the
first run, before switching.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.conftest import REPO_ROOT

DASHBOARD = REPO_ROOT / "dashboard.py"
# Importing torch on the first run takes about a second; training pages take longer.
DEFAULT_TIMEOUT = 60


def start_app() -> AppTest:
    """Run dashboard.py once, landing on the home page."""
    at = AppTest.from_file(str(DASHBOARD), default_timeout=DEFAULT_TIMEOUT)
    at.run()
    return at


def navigation_pages(at: AppTest) -> list[str]:
    """Paths (relative to the repo) of the pages st.navigation registered on the last run."""
    paths = []
    for info in at._registered_pages.values():  # AppTest keeps what st.navigation registered
        script = info.get("script_path")
        if script:
            paths.append(Path(script).resolve().relative_to(REPO_ROOT).as_posix())
    return paths


def open_page(page_path: str) -> AppTest:
    """A fresh session on one page, the way a student arrives at it."""
    at = start_app()
    at.switch_page(page_path).run()
    return at


def exception_messages(at: AppTest) -> list[str]:
    return [f"{e.message}\n{''.join(e.stack_trace)}" for e in at.exception]


def page_state(at: AppTest, state_class):
    """A page's typed per-user state (ui/state.py) in an AppTest session."""
    return at.session_state[state_class.session_key()]


def setting_value(at: AppTest, settings, name: str):
    """The value of one of a page's settings in an AppTest session (ui/settings.py)."""
    return at.session_state[settings.key(name)]


def set_session(at: AppTest, key: str, value) -> AppTest:
    """Set a widget's value by its key, for widgets AppTest cannot click (an expander, a tab)."""
    at.session_state[key] = value
    return at


def set_widgets(at: AppTest, values: dict) -> AppTest:
    """Set the widgets with these keys to these values, in order, rerunning the page after each
    one as a student's change would."""
    for key, value in values.items():
        at.get_by_key(key).set_value(value).run()
    return at


def tampered_json(document: dict, change) -> bytes:
    """The JSON of a copy of `document` after `change(copy)`; `document` itself is untouched."""
    copy = json.loads(json.dumps(document))
    change(copy)
    return json.dumps(copy).encode()


def setting_values(at: AppTest, settings) -> dict:
    """Every setting of a page, as an AppTest session holds it."""
    return {name: setting_value(at, settings, name) for name in settings.settings}


def shown(markdown: str) -> str:
    """Markdown text as a reader sees it: the backslash escapes that keep user text literal
    (ui/text.py) removed."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def open_with_link(page_path: str, params: dict[str, str]) -> AppTest:
    """A fresh session opening `page_path` from a link with these query parameters (no
    exception allowed)."""
    at = start_app()
    at.query_params.update(params)
    at.switch_page(page_path).run()
    assert not at.exception, exception_messages(at)
    return at


def rerun_while_training(at: AppTest, run_of, limit: int = 200) -> AppTest:
    """Rerun the page as a watching browser's timer does until its run stops training.
    `run_of(at)` is the page's TrainingRun; a shared run trains in a background job, so
    each rerun first gives the job a moment (as the browser's tick does)."""
    for _ in range(limit):
        run = run_of(at)
        if run.status != "training":
            return at
        if run.shared is not None:
            run.shared.done.wait(0.05)
        at.run()
        assert not at.exception, [e.message for e in at.exception]
    raise AssertionError(f"still training after {limit} reruns")
