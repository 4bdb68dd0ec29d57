"""Fine-tune the stance or sentiment LoRA adapter on the shared labelled data.

``python -m analysis train stance --data ../shared/data/stance`` (or ``sentiment``)
trains, early-stops on dev macro-F1, fits a temperature on dev, and writes
``analysis/models/<task>/`` (adapter, head, classifier.json, metrics.json and
MODEL_CARD.md).  ``--calibrate-only`` re-evaluates an existing adapter on dev and
rewrites the metrics and the card without training.

Input files: ``train.csv.gz`` and ``dev.csv.gz`` with columns ``dataset, text, label``
(plus ``target`` for stance); stance label ``none`` means neutral.
"""
import contextlib
import json
import math
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from torch import nn

from .card import record_experiment, write_card
from .classifier import ADAPTERS_DIR, encode, load_classifier, new_classifier, save_classifier, with_context
from .device import resolve_device
from .metrics import expected_calibration_error, fit_temperature, macro_f1, softmax
from .recipes import CONTRAST, LABEL_ALIASES, NEWS, OWN, TASKS


def _folders(data_dirs):
    """One data folder or several -> list of folders."""
    return [data_dirs] if isinstance(data_dirs, (str, Path)) else list(data_dirs)


def load_split(data_dirs, task, split, speaker=False):
    """Read ``<dir>/<split>.csv.gz`` of every folder in ``data_dirs`` (one path or several).

    Shared sets have a ``label`` column; news_statements has ``stance`` and
    ``sentiment`` columns, and the one named ``task`` becomes the label.
    A ``context`` column (news_contrast: the sentence before the statement) is joined
    before the stance text (``classifier.with_context``), and with ``speaker`` the speaker's
    role of the own sets (``speaker_role``) before the statement.
    Returns DataFrame(dataset, [target], text, label, y, topic, phenomenon, context, pair_id,
    speaker (the role, '' when none), statement (the text without its context)).
    """
    frames = []
    for data_dir in _folders(data_dirs):
        path = Path(data_dir) / f"{split}.csv.gz"
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no such file (expected a shared {task} data folder)")
        df = pd.read_csv(path, keep_default_na=False)
        if "label" not in df.columns:
            if task not in df.columns:
                raise ValueError(f"{path}: neither a 'label' nor a '{task}' column")
            df["label"] = df[task]
        frames.append(df)
    df = pd.concat(frames, ignore_index=True)
    labels = TASKS[task]["labels"]
    df["label"] = df["label"].replace(LABEL_ALIASES)
    df["y"] = df["label"].map({label: i for i, label in enumerate(labels)})
    if df["y"].isna().any():
        raise ValueError(f"{data_dirs}: unknown labels {sorted(set(df.label[df.y.isna()]))}")
    df["y"] = df["y"].astype(int)
    if "target" in df.columns:
        topic = df["topic_id"] if "topic_id" in df.columns else pd.Series("", index=df.index)
        df["topic"] = df["dataset"] + ":" + topic.where(topic.fillna("") != "", df["target"])
    df["phenomenon"] = df["phenomenon"].fillna("") if "phenomenon" in df.columns else ""
    df["context"] = df["context"].fillna("") if "context" in df.columns else ""
    df["pair_id"] = df["pair_id"].fillna("") if "pair_id" in df.columns else ""
    df["speaker"] = df["speaker_role"].fillna("") if "speaker_role" in df.columns else ""
    df["statement"] = df["text"]
    if task == "stance":
        df["text"] = stance_inputs(df, speaker)
    return df


def stance_inputs(rows, speaker=False):
    """What the stance model reads for each of ``rows``: its statement after its context,
    with its speaker's role before the statement when ``speaker`` (``classifier.with_context``)."""
    speakers = rows["speaker"] if speaker else [""] * len(rows)
    return [with_context(c, t, r) for c, t, r in zip(rows["context"], rows["statement"], speakers)]


