"""Benchmark: one article that is a single 1 MB paragraph (no blank line, no line break).

Writes the seed body, its paragraphs joined by spaces and repeated, as one line of
about ``--mb`` MB to a temporary ``.txt`` file, then times loading it
(``load_articles``) and extracting its statements (``extract_statements``), and
prints the wall time of each and the process's peak resident memory (spaCy
included).  Issue 15's bound for 1 MB: under 60 s and under 1 GB.

    python tests/benchmarks/bench_long_paragraph.py [--mb 1]
"""
import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from analysis.corpus import load_articles  # noqa: E402
from analysis.statements import extract_statements, load_nlp  # noqa: E402


def peak_rss_mib():
    """Peak resident memory of this process so far, MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=1.0, help="size of the paragraph")
    args = parser.parse_args()
    nlp = load_nlp()
    body = " ".join(load_articles([ROOT / "seeds"]).text.iat[0].split("\n\n"))
    line = " ".join([body] * int(args.mb * 2**20 / len(body.encode()) + 1))
    print(f"after loading spaCy: peak RSS {peak_rss_mib():.0f} MiB")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "one_paragraph.txt"
        path.write_text(f"date 2022-01-06 {line}\n", encoding="utf-8")
        t0 = time.perf_counter()
        articles = load_articles(path)
        t1 = time.perf_counter()
        statements, speakers = extract_statements(articles, nlp=nlp)
        t2 = time.perf_counter()
    size = len(articles.text.iat[0].encode()) / 2**20
    print(f"1 paragraph of {size:.2f} MB: load {t1 - t0:.1f} s, extract {t2 - t1:.1f} s, "
          f"total {t2 - t0:.1f} s; {len(statements)} statements by {speakers.speaker.nunique()} speakers; "
          f"peak RSS {peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    main()
