"""A build stops cleanly: SIGINT or SIGTERM, to mkdocs or to its process group, at any moment of
the build, ends it with one line and exit 128 + the signal (old site untouched) or 0 (the new site
published), and leaves nothing beside the site; `kill -9` leftovers go with the next build;
`site/` may be a symlink (published into its target) or a mount point (a one-line error)."""

from __future__ import annotations

import gc
import logging
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from bench.harness import build_site, run_build
from cppcc import indexprocess, parallel, publishing
from generate_corpus import generate, make_project
from helpers import processes_naming, snapshot

REPO = Path(__file__).resolve().parents[1]

N = 80  # proposals: texts enough for the forked workers of the cuts and of the index child
ENDS = 30  # seconds: a build must end this soon after a signal (5 s on an idle machine)
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
MARK = "执法工作机制需要完善"


def strict_build(config: Path, site: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)],
        env=ENV, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def errors_of(err: str) -> list[str]:
    """The lines of a build's output that are not MkDocs' ordinary INFO lines."""
    return [line for line in err.splitlines() if line.strip() and not line.startswith("INFO")]


def versions(proposals: Path) -> tuple[Path, str, str]:
    """A proposal file and two texts of it, to tell an old site from a new one."""
    path = next(p for p in sorted(proposals.glob("*.yaml")) if MARK in p.read_text("utf-8"))
    text = path.read_text(encoding="utf-8")
    return path, text, text.replace(MARK, MARK + "(新)", 1)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """A generated project and the reference builds of its two versions, A and B."""
    root = tmp_path_factory.mktemp("interrupts")
    proposals = generate(root / "proposals", N, seed=11, meeting_count=2)
    config = make_project(root / "project", proposals)
    path, a, b = versions(proposals)
    refs, took = {}, 0.0
    for name, text in (("A", a), ("B", b)):
        path.write_text(text, encoding="utf-8")
        start = time.monotonic()
        refs[name] = snapshot(build_site(root / "refs" / name / "site", config))
        took = max(took, time.monotonic() - start)
    return SimpleNamespace(config=config, path=path, texts={"A": a, "B": b}, refs=refs,
                           sites=root / "refs", took=took)


def wait_for_stage(build: subprocess.Popen, parent: Path) -> None:
    """Until the build has made its stage (our plugin has begun) or ended."""
    while build.poll() is None and not any(p.name.startswith(".site.new-")
                                           for p in parent.iterdir()):
        time.sleep(0.005)


def test_signals_at_random_moments_leave_the_old_site_or_the_new_one(corpus, tmp_path):
    site = tmp_path / "out" / "site"
    shutil.copytree(corpus.sites / "A" / "site", site)
    state, rng, outcomes = "A", random.Random(7), []
    ways = [(signal.SIGINT, False), (signal.SIGTERM, False), (signal.SIGINT, True),
            (signal.SIGTERM, True)]
    for attempt in range(8):
        number, group = ways[attempt % len(ways)]
        other = "B" if state == "A" else "A"
        corpus.path.write_text(corpus.texts[other], encoding="utf-8")
        build = strict_build(corpus.config, site)
        wait_for_stage(build, site.parent)
        time.sleep(rng.uniform(0, corpus.took * 1.1))
        if build.poll() is None:
            (os.killpg if group else os.kill)(build.pid, number)
        try:
            _, err = build.communicate(timeout=ENDS)
        except subprocess.TimeoutExpired:
            os.killpg(build.pid, signal.SIGKILL)
            pytest.fail(f"attempt {attempt}: the build did not end after {number.name}")
        what = f"attempt {attempt} ({number.name} to the {'group' if group else 'process'}):"
        assert "Traceback" not in err, f"{what}\n{err}"
        assert len(errors_of(err)) <= 1, f"{what}\n{err}"
        assert build.returncode in (0, 128 + number), f"{what} {build.returncode}\n{err}"
        if build.returncode == 0:
            state = other
        else:
            line = f"Build interrupted by {number.name}: the previous site is untouched"
            assert [e.split(None, 2) for e in errors_of(err)] == [["ERROR", "-", line]], \
                f"{what}\n{err}"
        assert snapshot(site) == corpus.refs[state], f"{what} not the site of {state}"
        assert sorted(p.name for p in site.parent.iterdir()) == ["site"], what
        outcomes.append(build.returncode)
    assert set(outcomes) - {0}, f"no build was interrupted: {outcomes}"
    time.sleep(0.5)
    assert processes_naming(str(corpus.config)) == []


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to see the processes")
def test_the_next_build_removes_what_a_killed_build_left(corpus, tmp_path):
    site = tmp_path / "out" / "site"
    site.parent.mkdir()
    corpus.path.write_text(corpus.texts["A"], encoding="utf-8")
    build = strict_build(corpus.config, site)
    while build.poll() is None and not any(p.name.startswith(".cppcc-index-")
                                           for p in site.parent.iterdir()):
        time.sleep(0.005)
    assert build.poll() is None, "the build ended before the index child wrote its folder"
    build.kill()  # kill -9 of mkdocs alone: its children die with it
    build.communicate()
    left = sorted(p.name.split("-")[0] for p in site.parent.iterdir())
    assert left == [".cppcc", ".site.new"]
    time.sleep(0.5)
    assert processes_naming(str(corpus.config)) == []
    # a folder of a live build is kept; those of ended builds go
    live = site.parent / f".site.new-{os.getpid()}-live"
    live.mkdir()
    done = run_build(site, corpus.config)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in site.parent.iterdir()) == [live.name, "site"]
    assert snapshot(site) == corpus.refs["A"]


