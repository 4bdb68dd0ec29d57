"""Stage 3: score statements for stance toward a target and for sentiment.

Public functions
----------------
``score_texts(df, task, target=None, model=None, precision=None, device=None)``
    ``df`` with a ``text`` column (and ``target`` for stance unless ``target`` is
    given) -> the same rows plus ``schemas.STANCE_SCORES`` or
    ``schemas.SENTIMENT_SCORES`` columns.
``score_statements(statements, target, model=None, sentiment_model=None, precision=None, device=None)``
    ``schemas.STATEMENTS`` -> ``schemas.SCORED_STATEMENTS``.  ``device``: where the models
    run (``analysis.device``: auto = a CUDA GPU when there is one, else the CPU).

Models (``model=``)
-------------------
* ``None``: the project's fine-tuned LoRA adapter for the task (``analysis/models/<task>``).
* a folder holding ``classifier.json``: another adapter trained by ``python -m analysis train``.
* a local folder or an id in the local Hugging Face cache of an NLI / zero-shot model
  (e.g. ``MoritzLaurer/deberta-v3-base-zeroshot-v2.0``): labels are scored by
  entailment of one hypothesis per label, as the zero-shot pipeline does.

Like a Hugging Face pipeline, a :class:`Scorer` keeps preprocess (tokenise
length-sorted batches), forward (the model under ``torch.inference_mode``) and
postprocess (temperature softmax) apart.  Scores are cached in SQLite
(``.cache/scores.sqlite``) keyed by model fingerprint, task, target and text, and
committed batch by batch, so re-runs and interrupted runs only score what is new
(``analysis.scorecache``: rebuilt only when damaged; a full or read-only disk is reported).
"""
import hashlib
import os
import warnings
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from . import device as devices
from . import numerics, schemas
from .attribution.countries import country_of
from .classifier import ADAPTERS_DIR, hash_files, with_context
from .device import fast_bf16, resolve_precision  # noqa: F401 (public: they were defined here)
from .errors import ModelNotFound
from .metrics import softmax
from .paths import CACHE_DIR
from .scorecache import ScoreCache
from .vocab import LABELS, PROB_COLUMNS

# One hypothesis per label for NLI models; {target} is filled in for stance.
HYPOTHESES = {
    "stance": {"favor": "This statement supports {target}.",
               "against": "This statement opposes {target}.",
               "neutral": "This statement takes no position on {target}."},
    "sentiment": {"negative": "The sentiment of this statement is negative.",
                  "neutral": "The sentiment of this statement is neutral.",
                  "positive": "The sentiment of this statement is positive."},
}
DEFAULT_CACHE = CACHE_DIR
PROGRESS_MIN = 300  # show a progress bar from this many uncached rows


