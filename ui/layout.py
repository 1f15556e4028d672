"""What every page shares: its start (settings from the link, presenter styles, navigation),
its header with the "what to try" note, and the sidebar tools (share link, presenter mode).

The sidebar's page links are drawn here rather than by st.navigation (dashboard.py hides its
menu): each link carries the page's own settings, so switching pages adds one entry to the
browser's history and Back returns to the previous page as it was (see ui/links.py).
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from ui import links, presenter, sharing, site
from ui.settings import PageSettings
from ui.streamlit_private import leave_legacy_pages_mode, page_css


def start_page(settings: PageSettings | None, page: site.PageInfo) -> None:
    """The start of every page's run, before anything is drawn: run inside the app's
    navigation, load this user's settings (from the link when it changed), set torch up
    for this thread, and draw the sidebar's page links."""
    if leave_legacy_pages_mode():
        st.rerun()  # the rerun goes through dashboard.py, which opens the page asked for
    if settings is not None:
        # Each script run is a new thread, and torch's thread count is set per thread (see
        # models/torch_runtime.py). Imported here so the home page does not load torch.
        from models import torch_runtime

        torch_runtime.configure()
    opened_from_link = links.load(settings, page.name)
    if opened_from_link and presenter.presenting():
        # More room for a projector: a presenter link opens with the sidebar closed (its ">"
        # opens it). Not when a teacher switches presenter mode on in the sidebar itself.
        st.set_page_config(initial_sidebar_state="collapsed")
    st.html(page_css(presenter.presenting()))
    navigation()
    sharing.moved_notice()


def navigation() -> None:
    """The sidebar's links to every page, in sections, each carrying that page's settings."""
    with st.sidebar, st.container(key="navigation"):
        try:
            for section, pages in site.sections().items():
                if section:
                    st.caption(section)
                for page in pages:
                    st.page_link(
                        page.path,
                        label=page.title,
                        icon=page.icon,
                        query_params=links.page_params(page.name),
                        width="stretch",
                    )
        except StreamlitPageNotFoundError:
            # Only a page run outside the app (a test of one widget's page) has no pages to
            # link to; dashboard.py registers them all, and so does the pages/ folder.
            pass


def wide_picture(name: str) -> Any:
    """A box for a picture drawn at its natural size (text that must stay legible): when the
    column is narrower, the picture scrolls sideways inside the box, not the page."""
    return st.container(key=f"wide-picture-{name}")


def rerunning_expander(label: str, key: str, *, opened: bool = False, icon: str | None = None):
    """An expander that reruns the script when opened or closed, so that its `.open` says
    whether to build what is inside. `opened` opens it on the first view."""
    return st.expander(label, expanded=opened, key=key, on_change="rerun", icon=icon)


def lazy_panel(label: str, key: str, *, opened: bool = False, icon: str | None = None) -> Any:
    """An expander whose content is built only while it is open (a closed one costs the
    server nothing and sends nothing but its label): the container to draw in, or None.
    `opened` opens it on the first view, e.g. when a share link points into it."""
    box = rerunning_expander(label, key, opened=opened, icon=icon)
    return box if box.open else None


def save_button(
    where: Any, label: str, data: Any, file_name: str, mime: str, key: str, **options: Any
) -> None:
    """A download button: saving a file changes nothing on the page, so it does not rerun.
    `data` may be a function, called only when the button is clicked."""
    where.download_button(
        label,
        data,
        file_name,
        mime,
        key=key,
        icon=":material/download:",
        on_click="ignore",
        **options,
    )


def page_header(
    settings: PageSettings,
    page: site.PageInfo,
    *,
    intro: str,
    lecture_label: str,
) -> None:
    """Start the page (see start_page), then draw the title, the collapsible note on what to
    try, the sidebar tools and any link warning."""
    start_page(settings, page)
    st.title(page.heading)
    with st.expander(
        "What to try here", expanded=not presenter.presenting(), icon=":material/lightbulb:"
    ):
        st.markdown(intro)
        st.markdown(f"Lecture: [{lecture_label}]({site.LECTURE_URLS[page.section]})")
    links.show_link_warning(settings)
    sidebar_tools(settings)


def sidebar_tools(settings: PageSettings) -> None:
    with st.sidebar:
        st.divider()
        with st.popover("Share these settings", icon=":material/link:", width="stretch"):
            st.caption(
                "This link opens the page with your settings; training is seeded, "
                "so pressing Train reproduces your run."
            )
            st.code(links.share_link(settings), language=None, wrap_lines=True)
        with st.expander("Presenter mode", icon=":material/co_present:"):
            presenter_controls(settings)


def presenter_controls(settings: PageSettings) -> None:
    mode = presenter.mode()
    present = st.toggle(
        "Present to a class",
        value=mode.present,
        key=f"{settings.page}.present-toggle",
        help="Larger type and charts for a projector. The link carries it.",
    )
    choices = list(settings.settings)
    hidden_here = [key for key in choices if key in mode.hidden]
    hidden = st.multiselect(
        "Hide these controls from students",
        choices,
        default=hidden_here,
        format_func=lambda key: settings.settings[key].label,
        key=f"{settings.page}.hide-select",
        disabled=not present,
    )
    if present != mode.present or (present and hidden != hidden_here):
        # A teacher's choices on other pages are kept.
        elsewhere = [key for key in mode.hidden if key not in choices]
        presenter.set_mode(present, [*elsewhere, *hidden])
        links.write_link(settings)
        st.rerun()
