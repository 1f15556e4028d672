"""The main path a student takes on each page, written once for the browser tests and for
benchmarks/load.py.

Playwright's async API, so that many students (one browser context each) can run in one
Chromium at the same time; a sync test runs a flow with `run_flows`. Each step of a flow is an
action a student takes (type a number, move a slider, press Train, sample), timed from the
action to the end of the script run it causes (the app's `script_finished` message, then the
page idle), and followed by a check of what the page shows.
A step that raises in the page (`stException`), times out or shows the wrong thing is recorded
as an error; the flow of that page stops there and the next page starts afresh.

Every action is chosen from what the page shows at that moment (the slider moves away from its
end, a number different from the one in the box is typed), so a flow can run again and again in
the same session, as the load benchmark does, and every action really causes a rerun.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import random
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tests.browser.harness import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, nav_link

VIEWPORT = {"width": 1280, "height": 900}
GRAPH = '[data-testid="stGraphVizChart"] svg'
CHART = '[data-testid="stVegaLiteChart"]'
EXCEPTION = '[data-testid="stException"]'

_IDLE = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector('[data-testid="stStatusWidget"]');
}"""
# Script runs that count as finished (a run stopped early for a newer one does not).
_FINISHED = {
    ForwardMsg.FINISHED_SUCCESSFULLY,
    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
    ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
}


class FlowError(Exception):
    """What went wrong in a step, in words for the report."""


@dataclass(frozen=True)
class Timing:
    page: str
    action: str
    seconds: float  # from the action to the finished run, as the student sees it
    # From the rerun request leaving the browser to the last finished run's message arriving:
    # the server's part (with the local network), without the browser's own delays.
    server_seconds: float | None = None


