"""Crash campaign runner: start a child doing real work, SIGKILL it at a random moment, check the data.

    python -m tests.crash.harness --trials 200 --scenario all          # the long mode, by hand
    python -m tests.crash.harness --trials 12 --size small             # what CI runs (test_crash_short.py)
    python -m tests.crash.harness --scenario photos,import --trials 40 --seed 7 --keep-failures /tmp/crash

Scenarios (:mod:`tests.crash.scenarios`): ``edits`` (inspection answers, rooms and header saved one
transaction at a time), ``import`` (hotel spreadsheets, xlsx and csv, each one transaction), ``photos``
(attaching photos: blob then row), ``migrate`` (an empty folder, the oldest released schema fixture, and a
database with thousands of hotels going through a test-only table-rebuilding migration), ``backup``
(``hoteltv backup`` and the daily rotation) and ``restore`` (``hoteltv restore --force`` alternating two
backups). Trials go round the chosen scenarios; each runs in a fresh copy of a template data folder.

The kill comes after the child reported ``ready`` (imports and set-up done), at a moment drawn uniformly
from the time the work takes; the harness learns that time from children that finish before their kill.
SIGKILL stops the process, not the machine: what the operating system already accepted stays written,
so this tests the program's own ordering of writes and transactions, not power loss.

Exit status 0 when every trial's checks passed. ``--json FILE`` writes every trial's result.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tests.crash.scenarios import ROOT, SCENARIOS, SIZES, Log, Trial, check_folder

READY_TIMEOUT = 120.0


@dataclass
class TrialResult:
    """One trial: where the kill fell and what the checks found."""

    index: int
    scenario: str
    variant: str
    kill_after: float  # seconds after "ready" the kill was due
    killed: bool  # False: the child finished its work before the kill
    done: int  # operations whose commit returned
    inflight: bool  # an operation had started and not returned
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    work_seconds: float | None = None  # "ready" to "finished", when the child finished


@dataclass
class Campaign:
    trials: list[TrialResult]
    prepare_seconds: float
    seconds: float
    seed: int
    size: str

    @property
    def failures(self) -> list[TrialResult]:
        return [t for t in self.trials if t.problems]

    def table(self) -> str:
        lines = [
            f"{'scenario':<16}{'trials':>7}{'killed':>8}{'mid-op':>8}{'finished':>10}{'failed':>8}{'ops done (median)':>19}"
        ]
        keys = sorted({(t.scenario, t.variant) for t in self.trials})
        for scenario, variant in keys:
            ts = [t for t in self.trials if (t.scenario, t.variant) == (scenario, variant)]
            name = f"{scenario}/{variant}" if variant else scenario
            lines.append(
                f"{name:<16}{len(ts):>7}{sum(t.killed for t in ts):>8}{sum(t.killed and t.inflight for t in ts):>8}"
                f"{sum(not t.killed for t in ts):>10}{sum(bool(t.problems) for t in ts):>8}"
                f"{statistics.median(t.done for t in ts):>19}"
            )
        killed = sum(t.killed for t in self.trials)
        lines.append(
            f"{'all':<16}{len(self.trials):>7}{killed:>8}{sum(t.killed and t.inflight for t in self.trials):>8}"
            f"{sum(not t.killed for t in self.trials):>10}{len(self.failures):>8}"
        )
        return "\n".join(lines)


class _MigrationsPatched:
    """Use the campaign's migrations (with the test-only one) while checking an "extra" trial."""

    def __init__(self, folder: str | None) -> None:
        self.folder = folder
        self.saved: Path | None = None

    def __enter__(self) -> None:
        if self.folder:
            from hoteltv.db import engine as engine_module

            self.saved = engine_module.MIGRATIONS
            engine_module.MIGRATIONS = Path(self.folder)

    def __exit__(self, *exc: object) -> None:
        if self.saved is not None:
            from hoteltv.db import engine as engine_module

            engine_module.MIGRATIONS = self.saved


def _tail(path: Path, n: int = 1500) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-n:]
    except OSError:
        return ""


def _trial_params(
    scenario: str, variant: str, prepared: dict[str, Any]
) -> tuple[dict[str, Any], Path | None]:
    params = dict(prepared)
    params["variant"] = variant
    if scenario == "migrate":
        template = prepared["templates"].get(variant)
        return params, Path(template) if template else None
    return params, Path(prepared["template"])


