"""Benchmark: how long ``adapt`` takes, and what it buys on news statements about unseen targets.

(a) wall time of ``python -m analysis adapt`` on 30 labels (a fresh process: imports,
    model load, features, cross-validation, writing the folder), with the shipped stance
    model or ``--model``;
(b) for each topic of news_statements dev: draw 30 stratified labels from the topic
    (seeded), adapt on them, then score the topic's other statements with
    ``score_texts(..., model=DIR)`` and with the base model, and print macro-F1 of both
    (the curators' protocol in issue 11), the CV estimate adapt printed, and the mean.
    Labels, adapt and both scorings read what the scorer reads (``scoring.stance_inputs``):
    the data's ``context`` where it has one and its ``speaker_role`` as the ``role`` column.

    python tests/benchmarks/bench_adapt.py [--data ../shared/data/news_statements/dev.csv.gz]
                                           [--model DIR] [-n 30] [--seeds 1]
"""
import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from analysis import adapt, scoring  # noqa: E402
from analysis.train import macro_f1  # noqa: E402

LABELS = adapt.LABELS["stance"]
INPUTS = adapt.INPUTS  # context, role, organization, country: what the scorer reads besides the text


def stratified(topic, n, seed):
    """``n`` rows of ``topic`` drawn evenly across its stance labels (seeded)."""
    per_label = n // len(LABELS)
    return topic.groupby("stance").sample(per_label, random_state=seed)


def write_labels(rows, path):
    columns = ["target", "text", "label", *(c for c in INPUTS if c in rows.columns)]
    rows.rename(columns={"stance": "label"})[columns].to_csv(path, index=False)
    return path


def macro(rest, scored):
    y = rest["stance"].map(LABELS.index).to_numpy()
    return macro_f1(y, scored["label"].map(LABELS.index).to_numpy(), len(LABELS))


def cli_seconds(labels_csv, out_dir, model):
    extra = ["--model", str(model)] if model else []
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "analysis", "adapt", "--task", "stance", "--labels", str(labels_csv),
                    "--out", str(out_dir), *extra], cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=ROOT.parent / "shared/data/news_statements/dev.csv.gz", type=Path)
    parser.add_argument("--model", help="base adapter folder (default: the shipped stance adapter)")
    parser.add_argument("-n", type=int, default=30, help="labels per topic (default 30)")
    parser.add_argument("--seeds", type=int, default=1, help="label draws per topic (default 1)")
    args = parser.parse_args()
    dev = pd.read_csv(args.data, keep_default_na=False)
    if "role" not in dev.columns and "speaker_role" in dev.columns:
        dev = dev.rename(columns={"speaker_role": "role"})  # the speaker's role, as STATEMENTS names it
    tmp = Path(tempfile.mkdtemp(prefix="bench_adapt."))
    first = dev[dev["topic_id"] == sorted(dev["topic_id"].unique())[0]]
    seconds = cli_seconds(write_labels(stratified(first, args.n, 0), tmp / "labels.csv"), tmp / "cli", args.model)
    print(f"(a) python -m analysis adapt on {args.n} labels: {seconds:.1f}s wall "
          f"(scoring precision {scoring.resolve_precision()})")
    rows = []
    for seed in range(args.seeds):
        for topic_id, topic in dev.groupby("topic_id"):
            labelled = stratified(topic, args.n, seed)
            rest = topic.drop(labelled.index)
            out = tmp / f"{topic_id}-{seed}"
            report = adapt.adapt(adapt.read_labels(write_labels(labelled, tmp / "l.csv"), "stance"), "stance", out,
                                 model=args.model, seed=seed, progress=False)
            base = scoring.score_texts(rest, "stance", model=args.model, cache_dir=tmp)
            adapted = scoring.score_texts(rest, "stance", model=out, cache_dir=tmp)
            rows.append({"topic": topic_id, "seed": seed, "held_out": len(rest), "zero_shot": macro(rest, base),
                         "adapted": macro(rest, adapted), "cv_base": report["cv_macro_f1_base"],
                         "cv_adapted": report["cv_macro_f1_adapted"], "verdict": report["verdict"],
                         "adapt_s": report["seconds"]})
    table = pd.DataFrame(rows)
    table["gain"] = table["adapted"] - table["zero_shot"]
    print(f"(b) {args.data}: {args.n} stratified labels per topic, macro-F1 on the topic's other statements")
    print(table.round(3).to_string(index=False))
    means = table[["zero_shot", "adapted", "gain", "cv_base", "cv_adapted", "adapt_s"]].mean()
    print("mean: " + ", ".join(f"{k} {v:.3f}" for k, v in means.items()))
    print(f"topics where adapted >= 0.65: {int((table['adapted'] >= 0.65).sum())} of {len(table)}; "
          f"gain >= 0.10: {int((table['gain'] >= 0.10).sum())} of {len(table)}; "
          f"verdict 'helped': {int((table['verdict'] == 'helped').sum())}")
    print(f"adapt seconds in process (model load included): mean {np.mean(table['adapt_s']):.1f}, "
          f"max {np.max(table['adapt_s']):.1f}")


if __name__ == "__main__":
    main()