class Scorer:
    """Score texts for one task with one model; returns probabilities in ``LABELS[task]`` order."""

    def __init__(self, task, model=None, batch_size=None, max_length=256, precision=None, device=None):
        import torch

        from .classifier import BASES, fingerprint, read_config

        if task not in LABELS:
            raise ValueError(f"unknown task {task!r}: choose stance or sentiment")
        self.device = devices.resolve_device(device)  # "cpu" or "cuda:N"; batches sized for it
        self.task, self.labels = task, LABELS[task]
        torch.set_num_threads(numerics.threads())
        self.precision = devices.resolve_precision(precision, self.device)
        self.batch_size = batch_size or devices.batch_size(self.device, self.precision)
        path = Path(model) if model is not None else ADAPTERS_DIR / task
        if (path / "classifier.json").is_file():
            # Adapter weights load on first use (``load``): a fully cached run never needs them.
            self.kind, self.path, self.model = "adapter", path, None
            self.speaker = read_config(path)["speaker"]
            self.fingerprint = fingerprint(path)
            base = BASES[read_config(path)["base"]]["name"]
            self.model_id = f"{base + '-lora-' + task if model is None else path.name}@{self.fingerprint[:8]}"
        else:
            self._load_nli(model, path)
            self.kind, self.max_length, self.temperature, self.speaker = "nli", max_length, 1.0, False
        # scores differ slightly from the CPU's float32 ones: cache and label them apart
        self.fingerprint += devices.fingerprint_suffix(self.device, self.precision) + numerics.fingerprint_suffix()
        if self.precision == "int8":  # smoothed on these rows: another sample gives other scores
            from .runtime import calibration_digest

            self.fingerprint += "-" + calibration_digest()
        self.model_id += "".join(f"+{x}" for x in (self.precision != "fp32" and self.precision,
                                                  self.device != "cpu" and "cuda") if x)
        if self.kind == "nli":
            self.model = self._cast(self.model)

    def load(self):
        """Load the adapter and its tokenizer if not loaded yet; return self."""
        from transformers import AutoTokenizer

        from .classifier import base_model_dir, load_classifier

        if self.model is None:
            model = load_classifier(self.path)
            if model.labels != self.labels:
                raise ValueError(f"adapter {self.path} has labels {model.labels}, expected {self.labels}")
            self.tokenizer = AutoTokenizer.from_pretrained(base_model_dir(model.base))
            self.template = model.template
            self.max_length, self.temperature, self.model = model.max_length, model.temperature, model
            self.model = self._cast(model)  # int8 calibrates on the float32 model set just above
        return self

    def calibration_batches(self):
        """``runtime.calibration_rows()`` encoded as this scorer reads them."""
        from .runtime import calibration_rows

        rows = calibration_rows()
        texts = rows["text"].tolist()
        if self.task == "stance":  # the role alone describes the speaker, as in training
            texts = stance_inputs(rows.assign(role=rows["speaker_role"], organization="", country=""), self.speaker)
        return (encoded for _, encoded in self.preprocess(texts, rows["target"].tolist()))

    def _cast(self, model):
        """The model in ``self.precision`` (``classifier.for_inference``; int8 copies are kept by fingerprint).

        For bfloat16 the whole model, not autocast: autocast re-casts every weight and
        activation on every batch, which cost a quarter of the time here (416 against 546 rows/s).
        """
        from .classifier import for_inference

        if self.device != "cpu":  # float32 weights on the GPU; half precision is autocast in ``forward``
            return for_inference(model, "fp32").to(self.device)
        return for_inference(model, self.precision, key=self.fingerprint, calibration=self.calibration_batches)

    def _load_nli(self, model, path):
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        if model is None:
            raise ModelNotFound(f"the project's {self.task} adapter is missing from {path}")
        local = path.is_dir()
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(str(model), local_files_only=not local)
            self.model = AutoModelForSequenceClassification.from_pretrained(
                str(model), local_files_only=not local).eval()
        except (OSError, ValueError) as exc:
            raise ModelNotFound(f"model {model!r} not found: not an adapter folder, not a local model folder, "
                                f"and not in the local Hugging Face cache (no model hub is reachable)") from exc
        label2id = {k.lower(): v for k, v in self.model.config.label2id.items()}
        entail = [v for k, v in label2id.items() if k.startswith("entail")]
        if not entail:
            raise ValueError(f"model {model!r} is not an NLI model: its labels {list(label2id)} have no 'entailment'")
        self.entail_index = entail[0]
        folder = Path(self.model.name_or_path)
        files = sorted(p for p in folder.glob("*") if p.suffix in {".safetensors", ".bin", ".json"})
        self.fingerprint = hash_files(files) if files else hashlib.sha256(str(model).encode()).hexdigest()[:16]
        self.model_id = f"{path.name if local else model}@{self.fingerprint[:8]}"

    def windows(self, text, target, overlap=0.25):
        """``text`` cut into overlapping windows that fit the model with ``target``.

        A text that fits is returned whole (one window).  Longer texts are cut at
        word-piece boundaries into windows of the free length, each overlapping the
        previous one by ``overlap`` of it; ``score_texts`` pools their probabilities.
        """
        budget = self._budget(target)
        offsets = self.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)["offset_mapping"]
        if len(offsets) <= budget:
            return [text]
        budget = max(budget, 8)
        step = max(1, int(budget * (1 - overlap)))
        starts = range(0, max(1, len(offsets) - budget + step), step)
        return [text[offsets[i][0]:offsets[min(i + budget, len(offsets)) - 1][1]] for i in starts]

    @lru_cache(maxsize=256)
    def _budget(self, target):
        """Word pieces left for the text beside ``target`` (its template or longest hypothesis)."""
        self.load()
        if self.kind == "adapter":
            first = self.template.format(target=target) if self.model.pair else ""
        else:
            first = max((h.format(target=target) for h in HYPOTHESES[self.task].values()), key=len)
        return self.max_length - len(self.tokenizer(first, add_special_tokens=False)["input_ids"]) - 4

    # -- preprocess -> forward -> postprocess ---------------------------------------------
    def preprocess(self, texts, targets):
        """Yield (row positions, encoded batch) in length-sorted batches with dynamic padding."""
        from .classifier import encode

        self.load()
        texts = list(texts)
        order = np.argsort([len(t) for t in texts], kind="stable")
        for i in range(0, len(order), self.batch_size):
            idx = order[i:i + self.batch_size]
            batch = [texts[j] for j in idx]
            if self.kind == "adapter":
                tgt = [targets[j] for j in idx] if self.model.pair else None
                yield idx, encode(self.tokenizer, batch, tgt, self.max_length, self.template)
            else:
                hyps = [HYPOTHESES[self.task][label].format(target=targets[j] if targets is not None else "")
                        for j in idx for label in self.labels]
                premises = [t for t in batch for _ in self.labels]
                yield idx, self.tokenizer(premises, hyps, truncation="only_first", max_length=self.max_length,
                                          padding=True, return_tensors="pt")

    def forward(self, encoded):
        """Logits per row and label (for NLI: the entailment logit of each label's hypothesis)."""
        import torch

        if self.device != "cpu":
            encoded = {k: v.to(self.device) for k, v in encoded.items()}
        with torch.inference_mode(), devices.autocast(self.device, self.precision):
            if self.kind == "adapter":
                return self.model(**encoded).float().cpu().numpy()
            out = self.model(**encoded)
            logits = getattr(out, "logits", out).float().cpu().numpy()  # an int8 copy returns the logits alone
            return logits[:, self.entail_index].reshape(-1, len(self.labels))

    def postprocess(self, logits):
        """Calibrated probabilities: softmax of logits / temperature."""
        return softmax(logits, self.temperature)


