"""Training stage on a tiny made-up data set: the code path end to end, not quality."""
import gzip
import json

import numpy as np
import pandas as pd
import pytest
import torch
from transformers import AutoTokenizer

from analysis import recipes, scoring, train
from analysis.classifier import base_model_dir, encode, load_classifier

pytestmark = pytest.mark.slow  # trains an adapter

ROWS = [("favor", "We strongly support this plan."), ("against", "This plan is a disaster, stop it."),
        ("neutral", "The weather was mild on Tuesday.")]


def write_split(folder, split, n, with_target):
    rows = []
    for i in range(n):
        label, text = ROWS[i % 3]
        row = {"dataset": "setA" if i % 2 else "setB", "text": f"{text} ({i})",
               "label": "none" if label == "neutral" else label}
        if with_target:
            row["target"] = "the plan"
        rows.append(row)
    with gzip.open(folder / f"{split}.csv.gz", "wt", encoding="utf-8") as fh:
        pd.DataFrame(rows).to_csv(fh, index=False)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    write_split(data, "train", 24, True)
    write_split(data, "dev", 9, True)
    out = tmp_path_factory.mktemp("adapter") / "stance-tiny"
    settings = train.train("stance", data, out, epochs=1, batch_size=8, lr=1e-3, max_length=32, cap=10, r=2,
                           dropout=0.0, bf16=True, log=lambda *_: None)
    report = train.calibrate("stance", data, out, log=lambda *_: None)
    return out, settings, report


def test_training_writes_adapter_metrics_and_card(trained):
    out, settings, report = trained
    for name in ["adapter_model.safetensors", "head.safetensors", "classifier.json", "training.json",
                 "metrics.json", "MODEL_CARD.md"]:
        assert (out / name).is_file(), name
    assert settings["cap_per_dataset_per_epoch"] == 10 and settings["bf16_autocast"] is True
    assert settings["dropout"] == 0.0
    assert set(report["per_dataset"]) == {"setA", "setB"}
    assert np.array(report["confusion"]["matrix"]).sum() == 9
    assert report["temperature"] > 0
    assert json.loads((out / "classifier.json").read_text())["temperature"] == report["temperature"]
    card = (out / "MODEL_CARD.md").read_text()
    assert "Confusion matrix" in card and "setA" in card and "calibration error" in card


def test_trained_adapter_scores_through_the_scorer(trained, tmp_path):
    out, _, _ = trained
    scoring.clear_scorers()
    scored = scoring.score_texts(pd.DataFrame({"text": ["We support it."]}), "stance", target="the plan",
                                 model=out, cache_dir=tmp_path, precision="fp32")
    # The scorer gives what the saved adapter computes: softmax(logits / temperature) of (target, text).
    model = load_classifier(out)
    tokenizer = AutoTokenizer.from_pretrained(base_model_dir(model.base))
    with torch.inference_mode():
        logits = model(**encode(tokenizer, ["We support it."], ["the plan"], model.max_length, model.template))
    expected = torch.softmax(logits / model.temperature, dim=1).numpy()[0]
    assert scored[["p_favor", "p_against", "p_neutral"]].to_numpy()[0] == pytest.approx(expected, abs=1e-5)
    assert scored["label"].iat[0] == model.labels[expected.argmax()]
    assert scored["model"].iat[0].startswith("stance-tiny@")


def test_per_dataset_f1_uses_the_datasets_own_classes():
    # Gold has two classes; one stray 'neutral' prediction must not add a zero-F1 class.
    y = np.array([0, 0, 1, 1])
    pred = np.array([0, 0, 1, 2])
    assert train.macro_f1(y, pred, 3, classes=[0, 1]) == pytest.approx((1.0 + 2 / 3) / 2)
    assert train.macro_f1(y, pred, 3) == pytest.approx((1.0 + 2 / 3 + 0.0) / 3)


def test_temperature_fitting_lowers_overconfidence():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 600)
    logits = rng.normal(size=(600, 3)).astype(np.float32)
    logits[np.arange(600), y] += 1.0
    logits *= 6  # right 2/3 of the time but nearly always ~100 % sure
    t = train.fit_temperature(logits, y)
    assert t > 2
    assert (train.expected_calibration_error(train.softmax(logits, t), y)
            < train.expected_calibration_error(train.softmax(logits), y) / 2)


@pytest.mark.parametrize("task", sorted(train.TASKS))
def test_committed_adapters_were_trained_with_the_cli_defaults(task):
    # The model cards say `python -m analysis train TASK --data DIR...` reproduces them.
    from analysis.classifier import resolve_base

    settings = json.loads((train.ADAPTERS_DIR / task / "training.json").read_text())
    if "ingredients" in settings:  # a soup: its first run is the recipe; the card gives the others' flags
        settings = settings["ingredients"][0]
    while "init" in settings:  # went on training an earlier run: the first run is the recipe (the card's chain)
        settings = settings["init"]
    recipe = recipes.RECIPES[task]
    assert settings["base"] == resolve_base(recipe["base"])
    assert (settings["epochs"], settings["batch_size"], settings["lr"], settings["max_length"],
            settings["cap_per_dataset_per_epoch"], settings["mix"], settings["swaps"], settings["lora_r"],
            settings["dropout"], settings["bf16_autocast"]) == (
        recipe["epochs"], recipe["batch_size"], recipe["lr"], recipe["max_length"], recipe["cap"], recipe["mix"],
        recipe["swaps"], recipe["r"], recipe["dropout"], recipe["bf16"])
    assert settings.get("context_noise", 0.0) == recipe.get("noise", 0.0)
    assert "news_statements" in settings["data"]


def test_mix_option_overrides_one_dataset_and_keeps_the_recipes_others(tmp_path, monkeypatch):
    import argparse

    from analysis.cli import train as cli_train

    for split in ("train", "dev"):
        write_split(tmp_path, split, 6, with_target=True)
    seen = {}
    monkeypatch.setattr(cli_train, "train", lambda task, data, out, **kw: seen.update(kw))
    monkeypatch.setattr(cli_train, "calibrate", lambda *a, **kw: None)
    parser = argparse.ArgumentParser()
    cli_train.add_arguments("train", parser)
    args = parser.parse_args(["stance", "--data", str(tmp_path), "--out", str(tmp_path / "a"),
                              "--mix", "news_contrast=2928"])
    assert cli_train.run_cli("train", args) == 0
    assert seen["mix"] == {**recipes.RECIPES["stance"]["mix"], "news_contrast": 2928}