def test_a_symlinked_site_is_published_into_its_target(corpus, tmp_path):
    corpus.path.write_text(corpus.texts["B"], encoding="utf-8")
    target = tmp_path / "releases" / "current"
    shutil.copytree(corpus.sites / "A" / "site", target)
    link = tmp_path / "www" / "site"
    link.parent.mkdir()
    link.symlink_to(target)
    done = run_build(link, corpus.config)
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and link.resolve() == target
    assert snapshot(target) == corpus.refs["B"]
    assert [p.name for p in target.parent.iterdir()] == ["current"]
    assert [p.name for p in link.parent.iterdir()] == ["site"]


@pytest.mark.skipif(not shutil.which("unshare"), reason="needs unshare(1) to mount a tmpfs")
def test_a_mounted_site_fails_in_one_line_and_stays_as_it_was(corpus, tmp_path):
    site = tmp_path / "out" / "site"
    site.mkdir(parents=True)
    script = (f'mount -t tmpfs none "{site}" || exit 99; echo old > "{site}/index.html"; '
              f'"{sys.executable}" -m mkdocs build --strict -f "{corpus.config}" -d "{site}"; '
              f'code=$?; cat "{site}/index.html"; ls -A "{site.parent}"; exit $code')
    done = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True,
                          text=True, env=ENV, check=False)
    if done.returncode == 99:
        pytest.skip(f"cannot mount here: {done.stderr}")
    assert done.returncode == 1
    assert done.stdout.split()[-2:] == ["old", "site"]
    assert "Traceback" not in done.stderr
    assert "is a mount point" in done.stderr and "mount its parent" in done.stderr


def fake_config(site: Path) -> SimpleNamespace:
    return SimpleNamespace(site_dir=str(site), strict=False)


def test_a_mount_point_is_refused_before_anything_is_written(tmp_path, monkeypatch):
    """Where no tmpfs can be mounted: the same check, with os.path.ismount saying yes."""
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.setattr(os.path, "ismount", lambda path: Path(path) == site)
    with pytest.raises(publishing.PluginError, match="is a mount point"):
        publishing.StagedSite(fake_config(site))
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_a_signal_during_the_swap_waits_and_the_new_site_counts(tmp_path, monkeypatch, caplog):
    caplog.set_level(logging.INFO)
    site = tmp_path / "site"
    site.mkdir()
    (site / "old.txt").write_text("old")
    staged = publishing.StagedSite(fake_config(site))
    (Path(staged.config.site_dir) / "new.txt").write_text("new")
    real = publishing.exchange

    def exchange_under_fire(a, b):
        os.kill(os.getpid(), signal.SIGTERM)
        return real(a, b)

    monkeypatch.setattr(publishing, "exchange", exchange_under_fire)
    assert staged.publish()  # no SystemExit: the new site is out
    assert [p.name for p in site.iterdir()] == ["new.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["site"]
    assert "SIGTERM came after the new site was published" in caplog.text
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


def test_a_signal_before_the_swap_stops_with_the_old_site(tmp_path, caplog):
    site = tmp_path / "site"
    site.mkdir()
    (site / "old.txt").write_text("old")
    previous = signal.getsignal(signal.SIGINT)
    staged = publishing.StagedSite(fake_config(site))
    with pytest.raises(publishing.Interrupted):
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(500):  # the handler raises (in the main thread, whichever thread got it)
            time.sleep(0.01)
    os.kill(os.getpid(), signal.SIGINT)  # a second Ctrl-C during the cleanup is only noted
    with pytest.raises(SystemExit) as stop:
        staged.close()
    gc.unfreeze()  # what the ending process does
    assert stop.value.code == 130
    assert "Build interrupted by SIGINT: the previous site is untouched" in caplog.text
    assert [p.name for p in tmp_path.iterdir()] == ["site"]
    assert [p.name for p in site.iterdir()] == ["old.txt"]
    assert signal.getsignal(signal.SIGINT) is previous


def children() -> set[int]:
    """The pids of this process's children, from /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) \
                    == os.getpid():
                found.add(int(entry.name))
        except (OSError, IndexError):
            pass
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to see the processes")
def test_fork_map_keeps_order_and_raises_a_workers_error():
    before = children()
    inputs = list(range(3000))
    assert parallel.fork_map(lambda x: x * x, inputs, parallel=True, chunksize=7) == \
        [x * x for x in inputs]
    with pytest.raises(ZeroDivisionError):
        parallel.fork_map(lambda x: 1 / (x - 1234), inputs, parallel=True)
    assert children() == before  # every worker was reaped


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to see the processes")
def test_an_interrupted_map_kills_its_workers_at_once(tmp_path):
    before = children()
    def slow(x):
        time.sleep(60)

    def interrupt(number, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.5)
        with pytest.raises(KeyboardInterrupt):
            parallel.fork_map(slow, list(range(4)), parallel=True)
    finally:
        signal.signal(signal.SIGALRM, previous)
    assert children() == before  # killed and reaped, not left sleeping


def test_an_index_child_that_fails_says_why(tmp_path, monkeypatch):
    def fail(*args, **kwargs):
        raise ValueError("injected")

    monkeypatch.setattr(indexprocess, "index_files", fail)
    links = SimpleNamespace(segmenter=SimpleNamespace(prepare=lambda: None))
    child = indexprocess.IndexProcess.start(links, tmp_path / "index")
    with pytest.raises(RuntimeError, match="not written: ValueError: injected"):
        child.wait()