_SCORERS = {}  # (task, model as str or None, precision, device) -> Scorer


def get_scorer(task, model=None, precision=None, device=None):
    """The Scorer for (task, model, precision, device), built once per process whichever way
    the model is named (positionally or not, a path or its string)."""
    key = (task, None if model is None else str(model), precision or os.environ.get("ANALYSIS_PRECISION", "auto"),
           devices.resolve_device(device))
    if key not in _SCORERS:
        _SCORERS[key] = Scorer(*key[:2], precision=key[2], device=key[3])
    return _SCORERS[key]


def clear_scorers():
    """Forget the Scorers built so far (the next ``get_scorer`` builds anew)."""
    _SCORERS.clear()


def score_texts(df: pd.DataFrame, task: str, *, target: str | None = None, model: str | os.PathLike | None = None,
                cache_dir: str | os.PathLike | None = DEFAULT_CACHE, progress: bool | None = None,
                precision: str | None = None, source: str = "input", device: str | None = None) -> pd.DataFrame:
    """Score ``df.text`` (and ``df.target`` or ``target`` for stance); return df plus score columns.

    Stance reads an optional ``df.context`` (the sentence before each text in its
    article) before the text, and, with a model that reads speakers, optional ``df.role``,
    ``df.organization`` and ``df.country`` (``stance_inputs``), as ``score_statements`` does.

    ``precision``: "auto", "fp32", "bf16", "int8" or on a GPU "fp16" (``device.resolve_precision``);
    default: the ``ANALYSIS_PRECISION`` environment variable, else "auto".  ``device``: "auto",
    "cpu", "cuda" or "cuda:N" (``device.resolve_device``; default $ANALYSIS_DEVICE, else auto).
    Rows with empty text get an empty label and NaN probabilities, with a warning
    naming ``source`` (the input file) and the 1-based data rows.
    ``progress``: True/False forces the tqdm bar on/off; None shows it above
    ``PROGRESS_MIN`` uncached rows.
    """
    from tqdm.auto import tqdm

    if "text" not in df.columns:
        raise ValueError("input has no 'text' column")
    out = df.copy()
    texts = out["text"].fillna("").astype(str)
    scorer = get_scorer(task, model, precision, device)
    if task == "stance":
        given = pd.DataFrame({c: out[c].fillna("").astype(str) if c in out.columns else ""
                              for c in ("context", "role", "organization", "country")}, index=out.index)
        texts = pd.Series([s if t.strip() else t for s, t in zip(stance_inputs(given.assign(text=texts),
                                                                               scorer.speaker), texts)],
                          index=out.index)
        if target is None and "target" not in out.columns:
            raise ValueError("stance needs a target: give --target or a 'target' column")
        targets = pd.Series(target, index=out.index) if target is not None else out["target"].fillna("").astype(str)
    else:
        targets = pd.Series("", index=out.index)
    empty = texts.str.strip() == ""
    if empty.any():
        warnings.warn(f"{source}: {int(empty.sum())} row(s) with empty text left unscored (data rows "
                      f"{', '.join(str(i + 1) for i in np.flatnonzero(empty.to_numpy())[:10])})", RuntimeWarning)
    probs = np.full((len(out), 3), np.nan)
    hashes = [ScoreCache.key(t) for t in texts]
    cache = ScoreCache(Path(cache_dir) / "scores.sqlite") if cache_dir else None
    todo = []
    for target_value in pd.unique(targets[~empty]):
        rows = np.flatnonzero((targets == target_value).to_numpy() & ~empty.to_numpy())
        found = cache.get(scorer.fingerprint, task, target_value, [hashes[i] for i in rows]) if cache else {}
        for i in rows:
            if hashes[i] in found:
                probs[i] = found[hashes[i]]
            else:
                todo.append(i)
    # Score each distinct (target, text) once.
    unique = {}
    for i in todo:
        unique.setdefault((targets.iat[i], hashes[i]), i)
    firsts = list(unique.values())
    if firsts:
        show = progress if progress is not None else len(firsts) > PROGRESS_MIN
        bar = tqdm(total=len(firsts), desc=f"scoring {task}", disable=not show)
        u_targets = [targets.iat[i] for i in firsts]
        windows = [scorer.windows(texts.iat[i], t) for i, t in zip(firsts, u_targets)]

        def done(positions, p):
            for k, j in enumerate(positions):
                probs[firsts[j]] = p[k]
            if cache:
                cache.put(scorer.fingerprint, task, [(u_targets[j], hashes[firsts[j]], p[k])
                                                     for k, j in enumerate(positions)])
            bar.update(len(positions))

        whole = [j for j, w in enumerate(windows) if len(w) == 1]
        for idx, enc in scorer.preprocess([windows[j][0] for j in whole], [u_targets[j] for j in whole]):
            done([whole[k] for k in idx], scorer.postprocess(scorer.forward(enc)))
        long = [j for j, w in enumerate(windows) if len(w) > 1]
        if long:
            warnings.warn(f"{source}: {len(long)} text(s) longer than the model reads at once "
                          f"({scorer.max_length} word pieces) scored in overlapping windows, probabilities "
                          f"averaged", RuntimeWarning)
        for j in long:  # one text at a time, so each is cached as soon as it is scored
            p = np.zeros((len(windows[j]), 3))
            for idx, enc in scorer.preprocess(windows[j], [u_targets[j]] * len(windows[j])):
                p[idx] = scorer.postprocess(scorer.forward(enc))
            done([j], p.mean(axis=0, keepdims=True))
        bar.close()
        for i in todo:
            probs[i] = probs[unique[(targets.iat[i], hashes[i])]]
    for k, col in enumerate(PROB_COLUMNS[task]):
        out[col] = probs[:, k]
    labels = np.array(LABELS[task], dtype=object)[np.nan_to_num(probs, nan=-1).argmax(1)]
    out["label"] = np.where(empty.to_numpy(), "", labels)
    out["model"] = scorer.model_id
    return out


