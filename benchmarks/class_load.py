"""A class on one server, without browsers: Locust students (benchmarks/class_locustfile.py)
against the app, with the server pinned to one core and Locust to another.

    python -m benchmarks.class_load --users 30 --minutes 3
    python -m benchmarks.class_load --users 100 --minutes 3 --arrive 10
    python -m benchmarks.class_load --burst mlp --users 30     # "everyone press Train now"

A burst (--burst mlp, demo or bigram; benchmarks/class_locustfile.py's BurstStudent): every
student opens the page as they arrive, then all press Train within one second and follow
the live view until it shows the final loss; it prints how many finished and the time from
the press to the final loss (p50/p95/max). Every run prints the server's CPU seconds per
action (its process CPU time over the run divided by the actions it answered).

Prints, per action, Locust's count, failures and p50/p95/max, the bytes sent per action,
requests answered per second, and the server's CPU (seconds used per second of the run) and
memory (warm, peak, and after the sessions have gone). Figures go to BENCHMARKS.md ("A class
on one server, without browsers").
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.streamlit_client import StreamlitStudent
from tests.browser.harness import REPO_ROOT, free_port, streamlit_command

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class ServerSample:
    cpu_seconds: float
    rss_mb: float


def sample(pid: int) -> ServerSample:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime
    rss = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_SIZE / 2**20
    return ServerSample(cpu, rss)


@dataclass
class Watcher:
    """Samples the server processes' CPU and memory (summed) every second while the class
    runs."""

    pids: list[int]
    samples: list[tuple[float, ServerSample]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def now(self) -> ServerSample:
        each = [sample(pid) for pid in self.pids]
        return ServerSample(sum(s.cpu_seconds for s in each), sum(s.rss_mb for s in each))

    def run(self) -> None:
        while not self.stop.is_set():
            self.samples.append((time.monotonic(), self.now()))
            self.stop.wait(1.0)


def pinned(core: int | None, command: list[str]) -> list[str]:
    if core is None or not shutil.which("taskset"):
        return command
    return ["taskset", "-c", str(core), *command]


def start_server(
    port: int, core: int | None, log: Path, env: dict, app_dir: Path = REPO_ROOT
) -> subprocess.Popen:
    command = pinned(core, streamlit_command(port))
    with open(log, "wb") as out:
        return subprocess.Popen(command, cwd=app_dir, stdout=out, stderr=subprocess.STDOUT, env=env)


def wait_for_health(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"the app at {url} did not become healthy in {timeout:.0f} s")


def warm_up(url: str) -> None:
    """One student first, as a teacher opening the pages before class: shared caches built."""
    student = StreamlitStudent(url)
    try:
        for page in ("", "neuron", "mlp", "bigram", "board"):
            student.open(page)
    finally:
        student.close()


def run_locust(
    url: str,
    users: int,
    seconds: int,
    arrive: float,
    core: int | None,
    prefix: Path,
    burst: str | None = None,
):
    rate = max(users / max(arrive, 0.1), 1.0)
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    classes = ["Student", "Projector"]  # a class; never a BurstStudent by chance
    if burst:
        classes = ["BurstStudent"]
        # The teacher's word: after everyone has arrived and opened the page.
        env |= {
            "EXPLORER_BURST": burst,
            "EXPLORER_BURST_AT": f"{time.time() + 3 + arrive + 0.1 * users:.3f}",
        }
    command = pinned(
        core,
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(REPO_ROOT / "benchmarks" / "class_locustfile.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            f"{rate:g}",
            "--run-time",
            f"{seconds}s",
            "--host",
            url,
            "--csv",
            str(prefix),
            "--only-summary",
            "--stop-timeout",
            "200",
            "--exit-code-on-error",
            "0",
            "--loglevel",
            "WARNING",
            *classes,
        ],
    )
    with open(f"{prefix}_locust.log", "wb") as log:
        subprocess.run(command, cwd=REPO_ROOT, env=env, check=True, stdout=log, stderr=log)


def browser_student(url: str, delay: float, core: int | None, report: list[str]) -> None:
    """One real Chromium student, a while into the class: what a student sees (the flows of
    tests/browser/flows.py, timed in the browser). Chromium runs on Locust's core."""
    time.sleep(delay)
    if core is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {core})  # this thread and the browser it starts
    try:
        from tests.browser.flows import run_flows

        student = run_flows(url)
    except Exception as error:  # noqa: BLE001 - reported, not fatal to the benchmark
        report.append(f"Chromium student: could not run ({error})")
        return
    lines = ["", "| Chromium student | action | seconds |", "| --- | --- | ---: |"]
    lines += [f"| {t.page} | {t.action} | {t.seconds:.2f} |" for t in student.timings]
    lines.append(f"Chromium student errors: {student.errors or 'none'}")
    report.extend(lines)