def run_trial(
    index: int, scenario: str, variant: str, prepared: dict[str, Any], folder: Path, kill_after: float
) -> tuple[TrialResult, Log]:
    """Run one child, kill it ``kill_after`` seconds after it is ready, then check the data folder."""
    started = time.perf_counter()
    params, template = _trial_params(scenario, variant, prepared)
    folder.mkdir(parents=True)
    trial = Trial(folder, params)
    if template is not None:
        shutil.copytree(template, trial.home)
    else:
        trial.home.mkdir()
    (folder / "params.json").write_text(json.dumps(params, ensure_ascii=False), encoding="utf-8")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    env.pop("HOTELTV_HOME", None)
    with open(folder / "stderr.txt", "wb") as err:
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.crash.child", scenario, str(folder)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        problems: list[str] = []
        killed = False
        try:
            deadline = time.monotonic() + READY_TIMEOUT
            while Log.read(trial.log_path).ready_at is None:
                if child.poll() is not None or time.monotonic() > deadline:
                    problems.append(
                        f"the child never became ready (exit {child.poll()}): {_tail(folder / 'stderr.txt')}"
                    )
                    break
                time.sleep(0.005)
            if not problems:
                due = time.monotonic() + kill_after
                while time.monotonic() < due and child.poll() is None:
                    time.sleep(min(0.002, max(0.0, due - time.monotonic())))
                if child.poll() is None:
                    os.kill(child.pid, signal.SIGKILL)
                    killed = True
        finally:
            if child.poll() is None:
                child.kill()
            child.wait()
    log = Log.read(trial.log_path)
    if not killed and not problems and (child.returncode != 0 or not log.finished):
        problems.append(
            f"the child failed on its own (exit {child.returncode}): {_tail(folder / 'stderr.txt')}"
        )
    if not problems:
        with _MigrationsPatched(params.get("migrations") if variant == "extra" else None):
            try:
                problems += check_folder(trial.home)
                if not problems:
                    problems += SCENARIOS[scenario].check(trial, log)
            except Exception as exc:  # a check that crashes is a finding too
                problems.append(f"checking raised {type(exc).__name__}: {exc}")
    result = TrialResult(
        index,
        scenario,
        variant,
        round(kill_after, 3),
        killed and not log.finished,
        len(log.done),
        log.inflight is not None,
        problems,
        round(time.perf_counter() - started, 2),
    )
    if log.finished and log.ready_at is not None:
        finished_at = next(e["t"] for e in log.events if e["ev"] == "finished")
        result.work_seconds = round(max(0.01, finished_at - log.ready_at), 3)
    return result, log


def run_campaign(
    trials: int,
    scenarios: list[str],
    *,
    seed: int = 1,
    size: str = "small",
    workdir: Path | None = None,
    keep_failures: Path | None = None,
    report: Callable[[TrialResult], None] | None = None,
) -> Campaign:
    """Prepare the scenarios once, then run ``trials`` trials going round them."""
    rng = random.Random(seed)
    started = time.perf_counter()
    own = workdir is None
    work = Path(tempfile.mkdtemp(prefix="hoteltv-crash-")) if workdir is None else workdir
    try:
        prepared: dict[str, dict[str, Any]] = {}
        for name in scenarios:
            prepared[name] = SCENARIOS[name].prepare(work / "prep" / name, SIZES[size], seed)
        prepare_seconds = time.perf_counter() - started
        windows: dict[tuple[str, str], list[float]] = {}
        results: list[TrialResult] = []
        for index in range(trials):
            name = scenarios[index % len(scenarios)]
            variants = SCENARIOS[name].variants
            variant = variants[(index // len(scenarios)) % len(variants)]
            key = (name, variant)
            seen = windows.get(key)
            window = statistics.median(seen) if seen else SCENARIOS[name].window
            kill_after = rng.uniform(0.0, window * 1.05)
            folder = work / "trials" / f"{index:04d}-{name}{'-' + variant if variant else ''}"
            result, log = run_trial(index, name, variant, prepared[name], folder, kill_after)
            if result.work_seconds is not None:
                windows.setdefault(key, []).append(result.work_seconds)
            elif result.killed and kill_after > 0.9 * window:
                # Killed late and still busy: the work takes longer than thought here (a slow machine).
                windows.setdefault(key, []).append(window * 1.5)
            results.append(result)
            if report is not None:
                report(result)
            if result.problems and keep_failures is not None:
                shutil.copytree(folder, keep_failures / folder.name, dirs_exist_ok=True)
            shutil.rmtree(folder, ignore_errors=True)
        return Campaign(
            results, round(prepare_seconds, 1), round(time.perf_counter() - started, 1), seed, size
        )
    finally:
        if own:
            shutil.rmtree(work, ignore_errors=True)


def _print_trial(total: int) -> Callable[[TrialResult], None]:
    def show(r: TrialResult) -> None:
        what = f"killed at +{r.kill_after:.2f} s" if r.killed else "finished before the kill"
        name = f"{r.scenario}/{r.variant}" if r.variant else r.scenario
        state = "ok" if not r.problems else "FAILED: " + " | ".join(r.problems)
        print(
            f"[{r.index + 1:>4}/{total}] {name:<16} {what:<26} {r.done:>4} done"
            f"{', one in flight' if r.inflight else '':<16} {r.seconds:5.1f} s  {state}",
            flush=True,
        )

    return show


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--scenario", default="all", help=f"all, or some of: {', '.join(SCENARIOS)}")
    parser.add_argument("--seed", type=int, default=int(time.time()) % 100_000)
    parser.add_argument("--size", choices=sorted(SIZES), default="large")
    parser.add_argument("--keep-failures", type=Path, help="copy the folders of failed trials here")
    parser.add_argument("--json", type=Path, help="write every trial's result here")
    args = parser.parse_args(argv)
    names = list(SCENARIOS) if args.scenario == "all" else [n.strip() for n in args.scenario.split(",")]
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario {unknown[0]!r}; known: {', '.join(SCENARIOS)}")
    print(
        f"crash campaign: {args.trials} trials over {', '.join(names)} (size {args.size}, seed {args.seed})"
    )
    campaign = run_campaign(
        args.trials,
        names,
        seed=args.seed,
        size=args.size,
        keep_failures=args.keep_failures,
        report=_print_trial(args.trials),
    )
    print()
    print(campaign.table())
    print(
        f"\nprepared in {campaign.prepare_seconds} s, {campaign.seconds} s in all; "
        f"{len(campaign.failures)} failed trial(s)"
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps({**asdict(campaign), "failed": len(campaign.failures)}, ensure_ascii=False, indent=1),
            encoding="utf-8",
        )
    return 1 if campaign.failures else 0


if __name__ == "__main__":
    sys.exit(main())