def target_swaps(rows, pool, rng):
    """``rows`` (same order) each paired with the target of another topic from ``pool``, labelled neutral.

    A statement says nothing about an unrelated target, so these pairs teach the
    stance model to look at the target.  ``pool``: rows whose (topic, target) pairs
    are drawn from (at least two topics).
    """
    if rows.empty:
        return rows
    topics = pool.drop_duplicates("topic")[["topic", "target"]].reset_index(drop=True)
    other = rng.integers(0, len(topics), size=len(rows))
    same = topics["topic"].to_numpy()[other] == rows["topic"].to_numpy()
    other[same] = (other[same] + 1 + rng.integers(0, len(topics) - 1, size=int(same.sum()))) % len(topics)
    neutral = TASKS["stance"]["labels"].index("neutral")
    return rows.assign(target=topics["target"].to_numpy()[other], topic=topics["topic"].to_numpy()[other],
                       label="neutral", y=neutral, dataset=rows["dataset"] + "+swap", phenomenon="target_swap")


def rows_per_epoch(train, cap, mix=None, swaps=0.0, swap_from=OWN):
    """({dataset: rows drawn per epoch}, target-swapped rows added) (``epoch_sample``)."""
    mix = mix or {}
    counts = {name: mix.get(name, min(cap, n)) for name, n in train["dataset"].value_counts().sort_index().items()}
    from_swapped = sum(n for name, n in counts.items() if name in swap_from)
    return counts, int(round(swaps * from_swapped)) if "target" in train.columns else 0


def context_noise(rows, pool, rng):
    """``rows`` (same order, same labels) each read after another statement of its own topic
    from ``pool`` as context: in an article the sentence before a statement is often
    someone's other words, which do not change what a self-contained statement says."""
    if rows.empty:
        return rows
    contexts = []
    for topic, text in zip(rows["topic"], rows["statement"]):
        others = pool["statement"].to_numpy()[(pool["topic"] == topic).to_numpy() &
                                              (pool["statement"] != text).to_numpy()]
        contexts.append(others[rng.integers(len(others))] if len(others) else "")
    rows = rows.assign(context=contexts, dataset=rows["dataset"] + "+context")
    return rows.assign(text=stance_inputs(rows))


def epoch_sample(train, cap, rng, batch_size=32, bucket=50, mix=None, swaps=0.0, swap_from=OWN, noise=0.0,
                 roles=0.0):
    """Rows for one epoch: ``cap`` rows per dataset (``mix`` overrides it per dataset,
    drawing with replacement past a dataset's size), plus target swaps.

    ``swaps``: target-swapped neutral pairs (``target_swaps``) to add, as a share of the
    rows drawn from the ``swap_from`` datasets.  ``roles``: share of the rows read with their
    speaker's role before the statement (``stance_inputs``; only the own sets have roles).
    Rows are shuffled, then sorted by length inside chunks of ``bucket`` batches and the
    resulting batches shuffled again: batches hold texts of similar length, which makes dynamic padding cheap on a
    CPU while keeping the order random.
    """
    counts, n_swaps = rows_per_epoch(train, cap, mix, swaps, swap_from)
    parts = [g.sample(n=counts[name], replace=counts[name] > len(g), random_state=int(rng.integers(1 << 31)))
             for name, g in train.groupby("dataset", sort=True)]
    sample = pd.concat(parts, ignore_index=True)
    if noise and "target" in sample.columns:
        news = sample.index[(sample["dataset"] == NEWS).to_numpy()]
        pick = rng.random(len(news)) < noise
        sample = pd.concat([sample.drop(news[pick]),
                            context_noise(sample.loc[news[pick]], train[train["dataset"] == NEWS], rng)])
    if n_swaps:
        source = sample[sample["dataset"].str.split("+").str[0].isin(swap_from)]
        pick = source.sample(n=n_swaps, replace=n_swaps > len(source), random_state=int(rng.integers(1 << 31)))
        sample = pd.concat([sample, target_swaps(pick, train[train["dataset"].isin(swap_from)], rng)])
    if roles and "target" in sample.columns:
        sample = sample.assign(speaker=sample["speaker"].where(rng.random(len(sample)) < roles, ""))
        sample = sample.assign(text=stance_inputs(sample, speaker=True))
    sample = sample.sample(frac=1, random_state=int(rng.integers(1 << 31))).reset_index(drop=True)
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
        yield idx, encode(tokenizer, rows["text"], targets, model.max_length, model.template)


