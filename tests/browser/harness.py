"""A real Streamlit server and a real Chromium, shared by the browser tests and benchmarks/load.py.

Chromium is Debian's (/usr/bin/chromium, installed by .ci/run); Playwright only drives it and
never downloads a browser of its own.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# The sidebar's page links (ui/layout.navigation).
NAV_LINK = '.st-key-navigation [data-testid="stPageLink-NavLink"]'


def nav_link(url_path: str) -> str:
    """The sidebar link to one page: its href is the page's path relative to the app ("" for
    the home page), with the page's settings as a query string when it has any."""
    if not url_path:
        return f'{NAV_LINK}[href=""], {NAV_LINK}[href^="?"]'
    return f'{NAV_LINK}[href="{url_path}"], {NAV_LINK}[href^="{url_path}?"]'


def browser_unavailable_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not (os.path.isfile(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -r requirements-dev.txt)"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log_path: Path


def streamlit_command(port: int, script: str = "dashboard.py", launcher: str = "streamlit"):
    """`python -m <launcher> run <script>`, headless on 127.0.0.1:<port>, no usage stats."""
    return [
        *(sys.executable, "-m", launcher, "run", script),
        *("--server.headless", "true", "--server.port", str(port)),
        *("--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"),
    ]


@contextlib.contextmanager
def streamlit_server(
    log_name: str = "server.log",
    timeout: float = 60.0,
    script: str = "dashboard.py",
    launcher: str = "streamlit",
    env: dict[str, str] | None = None,
) -> Iterator[Server]:
    """Start `streamlit run <script>` (the app by default) on a free port, from the repository
    root so that its .streamlit/config.toml applies, and stop that very process afterwards.
    `launcher` is the module run with `python -m` (benchmarks.timed_server for the load
    benchmark); `env` adds environment variables."""
    port = free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / log_name
    command = streamlit_command(port, script, launcher)
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            # A board of its own for each server (a test may name another): tests never
            # write to the app's default board file.
            env={
                **os.environ,
                "EXPLORER_BOARD_URL": f"sqlite:///{ARTIFACTS / f'board-{port}.sqlite'}",
                **(env or {}),
            },
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"streamlit exited early; see {log_path}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"streamlit did not become healthy in {timeout} s")
            time.sleep(0.2)
        yield Server(url=url, process=process, log_path=log_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def script_page(browser, script: str, log_name: str) -> Iterator[tuple[Server, object]]:
    """A server of its own running `script` (a test app under tests/browser/, started from the
    repository root so the project's config applies) and a page in a fresh browser context,
    opened on it and idle. The context closes before the server stops."""
    with streamlit_server(log_name=log_name, script=script) as app:
        context = browser.new_context()
        page = context.new_page()
        try:
            page.goto(app.url)
            wait_for_streamlit(page)
            yield app, page
        finally:
            context.close()


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """A headless Debian Chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def wait_for_streamlit(page, timeout_ms: float = 60_000, quiet_ms: int = 400) -> None:
    """Wait until the app is connected and script runs have finished and stayed finished.

    A page may rerun itself right after a run ends (st.rerun after a first-visit training,
    a fragment's timer), so idle must last `quiet_ms` before it counts: otherwise a test
    could act in the gap between two runs and its click would be lost.
    """
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    page.evaluate("() => { window.__lastBusy = Date.now(); }")
    page.wait_for_function(
        """(quietMs) => {
            const app = document.querySelector('[data-testid="stApp"]');
            const state = app && app.getAttribute('data-test-script-state');
            const statusGone = !document.querySelector('[data-testid="stStatusWidget"]');
            if (state !== 'notRunning' || !statusGone) {
                window.__lastBusy = Date.now();
                return false;
            }
            return Date.now() - window.__lastBusy >= quietMs;
        }""",
        arg=quiet_ms,
        timeout=timeout_ms,
        polling=50,
    )


_WATCH_RUNS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    window.__scriptRuns = 0;
    if (window.__runObserver) window.__runObserver.disconnect();
    window.__runObserver = new MutationObserver(() => {
        if (app.getAttribute('data-test-script-state') === 'running') window.__scriptRuns += 1;
    });
    window.__runObserver.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


def act_and_wait(page, action, timeout_ms: float = 60_000) -> None:
    """Do `action()` (a click, a key press) and wait for the rerun it causes to finish.

    Waiting only for an idle app right after a click can return before the rerun has even
    started; this watches the app's script state and waits for a run to begin and end.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    page.evaluate(_WATCH_RUNS)
    action()
    # A run fast enough to arrive in one batch is rendered without ever showing the
    # "running" state (see flows.py, which counts the websocket's messages instead): the
    # page being idle below is then the answer.
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_function("() => window.__scriptRuns > 0", timeout=min(timeout_ms, 10_000))
    wait_for_streamlit(page, timeout_ms)


def exceptions_on_page(page) -> list[str]:
    return [e.inner_text() for e in page.query_selector_all('[data-testid="stException"]')]


def screenshot(page, name: str, *, full_page: bool = True) -> Path:
    """A picture of the page in artifacts/screenshots/; `full_page=False` keeps what the
    screen shows (a projector's or a phone's first view)."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def readme_screenshot(page, name: str) -> Path:
    """`screenshot(page, name)`, copied to docs/screenshots/<name>.png (the README's picture)
    when UPDATE_README_SCREENSHOTS=1."""
    shot = screenshot(page, name)
    if os.environ.get("UPDATE_README_SCREENSHOTS") == "1":
        shutil.copyfile(shot, REPO_ROOT / "docs" / "screenshots" / f"{name}.png")
    return shot
