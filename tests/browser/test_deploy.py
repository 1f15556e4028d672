"""Several app processes behind HAProxy, as deploy/ runs them, without Docker: two app
processes on free ports (the Dockerfile's command, each named as deploy/compose.yaml names
it) and Debian's haproxy with deploy/haproxy.cfg itself in front. Checked through HAProxy in
Chromium: every page loads; a student's session stays on one process (an upload, then a rerun,
still has the words); students are spread across processes; and when one process is killed,
its students reconnect to another with their settings from the link and a plain note, while
everyone else's session is untouched. A stale or unknown cookie gets a working page.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import time
import urllib.request

import pytest

from tests.browser.harness import (
    ARTIFACTS,
    REPO_ROOT,
    exceptions_on_page,
    free_port,
    streamlit_server,
    wait_for_streamlit,
)
from tests.browser.layout import open_settled

CONFIG = REPO_ROOT / "deploy" / "haproxy.cfg"
COOKIE = "EXPLORER_SERVER"
PROCESSES = 2  # deploy/compose.yaml runs 3; two show every behaviour at half the start-up
WORDS = "\n".join(["anna", "bella", "carla", "dora", "ella", "fiona", "gina", "hana"]).encode()
UPLOADER = ".st-key-bigram-uploader"


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextlib.contextmanager
def haproxy(apps: dict[str, str]):
    """deploy/haproxy.cfg in front of `apps` (name -> host:port), on a free port."""
    if not shutil.which("haproxy"):
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("haproxy is not installed (.ci/run installs it with apt)")
        pytest.skip("haproxy is not installed (apt-get install -y haproxy)")
    port = free_port()
    env = {**os.environ, "HAPROXY_BIND": f"127.0.0.1:{port}"}
    env |= {name.upper(): address for name, address in apps.items()}
    ARTIFACTS.mkdir(exist_ok=True)
    with open(ARTIFACTS / "haproxy.log", "wb") as log:
        process = subprocess.Popen(
            ["haproxy", "-db", "-f", str(CONFIG)], env=env, stdout=log, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while not healthy(url):
            assert process.poll() is None, (ARTIFACTS / "haproxy.log").read_text()
            assert time.monotonic() < deadline, "HAProxy did not answer"
            time.sleep(0.2)
        time.sleep(2.5)  # every server's first health checks (inter 1s, rise 2)
        yield url
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture(scope="module")
def cluster():
    with contextlib.ExitStack() as stack:
        servers = {}
        for number in range(1, PROCESSES + 1):
            name = f"app{number}"
            servers[name] = stack.enter_context(
                streamlit_server(f"{name}.log", env={"EXPLORER_SERVER_NAME": name})
            )
        apps = {name: server.url.removeprefix("http://") for name, server in servers.items()}
        url = stack.enter_context(haproxy(apps))
        yield url, servers


def student(browser, url: str, path: str = ""):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    open_settled(page, url)  # the home page first, as a student following the class link
    if path:
        open_settled(page, f"{url}/{path}")
    return context, page


def process_of(context) -> str:
    return next(c["value"] for c in context.cookies() if c["name"] == COOKIE)


def words_metric(page) -> str:
    label = page.get_by_test_id("stMetricLabel").get_by_text("words", exact=True)
    metric = page.get_by_test_id("stMetric").filter(has=label)
    return metric.get_by_test_id("stMetricValue").inner_text()


def test_every_page_loads_through_haproxy(browser, cluster):
    url, _ = cluster
    context, page = student(browser, url)
    try:
        for path in ("neuron", "mlp", "bigram"):
            open_settled(page, f"{url}/{path}")
            assert not exceptions_on_page(page), path
            assert page.locator("h1").first.inner_text()
    finally:
        context.close()


def test_students_are_spread_and_an_upload_stays_with_its_process(browser, cluster):
    url, _ = cluster
    contexts = [student(browser, url) for _ in range(3)]
    try:
        used = {process_of(context) for context, _ in contexts}
        assert len(used) >= 2, used  # leastconn spreads the open websockets
        context, page = contexts[0]
        open_settled(page, f"{url}/bigram")
        page.get_by_text("My own word list").click()
        wait_for_streamlit(page)
        page.locator(f"{UPLOADER} input[type=file]").set_input_files(
            {"name": "mine.txt", "mimeType": "text/plain", "buffer": WORDS}
        )
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-testid=stMetricValue]')]"
            ".some(e => e.textContent.trim() === '8')",
            timeout=30_000,
        )
        wait_for_streamlit(page)
        page.get_by_label("Names to sample").fill("5")  # another run of the same session
        page.get_by_label("Names to sample").press("Enter")
        wait_for_streamlit(page)
        assert words_metric(page) == "8" and not exceptions_on_page(page)
    finally:
        for context, _ in contexts:
            context.close()


def test_a_killed_process_moves_its_students_with_their_settings(browser, cluster):
    url, servers = cluster
    students = [student(browser, url, "neuron?w1=1.5") for _ in range(3)]
    try:
        by_process = {}
        for context, page in students:
            by_process.setdefault(process_of(context), []).append((context, page))
        assert len(by_process) >= 2
        victim = next(iter(by_process))
        survivors = [s for name, group in by_process.items() if name != victim for s in group]
        # Someone on another process has state worth keeping: a trained MLP run.
        other_context, other = survivors[0]
        open_settled(other, f"{url}/mlp?steps=5")
        other.locator(".st-key-mlp-train button").click()
        other.get_by_text("Step 5 of 5 · finished").first.wait_for(timeout=60_000)

        servers[victim].process.kill()
        servers[victim].process.wait(10)
        for context, page in by_process[victim]:
            # Streamlit's page reconnects by itself and HAProxy sends it to a live process;
            # the page runs again at the student's next action.
            deadline = time.monotonic() + 60
            while process_of(context) == victim and time.monotonic() < deadline:
                time.sleep(0.5)
            assert process_of(context) != victim
            box = page.get_by_label("w2 (exact)")
            box.fill("0.5")  # the action that reaches the new process: a fresh session,
            box.press("Enter")  # whose settings come from the link (this change is not in it)
            page.get_by_text("moved you to another of its processes").wait_for(timeout=60_000)
            wait_for_streamlit(page)
            assert page.get_by_label("w1 (exact)").input_value() == "1.5000"  # from the link
            box.fill("0.5")  # and the page works on the new process
            box.press("Enter")
            page.wait_for_function(
                "() => document.querySelector('[aria-label=\"w2 (exact)\"]').value === '0.5000'",
                timeout=30_000,
            )
            page.wait_for_url(re.compile(r"w2=0\.5"), timeout=30_000)
            assert "w1=1.5" in page.url
            assert not exceptions_on_page(page)
            page.get_by_role("button", name="Got it").click()
            wait_for_streamlit(page)
            assert not page.get_by_text("moved you to another").count()
        # The others' sessions are untouched: the trained run is still there after a rerun.
        other.get_by_label("Steps", exact=True).fill("6")
        other.get_by_label("Steps", exact=True).press("Enter")
        wait_for_streamlit(other)
        assert other.get_by_text("Step 5 of 5 · finished").count()
        assert process_of(other_context) != victim
    finally:
        for context, _ in students:
            context.close()


def test_a_stale_or_unknown_cookie_gets_a_working_page(browser, cluster):
    url, _ = cluster
    host = url.removeprefix("http://").split(":")[0]
    for cookie in ("app9", "not a server", ""):
        context = browser.new_context()
        context.add_cookies([{"name": COOKIE, "value": cookie, "domain": host, "path": "/"}])
        page = context.new_page()
        try:
            open_settled(page, f"{url}/neuron")
            assert not exceptions_on_page(page), cookie
            assert page.get_by_label("w1 (exact)").count(), cookie
            assert process_of(context).startswith("app"), cookie
        finally:
            context.close()
