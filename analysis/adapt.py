"""Adapt a shipped classifier to your own target from a few dozen labelled statements.

``python -m analysis adapt --task stance --labels LABELS.csv --out DIR [--target T] [--model BASE]``
``python -m analysis suggest --input statements.csv --target T [--model M] [-n 30] -o to_label.csv``

How ``adapt`` works, and why it is fast on a 2-core CPU whatever the base encoder:

1. The base classifier (the shipped adapter, or ``--model``) is loaded with its LoRA
   merged and frozen; the pooled features of each label's target paired with what the
   scorer reads for its statement (``model_inputs``: for stance the sentence before, and
   the speaker's role, organisation and country when the model reads speakers, then the
   text) are computed once (``classifier.mean_pool``, as the classifier itself pools), so
   the head is fitted, cross-validated and applied on the same kind of input.
2. Only the linear head is refitted, starting from the base head and pulled back toward
   it by an L2 penalty ``lam * |W - W_base|^2``. ``lam`` is chosen by cross-validated
   log-loss among ``PENALTIES``; the largest, ``inf``, keeps the base head unchanged, so
   labels that teach nothing leave the model as it was.
3. The honest estimate: k-fold cross-validation (folds stratified by label; copies of
   one (target, text) stay in one fold), where each fold picks its own ``lam`` on its
   training rows only. Adapted and base model are scored on the same held-out folds.
4. ``DIR`` gets the base adapter files, the new head, ``classifier.json`` with a
   temperature fitted on the out-of-fold predictions (never below the base's: a few dozen
   labels can show a model overconfident, but are too few to make it sharper),
   ``adapt.json``, ``MODEL_CARD.md`` and ``out_of_fold.csv`` (each label's cross-validated
   probabilities: ``held_out_scores`` scores the labelled statements with them, never with
   the head that was fitted on their labels). Fewer than ``labels.MIN_LABELS`` labelled
   statements are refused. Its fingerprint differs from the base's, so cached scores never mix.

The labels file (``--labels``) is read by ``analysis.labels``.
"""
import hashlib
import json
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from .classifier import ADAPTERS_DIR, fingerprint, read_config
from .labels import INPUTS, MIN_LABELS, AdaptError
from .metrics import fit_temperature, macro_f1, softmax
from .scoring import speaker_description, stance_inputs
from .textsafe import markdown_text
from .vocab import LABELS, PROB_COLUMNS

# L2 strengths tried, strongest first (a tie goes to the stronger); inf keeps the base head.
PENALTIES = (np.inf, 1.0, 1e-1, 1e-2, 1e-3)
HEAD_FILES = {"head.safetensors", "classifier.json", "MODEL_CARD.md", "metrics.json", "training.json",
              "adapt.json", "out_of_fold.csv"}  # written anew in DIR; every other file of the base folder is copied
# How big a CV gain must be, and how often it must hold over bootstrap resamples of the
# held-out rows, before the report says the labels helped.
MIN_GAIN, MIN_SHARE = 0.05, 0.9


# -- features and head -----------------------------------------------------------------
def load_base(model=None, task="stance"):
    """(classifier, tokenizer) of an adapter folder (default: the shipped one), frozen, for inference."""
    from transformers import AutoTokenizer

    from .classifier import base_model_dir, load_classifier

    path = Path(model) if model is not None else ADAPTERS_DIR / task
    if not (path / "classifier.json").is_file():
        raise AdaptError(f"{path}: not an adapter folder (no classifier.json); adapt starts from an adapter")
    classifier = load_classifier(path)
    if classifier.labels != LABELS[task]:
        raise AdaptError(f"{path}: its labels {classifier.labels} are not the {task} labels {LABELS[task]}")
    return classifier, AutoTokenizer.from_pretrained(base_model_dir(classifier.base))


def model_inputs(classifier, rows, task):
    """What ``classifier`` reads for each row of ``rows`` (a DataFrame with ``text`` and any of
    ``labels.INPUTS``; a missing or NaN one is ''), as the scorer reads it: for stance
    ``scoring.stance_inputs`` (context | speaker description: text, the description only when the
    model reads speakers), for sentiment the text alone. Returns a list of strings."""
    return stance_inputs(_given(rows), classifier.speaker) if task == "stance" else list(rows["text"])


