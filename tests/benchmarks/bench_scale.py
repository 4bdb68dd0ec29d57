"""Scale benchmark of ``python -m analysis run``: each phase, cold, warm and +1% runs.

``bench_scale.py [SIZE...] [--workers N] [--partition-size N] [--baseline REV]``

For each size (default 1000 and 10000 articles) it generates a corpus
(``make_corpus.py``, seed = size), then times each phase of the pipeline in this one
process, cold (an empty score cache; ``--no-phases`` skips this): load, parse+extract
(``article_records``, spaCy's loading included), corpus tables (names unified), score
stance and score sentiment (each with its model's loading), speaker table, figures
(``render_all``); then times ``run`` as a fresh process on the local
Dask cluster:

* cold: an empty store and an empty score cache (``ANALYSIS_CACHE_DIR`` fresh per size);
* warm: the same command again, nothing new (% of cold);
* +1%: after adding 1% new articles (% of cold);
* with ``--baseline REV``: a cold run of git revision REV (a temporary worktree, its own
  store and score cache) on the same corpus right after this checkout's, and the ratio.

While a run goes, the process tree is sampled with psutil: it prints the peak RSS of the
driver and of each worker process (the largest children).  Finally the ratio of the
cold times of the largest and the smallest size.  Everything lives in a temporary
folder, removed at the end unless ``--keep DIR``.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import psutil
from make_corpus import make_corpus

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
TARGET = "the deployment of foreign troops"
MiB = 1 << 20


def timed_run(corpus, store, cache, workers, partition_size, root=ROOT):
    """Run the command once with the package of checkout ``root``; returns (seconds, driver peak
    RSS, [worker peak RSS, ...] in MiB)."""
    cmd = [sys.executable, "-m", "analysis", "run", "--articles", str(corpus), "--target", TARGET,
           "--store", str(store), "--partition-size", str(partition_size)]
    if workers:
        cmd += ["--workers", str(workers)]
    env = {**os.environ, "ANALYSIS_CACHE_DIR": str(cache), "PYTHONPATH": str(root)}
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=root, env=env, stderr=subprocess.PIPE, text=True)
    driver, peaks = psutil.Process(proc.pid), {}
    while proc.poll() is None:
        try:
            for p in [driver, *driver.children(recursive=True)]:
                peaks[p.pid] = max(peaks.get(p.pid, 0), p.memory_info().rss)
        except psutil.Error:
            pass  # a process ended while sampled
        time.sleep(0.2)
    seconds = time.perf_counter() - start
    err = proc.stderr.read()
    if proc.returncode:
        raise SystemExit(f"run failed ({proc.returncode}):\n{err[-3000:]}")
    print("   ", err.strip().splitlines()[-1])
    driver_peak = peaks.pop(proc.pid, 0) / MiB
    children = sorted((v / MiB for v in peaks.values()), reverse=True)
    return seconds, driver_peak, children[:workers or os.cpu_count()]


def phases(corpus, cache, out, device=None):
    """Time each phase of the pipeline on ``corpus`` in this process, scoring with an empty
    cache folder ``cache``; prints one line per phase and returns {phase: seconds}."""
    from analysis.corpus import load_articles
    from analysis.figures import render_all
    from analysis.scoring import get_scorer, score_statements, score_texts, stance_inputs
    from analysis.speakers import speaker_stance
    from analysis.stages import quiet_libraries
    from analysis.statements import article_records, corpus_tables

    quiet_libraries()
    times, got = {}, {}

    def timed(name, fn):
        start = time.perf_counter()
        got[name] = fn()
        times[name] = time.perf_counter() - start

    timed("load", lambda: load_articles([corpus]))
    articles = got["load"]
    timed("parse+extract", lambda: article_records(articles))
    timed("corpus tables", lambda: corpus_tables(got["parse+extract"])[0])
    statements = got["corpus tables"]
    inputs = pd.DataFrame({"text": stance_inputs(statements, get_scorer("stance", device=device).speaker)})
    timed("score stance", lambda: score_texts(inputs, "stance", target=TARGET, cache_dir=cache, progress=False,
                                              device=device))
    timed("score sentiment", lambda: score_texts(statements[["text"]], "sentiment", cache_dir=cache, progress=False,
                                                 device=device))
    scored = score_statements(statements, TARGET, cache_dir=cache, device=device)  # read from the cache: untimed
    timed("speaker table", lambda: speaker_stance(scored, articles))
    timed("figures", lambda: render_all(got["speaker table"], scored, out, TARGET))
    for name, seconds in times.items():
        rows = len(articles) if name in ("load", "parse+extract") else len(statements)
        unit = "articles" if name in ("load", "parse+extract") else "statements"
        print(f"  {name:>16} {seconds:8.1f}s  ({rows / seconds:8.1f} {unit}/s)")
    print(f"  {'all phases':>16} {sum(times.values()):8.1f}s")
    return times


def checkout(rev, where):
    """A detached worktree of git revision ``rev`` at ``where`` (its package is what a baseline run imports)."""
    subprocess.run(["git", "worktree", "add", "--detach", str(where), rev], cwd=ROOT, check=True,
                   capture_output=True)
    return where


def bench(size, folder, workers, partition_size, with_phases=True, device=None, baseline=None):
    """Phases, then cold, warm and +1% runs on ``size`` generated articles; with ``baseline`` (a
    checkout of another commit) its cold run on the same corpus right after this one's.
    Returns the cold seconds."""
    corpus, store, cache = folder / f"corpus-{size}", folder / f"store-{size}", folder / f"cache-{size}"
    make_corpus(size, corpus, seed=size)
    print(f"{size} articles:")
    if with_phases:
        print(f"  phases, one process, cold score cache (device {device or 'auto'}):")
        phases(corpus, folder / f"phase-cache-{size}", folder / f"figures-{size}", device)
    cold, driver, workers_rss = timed_run(corpus, store, cache, workers, partition_size)
    print(f"  cold {cold:.1f}s ({size / cold:.2f} articles/s); peak RSS driver {driver:.0f} MiB, "
          f"workers {', '.join(f'{w:.0f}' for w in workers_rss)} MiB")
    if baseline:
        before = timed_run(corpus, folder / f"store-{size}-baseline", folder / f"cache-{size}-baseline", workers,
                           partition_size, root=baseline)[0]
        print(f"  cold with the baseline commit {before:.1f}s; this checkout takes {cold / before:.2f} x its time")
    warm = timed_run(corpus, store, cache, workers, partition_size)[0]
    print(f"  warm, nothing new {warm:.1f}s ({100 * warm / cold:.1f}% of cold)")
    make_corpus(max(1, size // 100), corpus, seed=size + 1, start=size)
    more = timed_run(corpus, store, cache, workers, partition_size)[0]
    print(f"  +1% new articles {more:.1f}s ({100 * more / cold:.1f}% of cold)")
    return cold


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 10000])
    parser.add_argument("--workers", type=int, help="local cluster workers (default: the command's)")
    parser.add_argument("--partition-size", type=int, default=200)
    parser.add_argument("--keep", help="work in this folder and keep it")
    parser.add_argument("--no-phases", action="store_true", help="skip the per-phase timing")
    parser.add_argument("--device", help="where the phases score: auto, cpu, cuda[:N] (run uses $ANALYSIS_DEVICE)")
    parser.add_argument("--baseline", metavar="REV",
                        help="also time a cold run of this git revision on each corpus, right after this checkout's")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        baseline = checkout(args.baseline, folder / "baseline") if args.baseline else None
        try:
            colds = {size: bench(size, folder, args.workers, args.partition_size, not args.no_phases, args.device,
                                 baseline) for size in args.sizes}
        finally:
            if baseline:
                subprocess.run(["git", "worktree", "remove", "--force", str(baseline)], cwd=ROOT, check=False)
    if len(colds) > 1:
        small, large = min(colds), max(colds)
        print(f"cold time ratio {large}/{small} articles: {colds[large] / colds[small]:.2f} "
              f"(size ratio {large / small:.0f})")


if __name__ == "__main__":
    main()
