"""Sync fault campaign runner: many seeded trials (see :mod:`tests.syncfault.trial`), a line each, a summary.

    python -m tests.syncfault.campaign --trials 120 --seed 1            # the long mode, by hand
    python -m tests.syncfault.campaign --seed 1 --trial 17 -v           # replay one trial, with its steps
    python -m tests.syncfault.campaign --trials 12 --steps 24           # about what CI runs

Every ``--subprocess-every``-th trial (default 6) runs the server as a real ``hoteltv serve`` child process
that is SIGKILLed mid-request; the others run it in-process (restarted, crashed inside the push
transaction). Exit status 0 when every trial's checks passed; a failed trial prints what differed and the
command that replays it. ``--json FILE`` writes every trial's result; ``--keep-failures DIR`` keeps the
folders (server, laptops, bundles) of failed trials.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from tests.syncfault.server import CrashSwitch
from tests.syncfault.trial import FAULT_KINDS, TrialResult, TrialRun


@dataclass
class Campaign:
    trials: list[TrialResult]
    seed: int
    seconds: float

    @property
    def failures(self) -> list[TrialResult]:
        return [t for t in self.trials if not t.ok]

    def faults(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for t in self.trials:
            total.update(t.faults)
        return total

    def events(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for t in self.trials:
            total.update(t.events)
        return total

    def summary(self) -> str:
        faults = self.faults()
        events = self.events()
        modes = Counter(t.mode for t in self.trials)
        lines = [
            f"trials: {len(self.trials)} ({', '.join(f'{n} {m}' for m, n in sorted(modes.items()))}), "
            f"seed {self.seed}, {self.seconds:.0f} s",
            f"syncs: {sum(t.syncs for t in self.trials)} "
            f"({sum(t.syncs_failed for t in self.trials)} gave up under faults), "
            f"steps: {sum(t.steps for t in self.trials)}",
            "faults injected: "
            + ", ".join(f"{k} {faults[k]}" for k in FAULT_KINDS)
            + f" (total {sum(faults.values())})",
            "other events: " + ", ".join(f"{k} {v}" for k, v in sorted(events.items())),
            f"failures: {len(self.failures)}",
        ]
        return "\n".join(lines)


def trial_mode(index: int, subprocess_every: int) -> str:
    return (
        "subprocess"
        if subprocess_every > 0 and index % subprocess_every == subprocess_every - 1
        else "inproc"
    )


def run_campaign(
    indices: Iterable[int],
    *,
    seed: int,
    steps: int = 30,
    subprocess_every: int = 6,
    workdir: Path | None = None,
    keep_failures: Path | None = None,
    report: Callable[[TrialResult], None] | None = None,
) -> Campaign:
    """Run the trials ``indices`` of campaign ``seed``; each in its own folder, removed afterwards."""
    started = time.perf_counter()
    own = workdir is None
    work = Path(tempfile.mkdtemp(prefix="hoteltv-syncfault-")) if workdir is None else workdir
    crash = CrashSwitch()
    crash.install()
    results: list[TrialResult] = []
    try:
        for index in indices:
            folder = work / f"trial-{index:04d}"
            run = TrialRun(
                folder, seed, index, mode=trial_mode(index, subprocess_every), steps=steps, crash=crash
            )
            result = run.run()
            results.append(result)
            if report is not None:
                report(result)
            if not result.ok and keep_failures is not None:
                shutil.copytree(folder, keep_failures / folder.name, dirs_exist_ok=True)
            shutil.rmtree(folder, ignore_errors=True)
    finally:
        crash.uninstall()
        if own:
            shutil.rmtree(work, ignore_errors=True)
    return Campaign(results, seed, round(time.perf_counter() - started, 1))


def replay_command(seed: int, index: int, steps: int, subprocess_every: int) -> str:
    return (
        f"python -m tests.syncfault.campaign --seed {seed} --trial {index} --steps {steps} "
        f"--subprocess-every {subprocess_every} -v"
    )


def _printer(total: int, verbose: bool, steps: int, subprocess_every: int) -> Callable[[TrialResult], None]:
    done = {"n": 0}

    def show(r: TrialResult) -> None:
        done["n"] += 1
        faults = sum(r.faults.values())
        state = "ok" if r.ok else f"FAILED ({len(r.problems)} problems)"
        print(
            f"[{done['n']:>4}/{total}] trial {r.index:<4} {r.mode:<10} {len(r.laptops)} laptops "
            f"{r.steps:>3} steps {r.syncs:>3} syncs ({r.syncs_failed:>2} gave up) {faults:>3} faults "
            f"heal {r.heal_rounds} rounds {r.seconds:6.1f} s  {state}",
            flush=True,
        )
        if verbose or not r.ok:
            if verbose:
                print("  laptops: " + ", ".join(r.laptops))
                for line in r.log:
                    print(f"    {line}")
                for line in r.notes:
                    print(f"  note: {line}")
            for line in r.problems[:40]:
                print(f"  PROBLEM: {line}")
            if len(r.problems) > 40:
                print(f"  … and {len(r.problems) - 40} more")
            if verbose and r.trace:
                print("  requests:")
                for line in r.trace:
                    print(f"    {line}")
            if not r.ok:
                print(f"  replay: {replay_command(r.seed, r.index, steps, subprocess_every)}", flush=True)

    return show


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--trials", type=int, default=120)
    parser.add_argument("--seed", type=int, default=int(time.time()) % 100_000)
    parser.add_argument("--trial", type=int, action="append", help="run only this trial (repeatable)")
    parser.add_argument("--steps", type=int, default=30, help="random steps per trial before the heal")
    parser.add_argument(
        "--subprocess-every",
        type=int,
        default=6,
        help="every N-th trial uses a real server process (0: never)",
    )
    parser.add_argument("--keep-failures", type=Path, help="copy the folders of failed trials here")
    parser.add_argument("--json", type=Path, help="write every trial's result here")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every trial's steps")
    args = parser.parse_args(argv)
    indices = list(args.trial) if args.trial else list(range(args.trials))
    print(
        f"sync fault campaign: {len(indices)} trials, seed {args.seed}, {args.steps} steps each, "
        f"a server process every {args.subprocess_every or 'never'}"
    )
    campaign = run_campaign(
        indices,
        seed=args.seed,
        steps=args.steps,
        subprocess_every=args.subprocess_every,
        keep_failures=args.keep_failures,
        report=_printer(len(indices), args.verbose, args.steps, args.subprocess_every),
    )
    print()
    print(campaign.summary())
    for r in campaign.failures:
        print(f"  failed: trial {r.index}: {r.problems[0].splitlines()[0][:200]}")
        print(f"    replay: {replay_command(r.seed, r.index, args.steps, args.subprocess_every)}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(
                {**asdict(campaign), "failed": len(campaign.failures)},
                ensure_ascii=False,
                indent=1,
                default=str,
            ),
            encoding="utf-8",
        )
    return 1 if campaign.failures else 0


if __name__ == "__main__":
    sys.exit(main())