def input_counts(classifier, rows, task):
    """{with_context, with_speaker}: how many of ``rows`` the model reads after the sentence before
    them, and with a speaker description (both 0 for sentiment)."""
    given = _given(rows)
    described = sum(bool(speaker_description(*row)) for row in given[["role", "organization", "country"]].to_numpy())
    return {"with_context": int((given["context"].str.strip() != "").sum()) if task == "stance" else 0,
            "with_speaker": int(described) if task == "stance" and classifier.speaker else 0}


def _given(rows):
    """``rows``' text and ``labels.INPUTS`` columns as strings, '' where missing or NaN."""
    return pd.DataFrame({c: rows[c].fillna("").astype(str) if c in rows.columns else "" for c in ["text", *INPUTS]},
                        index=rows.index)


def features(classifier, tokenizer, texts, targets, batch_size=16, progress=True):
    """Pooled encoder features (n, hidden) of (target, input) pairs, as the classifier pools them;
    ``texts``: what the model reads (``model_inputs``)."""
    import torch
    from tqdm.auto import tqdm

    from .classifier import encode, mean_pool

    texts, targets = list(texts), list(targets)
    order = np.argsort([len(t) for t in texts], kind="stable")  # similar lengths pad less
    out = np.zeros((len(texts), classifier.head.in_features), dtype=np.float32)
    with torch.inference_mode(), tqdm(total=len(texts), desc="features", disable=not progress) as bar:
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            pair = [targets[i] for i in idx] if classifier.pair else None
            enc = encode(tokenizer, [texts[i] for i in idx], pair, classifier.max_length, classifier.template)
            hidden = classifier.encoder(**enc).last_hidden_state
            out[idx] = mean_pool(hidden, enc["attention_mask"]).numpy()
            bar.update(len(idx))
    return out


def fit_head(X, y, W0, b0, lam, steps=200):
    """Head (W, b) minimising mean cross-entropy + lam * (|W - W0|^2 + |b - b0|^2), by LBFGS from (W0, b0)."""
    import torch

    if np.isinf(lam):
        return W0.copy(), b0.copy()
    X, y = torch.tensor(X, dtype=torch.float64), torch.tensor(y)  # copies: pandas' arrays are read-only
    W0t, b0t = torch.as_tensor(W0, dtype=torch.float64), torch.as_tensor(b0, dtype=torch.float64)
    W, b = W0t.clone().requires_grad_(True), b0t.clone().requires_grad_(True)
    optimiser = torch.optim.LBFGS([W, b], max_iter=steps, line_search_fn="strong_wolfe")

    def closure():
        optimiser.zero_grad()
        loss = torch.nn.functional.cross_entropy(X @ W.T + b, y)
        loss = loss + lam * ((W - W0t).pow(2).sum() + (b - b0t).pow(2).sum())
        loss.backward()
        return loss

    optimiser.step(closure)
    return W.detach().numpy(), b.detach().numpy()


def folds(y, groups, k, seed=0):
    """Fold number per row: stratified by label, every row of one group in one fold."""
    rng = np.random.default_rng(seed)
    first = pd.Series(y).groupby(np.asarray(groups)).first()  # one label per group (its first)
    fold_of = {}
    offset = 0
    for label in sorted(set(first)):
        members = rng.permutation(first.index[first == label].to_numpy())
        for i, g in enumerate(members):
            fold_of[g] = (offset + i) % k  # round-robin, continuing across labels keeps folds even
        offset += len(members)
    return np.array([fold_of[g] for g in groups])


def n_folds(groups, k=5):
    return int(min(k, len(set(groups))))


def choose_penalty(X, y, groups, W0, b0, k=5, seed=0):
    """The ``PENALTIES`` value with the lowest cross-validated log-loss on (X, y)."""
    k = n_folds(groups, k)
    if k < 2:
        return np.inf
    fold = folds(y, groups, k, seed)
    losses = []
    for lam in PENALTIES:
        loss = 0.0
        for f in range(k):
            W, b = fit_head(X[fold != f], y[fold != f], W0, b0, lam)
            logits = X[fold == f] @ W.T + b
            loss += _nll(logits, y[fold == f]) * (fold == f).sum()
        losses.append(loss)
    return PENALTIES[int(np.argmin(losses))]


def _nll(logits, y):

    return float(-np.log(softmax(logits.astype(np.float64))[np.arange(len(y)), y] + 1e-12).mean())


def cross_validate(X, y, groups, W0, b0, k=5, seed=0):
    """Out-of-fold logits of the adapted head (each fold choosing its own penalty) and of the base head."""
    k = n_folds(groups, k)
    fold = folds(y, groups, k, seed)
    adapted = np.zeros((len(y), W0.shape[0]))
    for f in range(k):
        train, test = fold != f, fold == f
        lam = choose_penalty(X[train], y[train], np.asarray(groups)[train], W0, b0, k, seed)
        W, b = fit_head(X[train], y[train], W0, b0, lam)
        adapted[test] = X[test] @ W.T + b
    return adapted, X @ W0.T + b0, k


