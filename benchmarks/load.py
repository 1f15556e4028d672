"""A class on one server: N students walk through every page at once in a real Chromium.

    python -m benchmarks.load                      # 30 students, 120 s, memory until reaped
    python -m benchmarks.load --users 10
    python -m benchmarks.load --users 4 --seconds 0 --settle 0 --no-reap   # one pass each

One `streamlit run dashboard.py` (tests/browser/harness.py) and one Chromium with a browser
context per student. Each student runs the main flow of every page (tests/browser/flows.py:
type a number, move a slider, type a formula, train, sample...), starting on a different page
than its neighbour, and keeps looping through the pages until --seconds have passed (at least
one pass each). After every action a student reads for a moment (--think, seconds drawn
uniformly; the pause is not timed). Each action is timed from the click or key press to the
end of the script run it causes (for Train: to the finished run).

Here the server and every student's browser share one 2-core machine, which a class does not:
30 Chromium pages drawing Vega-Lite charts and Graphviz SVG use more CPU than the server. So
Chromium, Playwright's driver and this process run at the lowest priority (--browser-nice 19):
whenever the server has work, the kernel gives it most of a core (it runs Python on one core at
a time anyway), and the students' browsers get the rest. (--split-cpus pins the server to one
core and the browsers to the other instead; on two cores, 30 students' Chromium on one core
barely moves, so the server sees almost no load.) Each action is reported as the student sees
it in this browser, and via the websocket frames as Playwright relays them; both include the
overloaded browser's own delays. The server's own time to answer each request comes from its
process (benchmarks/timed_server.py: from the request reaching the server to the finished
run), with the number of requests it answered per second: slow browsers ask less often than
30 students on their own machines would, so the rate says how much load the server really had.

Reported:
- CPU seconds used by the server and by Chromium during the class;
- errors: an exception shown in the page (stException), a rerun that did not finish within the
  timeout, or a page that did not show what the flow expects;
- p50 / p95 / max seconds per kind of action and overall, seen and the server's part, for the
  N students, and for one student alone earlier in the same run (the reference);
- the server's resident memory (VmRSS of the process and any children, sampled every 0.25 s):
  at start, after the reference student (warm), at the peak, right after every context closed,
  after --settle seconds, and after Streamlit has dropped the closed sessions. Streamlit keeps a
  disconnected session for server.disconnectedSessionTTL seconds (120 by default) so that a
  student whose network blinks gets their state back, and removes expired sessions lazily,
  when another session disconnects. With --reap (the default) the benchmark waits out that
  time, lets one visitor come and go, and measures again.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import math
import os
import platform
import random
import signal
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

from benchmarks.timed_server import read_timings
from tests.browser.flows import (
    FLOWS,
    VIEWPORT,
    Student,
    Timing,
    async_chromium,
    walk_pages,
)
from tests.browser.harness import (
    ARTIFACTS,
    browser_unavailable_reason,
    streamlit_server,
)

GOAL_P95_SECONDS = 2.0
SESSION_TTL_SECONDS = 120  # Streamlit's server.disconnectedSessionTTL; the project keeps it
PAGES = tuple(FLOWS)


# ---- the server's memory ------------------------------------------------------------------


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def _cpu_ticks(pid: int) -> int:
    """User + system CPU time of a process, in clock ticks (0 once it has exited)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
        return 0