def read_stats(prefix: Path) -> list[dict]:
    with open(f"{prefix}_stats.csv", newline="") as file:
        return list(csv.DictReader(file))


def report(
    rows: list[dict], watcher: Watcher, seconds: float, after_mb: float | None, users: int = 0
) -> str:
    lines = [
        "| page | action | count | failures | p50 s | p95 s | max s | kB per action |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    total = None
    for row in rows:
        if row["Name"] == "Aggregated":
            total = row
            continue
        lines.append(
            f"| {row['Type']} | {row['Name']} | {row['Request Count']} | {row['Failure Count']} "
            f"| {float(row['50%']) / 1000:.2f} | {float(row['95%']) / 1000:.2f} "
            f"| {float(row['Max Response Time']) / 1000:.2f} "
            f"| {float(row['Average Content Size']) / 1000:.0f} |"
        )
    first, last = watcher.samples[0], watcher.samples[-1]
    busy = (last[1].cpu_seconds - first[1].cpu_seconds) / max(last[0] - first[0], 1e-9)
    peak = max(s.rss_mb for _, s in watcher.samples)
    lines.append("")
    burst = next((row for row in rows if row["Name"] == "Train burst"), None)
    if burst:
        finished = int(burst["Request Count"]) - int(burst["Failure Count"])
        lines.append(
            f"Train burst: {finished} of {users} students saw their final loss; from the press "
            f"to the final loss p50 {float(burst['50%']) / 1000:.2f} s, p95 "
            f"{float(burst['95%']) / 1000:.2f} s, max "
            f"{float(burst['Max Response Time']) / 1000:.2f} s."
        )
    if total:
        lines.append(
            f"All actions: {total['Request Count']} answered, {total['Failure Count']} failed, "
            f"{float(total['Requests/s']):.2f} actions/s over {seconds:.0f} s."
        )
        actions = max(int(total["Request Count"]), 1)
        cpu = last[1].cpu_seconds - first[1].cpu_seconds
        lines.append(
            f"Server CPU per action: {cpu / actions * 1000:.1f} ms "
            f"({cpu:.1f} CPU s over {actions} actions)."
        )
    lines.append(
        f"Server: {busy:.2f} cores busy on average; memory warm {first[1].rss_mb:.0f} MB, "
        f"peak {peak:.0f} MB"
        + (f", {after_mb:.0f} MB after the sessions expired." if after_mb else ".")
    )
    return "\n".join(lines)


def start_haproxy(apps: list[str], scratch: Path) -> tuple[subprocess.Popen, str]:
    """deploy/haproxy.cfg in front of `apps` (host:port each), as tests/browser/test_deploy.py
    runs it."""
    port = free_port()
    env = {**os.environ, "HAPROXY_BIND": f"127.0.0.1:{port}"}
    env |= {f"APP{number}": address for number, address in enumerate(apps, start=1)}
    config = REPO_ROOT / "deploy" / "haproxy.cfg"
    with open(scratch / "haproxy.log", "wb") as log:
        process = subprocess.Popen(
            ["haproxy", "-db", "-f", str(config)], env=env, stdout=log, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    wait_for_health(url, 30)
    time.sleep(2.5)  # every server's first health checks
    return process, url


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--arrive", type=float, default=10.0, help="seconds over which they arrive")
    parser.add_argument("--server-core", type=int, default=0)
    parser.add_argument("--locust-core", type=int, default=1)
    parser.add_argument(
        "--processes",
        type=int,
        default=0,
        help="N app processes behind deploy/haproxy.cfg (nothing pinned)",
    )
    parser.add_argument(
        "--settle",
        type=float,
        default=0.0,
        help="seconds to wait afterwards for sessions to expire (memory after)",
    )
    parser.add_argument(
        "--no-browser", action="store_true", help="leave out the one real Chromium student"
    )
    parser.add_argument(
        "--app-dir",
        type=Path,
        default=REPO_ROOT,
        help="serve the app from this checkout (a `git worktree` of an "
        "earlier commit, to print its figure beside this one's)",
    )
    parser.add_argument(
        "--burst",
        choices=["mlp", "demo", "bigram"],
        help="everyone presses Train at once (no Chromium student)",
    )
    args = parser.parse_args(argv)
    if args.burst:
        args.no_browser = True
    seconds = round(args.minutes * 60)
    scratch = Path(tempfile.mkdtemp(prefix="class-load-"))
    # The class board of this run: a file of its own, shared by every app process.
    env = {"EXPLORER_BOARD_URL": f"sqlite:///{scratch / 'board.sqlite'}"} | dict(os.environ)
    if args.settle:
        env["STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL"] = "10"
    balanced = args.processes > 0
    server_core = None if balanced else args.server_core
    locust_core = None if balanced else args.locust_core
    servers, proxy = [], None
    try:
        for number in range(1, max(args.processes, 1) + 1):
            port = free_port()
            name_env = env | {"EXPLORER_SERVER_NAME": f"app{number}"}
            servers.append(
                (
                    start_server(
                        port, server_core, scratch / f"app{number}.log", name_env, args.app_dir
                    ),
                    port,
                )
            )
        for _, port in servers:
            wait_for_health(f"http://127.0.0.1:{port}", 60)
            warm_up(f"http://127.0.0.1:{port}")
        url = f"http://127.0.0.1:{servers[0][1]}"
        if balanced:
            proxy, url = start_haproxy([f"127.0.0.1:{port}" for _, port in servers], scratch)
        watcher = Watcher([process.pid for process, _ in servers])
        thread = threading.Thread(target=watcher.run, daemon=True)
        thread.start()
        browser_report: list[str] = []
        chromium = threading.Thread(
            target=browser_student,
            args=(url, args.arrive + 20, locust_core, browser_report),
            daemon=True,
        )
        if not args.no_browser:
            chromium.start()
        started = time.monotonic()
        run_locust(
            url, args.users, seconds, args.arrive, locust_core, scratch / "class", args.burst
        )
        if not args.no_browser:
            chromium.join(timeout=120)
        took = time.monotonic() - started
        after = None
        if args.settle:
            time.sleep(args.settle)
            after = watcher.now().rss_mb
        watcher.stop.set()
        thread.join()
        watcher.samples.append((time.monotonic(), watcher.now()))  # the run's very end
        where = (
            f"{args.processes} app process{'es' if args.processes > 1 else ''} behind HAProxy, "
            "nothing pinned"
            if balanced
            else f"server on core {args.server_core}, Locust on core {args.locust_core}"
        )
        what = f"Train burst ({args.burst})" if args.burst else f"{seconds} s of work"
        text = (
            f"{args.users} students arriving within {args.arrive:g} s, {what}; "
            f"{where}\n\n"
            + report(read_stats(scratch / "class"), watcher, took, after, args.users)
            + "\n".join(browser_report)
        )
        print(text)
        return text
    finally:
        if proxy is not None:
            proxy.terminate()
            proxy.wait(10)
        for process, _ in servers:
            process.terminate()
            process.wait(10)


if __name__ == "__main__":
    main()
