"""Benchmark: every figure from a synthetic corpus of 10,000 articles (``tests/scale_data.py``).

Prints the seconds each figure takes to draw and to save (PNG + SVG), the evidence table's,
and each figure's size in inches; the files stay in ``--out`` to be looked at.  Times are
wall-clock, so they move with the machine's load.

    python tests/benchmarks/bench_figures.py [--articles 10000] [--out /tmp/scalefigs] [--freq W]
"""
import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
from analysis import figures  # noqa: E402
from scale_data import synthetic_tables  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--out", default="/tmp/scalefigs")
    parser.add_argument("--freq", choices=list(figures.FREQS), help="time bins of figure 4 (default: auto)")
    args = parser.parse_args()
    t0 = time.perf_counter()
    table, scored = synthetic_tables(n_articles=args.articles)
    print(f"synthetic tables: {len(scored)} statements, {len(table)} speaker rows "
          f"({time.perf_counter() - t0:.2f} s)")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    makers = [lambda: figures.speaker_stance_figure(table), lambda: figures.stance_sentiment_figure(table),
              lambda: figures.group_figure(table), lambda: figures.over_time_figure(table, freq=args.freq),
              lambda: figures.who_quotes_whom_figure(scored)]
    total = time.perf_counter()
    for name, make in zip(figures.FIGURE_NAMES, makers):
        t = time.perf_counter()
        fig = make()
        drawn = time.perf_counter() - t
        figures.save_figure(fig, out, name)
        w, h = fig.get_size_inches()
        print(f"{name:24s} draw {drawn:5.2f} s  save {time.perf_counter() - t - drawn:5.2f} s  {w:.1f} x {h:.1f} in")
    t = time.perf_counter()
    (out / figures.EVIDENCE_NAME).write_text(figures.evidence_markdown(table, scored), encoding="utf-8")
    print(f"{figures.EVIDENCE_NAME:24s} {time.perf_counter() - t:5.2f} s")
    print(f"all: {time.perf_counter() - total:.2f} s -> {out}")


if __name__ == "__main__":
    main()
