"""Settings in the link: the address bar is always a share link, and Back steps back visibly.

Each page writes its settings (those that differ from their defaults, plus presenter mode)
into the query string on every run, and remembers what it wrote. At the start of a run the
query string is compared with that:

- the same: an ordinary rerun. The session's values (with the widget change that caused the
  run) are what counts, and they are written back if they changed;
- different: the browser changed the link under the page. That is a link opened for the first
  time, a page link of the sidebar (which carries the page's own settings), or Back/Forward.
  The page takes its values from the link, so Back shows the previous setting again instead of
  undoing it invisibly. A value that is not valid falls back to its default, and one warning
  names every such value until the user changes a setting.

Only the page's own setting names are read: another page's values in the link (`seed` of the
MLP page on the Bigram page) never apply, and writing the link drops them.

Why not Streamlit's `bind="query-params"`: it names the parameter after the widget's session
key, so two pages with a setting `lr` would share one value (tried: the MLP page's learning
rate appeared on the Bigram page); it removes the parameters of widgets not drawn in a run
(controls hidden in presenter mode, a tab not open, the width of a layer the network does not
have), so a link would lose them; and it drops values it cannot use without saying so. The
pages keep their own keys (`"mlp.lr"`) with `persist_state`, and this module does the link.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import streamlit as st

from ui import classroom, presenter
from ui.settings import PageSettings, listen_for_changes, same_value
from ui.text import in_code

WRITTEN_KEY = "links.written"  # the query string this session last wrote, as a dict
BY_PAGE_KEY = "links.by-page"  # page name -> the query string it last wrote
MAX_SHOWN = 40  # characters of a bad link value quoted in the warning


def link_params(settings: PageSettings) -> dict[str, str]:
    """Query parameters for this user's settings: those that differ from their defaults."""
    values = settings.values
    params = {
        name: setting.to_link(values[name])
        for name, setting in settings.settings.items()
        if not same_value(values[name], setting.default)
    }
    return params | session_params(settings.page)


def session_params(page: str | None) -> dict[str, str]:
    """What travels in every page's link besides its settings: presenter mode and the room."""
    return presenter.mode().link_params() | classroom.room_link_params(page)


def read_link(settings: PageSettings, params: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    """The page's values as `params` give them (defaults where absent or not valid), and a
    description of every value that was not valid."""
    values = settings.defaults()
    problems = []
    for name, setting in settings.settings.items():
        if name not in params:
            continue
        raw = params[name]
        try:
            values[name] = setting.from_link(raw)
        except ValueError as error:
            quoted = in_code(f"{name}={raw}", limit=MAX_SHOWN)
            problems.append(f"{setting.label} ({quoted}): {error}")
    return values, problems


def load(settings: PageSettings | None, page: str | None = None) -> bool:
    """At the start of a page's run: take the values (and presenter mode) from the link when
    the browser changed it (see the module's docstring), then write the link. True when the
    link was taken (a link opened, a page switch, Back or Forward)."""
    params = st.query_params.to_dict()
    changed = params != st.session_state.get(WRITTEN_KEY)
    if changed:
        presenter.set_mode(*presenter.from_link(params).astuple())
        classroom.take_from_link(params)
    if settings is not None and (changed or not settings.loaded):
        values, problems = read_link(settings, params)
        settings.seed(values)
        # Kept with the values the link gave: the warning stays through the reruns a page
        # makes by itself (after a first training) until the user changes a setting.
        st.session_state[_problems_key(settings)] = (problems, values) if problems else None
    write_link(settings, page)
    return changed


def write_link(settings: PageSettings | None, page: str | None = None) -> None:
    """Make the address bar carry this page's settings (only presenter mode and the room for
    a page without settings), so it is always a share link."""
    params = link_params(settings) if settings else session_params(page)
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)
    st.session_state[WRITTEN_KEY] = params
    if settings is not None:
        st.session_state.setdefault(BY_PAGE_KEY, {})[settings.page] = params


listen_for_changes(write_link)  # a value set by code (a preset, a file) shows in the link at once


def page_params(page: str) -> dict[str, str]:
    """The query string that opens `page` with this user's settings of it (the sidebar's
    links carry it, so a page switch adds one entry to the browser's history, not two)."""
    own = st.session_state.get(BY_PAGE_KEY, {}).get(page, {})
    travelling = (*presenter.LINK_PARAMS, *classroom.ROOM_LINK_PARAMS)
    return {k: v for k, v in own.items() if k not in travelling} | session_params(page)


def show_link_warning(settings: PageSettings) -> None:
    """One warning naming every link value that fell back to its default, shown on every
    run until the user changes one of the page's settings."""
    found = st.session_state.get(_problems_key(settings))
    if not found:
        return
    problems, link_values = found
    if settings.values != link_values:
        st.session_state[_problems_key(settings)] = None
        return
    st.warning(
        "Some settings in the link were not valid and use their defaults instead: "
        + "; ".join(problems),
        icon=":material/link_off:",
    )


def share_link(settings: PageSettings | None, page_url: str | None = None) -> str:
    """The full link to this page with this user's settings."""
    base = (page_url or st.context.url or "").split("?", 1)[0]
    params = link_params(settings) if settings else session_params(None)
    query = urlencode(params)
    return f"{base}?{query}" if query else base


def _problems_key(settings: PageSettings) -> str:
    return f"{settings.page}.link-problems"