# -- the estimate ----------------------------------------------------------------------
def compare(y, adapted_logits, base_logits, n_boot=1000, seed=0):
    """CV macro-F1 of adapted and base predictions, and the verdict on whether adapting helped.

    Macro-F1 is over the classes in the labels. The verdict needs a gain of at least
    ``MIN_GAIN`` that holds in ``MIN_SHARE`` of bootstrap resamples of the held-out rows.
    """

    classes, n = sorted(set(y)), adapted_logits.shape[1]
    a_pred, b_pred = adapted_logits.argmax(1), base_logits.argmax(1)
    adapted, base = (macro_f1(y, p, n, classes) for p in (a_pred, b_pred))
    rng = np.random.default_rng(seed)
    wins = 0
    for _ in range(n_boot):
        i = rng.integers(0, len(y), len(y))
        wins += macro_f1(y[i], a_pred[i], n, classes) > macro_f1(y[i], b_pred[i], n, classes)
    share = wins / n_boot
    if adapted - base >= MIN_GAIN and share >= MIN_SHARE:
        verdict = "helped"
    elif base - adapted >= MIN_GAIN and share <= 1 - MIN_SHARE:
        verdict = "hurt"
    else:
        verdict = "no clear gain"
    return {"cv_macro_f1_adapted": round(adapted, 4), "cv_macro_f1_base": round(base, 4),
            "bootstrap_share_adapted_better": round(share, 3), "verdict": verdict}


def describe(report):
    """One line for people: the CV estimate and what it means."""
    meaning = {"helped": "adapting helped",
               "hurt": "adapting made it worse: keep the base model",
               "no clear gain": "no clear gain from adapting on these labels"}[report["verdict"]]
    return (f"{report['folds']}-fold cross-validated macro-F1 on your {report['n_labels']} labels: "
            f"adapted {report['cv_macro_f1_adapted']:.3f}, base {report['cv_macro_f1_base']:.3f} "
            f"-> {meaning}")


# -- adapt -----------------------------------------------------------------------------
def adapt(labels, task, out_dir, *, model=None, folds_k=5, seed=0, progress=True, labels_path=None):
    """Refit the head of ``model`` (default: the shipped adapter) on ``labels`` (``read_labels``),
    write the adapted model to ``out_dir`` and return the report (also in ``out_dir/adapt.json``).

    ``out_dir/out_of_fold.csv`` keeps each label's cross-validated probabilities (from a head
    fitted without it), for ``held_out_scores``. Fewer than ``MIN_LABELS`` distinct statements:
    AdaptError, nothing written."""

    start = time.perf_counter()
    base_dir = Path(model) if model is not None else ADAPTERS_DIR / task
    _check_out_dir(out_dir, base_dir)
    groups = (labels["target"] + "\x00" + labels["text"]).to_numpy()
    if len(set(groups)) < MIN_LABELS:
        raise AdaptError(f"{labels_path or 'labels'}: {len(set(groups))} labelled statements; adapt needs at "
                         f"least {MIN_LABELS} for a cross-validated estimate")
    classifier, tokenizer = load_base(base_dir, task)
    X = features(classifier, tokenizer, model_inputs(classifier, labels, task), labels["target"],
                 progress=progress).astype(np.float64)
    y = labels["label"].map(LABELS[task].index).to_numpy()
    W0 = classifier.head.weight.detach().double().numpy()
    b0 = classifier.head.bias.detach().double().numpy()
    with _one_thread():
        adapted_logits, base_logits, k = cross_validate(X, y, groups, W0, b0, folds_k, seed)
        lam = choose_penalty(X, y, groups, W0, b0, folds_k, seed)
        W, b = fit_head(X, y, W0, b0, lam)
    report = {"task": task, "base_model": str(base_dir), "base_fingerprint": fingerprint(base_dir),
              "labels_file": str(labels_path) if labels_path else None, "n_labels": len(labels),
              "label_counts": labels["label"].value_counts().reindex(LABELS[task], fill_value=0).to_dict(),
              "targets": sorted(set(labels["target"]) - {""}), "folds": k,
              "reads_speaker": bool(task == "stance" and classifier.speaker),
              **input_counts(classifier, labels, task),
              **compare(y, adapted_logits, base_logits, seed=seed),
              "penalty": float(lam), "temperature": max(round(fit_temperature(adapted_logits, y), 4),
                                                        classifier.temperature)}
    report["seconds"] = round(time.perf_counter() - start, 1)
    probs = softmax(adapted_logits, report["temperature"]).round(6)
    oof = labels[["target", "text", "label"]].assign(**dict(zip(PROB_COLUMNS[task], probs.T)))
    _write_model(base_dir, out_dir, W, b, report, labels_path, oof)
    return report


