"""Streamlit pieces the pages share: cached loaders, session-state helpers, chart builders."""