@torch.inference_mode()
def predict_logits(model, tokenizer, df, batch_size=128, device="cpu", bf16=False):
    """Raw (uncalibrated) logits for every row of ``df``, in row order."""
    model.eval()
    out = np.zeros((len(df), len(model.labels)), dtype=np.float32)
    for idx, enc in batches(df, model, tokenizer, batch_size, sort=True):
        with torch.autocast(device.split(":")[0], dtype=torch.bfloat16, enabled=bf16):
            out[idx] = model(**{k: v.to(device) for k, v in enc.items()}).float().cpu().numpy()
    return out


def _f1_over_own_classes(y, pred, n_classes):
    return round(macro_f1(y, pred, n_classes, sorted(set(y))), 4)


def _phenomena(rows, y, pred, n):
    """{phenomenon: {n, accuracy, macro_f1}} over ``rows`` (indices into ``y`` and ``pred``)."""
    return {name: {"n": int(len(g)), "accuracy": round(float((y[g.index] == pred[g.index]).mean()), 4),
                   "macro_f1": _f1_over_own_classes(y[g.index], pred[g.index], n)}
            for name, g in rows.groupby("phenomenon", sort=True)}


def groups_right(rows, correct):
    """Share of the contrast groups (``pair_id``) of ``rows`` with every row right, and their number.

    ``correct``: a boolean per row of ``rows``.  A model that reads words, not stance,
    gets the rows of a group that share words half right."""
    grouped = pd.Series(np.asarray(correct), index=rows.index)[rows["pair_id"] != ""].groupby(rows["pair_id"])
    return (float(grouped.all().mean()) if len(grouped) else None), int(len(grouped))


def dev_parts(dev):
    """Boolean masks over ``dev``: the news_statements rows, the news_contrast rows, and the
    shared (public) rows, i.e. those of no own set (``recipes.OWN``)."""
    dataset = dev["dataset"]
    return (dataset == NEWS).to_numpy(), (dataset == CONTRAST).to_numpy(), ~dataset.isin(OWN).to_numpy()


def dev_report(dev, logits, labels, temperature):
    """Macro-F1 overall, for news_statements, news_contrast and the shared rows, per
    dataset and per phenomenon; contrast groups fully right; confusion matrix; ECE
    before/after calibration."""
    y, pred = dev["y"].to_numpy(), logits.argmax(1)
    n = len(labels)
    # Per dataset, F1 is averaged over that dataset's own gold classes (two for the
    # favor/against-only sets), as the datasets' papers report it.
    per = {name: {"n": int(len(g)), "classes": [labels[c] for c in sorted(set(y[g.index]))],
                  "macro_f1": _f1_over_own_classes(y[g.index], pred[g.index], n)}
           for name, g in dev.groupby("dataset", sort=True)}
    news, contrast, shared = dev_parts(dev)
    cm = pd.crosstab(pd.Categorical(dev["label"], labels), pd.Categorical([labels[i] for i in pred], labels),
                     dropna=False)
    report = {
        "overall_macro_f1": round(macro_f1(y, pred, n), 4),
        "news_macro_f1": round(macro_f1(y[news], pred[news], n), 4) if news.any() else None,
        "shared_macro_f1": round(macro_f1(y[shared], pred[shared], n), 4) if shared.any() else None,
        "per_dataset_macro_f1": round(float(np.mean([v["macro_f1"] for v in per.values()])), 4),
        "accuracy": round(float((y == pred).mean()), 4),
        "per_dataset": per,
        "per_phenomenon": _phenomena(dev[news], y, pred, n),
        "confusion": {"rows_gold_cols_pred": labels, "matrix": cm.to_numpy().tolist()},
        "temperature": round(temperature, 4),
        "ece_before": round(expected_calibration_error(softmax(logits), y), 4),
        "ece_after": round(expected_calibration_error(softmax(logits, temperature), y), 4),
    }
    if contrast.any():
        rows = dev[contrast]
        share, count = groups_right(rows, y[contrast] == pred[contrast])
        report.update(contrast_macro_f1=round(macro_f1(y[contrast], pred[contrast], n), 4),
                      contrast_per_phenomenon=_phenomena(rows, y, pred, n),
                      contrast_groups_right=None if share is None else round(share, 4), contrast_groups=count)
    return report