@dataclass
class Student:
    """One browser page (one Streamlit session) walking through the flows."""

    page: object  # playwright.async_api.Page
    base_url: str
    number: int = 0
    timeout_ms: float = 60_000
    timings: list[Timing] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    current: str = ""  # the page being walked through, for the report
    in_app: bool = False
    # A student reads what changed before the next action: seconds drawn uniformly from
    # this range after each action (not part of any timing). (0, 0) in the tests.
    think: tuple[float, float] = (0.0, 0.0)
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    runs_finished: int = 0  # script runs of this page's session that ran to their end
    reruns_asked: list[float] = field(default_factory=list)  # when each rerun request left
    runs_ended: list[float] = field(default_factory=list)  # when each finished run was told

    def __post_init__(self) -> None:
        # The app's messages say when a script run finishes. The page's running/idle marker
        # is not enough: when the messages of a fast run arrive together, the page renders
        # only the final state and the marker never changes.
        def watch(socket) -> None:
            socket.on("framereceived", self._received)
            socket.on("framesent", self._sent)

        self.page.on("websocket", watch)

    def _sent(self, payload: bytes | str) -> None:
        if not isinstance(payload, bytes):
            return
        try:
            message = BackMsg.FromString(payload)
        except Exception:
            return
        if message.WhichOneof("type") == "rerun_script":
            self.reruns_asked.append(time.perf_counter())

    def _received(self, payload: bytes | str) -> None:
        if not isinstance(payload, bytes):
            return
        try:
            message = ForwardMsg.FromString(payload)
        except Exception:  # not one of the app's messages
            return
        kind = message.WhichOneof("type")
        if kind == "script_finished" and message.script_finished in _FINISHED:
            self.runs_finished += 1
            self.runs_ended.append(time.perf_counter())

    def _server_part(self, started: float) -> float | None:
        asked = [t for t in self.reruns_asked if t >= started]
        ended = [t for t in self.runs_ended if t >= started]
        if asked and ended and ended[-1] > asked[0]:
            return ended[-1] - asked[0]
        return None

    async def open(self, name: str) -> None:
        """Go to a page: by the address the first time, then by the sidebar's navigation,
        as a student does (the same session, so per-user state carries over)."""
        self.current = name
        page = self.page
        if not self.in_app:
            started = time.perf_counter()
            await page.goto(f"{self.base_url}/{name}", timeout=self.timeout_ms)
            await page.wait_for_selector('[data-testid="stApp"]', timeout=self.timeout_ms)
            await page.wait_for_function(_IDLE, timeout=self.timeout_ms)
            self.in_app = True
            seconds = time.perf_counter() - started
            self.timings.append(Timing(name, "open", seconds, self._server_part(started)))
            await self.pause()
        else:
            link = page.locator(nav_link(name))
            await self.act("open", link.click)
        await self.check_no_exception("open")

    async def act(
        self,
        action: str,
        do: Callable[[], Awaitable[object]],
        done: str | None = None,
        timeout_ms: float | None = None,
    ) -> float:
        """Do one thing and wait for the script run it causes to end (and for `done`, a JS
        condition, when a run ends only part of the work, as training does). Returns and
        records the seconds from the action to then."""
        page = self.page
        timeout = timeout_ms or self.timeout_ms
        before = self.runs_finished
        started = time.perf_counter()
        await do()
        try:
            while self.runs_finished == before:
                if time.perf_counter() - started > timeout / 1000:
                    raise TimeoutError
                await asyncio.sleep(0.01)
            await page.wait_for_function(_IDLE, timeout=timeout)
            if done is not None:
                await page.wait_for_function(f"() => ({done})() && ({_IDLE})()", timeout=timeout)
        except Exception as error:  # a timeout, or the page went away
            raise FlowError(f"{action}: no finished rerun within {timeout / 1000:.0f} s") from error
        seconds = time.perf_counter() - started
        self.timings.append(Timing(self.current, action, seconds, self._server_part(started)))
        await self.check_no_exception(action)
        await self.pause()
        return seconds

    async def pause(self) -> None:
        low, high = self.think
        if high > 0:
            await asyncio.sleep(self.rng.uniform(low, high))

    async def check_no_exception(self, action: str) -> None:
        shown = await self.page.locator(EXCEPTION).all_inner_texts()
        if shown:
            raise FlowError(f"{action}: the page shows an exception: {shown[0][:300]}")

    async def expect_text(self, selector: str, text: str, what: str) -> None:
        """`text` appears in the first element matching `selector` (the page may still be
        drawing: charts and graphs render after the run ends)."""
        try:
            await self.page.locator(selector).first.wait_for(timeout=self.timeout_ms)
            await self.page.wait_for_function(
                """([selector, text]) => {
                    const element = document.querySelector(selector);
                    return !!element && element.textContent.includes(text);
                }""",
                arg=[selector, text],
                timeout=self.timeout_ms,
            )
        except Exception as error:
            raise FlowError(f"{what}: {text!r} never appeared") from error

    async def expect_count(self, selector: str, at_least: int, what: str) -> None:
        try:
            await self.page.wait_for_function(
                "([selector, n]) => document.querySelectorAll(selector).length >= n",
                arg=[selector, at_least],
                timeout=self.timeout_ms,
            )
        except Exception as error:
            found = await self.page.locator(selector).count()
            raise FlowError(f"{what}: {found} of at least {at_least} shown") from error

    async def screenshot(self, name: str) -> Path:
        folder = ARTIFACTS / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        await self.page.screenshot(path=str(path), full_page=True)
        return path


# ---- small pieces of a student's actions ---------------------------------------------------


def key_class(key: str) -> str:
    """The CSS class Streamlit gives the element of a widget key ("mlp.steps")."""
    return ".st-key-" + re.sub(r"[^A-Za-z0-9_-]", "-", key)


async def type_number(student: Student, key: str, choose: Callable[[str], str], action: str):
    """Type a number into a number box (chosen from the one it shows) and press Enter."""
    box = student.page.locator(f"{key_class(key)} input")
    current = await box.input_value()
    wanted = choose(current)

    async def do():
        await box.fill(wanted)
        await box.press("Enter")

    await student.act(action, do)
    return wanted


