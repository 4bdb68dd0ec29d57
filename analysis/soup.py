"""Weight averaging of adapters trained on one base (a "model soup", Wortsman et al. 2022).

``soup(adapters, weights, out_dir)`` writes one adapter whose LoRA update is the
weighted sum of the ingredients' updates, exactly: for each layer, the
ingredients' ``lora_A`` stacked and their ``lora_B`` (times each weight)
concatenated make one LoRA of rank sum(r) with the same scale, so
``B @ A = sum_i w_i B_i @ A_i``.  The linear heads are averaged with the same
weights.  Merged for inference (``classifier.load_classifier``), a soup costs no
more than one adapter.

    python -m analysis soup stance --data ../shared/data/stance ../shared/data/news_statements \\
        --adapters build/stance-a build/stance-b --weights 0.7 0.3 [--out DIR]

writes the soup (default ``analysis/models/TASK``), then calibrates it on dev and
writes its metrics and card (``train.calibrate``).
"""
import json
from pathlib import Path

from .classifier import read_config

ADAPTER_FILES = ("adapter_config.json", "training.json", "adapter_model.safetensors", "head.safetensors",
                 "classifier.json")  # what a soup reads from each ingredient
# Ingredient settings shown in the card as "A / B / ..."; those in SHARED must agree.
PER_INGREDIENT = ("epochs", "cap_per_dataset_per_epoch", "swaps", "context_noise", "lora_r", "max_length", "seed",
                  "best_dev_selection")
SHARED = ("task", "base", "template", "batch_size", "lr", "dropout", "bf16_autocast")


def flat_ingredients(settings, weight):
    """[(training settings of one trained run, its weight)] of an adapter's training.json
    ``settings`` taken at ``weight``: a soup stands for its own ingredients, weighted."""
    if "ingredients" not in settings:
        return [(settings, weight)]
    return [item for s, w in zip(settings["ingredients"], settings["soup_weights"])
            for item in flat_ingredients(s, weight * w)]


def _check(adapters, configs, settings):
    """ValueError unless the adapters share their LoRA scale, SHARED settings and classifier."""
    scales = {c["lora_alpha"] / c["r"] for c in configs}
    if len(scales) != 1 or any(s.get(k) != settings[0].get(k) for s in settings for k in SHARED):
        raise ValueError(f"adapters {', '.join(map(str, adapters))} differ in LoRA scale or in {', '.join(SHARED)}")
    classifiers = [{**read_config(a), "temperature": None, "max_length": None} for a in adapters]
    if any(c != classifiers[0] for c in classifiers):
        raise ValueError("adapters differ in labels, input form or base (classifier.json)")
    return scales.pop()


def _combined(settings, weights):
    """training.json of a soup: the flat list of its trained runs and their weights."""
    runs = [item for s, w in zip(settings, weights) for item in flat_ingredients(s, w)]
    ingredients, flat = [s for s, _ in runs], [round(w, 6) for _, w in runs]
    return {**{k: settings[0][k] for k in SHARED if k in settings[0]},
            "data": list(dict.fromkeys(d for s in ingredients for d in s.get("data", []))),
            "soup_weights": flat,
            **{k: " / ".join(str(s.get(k)) for s in ingredients) for k in PER_INGREDIENT},
            "train_seconds": round(sum(s["train_seconds"] for s in ingredients), 1),
            "mix": {k: " / ".join(str(s.get("mix", {}).get(k, "–")) for s in ingredients)
                    for k in dict.fromkeys(k for s in ingredients for k in s.get("mix", {}))},
            "ingredients": ingredients}


def soup(adapters, weights, out_dir):
    """Write the weighted soup of ``adapters`` (folders written by ``train.train`` or by
    ``soup``) into ``out_dir``; returns its settings (also written as training.json).

    The adapters may differ in training data and input length (the soup reads the
    longest); a soup among them counts as its own ingredients, weighted, so the
    settings list trained runs only and the card can rebuild the soup from them."""
    import torch
    from safetensors.torch import load_file, save_file

    adapters, out_dir = [Path(a) for a in adapters], Path(out_dir)
    if len(adapters) != len(weights) or len(adapters) < 2:
        raise ValueError(f"give two or more adapters and one weight per adapter ({len(adapters)} adapters, "
                         f"{len(weights)} weights)")
    for a in adapters:
        missing = [name for name in ADAPTER_FILES if not (a / name).is_file()]
        if missing:
            raise FileNotFoundError(f"{a}: not an adapter folder (no {missing[0]})")
    configs = [json.loads((a / "adapter_config.json").read_text()) for a in adapters]
    settings = [json.loads((a / "training.json").read_text()) for a in adapters]
    scale = _check(adapters, configs, settings)
    tensors = [load_file(a / "adapter_model.safetensors") for a in adapters]
    mixed = {}
    for key in tensors[0]:
        if "lora_A" in key:
            mixed[key] = torch.cat([t[key] for t in tensors], 0)
        elif "lora_B" in key:
            mixed[key] = torch.cat([w * t[key] for w, t in zip(weights, tensors)], 1)
        else:
            raise ValueError(f"unexpected adapter tensor {key}: only LoRA A/B matrices can be averaged")
    heads = [load_file(a / "head.safetensors") for a in adapters]
    out_dir.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in mixed.items()}, out_dir / "adapter_model.safetensors")
    save_file({k: sum(w * h[k] for w, h in zip(weights, heads)).contiguous() for k in heads[0]},
              out_dir / "head.safetensors")
    rank = sum(c["r"] for c in configs)
    config = {**configs[0], "r": rank, "lora_alpha": scale * rank}
    (out_dir / "adapter_config.json").write_text(json.dumps(config, indent=2) + "\n")
    classifier = {**read_config(adapters[0]), "max_length": max(read_config(a)["max_length"] for a in adapters)}
    (out_dir / "classifier.json").write_text(json.dumps(classifier, indent=2) + "\n")
    combined = _combined(settings, weights)
    (out_dir / "training.json").write_text(json.dumps(combined, indent=2) + "\n")
    return combined