def swapped_news_dev(dev, seed=0, dataset=NEWS):
    """Every ``dataset`` dev statement paired with the target of another (random, seeded) dev topic."""
    news = dev[dev["dataset"] == dataset].reset_index(drop=True)
    if news.empty or news["topic"].nunique() < 2:
        return news
    return target_swaps(news, news, np.random.default_rng(seed))


def dev_check(dev, per_dataset, rng):
    """The dev rows checked during training: all rows of the own sets, ``per_dataset`` of each other set."""
    parts = [g if name in OWN or len(g) <= per_dataset
             else g.sample(n=per_dataset, random_state=int(rng.integers(1 << 31)))
             for name, g in dev.groupby("dataset", sort=True)]
    return pd.concat(parts)


def selection_score(dev, logits, n_classes):
    """Checkpoint selection: mean macro-F1 of the news_statements rows, the news_contrast
    rows and the other (shared) rows (of those present)."""
    y, pred = dev["y"].to_numpy(), logits.argmax(1)
    parts = [macro_f1(y[m], pred[m], n_classes) for m in dev_parts(dev) if m.any()]
    return float(np.mean(parts)), parts


def train(task, data_dir, out_dir=None, *, epochs=3, batch_size=32, lr=5e-4, max_length=128, cap=5000,
          r=16, dropout=0.1, bf16=False, mix=None, swaps=0.0, noise=0.0, roles=0.0, base=None, template="{target}",
          init=None, dev_per_dataset=300, seed=13, device=None, threads=None, log=print):
    """Train the ``task`` adapter; keep the checkpoint with the best dev score; return settings.

    ``data_dir``: one data folder or several (``load_split``).  ``cap``: rows per dataset
    per epoch, ``mix``: {dataset: rows per epoch} overriding it; ``swaps``: target-swapped
    neutral pairs per row of the own sets, ``noise``: share of news_statements rows read
    after another statement as context, ``roles``: share of rows read with the speaker's role
    (``epoch_sample``; a model trained with roles > 0 reads the role wherever it is known).
    ``base``: the encoder (``BASES``), ``template``: how the target is written
    (``new_classifier``); ``init``: an adapter folder to go on training instead of a fresh
    LoRA (its settings are kept in ``settings["init"]``).  Each epoch is checked on all own
    dev rows and ``dev_per_dataset`` rows of every other dev set; the kept checkpoint
    maximises the mean news / contrast / shared macro-F1 (``selection_score``).
    ``bf16`` runs forward passes under bfloat16 autocast (faster on CPUs with AMX/AVX-512
    BF16); weights and optimiser stay float32.  ``dropout`` 0 roughly halves a CPU
    training step: dropout masks cost more there than the LoRA matrices themselves.
    """
    from torch.nn.attention import SDPBackend, sdpa_kernel
    from transformers import AutoTokenizer

    from .classifier import base_model_dir, read_config, resolve_base, trainable_classifier

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    if threads:
        torch.set_num_threads(threads)
    device = resolve_device(device)
    out_dir = Path(out_dir or ADAPTERS_DIR / task)
    speaker = bool(roles) or bool(init and read_config(init)["speaker"])
    train_df, dev = load_split(data_dir, task, "train"), load_split(data_dir, task, "dev", speaker)
    check = dev_check(dev, dev_per_dataset, rng)
    spec = TASKS[task]
    base = read_config(init)["base"] if init else resolve_base(base)
    tokenizer = AutoTokenizer.from_pretrained(base_model_dir(base))
    if init:  # go on training a saved adapter (its base, rank and template)
        model = trainable_classifier(init, dropout).to(device)
        model.max_length = max_length
    else:
        model = new_classifier(spec["labels"], spec["pair"], max_length, r=r, dropout=dropout, base=base,
                               template=template).to(device)
    model.speaker = speaker
    # PyTorch's CPU flash-attention backward is several times slower than the plain
    # matmul path for these short sequences; CUDA keeps its default kernels.
    attention = (lambda: sdpa_kernel(SDPBackend.MATH)) if device == "cpu" else contextlib.nullcontext
    params = [p for p in model.parameters() if p.requires_grad]
    counts, n_swaps = rows_per_epoch(train_df, cap, mix, swaps)
    steps_per_epoch = math.ceil((sum(counts.values()) + n_swaps) / batch_size)
    total = steps_per_epoch * epochs
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, s / max(1, total // 20)) * max(0.0, (total - s) / total))
    best, step, started = -1.0, 0, time.time()
    log(f"{task}: {len(train_df)} train rows, {len(check)} dev rows checked, {steps_per_epoch} steps/epoch on {device}")
    for epoch in range(epochs):
        sample = epoch_sample(train_df, cap, rng, batch_size, mix=mix, swaps=swaps, noise=noise, roles=roles)
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
            if step % 50 == 0:
                log(f"  step {step}/{total} loss {loss.item():.3f} ({time.time() - started:.0f}s)")
        score, parts = selection_score(check, predict_logits(model, tokenizer, check, device=device, bf16=bf16),
                                       len(spec["labels"]))
        log(f"epoch {epoch + 1} step {step}/{total} loss {loss.item():.3f} dev macro-F1 news/contrast/shared "
            f"{'/'.join(f'{p:.4f}' for p in parts)} ({time.time() - started:.0f}s)")
        if score > best:
            best = score
            save_classifier(model, out_dir)
    settings = {"task": task, "data": [Path(d).name for d in _folders(data_dir)],
                "base": base, "template": template, "epochs": epochs, "batch_size": batch_size, "lr": lr,
                "max_length": max_length, "cap_per_dataset_per_epoch": cap, "mix": mix or {}, "swaps": swaps,
                "context_noise": noise, "roles": roles, "lora_r": r, "lora_alpha": 2 * r, "dropout": dropout,
                "bf16_autocast": bf16, "seed": seed,
                "device": device, "threads": torch.get_num_threads(), "train_seconds": round(time.time() - started, 1),
                "best_dev_selection": round(best, 4)}
    if init:
        settings["init"] = json.loads((Path(init) / "training.json").read_text())
    (out_dir / "training.json").write_text(json.dumps(settings, indent=2) + "\n")
    return settings


def shift_neutral(adapter_dir, shift):
    """Add ``shift`` to the head's neutral bias of the adapter in ``adapter_dir`` (a prior
    correction chosen on dev: the stance model says neutral more readily for a target a
    statement is not about) and record the total in its training.json."""
    from safetensors.torch import load_file, save_file

    adapter_dir = Path(adapter_dir)
    head = load_file(adapter_dir / "head.safetensors")
    labels = json.loads((adapter_dir / "classifier.json").read_text())["labels"]
    head["bias"][labels.index("neutral")] += shift
    save_file({k: v.contiguous() for k, v in head.items()}, adapter_dir / "head.safetensors")
    settings = json.loads((adapter_dir / "training.json").read_text())
    settings["neutral_shift"] = round(settings.get("neutral_shift", 0.0) + shift, 4)
    (adapter_dir / "training.json").write_text(json.dumps(settings, indent=2) + "\n")


def calibrate(task, data_dir, adapter_dir=None, precision="fp32", experiment=None, log=print):
    """Evaluate the saved adapter on dev in ``precision``, fit its temperature on all dev
    rows, measure target sensitivity (stance) and scoring speed, and write
    classifier.json, metrics.json and MODEL_CARD.md.  ``experiment``: a name under which
    the result is also appended to ``EXPERIMENTS`` (the model card's table)."""
    from transformers import AutoTokenizer

    from .classifier import base_model_dir, for_inference

    adapter_dir = Path(adapter_dir or ADAPTERS_DIR / task)
    model = load_classifier(adapter_dir)
    dev = load_split(data_dir, task, "dev", model.speaker)
    tokenizer = AutoTokenizer.from_pretrained(base_model_dir(model.base))
    scorer = for_inference(model, precision)
    news = (dev["dataset"] == NEWS).to_numpy()
    started = time.time()
    logits = np.zeros((len(dev), len(model.labels)), dtype=np.float32)
    logits[news] = predict_logits(scorer, tokenizer, dev[news].reset_index(drop=True), batch_size=16)
    rows_per_s = news.sum() / (time.time() - started) if news.any() else None
    logits[~news] = predict_logits(scorer, tokenizer, dev[~news].reset_index(drop=True))
    temperature = fit_temperature(logits, dev["y"].to_numpy())
    report = dev_report(dev, logits, model.labels, temperature)
    report.update(precision=precision, threads=torch.get_num_threads(),
                  rows_per_s_news_dev=None if rows_per_s is None else round(float(rows_per_s), 1))
    if TASKS[task]["pair"]:
        report.update(own_set_checks(scorer, tokenizer, dev))
    cfg = json.loads((adapter_dir / "classifier.json").read_text())
    cfg["temperature"] = report["temperature"]
    (adapter_dir / "classifier.json").write_text(json.dumps(cfg, indent=2) + "\n")
    (adapter_dir / "metrics.json").write_text(json.dumps(report, indent=2) + "\n")
    if experiment:
        record_experiment(task, experiment, json.loads((adapter_dir / "training.json").read_text()), report)
    write_card(task, adapter_dir, dev)
    log(f"{task}: dev macro-F1 {report['overall_macro_f1']} (news {report['news_macro_f1']}, contrast "
        f"{report.get('contrast_macro_f1')}, groups right {report.get('contrast_groups_right')}, shared "
        f"{report['shared_macro_f1']}), target sensitivity {report.get('target_sensitivity')} / "
        f"{report.get('contrast_target_sensitivity')}, "
        f"{report['rows_per_s_news_dev']} rows/s, ECE {report['ece_before']} -> {report['ece_after']}")
    return report


def own_set_checks(scorer, tokenizer, dev):
    """Target sensitivity on each own dev set (its statements paired with another dev topic's
    target, share scored neutral) and news_contrast macro-F1 with the statements read
    without their context."""
    out, neutral = {}, scorer.labels.index("neutral")
    for name, key in ((NEWS, "target_sensitivity"), (CONTRAST, "contrast_target_sensitivity")):
        if (dev["dataset"] == name).any():
            pred = predict_logits(scorer, tokenizer, swapped_news_dev(dev, dataset=name)).argmax(1)
            out[key] = round(float((pred == neutral).mean()), 4)
    rows = dev[dev["dataset"] == CONTRAST].reset_index(drop=True)
    if len(rows):
        pred = predict_logits(scorer, tokenizer, rows.assign(text=rows["statement"])).argmax(1)
        out["contrast_macro_f1_without_context"] = round(macro_f1(rows["y"].to_numpy(), pred, len(scorer.labels)), 4)
    if scorer.speaker:  # the same rows read without their speaker's role
        for name, key in ((NEWS, "news_macro_f1_without_role"), (CONTRAST, "contrast_macro_f1_without_role")):
            rows = dev[dev["dataset"] == name].reset_index(drop=True)
            if len(rows):
                pred = predict_logits(scorer, tokenizer, rows.assign(text=stance_inputs(rows))).argmax(1)
                out[key] = round(macro_f1(rows["y"].to_numpy(), pred, len(scorer.labels)), 4)
    return out