async def nudge_slider(student: Student, key: str, action: str = "slider") -> tuple[float, float]:
    """Press an arrow key on a slider, towards the side it has room on; returns (before,
    after) as the slider reports them."""
    slider = student.page.locator(f"{key_class(key)} input[type=range]")
    before = float(await slider.input_value())
    top = float(await slider.get_attribute("max"))
    await slider.focus()
    await student.act(action, lambda: slider.press("ArrowLeft" if before >= top else "ArrowRight"))
    after = float(await slider.input_value())
    if after == before:
        raise FlowError(f"{action}: the slider did not move from {before:g}")
    return before, after


# ---- the flows ------------------------------------------------------------------------------


async def neuron_flow(student: Student) -> None:
    """Type an exact weight, move its slider, type a formula, step through backward."""
    page = student.page
    await student.open("neuron")
    w1_box = key_class("neuron.w1#exact")
    if not await page.locator(w1_box).count():  # left in formula mode by an earlier visit
        mode = page.locator(key_class("neuron.mode")).get_by_text("One neuron")
        await student.act("choose", mode.click)
    await student.expect_count(GRAPH, 1, "the neuron's graph")

    typed = await type_number(
        student, "neuron.w1#exact", lambda now: "1.5" if now == "1.2500" else "1.25", "number"
    )
    await student.expect_text(GRAPH, f"data {float(typed):.4f}", "w1 typed")
    _, after = await nudge_slider(student, "neuron.w1")
    await student.expect_text(GRAPH, f"data {after:.4f}", "w1 moved")

    mode = page.locator(key_class("neuron.mode")).get_by_text("Your formula")
    await student.act("choose", mode.click)
    box = page.locator(f"{key_class('neuron.formula')} input")
    first, second = "L = (a*b + c) * f + a", "L = tanh(a*b + c) * f"
    formula = second if await box.input_value() == first else first

    async def type_formula():
        await box.fill(formula)
        await box.press("Enter")

    await student.act("formula", type_formula)
    await student.expect_text(GRAPH, "data", "the formula's graph")
    expected_output = {first: "-6.0000", second: "-1.9987"}[formula]  # a=2, b=-3, c=10, f=-2
    await student.expect_text('[data-testid="stMetricValue"]', expected_output, "the output")

    tabs = page.get_by_role("tab")
    walk_open = await tabs.filter(has_text="Step through backward").get_attribute("aria-selected")
    target = "Gradient check" if walk_open == "true" else "Step through backward"
    await student.act("tab", tabs.filter(has_text=target).click)
    if target == "Step through backward":
        step = page.locator(key_class("neuron.walk-next")).get_by_role("button")
        if await step.is_disabled():  # walked to the end on an earlier visit
            step = page.locator(key_class("neuron.walk-reset")).get_by_role("button")
        await student.act("button", step.click)
    await student.expect_count(GRAPH, 1, "graphs after the tab")


async def mlp_flow(student: Student) -> None:
    """Change the data with a slider, type a short number of steps, train to the end and see
    the boundary and the curves."""
    page = student.page
    await student.open("mlp")
    await student.expect_count(f"{CHART} canvas, {CHART} svg", 1, "the boundary chart")
    await nudge_slider(student, "mlp.points")
    steps = await type_number(
        student, "mlp.steps", lambda now: "31" if now == "30" else "30", "number"
    )
    train = page.locator(key_class("mlp.train")).get_by_role("button")
    # Finished, and the page's last full run has redrawn the buttons (Train enabled again).
    finished = f"""() => {{
        const bar = document.querySelector('[data-testid="stProgress"]');
        const train = document.querySelector('{key_class("mlp.train")} button');
        return !!bar && /Step {steps} of {steps} · (finished|stopped)/.test(bar.textContent)
            && !!train && !train.disabled;
    }}"""
    await student.act("train", train.click, done=finished, timeout_ms=student.timeout_ms * 2)
    await student.expect_count(CHART, 3, "the boundary, loss and accuracy charts")
    await student.expect_text('[data-testid="stProgress"]', "finished", "training")