def speaker_description(role: str = "", organization: str = "", country: str = "") -> str:
    """Who speaks, as a stance model that reads speakers sees it: the role, organisation and
    country the extractor found, each once ("spokeswoman, Ministry of Foreign Affairs of
    Russia"); never the person's name, which the model was not trained on.  The country is
    left out when the role or organisation already names it, in any form the lexicon knows
    ("US State Department", not "US State Department, United States")."""
    parts = []
    for part in (role, organization, country):
        part = " ".join(str(part or "").split())
        if part and not any(part.lower() in seen.lower() for seen in parts):
            parts.append(part)
    country = " ".join(str(country or "").split())
    if country and parts[-1] == country and any(country_of(seen) == country for seen in parts[:-1]):
        parts.pop()
    return ", ".join(parts)


def stance_inputs(statements: pd.DataFrame, speaker: bool = False) -> list[str]:
    """What the stance model reads for each STATEMENTS row: its ``text``, after its
    ``context`` when it has one, and with ``speaker`` (a model that reads speakers,
    ``Scorer.speaker``) its ``speaker_description`` before the text (``classifier.with_context``)."""
    if not speaker:
        return [with_context(c, t) for c, t in zip(statements["context"], statements["text"])]
    return [with_context(c, t, speaker_description(r, o, k)) for c, t, r, o, k in
            zip(statements["context"], statements["text"], statements["role"], statements["organization"],
                statements["country"])]