def held_out_scores(scored, model_dir):
    """``scored`` (``schemas.SCORED_STATEMENTS`` scored with the adapted model in ``model_dir``)
    with the labelled statements' stance taken from ``out_of_fold.csv``: each scored by a head
    fitted without its label, so no statement is scored by a model that saw its answer.
    Matched on (target, text). Returns (the new table, how many rows were replaced)."""
    columns = PROB_COLUMNS["stance"]
    oof = pd.read_csv(Path(model_dir) / "out_of_fold.csv", keep_default_na=False)
    oof = oof.drop_duplicates(["target", "text"]).set_index(["target", "text"])[columns]
    key = pd.MultiIndex.from_arrays([scored["target"], scored["text"].astype(str).str.strip()])
    hit = key.isin(oof.index)
    out = scored.copy()
    probs = oof.loc[key[hit]].to_numpy()
    out.loc[hit, columns] = probs
    out.loc[hit, "stance"] = np.array(LABELS["stance"], dtype=object)[probs.argmax(1)]
    return out, int(hit.sum())


@contextmanager
def _one_thread():
    """Run torch on one thread: the head fits are tiny, and on a busy 2-core CPU a second
    thread made the cross-validation 16 times slower (32 s against 2 s for 30 labels)."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def _check_out_dir(out_dir, base_dir):
    """Refuse an ``out_dir`` that is the base model or some folder that is not an adapted model."""
    out_dir = Path(out_dir).resolve()
    if out_dir == base_dir.resolve() or out_dir.is_relative_to(ADAPTERS_DIR.resolve()):
        raise AdaptError(f"{out_dir}: refusing to overwrite a shipped or base model; choose another --out")
    if out_dir.exists() and any(out_dir.iterdir()) and not (out_dir / "adapt.json").is_file():
        raise AdaptError(f"{out_dir}: exists and is not an adapted model; choose another --out")


def _write_model(base_dir, out_dir, W, b, report, labels_path, oof):
    """Write the adapted model into a temporary folder beside ``out_dir``, then move it into place."""
    import torch
    from safetensors.torch import save_file

    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}."))
    try:
        for path in base_dir.iterdir():
            if path.is_file() and path.name not in HEAD_FILES:
                shutil.copy2(path, tmp / path.name)
        save_file({"weight": torch.tensor(W, dtype=torch.float32), "bias": torch.tensor(b, dtype=torch.float32)},
                  tmp / "head.safetensors")
        config = {**read_config(base_dir), "temperature": report["temperature"]}
        (tmp / "classifier.json").write_text(json.dumps(config, indent=2) + "\n")
        (tmp / "adapt.json").write_text(json.dumps(report, indent=2) + "\n")
        (tmp / "MODEL_CARD.md").write_text(model_card(report, labels_path), encoding="utf-8")
        oof.to_csv(tmp / "out_of_fold.csv", index=False)
        for path in tmp.iterdir():  # an ordinary shared folder (mkdtemp and safetensors make them private)
            os.chmod(path, 0o644)
        os.chmod(tmp, 0o755)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        os.replace(tmp, out_dir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _sha(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16] if path else "-"


def model_card(report, labels_path=None):
    counts = ", ".join(f"{label} {n}" for label, n in report["label_counts"].items())
    penalty = ("none: the base head was kept (no penalty fitted your labels better)"
               if np.isinf(report["penalty"]) else f"L2 strength {report['penalty']:g} toward the base head")
    return f"""# {report['task']} model adapted to your labels

