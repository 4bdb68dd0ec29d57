"""Benchmark: a CSV of article texts through ``statements``, time per MB and peak memory.

For each size in ``--mb`` (default 1 and 4), writes a CSV (id, date, title, text) of
synthetic articles (``make_corpus.make_article``, so texts rarely repeat) of about that many
MB, times loading it alone (``load_articles``, in this process), then runs
``python -m analysis statements CSV -o OUT`` as a fresh process and prints its wall time,
the time per MB and the peak resident memory of that process (polled with psutil).  Time
per MB that stays flat from 1 to 4 MB means linear time; issue 25's bound: 10 MB under 2 GB.

    python tests/benchmarks/bench_csv.py [--mb 1 4]
"""
import argparse
import csv
import random
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_corpus import load_statements, make_article  # noqa: E402

from analysis.corpus import load_articles  # noqa: E402


def write_csv(path, mb, seed=0):
    """Articles appended to a CSV at ``path`` until it holds ``mb`` MB; returns the number of rows."""
    rng = random.Random(seed)
    by_topic = {}
    for row in load_statements().itertuples(index=False):
        by_topic.setdefault(row.topic_id, []).append(row)
    n = 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["id", "date", "title", "text"])
        writer.writeheader()
        while f.tell() < mb * 2**20:
            writer.writerow(make_article(rng, n, by_topic))
            n += 1
    return n


def run_measured(command):
    """Run ``command``; (exit code, wall seconds, peak RSS in MiB of it and its children)."""
    start = time.perf_counter()
    process = psutil.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while process.poll() is None:
        try:
            tree = [process, *process.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree))
        except psutil.Error:  # a process ended between listing and reading
            pass
        time.sleep(0.2)
    return process.returncode, time.perf_counter() - start, peak / 2**20


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, nargs="+", default=[1.0, 4.0], help="CSV sizes in MB")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for mb in args.mb:
            path = Path(tmp) / f"texts-{mb:g}mb.csv"
            rows = write_csv(path, mb)
            size = path.stat().st_size / 2**20
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # repeated texts are reported; not what is measured
                loaded = len(load_articles(path))
            load_s = time.perf_counter() - start
            code, wall, peak = run_measured([sys.executable, "-m", "analysis", "statements", str(path),
                                             "-o", str(Path(tmp) / "statements.csv")])
            print(f"{size:.2f} MB ({rows} rows, {loaded} articles): load {load_s:.1f} s ({load_s / size:.2f} s/MB); "
                  f"statements exit {code} in {wall:.0f} s ({wall / size:.0f} s/MB), peak RSS {peak:.0f} MiB",
                  flush=True)


if __name__ == "__main__":
    main()