def score_statements(statements: pd.DataFrame, target: str, model: str | os.PathLike | None = None,
                     sentiment_model: str | os.PathLike | None = None,
                     cache_dir: str | os.PathLike | None = DEFAULT_CACHE, *,
                     precision: str | None = None, device: str | None = None) -> pd.DataFrame:
    """STATEMENTS -> SCORED_STATEMENTS: stance toward ``target`` of each statement (of its
    ``stance_inputs``: the text after its context, and its speaker's role when the model reads
    it) and sentiment of its text.

    ``precision``, ``device``: as in ``score_texts``."""
    schemas.check(statements, schemas.STATEMENTS, "statements")
    base = statements.reset_index(drop=True)
    inputs = stance_inputs(base, get_scorer("stance", model, precision, device).speaker)
    stance = score_texts(pd.DataFrame({"text": inputs}), "stance", target=target, model=model,
                         cache_dir=cache_dir, precision=precision, device=device)
    sentiment = score_texts(base[["text"]], "sentiment", model=sentiment_model, cache_dir=cache_dir,
                            precision=precision, device=device)
    out = base.copy()
    out["target"] = target
    out[["p_favor", "p_against", "p_neutral"]] = stance[["p_favor", "p_against", "p_neutral"]].to_numpy()
    out["stance"], out["stance_model"] = stance["label"], stance["model"]
    out[["p_negative", "p_sentiment_neutral", "p_positive"]] = \
        sentiment[["p_negative", "p_neutral", "p_positive"]].to_numpy()
    out["sentiment"], out["sentiment_model"] = sentiment["label"], sentiment["model"]
    return out[list(schemas.SCORED_STATEMENTS)]
