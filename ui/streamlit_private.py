"""The one place the app uses names (and page structure) that Streamlit does not publish.

Each use says why no public way exists. tests/test_streamlit_private.py checks every name here
against the installed Streamlit, so an upgrade that moves one fails a test instead of
breaking a page (each use also falls back to doing without, see below).
"""

from __future__ import annotations

from typing import Any

from streamlit import config

# The page styles below select Streamlit's elements by their test ids and structure, which
# Streamlit does not publish; tests/browser/test_layout.py and test_class_defects.py fail if
# what they do stops happening.

# Every page. A file the uploader refuses in the browser (over the size limit, or of another
# type) gets a red chip, and Streamlit keeps the reason in a screen-reader alert that shows
# only on hover: shown under the file's name, where a student looks. A picture wider than
# its column (a computation graph at its natural size, the count table on a phone) scrolls
# inside its own box instead of shrinking its text or widening the page. Keyboard focus is
# always visible (WCAG 2.4.7): the sidebar link to the page you are on and the toolbar over a
# chart or table (Fullscreen, Download...) draw no focus ring of their own, a toggle's is
# faint, and the toolbar stays transparent while its button has the focus (and is cut off by
# a wide picture's box unless the box leaves it room); what the keyboard focuses is scrolled
# clear of the header that stays at the top of the page (WCAG 2.4.11).
PAGE_CSS = """
  [data-testid="stFileChip"] { flex-wrap: wrap; }
  [data-testid="stFileChip"] [role="alert"] {
    position: static !important; width: 100% !important; height: auto !important;
    clip: auto !important; clip-path: none !important; overflow: visible !important;
    white-space: normal !important; margin: 0.25rem 0 0 0 !important;
    color: inherit; font-weight: 600; font-size: 0.875rem;
  }
  [data-testid="stSliderThumbValue"],
  [data-testid="stButtonGroup"] button[aria-checked="true"] { color: inherit !important; }
  [data-testid="stElementToolbar"]:focus-within { opacity: 1 !important; }
  [data-testid="stMain"] { scroll-padding-top: 4.5rem; scroll-padding-bottom: 1rem; }
  [data-testid="stCheckbox"] label:has(input:focus-visible),
  [data-testid="stPageLink-NavLink"]:focus-visible,
  [data-testid="stBaseButton-elementToolbar"]:focus-visible {
    outline: 2px solid currentColor !important; outline-offset: 1px;
  }
  [class*="st-key-wide-picture-"] { overflow-x: auto; max-width: 100%; padding-top: 16px; }
  [class*="st-key-wide-picture-"] [data-testid="stGraphVizChart"] {
    width: max-content !important;
  }
"""

# Presenter mode: larger type (Streamlit sizes text in rem, so a larger root scales it all),
# and the room a projector's 1280 pixels need: narrower page margins.
PRESENTER_CSS = """
  html, body, [data-testid="stAppViewContainer"] { font-size: 22.4px; }
  [data-testid="stMainBlockContainer"] {
    padding-left: 1.5rem; padding-right: 1.5rem; padding-top: 2.5rem; max-width: none;
  }
"""


def page_css(presenting: bool) -> str:
    """The page's style element (drawn by st.html at the start of every page)."""
    return "<style>" + PAGE_CSS + (PRESENTER_CSS if presenting else "") + "</style>"


def leave_legacy_pages_mode() -> bool:
    """Switch a fresh server out of its legacy pages/ folder mode; True if it was in it.

    Because the page folder is called pages/, a freshly started server treats the app as a
    legacy pages/ app until some session has called st.navigation: a share link such as
    /neuron?w1=2 would then run the page alone, without dashboard.py's page config and
    navigation. Streamlit has no public switch for this; st.navigation clears the same flag
    when it runs. Under AppTest nothing changes (AppTest resets the flag before every run,
    and its runs of a page alone are what the tests want).
    """
    if config.get_option("global.appTest"):
        return False
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a later Streamlit: the direct link shows the page without nav
        return False
    if getattr(PagesManager, "uses_pages_directory", False):
        PagesManager.uses_pages_directory = False
        return True
    return False


def vega_lite_spec(chart: Any) -> dict[str, Any]:
    """The Vega-Lite spec Streamlit makes of an Altair chart, its data already in Arrow form.

    Converting a chart (validating it, serialising its data) costs 5-25 ms; a page that keeps
    the result skips that work on reruns that did not change the chart. st.altair_chart does
    this conversion on every call and has no public way to hand back its result.
    """
    try:
        from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec
    except ImportError:  # plain Altair output draws the same chart, with inline data
        return chart.to_dict()
    return _convert_altair_to_vega_lite_spec(chart)
