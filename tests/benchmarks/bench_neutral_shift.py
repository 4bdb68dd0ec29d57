"""Benchmark: what a neutral-bias shift of the stance head would do, on the own dev sets.

Scores news_statements dev and news_contrast dev (and each paired with another dev topic's
target, for target sensitivity) once in float32, then adds each shift to the neutral logit
and prints macro-F1, contrast groups fully right, target sensitivity, the weakest news
phenomenon, sarcasm and countermeasure accuracy.  The shift is then applied with
``python -m analysis train stance --data ... --out DIR --calibrate-only --neutral-shift S``.

    python tests/benchmarks/bench_neutral_shift.py [--model DIR] [--shifts -1 -0.5 0 0.5]
"""
import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from analysis import train  # noqa: E402
from analysis.classifier import ADAPTERS_DIR, base_model_dir, load_classifier  # noqa: E402
from analysis.metrics import macro_f1  # noqa: E402

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


def accuracy_by_phenomenon(rows, pred):
    return pd.Series(pred == rows["y"].to_numpy()).groupby(rows["phenomenon"].to_numpy()).mean()


def main():
    from transformers import AutoTokenizer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(ADAPTERS_DIR / "stance"))
    parser.add_argument("--shifts", type=float, nargs="+", default=[-1.0, -0.75, -0.5, -0.25, 0.0, 0.25, 0.5])
    args = parser.parse_args()
    torch.set_num_threads(2)
    model = load_classifier(args.model)
    tokenizer = AutoTokenizer.from_pretrained(base_model_dir(model.base))
    news = train.load_split(DATA / "news_statements", "stance", "dev", model.speaker)
    contrast = train.load_split(DATA / "news_contrast", "stance", "dev", model.speaker)
    sets = {"news": news, "contrast": contrast, "news swapped": train.swapped_news_dev(news),
            "contrast swapped": train.swapped_news_dev(contrast, dataset="news_contrast")}
    logits = {name: train.predict_logits(model, tokenizer, rows) for name, rows in sets.items()}
    neutral = model.labels.index("neutral")
    for shift in args.shifts:
        pred = {name: (z + shift * np.eye(len(model.labels))[neutral]).argmax(1) for name, z in logits.items()}
        news_acc, contrast_acc = accuracy_by_phenomenon(news, pred["news"]), accuracy_by_phenomenon(contrast,
                                                                                                    pred["contrast"])
        groups, _ = train.groups_right(contrast, pred["contrast"] == contrast["y"].to_numpy())
        print(f"shift {shift:+.2f}: news {macro_f1(news['y'].to_numpy(), pred['news'], 3):.4f} contrast "
              f"{macro_f1(contrast['y'].to_numpy(), pred['contrast'], 3):.4f} groups right {groups:.3f} "
              f"target sensitivity {(pred['news swapped'] == neutral).mean():.3f} / "
              f"{(pred['contrast swapped'] == neutral).mean():.3f} weakest news phenomenon "
              f"{news_acc.idxmin()} {news_acc.min():.3f} sarcasm {news_acc.get('sarcasm', np.nan):.3f} "
              f"countermeasure {contrast_acc.get('countermeasure', np.nan):.3f}", flush=True)


if __name__ == "__main__":
    main()