def _command(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm") as comm:
            return comm.read().strip()
    except (FileNotFoundError, ProcessLookupError):
        return ""


def _children_by_parent() -> dict[int, list[int]]:
    children: dict[int, list[int]] = defaultdict(list)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                # the command name is in parentheses and may hold spaces: split after it
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
            continue
        children[parent].append(int(entry))
    return children


def _tree(pid: int, children: dict[int, list[int]]) -> list[int]:
    found, stack = [pid], [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


class MemorySampler:
    """Samples, in a background thread, the resident memory of the server's process tree and
    the CPU time used by the server and by everything else this benchmark started (Playwright's
    driver and Chromium), so a report can say where the cores went."""

    def __init__(self, pid: int, every: float = 0.25, browser_nice: int = 0):
        self.pid, self.every, self.browser_nice = pid, every, browser_nice
        self.peak_mib = 0.0
        self.children_seen = 0
        self._ticks: dict[str, dict[int, int]] = {
            "server": {},
            "Chromium": {},
            "Playwright's driver": {},
            "this process": {},
        }
        self._stop = threading.Event()
        self._lock = threading.Lock()  # the sampling thread and the main thread both sample
        self._thread = threading.Thread(target=self._run, daemon=True)

    def now_mib(self) -> float:
        children = _children_by_parent()
        server = _tree(self.pid, children)
        self.children_seen = max(self.children_seen, len(server) - 1)
        mib = sum(_rss_kib(p) for p in server) / 1024
        ours = set(_tree(os.getpid(), children)) - set(server) - {os.getpid()}
        driver = {p for p in ours if _command(p).startswith("node")}
        groups = {
            "server": server,
            "Chromium": ours - driver,
            "Playwright's driver": driver,
            "this process": [os.getpid()],
        }
        with self._lock:
            for name, pids in groups.items():
                seen = self._ticks[name]
                for p in pids:
                    seen[p] = max(seen.get(p, 0), _cpu_ticks(p))
        if self.browser_nice:
            # Chromium, its renderers and Playwright's driver make way for the server, as if
            # the students' browsers ran on their own machines. New processes are caught here.
            for p in ours:
                with contextlib.suppress(OSError):
                    if os.getpriority(os.PRIO_PROCESS, p) < self.browser_nice:
                        os.setpriority(os.PRIO_PROCESS, p, self.browser_nice)
        return mib

    def cpu_seconds(self) -> dict[str, float]:
        """CPU seconds used so far: by the server, and by the browser and its driver."""
        self.now_mib()
        hertz = os.sysconf("SC_CLK_TCK")
        with self._lock:
            return {name: sum(seen.values()) / hertz for name, seen in self._ticks.items()}

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_mib = max(self.peak_mib, self.now_mib())
            self._stop.wait(self.every)

    def reset_peak(self) -> None:
        self.peak_mib = self.now_mib()

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


# ---- the students -------------------------------------------------------------------------


@dataclass
class LoadReport:
    users: int
    seconds: float
    think: tuple[float, float]
    timings: list[Timing] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    reference: list[Timing] = field(default_factory=list)
    reference_errors: list[str] = field(default_factory=list)
    passes: list[int] = field(default_factory=list)  # page flows each student completed
    wall_seconds: float = 0.0
    memory_mib: dict[str, float] = field(default_factory=dict)  # moment -> MiB
    child_processes: int = 0
    cpu_seconds: dict[str, float] = field(default_factory=dict)  # during the class
    browser_nice: int = 0
    server_cpus: tuple[int, ...] = ()  # the cores the server had to itself (none: shared)
    # The server's own answer times (benchmarks/timed_server.py), during the class and alone.
    server_answers: list[dict] = field(default_factory=list)
    server_answers_alone: list[dict] = field(default_factory=list)


async def _student_loop(browser, url: str, number: int, deadline: float, think, seed: int):
    """One student: every page once, starting at page `number` mod 3, then more until the
    deadline. Returns (timings, errors, page flows walked)."""
    context = await browser.new_context(viewport=VIEWPORT)
    rng = random.Random(seed * 1000 + number)
    student = Student(await context.new_page(), url, number, think=think, rng=rng)
    order = PAGES[number % len(PAGES) :] + PAGES[: number % len(PAGES)]
    walked = 0
    try:
        await asyncio.sleep(rng.uniform(0, 2))  # students do not press Enter in the same ms
        while True:
            for name in order:
                await walk_pages(student, (name,))
                walked += 1
                if walked >= len(PAGES) and time.monotonic() >= deadline:
                    return student.timings, student.errors, walked
    finally:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(context.close(), timeout=60)


def _print_tasks() -> None:
    """kill -USR1 <this process>: where every student is waiting, for a class that stalls."""
    for task in asyncio.all_tasks():
        task.print_stack(limit=6, file=sys.stderr)


async def _class(url: str, users: int, seconds: float, think, seed: int):
    if threading.current_thread() is threading.main_thread():  # not in CI's test thread
        asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, _print_tasks)
    async with async_chromium() as browser:
        deadline = time.monotonic() + seconds
        results = await asyncio.gather(
            *[_student_loop(browser, url, n, deadline, think, seed) for n in range(users)]
        )
    return results


async def _visit(url: str) -> None:
    """One short visit (the home page, then leave), as the next student to come along."""
    async with async_chromium() as browser:
        context = await browser.new_context(viewport=VIEWPORT)
        page = await context.new_page()
        await page.goto(url)
        await page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
        await context.close()


def run_load(
    users: int = 30,
    seconds: float = 120.0,
    think: tuple[float, float] = (1.0, 3.0),
    settle: float = 30.0,
    reap: bool = True,
    seed: int = 0,
    log=print,
    reference: bool = True,
    browser_nice: int = 19,
    split_cpus: bool = False,
) -> LoadReport:
    report = LoadReport(users, seconds, think, browser_nice=browser_nice)
    answers_log = ARTIFACTS / "server-load-timings.jsonl"
    answers_log.unlink(missing_ok=True)
    env = {"SERVER_TIMINGS": str(answers_log)}
    all_cpus = sorted(os.sched_getaffinity(0))
    if split_cpus and len(all_cpus) >= 2:
        # The server gets a core of its own (its Python runs on one core at a time anyway);
        # this process, Playwright and Chromium, started after, share the rest.
        report.server_cpus = (all_cpus[0],)
        env["SERVER_CPUS"] = ",".join(map(str, report.server_cpus))
    with (
        streamlit_server(
            log_name="server-load.log", launcher="benchmarks.timed_server", env=env
        ) as server,
        MemorySampler(server.process.pid, browser_nice=browser_nice) as memory,
    ):
        report.memory_mib["start"] = memory.now_mib()
        if report.server_cpus:
            os.sched_setaffinity(0, set(all_cpus) - set(report.server_cpus))
        if reference:
            log(f"server up: {report.memory_mib['start']:.0f} MiB; one student alone first")
            alone_from = time.time()
            [(timings, errors, _)] = asyncio.run(_class(server.url, 1, 0, think, seed))
            report.reference, report.reference_errors = timings, errors
            report.server_answers_alone = read_timings(str(answers_log), alone_from, time.time())
            time.sleep(2)
        report.memory_mib["warm"] = memory.now_mib()
        memory.reset_peak()
        log(f"warm: {report.memory_mib['warm']:.0f} MiB; {users} students for {seconds:g} s")
        started, cpu_before = time.monotonic(), memory.cpu_seconds()
        class_from = time.time()
        results = asyncio.run(_class(server.url, users, seconds, think, seed))
        closed_at, cpu_after = time.monotonic(), memory.cpu_seconds()
        report.server_answers = read_timings(str(answers_log), class_from, time.time())
        report.cpu_seconds = {name: cpu_after[name] - cpu_before[name] for name in cpu_after}
        report.wall_seconds = closed_at - started
        for timings, errors, walked in results:
            report.timings += timings
            report.errors += errors
            report.passes.append(walked)
        report.memory_mib["peak"] = memory.peak_mib
        report.memory_mib["closed"] = memory.now_mib()
        log(f"all closed after {report.wall_seconds:.0f} s: {report.memory_mib['closed']:.0f} MiB")
        if settle > 0:
            time.sleep(settle)
            report.memory_mib[f"closed + {settle:g} s"] = memory.now_mib()
        if reap:
            wait = SESSION_TTL_SECONDS + 5 - (time.monotonic() - closed_at)
            log(f"waiting {max(wait, 0):.0f} s for the closed sessions to expire")
            time.sleep(max(wait, 0))
            report.memory_mib["expired, before a visit"] = memory.now_mib()
            asyncio.run(_visit(server.url))
            time.sleep(5)
            report.memory_mib["expired, after one more visit"] = memory.now_mib()
        report.child_processes = memory.children_seen
    return report


# ---- the report ---------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), linear between the closest ranks."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary_rows(timings: list[Timing], server: bool = False) -> dict[str, list[float]]:
    """Seconds per kind of action (or the server's part of them), and the two aggregates."""
    by_kind: dict[str, list[float]] = defaultdict(list)
    for timing in timings:
        seconds = timing.server_seconds if server else timing.seconds
        if seconds is None:
            continue
        by_kind[timing.action].append(seconds)
        by_kind["all actions"].append(seconds)
        if timing.action not in {"train", "open"}:
            by_kind[RERUNS].append(seconds)
    return by_kind


RERUNS = "reruns (all but open and train)"
ANSWER_KINDS = ("page runs", "fragment runs (live training)", "all requests")


def answer_rows(answers: list[dict]) -> dict[str, list[float]]:
    """The server's answer times, split into runs of a page and a fragment's own runs."""
    rows: dict[str, list[float]] = defaultdict(list)
    for answer in answers:
        rows[ANSWER_KINDS[1] if answer["fragment"] else ANSWER_KINDS[0]].append(answer["seconds"])
        rows[ANSWER_KINDS[2]].append(answer["seconds"])
    return rows


def format_report(report: LoadReport) -> str:
    lines = []
    load = os.getloadavg()[0]
    lines.append(
        f"date {datetime.date.today()}  python {platform.python_version()}  "
        f"{os.cpu_count()} cpus  load average at the end {load:.2f}"
    )
    lines.append(
        f"{report.users} students, {report.seconds:g} s (at least one pass through the "
        f"{len(PAGES)} pages each), think time {report.think[0]:g}-{report.think[1]:g} s "
        f"after each action; wall time {report.wall_seconds:.0f} s; page flows walked per "
        f"student: min {min(report.passes)}, max {max(report.passes)}"
    )
    wall = max(report.wall_seconds, 1e-9)
    used = ", ".join(
        f"{name} {seconds:.0f} s ({seconds / wall:.0%})"
        for name, seconds in report.cpu_seconds.items()
    )
    cores = (
        f"the server alone on core {report.server_cpus[0]}, the students' Chromium on the other(s)"
        if report.server_cpus
        else "all of them shared by server and browser"
    )
    lines.append(
        f"CPU seconds during the class (share of one core): {used}; Chromium niced "
        f"to {report.browser_nice}; {os.cpu_count()} cores: {cores}"
    )
    answered = len(report.server_answers)
    lines.append(
        f"the server answered {answered} requests in {wall:.0f} s "
        f"({answered / wall:.1f} per second)"
    )
    lines.append(
        f"errors: {len(report.errors)} with {report.users} students, "
        f"{len(report.reference_errors)} alone"
    )
    for error in (report.errors + report.reference_errors)[:10]:
        lines.append(f"  {error[:240]}")
    lines.append("")
    lines.append("seconds from action to finished rerun: as the student sees it (in this")
    lines.append("browser), and via the socket (rerun request sent -> finished run received,")
    lines.append("as Playwright relays the frames: under load that includes Chromium's and")
    lines.append("Playwright's delays; the server's own times are in the next table)")
    lines.append(
        f"{'':<34}{report.users:>3} students: seen{'':>12}via socket"
        f"{'':>6}1 student alone: seen, server"
    )
    lines.append(
        f"{'action':<32}{'n':>5}{'p50':>7}{'p95':>7}{'max':>7}{'p50':>7}{'p95':>7}"
        f"{'p50':>9}{'p95':>7}{'p50':>7}{'p95':>7}"
    )
    seen, server = summary_rows(report.timings), summary_rows(report.timings, server=True)
    alone = summary_rows(report.reference)
    alone_server = summary_rows(report.reference, server=True)
    kinds = sorted(k for k in seen if k not in {"all actions", RERUNS})
    for kind in [*kinds, RERUNS, "all actions"]:
        values = seen.get(kind, [])
        lines.append(
            f"{kind:<32}{len(values):>5}{percentile(values, 50):>7.2f}"
            f"{percentile(values, 95):>7.2f}{max(values, default=math.nan):>7.2f}"
            f"{percentile(server.get(kind, []), 50):>7.2f}"
            f"{percentile(server.get(kind, []), 95):>7.2f}"
            f"{percentile(alone.get(kind, []), 50):>9.2f}{percentile(alone.get(kind, []), 95):>7.2f}"
            f"{percentile(alone_server.get(kind, []), 50):>7.2f}"
            f"{percentile(alone_server.get(kind, []), 95):>7.2f}"
        )
    lines.append("")
    lines.append("the server alone (benchmarks/timed_server.py): seconds from a rerun request")
    lines.append("reaching the server to its finished run (st.rerun inside counts as the same)")
    lines.append(f"{'':<34}{report.users:>3} students{'':>19}1 student alone")
    lines.append(
        f"{'requests':<32}{'n':>5}{'p50':>7}{'p95':>7}{'max':>7}{'n':>9}{'p50':>7}{'p95':>7}"
    )
    class_answers = answer_rows(report.server_answers)
    alone_answers = answer_rows(report.server_answers_alone)
    for kind in ANSWER_KINDS:
        values, alone_values = class_answers.get(kind, []), alone_answers.get(kind, [])
        lines.append(
            f"{kind:<32}{len(values):>5}{percentile(values, 50):>7.2f}"
            f"{percentile(values, 95):>7.2f}{max(values, default=math.nan):>7.2f}"
            f"{len(alone_values):>9}{percentile(alone_values, 50):>7.2f}"
            f"{percentile(alone_values, 95):>7.2f}"
        )
    lines.append("")
    lines.append(
        f"server resident memory (MiB, VmRSS; child processes seen: {report.child_processes})"
    )
    for moment, mib in report.memory_mib.items():
        lines.append(f"  {moment:<32}{mib:>8.0f}")
    overall = percentile(seen["all actions"], 95)
    answered = percentile(class_answers.get(ANSWER_KINDS[-1], []), 95)

    def verdict(p95: float) -> str:
        return "met" if p95 < GOAL_P95_SECONDS and not report.errors else "not met"

    lines.append(
        f"goal: 0 errors and p95 under {GOAL_P95_SECONDS:g} s: {len(report.errors)} errors; "
        f"p95 {answered:.2f} s for the server to answer ({verdict(answered)}), "
        f"{overall:.2f} s as seen in this shared browser ({verdict(overall)})"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument(
        "--seconds",
        type=float,
        default=120.0,
        help="keep looping through the pages this long (0: one pass each)",
    )
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=(1.0, 3.0),
        metavar=("LOW", "HIGH"),
        help="seconds a student reads after an action",
    )
    parser.add_argument(
        "--settle",
        type=float,
        default=30.0,
        help="seconds to wait after the students leave before measuring memory",
    )
    parser.add_argument(
        "--no-reap",
        dest="reap",
        action="store_false",
        help="do not wait for Streamlit to drop the closed sessions",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--split-cpus",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="give the server a core of its own and Chromium the rest (on two "
        "cores, 30 students' Chromium on one core barely moves)",
    )
    parser.add_argument(
        "--browser-nice",
        type=int,
        default=19,
        help="niceness of Chromium, so the server comes first (0: none)",
    )
    args = parser.parse_args()
    reason = browser_unavailable_reason()
    if reason:
        sys.exit(f"cannot run: {reason}")
    print(f"load average at the start {os.getloadavg()[0]:.2f}", flush=True)
    report = run_load(
        args.users,
        args.seconds,
        tuple(args.think),
        args.settle,
        args.reap,
        args.seed,
        log=lambda text: print(text, flush=True),
        browser_nice=args.browser_nice,
        split_cpus=args.split_cpus,
    )
    print(format_report(report))


if __name__ == "__main__":
    main()
