"""Extraction against the bare parse: ``bench_extraction.py [N] [--repeat R]``.

Generates N articles (default 200, ``make_corpus.py``, seed N), loads them, then times

* the bare parse: ``nlp.pipe`` over the paragraph chunks extraction parses (the same
  cutting, datelines left out, the same batches: ``statements.pipe_bounded``) with the
  components extraction reads (all the enabled ones: tagger and attribute ruler for
  ``tag_``/``pos_``, parser for ``dep_`` and sentences, lemmatizer, ner; ``senter`` is
  disabled), the Docs dropped as they come;
* ``extract_statements`` on the same table (parse, rules, corpus tables);

and prints both, best of R runs, in CPU seconds of this process (less moved by other
load than wall time; spaCy runs on one thread here) and in wall seconds, with the ratio
extraction / bare parse.  spaCy is loaded and warmed up before any timing.
"""
import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from make_corpus import make_corpus  # noqa: E402

from analysis.attribution.outlets import skip_datelines  # noqa: E402
from analysis.corpus import load_articles  # noqa: E402
from analysis.statements import extract_statements, load_nlp, paragraph_chunks, pipe_bounded  # noqa: E402


def best_of(repeat, work):
    """(best CPU seconds, best wall seconds) of ``repeat`` calls of ``work()``."""
    cpu, wall = float("inf"), float("inf")
    for _ in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        work()
        cpu, wall = min(cpu, time.process_time() - c0), min(wall, time.perf_counter() - w0)
    return cpu, wall


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=200, help="generated articles")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each; the best counts")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        make_corpus(args.n, Path(tmp), seed=args.n)
        articles = load_articles([tmp])
    nlp = load_nlp()
    extract_statements(articles.iloc[:2], nlp=nlp)  # warm-up; also teaches the tokenizer the titles
    texts = [t for t in articles["text"] if isinstance(t, str)]
    chunks = [t[s:e] for t in texts for s, e in skip_datelines(t, paragraph_chunks(t))]
    print(f"{len(articles)} articles, {len(chunks)} paragraph chunks; components {', '.join(nlp.pipe_names)} "
          f"(disabled: {', '.join(nlp.disabled) or 'none'})")

    def parse():
        for _ in pipe_bounded(nlp, chunks):
            pass

    results = {}
    bare = best_of(args.repeat, parse)
    full = best_of(args.repeat, lambda: results.update(statements=extract_statements(articles, nlp=nlp)[0]))
    for name, (cpu, wall) in (("bare parse", bare), ("extraction", full)):
        print(f"{name:>11}: {cpu:7.2f} s CPU  {wall:7.2f} s wall  {len(articles) / cpu:6.1f} articles/CPU-s")
    print(f"{len(results['statements'])} statements; extraction / bare parse: {full[0] / bare[0]:.2f} (CPU), "
          f"{full[1] / bare[1]:.2f} (wall)")


if __name__ == "__main__":
    main()
