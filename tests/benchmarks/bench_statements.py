"""Benchmark: statement extraction on the seed article replicated to 20 and 200 articles.

Prints articles/s, statements/s and the process's peak resident memory after
each size, the ratio time(200)/time(20) (about 10 when the extractor is
linear), then runs one article of about 5 MB (the seed body repeated) to show
that it is chunked by paragraph under ``nlp.max_length`` and finishes within
bounded memory.  spaCy is loaded once, before any timing; times are wall-clock
(no tracing), so they move with the machine's load: the 20-article time is the
best of ``--repeat`` runs.

    python tests/benchmarks/bench_statements.py [--mb 5] [--repeat 3]
"""
import argparse
import resource
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from analysis.corpus import load_articles  # noqa: E402
from analysis.statements import extract_statements, load_nlp  # noqa: E402


def peak_rss_mib():
    """Peak resident memory of this process so far, MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(articles, nlp, repeat=1):
    """Best wall time of ``repeat`` extractions -> (seconds, n_statements)."""
    best, n_st = float("inf"), 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        statements, _ = extract_statements(articles, nlp=nlp)
        best, n_st = min(best, time.perf_counter() - t0), len(statements)
    return best, n_st


def replicate(seed, n):
    """The one-row ``seed`` table repeated ``n`` times with distinct ids."""
    articles = pd.concat([seed] * n, ignore_index=True)
    articles["article_id"] = [f"a{i}" for i in range(n)]
    return articles


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=5.0, help="size of the large article")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the 20-article size")
    args = parser.parse_args()
    nlp = load_nlp()
    seed = load_articles([ROOT / "seeds"]).iloc[[0]]
    extract_statements(seed, nlp=nlp)  # warm-up
    print(f"after loading spaCy: peak RSS {peak_rss_mib():.0f} MiB")
    times = {}
    for n, repeat in ((20, args.repeat), (200, 1)):
        seconds, n_st = timed(replicate(seed, n), nlp, repeat)
        times[n] = seconds
        print(f"{n:>4} articles: {seconds:7.2f} s  {n / seconds:6.1f} articles/s  "
              f"{n_st / seconds:7.1f} statements/s  peak RSS {peak_rss_mib():.0f} MiB")
    print(f"time(200)/time(20) = {times[200] / times[20]:.2f}")
    body = seed["text"].iat[0]
    big = seed.assign(article_id="big", text="\n\n".join(
        [body] * int(args.mb * 2**20 / len(body.encode()) + 1)))
    seconds, n_st = timed(big, nlp)
    print(f"1 article of {len(big['text'].iat[0].encode()) / 2**20:.1f} MB: {seconds:.1f} s, "
          f"{n_st} statements, peak RSS {peak_rss_mib():.0f} MiB "
          f"(paragraph chunks, nlp.max_length {nlp.max_length:,})")


if __name__ == "__main__":
    main()
