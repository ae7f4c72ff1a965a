#!/usr/bin/env python3
"""Two checkouts, one corpus: is a change's build as fast and as small as the code before it?

    python scripts/bench/checkouts.py OLD NEW [--n 10000] [--runs 3] [--keep DIR]

OLD and NEW are folders holding a checkout of this repository (e.g. made with
`git worktree add --detach /tmp/old <commit>`). One corpus of N proposals is generated once (by
NEW's generator), then each checkout builds it `--runs` times, the two alternating (old, new, old,
new, ...) so that a busy hour weighs on both alike, with NEW's interpreter and packages and each
checkout's own `scripts/` first on the path and its own mkdocs.yml and docs/ (theme overrides). Measured per build: wall time, and the peak memory
of the whole build (parent and every child together: the sum of their proportional set sizes,
`Pss` in /proc/<pid>/smaps_rollup, sampled every 0.1 s, so that pages forked children share are
counted once). Prints each build as it ends, then the medians and NEW / OLD ratios.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

if not __package__:  # run as a file: scripts/ holds `bench` and generate_corpus
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import measured
from generate_corpus import generate, make_project


def build(checkout: Path, config: Path, site: Path) -> tuple[float, float]:
    """(seconds, peak MB of the whole process tree) of one `mkdocs build` by `checkout`."""
    shutil.rmtree(site, ignore_errors=True)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(checkout / "scripts")}
    cmd = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(site)]
    run = measured(cmd, env)
    if run.returncode != 0:
        raise SystemExit(f"{checkout}: the build failed:\n{run.output[-2000:]}")
    return run.seconds, run.tree_mb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="work here and keep the corpus and sites")
    args = parser.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-checkouts-"))
    corpus = generate(work / "proposals", args.n, seed=args.seed)
    configs = {name: make_project(work / f"project-{name}", corpus, repo=getattr(args, name))
               for name in ("old", "new")}
    figures: dict[str, list[tuple[float, float]]] = {"old": [], "new": []}
    print(f"N = {args.n}: {args.runs} builds each, alternating", flush=True)
    for run in range(args.runs):
        for name in ("old", "new"):
            seconds, mb = build(getattr(args, name).resolve(), configs[name],
                                work / f"site-{name}")
            figures[name].append((seconds, mb))
            print(f"run {run + 1} {name}: {seconds:.1f} s, {mb:,.0f} MB", flush=True)
    medians = {name: (statistics.median(s for s, _ in runs), statistics.median(m for _, m in runs))
               for name, runs in figures.items()}
    print("\n| checkout | build s (median) | whole-build peak MB (median) |\n|---|---|---|")
    for name, (seconds, mb) in medians.items():
        print(f"| {name} | {seconds:.1f} | {mb:,.0f} |")
    (old_s, old_mb), (new_s, new_mb) = medians["old"], medians["new"]
    print(f"\nnew / old: time {new_s / old_s:.3f}, memory {new_mb / old_mb:.3f}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
