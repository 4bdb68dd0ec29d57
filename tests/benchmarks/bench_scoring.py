"""Benchmark: the project's scorer against a naive transformers pipeline loop.

Scores the same N statements (default 2,000 stance dev rows) for stance
(a) with ``analysis.scoring.score_texts`` (length-sorted batches, dynamic padding,
inference mode, a bfloat16 model where the CPU runs bfloat16 natively, no cache),
the same forced to float32, (b) with ``transformers.pipeline("text-classification")``
called once per statement on a BertForSequenceClassification that carries the same
merged encoder weights (same encoder cost; its head differs, so only speed is
compared), then (c) again with the project's scorer on a warm cache.
Prints rows/s for each, the ratios to (b), and peak resident memory.

    python tests/benchmarks/bench_scoring.py [--data ../shared/data/stance/dev.csv.gz] [-n 2000]
"""
import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from analysis import scoring  # noqa: E402
from analysis.classifier import ADAPTERS_DIR, base_model_dir, load_classifier  # noqa: E402


def naive_pipeline():
    from transformers import AutoTokenizer, BertForSequenceClassification, pipeline

    adapter = load_classifier(ADAPTERS_DIR / "stance")
    model = BertForSequenceClassification.from_pretrained(base_model_dir(), num_labels=3)
    model.bert.load_state_dict(adapter.encoder.state_dict(), strict=False)
    clf = pipeline("text-classification", model=model.eval(), tokenizer=AutoTokenizer.from_pretrained(base_model_dir()),
                   device=-1, truncation=True, max_length=adapter.max_length)  # same truncation as the scorer
    return clf


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(Path(__file__).resolve().parents[3] / "shared/data/stance/dev.csv.gz"))
    parser.add_argument("-n", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=2, help="interleaved runs per way; the best counts")
    args = parser.parse_args()
    rows = pd.read_csv(args.data, keep_default_na=False).sample(n=args.n, random_state=0)[["target", "text"]]
    print(f"{len(rows)} stance rows, torch threads {torch.get_num_threads()}")

    # The instances score_texts uses, loaded outside the timings.
    auto = scoring.get_scorer("stance", precision="auto").load().bf16
    scoring.get_scorer("stance", precision="fp32").load()
    pipe = naive_pipeline()

    def rate(run):
        t = time.perf_counter()
        run()
        return len(rows) / (time.perf_counter() - t)

    def score_project(precision):
        scoring.score_texts(rows, "stance", cache_dir=None, progress=False, precision=precision)

    # The first pass over new tensor shapes pays one-off kernel set-up, so each way
    # runs --repeat times, interleaved, and the best rate counts (as timeit does).
    best = {"project": 0.0, "project_fp32": 0.0, "naive": 0.0}
    for _ in range(args.repeat):
        best["project"] = max(best["project"], rate(lambda: score_project("auto")))
        best["project_fp32"] = max(best["project_fp32"], rate(lambda: score_project("fp32")))
        best["naive"] = max(best["naive"], rate(lambda: [pipe({"text": t, "text_pair": s})
                                                          for t, s in zip(rows["target"], rows["text"])]))
    with tempfile.TemporaryDirectory() as cache:
        scoring.score_texts(rows, "stance", cache_dir=cache, progress=False, precision="auto")
        warm = rate(lambda: scoring.score_texts(rows, "stance", cache_dir=cache, progress=False, precision="auto"))
    project, project_fp32, naive = best["project"], best["project_fp32"], best["naive"]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"project scorer (batched, cold cache, {'bf16' if auto else 'fp32'}): {project:8.1f} rows/s")
    print(f"project scorer (batched, cold cache, fp32): {project_fp32:8.1f} rows/s")
    print(f"naive pipeline loop (one at a time, fp32):  {naive:8.1f} rows/s")
    print(f"ratio project / naive:                      {project / naive:8.1f}x")
    print(f"ratio project fp32 / naive:                 {project_fp32 / naive:8.1f}x")
    print(f"project scorer, warm cache:           {warm:8.1f} rows/s")
    print(f"peak resident memory:                 {peak:8.0f} MiB")


if __name__ == "__main__":
    main()