| | |
|---|---|
| base model | `{report['base_model']}` (fingerprint {report['base_fingerprint'][:8]}) |
| labels | {markdown_text(report['labels_file'] or '(in memory)')} (sha256 {_sha(labels_path)}), \
{report['n_labels']} rows: {counts} |
| targets | {'; '.join(map(markdown_text, report['targets'])) or '(sentiment: none)'} |
| inputs | {_inputs_line(report)} |
| what changed | only the linear head, refitted on the frozen encoder's features; {penalty} |
| temperature | {report['temperature']} (fitted on the cross-validated predictions, at least the base's) |
| {report['folds']}-fold CV macro-F1, adapted | {report['cv_macro_f1_adapted']:.3f} |
| {report['folds']}-fold CV macro-F1, base model | {report['cv_macro_f1_base']:.3f} |
| share of bootstrap resamples where adapted beats base | {report['bootstrap_share_adapted_better']:.2f} |
| verdict | {report['verdict']} |

{describe(report)}.

The estimate comes from your {report['n_labels']} labels only (each fold's penalty chosen on
that fold's training rows), so it is rough: with 30 labels one statement more or less right
moves macro-F1 by several points. It says nothing about targets you did not label.
"""


def _inputs_line(report):
    """The model-card line on what the labels were read with (as the scorer reads statements)."""
    if report["task"] != "stance":
        return "the text"
    speaker = (f"{report['with_speaker']} with the speaker's role, organisation or country" if report["reads_speaker"]
               else "no speaker (this model does not read one)")
    return f"as the scorer reads them: {report['with_context']} with the sentence before, {speaker}"


# -- suggest ---------------------------------------------------------------------------
def suggest(statements, target=None, *, model=None, task="stance", n=30, exclude=(), progress=True):
    """The ``n`` statements whose labels would teach the model most, with its current guess.

    Picks greedily: uncertainty (entropy of the model's probabilities) times distance
    (cosine, on the pooled features) to the statements already picked, divided by
    1 + the number already picked from the same speaker (when there is a ``speaker`` column).
    ``exclude``: texts already labelled. Returns the chosen rows with ``target, text,
    label`` (empty, to fill in), ``guess``, the probabilities and ``uncertainty`` first.
    """

    pool = _candidates(statements, target, task, exclude)
    classifier, tokenizer = load_base(model, task)
    X = features(classifier, tokenizer, model_inputs(classifier, pool, task), pool["target"], progress=progress)
    logits = X @ classifier.head.weight.detach().numpy().T + classifier.head.bias.detach().numpy()
    probs = softmax(logits.astype(np.float64), classifier.temperature)
    uncertainty = -(probs * np.log(probs + 1e-12)).sum(1) / np.log(probs.shape[1])
    speakers = pool["speaker"].to_numpy() if "speaker" in pool.columns else np.zeros(len(pool))
    chosen = pick(X, uncertainty, speakers, n)
    out = pool.iloc[chosen].reset_index(drop=True)
    columns = {"label": "", "guess": np.array(LABELS[task])[probs[chosen].argmax(1)]}
    columns.update({f"p_{label}": probs[chosen, k].round(4) for k, label in enumerate(LABELS[task])})
    columns["uncertainty"] = uncertainty[chosen].round(4)
    front = pd.DataFrame({"target": out["target"], "text": out["text"], **columns})
    return pd.concat([front, out.drop(columns=["target", "text", "label", *columns], errors="ignore")], axis=1)


def _candidates(statements, target, task, exclude):
    """Distinct non-empty statements not yet labelled, with a ``target`` column."""
    if "text" not in statements.columns:
        raise AdaptError("input has no 'text' column")
    pool = statements.copy()
    pool["text"] = pool["text"].fillna("").astype(str).str.strip()
    if task == "stance":
        if target is None and "target" not in pool.columns:
            raise AdaptError("stance needs a target: give --target or a 'target' column")
        pool["target"] = target if target is not None else pool["target"].fillna("").astype(str)
    else:
        pool["target"] = ""
    pool = pool[(pool["text"] != "") & ~pool["text"].isin(set(exclude))]
    return pool.drop_duplicates(["target", "text"]).reset_index(drop=True)


def pick(X, uncertainty, speakers, n):
    """Indices of ``n`` rows chosen greedily for uncertainty, diversity and spread over speakers."""
    unit = X / np.maximum(np.linalg.norm(X, axis=1, keepdims=True), 1e-12)
    distance = np.ones(len(X))  # cosine distance to the nearest row picked so far
    per_speaker = {}
    chosen = []
    for _ in range(min(n, len(X))):
        crowd = np.array([1 + per_speaker.get(s, 0) for s in speakers])
        gain = uncertainty * distance / max(distance.max(), 1e-12) / crowd
        gain[chosen] = -np.inf
        best = int(np.argmax(gain))
        chosen.append(best)
        per_speaker[speakers[best]] = per_speaker.get(speakers[best], 0) + 1
        distance = np.minimum(distance, 1 - unit @ unit[best])
    return chosen
