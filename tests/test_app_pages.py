"""Every page the navigation registers runs without an exception."""

from __future__ import annotations

import ast

import pytest

from tests.apptest_helpers import (
    DASHBOARD,
    exception_messages,
    navigation_pages,
    start_app,
)
from tests.conftest import REPO_ROOT
from ui.site import ALL_PAGES


def registered_pages() -> list[str]:
    return navigation_pages(start_app())


def test_dashboard_runs_and_registers_the_site_pages():
    at = start_app()
    assert not at.exception, exception_messages(at)
    assert sorted(navigation_pages(at)) == sorted(page.path for page in ALL_PAGES)


def test_every_page_file_is_in_the_navigation():
    """A file in pages/ that the navigation leaves out would be unreachable."""
    on_disk = {p.relative_to(REPO_ROOT).as_posix() for p in (REPO_ROOT / "pages").glob("*.py")}
    assert on_disk == set(registered_pages())


@pytest.mark.parametrize("page_path", registered_pages())
def test_page_runs_from_the_dashboard(page_path):
    at = start_app()
    at.switch_page(page_path).run()
    assert not at.exception, exception_messages(at)


def test_page_reruns_skip_the_dashboard_script():
    """Documents the AppTest behaviour the pages are written around (see apptest_helpers).

    After switch_page, the rerun executes only the page: the navigation registry then comes
    from the pages/ folder (which lists dashboard.py itself as a page) instead of from
    st.navigation. On a real server ui.layout.run_inside_the_app ends that legacy mode at
    the first run (tests/browser/test_direct_links.py); under AppTest it leaves it alone.
    If a Streamlit upgrade changes this, this test says so.
    """
    at = start_app()
    assert "dashboard.py" not in navigation_pages(at)
    for page_path in [page.path for page in ALL_PAGES]:
        at.switch_page(page_path).run()
        assert not at.exception, exception_messages(at)
        assert "dashboard.py" in navigation_pages(at)
        at = start_app()


def test_home_links_to_every_lesson_page():
    at = start_app()
    linked = {link.proto.page for link in at.get("page_link")}
    lesson_pages = {page.path for page in ALL_PAGES if page.section}
    # page_link stores the page's URL path (the file stem, e.g. "neuron"); compare stems.
    linked_names = {str(p).rsplit("/", 1)[-1].removesuffix(".py") for p in linked}
    assert {p.rsplit("/", 1)[-1].removesuffix(".py") for p in lesson_pages} <= linked_names


def test_dashboard_has_no_widgets():
    """dashboard.py sets up the page and navigation, nothing else."""
    tree = ast.parse(DASHBOARD.read_text())
    calls = {
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }
    assert calls <= {"set_page_config", "navigation", "run", "Page", "items"}
