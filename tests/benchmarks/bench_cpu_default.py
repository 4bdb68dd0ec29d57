"""Benchmark skeleton: the CPU default on a CPU without bf16 against the naive loop and float32.

``bench_cpu_default.py [-n ROWS] [--repeat R] [--keep-bf16] [--max-dev N]``

With native bfloat16 masked (``ANALYSIS_NO_BF16=1``, which ``analysis.device.fast_bf16``
honours; ``--keep-bf16`` leaves the CPU as it is) it prints, for the stance task:

* rows/s on news_statements dev (``-n`` rows sampled, default all 507) of the naive
  ``transformers.pipeline`` loop (``bench_scoring.naive_pipeline``: one statement at a
  time, the same encoder weights) and of each of the project's ways (``WAYS``: ``auto``,
  whatever it resolves to here, float32 and int8), best of ``--repeat`` interleaved runs;
* macro-F1 of each way on news_statements dev and news_contrast dev (loaded with
  ``analysis.train.load_split``), and its difference from float32;
* the issue's bar: ``auto`` at >= 3x the naive loop and within 0.01 macro-F1 of float32
  on both sets.

New candidates (int8 with float32 sensitive layers, ONNX Runtime graph optimisations, a
distilled student) are added as entries of ``WAYS``.  The full size takes minutes of
both cores: do not run it beside a training.
"""
import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
WAYS = {"project auto": "auto", "project fp32": "fp32", "project int8": "int8"}  # name -> precision
BAR_SPEED, BAR_F1 = 3.0, 0.01


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=507, help="news_statements dev rows timed (and scored)")
    parser.add_argument("--repeat", type=int, default=2, help="interleaved timed runs per way; the best counts")
    parser.add_argument("--keep-bf16", action="store_true", help="do not mask native bfloat16")
    parser.add_argument("--max-dev", type=int, help="score at most this many rows of each dev set (a smoke run)")
    args = parser.parse_args()
    if not args.keep_bf16:
        os.environ["ANALYSIS_NO_BF16"] = "1"  # read by device.fast_bf16, so before any scorer is built
    from bench_scoring import naive_pipeline

    from analysis import scoring, train

    speaker = scoring.get_scorer("stance", precision="fp32").speaker
    sets = {name: train.load_split(DATA / name, "stance", "dev", speaker).iloc[:args.max_dev]
            for name in ("news_statements", "news_contrast")}
    timed = sets["news_statements"].sample(n=min(args.n, len(sets["news_statements"])), random_state=0)
    print(f"bf16 masked: {not args.keep_bf16}; auto resolves to {scoring.resolve_precision('auto')}; "
          f"{len(timed)} rows timed; torch threads {scoring.numerics.threads()}")
    for precision in WAYS.values():  # loaded (the int8 copy made) outside the timings
        scoring.get_scorer("stance", precision=precision).load()
    pipe = naive_pipeline("stance")

    def labels(rows, precision):
        out = scoring.score_texts(rows[["text", "target"]], "stance", cache_dir=None, progress=False,
                                  precision=precision)
        return out["label"].map(train.TASKS["stance"]["labels"].index).to_numpy()

    runs = {name: (lambda p=p: labels(timed, p)) for name, p in WAYS.items()}
    runs["naive pipeline loop"] = lambda: [pipe({"text": t, "text_pair": s})
                                           for t, s in zip(timed["target"], timed["text"])]
    rate = dict.fromkeys(runs, 0.0)
    for _ in range(args.repeat):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            rate[name] = max(rate[name], len(timed) / (time.perf_counter() - start))
    f1 = {(name, s): train.macro_f1(rows["y"].to_numpy(), labels(rows, p), 3)
          for name, p in WAYS.items() for s, rows in sets.items()}
    naive = rate["naive pipeline loop"]
    print(f"{'naive pipeline loop':22s} {naive:8.1f} rows/s")
    for name in WAYS:
        scores = "  ".join(f"{s} {f1[name, s]:.4f} ({f1[name, s] - f1['project fp32', s]:+.4f})" for s in sets)
        print(f"{name:22s} {rate[name]:8.1f} rows/s {rate[name] / naive:5.1f}x naive  macro-F1 {scores}")
    within = all(abs(f1["project auto", s] - f1["project fp32", s]) <= BAR_F1 for s in sets)
    print(f"auto >= {BAR_SPEED}x naive: {rate['project auto'] / naive >= BAR_SPEED}; "
          f"within {BAR_F1} macro-F1 of fp32 on both sets: {within}")


if __name__ == "__main__":
    main()
