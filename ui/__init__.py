"""Streamlit: the pages' widgets, panels and charts, over models/, data/ and engine/.

A small shared kit, then one package per page (ui/neuron, ui/mlp, ui/bigram, and ui/home.py):

- site.py: the page registry; layout.py: each page's start, header, sidebar navigation and
  tools; presenter.py: presenter mode;
- settings.py: a page's settings, their widgets and per-user values; links.py: the settings
  in the link, its warning, Back and Forward;
- state.py: one typed state object per page, and the one way a press is handled;
- cache.py: bounded caches shared between users, and the check that nobody changes them;
- runlog.py: a page's last runs and the panel comparing two; charts.py: chart basics and a
  per-user cache of built chart specs; text.py: user text shown literally;
- streamlit_private.py: the only place private Streamlit names are used.

Streamlit's own features, and where the kit adds to them:
- Widget values live in the session under the page's keys and survive page switches by
  `persist_state="session"`; the kit only sets them when code changes a value.
- Presses are `on_click` / `on_change` callbacks, which Streamlit runs once per click before
  the script; the kit queues them for the page (ui/state.py explains why).
- Only the open tab or expander runs (`st.tabs(..., on_change="rerun")`, `.open`), and the
  live training view is an `st.fragment` with `run_every`.
- Hand-written, because Streamlit lacks it: the link (`bind="query-params"` names parameters
  after session keys, so pages sharing a setting name would share its value, and it drops
  hidden controls and bad values silently: ui/links.py), one warning naming every bad link
  value, a slider paired with an exact-value box, presenter mode, and sidebar links that carry
  each page's settings (so Back leaves a page in one press).
"""