async def bigram_flow(student: Student) -> None:
    """Move the steps slider, train the net, then sample names with another seed and walk
    through one of them."""
    page = student.page
    await student.open("bigram")
    # Counts heatmap, row bars, word lengths, loss curves (W's heatmaps and the walk are in
    # panels built when opened).
    await student.expect_count(CHART, 4, "the heatmap and curves")
    _, steps = await nudge_slider(student, "bigram.steps")
    train = page.locator(key_class("bigram.train")).get_by_role("button")
    trained = f"""() => document.body.textContent.includes('After {steps:.0f} steps')"""
    await student.act("train", train.click, done=trained, timeout_ms=student.timeout_ms * 2)
    await type_number(
        student, "bigram.sample_seed", lambda now: str((int(now or 0) + 1) % 2**31), "sample"
    )
    await student.expect_count(f"{CHART} canvas, {CHART} svg", 4, "charts after sampling")
    walk_next = page.locator(key_class("bigram.walk-next")).get_by_role("button")
    if not await walk_next.count():  # open the walk's panel (its content is built on open)
        summary = page.get_by_text("Sampling, one character at a time", exact=True)
        await student.act("expander", summary.click, done=None)
        await walk_next.wait_for(timeout=student.timeout_ms)
    if await walk_next.is_disabled():  # the whole name is shown: draw another one
        walk_next = page.locator(key_class("bigram.walk-another")).get_by_role("button")
    await student.act("button", walk_next.click)


FLOWS: dict[str, Callable[[Student], Awaitable[None]]] = {
    "neuron": neuron_flow,
    "mlp": mlp_flow,
    "bigram": bigram_flow,
}


PAGE_BUDGET_TIMEOUTS = 5  # a page's flow ends within this many step timeouts, or is an error


async def walk_pages(student: Student, pages=tuple(FLOWS), screenshots: str | None = None):
    """Each page's flow once; an error ends that page's flow and is recorded. With
    `screenshots`, each page is photographed at the end of its flow (or where it failed)."""
    for name in pages:
        failed = False
        # Every step has its own timeout, but a class of 30 on two cores once left a few
        # students waiting forever on the browser; a page's flow as a whole gets a budget too.
        budget = student.timeout_ms / 1000 * PAGE_BUDGET_TIMEOUTS
        try:
            await asyncio.wait_for(FLOWS[name](student), timeout=budget)
        except TimeoutError:
            student.errors.append(f"{name}: the page's flow did not end within {budget:.0f} s")
            failed = True
        except FlowError as error:
            student.errors.append(f"{name}: {error}")
            failed = True
        except Exception as error:  # the browser itself failed: report, do not hide
            student.errors.append(f"{name}: {type(error).__name__}: {error}")
            failed = True
        if screenshots:
            with contextlib.suppress(Exception):
                await student.screenshot(f"{screenshots}-{name}{'-error' if failed else ''}")
        if failed:
            student.in_app = False  # start the next page from its address


@contextlib.asynccontextmanager
async def async_chromium():
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            await browser.close()


async def _one_student(base_url: str, pages, screenshots: str | None) -> Student:
    async with async_chromium() as browser:
        context = await browser.new_context(viewport=VIEWPORT)
        student = Student(await context.new_page(), base_url)
        try:
            await walk_pages(student, pages, screenshots)
        finally:
            await context.close()
    return student


def run_flows(base_url: str, pages=tuple(FLOWS), screenshots: str | None = None) -> Student:
    """Walk the pages' flows in a fresh Chromium, from sync code (a pytest test).

    The async API runs in a thread of its own, so it never meets the event loop of the sync
    Playwright that the other browser tests share.
    """
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, _one_student(base_url, pages, screenshots)).result()
